//! Writes dataset exports (COCO with RLE masks, COCO with polygon masks, YOLO detect, YOLO
//! segment, Pascal VOC) with real PNG images, and `expected.json` with what each holds as
//! computed by the core (masks as COCO RLE, boxes, class names), for
//! `tests/python/test_formats_consumers.py` to compare with pycocotools and supervision.
//!
//! Usage: `cargo run -p lasso-core --example format_fixtures -- OUT`
//! or, for timing conversions, `… -- --big N OUT` (a COCO dataset of N small images).

use lasso_core::formats::{export, Dataset, Export, ExportOptions, FormatName, MaskEncoding};
use lasso_core::geometry::bounds;
use lasso_core::model::{
    Annotation, BoxShape, ImageRef, Keypoint, Label, LabelSet, MaskRle, Point, PolygonPart,
    PolygonShape, RotatedBox, Shape, Task, Visibility,
};
use lasso_core::raster::{mask_to_polygons, shape_polygon_to_rle, Rle, RunMask};
use serde_json::{json, Value};
use std::path::Path;

/// A grey PNG (written with the `png` crate) whose pixels follow a simple ramp.
fn png(width: u32, height: u32) -> Vec<u8> {
    let pixels: Vec<u8> = (0..height)
        .flat_map(|y| (0..width).map(move |x| ((x * 7 + y * 3) % 256) as u8))
        .collect();
    let mut out = Vec::new();
    let mut encoder = png::Encoder::new(&mut out, width, height);
    encoder.set_color(png::ColorType::Grayscale);
    encoder.set_depth(png::BitDepth::Eight);
    let mut writer = encoder.write_header().expect("PNG header");
    writer.write_image_data(&pixels).expect("PNG data");
    writer.finish().expect("PNG end");
    out
}

/// xorshift64*: the same fixtures on every run.
struct Gen(u64);

impl Gen {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n.max(1)
    }
    fn coord(&mut self, extent: u32) -> f64 {
        // Quarter pixels: on edges, centres and between.
        self.below(u64::from(extent) * 4 + 1) as f64 / 4.0
    }
}

fn mask(w: u32, h: u32, set: impl Fn(u32, u32) -> bool) -> MaskRle {
    let mut col = vec![0u8; (w * h) as usize];
    for x in 0..w {
        for y in 0..h {
            col[(x * h + y) as usize] = u8::from(set(x, y));
        }
    }
    Rle::encode(&col, h, w).to_model()
}

fn shape(g: &mut Gen, kind: u64, w: u32, h: u32) -> Shape {
    match kind {
        0 => {
            let (a, b) = (
                Point::new(g.coord(w), g.coord(h)),
                Point::new(g.coord(w), g.coord(h)),
            );
            let mut b = BoxShape::from_corners(a, b);
            b.x1 = b.x1.max(b.x0 + 1.0).min(f64::from(w));
            b.y1 = b.y1.max(b.y0 + 1.0).min(f64::from(h));
            Shape::Box(b)
        }
        1 => {
            let parts = (0..1 + g.below(2))
                .map(|_| {
                    let (cx, cy) = (g.coord(w), g.coord(h));
                    let r = 2.0 + g.below(u64::from(w.min(h) / 3)) as f64;
                    let n = 3 + g.below(6);
                    PolygonPart {
                        exterior: (0..n)
                            .map(|k| {
                                let t = k as f64 / n as f64 * std::f64::consts::TAU;
                                Point::new(
                                    (cx + r * t.cos()).clamp(0.0, f64::from(w)),
                                    (cy + r * t.sin()).clamp(0.0, f64::from(h)),
                                )
                            })
                            .collect(),
                        holes: vec![],
                    }
                })
                .collect();
            Shape::Polygon(PolygonShape { parts })
        }
        2 => {
            let (cx, cy) = (g.coord(w) as i64, g.coord(h) as i64);
            let r = 3 + g.below(8) as i64;
            let hole = g.below(2) == 0;
            Shape::Mask(mask(w, h, |x, y| {
                let d = (x as i64 - cx).pow(2) + (y as i64 - cy).pow(2);
                d <= r * r && !(hole && d <= (r / 2).pow(2))
            }))
        }
        _ => Shape::RotatedBox(RotatedBox {
            cx: f64::from(w) / 2.0,
            cy: f64::from(h) / 2.0,
            w: f64::from(w) / 3.0,
            h: f64::from(h) / 5.0,
            angle: g.below(90) as f64,
        }),
    }
}

