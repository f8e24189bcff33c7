//! The annotation model: tasks, images, label sets, annotations and their shapes.
//!
//! These are plain data types. They derive `serde` because the Lasso JSON format and the
//! IndexedDB journal store them as they are; other dataset formats convert at the edge
//! (`formats`), never by changing these types.

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// A point in image pixel coordinates.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize, Default)]
pub struct Point {
    /// Horizontal position, pixels from the left edge of the image.
    pub x: f64,
    /// Vertical position, pixels from the top edge of the image.
    pub y: f64,
}

impl Point {
    /// Makes a point from its coordinates.
    pub const fn new(x: f64, y: f64) -> Self {
        Self { x, y }
    }
}

/// An axis-aligned box, stored by its corners with `x0 <= x1` and `y0 <= y1`.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize, Default)]
pub struct BoxShape {
    /// Left edge.
    pub x0: f64,
    /// Top edge.
    pub y0: f64,
    /// Right edge.
    pub x1: f64,
    /// Bottom edge.
    pub y1: f64,
}

impl BoxShape {
    /// Makes a box from two opposite corners in any order; the result is normalised.
    pub fn from_corners(a: Point, b: Point) -> Self {
        Self {
            x0: a.x.min(b.x),
            y0: a.y.min(b.y),
            x1: a.x.max(b.x),
            y1: a.y.max(b.y),
        }
    }

    /// Width in pixels (never negative for a normalised box).
    pub fn width(&self) -> f64 {
        self.x1 - self.x0
    }

    /// Height in pixels (never negative for a normalised box).
    pub fn height(&self) -> f64 {
        self.y1 - self.y0
    }
}

/// A box rotated about its centre.
///
/// `angle` is in degrees, clockwise on screen (the image's y axis points down), so a positive
/// angle turns the box's top edge towards the right, as Label Studio and CVAT show it.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize, Default)]
pub struct RotatedBox {
    /// Centre x.
    pub cx: f64,
    /// Centre y.
    pub cy: f64,
    /// Width along the box's own x axis.
    pub w: f64,
    /// Height along the box's own y axis.
    pub h: f64,
    /// Rotation in degrees, clockwise on screen.
    pub angle: f64,
}

impl RotatedBox {
    /// The four corners, starting at the box's own top-left and going clockwise on screen.
    pub fn corners(&self) -> [Point; 4] {
        let (s, c) = self.angle.to_radians().sin_cos();
        let (hw, hh) = (self.w / 2.0, self.h / 2.0);
        [(-hw, -hh), (hw, -hh), (hw, hh), (-hw, hh)]
            .map(|(dx, dy)| Point::new(self.cx + dx * c - dy * s, self.cy + dx * s + dy * c))
    }
}

/// One connected part of a polygon: an outer ring and any holes cut out of it.
///
/// Rings are open (the first point is not repeated at the end).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, Default)]
pub struct PolygonPart {
    /// The outer boundary.
    pub exterior: Vec<Point>,
    /// Holes inside the outer boundary.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub holes: Vec<Vec<Point>>,
}

/// A polygon made of one or more parts, each of which may have holes.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, Default)]
pub struct PolygonShape {
    /// The parts; an object split by an occluder has several.
    pub parts: Vec<PolygonPart>,
}

impl PolygonShape {
    /// A polygon of one part with no holes.
    pub fn simple(exterior: Vec<Point>) -> Self {
        Self {
            parts: vec![PolygonPart {
                exterior,
                holes: Vec::new(),
            }],
        }
    }
}

/// Whether a keypoint is placed and whether it can be seen (COCO's v = 0, 1, 2).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum Visibility {
    /// Not placed (COCO v = 0).
    NotLabeled,
    /// Placed but occluded (COCO v = 1).
    Occluded,
    /// Placed and visible (COCO v = 2).
    #[default]
    Visible,
}

/// One named keypoint.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Keypoint {
    /// Name from the label's skeleton, e.g. `left_eye`.
    pub name: String,
    /// Position.
    pub x: f64,
    /// Position.
    pub y: f64,
    /// Visibility.
    #[serde(default)]
    pub visibility: Visibility,
}

