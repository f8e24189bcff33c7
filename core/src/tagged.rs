//! Reading internally tagged enums (`{"type": "box", "x0": …}`) without serde's buffering.
//!
//! serde's derive reads an internally tagged enum by first copying the whole object into an
//! intermediate tree, then reading the variant from that tree. Every type nested in the enum is
//! therefore compiled twice (once per reader), and for [`crate::history::Op`], which nests
//! annotations that nest shapes, the copies nest too: in the browser module that came to more
//! than 130 KB of code, and every journal entry and shape was read twice.
//!
//! [`read`] reads the tag when it is the object's first key, as Lasso writes it and as hosts
//! almost always do, and then hands the rest of the same object to the variant's reader: one
//! pass, one compiled reader per type, and errors keep their full path. When the tag comes
//! later, the object is read into a JSON value, written back with the tag first and read again;
//! that is rare and small, and only an error's position inside the object is coarser then.
//!
//! Written by hand because serde has no option for this. The tests below read back what the
//! derived writers write, with the tag at every position; the journal's golden files and the
//! property tests of the types that use it read through it too.

use crate::history::{Flags, Op};
use crate::model::{
    Annotation, AnnotationId, AttributeDef, AttributeKind, AttributeValue, BoxShape, Keypoint,
    LabelSet, MaskRle, Origin, Point, PolygonShape, RotatedBox, Shape,
};
use serde::de::{self, DeserializeOwned, DeserializeSeed, Deserializer, MapAccess, Visitor};
use serde::Deserialize;
use std::fmt;
use std::marker::PhantomData;

/// An enum read by [`read`]: its tag key and how each variant reads the rest of the object.
pub(crate) trait Tagged: Sized {
    /// The key that names the variant, e.g. `"type"`.
    const TAG: &'static str;
    /// What a value of this type is, for error messages ("a shape").
    const EXPECTING: &'static str;
    /// The tag values, for the error that names an unknown one.
    const VARIANTS: &'static [&'static str];
    /// Reads the variant named `variant` from `body`, the object's other keys.
    fn variant<'de, D: Deserializer<'de>>(variant: &str, body: D) -> Result<Self, D::Error>;
}

/// Reads a `T` from `deserializer` (see the module's doc).
pub(crate) fn read<'de, D, T>(deserializer: D) -> Result<T, D::Error>
where
    D: Deserializer<'de>,
    T: Tagged + DeserializeOwned,
{
    deserializer.deserialize_map(TaggedVisitor(PhantomData))
}

struct TaggedVisitor<T>(PhantomData<T>);

impl<'de, T: Tagged + DeserializeOwned> Visitor<'de> for TaggedVisitor<T> {
    type Value = T;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str(T::EXPECTING)
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<T, A::Error> {
        match map.next_key_seed(IsTag(T::TAG))? {
            None => Err(de::Error::missing_field(T::TAG)),
            Some(FirstKey::Tag) => {
                let variant: String = map.next_value()?;
                check_variant::<T, A::Error>(&variant)?;
                T::variant(&variant, de::value::MapAccessDeserializer::new(map))
            }
            Some(FirstKey::Other(first)) => reorder(first, map),
        }
    }
}

/// Fails with serde's "unknown variant" error unless `variant` is one of `T`'s.
fn check_variant<T: Tagged, E: de::Error>(variant: &str) -> Result<(), E> {
    if T::VARIANTS.contains(&variant) {
        Ok(())
    } else {
        Err(E::unknown_variant(variant, T::VARIANTS))
    }
}

