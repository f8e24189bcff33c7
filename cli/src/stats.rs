//! `lasso stats`: the dataset's health (`lasso_core::formats::health`) as a table for people,
//! or as JSON.

use lasso_core::formats::health::{health, Health, Spread, ASPECT_BINS, TINY_PX};
use lasso_core::formats::Dataset;
use std::fmt::Write as _;

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

/// The report as JSON.
pub fn json(ds: &Dataset) -> Result<String, String> {
    serde_json::to_string_pretty(&health(ds)).map_err(|e| e.to_string())
}

/// The report printed by `lasso stats`.
pub fn report(ds: &Dataset) -> String {
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
    out
}