/// A binary mask in COCO RLE form: column-major run lengths starting with a run of zeros.
///
/// This is the mask's persistent form (format boundary and journal). Editing works on the faster
/// representations in `raster`, which convert to and from this one.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct MaskRle {
    /// Image width in pixels.
    pub width: u32,
    /// Image height in pixels.
    pub height: u32,
    /// Alternating run lengths (zeros first), column-major, summing to `width * height`.
    pub counts: Vec<u32>,
}

/// The geometry of an annotation. Read in one pass by the `tagged` module.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Shape {
    /// Axis-aligned box.
    Box(BoxShape),
    /// Box rotated about its centre.
    RotatedBox(RotatedBox),
    /// Polygon with parts and holes.
    Polygon(PolygonShape),
    /// Open line through its points.
    Polyline {
        /// The vertices in order.
        points: Vec<Point>,
    },
    /// Named points, optionally connected by the label's skeleton.
    Keypoints {
        /// The points.
        points: Vec<Keypoint>,
    },
    /// Pixel mask.
    Mask(MaskRle),
}

/// The kinds of shape, for label sets that restrict what a class may be drawn with.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, PartialOrd, Ord)]
#[serde(rename_all = "snake_case")]
pub enum ShapeKind {
    /// [`Shape::Box`].
    Box,
    /// [`Shape::RotatedBox`].
    RotatedBox,
    /// [`Shape::Polygon`].
    Polygon,
    /// [`Shape::Polyline`].
    Polyline,
    /// [`Shape::Keypoints`].
    Keypoints,
    /// [`Shape::Mask`].
    Mask,
}

impl Shape {
    /// Which kind of shape this is.
    pub fn kind(&self) -> ShapeKind {
        match self {
            Shape::Box(_) => ShapeKind::Box,
            Shape::RotatedBox(_) => ShapeKind::RotatedBox,
            Shape::Polygon(_) => ShapeKind::Polygon,
            Shape::Polyline { .. } => ShapeKind::Polyline,
            Shape::Keypoints { .. } => ShapeKind::Keypoints,
            Shape::Mask(_) => ShapeKind::Mask,
        }
    }
}

/// A stable identifier of an annotation, unique within its task.
///
/// Ids are strings so that ids from imported datasets and from other tabs or annotators survive.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(transparent)]
pub struct AnnotationId(pub String);

impl std::fmt::Display for AnnotationId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// The value of one attribute of an annotation (read by its JSON type, see `tagged`).
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(untagged)]
pub enum AttributeValue {
    /// Yes/no.
    Bool(bool),
    /// A number.
    Number(f64),
    /// Free text or the chosen option of a choice attribute.
    Text(String),
}

/// Where an annotation came from. Read in one pass by the `tagged` module.
#[derive(Clone, Debug, PartialEq, Serialize, Default)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Origin {
    /// Drawn or accepted by a person.
    #[default]
    Human,
    /// Proposed by a model and not yet accepted.
    Prediction {
        /// Confidence in `[0, 1]`.
        score: f64,
        /// Name of the model that proposed it.
        #[serde(default, skip_serializing_if = "String::is_empty")]
        model: String,
    },
}

/// One labelled object on an image.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Annotation {
    /// Stable id.
    pub id: AnnotationId,
    /// Name of the class from the task's label set.
    pub label: String,
    /// Geometry.
    pub shape: Shape,
    /// Attribute values by attribute name.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub attributes: BTreeMap<String, AttributeValue>,
    /// Human or prediction.
    #[serde(default)]
    pub origin: Origin,
    /// Hidden from the canvas (still exported).
    #[serde(default, skip_serializing_if = "is_false")]
    pub hidden: bool,
    /// Protected from editing.
    #[serde(default, skip_serializing_if = "is_false")]
    pub locked: bool,
    /// Drawing order: higher is drawn later, on top.
    #[serde(default)]
    pub z: i64,
}

fn is_false(b: &bool) -> bool {
    !*b
}

