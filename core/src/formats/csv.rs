//! The Roboflow CSV: `filename,width,height,class,xmin,ymin,xmax,ymax`, one row per box.
//!
//! Layout: `_annotations.csv` beside the images, or with splits one `<train|valid|test>/`
//! folder each holding its images and `_annotations.csv`. Coordinates are pixels in our
//! continuous convention (`xmax` is the right edge), written as exact decimal numbers. Non-box
//! shapes are written as their bounds; polylines and keypoints are not written. An image
//! without boxes has no row; reading finds it as an image file beside the CSV with no objects.
//! Columns are found by their header names, in any order; errors name the line.

use super::common::{self, join, ImageIndex};
use super::{Dataset, DatasetFiles, Export, FileTree, FormatError, Split};
use crate::model::{Annotation, BoxShape, ImageRef, Shape, Task};
use std::collections::HashMap;

/// The file name of the annotations in each folder.
pub const FILE: &str = "_annotations.csv";

/// The header, in the order written.
pub const COLUMNS: [&str; 8] = [
    "filename", "width", "height", "class", "xmin", "ymin", "xmax", "ymax",
];

/// Roboflow's folder of a split (`train`, `valid`, `test`; the root without splits).
pub(crate) fn folder(split: Option<Split>) -> &'static str {
    match split {
        None => "",
        Some(Split::Train) => "train",
        Some(Split::Valid) => "valid",
        Some(Split::Test) => "test",
    }
}

/// A CSV table as read: its header (names trimmed) and each record with its place (`line N`);
/// a malformed header or record is an error naming the file and line.
pub(crate) type Table = (Vec<String>, Vec<(String, ::csv::StringRecord)>);

/// Reads the CSV file `path` holding `text` (every record as wide as the header).
pub(crate) fn read_table(path: &str, text: &str) -> Result<Table, FormatError> {
    let mut reader = ::csv::ReaderBuilder::new()
        .flexible(false)
        .from_reader(text.as_bytes());
    let header = reader
        .headers()
        .map_err(|e| FormatError::at(path, "line 1", e.to_string()))?
        .iter()
        .map(|h| h.trim().to_string())
        .collect();
    let mut records = Vec::new();
    for record in reader.records() {
        let record = record.map_err(|e| {
            let line = e.position().map_or(0, |p| p.line());
            FormatError::at(path, format!("line {line}"), e.to_string())
        })?;
        let place = format!("line {}", record.position().map_or(0, |p| p.line()));
        records.push((place, record));
    }
    Ok((header, records))
}

/// One CSV table per split folder, each started with the same header: how Roboflow's CSV
/// layouts (`_annotations.csv`, `_classes.csv`) are written.
pub(crate) struct SplitTables<'a> {
    file: &'static str,
    header: Vec<String>,
    writers: std::collections::BTreeMap<&'a str, ::csv::Writer<Vec<u8>>>,
}

impl<'a> SplitTables<'a> {
    /// Tables named `file` with `header`.
    pub(crate) fn new(file: &'static str, header: Vec<String>) -> Self {
        Self {
            file,
            header,
            writers: Default::default(),
        }
    }

    /// Adds a row to the table of folder `dir`.
    pub(crate) fn row(&mut self, dir: &'a str, record: &[String]) -> Result<(), FormatError> {
        let file = self.file;
        let to_err = |e: ::csv::Error| FormatError::file(file, e.to_string());
        let w = match self.writers.entry(dir) {
            std::collections::btree_map::Entry::Occupied(o) => o.into_mut(),
            std::collections::btree_map::Entry::Vacant(v) => {
                let mut w = ::csv::Writer::from_writer(Vec::new());
                w.write_record(&self.header).map_err(to_err)?;
                v.insert(w)
            }
        };
        w.write_record(record).map_err(to_err)
    }

    /// Makes sure folder `dir` has its table, even without rows.
    pub(crate) fn touch(&mut self, dir: &'a str) -> Result<(), FormatError> {
        if !self.writers.contains_key(dir) {
            let mut w = ::csv::Writer::from_writer(Vec::new());
            w.write_record(&self.header)
                .map_err(|e| FormatError::file(self.file, e.to_string()))?;
            self.writers.insert(dir, w);
        }
        Ok(())
    }

    /// The tables as files.
    pub(crate) fn finish(self) -> Result<FileTree, FormatError> {
        let mut files = FileTree::new();
        for (dir, w) in self.writers {
            let bytes = w
                .into_inner()
                .map_err(|e| FormatError::file(self.file, e.to_string()))?;
            files.insert(join(dir, self.file), bytes);
        }
        Ok(files)
    }
}

/// Writes one `_annotations.csv` per split folder (or one at the root).
pub fn export(dataset: &Dataset) -> Result<Export, FormatError> {
    let mut tables = SplitTables::new(FILE, COLUMNS.iter().map(|c| c.to_string()).collect());
    let mut images = Vec::new();
    for t in &dataset.tasks {
        let dir = folder(dataset.splits.get(&t.id).copied());
        let name = common::normalise(if t.image.name.is_empty() {
            common::base_name(&t.image.src)
        } else {
            &t.image.name
        });
        images.push((t.id.clone(), join(dir, &name)));
        tables.touch(dir)?;
        for a in &t.annotations {
            let Some(b) = common::box_bounds(&a.shape) else {
                continue;
            };
            if !b.iter().all(|v| v.is_finite()) {
                return Err(FormatError::dataset(format!(
                    "annotation {} of {}: a coordinate is not a finite number",
                    a.id, t.id
                )));
            }
            let record = [
                name.clone(),
                t.image.width.to_string(),
                t.image.height.to_string(),
                a.label.clone(),
                b[0].to_string(),
                b[1].to_string(),
                b[2].to_string(),
                b[3].to_string(),
            ];
            tables.row(dir, &record)?;
        }
    }
    Ok(Export {
        files: tables.finish()?,
        images,
    })
}

