//! Tests of `index`.

use super::super::measure::bounds;
use super::*;
use crate::model::{BoxShape, Keypoint, PolygonShape};
use proptest::prelude::*;

fn boxed(id: &str, x0: f64, y0: f64, x1: f64, y1: f64) -> Annotation {
    Annotation::new(
        id,
        "car",
        Shape::Box(BoxShape::from_corners(
            Point::new(x0, y0),
            Point::new(x1, y1),
        )),
    )
}

#[test]
fn topmost_wins_and_hidden_is_skipped() {
    let mut a = boxed("a", 0.0, 0.0, 10.0, 10.0);
    let b = boxed("b", 5.0, 5.0, 15.0, 15.0);
    let mut index = SpatialIndex::from_annotations([&a, &b]);
    assert_eq!(index.hit(Point::new(7.0, 7.0), 3.0, 1.0).unwrap().id.0, "b");
    a.z = 5;
    index.upsert(&a);
    assert_eq!(index.hit(Point::new(7.0, 7.0), 3.0, 1.0).unwrap().id.0, "a");
    a.hidden = true;
    index.upsert(&a);
    assert_eq!(index.hit(Point::new(2.0, 2.0), 0.0, 1.0), None);
}

#[test]
fn tolerance_is_in_screen_pixels() {
    let line = Annotation::new(
        "l",
        "lane",
        Shape::Polyline {
            points: vec![Point::new(0.0, 0.0), Point::new(100.0, 0.0)],
        },
    );
    let index = SpatialIndex::from_annotations([&line]);
    // 2 image px away: 5 screen px are 2.5 image px at zoom 2 (hit), 1.25 at zoom 4 (miss).
    assert!(index.hit(Point::new(50.0, 2.0), 5.0, 2.0).is_some());
    assert!(index.hit(Point::new(50.0, 2.0), 5.0, 4.0).is_none());
}

#[test]
fn polygon_holes_are_not_hits_but_their_edges_are() {
    let mut p = PolygonShape::simple(vec![
        Point::new(0.0, 0.0),
        Point::new(30.0, 0.0),
        Point::new(30.0, 30.0),
        Point::new(0.0, 30.0),
    ]);
    p.parts[0].holes.push(vec![
        Point::new(10.0, 10.0),
        Point::new(20.0, 10.0),
        Point::new(20.0, 20.0),
        Point::new(10.0, 20.0),
    ]);
    let a = Annotation::new("p", "donut", Shape::Polygon(p));
    let index = SpatialIndex::from_annotations([&a]);
    assert!(index.hit(Point::new(5.0, 5.0), 1.0, 1.0).is_some());
    assert!(index.hit(Point::new(15.0, 15.0), 1.0, 1.0).is_none());
    assert!(index.hit(Point::new(15.0, 10.5), 1.0, 1.0).is_some());
    let v = index
        .nearest_vertex(Point::new(19.0, 19.5), 3.0, 1.0)
        .unwrap();
    assert_eq!((v.part, v.ring, v.vertex), (0, 1, 2));
    let e = index
        .nearest_edge(Point::new(15.0, 29.0), 3.0, 1.0)
        .unwrap();
    assert_eq!((e.ring, e.vertex), (0, 2));
    assert_eq!(e.at, Point::new(15.0, 30.0));
}

#[test]
fn locked_shapes_are_hit_but_not_edited() {
    let mut a = boxed("a", 0.0, 0.0, 10.0, 10.0);
    a.locked = true;
    let index = SpatialIndex::from_annotations([&a]);
    assert!(index.hit(Point::new(5.0, 5.0), 1.0, 1.0).unwrap().locked);
    assert!(index
        .nearest_vertex(Point::new(0.0, 0.0), 3.0, 1.0)
        .is_none());
}

