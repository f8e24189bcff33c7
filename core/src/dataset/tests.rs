//! Shapes follow their pixels: objects painted in a solid colour are warped as pixels and their
//! shapes warped as geometry, and the two must cover each other.

use super::pipeline::{draw, Adjust, Draw, Op};
use super::pixels::render;
use super::shapes::{mirrored_name, warp_mask, warp_shape, KeepRule, Target};
use super::*;
use crate::formats::{Dataset, Split};
use crate::geometry::as_mask;
use crate::model::{
    Annotation, BoxShape, Keypoint, Point, PolygonPart, PolygonShape, RotatedBox, Shape, Task,
    Visibility,
};
use crate::random::Random;
use crate::raster::Rle;
use image::{Rgb, RgbImage};
use proptest::prelude::*;

const COLOUR: [u8; 3] = [250, 20, 20];

fn identity(w: u32, h: u32) -> Target {
    Target {
        map: Affine::IDENTITY,
        width: w,
        height: h,
        mirrored: false,
    }
}

/// A polygon with a hole, well inside a 96 × 80 image.
fn ring_polygon() -> Shape {
    Shape::Polygon(PolygonShape {
        parts: vec![PolygonPart {
            exterior: vec![
                Point::new(20.0, 15.0),
                Point::new(70.0, 18.0),
                Point::new(64.0, 62.0),
                Point::new(26.0, 58.0),
            ],
            holes: vec![vec![
                Point::new(38.0, 30.0),
                Point::new(52.0, 30.0),
                Point::new(48.0, 44.0),
            ]],
        }],
    })
}

/// An image whose pixels inside `shape` (by our rasteriser) are [`COLOUR`], the rest grey-blue.
fn painted(shape: &Shape, w: u32, h: u32) -> RgbImage {
    let mask = as_mask(shape, w, h).unwrap().decode().unwrap();
    RgbImage::from_fn(w, h, |x, y| {
        if mask[(x * h + y) as usize] == 1 {
            Rgb(COLOUR)
        } else {
            Rgb([60, 90, 140])
        }
    })
}

/// Pixels nearer [`COLOUR`] than the background, as a column-major mask.
fn found_by_colour(image: &RgbImage) -> Rle {
    let (w, h) = image.dimensions();
    let mut mask = vec![0u8; (w * h) as usize];
    for (x, y, p) in image.enumerate_pixels() {
        let near = |c: [u8; 3]| -> i32 {
            (0..3)
                .map(|i| (i32::from(p[i]) - i32::from(c[i])).pow(2))
                .sum()
        };
        mask[(x * h + y) as usize] = u8::from(near(COLOUR) < near([60, 90, 140]));
    }
    Rle::encode(&mask, h, w)
}

fn mask_iou(a: &Rle, b: &Rle) -> f64 {
    crate::raster::rle::iou(std::slice::from_ref(a), std::slice::from_ref(b), &[false])[0][0]
}

