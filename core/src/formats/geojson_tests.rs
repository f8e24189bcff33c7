//! Tests of the GeoJSON format: map coordinates through a GeoTIFF's transform, RFC 7946
//! rings, round trips.

use super::*;
use crate::model::{Keypoint, RotatedBox};

fn pt(x: f64, y: f64) -> Point {
    Point::new(x, y)
}

fn dataset(geo: Option<GeoRef>) -> Dataset {
    let labels = LabelSet {
        labels: vec![Label::new("tree", "#3cb44b"), Label::new("roof", "#e6194b")],
        ..LabelSet::default()
    };
    let mut pred = Annotation::new(
        "p1",
        "roof",
        Shape::Box(BoxShape {
            x0: 100.0,
            y0: 50.0,
            x1: 120.0,
            y1: 90.0,
        }),
    );
    pred.origin = Origin::Prediction {
        score: 0.75,
        model: "m".into(),
    };
    Dataset {
        labels: labels.clone(),
        tasks: vec![Task {
            id: "scene".into(),
            image: ImageRef {
                src: "scene.tif".into(),
                name: "scene.tif".into(),
                width: 400,
                height: 300,
                geo,
                ..Default::default()
            },
            labels,
            annotations: vec![
                Annotation::new(
                    "b1",
                    "tree",
                    Shape::Box(BoxShape {
                        x0: 10.0,
                        y0: 20.0,
                        x1: 30.0,
                        y1: 40.0,
                    }),
                ),
                Annotation::new(
                    "g1",
                    "roof",
                    Shape::Polygon(PolygonShape {
                        parts: vec![
                            PolygonPart {
                                exterior: vec![
                                    pt(200.0, 100.0),
                                    pt(260.0, 100.0),
                                    pt(260.0, 160.0),
                                    pt(200.0, 160.0),
                                ],
                                holes: vec![vec![
                                    pt(220.0, 120.0),
                                    pt(240.0, 120.0),
                                    pt(230.0, 140.0),
                                ]],
                            },
                            PolygonPart {
                                exterior: vec![pt(300.0, 10.0), pt(350.0, 10.0), pt(320.0, 60.0)],
                                holes: vec![],
                            },
                        ],
                    }),
                ),
                Annotation::new(
                    "l1",
                    "tree",
                    Shape::Polyline {
                        points: vec![pt(0.0, 0.0), pt(50.5, 70.25)],
                    },
                ),
                Annotation::new(
                    "k1",
                    "tree",
                    Shape::Keypoints {
                        points: vec![Keypoint {
                            name: "top".into(),
                            x: 5.0,
                            y: 6.0,
                            visibility: Default::default(),
                        }],
                    },
                ),
                pred,
            ],
            ..Default::default()
        }],
        ..Default::default()
    }
}

fn utm() -> GeoRef {
    GeoRef {
        transform: [500_000.0, 0.5, 0.0, 4_000_000.0, 0.0, -0.5],
        crs: Some("EPSG:32633".into()),
    }
}

fn written(ds: &Dataset) -> Value {
    let out = export(ds).unwrap();
    assert_eq!(
        out.files.paths().collect::<Vec<_>>(),
        vec!["geojson/scene.geojson"]
    );
    serde_json::from_slice(out.files.get("geojson/scene.geojson").unwrap()).unwrap()
}

fn read_back(ds: &Dataset) -> Dataset {
    let mut files = DatasetFiles::default();
    files.files = export(ds).unwrap().files;
    import(&files).unwrap()
}

