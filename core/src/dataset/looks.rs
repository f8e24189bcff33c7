//! What a dataset's pixels say about it: images that do not decode, images that are blank
//! (one flat colour: a lens cap, a failed capture), and duplicates and near duplicates by a
//! perceptual hash — the same photo saved twice, resized or recompressed, which leaks between
//! splits and inflates scores.

use serde::Serialize;

/// Grey levels of standard deviation below which an image counts as blank.
pub const BLANK_STD_DEV: f64 = 2.0;

/// Hash bits two images may differ in and still count as near duplicates (of 64).
pub const NEAR_DUPLICATE_BITS: u32 = 6;

/// One image's figures.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Looks {
    /// Difference hash: 64 bits, one per neighbouring pair of a 9 × 8 grey thumbnail, set where
    /// the left one is brighter (Krawetz's dHash).
    pub hash: u64,
    /// Standard deviation of the grey levels.
    pub std_dev: f64,
}

/// The figures of an encoded image (decoded upright), or why it cannot be read.
pub fn looks(bytes: &[u8]) -> Result<Looks, String> {
    let rgb = super::pixels::decode(bytes)?;
    let grey = image::DynamicImage::ImageRgb8(rgb).to_luma8();
    let n = f64::from(grey.width()) * f64::from(grey.height());
    let (sum, squares) = grey.as_raw().iter().fold((0.0, 0.0), |(s, q), &v| {
        let v = f64::from(v);
        (s + v, q + v * v)
    });
    let mean = sum / n.max(1.0);
    let std_dev = (squares / n.max(1.0) - mean * mean).max(0.0).sqrt();
    let thumb = image::imageops::resize(&grey, 9, 8, image::imageops::FilterType::Triangle);
    let mut hash = 0u64;
    for y in 0..8 {
        for x in 0..8 {
            let brighter = thumb.get_pixel(x, y)[0] > thumb.get_pixel(x + 1, y)[0];
            hash = (hash << 1) | u64::from(brighter);
        }
    }
    Ok(Looks { hash, std_dev })
}

/// Images whose hashes differ in at most `max_bits` bits, grouped (a group holds every image
/// linked to another in it), each group's names sorted, groups by their first name. Pairs are
/// compared directly: 10,000 images are 50 million comparisons of one machine word.
pub fn duplicate_groups(images: &[(String, u64)], max_bits: u32) -> Vec<Vec<String>> {
    let mut parent: Vec<usize> = (0..images.len()).collect();
    fn root(parent: &mut [usize], mut i: usize) -> usize {
        while parent[i] != i {
            parent[i] = parent[parent[i]];
            i = parent[i];
        }
        i
    }
    for i in 0..images.len() {
        for j in i + 1..images.len() {
            if (images[i].1 ^ images[j].1).count_ones() <= max_bits {
                let (a, b) = (root(&mut parent, i), root(&mut parent, j));
                parent[a.max(b)] = a.min(b);
            }
        }
    }
    let mut groups: std::collections::BTreeMap<usize, Vec<String>> = Default::default();
    for (i, (name, _)) in images.iter().enumerate() {
        let r = root(&mut parent, i);
        groups.entry(r).or_default().push(name.clone());
    }
    let mut out: Vec<Vec<String>> = groups
        .into_values()
        .filter(|g| g.len() > 1)
        .map(|mut g| {
            g.sort();
            g
        })
        .collect();
    out.sort();
    out
}

/// The pixel section of a dataset's health report.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct PixelHealth {
    /// Images that could not be decoded, with why.
    pub unreadable: Vec<(String, String)>,
    /// Images of (nearly) one flat colour.
    pub blank: Vec<String>,
    /// Groups of duplicate or near-duplicate images.
    pub duplicates: Vec<Vec<String>>,
    /// The duplicate groups whose images lie in different splits: the same picture in training
    /// and in validation or test makes the scores lie.
    pub across_splits: Vec<Vec<String>>,
}