impl Annotation {
    /// A human annotation with no attributes, visible and unlocked.
    pub fn new(id: impl Into<String>, label: impl Into<String>, shape: Shape) -> Self {
        Self {
            id: AnnotationId(id.into()),
            label: label.into(),
            shape,
            attributes: BTreeMap::new(),
            origin: Origin::Human,
            hidden: false,
            locked: false,
            z: 0,
        }
    }
}

/// The type and allowed values of a label attribute.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum AttributeKind {
    /// Free text.
    Text,
    /// One of a fixed list of options.
    Choice {
        /// The options.
        options: Vec<String>,
    },
    /// Yes/no.
    Bool,
    /// A number, optionally bounded.
    Number {
        /// Smallest allowed value.
        #[serde(default)]
        min: Option<f64>,
        /// Largest allowed value.
        #[serde(default)]
        max: Option<f64>,
    },
}

/// The definition of one attribute of a label (read in one pass, see `tagged`).
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct AttributeDef {
    /// Attribute name.
    pub name: String,
    /// Type and allowed values.
    #[serde(flatten)]
    pub kind: AttributeKind,
}

/// One class of the label set.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Label {
    /// Class name, unique within the set.
    pub name: String,
    /// CSS colour, e.g. `#e6194b`.
    pub color: String,
    /// Key that selects it (`"1"`..`"9"` by default).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hotkey: Option<String>,
    /// Shape kinds this class may be drawn with; empty means any.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub shapes: Vec<ShapeKind>,
    /// Attributes annotations of this class carry.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub attributes: Vec<AttributeDef>,
    /// Keypoint names, for keypoint classes.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub keypoints: Vec<String>,
    /// Skeleton edges as pairs of indices into `keypoints`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub skeleton: Vec<[usize; 2]>,
    /// Per keypoint, how far apart two people's placements may be (COCO's OKS sigmas) when
    /// their agreement is measured; COCO's own for its 17 person keypoints when absent.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub sigmas: Vec<f64>,
    /// A broader class this one belongs to (COCO's `supercategory`), kept so exports round-trip.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub group: Option<String>,
}

impl Label {
    /// A class with a name and colour and nothing else.
    pub fn new(name: impl Into<String>, color: impl Into<String>) -> Self {
        Self {
            name: name.into(),
            color: color.into(),
            hotkey: None,
            shapes: Vec::new(),
            attributes: Vec::new(),
            keypoints: Vec::new(),
            skeleton: Vec::new(),
            sigmas: Vec::new(),
            group: None,
        }
    }
}

/// The classes a task is labelled with, and the whole-image tags it offers.
///
/// Written as `{labels, tags, multi_tag}`; read from that (also `multiTag`) or from a bare list
/// of labels, the form `mount`'s `labels` option takes, so one task shape works everywhere.
#[derive(Clone, Debug, PartialEq, Serialize, Default)]
pub struct LabelSet {
    /// Object classes, in display order.
    pub labels: Vec<Label>,
    /// Whole-image tag choices.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub tags: Vec<String>,
    /// Whether several tags may be chosen at once.
    #[serde(default)]
    pub multi_tag: bool,
}

/// The object form of a [`LabelSet`] as read.
#[derive(Deserialize)]
struct LabelSetObject {
    #[serde(default)]
    labels: Vec<Label>,
    #[serde(default)]
    tags: Vec<String>,
    #[serde(default, alias = "multiTag")]
    multi_tag: bool,
}

impl<'de> Deserialize<'de> for LabelSet {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        use serde::de::value::{MapAccessDeserializer, SeqAccessDeserializer};

        struct Either;
        impl<'de> serde::de::Visitor<'de> for Either {
            type Value = LabelSet;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a list of labels or {labels, tags, multi_tag}")
            }
            fn visit_seq<A: serde::de::SeqAccess<'de>>(self, seq: A) -> Result<LabelSet, A::Error> {
                Ok(LabelSet {
                    labels: Vec::<Label>::deserialize(SeqAccessDeserializer::new(seq))?,
                    ..LabelSet::default()
                })
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(self, map: A) -> Result<LabelSet, A::Error> {
                let o = LabelSetObject::deserialize(MapAccessDeserializer::new(map))?;
                Ok(LabelSet {
                    labels: o.labels,
                    tags: o.tags,
                    multi_tag: o.multi_tag,
                })
            }
        }
        deserializer.deserialize_any(Either)
    }
}