/// Reads every `*.csv` of the folder; all or nothing.
pub fn import(files: &DatasetFiles) -> Result<Dataset, FormatError> {
    let paths: Vec<&str> = files
        .files
        .paths()
        .filter(|p| p.ends_with(".csv"))
        .collect();
    if paths.is_empty() {
        return Err(FormatError::dataset(format!("no CSV file ({FILE}) found")));
    }
    let index = ImageIndex::new(files);
    let mut ds = Dataset::default();
    let mut labels: HashMap<String, usize> = HashMap::new();
    for path in paths {
        let dir = common::parent(path);
        let split = common::split_of_name(dir);
        let text = files.files.text(path)?;
        let (header, records) = read_table(path, text)?;
        let mut column = [0usize; 8];
        for (k, name) in COLUMNS.iter().enumerate() {
            column[k] = header
                .iter()
                .position(|h| h.eq_ignore_ascii_case(name))
                .ok_or_else(|| {
                    FormatError::at(
                        path,
                        "line 1",
                        format!("no `{name}` column; expected {}", COLUMNS.join(",")),
                    )
                })?;
        }
        let mut task_of: HashMap<String, usize> = HashMap::new();
        for (place, record) in records {
            let field = |k: usize| record.get(column[k]).unwrap_or("").trim();
            let num = |k: usize| -> Result<f64, FormatError> {
                let v: f64 = field(k).parse().map_err(|_| {
                    FormatError::at(
                        path,
                        &place,
                        format!("{}: {:?} is not a number", COLUMNS[k], field(k)),
                    )
                })?;
                common::finite(v, path, &place)
            };
            let dim = |k: usize| -> Result<u32, FormatError> {
                field(k).parse::<u32>().map_err(|_| {
                    FormatError::at(
                        path,
                        &place,
                        format!("{}: {:?} is not a size in pixels", COLUMNS[k], field(k)),
                    )
                })
            };
            let name = common::normalise(field(0));
            if name.is_empty() {
                return Err(FormatError::at(path, &place, "empty filename"));
            }
            let (width, height) = (dim(1)?, dim(2)?);
            let class = field(3).to_string();
            if class.is_empty() {
                return Err(FormatError::at(path, &place, "empty class"));
            }
            let [x0, y0, x1, y1] = [num(4)?, num(5)?, num(6)?, num(7)?];
            if x1 < x0 || y1 < y0 {
                return Err(FormatError::at(
                    path,
                    &place,
                    format!("xmax/ymax ({x1}, {y1}) lie before xmin/ymin ({x0}, {y0})"),
                ));
            }
            let ti = match task_of.get(&name) {
                Some(&ti) => {
                    let im = &ds.tasks[ti].image;
                    if (im.width, im.height) != (width, height) {
                        return Err(FormatError::at(
                            path,
                            &place,
                            format!(
                                "{name} is {width}×{height} here but {}×{} on an earlier line",
                                im.width, im.height
                            ),
                        ));
                    }
                    ti
                }
                None => {
                    let found = index.find(&[join(dir, &name), name.clone()], &name);
                    let id = join(dir, &name);
                    if let Some(s) = split {
                        ds.splits.insert(id.clone(), s);
                    }
                    ds.tasks.push(Task {
                        id,
                        image: ImageRef {
                            src: found.map_or_else(|| join(dir, &name), |f| f.path.clone()),
                            name: name.clone(),
                            width,
                            height,
                            ..Default::default()
                        },
                        ..Default::default()
                    });
                    task_of.insert(name.clone(), ds.tasks.len() - 1);
                    ds.tasks.len() - 1
                }
            };
            if !labels.contains_key(&class) {
                let n = ds.labels.labels.len();
                ds.labels.labels.push(common::new_label(&class, n));
                labels.insert(class.clone(), n);
            }
            let task = &mut ds.tasks[ti];
            let id = (task.annotations.len() + 1).to_string();
            task.annotations.push(Annotation::new(
                id,
                class,
                Shape::Box(BoxShape { x0, y0, x1, y1 }),
            ));
        }
        // Images beside the CSV without rows: no objects.
        for (p, image) in &files.images {
            if common::parent(p) == dir {
                let name = common::base_name(p).to_string();
                if !task_of.contains_key(&name) {
                    let id = join(dir, &name);
                    if let Some(s) = split {
                        ds.splits.insert(id.clone(), s);
                    }
                    task_of.insert(name.clone(), ds.tasks.len());
                    ds.tasks.push(Task {
                        id,
                        image: ImageRef {
                            src: p.clone(),
                            name,
                            width: image.width,
                            height: image.height,
                            ..Default::default()
                        },
                        ..Default::default()
                    });
                }
            }
        }
    }
    Ok(ds)
}