impl PixelHealth {
    /// Fills [`Self::across_splits`] from each image's split (`None`: in no split).
    pub fn mark_across_splits(&mut self, split_of: impl Fn(&str) -> Option<crate::formats::Split>) {
        self.across_splits = self
            .duplicates
            .iter()
            .filter(|group| {
                let first = group.first().map(|name| split_of(name));
                group.iter().any(|name| Some(split_of(name)) != first)
            })
            .cloned()
            .collect();
    }
}

/// The pixel section from every image's name and figures (or failure).
pub fn pixel_health(images: Vec<(String, Result<Looks, String>)>) -> PixelHealth {
    let mut health = PixelHealth::default();
    let mut hashes = Vec::new();
    for (name, result) in images {
        match result {
            Ok(l) => {
                if l.std_dev < BLANK_STD_DEV {
                    health.blank.push(name.clone());
                }
                hashes.push((name, l.hash));
            }
            Err(e) => health.unreadable.push((name, e)),
        }
    }
    // A blank image matches every other blank one; they are listed as blank instead.
    hashes.retain(|(name, _)| !health.blank.contains(name));
    health.duplicates = duplicate_groups(&hashes, NEAR_DUPLICATE_BITS);
    health.unreadable.sort();
    health.blank.sort();
    health
}

#[cfg(test)]
mod tests {
    use super::*;
    use image::{Rgb, RgbImage};

    fn encoded(image: &RgbImage, format: image::ImageFormat) -> Vec<u8> {
        let mut out = std::io::Cursor::new(Vec::new());
        image.write_to(&mut out, format).unwrap();
        out.into_inner()
    }

    fn scene(seed: u32) -> RgbImage {
        RgbImage::from_fn(320, 240, |x, y| {
            let v = ((x * (3 + seed) + y * (7 + 2 * seed)) / 5 + (x * y * seed) / 900) % 256;
            Rgb([v as u8, (255 - v) as u8, ((x + seed * 40) % 256) as u8])
        })
    }

    #[test]
    fn resized_and_recompressed_copies_are_near_duplicates_and_other_scenes_are_not() {
        let a = scene(1);
        let smaller =
            image::imageops::resize(&a, 160, 120, image::imageops::FilterType::CatmullRom);
        let names = [
            ("a.png", encoded(&a, image::ImageFormat::Png)),
            ("a-small.jpg", encoded(&smaller, image::ImageFormat::Jpeg)),
            ("b.png", encoded(&scene(5), image::ImageFormat::Png)),
            ("c.png", encoded(&scene(9), image::ImageFormat::Png)),
            (
                "blank.png",
                encoded(
                    &RgbImage::from_pixel(50, 40, Rgb([9, 9, 9])),
                    image::ImageFormat::Png,
                ),
            ),
            ("broken.jpg", b"\xFF\xD8\xFF\xE0 not really".to_vec()),
        ];
        let health = pixel_health(
            names
                .iter()
                .map(|(n, b)| (n.to_string(), looks(b)))
                .collect(),
        );
        assert_eq!(
            health.duplicates,
            vec![vec!["a-small.jpg".to_string(), "a.png".to_string()]]
        );
        assert_eq!(health.blank, vec!["blank.png".to_string()]);
        assert_eq!(health.unreadable.len(), 1);
        assert!(
            health.unreadable[0].0 == "broken.jpg" && health.unreadable[0].1.contains("decode")
        );
    }

    #[test]
    fn groups_join_through_shared_members() {
        let groups = duplicate_groups(
            &[
                ("x".into(), 0b0000),
                ("y".into(), 0b0111),
                ("z".into(), 0b1111_1100),
                ("w".into(), u64::MAX),
            ],
            3,
        );
        assert_eq!(groups, vec![vec!["x".to_string(), "y".to_string()]]);
        let chained = duplicate_groups(
            &[
                ("a".into(), 0),
                ("b".into(), 0b111),
                ("c".into(), 0b111_111),
            ],
            3,
        );
        assert_eq!(
            chained,
            vec![vec!["a".to_string(), "b".to_string(), "c".to_string()]]
        );
    }
}
