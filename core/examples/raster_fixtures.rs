//! Writes polygons, masks and our RLE results as JSON, for `tests/python/test_pycocotools_raster.py`
//! to recompute with pycocotools and compare bit for bit.
//!
//! Usage: `cargo run -p lasso-core --example raster_fixtures -- OUT.json`

use lasso_core::raster::polygon_to_rle;
use lasso_core::raster::rle::{iou, Rle};
use serde_json::{json, Value};

#[path = "support/gen.rs"]
mod gen;
use gen::Gen;

/// A coordinate in one of the styles that stress the rasteriser.
fn coordinate(g: &mut Gen, style: u64, extent: f64) -> f64 {
    let span = extent * 1.6;
    let base = g.unit() * span - extent * 0.3;
    match style {
        0 => base.round(),                 // pixel edges
        1 => base.floor() + 0.5,           // pixel centres
        2 => (base * 4.0).round() / 4.0,   // quarter pixels
        3 => (base * 10.0).round() / 10.0, // fifths and tenths (the ×5 grid and off it)
        _ => base,                         // anything
    }
}

fn random_polygon(g: &mut Gen, h: u32, w: u32) -> Vec<f64> {
    let style = g.below(5);
    let n = 3 + g.below(12) as usize;
    let mut xy = Vec::with_capacity(2 * n);
    for _ in 0..n {
        xy.push(coordinate(g, style, f64::from(w)));
        xy.push(coordinate(g, style, f64::from(h)));
    }
    xy
}

fn nasty_polygons(h: u32, w: u32) -> Vec<Vec<f64>> {
    let (fw, fh) = (f64::from(w), f64::from(h));
    vec![
        // Larger than the image on every side.
        vec![
            -5.0,
            -5.0,
            fw + 5.0,
            -5.0,
            fw + 5.0,
            fh + 5.0,
            -5.0,
            fh + 5.0,
        ],
        // Exactly the image.
        vec![0.0, 0.0, fw, 0.0, fw, fh, 0.0, fh],
        // Pixel centres.
        vec![0.5, 0.5, fw - 0.5, 0.5, fw - 0.5, fh - 0.5, 0.5, fh - 0.5],
        // Collinear runs along the top edge.
        vec![1.0, 1.0, 2.0, 1.0, 3.0, 1.0, 4.0, 1.0, 4.0, 4.0, 1.0, 4.0],
        // A spike out and back.
        vec![2.0, 2.0, 6.0, 2.0, 12.0, 3.0, 6.0, 2.2, 6.0, 6.0, 2.0, 6.0],
        // Self-intersecting bow tie.
        vec![1.0, 1.0, 7.0, 7.0, 7.0, 1.0, 1.0, 7.0],
        // Sub-pixel sliver and a degenerate line.
        vec![3.1, 3.1, 3.3, 3.1, 3.2, 3.4],
        vec![1.0, 1.0, 5.0, 5.0, 1.0, 1.0],
        // Negative coordinates only.
        vec![-4.0, -4.0, -1.0, -4.0, -1.0, -1.0],
        // Vertical and horizontal edges on the last column/row.
        vec![fw - 1.0, 0.0, fw, 0.0, fw, fh, fw - 1.0, fh],
        vec![0.0, fh - 1.0, fw, fh - 1.0, fw, fh, 0.0, fh],
        // Vertices far outside the image: long, steep and shallow edges across it.
        vec![
            fw / 2.0,
            fh / 2.0,
            250_000.0,
            -3_000.0,
            -90_000.0,
            170_000.0,
        ],
        vec![-1e5, 0.3, 1e5, fh - 0.7, 1e5, 1e5, -1e5, 1e5 + 0.1],
        vec![0.2, -2e5, fw - 0.4, 3e5, fw / 3.0, fh / 2.0],
        vec![
            -7_777.7,
            -1_234.5,
            fw + 4_321.9,
            fh / 3.0,
            3.3,
            fh + 9_999.1,
        ],
    ]
}