#[test]
fn keypoints_and_masks() {
    let k = Annotation::new(
        "k",
        "face",
        Shape::Keypoints {
            points: vec![
                Keypoint {
                    name: "nose".into(),
                    x: 50.0,
                    y: 50.0,
                    visibility: Visibility::Visible,
                },
                Keypoint {
                    name: "ear".into(),
                    x: 90.0,
                    y: 90.0,
                    visibility: Visibility::NotLabeled,
                },
            ],
        },
    );
    let px: Vec<u8> = (0..100).map(|i| u8::from(i % 10 == 3)).collect();
    let m = Annotation::new(
        "m",
        "wire",
        Shape::Mask(RunMask::from_row_major(&px, 10, 10).to_rle().to_model()),
    );
    let index = SpatialIndex::from_annotations([&k, &m]);
    assert_eq!(
        index.hit(Point::new(51.0, 50.0), 2.0, 1.0).unwrap().id.0,
        "k"
    );
    assert!(index.hit(Point::new(90.0, 90.0), 2.0, 1.0).is_none());
    assert_eq!(index.hit(Point::new(3.5, 7.2), 0.0, 1.0).unwrap().id.0, "m");
    assert!(index.hit(Point::new(4.5, 7.2), 0.0, 1.0).is_none());
}

#[test]
fn keypoints_are_points_not_a_line_and_keep_their_numbers() {
    let kp = |name: &str, x: f64, y: f64, visibility| Keypoint {
        name: name.into(),
        x,
        y,
        visibility,
    };
    let k = Annotation::new(
        "k",
        "face",
        Shape::Keypoints {
            points: vec![
                kp("ear", 0.0, 0.0, Visibility::NotLabeled),
                kp("left_eye", 10.0, 10.0, Visibility::Visible),
                kp("right_eye", 30.0, 10.0, Visibility::Occluded),
            ],
        },
    );
    let index = SpatialIndex::from_annotations([&k]);
    // Half-way between the eyes is nowhere near either point.
    assert_eq!(index.hit(Point::new(20.0, 10.0), 2.0, 1.0), None);
    assert!(index.hit(Point::new(29.0, 10.5), 2.0, 1.0).is_some());
    let v = index
        .nearest_vertex(Point::new(29.0, 10.0), 3.0, 1.0)
        .unwrap();
    assert_eq!((v.vertex, v.at), (2, Point::new(30.0, 10.0)));
    assert_eq!(index.nearest_edge(Point::new(20.0, 10.0), 5.0, 1.0), None);
}

#[test]
fn a_repeated_id_keeps_only_the_later_shape() {
    let first = boxed("a", 0.0, 0.0, 10.0, 10.0);
    let second = boxed("a", 50.0, 50.0, 60.0, 60.0);
    let mut index = SpatialIndex::from_annotations([&first, &second]);
    assert_eq!(index.len(), 1);
    assert_eq!(index.hit(Point::new(5.0, 5.0), 0.0, 1.0), None);
    index.remove(&first.id);
    assert!(index.is_empty());
    assert!(index.visible_in(-100.0, -100.0, 100.0, 100.0).is_empty());
}

#[test]
fn touching_tests_the_shape_not_its_bounds() {
    let diamond = Annotation::new(
        "d",
        "sign",
        Shape::RotatedBox(crate::model::RotatedBox {
            cx: 50.0,
            cy: 50.0,
            w: 40.0,
            h: 40.0,
            angle: 45.0,
        }),
    );
    let px: Vec<u8> = (0..100).map(|i| u8::from(i == 99)).collect();
    let dot = Annotation::new(
        "m",
        "dot",
        Shape::Mask(RunMask::from_row_major(&px, 10, 10).to_rle().to_model()),
    );
    let index = SpatialIndex::from_annotations([&diamond, &dot]);
    // The diamond's bounding box corner region is empty.
    assert_eq!(index.visible_in(22.0, 22.0, 26.0, 26.0).len(), 1);
    assert!(index.touching(22.0, 22.0, 26.0, 26.0).is_empty());
    assert_eq!(index.touching(45.0, 45.0, 46.0, 46.0)[0].0, "d");
    // The mask's only pixel is (9, 9): the rectangle [0, 8.5]² misses it, [0, 9.2]² meets it.
    assert!(index.touching(0.0, 0.0, 8.5, 8.5).is_empty());
    assert_eq!(index.touching(0.0, 0.0, 9.2, 9.2)[0].0, "m");
    assert!(index.touching(0.0, 0.0, 1e12, 1e12).len() == 2);
}

