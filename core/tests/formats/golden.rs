//! Golden files: every format's export of one small dataset, byte for byte. A change to what we
//! write shows up in review as a diff of `core/tests/formats/golden/`; refresh them with
//! `LASSO_UPDATE_GOLDEN=1 cargo test -p lasso-core --test formats golden`.

use super::robust::valid;
use lasso_core::formats::{export, registry, ExportOptions, FormatName, MaskEncoding, Split};
use std::path::PathBuf;

#[test]
fn exports_match_the_golden_files() {
    let mut ds = valid();
    ds.splits.insert("1".into(), Split::Train);
    ds.splits.insert("2".into(), Split::Valid);
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/formats/golden");
    let update = std::env::var_os("LASSO_UPDATE_GOLDEN").is_some();
    let polygon = ExportOptions {
        masks: MaskEncoding::Polygon,
        ..ExportOptions::default()
    };
    // Every format of the registry under its name, and COCO once more with polygon masks.
    let mut cases: Vec<(String, FormatName, ExportOptions)> = registry::all()
        .map(|f| (f.name().to_string(), f.name(), ExportOptions::default()))
        .collect();
    cases.push(("coco-polygon".into(), FormatName::Coco, polygon));
    let mut stale = Vec::new();
    let mut missing = Vec::new();
    for (dir, format, options) in cases {
        let out = export(format, &ds, &options).unwrap();
        for (path, bytes) in out.files.iter() {
            let golden = root.join(&dir).join(path);
            if update {
                std::fs::create_dir_all(golden.parent().unwrap()).unwrap();
                std::fs::write(&golden, bytes).unwrap();
            } else {
                match std::fs::read(&golden) {
                    Err(_) => missing.push(format!("{dir}/{path}")),
                    Ok(b) if b != bytes => stale.push(format!("{dir}/{path}")),
                    Ok(_) => {}
                }
            }
        }
    }
    assert!(
        missing.is_empty(),
        "no golden file for {missing:?}: write them with LASSO_UPDATE_GOLDEN=1 and review them"
    );
    assert!(
        stale.is_empty(),
        "exports differ from golden files {stale:?}; if intended, refresh with LASSO_UPDATE_GOLDEN=1"
    );
}