/// The tag came after `first`: reads the whole object, then reads it again with the tag first.
fn reorder<'de, A, T>(first: String, mut map: A) -> Result<T, A::Error>
where
    A: MapAccess<'de>,
    T: Tagged + DeserializeOwned,
{
    let mut entries: Vec<(String, serde_json::Value)> = vec![(first, map.next_value()?)];
    while let Some(entry) = map.next_entry::<String, serde_json::Value>()? {
        entries.push(entry);
    }
    let Some(at) = entries.iter().position(|(k, _)| k == T::TAG) else {
        return Err(de::Error::missing_field(T::TAG));
    };
    let (_, tag) = entries.remove(at);
    let serde_json::Value::String(variant) = tag else {
        return Err(de::Error::invalid_type(unexpected(&tag), &"a string"));
    };
    check_variant::<T, A::Error>(&variant)?;
    // Written back as text and read by the JSON reader every other read uses, so no reader is
    // compiled for JSON values: `{"<tag>":"<variant>","<key>":<value>,…}`.
    let mut text = String::from("{");
    let tag = (T::TAG.to_string(), serde_json::Value::String(variant));
    for (i, (key, value)) in std::iter::once(tag).chain(entries).enumerate() {
        if i > 0 {
            text.push(',');
        }
        let key = serde_json::Value::String(key);
        text.push_str(&format!("{key}:{value}"));
    }
    text.push('}');
    serde_json::from_str(&text).map_err(|e| de::Error::custom(without_position(&e)))
}

/// A JSON error's message without " at line … column …", which would point into the text
/// [`reorder`] wrote rather than into the caller's.
fn without_position(e: &serde_json::Error) -> String {
    let message = e.to_string();
    let position = format!(" at line {} column {}", e.line(), e.column());
    message
        .strip_suffix(&position)
        .map(str::to_string)
        .unwrap_or(message)
}

/// The JSON value's kind as serde's errors name it.
fn unexpected(value: &serde_json::Value) -> de::Unexpected<'_> {
    match value {
        serde_json::Value::Null => de::Unexpected::Unit,
        serde_json::Value::Bool(b) => de::Unexpected::Bool(*b),
        serde_json::Value::Number(_) => de::Unexpected::Other("a number"),
        serde_json::Value::String(s) => de::Unexpected::Str(s),
        serde_json::Value::Array(_) => de::Unexpected::Seq,
        serde_json::Value::Object(_) => de::Unexpected::Map,
    }
}

/// The first key of the object: the tag, or another key (kept for [`reorder`]).
enum FirstKey {
    Tag,
    Other(String),
}

/// Reads a key and tells whether it is the tag.
struct IsTag(&'static str);

impl<'de> DeserializeSeed<'de> for IsTag {
    type Value = FirstKey;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<FirstKey, D::Error> {
        deserializer.deserialize_str(self)
    }
}

impl<'de> Visitor<'de> for IsTag {
    type Value = FirstKey;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a key")
    }

    fn visit_str<E: de::Error>(self, key: &str) -> Result<FirstKey, E> {
        Ok(if key == self.0 {
            FirstKey::Tag
        } else {
            FirstKey::Other(key.to_string())
        })
    }
}