fn dataset(images: usize, seed: u64) -> Dataset {
    let mut g = Gen(seed);
    let mut labels = LabelSet {
        labels: ["cat", "dog", "person"]
            .iter()
            .map(|n| Label::new(*n, "#ff0000"))
            .collect(),
        ..Default::default()
    };
    labels.labels[2].keypoints = vec!["head".into(), "left_hand".into(), "right_hand".into()];
    labels.labels[2].skeleton = vec![[0, 1], [0, 2]];
    let mut tasks = Vec::new();
    for i in 0..images {
        let (w, h) = (40 + g.below(60) as u32, 30 + g.below(50) as u32);
        let mut annotations = Vec::new();
        for k in 0..1 + g.below(5) {
            let kind = g.below(4);
            let label = ["cat", "dog"][g.below(2) as usize];
            annotations.push(Annotation::new(
                format!("{}", i * 10 + k as usize + 1),
                label,
                shape(&mut g, kind, w, h),
            ));
        }
        if i % 3 == 0 {
            let points = ["head", "left_hand", "right_hand"]
                .iter()
                .enumerate()
                .map(|(k, name)| Keypoint {
                    name: name.to_string(),
                    x: g.coord(w),
                    y: g.coord(h),
                    visibility: [
                        Visibility::Visible,
                        Visibility::Occluded,
                        Visibility::NotLabeled,
                    ][(k + i) % 3],
                })
                .collect();
            annotations.push(Annotation::new(
                format!("{}", i * 10 + 9),
                "person",
                Shape::Keypoints { points },
            ));
        }
        tasks.push(Task {
            id: (i + 1).to_string(),
            image: ImageRef {
                src: format!("img{i:05}.png"),
                name: format!("img{i:05}.png"),
                width: w,
                height: h,
                ..Default::default()
            },
            annotations,
            ..Default::default()
        });
    }
    Dataset {
        labels,
        tasks,
        ..Default::default()
    }
}

fn write(root: &Path, export: &Export, ds: &Dataset) {
    for (path, bytes) in export.files.iter() {
        let p = root.join(path);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, bytes).unwrap();
    }
    for (task, path) in &export.images {
        let t = ds.tasks.iter().find(|t| &t.id == task).unwrap();
        let p = root.join(path);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, png(t.image.width, t.image.height)).unwrap();
    }
}

fn rectangle(b: &BoxShape) -> PolygonShape {
    PolygonShape::simple(vec![
        Point::new(b.x0, b.y0),
        Point::new(b.x1, b.y0),
        Point::new(b.x1, b.y1),
        Point::new(b.x0, b.y1),
    ])
}

/// The pixels COCO holds for a shape, by the core's pycocotools-exact rasteriser.
fn pixels(shape: &Shape, w: u32, h: u32) -> Option<Rle> {
    match shape {
        Shape::Box(b) => Some(shape_polygon_to_rle(&rectangle(b), h, w)),
        Shape::RotatedBox(r) => Some(shape_polygon_to_rle(
            &PolygonShape::simple(r.corners().to_vec()),
            h,
            w,
        )),
        Shape::Polygon(p) => Some(shape_polygon_to_rle(p, h, w)),
        Shape::Mask(m) => Rle::from_model(m).ok(),
        _ => None,
    }
}