#[test]
fn a_georeferenced_image_is_written_in_map_coordinates_with_its_crs() {
    let doc = written(&dataset(Some(utm())));
    assert_eq!(
        doc["crs"]["properties"]["name"],
        "urn:ogc:def:crs:EPSG::32633"
    );
    let b = &doc["features"][0];
    assert_eq!(
        (b["id"].as_str(), b["properties"]["label"].as_str()),
        (Some("b1"), Some("tree"))
    );
    // Counterclockwise on the map (north up) and closed.
    assert_eq!(
        b["geometry"],
        json!({"type": "Polygon", "coordinates": [[
            [500005.0, 3999980.0], [500015.0, 3999980.0], [500015.0, 3999990.0], [500005.0, 3999990.0], [500005.0, 3999980.0]
        ]]})
    );
    let holes = &doc["features"][1]["geometry"];
    assert_eq!(holes["type"], "MultiPolygon");
    let ring = |r: &Value| -> Vec<[f64; 2]> { serde_json::from_value(r.clone()).unwrap() };
    let outer = ring(&holes["coordinates"][0][0]);
    let hole = ring(&holes["coordinates"][0][1]);
    assert!(
        signed_area(&outer) > 0.0 && signed_area(&hole) < 0.0,
        "outer ccw, hole cw"
    );
    assert_eq!(doc["features"][2]["geometry"]["type"], "LineString");
    assert_eq!(
        doc["features"][3]["properties"]["keypoints"],
        json!(["top"])
    );
    assert_eq!(doc["features"][4]["properties"]["score"], 0.75);
}

#[test]
fn shapes_round_trip_through_map_coordinates_and_pixels() {
    for geo in [
        None,
        Some(utm()),
        Some(GeoRef {
            transform: [10.0, 0.3, 0.1, 50.0, 0.05, -0.3],
            crs: None,
        }),
    ] {
        let ds = dataset(geo.clone());
        let back = read_back(&ds);
        let task = &back.tasks[0];
        assert_eq!(task.image.geo, geo);
        assert_eq!(
            (task.image.name.as_str(), task.image.width),
            ("scene.tif", 400)
        );
        for (got, want) in task.annotations.iter().zip(&ds.tasks[0].annotations) {
            assert_eq!(
                (&got.id, &got.label, &got.origin),
                (&want.id, &want.label, &want.origin)
            );
            let (a, b) = (
                serde_json::to_value(&got.shape).unwrap(),
                serde_json::to_value(&want.shape).unwrap(),
            );
            assert!(close(&a, &b), "{geo:?}\n{a}\n{b}");
        }
    }
}

/// Equal JSON up to 1e-6 in every number (map round trips carry rounding) and ring rotation
/// direction (rings may come back wound the other way).
fn close(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Number(x), Value::Number(y)) => {
            (x.as_f64().unwrap() - y.as_f64().unwrap()).abs() < 1e-6
        }
        (Value::Array(x), Value::Array(y)) => {
            x.len() == y.len()
                && (x.iter().zip(y).all(|(p, q)| close(p, q)) || {
                    let mut rev = y.clone();
                    rev.reverse();
                    // A reversed ring starts elsewhere: rotate to line up the first point.
                    (0..rev.len()).any(|k| {
                        let mut r = rev.clone();
                        r.rotate_left(k);
                        x.iter().zip(&r).all(|(p, q)| close(p, q))
                    })
                })
        }
        (Value::Object(x), Value::Object(y)) => {
            x.len() == y.len() && x.iter().all(|(k, v)| y.get(k).is_some_and(|w| close(v, w)))
        }
        _ => a == b,
    }
}

#[test]
fn rotated_boxes_become_polygons_and_bad_features_are_named() {
    let mut ds = dataset(None);
    ds.tasks[0].annotations = vec![Annotation::new(
        "r",
        "tree",
        Shape::RotatedBox(RotatedBox {
            cx: 50.0,
            cy: 50.0,
            w: 20.0,
            h: 10.0,
            angle: 30.0,
        }),
    )];
    let back = read_back(&ds);
    assert!(matches!(
        back.tasks[0].annotations[0].shape,
        Shape::Polygon(_)
    ));
    let mut files = DatasetFiles::default();
    files.files.insert("geojson/a.geojson", r#"{"type": "FeatureCollection", "features": [{"type": "Feature", "geometry": {"type": "Point", "coordinates": [1, 2]}, "properties": {}}]}"#);
    let e = import(&files).unwrap_err();
    assert!(e.location.ends_with("features[0].properties.label"), "{e}");
    files.files.insert("geojson/a.geojson", r#"{"features": [{"geometry": {"type": "LineString", "coordinates": [[1], [2, 3]]}, "properties": {"label": "x"}}]}"#);
    let e = import(&files).unwrap_err();
    assert!(e.message.contains("two numbers"), "{e}");
}