#[test]
fn hits_list_every_stacked_shape_topmost_first() {
    let mut a = boxed("a", 0.0, 0.0, 10.0, 10.0);
    a.z = 2;
    let b = boxed("b", 0.0, 0.0, 10.0, 10.0);
    let c = boxed("c", 0.0, 0.0, 10.0, 10.0);
    let index = SpatialIndex::from_annotations([&a, &b, &c]);
    let ids: Vec<String> = index
        .hits(Point::new(5.0, 5.0), 0.0, 1.0)
        .into_iter()
        .map(|h| h.id.0)
        .collect();
    assert_eq!(ids, ["a", "c", "b"]);
}

fn any_shape() -> impl Strategy<Value = Shape> {
    let point = (0.0f64..100.0, 0.0f64..100.0).prop_map(|(x, y)| Point::new(x, y));
    prop_oneof![
        (0.0f64..90.0, 0.0f64..90.0, 0.5f64..20.0, 0.5f64..20.0).prop_map(|(x, y, w, h)| {
            Shape::Box(BoxShape::from_corners(
                Point::new(x, y),
                Point::new(x + w, y + h),
            ))
        }),
        (
            0.0f64..100.0,
            0.0f64..100.0,
            0.5f64..20.0,
            0.5f64..20.0,
            -180.0f64..180.0
        )
            .prop_map(|(cx, cy, w, h, angle)| Shape::RotatedBox(
                crate::model::RotatedBox {
                    cx,
                    cy,
                    w,
                    h,
                    angle
                }
            )),
        proptest::collection::vec(point.clone(), 2..6)
            .prop_map(|points| Shape::Polyline { points }),
        proptest::collection::vec((point.clone(), 0u8..3), 1..5).prop_map(|ks| {
            Shape::Keypoints {
                points: ks
                    .into_iter()
                    .enumerate()
                    .map(|(i, (p, v))| Keypoint {
                        name: format!("k{i}"),
                        x: p.x,
                        y: p.y,
                        visibility: [
                            Visibility::NotLabeled,
                            Visibility::Occluded,
                            Visibility::Visible,
                        ][usize::from(v)],
                    })
                    .collect(),
            }
        }),
        (point, 2.0f64..20.0, 3usize..8).prop_map(|(c, r, n)| {
            // A regular polygon with a smaller one as its hole.
            let ring = |radius: f64| {
                (0..n)
                    .map(|i| {
                        let t = i as f64 * std::f64::consts::TAU / n as f64;
                        Point::new(c.x + radius * t.cos(), c.y + radius * t.sin())
                    })
                    .collect::<Vec<_>>()
            };
            let mut p = PolygonShape::simple(ring(r));
            p.parts[0].holes.push(ring(r / 3.0));
            Shape::Polygon(p)
        }),
    ]
}

fn any_annotation() -> impl Strategy<Value = Annotation> {
    (any_shape(), -2i64..3, 0u8..8).prop_map(|(shape, z, flags)| {
        let mut a = Annotation::new("", "thing", shape);
        a.z = z;
        a.hidden = flags == 0;
        a.locked = flags == 1;
        a
    })
}

#[derive(Clone, Debug)]
enum Edit {
    Insert(Annotation),
    Update(usize, Annotation),
    Remove(usize),
}

