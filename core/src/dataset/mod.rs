//! Preprocessing and augmentation: tiles, resize (stretch, fit, letterbox), grayscale, and seeded
//! copies of the training images through flips, quarter turns, rotation, shear, crop and zoom,
//! brightness, contrast, saturation, hue, blur, noise and cutout — every shape kind following
//! its pixels exactly.
//!
//! One [`Affine`] map describes all the geometry of an output image, so the pixels are
//! resampled once and the shapes are mapped once by the same map ([`shapes`]); the dataset
//! step ([`copies::apply`]) decides what is written, the pixel step ([`pixels`]) renders it.
//! A [`Recipe`] is every step from a dataset to its files (what `lasso convert` follows), and a
//! [`Version`] records what `lasso pull` read from a project so `lasso build` can repeat it.

pub mod affine;
pub mod copies;
pub mod looks;
pub mod pipeline;
pub mod pixels;
pub mod recipe;
pub mod shapes;
pub mod version;

pub use affine::Affine;
pub use copies::{apply, render_groups, Applied, ImagePlan};
pub use pipeline::{Augment, Op, Pipeline, Resize, ResizeMode, Tile};
pub use recipe::{Followed, Recipe};
pub use shapes::{warp_shape, KeepRule, Target};
pub use version::{choose, combine, Candidates, Choice, Source, TaskSource, Version};

#[cfg(test)]
mod tests;