/// The polygon parts YOLO segment writes for a shape (exteriors only).
fn seg_parts(shape: &Shape) -> Vec<Vec<Point>> {
    match shape {
        Shape::Box(b) => vec![rectangle(b).parts[0].exterior.clone()],
        Shape::RotatedBox(r) => vec![r.corners().to_vec()],
        Shape::Polygon(p) => p.parts.iter().map(|x| x.exterior.clone()).collect(),
        Shape::Mask(m) => mask_to_polygons(&RunMask::from_rle(&Rle::from_model(m).unwrap()))
            .into_iter()
            .map(|p| p.exterior)
            .collect(),
        _ => vec![],
    }
}

fn xyxy(b: &BoxShape) -> Value {
    json!([b.x0, b.y0, b.x1, b.y1])
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.first().map(String::as_str) == Some("--big") {
        let n: usize = args[1].parse().expect("image count");
        let root = Path::new(&args[2]);
        let ds = dataset(n, 7);
        write(
            root,
            &export(FormatName::Coco, &ds, &ExportOptions::default()).unwrap(),
            &ds,
        );
        return;
    }
    let root = Path::new(args.first().expect("usage: format_fixtures OUT"));
    let ds = dataset(12, 42);
    let rle = ExportOptions::default();
    let poly = ExportOptions {
        masks: MaskEncoding::Polygon,
        ..ExportOptions::default()
    };
    let all_rle = ExportOptions {
        polygons_as_rle: true,
        ..ExportOptions::default()
    };
    write(
        &root.join("coco_rle"),
        &export(FormatName::Coco, &ds, &rle).unwrap(),
        &ds,
    );
    write(
        &root.join("coco_polygon"),
        &export(FormatName::Coco, &ds, &poly).unwrap(),
        &ds,
    );
    write(
        &root.join("coco_all_rle"),
        &export(FormatName::Coco, &ds, &all_rle).unwrap(),
        &ds,
    );
    for (dir, f) in [
        ("yolo", FormatName::Yolo),
        ("yolo_seg", FormatName::YoloSeg),
        ("voc", FormatName::Voc),
    ] {
        write(&root.join(dir), &export(f, &ds, &rle).unwrap(), &ds);
    }
    let mut images = serde_json::Map::new();
    for t in &ds.tasks {
        let (w, h) = (t.image.width, t.image.height);
        let mut coco = Vec::new();
        let (mut detect, mut seg) = (Vec::new(), Vec::new());
        for a in &t.annotations {
            let mut entry = json!({"id": a.id.0.parse::<u64>().unwrap(), "label": a.label});
            if let Some(r) = pixels(&a.shape, w, h) {
                entry["mask"] = json!({"size": [h, w], "counts": r.to_compressed()});
                entry["area"] = json!(r.area());
            }
            if let Shape::Keypoints { points } = &a.shape {
                let flat: Vec<f64> = points
                    .iter()
                    .flat_map(|p| match p.visibility {
                        Visibility::NotLabeled => [0.0, 0.0, 0.0],
                        Visibility::Occluded => [p.x, p.y, 1.0],
                        Visibility::Visible => [p.x, p.y, 2.0],
                    })
                    .collect();
                entry["keypoints"] = json!(flat);
            }
            coco.push(entry);
            if !matches!(a.shape, Shape::Keypoints { .. }) {
                if let Some(b) = bounds(&a.shape) {
                    detect.push(json!({"label": a.label, "xyxy": xyxy(&b)}));
                }
            }
            for part in seg_parts(&a.shape) {
                if let Some(b) = bounds(&Shape::Polygon(PolygonShape::simple(part))) {
                    seg.push(json!({"label": a.label, "xyxy": xyxy(&b)}));
                }
            }
        }
        images.insert(
            t.image.name.clone(),
            json!({"width": w, "height": h, "coco": coco, "detect": detect, "segment": seg}),
        );
    }
    let expected = json!({
        "classes": ["cat", "dog", "person"],
        "skeleton": [[1, 2], [1, 3]],
        "images": images,
    });
    std::fs::write(
        root.join("expected.json"),
        serde_json::to_vec_pretty(&expected).unwrap(),
    )
    .unwrap();
}