fn main() {
    let out = std::env::args()
        .nth(1)
        .unwrap_or_else(|| "raster_fixtures.json".into());
    let mut g = Gen(0x5EED_1A55_0C0C_0A11);
    let sizes: Vec<(u32, u32)> = vec![
        (1, 1),
        (2, 3),
        (8, 8),
        (13, 7),
        (32, 48),
        (64, 64),
        (50, 17),
    ];
    let mut polygons: Vec<Value> = Vec::new();
    let mut rles: Vec<(u32, u32, Rle)> = Vec::new();
    for &(h, w) in &sizes {
        let mut cases = nasty_polygons(h, w);
        for _ in 0..45 {
            cases.push(random_polygon(&mut g, h, w));
        }
        for xy in cases {
            let rle = polygon_to_rle(&xy, h, w);
            polygons.push(json!({
                "h": h, "w": w, "xy": xy,
                "counts": rle.to_compressed(), "area": rle.area(), "bbox": rle.bbox(),
            }));
            rles.push((h, w, rle));
        }
    }
    // Dense masks encoded by us.
    let mut masks: Vec<Value> = Vec::new();
    for _ in 0..60 {
        let (h, w) = (1 + g.below(30) as u32, 1 + g.below(30) as u32);
        let density = g.below(4);
        let bits: Vec<u8> = (0..h * w).map(|_| u8::from(g.below(4) < density)).collect();
        let rle = Rle::encode(&bits, h, w);
        let text: String = bits
            .iter()
            .map(|b| if *b == 1 { '1' } else { '0' })
            .collect();
        masks.push(
            json!({"h": h, "w": w, "bits": text, "counts": rle.to_compressed(),
            "area": rle.area(), "bbox": rle.bbox()}),
        );
    }
    // IoU and merge groups among polygon masks of the same size.
    let mut groups: Vec<Value> = Vec::new();
    for &(h, w) in &sizes {
        let same: Vec<&Rle> = rles
            .iter()
            .filter(|(hh, ww, _)| *hh == h && *ww == w)
            .map(|(_, _, r)| r)
            .collect();
        for start in (0..same.len().saturating_sub(8)).step_by(8) {
            let dt: Vec<Rle> = same[start..start + 4]
                .iter()
                .map(|r| (*r).clone())
                .collect();
            let gt: Vec<Rle> = same[start + 4..start + 8]
                .iter()
                .map(|r| (*r).clone())
                .collect();
            let crowd: Vec<bool> = (0..gt.len()).map(|i| (start / 8 + i) % 3 == 0).collect();
            let matrix = iou(&dt, &gt, &crowd);
            let union = Rle::merge(&dt, false)
                .map(|r| r.to_compressed())
                .unwrap_or_default();
            let inter = Rle::merge(&dt, true)
                .map(|r| r.to_compressed())
                .unwrap_or_default();
            groups.push(json!({
                "h": h, "w": w,
                "dt": dt.iter().map(Rle::to_compressed).collect::<Vec<_>>(),
                "gt": gt.iter().map(Rle::to_compressed).collect::<Vec<_>>(),
                "iscrowd": crowd, "iou": matrix, "union": union, "intersection": inter,
            }));
        }
    }
    // Label Studio brush masks (row-major), with runs long and short.
    let mut brushes: Vec<Value> = Vec::new();
    for n in 0..40 {
        let (h, w) = (1 + g.below(90) as u32, 1 + g.below(90) as u32);
        let blob = g.below(3) == 0;
        let bits: Vec<u8> = (0..h * w)
            .map(|i| {
                let (x, y) = (i % w, i / w);
                if blob {
                    u8::from(x > w / 4 && x < 3 * w / 4 && y > h / 5 && y < 4 * h / 5)
                } else {
                    u8::from(g.below(5) < (n % 5) as u64)
                }
            })
            .collect();
        let rle = lasso_core::raster::ls_brush::encode_mask(&bits);
        let text: String = bits
            .iter()
            .map(|b| if *b == 1 { '1' } else { '0' })
            .collect();
        brushes.push(json!({"h": h, "w": w, "bits": text, "rle": rle}));
    }
    let doc = json!({"polygons": polygons, "masks": masks, "groups": groups, "brushes": brushes});
    if let Err(e) = std::fs::write(&out, serde_json::to_string(&doc).unwrap_or_default()) {
        eprintln!("cannot write {out}: {e}");
        std::process::exit(1);
    }
    println!(
        "wrote {} polygons, {} masks, {} IoU groups to {out}",
        doc["polygons"].as_array().map_or(0, Vec::len),
        doc["masks"].as_array().map_or(0, Vec::len),
        doc["groups"].as_array().map_or(0, Vec::len)
    );
}