fn any_edit() -> impl Strategy<Value = Edit> {
    prop_oneof![
        any_annotation().prop_map(Edit::Insert),
        (any::<usize>(), any_annotation()).prop_map(|(i, a)| Edit::Update(i, a)),
        any::<usize>().prop_map(Edit::Remove),
    ]
}

/// The model's vertices of a shape as (part, ring, vertex, point), computed without the index.
fn model_vertices(shape: &Shape) -> Vec<(usize, usize, usize, Point)> {
    let ring = |part, ring, points: &[Point]| {
        points
            .iter()
            .enumerate()
            .map(|(i, p)| (part, ring, i, *p))
            .collect::<Vec<_>>()
    };
    match shape {
        Shape::Box(b) => ring(
            0,
            0,
            &[
                Point::new(b.x0, b.y0),
                Point::new(b.x1, b.y0),
                Point::new(b.x1, b.y1),
                Point::new(b.x0, b.y1),
            ],
        ),
        Shape::RotatedBox(r) => ring(0, 0, &r.corners()),
        Shape::Polygon(p) => p
            .parts
            .iter()
            .enumerate()
            .flat_map(|(i, part)| {
                let mut v = ring(i, 0, &part.exterior);
                for (h, hole) in part.holes.iter().enumerate() {
                    v.extend(ring(i, h + 1, hole));
                }
                v
            })
            .collect(),
        Shape::Polyline { points } => ring(0, 0, points),
        Shape::Keypoints { points } => points
            .iter()
            .enumerate()
            .filter(|(_, k)| k.visibility != Visibility::NotLabeled)
            .map(|(i, k)| (0, 0, i, Point::new(k.x, k.y)))
            .collect(),
        Shape::Mask(_) => Vec::new(),
    }
}

