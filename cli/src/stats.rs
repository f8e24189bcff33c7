//! `lasso stats`: the dataset's health (`lasso_core::formats::health`) as a table for people,
//! or as JSON.

use lasso_core::dataset::looks::{looks, pixel_health, PixelHealth, NEAR_DUPLICATE_BITS};
use lasso_core::formats::health::{health, Health, Spread, ASPECT_BINS, TINY_PX};
use lasso_core::formats::Dataset;
use std::collections::BTreeSet;
use std::fmt::Write as _;
use std::path::Path;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;

/// Decodes every image of the dataset (each file once, on every core) for the pixel checks:
/// unreadable, blank, duplicate and near-duplicate images.
pub fn pixels(ds: &Dataset, input: &Path) -> PixelHealth {
    let files: Vec<String> = ds
        .tasks
        .iter()
        .map(|t| t.image.src.clone())
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect();
    let bar = crate::folder::bar(files.len() as u64, "reading pixels");
    let next = AtomicUsize::new(0);
    let found = Mutex::new(Vec::new());
    let workers = std::thread::available_parallelism().map_or(2, |n| n.get());
    std::thread::scope(|scope| {
        for _ in 0..workers {
            scope.spawn(|| {
                while let Some(file) = files.get(next.fetch_add(1, Ordering::Relaxed)) {
                    let one = std::fs::read(input.join(file))
                        .map_err(|e| format!("cannot read the file: {e}"))
                        .and_then(|bytes| looks(&bytes));
                    if let Ok(mut all) = found.lock() {
                        all.push((file.clone(), one));
                    }
                    bar.inc(1);
                }
            });
        }
    });
    bar.finish_and_clear();
    let mut health = pixel_health(found.into_inner().unwrap_or_default());
    let split_of: std::collections::HashMap<&str, _> = ds
        .tasks
        .iter()
        .map(|t| (t.image.src.as_str(), ds.splits.get(&t.id).copied()))
        .collect();
    health.mark_across_splits(|src| split_of.get(src).copied().flatten());
    health
}

fn spread(s: &Spread) -> String {
    format!(
        "min {:.1}  p25 {:.1}  median {:.1}  p75 {:.1}  max {:.1}",
        s.min, s.p25, s.median, s.p75, s.max
    )
}

fn counts<'a>(items: impl Iterator<Item = (&'a str, usize)>) -> String {
    items
        .map(|(name, n)| format!("{name} {n}"))
        .collect::<Vec<_>>()
        .join("  ")
}

/// The report as JSON (with a `pixels` section when the images were read).
pub fn json(ds: &Dataset, pixels: Option<&PixelHealth>) -> Result<String, String> {
    let mut value = serde_json::to_value(health(ds)).map_err(|e| e.to_string())?;
    if let (Some(p), Some(map)) = (pixels, value.as_object_mut()) {
        map.insert(
            "pixels".into(),
            serde_json::to_value(p).map_err(|e| e.to_string())?,
        );
    }
    serde_json::to_string_pretty(&value).map_err(|e| e.to_string())
}

/// The pixel section for people.
fn pixel_report(out: &mut String, p: &PixelHealth) {
    let _ = writeln!(out, "\nunreadable images   {}", p.unreadable.len());
    for (name, why) in &p.unreadable {
        let _ = writeln!(out, "  {name}: {why}");
    }
    let _ = writeln!(out, "blank images        {}", p.blank.len());
    for name in &p.blank {
        let _ = writeln!(out, "  {name}");
    }
    let _ = writeln!(
        out,
        "duplicate groups    {} (same picture, resized or recompressed: hashes within {NEAR_DUPLICATE_BITS} of 64 bits)",
        p.duplicates.len()
    );
    for group in &p.duplicates {
        let across = if p.across_splits.contains(group) {
            "  ← in more than one split"
        } else {
            ""
        };
        let _ = writeln!(out, "  {}{across}", group.join("  "));
    }
}

/// The report printed by `lasso stats`.
pub fn report(ds: &Dataset, pixels: Option<&PixelHealth>) -> String {
    let h: Health = health(ds);
    let mut out = String::new();
    let _ = writeln!(out, "images   {}", h.images);
    let _ = writeln!(out, "objects  {}", h.objects);
    let _ = writeln!(
        out,
        "\nclass                    objects   images  per split"
    );
    for (name, c) in &h.classes {
        let splits = counts(c.per_split.iter().map(|(s, n)| (s.as_str(), *n)));
        let more = if c.needs_more {
            "  ← needs more examples"
        } else {
            ""
        };
        let _ = writeln!(
            out,
            "{name:<24} {:>7}  {:>7}  {splits}{more}",
            c.objects, c.images
        );
    }
    if !h.tags.is_empty() {
        let _ = writeln!(
            out,
            "\nimage tags          {}",
            counts(h.tags.iter().map(|(t, n)| (t.as_str(), *n)))
        );
    }
    let _ = writeln!(
        out,
        "\nobjects per image   {}",
        spread(&h.objects_per_image)
    );
    let _ = writeln!(out, "box width (px)      {}", spread(&h.box_width));
    let _ = writeln!(out, "box height (px)     {}", spread(&h.box_height));
    let _ = writeln!(
        out,
        "box aspect (w:h)    {}",
        counts(
            ASPECT_BINS
                .iter()
                .map(|(b, _)| (*b, h.aspect.get(*b).copied().unwrap_or(0)))
        )
    );
    let _ = writeln!(
        out,
        "box size (COCO)     {}",
        counts(
            ["small", "medium", "large"]
                .iter()
                .map(|s| (*s, h.size.get(*s).copied().unwrap_or(0)))
        )
    );
    let _ = writeln!(
        out,
        "image sizes         {}",
        counts(h.image_sizes.iter().map(|(s, n)| (s.as_str(), *n)))
    );
    let _ = writeln!(
        out,
        "tiny objects        {} (under {TINY_PX} px across)",
        h.tiny_objects
    );
    let _ = writeln!(out, "images without objects  {}", h.empty_images);
    if h.splits.keys().any(|s| s != "none") {
        let _ = writeln!(
            out,
            "splits              {}",
            counts(h.splits.iter().map(|(s, n)| (s.as_str(), *n)))
        );
    }
    if let Some(p) = pixels {
        pixel_report(&mut out, p);
    }
    out
}
