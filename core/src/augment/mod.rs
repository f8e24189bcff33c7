//! Preprocessing and augmentation: resize (stretch, fit, letterbox), grayscale, and seeded
//! copies of the training images through flips, quarter turns, rotation, shear, crop and zoom,
//! brightness, contrast, saturation, hue, blur, noise and cutout — every shape kind following
//! its pixels exactly.
//!
//! One [`Affine`] map describes all the geometry of an output image, so the pixels are
//! resampled once and the shapes are mapped once by the same map ([`shapes`]); the dataset
//! step ([`dataset::apply`]) decides what is written, the pixel step ([`pixels`]) renders it.

pub mod affine;
pub mod dataset;
pub mod pipeline;
pub mod pixels;
pub mod random;
pub mod shapes;

pub use affine::Affine;
pub use dataset::{apply, Applied, ImagePlan};
pub use pipeline::{Augment, Op, Pipeline, Resize, ResizeMode};
pub use shapes::{warp_shape, KeepRule, Target};

#[cfg(test)]
mod tests;
