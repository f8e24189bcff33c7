//! Fuzzes the YOLO importers: the first byte picks the task (detect, segment, OBB, pose), the
//! rest is split at the first NUL into `data.yaml` and a label file; never a panic.
#![no_main]

use lasso_core::formats::{import, DatasetFiles, FormatName, ImageFile};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Some((&which, rest)) = data.split_first() else {
        return;
    };
    let format = [
        FormatName::Yolo,
        FormatName::YoloSeg,
        FormatName::YoloObb,
        FormatName::YoloPose,
    ][usize::from(which) % 4];
    let (yaml, labels) = match rest.iter().position(|&b| b == 0) {
        Some(i) => (&rest[..i], &rest[i + 1..]),
        None => (rest, &b""[..]),
    };
    let mut files = DatasetFiles::default();
    files.files.insert("data.yaml", yaml);
    files.files.insert("labels/x.txt", labels);
    files.images.insert(
        "images/x.png".into(),
        ImageFile {
            path: "images/x.png".into(),
            width: 16,
            height: 12,
        },
    );
    let _ = import(format, &files);
});