impl LabelSet {
    /// The class with this name, if any.
    pub fn get(&self, name: &str) -> Option<&Label> {
        self.labels.iter().find(|l| l.name == name)
    }

    /// Adds the classes and tags of `other` this set lacks, after its own: where both have a
    /// class, this set's definition stands (how several annotators' label sets become one).
    pub fn absorb(&mut self, other: &LabelSet) {
        for l in &other.labels {
            if self.get(&l.name).is_none() {
                self.labels.push(l.clone());
            }
        }
        for t in &other.tags {
            if !self.tags.contains(t) {
                self.tags.push(t.clone());
            }
        }
    }
}

/// The image a task is about.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, Default)]
pub struct ImageRef {
    /// Where to load it from: a URL, an S3 key or a local-store key.
    pub src: String,
    /// File name, as exported.
    #[serde(default)]
    pub name: String,
    /// Width in pixels (0 until known).
    #[serde(default)]
    pub width: u32,
    /// Height in pixels (0 until known).
    #[serde(default)]
    pub height: u32,
    /// The licence the image is used under, where the dataset names one (COCO `licenses`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub license: Option<ImageLicense>,
    /// How the image is served, when the URL alone does not say (`tiles::kind_of` reads
    /// `.dzi` and `info.json` from it).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kind: Option<ImageKind>,
    /// Where the image lies on the map (a GeoTIFF's georeferencing), for GeoJSON exports.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub geo: Option<GeoRef>,
    /// A Deep Zoom descriptor (URL or bucket key) of the same image at the same resolution,
    /// shown instead of `src` (which exports and training pipelines keep reading): the pyramid
    /// an upload sends beside a huge original.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tiles: Option<String>,
}

/// A georeferenced image's pixel → map transform, as GDAL writes it: a map point is
/// `x = t[0] + col·t[1] + row·t[2]`, `y = t[3] + col·t[4] + row·t[5]`, with `(col, row)` image
/// pixel coordinates (origin at the top-left corner of the top-left pixel).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct GeoRef {
    /// The six affine coefficients.
    pub transform: [f64; 6],
    /// The map's coordinate reference system, e.g. `EPSG:32633`, when the file names one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub crs: Option<String>,
}

impl GeoRef {
    /// The map point of image point `p`.
    pub fn to_map(&self, p: Point) -> Point {
        let t = &self.transform;
        Point::new(
            t[0] + p.x * t[1] + p.y * t[2],
            t[3] + p.x * t[4] + p.y * t[5],
        )
    }

    /// The image point of map point `p`; `None` when the transform cannot be inverted.
    pub fn to_image(&self, p: Point) -> Option<Point> {
        let t = &self.transform;
        let det = t[1] * t[5] - t[2] * t[4];
        if det == 0.0 || !det.is_finite() {
            return None;
        }
        let (dx, dy) = (p.x - t[0], p.y - t[3]);
        Some(Point::new(
            (t[5] * dx - t[2] * dy) / det,
            (t[1] * dy - t[4] * dx) / det,
        ))
    }
}

/// How an image is served: whole, or as tiles of a pyramid.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ImageKind {
    /// One file the browser decodes whole (JPEG, PNG, WebP, TIFF …).
    Plain,
    /// A Deep Zoom descriptor (`.dzi`) with its `_files/` tiles.
    Dzi,
    /// An IIIF Image API service (its `info.json`, or its id).
    Iiif,
    /// A Cloud-Optimized GeoTIFF.
    Cog,
}

impl ImageKind {
    /// The name used in `image.kind`.
    pub fn name(self) -> &'static str {
        match self {
            Self::Plain => "plain",
            Self::Dzi => "dzi",
            Self::Iiif => "iiif",
            Self::Cog => "cog",
        }
    }
}

