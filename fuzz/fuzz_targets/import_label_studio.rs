//! Fuzzes the Label Studio importer: any bytes as `label_studio.json` must give a dataset or an error, never a panic.
#![no_main]

use lasso_core::formats::{import, DatasetFiles, FormatName, ImageFile};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let mut files = DatasetFiles::default();
    files.files.insert("label_studio.json", data);
    files.images.insert(
        "images/x.png".into(),
        ImageFile {
            path: "images/x.png".into(),
            width: 16,
            height: 12,
        },
    );
    let _ = import(FormatName::LabelStudio, &files);
});
