//! Fuzzes every importer of the format registry with one harness: the first byte picks the
//! format, the rest is its main file (a folder main file stands for one XML file in it), beside
//! an image and a label file; any input must give a dataset or an error, never a panic. A format
//! added to the registry is fuzzed here without a new target.
#![no_main]

use lasso_core::formats::{registry, DatasetFiles, ImageFile};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Some((&pick, body)) = data.split_first() else {
        return;
    };
    let formats: Vec<_> = registry::all().collect();
    let format = formats[usize::from(pick) % formats.len()];
    let main = match format.main_file() {
        folder if folder.ends_with('/') => format!("{folder}x.xml"),
        file => file.to_string(),
    };
    let mut files = DatasetFiles::default();
    files.files.insert(main, body);
    files.files.insert("labels/x.txt", body);
    files.images.insert(
        "images/x.png".into(),
        ImageFile {
            path: "images/x.png".into(),
            width: 16,
            height: 12,
        },
    );
    let _ = format.import(&files);
});