/// A licence an image is distributed under.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, Default)]
pub struct ImageLicense {
    /// Licence name, e.g. `CC BY 4.0`.
    #[serde(default)]
    pub name: String,
    /// Where its terms are.
    #[serde(default)]
    pub url: String,
}

/// One image with its label set, annotations and tags: the unit of work.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, Default)]
pub struct Task {
    /// Stable id.
    pub id: String,
    /// The image.
    pub image: ImageRef,
    /// Classes and tags.
    #[serde(default)]
    pub labels: LabelSet,
    /// The annotations, in no particular order (draw order is `z`).
    #[serde(default)]
    pub annotations: Vec<Annotation>,
    /// Whole-image tags chosen.
    #[serde(default)]
    pub tags: Vec<String>,
}

impl Task {
    /// The annotation with this id.
    pub fn annotation(&self, id: &AnnotationId) -> Option<&Annotation> {
        self.annotations.iter().find(|a| &a.id == id)
    }

    /// Position of the annotation with this id in `annotations`.
    pub fn position(&self, id: &AnnotationId) -> Option<usize> {
        self.annotations.iter().position(|a| &a.id == id)
    }
}

/// Tags typed as one comma-separated text (`"aerial, survey"`): trimmed, empty ones dropped, each
/// kept once in the order first typed, so a person can type them freely in one field.
pub fn tags_from_text(text: &str) -> Vec<String> {
    let mut tags: Vec<String> = Vec::new();
    for tag in text.split(',').map(str::trim).filter(|t| !t.is_empty()) {
        if !tags.iter().any(|t| t == tag) {
            tags.push(tag.to_string());
        }
    }
    tags
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn typed_tags_are_trimmed_deduplicated_and_keep_their_order() {
        assert_eq!(
            tags_from_text(" aerial,survey , ,aerial,night shot,"),
            vec!["aerial", "survey", "night shot"]
        );
        assert!(tags_from_text(" , ").is_empty());
    }

    #[test]
    fn a_label_set_absorbs_what_it_lacks_and_keeps_its_own() {
        let mut mine = LabelSet {
            labels: vec![Label::new("car", "#f00")],
            tags: vec!["day".into()],
            ..LabelSet::default()
        };
        let theirs = LabelSet {
            labels: vec![Label::new("car", "#00f"), Label::new("bus", "#0f0")],
            tags: vec!["night".into(), "day".into()],
            ..LabelSet::default()
        };
        mine.absorb(&theirs);
        let names: Vec<(&str, &str)> = mine
            .labels
            .iter()
            .map(|l| (l.name.as_str(), l.color.as_str()))
            .collect();
        assert_eq!(names, vec![("car", "#f00"), ("bus", "#0f0")]);
        assert_eq!(mine.tags, vec!["day", "night"]);
    }

    #[test]
    fn box_from_corners_normalises() {
        let b = BoxShape::from_corners(Point::new(10.0, 5.0), Point::new(2.0, 8.0));
        assert_eq!((b.x0, b.y0, b.x1, b.y1), (2.0, 5.0, 10.0, 8.0));
        assert_eq!((b.width(), b.height()), (8.0, 3.0));
    }

    #[test]
    fn rotated_box_corners_turn_clockwise_on_screen() {
        let r = RotatedBox {
            cx: 0.0,
            cy: 0.0,
            w: 2.0,
            h: 2.0,
            angle: 90.0,
        };
        let c = r.corners();
        // The box's own top-left (-1,-1) turned 90° clockwise (y down) lands at (1,-1).
        assert!(
            (c[0].x - 1.0).abs() < 1e-12 && (c[0].y + 1.0).abs() < 1e-12,
            "{c:?}"
        );
    }

    #[test]
    fn shape_json_is_tagged() {
        let s = Shape::Box(BoxShape {
            x0: 1.0,
            y0: 2.0,
            x1: 3.0,
            y1: 4.0,
        });
        let j = serde_json::to_string(&s).unwrap();
        assert_eq!(j, r#"{"type":"box","x0":1.0,"y0":2.0,"x1":3.0,"y1":4.0}"#);
        let back: Shape = serde_json::from_str(&j).unwrap();
        assert_eq!(back, s);
    }
}