fn geometric_ops() -> Vec<Op> {
    vec![
        Op::FlipHorizontal { p: 0.5 },
        Op::FlipVertical { p: 0.3 },
        Op::Rotate90 { p: 0.3 },
        Op::Rotate {
            degrees: 30.0,
            p: 0.7,
        },
        Op::Shear {
            degrees: 10.0,
            p: 0.4,
        },
        Op::Crop {
            min_scale: 0.8,
            p: 0.5,
        },
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    /// The warped polygon's pixels and the warped image's coloured pixels agree.
    #[test]
    fn polygons_with_holes_follow_their_pixels(seed in any::<u64>()) {
        let shape = ring_polygon();
        let image = painted(&shape, 96, 80);
        let drawn = draw(&geometric_ops(), identity(96, 80), &mut Random::new(seed, 1));
        let keep = KeepRule { min_visibility: 0.0, min_area: 0.0 };
        let Some(moved) = warp_shape(&shape, &drawn.target, &keep) else { return Ok(()) };
        let out = render(&image, &drawn, false).unwrap().to_rgb8();
        let ours = as_mask(&moved, drawn.target.width, drawn.target.height).unwrap();
        let theirs = found_by_colour(&out);
        prop_assume!(theirs.area() > 200);
        prop_assert!(mask_iou(&ours, &theirs) >= 0.95, "IoU {}", mask_iou(&ours, &theirs));
    }

    /// A mask resampled by the map covers the same pixels as its polygon mapped as geometry.
    #[test]
    fn masks_follow_the_same_map_as_polygons(seed in any::<u64>()) {
        let shape = ring_polygon();
        let mask = Shape::Mask(as_mask(&shape, 96, 80).unwrap().to_model());
        let drawn = draw(&geometric_ops(), identity(96, 80), &mut Random::new(seed, 2));
        let keep = KeepRule { min_visibility: 0.0, min_area: 0.0 };
        let (Some(Shape::Mask(m)), Some(p)) = (warp_shape(&mask, &drawn.target, &keep), warp_shape(&shape, &drawn.target, &keep)) else {
            return Ok(());
        };
        let polygon = as_mask(&p, drawn.target.width, drawn.target.height).unwrap();
        prop_assume!(polygon.area() > 200);
        prop_assert!(mask_iou(&Rle::from_model(&m).unwrap(), &polygon) >= 0.95);
    }

    /// Rotated boxes stay rotated boxes and cover their rectangle's pixels.
    #[test]
    fn rotated_boxes_follow_their_pixels(seed in any::<u64>(), angle in -80.0f64..80.0) {
        let shape = Shape::RotatedBox(RotatedBox { cx: 48.0, cy: 40.0, w: 40.0, h: 22.0, angle });
        let image = painted(&shape, 96, 80);
        let ops = [Op::FlipHorizontal { p: 0.5 }, Op::Rotate90 { p: 0.5 }, Op::Rotate { degrees: 40.0, p: 1.0 }];
        let drawn = draw(&ops, identity(96, 80), &mut Random::new(seed, 3));
        let moved = warp_shape(&shape, &drawn.target, &KeepRule::default()).unwrap();
        prop_assert!(matches!(moved, Shape::RotatedBox(_)));
        let out = render(&image, &drawn, false).unwrap().to_rgb8();
        let ours = as_mask(&moved, drawn.target.width, drawn.target.height).unwrap();
        prop_assert!(mask_iou(&ours, &found_by_colour(&out)) >= 0.9);
    }

    /// Keypoints land on their dots (within a pixel) wherever the dots go.
    #[test]
    fn keypoints_land_on_their_dots(seed in any::<u64>()) {
        let dots = [Point::new(30.5, 30.5), Point::new(60.5, 45.5)];
        let mut image = RgbImage::from_pixel(96, 80, Rgb([60, 90, 140]));
        for d in dots {
            for dy in -2i32..=2 {
                for dx in -2i32..=2 {
                    image.put_pixel((d.x as i32 + dx) as u32, (d.y as i32 + dy) as u32, Rgb(COLOUR));
                }
            }
        }
        let shape = Shape::Keypoints { points: dots.iter().enumerate().map(|(i, d)| Keypoint {
            name: format!("dot{i}"), x: d.x, y: d.y, visibility: Visibility::Visible }).collect() };
        let ops = [Op::FlipHorizontal { p: 0.5 }, Op::Rotate90 { p: 0.5 }, Op::Rotate { degrees: 20.0, p: 1.0 }, Op::Crop { min_scale: 0.9, p: 0.5 }];
        let drawn = draw(&ops, identity(96, 80), &mut Random::new(seed, 4));
        let Some(Shape::Keypoints { points }) = warp_shape(&shape, &drawn.target, &KeepRule::default()) else {
            return Ok(());
        };
        let out = render(&image, &drawn, false).unwrap().to_rgb8();
        for k in points.iter().filter(|k| k.visibility == Visibility::Visible) {
            // The dot's centre: the mean of the coloured pixels within 6 px of the keypoint.
            let (mut sx, mut sy, mut n) = (0.0, 0.0, 0.0);
            for (x, y, p) in out.enumerate_pixels() {
                let (cx, cy) = (f64::from(x) + 0.5, f64::from(y) + 0.5);
                if p[0] > 160 && p[2] < 100 && (cx - k.x).hypot(cy - k.y) < 6.0 {
                    sx += cx; sy += cy; n += 1.0;
                }
            }
            prop_assume!(n >= 12.0);
            prop_assert!((sx / n - k.x).hypot(sy / n - k.y) <= 1.0);
        }
    }

    /// The same seed gives the same draw; the draw is a real map (invertible).
    #[test]
    fn draws_are_seeded_and_invertible(seed in any::<u64>()) {
        let a = draw(&Op::standard(), identity(64, 48), &mut Random::new(seed, 9));
        let b = draw(&Op::standard(), identity(64, 48), &mut Random::new(seed, 9));
        prop_assert_eq!(&a, &b);
        prop_assert!(a.target.map.inverse().is_some());
    }
}

#[test]
fn boxes_under_flips_and_quarter_turns_are_exact() {
    let b = Shape::Box(BoxShape {
        x0: 10.0,
        y0: 5.0,
        x1: 30.0,
        y1: 15.0,
    });
    let flip = Target {
        map: Affine::flip_horizontal(100.0),
        width: 100,
        height: 50,
        mirrored: true,
    };
    assert_eq!(
        warp_shape(&b, &flip, &KeepRule::default()),
        Some(Shape::Box(BoxShape {
            x0: 70.0,
            y0: 5.0,
            x1: 90.0,
            y1: 15.0
        }))
    );
    let turn = Target {
        map: Affine::quarter_turn(50.0),
        width: 50,
        height: 100,
        mirrored: false,
    };
    assert_eq!(
        warp_shape(&b, &turn, &KeepRule::default()),
        Some(Shape::Box(BoxShape {
            x0: 35.0,
            y0: 10.0,
            x1: 45.0,
            y1: 30.0
        }))
    );
}

#[test]
fn shapes_leaving_the_image_are_clipped_or_dropped_by_the_rule() {
    let b = Shape::Box(BoxShape {
        x0: 80.0,
        y0: 10.0,
        x1: 120.0,
        y1: 20.0,
    });
    let here = identity(100, 50);
    // 20 of 40 px wide stay inside: kept at a quarter, dropped at three quarters.
    assert_eq!(
        warp_shape(
            &b,
            &here,
            &KeepRule {
                min_visibility: 0.25,
                min_area: 1.0
            }
        ),
        Some(Shape::Box(BoxShape {
            x0: 80.0,
            y0: 10.0,
            x1: 100.0,
            y1: 20.0
        }))
    );
    assert_eq!(
        warp_shape(
            &b,
            &here,
            &KeepRule {
                min_visibility: 0.75,
                min_area: 1.0
            }
        ),
        None
    );
    let gone = Shape::Box(BoxShape {
        x0: 120.0,
        y0: 10.0,
        x1: 130.0,
        y1: 20.0,
    });
    assert_eq!(warp_shape(&gone, &here, &KeepRule::default()), None);
    let r = Shape::RotatedBox(RotatedBox {
        cx: 95.0,
        cy: 25.0,
        w: 20.0,
        h: 10.0,
        angle: 30.0,
    });
    assert!(matches!(
        warp_shape(&r, &here, &KeepRule::default()),
        Some(Shape::RotatedBox(_))
    ));
}

#[test]
fn flips_swap_left_and_right_keypoints_and_names_pair_up() {
    let points = vec![
        Keypoint {
            name: "left_eye".into(),
            x: 10.0,
            y: 10.0,
            visibility: Visibility::Visible,
        },
        Keypoint {
            name: "right_eye".into(),
            x: 20.0,
            y: 10.0,
            visibility: Visibility::Occluded,
        },
        Keypoint {
            name: "nose".into(),
            x: 15.0,
            y: 15.0,
            visibility: Visibility::Visible,
        },
    ];
    let flip = Target {
        map: Affine::flip_horizontal(100.0),
        width: 100,
        height: 50,
        mirrored: true,
    };
    let Some(Shape::Keypoints { points: out }) =
        warp_shape(&Shape::Keypoints { points }, &flip, &KeepRule::default())
    else {
        panic!("keypoints kept");
    };
    // The left eye is now where the mirrored right eye is, with the right eye's visibility.
    assert_eq!(
        (out[0].name.as_str(), out[0].x, out[0].visibility),
        ("left_eye", 80.0, Visibility::Occluded)
    );
    assert_eq!(
        (out[1].name.as_str(), out[1].x, out[1].visibility),
        ("right_eye", 90.0, Visibility::Visible)
    );
    assert_eq!(out[2].x, 85.0);
    assert_eq!(mirrored_name("LeftHand").as_deref(), Some("RightHand"));
    assert_eq!(mirrored_name("WING_RIGHT").as_deref(), Some("WING_LEFT"));
    assert_eq!(mirrored_name("wing_L").as_deref(), Some("wing_R"));
    assert_eq!(mirrored_name("r_knee").as_deref(), Some("l_knee"));
    assert_eq!(mirrored_name("nose"), None);
    assert_eq!(mirrored_name("tail_lr"), None);
}

#[test]
fn letterbox_fits_and_centres_with_the_aspect_kept() {
    let r = Resize {
        width: 640,
        height: 640,
        mode: ResizeMode::Letterbox,
    };
    let t = r.target(1280, 720);
    assert_eq!((t.width, t.height), (640, 640));
    // 1280 × 720 → 640 × 360, padded 140 above and below.
    assert_eq!(t.map.point(Point::new(0.0, 0.0)), Point::new(0.0, 140.0));
    assert_eq!(
        t.map.point(Point::new(1280.0, 720.0)),
        Point::new(640.0, 500.0)
    );
    let fit = Resize {
        width: 640,
        height: 640,
        mode: ResizeMode::Fit,
    }
    .target(1280, 720);
    assert_eq!((fit.width, fit.height), (640, 360));
}

#[test]
fn masks_resample_by_pixel_centres() {
    // A 2 × 1 mask with its left pixel set, flipped: the right pixel is set.
    let mask = Rle::encode(&[1, 0], 1, 2).to_model();
    let flip = Target {
        map: Affine::flip_horizontal(2.0),
        width: 2,
        height: 1,
        mirrored: true,
    };
    assert_eq!(
        Rle::from_model(&warp_mask(&mask, &flip).unwrap())
            .unwrap()
            .decode()
            .unwrap(),
        vec![0, 1]
    );
}

fn task(id: &str) -> Task {
    let mut t = Task {
        id: id.into(),
        ..Task::default()
    };
    t.image.name = format!("imgs/{id}.jpg");
    t.image.src = t.image.name.clone();
    (t.image.width, t.image.height) = (200, 100);
    t.annotations.push(Annotation::new(
        format!("{id}-a"),
        "car",
        Shape::Box(BoxShape {
            x0: 50.0,
            y0: 20.0,
            x1: 150.0,
            y1: 80.0,
        }),
    ));
    t
}

#[test]
fn only_training_images_are_augmented_and_copies_join_the_train_split() {
    let mut d = Dataset {
        tasks: vec![task("a"), task("b")],
        ..Dataset::default()
    };
    d.splits.insert("a".into(), Split::Train);
    d.splits.insert("b".into(), Split::Valid);
    let pipeline = Pipeline {
        resize: Some(Resize {
            width: 100,
            height: 100,
            mode: ResizeMode::Letterbox,
        }),
        augment: Some(Augment {
            copies: 2,
            ..Augment::default()
        }),
        ..Pipeline::default()
    };
    let done = apply(&mut d, &pipeline, 7).unwrap();
    let ids: Vec<&str> = d.tasks.iter().map(|t| t.id.as_str()).collect();
    assert_eq!(ids, ["a", "a-aug1", "a-aug2", "b"]);
    assert_eq!(d.tasks[1].image.name, "imgs/a-aug1.jpg");
    assert_eq!(d.splits.get("a-aug2"), Some(&Split::Train));
    assert_eq!((done.augmented, done.copies, done.plans.len()), (1, 2, 4));
    assert_eq!(
        d.tasks[3].annotations[0].shape,
        Shape::Box(BoxShape {
            x0: 25.0,
            y0: 35.0,
            x1: 75.0,
            y1: 65.0
        })
    );
    assert!(d
        .tasks
        .iter()
        .all(|t| (t.image.width, t.image.height) == (100, 100)));
}

#[test]
fn the_same_seed_gives_the_same_copies_in_any_task_order() {
    let pipeline = Pipeline {
        augment: Some(Augment {
            copies: 3,
            ..Augment::default()
        }),
        ..Pipeline::default()
    };
    let mut forward = Dataset {
        tasks: vec![task("a"), task("b")],
        ..Dataset::default()
    };
    let mut backward = Dataset {
        tasks: vec![task("b"), task("a")],
        ..Dataset::default()
    };
    let one = apply(&mut forward, &pipeline, 11).unwrap();
    let two = apply(&mut backward, &pipeline, 11).unwrap();
    assert_eq!(one.plans, two.plans);
    let by_id = |d: &Dataset, id: &str| d.tasks.iter().find(|t| t.id == id).cloned();
    assert_eq!(by_id(&forward, "b-aug3"), by_id(&backward, "b-aug3"));
    let mut other = Dataset {
        tasks: vec![task("a")],
        ..Dataset::default()
    };
    let three = apply(&mut other, &pipeline, 12).unwrap();
    assert_ne!(one.plans.get("a-aug1"), three.plans.get("a-aug1"));
}

#[test]
fn bad_figures_are_named() {
    let p = Pipeline {
        augment: Some(Augment {
            copies: 1,
            ops: vec![Op::Rotate {
                degrees: 400.0,
                p: 0.5,
            }],
            ..Augment::default()
        }),
        ..Pipeline::default()
    };
    let e = apply(&mut Dataset::default(), &p, 0).unwrap_err();
    assert!(
        e.contains("operation 1 (rotate)") && e.contains("degrees = 400"),
        "{e}"
    );
    let e =
        serde_json::from_str::<Pipeline>(r#"{"augment": {"copies": 1, "ops": [{"op": "spin"}]}}"#)
            .unwrap_err();
    assert!(e.to_string().contains("spin"), "{e}");
}

#[test]
fn photometric_steps_change_colours_not_geometry() {
    let image = RgbImage::from_pixel(8, 8, Rgb([100, 150, 200]));
    let d = Draw {
        target: identity(8, 8),
        adjust: vec![Adjust::Brightness(20.0), Adjust::Contrast(1.5)],
    };
    let out = render(&image, &d, false).unwrap().to_rgb8();
    assert_eq!(out.get_pixel(3, 3), &Rgb([180, 255, 255]));
    let grey = render(
        &image,
        &Draw {
            target: identity(8, 8),
            adjust: vec![Adjust::Saturation(0.0)],
        },
        false,
    )
    .unwrap()
    .to_rgb8();
    let p = grey.get_pixel(0, 0);
    assert!(p[0] == p[1] && p[1] == p[2]);
    let turned = render(
        &image,
        &Draw {
            target: identity(8, 8),
            adjust: vec![Adjust::Hue(120.0)],
        },
        false,
    )
    .unwrap()
    .to_rgb8();
    // A third of a turn moves red to green to blue: (100, 150, 200) → (200, 100, 150).
    assert_eq!(turned.get_pixel(0, 0), &Rgb([200, 100, 150]));
}

#[test]
fn tiles_cover_the_image_with_the_last_one_at_the_edge() {
    let tile = Tile {
        size: 512,
        overlap: 64,
        keep: KeepRule::default(),
    };
    let pieces = tile.pieces(1000, 600);
    let origins: Vec<(String, Point)> = pieces
        .iter()
        .map(|(name, t)| {
            (
                name.clone(),
                t.map.inverse().unwrap().point(Point::new(0.0, 0.0)),
            )
        })
        .collect();
    let xs: Vec<f64> = origins
        .iter()
        .filter(|(n, _)| n.ends_with("-0"))
        .map(|(_, p)| p.x)
        .collect();
    let ys: Vec<f64> = origins
        .iter()
        .filter(|(n, _)| n.starts_with("-tile0-"))
        .map(|(_, p)| p.y)
        .collect();
    assert_eq!((xs, ys), (vec![0.0, 448.0, 488.0], vec![0.0, 88.0]));
    assert_eq!(
        Tile {
            size: 512,
            overlap: 0,
            keep: KeepRule::default()
        }
        .pieces(300, 200)[0]
            .1
            .width,
        300
    );
}

#[test]
fn tiles_are_exact_crops_with_shapes_clipped_and_kept_in_their_split() {
    let mut t = task("big");
    (t.image.width, t.image.height) = (1000, 600);
    t.annotations = vec![Annotation::new(
        "car",
        "car",
        Shape::Box(BoxShape {
            x0: 470.0,
            y0: 100.0,
            x1: 520.0,
            y1: 150.0,
        }),
    )];
    let mut d = Dataset {
        tasks: vec![t],
        ..Dataset::default()
    };
    d.splits.insert("big".into(), Split::Valid);
    let pipeline = Pipeline {
        tile: Some(Tile {
            size: 512,
            overlap: 64,
            keep: KeepRule::default(),
        }),
        ..Pipeline::default()
    };
    let done = apply(&mut d, &pipeline, 0).unwrap();
    assert_eq!(d.tasks.len(), 6);
    assert!(d
        .tasks
        .iter()
        .all(|t| d.splits.get(&t.id) == Some(&Split::Valid)));
    assert_eq!(
        d.splits.len(),
        6,
        "the tiled image itself leaves the splits"
    );
    let boxes = |id: &str| -> Vec<Shape> {
        d.tasks
            .iter()
            .find(|t| t.id == id)
            .unwrap()
            .annotations
            .iter()
            .map(|a| a.shape.clone())
            .collect()
    };
    // Cut by the first tile's right edge at 512; whole in the second, which starts at 448.
    assert_eq!(
        boxes("big-tile0-0"),
        [Shape::Box(BoxShape {
            x0: 470.0,
            y0: 100.0,
            x1: 512.0,
            y1: 150.0
        })]
    );
    assert_eq!(
        boxes("big-tile1-0"),
        [Shape::Box(BoxShape {
            x0: 22.0,
            y0: 100.0,
            x1: 72.0,
            y1: 150.0
        })]
    );
    assert_eq!(
        boxes("big-tile0-1"),
        [Shape::Box(BoxShape {
            x0: 470.0,
            y0: 12.0,
            x1: 512.0,
            y1: 62.0
        })]
    );
    assert_eq!(d.tasks[1].image.name, "imgs/big-tile1-0.jpg");
    // Pixels: the tile is the source's crop, exactly.
    let source = RgbImage::from_fn(1000, 600, |x, y| {
        Rgb([(x % 251) as u8, (y % 241) as u8, ((x + y) % 7) as u8])
    });
    let plan = &done.plans["big-tile1-1"];
    let tile = plan.render(&source).unwrap().to_rgb8();
    assert_eq!(tile.dimensions(), (512, 512));
    assert_eq!(tile.get_pixel(0, 0), source.get_pixel(448, 88));
    assert_eq!(tile.get_pixel(511, 511), source.get_pixel(959, 599));
}

#[test]
fn rendered_outputs_are_grouped_by_source_in_export_order() {
    let mut d = Dataset {
        tasks: vec![task("a"), task("b")],
        ..Dataset::default()
    };
    let pipeline = Pipeline {
        resize: Some(Resize {
            width: 50,
            height: 50,
            mode: ResizeMode::Stretch,
        }),
        augment: Some(Augment {
            copies: 1,
            ..Augment::default()
        }),
        ..Pipeline::default()
    };
    let done = apply(&mut d, &pipeline, 1).unwrap();
    // The export lists b's copy before a's outputs; a copied image (no plan) is left out.
    let images: Vec<(String, String)> = [
        ("b-aug1", "x/b1"),
        ("a", "x/a"),
        ("b", "x/b"),
        ("a-aug1", "x/a1"),
        ("c", "x/c"),
    ]
    .iter()
    .map(|(t, p)| (t.to_string(), p.to_string()))
    .collect();
    let groups = render_groups(&images, &d.tasks, &done.plans);
    let shape: Vec<(&str, Vec<&str>)> = groups
        .iter()
        .map(|(src, outs)| (*src, outs.iter().map(|(p, _)| *p).collect()))
        .collect();
    assert_eq!(
        shape,
        vec![
            ("imgs/b.jpg", vec!["x/b1", "x/b"]),
            ("imgs/a.jpg", vec!["x/a", "x/a1"])
        ]
    );
    assert!(std::ptr::eq(groups[1].1[1].1, &done.plans["a-aug1"]));
}

#[test]
fn a_tiff_becomes_a_png_with_the_same_pixels() {
    let mut image = image::RgbImage::new(5, 3);
    image.put_pixel(4, 2, image::Rgb([200, 10, 30]));
    let mut tiff = std::io::Cursor::new(Vec::new());
    image.write_to(&mut tiff, image::ImageFormat::Tiff).unwrap();
    let tiff = tiff.into_inner();
    assert!(pixels::is_tiff(&tiff));
    let png = pixels::displayable_png(&tiff).unwrap();
    assert!(!pixels::is_tiff(&png));
    let back = image::load_from_memory(&png).unwrap().to_rgb8();
    assert_eq!(back.dimensions(), (5, 3));
    assert_eq!(back.get_pixel(4, 2), &image::Rgb([200, 10, 30]));
    assert!(pixels::displayable_png(b"II*\0 cut off").is_err());
}
