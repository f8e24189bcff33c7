//! Answers of ML backends read into predictions: regions, masks, polygons, wrong answers, statuses.

use super::*;
use crate::model::{Label, Shape};
use crate::raster::ls_brush;

fn labels() -> LabelSet {
    LabelSet {
        labels: vec![Label::new("person", "#f00"), Label::new("car", "#0f0")],
        tags: vec!["indoor".into()],
        ..LabelSet::default()
    }
}

fn sent(id: &str) -> PredictTask {
    PredictTask {
        id: id.into(),
        image_url: format!("http://img/{id}.png"),
        width: 200,
        height: 100,
    }
}

fn rect(x: f64, y: f64, w: f64, h: f64, label: &str, score: f64) -> Value {
    json!({"type": "rectanglelabels", "from_name": "label", "to_name": "image",
           "original_width": 200, "original_height": 100, "score": score,
           "value": {"x": x, "y": y, "width": w, "height": h, "rotation": 0,
                     "rectanglelabels": [label]}})
}

/// An answer for the one task `a`, classes unmapped.
fn read_one(answer: &Value) -> Vec<Predicted> {
    parse_answer(
        &answer.to_string(),
        &[sent("a")],
        &labels(),
        &BTreeMap::new(),
    )
    .unwrap()
}

#[test]
fn the_predict_body_is_what_label_studio_sends() {
    let config = default_config(&labels());
    let body = predict_body(&[sent("a"), sent("b")], &config, "lasso.p", None);
    assert_eq!(body["tasks"][1]["id"], 2);
    assert_eq!(body["tasks"][1]["data"]["image"], "http://img/b.png");
    assert_eq!(body["tasks"][1]["meta"]["lasso_task_id"], "b");
    assert_eq!(body["label_config"], config.as_str());
    assert!(
        config.contains("<RectangleLabels name=\"label\" toName=\"image\">"),
        "{config}"
    );
    assert!(config.contains("<Label value=\"person\""));
    assert_eq!(body["params"], json!({}));
    let with = predict_body(&[sent("a")], &config, "p", Some(&json!({"result": []})));
    assert_eq!(with["params"]["context"]["result"], json!([]));
    assert_eq!(setup_body(&config, "p")["schema"], body["label_config"]);
}

#[test]
fn regions_become_predictions_in_pixels_mapped_and_clipped() {
    let classes: BTreeMap<String, String> = [("face".to_string(), "person".to_string())].into();
    let answer = json!({
        "model_version": "top",
        "results": [
            {"model_version": "faces-1", "score": 0.8, "result": [
                rect(10.0, 20.0, 25.0, 50.0, "face", 0.9),
                // Half outside on the right: clipped to the image.
                rect(90.0, 0.0, 20.0, 10.0, "car", 0.7),
                // Wholly outside: left out.
                rect(120.0, 0.0, 10.0, 10.0, "car", 0.6),
                // Not a class of the project.
                rect(0.0, 0.0, 10.0, 10.0, "dog", 0.5),
                {"type": "choices", "from_name": "tags", "to_name": "image",
                 "value": {"choices": ["indoor"]}},
            ]},
            // A bare array of regions, and no version of its own.
            [rect(0.0, 0.0, 50.0, 50.0, "person", 0.4)],
            null,
        ],
    });
    let got = parse_answer(
        &answer.to_string(),
        &[sent("a"), sent("b"), sent("c")],
        &labels(),
        &classes,
    )
    .unwrap();
    assert_eq!(got.len(), 3);
    let a = &got[0];
    assert_eq!((a.task.as_str(), a.model.as_str()), ("a", "faces-1"));
    assert_eq!(a.annotations.len(), 2, "{:?}", a.notes);
    let face = &a.annotations[0];
    assert_eq!(face.label, "person");
    assert_eq!(
        face.origin,
        Origin::Prediction {
            score: 0.9,
            model: "faces-1".into()
        }
    );
    match &face.shape {
        Shape::Box(b) => assert_eq!((b.x0, b.y0, b.x1, b.y1), (20.0, 20.0, 70.0, 70.0)),
        other => panic!("{other:?}"),
    }
    match &a.annotations[1].shape {
        Shape::Box(b) => assert_eq!((b.x0, b.x1, b.y1), (180.0, 200.0, 10.0)),
        other => panic!("{other:?}"),
    }
    assert_eq!(a.tags, vec!["indoor".to_string()]);
    assert!(
        a.notes.iter().any(|n| n.contains("\"dog\"")),
        "{:?}",
        a.notes
    );
    assert!(
        a.notes.iter().any(|n| n.contains("1 shapes lay outside")),
        "{:?}",
        a.notes
    );
    assert_eq!(got[1].model, "top");
    assert_eq!(got[1].annotations.len(), 1);
    assert!(got[2].annotations.is_empty());
}