/// Distance from `p` to the outlines and lines of a shape (not its inside), through `geo`.
fn outline_distance(shape: &Shape, p: Point) -> Option<f64> {
    let gp = geo::Point::new(p.x, p.y);
    match to_geo(shape) {
        GeoShape::Area(mp) => {
            mp.0.iter()
                .flat_map(|poly| std::iter::once(poly.exterior()).chain(poly.interiors()))
                .map(|ring| Euclidean.distance(&gp, ring))
                .reduce(f64::min)
        }
        GeoShape::Line(l) if l.0.len() >= 2 => Some(Euclidean.distance(&gp, &l)),
        _ => None,
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]
    #[test]
    fn queries_agree_with_brute_force_after_edits(
        start in proptest::collection::vec(any_annotation(), 0..30),
        edits in proptest::collection::vec(any_edit(), 0..30),
        probe in (0.0f64..100.0, 0.0f64..100.0),
        tolerance_px in 0.0f64..8.0,
        scale in 0.25f64..4.0,
        half in 1.0f64..30.0,
    ) {
        // The list keeps the index's stacking order: later is higher at equal z.
        let mut next = 0;
        let mut fresh = |mut a: Annotation| { next += 1; a.id = AnnotationId(format!("a{next}")); a };
        let mut annotations: Vec<Annotation> = start.into_iter().map(&mut fresh).collect();
        let mut index = SpatialIndex::from_annotations(annotations.iter());
        for edit in edits {
            match edit {
                Edit::Insert(a) => {
                    let a = fresh(a);
                    index.upsert(&a);
                    annotations.push(a);
                }
                Edit::Update(_, _) | Edit::Remove(_) if annotations.is_empty() => {}
                Edit::Update(k, a) => {
                    let i = k % annotations.len();
                    let id = annotations[i].id.clone();
                    annotations[i] = Annotation { id, ..a };
                    index.upsert(&annotations[i]);
                }
                Edit::Remove(k) => {
                    let a = annotations.remove(k % annotations.len());
                    index.remove(&a.id);
                }
            }
        }
        prop_assert_eq!(index.len(), annotations.len());
        let p = Point::new(probe.0, probe.1);
        let tol = tolerance_px / scale;
        let visible: Vec<(usize, &Annotation)> =
            annotations.iter().enumerate().filter(|(_, a)| !a.hidden).collect();

        // Hit test: exact distance to the shape through geo, topmost by (z, list order).
        let mut under: Vec<(usize, &Annotation)> = visible.iter().copied()
            .filter(|(_, a)| distance_to(&a.shape, p) <= tol).collect();
        under.sort_by_key(|(i, a)| std::cmp::Reverse((a.z, *i)));
        let expected: Vec<String> = under.iter().map(|(_, a)| a.id.0.clone()).collect();
        let got: Vec<String> = index.hits(p, tolerance_px, scale).into_iter().map(|h| h.id.0).collect();
        prop_assert_eq!(&got, &expected);
        prop_assert_eq!(index.hit(p, tolerance_px, scale).map(|h| h.id.0), expected.first().cloned());

        // Nearest vertex and edge among editable shapes.
        let editable = || visible.iter().filter(|(_, a)| !a.locked);
        let best_vertex = editable()
            .flat_map(|(_, a)| model_vertices(&a.shape))
            .map(|(_, _, _, v)| (p.x - v.x).hypot(p.y - v.y))
            .filter(|d| *d <= tol)
            .reduce(f64::min);
        let vertex = index.nearest_vertex(p, tolerance_px, scale);
        prop_assert_eq!(vertex.as_ref().map(|v| v.distance), best_vertex);
        if let Some(v) = vertex {
            let a = annotations.iter().find(|a| a.id == v.id).unwrap();
            prop_assert!(model_vertices(&a.shape).contains(&(v.part, v.ring, v.vertex, v.at)));
        }
        let best_edge = editable()
            .filter_map(|(_, a)| outline_distance(&a.shape, p))
            .filter(|d| *d <= tol)
            .reduce(f64::min);
        let edge = index.nearest_edge(p, tolerance_px, scale);
        prop_assert_eq!(edge.is_some(), best_edge.is_some());
        if let (Some(e), Some(d)) = (edge, best_edge) {
            prop_assert!((e.distance - d).abs() < 1e-9, "{} vs {}", e.distance, d);
            prop_assert!(((e.at.x - p.x).hypot(e.at.y - p.y) - d).abs() < 1e-9);
        }

        // Rectangle queries, in drawing order (bottom first).
        let (x0, y0, x1, y1) = (p.x - half, p.y - half, p.x + half, p.y + half);
        let rect = geo::Rect::new((x0, y0), (x1, y1)).to_polygon();
        let drawing_order = |keep: &dyn Fn(&Annotation) -> bool| {
            let mut v: Vec<(usize, &Annotation)> =
                visible.iter().copied().filter(|(_, a)| keep(a)).collect();
            v.sort_by_key(|(i, a)| (a.z, *i));
            v.into_iter().map(|(_, a)| a.id.clone()).collect::<Vec<_>>()
        };
        prop_assert_eq!(index.visible_in(x0, y0, x1, y1), drawing_order(&|a| {
            bounds(&a.shape).is_some_and(|b| b.x0 <= x1 && b.x1 >= x0 && b.y0 <= y1 && b.y1 >= y0)
        }));
        prop_assert_eq!(index.contained_in(x0, y0, x1, y1), drawing_order(&|a| {
            bounds(&a.shape).is_some_and(|b| b.x0 >= x0 && b.x1 <= x1 && b.y0 >= y0 && b.y1 <= y1)
        }));
        prop_assert_eq!(index.touching(x0, y0, x1, y1), drawing_order(&|a| {
            let g = match to_geo(&a.shape) {
                GeoShape::Area(mp) => geo::Geometry::from(mp),
                GeoShape::Line(l) => geo::Geometry::from(l),
                GeoShape::Points(mp) => geo::Geometry::from(mp),
            };
            Euclidean.distance(&g, &geo::Geometry::from(rect.clone())) <= 0.0
        }));
    }
}