/// Implements [`Tagged`] and `Deserialize` for an enum whose variants all have named fields (or
/// none): each variant's fields are read by a struct derived with the same field attributes.
macro_rules! read_variants {
    (
        $enum:ident, tag $tag:literal, $expecting:literal;
        $( $name:literal => $variant:ident { $( $(#[$attr:meta])* $field:ident : $ty:ty ),* $(,)? } )*
    ) => {
        impl Tagged for $enum {
            const TAG: &'static str = $tag;
            const EXPECTING: &'static str = $expecting;
            const VARIANTS: &'static [&'static str] = &[$($name),*];

            fn variant<'de, D: Deserializer<'de>>(variant: &str, body: D) -> Result<Self, D::Error> {
                match variant {
                    $( $name => {
                        #[derive(serde::Deserialize)]
                        struct Body { $( $(#[$attr])* $field: $ty ),* }
                        let Body { $($field),* } = Body::deserialize(body)?;
                        Ok($enum::$variant { $($field),* })
                    } )*
                    other => Err(de::Error::unknown_variant(other, Self::VARIANTS)),
                }
            }
        }

        impl<'de> serde::Deserialize<'de> for $enum {
            fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                read(deserializer)
            }
        }
    };
}

read_variants! {
    Origin, tag "kind", "an origin";
    "human" => Human {}
    "prediction" => Prediction {
        score: f64,
        #[serde(default)]
        model: String,
    }
}

read_variants! {
    Op, tag "op", "an edit";
    "add" => Add {
        annotation: Annotation,
        #[serde(default)]
        index: Option<usize>,
    }
    "remove" => Remove {
        annotation: Annotation,
        #[serde(default)]
        index: Option<usize>,
    }
    "set_shape" => SetShape { id: AnnotationId, before: Shape, after: Shape }
    "relabel" => Relabel { id: AnnotationId, before: String, after: String }
    "set_attribute" => SetAttribute {
        id: AnnotationId,
        key: String,
        before: Option<AttributeValue>,
        after: Option<AttributeValue>,
    }
    "set_flags" => SetFlags { id: AnnotationId, before: Flags, after: Flags }
    "set_tags" => SetTags { before: Vec<String>, after: Vec<String> }
    "set_labels" => SetLabels { before: LabelSet, after: LabelSet }
    "mask_stroke" => MaskStroke { id: AnnotationId, added: MaskRle, removed: MaskRle }
    "batch" => Batch { ops: Vec<Op> }
}

impl Tagged for Shape {
    const TAG: &'static str = "type";
    const EXPECTING: &'static str = "a shape";
    const VARIANTS: &'static [&'static str] = &[
        "box",
        "rotated_box",
        "polygon",
        "polyline",
        "keypoints",
        "mask",
    ];

    fn variant<'de, D: Deserializer<'de>>(variant: &str, body: D) -> Result<Self, D::Error> {
        #[derive(serde::Deserialize)]
        struct Points<P> {
            points: Vec<P>,
        }
        Ok(match variant {
            "box" => Shape::Box(BoxShape::deserialize(body)?),
            "rotated_box" => Shape::RotatedBox(RotatedBox::deserialize(body)?),
            "polygon" => Shape::Polygon(PolygonShape::deserialize(body)?),
            "polyline" => Shape::Polyline {
                points: Points::<Point>::deserialize(body)?.points,
            },
            "keypoints" => Shape::Keypoints {
                points: Points::<Keypoint>::deserialize(body)?.points,
            },
            "mask" => Shape::Mask(MaskRle::deserialize(body)?),
            other => return Err(de::Error::unknown_variant(other, Self::VARIANTS)),
        })
    }
}

impl<'de> Deserialize<'de> for Shape {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        read(deserializer)
    }
}

/// The fields of every kind of attribute at once: an attribute definition names its kind beside
/// its name (`{"name": "colour", "type": "choice", "options": […]}`), in any order, and every
/// field has one type whatever the kind, so one derived struct reads them in one pass.
#[derive(serde::Deserialize)]
struct AttributeFields {
    name: String,
    #[serde(rename = "type")]
    kind: String,
    options: Option<Vec<String>>,
    #[serde(default)]
    min: Option<f64>,
    #[serde(default)]
    max: Option<f64>,
}

impl<'de> Deserialize<'de> for AttributeDef {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        const KINDS: &[&str] = &["text", "choice", "bool", "number"];
        let f = AttributeFields::deserialize(deserializer)?;
        let kind = match f.kind.as_str() {
            "text" => AttributeKind::Text,
            "choice" => AttributeKind::Choice {
                options: f
                    .options
                    .ok_or_else(|| de::Error::missing_field("options"))?,
            },
            "bool" => AttributeKind::Bool,
            "number" => AttributeKind::Number {
                min: f.min,
                max: f.max,
            },
            other => return Err(de::Error::unknown_variant(other, KINDS)),
        };
        Ok(AttributeDef { name: f.name, kind })
    }
}

impl<'de> Deserialize<'de> for AttributeValue {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Value;
        impl Visitor<'_> for Value {
            type Value = AttributeValue;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a boolean, a number or a text")
            }
            fn visit_bool<E: de::Error>(self, v: bool) -> Result<AttributeValue, E> {
                Ok(AttributeValue::Bool(v))
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<AttributeValue, E> {
                Ok(AttributeValue::Number(v as f64))
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<AttributeValue, E> {
                Ok(AttributeValue::Number(v as f64))
            }
            fn visit_f64<E: de::Error>(self, v: f64) -> Result<AttributeValue, E> {
                Ok(AttributeValue::Number(v))
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<AttributeValue, E> {
                Ok(AttributeValue::Text(v.to_string()))
            }
            fn visit_string<E: de::Error>(self, v: String) -> Result<AttributeValue, E> {
                Ok(AttributeValue::Text(v))
            }
        }
        deserializer.deserialize_any(Value)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Label, PolygonPart, Visibility};
    use proptest::prelude::*;
    use serde_json::{json, Value};

    fn annotation(shape: Shape) -> Annotation {
        let mut a = Annotation::new("a1", "car", shape);
        a.origin = Origin::Prediction {
            score: 0.75,
            model: "yolo".into(),
        };
        a.attributes
            .insert("occluded".into(), AttributeValue::Bool(true));
        a
    }

    fn shapes() -> Vec<Shape> {
        let p = |x, y| Point::new(x, y);
        vec![
            Shape::Box(BoxShape::from_corners(p(1.0, 2.0), p(30.5, 40.25))),
            Shape::RotatedBox(RotatedBox {
                cx: 5.0,
                cy: 6.0,
                w: 7.0,
                h: 8.0,
                angle: -12.5,
            }),
            Shape::Polygon(PolygonShape {
                parts: vec![PolygonPart {
                    exterior: vec![p(0.0, 0.0), p(10.0, 0.0), p(10.0, 10.0)],
                    holes: vec![vec![p(1.0, 1.0), p(2.0, 1.0), p(2.0, 2.0)]],
                }],
            }),
            Shape::Polyline {
                points: vec![p(0.0, 0.0), p(3.0, 4.0)],
            },
            Shape::Keypoints {
                points: vec![Keypoint {
                    name: "nose".into(),
                    x: 1.0,
                    y: 2.0,
                    visibility: Visibility::Occluded,
                }],
            },
            Shape::Mask(MaskRle {
                width: 2,
                height: 2,
                counts: vec![1, 2, 1],
            }),
        ]
    }

    fn ops() -> Vec<Op> {
        let id = AnnotationId("a1".into());
        let [b, r, ..] = <[Shape; 6]>::try_from(shapes()).unwrap_or_else(|_| unreachable!());
        let mask = MaskRle {
            width: 1,
            height: 1,
            counts: vec![0, 1],
        };
        let labels = LabelSet {
            labels: vec![Label::new("car", "#ff0000")],
            tags: vec!["day".into()],
            multi_tag: true,
        };
        let one = vec![
            Op::Add {
                annotation: annotation(b.clone()),
                index: Some(3),
            },
            Op::Remove {
                annotation: annotation(r.clone()),
                index: None,
            },
            Op::SetShape {
                id: id.clone(),
                before: b,
                after: r,
            },
            Op::Relabel {
                id: id.clone(),
                before: "car".into(),
                after: "bus".into(),
            },
            Op::SetAttribute {
                id: id.clone(),
                key: "n".into(),
                before: None,
                after: Some(AttributeValue::Number(2.5)),
            },
            Op::SetFlags {
                id: id.clone(),
                before: Flags::default(),
                after: Flags {
                    hidden: true,
                    locked: false,
                    z: -3,
                },
            },
            Op::SetTags {
                before: vec![],
                after: vec!["night".into()],
            },
            Op::SetLabels {
                before: LabelSet::default(),
                after: labels,
            },
            Op::MaskStroke {
                id,
                added: mask.clone(),
                removed: mask,
            },
        ];
        let mut all = one.clone();
        all.push(Op::Batch { ops: one });
        all
    }

    /// `value` as JSON text with the tag keys moved to position `at` of their objects (nested
    /// ones too), so readers meet the tag anywhere.
    fn move_key(value: &Value, at: usize) -> String {
        match value {
            Value::Object(map) => {
                let mut entries: Vec<(String, String)> = map
                    .iter()
                    .map(|(k, v)| (k.clone(), move_key(v, at)))
                    .collect();
                let tag = ["type", "op", "kind"];
                if let Some(i) = entries.iter().position(|(k, _)| tag.contains(&k.as_str())) {
                    let e = entries.remove(i);
                    entries.insert(at.min(entries.len()), e);
                }
                let body: Vec<String> = entries
                    .into_iter()
                    .map(|(k, v)| format!("{}:{v}", Value::String(k)))
                    .collect();
                format!("{{{}}}", body.join(","))
            }
            Value::Array(items) => {
                let body: Vec<String> = items.iter().map(|v| move_key(v, at)).collect();
                format!("[{}]", body.join(","))
            }
            other => other.to_string(),
        }
    }

    #[test]
    fn every_shape_and_op_reads_back_with_its_tag_anywhere() {
        for shape in shapes() {
            let value = serde_json::to_value(&shape).unwrap();
            for at in 0..6 {
                let text = move_key(&value, at);
                assert_eq!(
                    serde_json::from_str::<Shape>(&text).unwrap(),
                    shape,
                    "{text}"
                );
            }
        }
        for op in ops() {
            let value = serde_json::to_value(&op).unwrap();
            for at in 0..6 {
                let text = move_key(&value, at);
                assert_eq!(serde_json::from_str::<Op>(&text).unwrap(), op, "{text}");
            }
        }
    }

    #[test]
    fn other_readers_than_json_read_them_too() {
        // The path-tracking reader (which places bad values) and the JSON-value reader.
        for op in ops() {
            let text = serde_json::to_string(&op).unwrap();
            let de = &mut serde_json::Deserializer::from_str(&text);
            assert_eq!(serde_path_to_error::deserialize::<_, Op>(de).unwrap(), op);
            let value = serde_json::to_value(&op).unwrap();
            assert_eq!(serde_json::from_value::<Op>(value).unwrap(), op);
        }
    }

    #[test]
    fn a_missing_or_unknown_tag_is_named() {
        let e = serde_json::from_str::<Shape>(r#"{"x0": 1}"#).unwrap_err();
        assert!(e.to_string().starts_with("missing field `type`"), "{e}");
        let e = serde_json::from_str::<Shape>(r#"{}"#).unwrap_err();
        assert!(e.to_string().starts_with("missing field `type`"), "{e}");
        for text in [
            r#"{"type": "circle", "r": 1}"#,
            r#"{"r": 1, "type": "circle"}"#,
        ] {
            let e = serde_json::from_str::<Shape>(text).unwrap_err().to_string();
            assert!(
                e.starts_with("unknown variant `circle`, expected one of `box`, `rotated_box`"),
                "{e}"
            );
        }
        let e = serde_json::from_str::<Shape>(r#"{"x0": 1, "type": 3}"#).unwrap_err();
        assert!(e.to_string().contains("expected a string"), "{e}");
        let e = serde_json::from_str::<Shape>(r#"[1, 2]"#).unwrap_err();
        assert!(e.to_string().contains("expected a shape"), "{e}");
    }

    #[test]
    fn a_bad_value_is_placed_by_its_full_path() {
        let text = json!({"annotations": [{"id": "a", "label": "car",
            "shape": {"type": "box", "x0": 1, "y0": "two", "x1": 3, "y1": 4}}]})
        .to_string();
        #[derive(Debug, serde::Deserialize)]
        #[allow(dead_code)]
        struct Doc {
            annotations: Vec<Annotation>,
        }
        let de = &mut serde_json::Deserializer::from_str(&text);
        let e = serde_path_to_error::deserialize::<_, Doc>(de).unwrap_err();
        assert_eq!(e.path().to_string(), "annotations[0].shape.y0");
        // With the tag last, the error still names the value, without a position in the
        // rewritten text.
        let text = r#"{"x0": 1, "y0": "two", "x1": 3, "y1": 4, "type": "box"}"#;
        let e = serde_json::from_str::<Shape>(text).unwrap_err().to_string();
        assert!(
            e.starts_with("invalid type: string \"two\", expected f64"),
            "{e}"
        );
        assert_eq!(
            e.matches("line").count(),
            1,
            "one position, the caller's: {e}"
        );
    }

    #[test]
    fn attribute_definitions_read_in_any_order_and_values_by_their_type() {
        let defs: Vec<AttributeDef> = serde_json::from_str(
            r#"[{"name": "colour", "type": "choice", "options": ["red", "blue"]},
                {"type": "number", "max": 5, "name": "count"},
                {"options": [], "type": "text", "name": "note"},
                {"name": "truncated", "type": "bool"}]"#,
        )
        .unwrap();
        assert_eq!(
            defs.iter().map(|d| d.kind.clone()).collect::<Vec<_>>(),
            vec![
                AttributeKind::Choice {
                    options: vec!["red".into(), "blue".into()]
                },
                AttributeKind::Number {
                    min: None,
                    max: Some(5.0)
                },
                AttributeKind::Text,
                AttributeKind::Bool,
            ]
        );
        assert_eq!(defs[1].name, "count");
        for def in &defs {
            let text = serde_json::to_string(def).unwrap();
            assert_eq!(&serde_json::from_str::<AttributeDef>(&text).unwrap(), def);
        }
        let e = serde_json::from_str::<AttributeDef>(r#"{"name": "c", "type": "choice"}"#);
        assert!(e
            .unwrap_err()
            .to_string()
            .starts_with("missing field `options`"));
        let e = serde_json::from_str::<AttributeDef>(r#"{"name": "c", "type": "date"}"#);
        let e = e.unwrap_err().to_string();
        assert!(
            e.starts_with("unknown variant `date`, expected one of `text`"),
            "{e}"
        );
        let e = serde_json::from_str::<AttributeDef>(r#"{"type": "text"}"#);
        assert!(e
            .unwrap_err()
            .to_string()
            .starts_with("missing field `name`"));

        let values: Vec<AttributeValue> =
            serde_json::from_str(r#"[true, 3, -2, 2.5, "red"]"#).unwrap();
        assert_eq!(
            values,
            vec![
                AttributeValue::Bool(true),
                AttributeValue::Number(3.0),
                AttributeValue::Number(-2.0),
                AttributeValue::Number(2.5),
                AttributeValue::Text("red".into()),
            ]
        );
        let e = serde_json::from_str::<AttributeValue>("[1]")
            .unwrap_err()
            .to_string();
        assert!(e.contains("expected a boolean, a number or a text"), "{e}");
    }

    proptest! {
        #[test]
        fn boxes_and_polylines_read_back_from_any_key_order(
            coords in prop::collection::vec(-1e6f64..1e6, 4..12),
            at in 0usize..5,
        ) {
            let b = Shape::Box(BoxShape::from_corners(
                Point::new(coords[0], coords[1]),
                Point::new(coords[2], coords[3]),
            ));
            let line = Shape::Polyline {
                points: coords.chunks_exact(2).map(|c| Point::new(c[0], c[1])).collect(),
            };
            for shape in [b, line] {
                let text = move_key(&serde_json::to_value(&shape).unwrap(), at);
                prop_assert_eq!(serde_json::from_str::<Shape>(&text).unwrap(), shape);
            }
        }
    }
}