#[test]
fn masks_and_polygons_come_back_as_shapes() {
    // A 4 × 3 block of a 200 × 100 image as Label Studio's brush RLE (RGBA, row-major).
    let mut rgba = vec![0u8; 200 * 100 * 4];
    for y in 10..13 {
        for x in 20..24 {
            for c in 0..4 {
                rgba[(y * 200 + x) * 4 + c] = 255;
            }
        }
    }
    let rle = ls_brush::encode_values(&rgba);
    let answer = json!({"results": [{"result": [
        {"type": "brushlabels", "from_name": "brush", "to_name": "image",
         "original_width": 200, "original_height": 100,
         "value": {"format": "rle", "rle": rle, "brushlabels": ["car"]}},
        {"type": "polygonlabels", "from_name": "polygon", "to_name": "image",
         "original_width": 200, "original_height": 100,
         "value": {"points": [[10, 10], [50, 10], [50, 90]], "polygonlabels": ["person"]}},
    ], "score": 0.5}]});
    let got = read_one(&answer);
    let shapes: Vec<&Shape> = got[0].annotations.iter().map(|a| &a.shape).collect();
    match shapes[0] {
        Shape::Mask(m) => {
            let area: u32 = m.counts.iter().skip(1).step_by(2).sum();
            assert_eq!(area, 12);
        }
        other => panic!("{other:?}"),
    }
    assert!(matches!(shapes[1], Shape::Polygon(_)));
    assert_eq!(
        got[0].annotations[1].origin,
        Origin::Prediction {
            score: 0.5,
            model: "model".into()
        }
    );
}

#[test]
fn wrong_answers_are_named() {
    let tasks = [sent("a")];
    let none = BTreeMap::new();
    let err = |text: &str| {
        parse_answer(text, &tasks, &labels(), &none)
            .unwrap_err()
            .to_string()
    };
    assert!(err("<html>500</html>").contains("not JSON"));
    assert!(err(r#"{"predictions": []}"#).contains("results: missing"));
    assert!(err(r#"{"results": [[], []]}"#).contains("2 entries for 1 tasks sent"));
    assert!(err(r#"{"results": ["x"]}"#).contains("results[0]"));
    let bad = json!({"results": [{"result": [
        {"type": "rectanglelabels", "original_width": 200, "original_height": 100,
         "value": {"x": "left", "y": 0, "width": 1, "height": 1, "rectanglelabels": ["car"]}}
    ]}]});
    let message = err(&bad.to_string());
    assert!(
        message.contains("results[0].result[0].value.x"),
        "{message}"
    );
}

#[test]
fn statuses_say_what_to_check() {
    let e = MlError::status(
        "http://m/predict",
        500,
        &"Traceback … ValueError".repeat(50),
    );
    let text = e.to_string();
    assert!(text.contains("answered 500 (the backend failed"), "{text}");
    assert!(text.len() < 450);
    assert!(MlError::status("http://m/predict", 401, "")
        .to_string()
        .contains("token"));
    let t = MlError::Timeout {
        url: "http://m/predict".into(),
        ms: 2500,
    };
    assert_eq!(
        t.to_string(),
        "the model backend at http://m/predict did not answer within 2.5 s"
    );
}

#[test]
fn errors_speak_the_labellers_language_and_quote_the_backend() {
    use crate::i18n::Locale;
    let t = MlError::Timeout {
        url: "http://m/predict".into(),
        ms: 2500,
    };
    assert_eq!(
        t.describe(Locale::Uk),
        "модельний бекенд за адресою http://m/predict не відповів за 2,5 с"
    );
    let s = MlError::status("http://m/predict", 500, "Traceback: boom");
    assert_eq!(
        s.describe(Locale::Uk),
        "модельний бекенд за адресою http://m/predict відповів 500 \
         (бекенд дав збій; причину видно в його журналі): Traceback: boom"
    );
    assert_eq!(
        MlError::status("http://m/x", 418, "").describe(Locale::En),
        "the model backend at http://m/x answered 418"
    );
}

#[test]
fn keypoints_come_back_in_pixels() {
    let point = |id: &str, x: f64, y: f64| {
        json!({"id": id, "type": "keypointlabels", "from_name": "keypoint", "to_name": "image",
               "original_width": 200, "original_height": 100, "score": 0.8,
               "value": {"x": x, "y": y, "width": 0.5, "keypointlabels": ["person"]}})
    };
    let answer = json!({"results": [[point("nose", 50.0, 50.0), point("eye", 25.0, 10.0)]]});
    let got = read_one(&answer);
    let points: Vec<(f64, f64)> = got[0]
        .annotations
        .iter()
        .flat_map(|a| match &a.shape {
            Shape::Keypoints { points } => points.iter().map(|k| (k.x, k.y)).collect::<Vec<_>>(),
            other => panic!("{other:?}"),
        })
        .collect();
    assert_eq!(points, [(100.0, 50.0), (50.0, 10.0)]);
}
