//! Importers never panic: thousands of random and mutated inputs per format, each of which must
//! give a dataset or an error that names a file.

use super::test_support::sample_dataset;
use super::{export, import, registry, DatasetFiles, ExportOptions, FileTree, FormatName};
use proptest::prelude::*;

/// Every format of the registry: a format added there is fuzzed here without a change.
fn formats() -> Vec<FormatName> {
    registry::all().map(|f| f.name()).collect()
}

/// The files of the sample dataset exported in `format`.
fn valid(format: FormatName) -> FileTree {
    export(format, &sample_dataset(), &ExportOptions::default())
        .unwrap()
        .files
}

#[derive(Clone, Debug)]
enum Edit {
    Flip(usize, u8),
    Insert(usize, Vec<u8>),
    Delete(usize, usize),
    Truncate(usize),
}

fn edit() -> impl Strategy<Value = Edit> {
    // Tokens that make structured damage likelier than random bytes do.
    let tokens = prop::sample::select(vec![
        b"-1".to_vec(),
        b"1e308".to_vec(),
        b"NaN".to_vec(),
        b"\"".to_vec(),
        b"[".to_vec(),
        b"{}".to_vec(),
        b"null".to_vec(),
        b"<".to_vec(),
        b"/>".to_vec(),
        b"&amp;".to_vec(),
        b"4294967295".to_vec(),
        b",".to_vec(),
        b";".to_vec(),
    ]);
    prop_oneof![
        (any::<usize>(), any::<u8>()).prop_map(|(i, b)| Edit::Flip(i, b)),
        (any::<usize>(), tokens).prop_map(|(i, t)| Edit::Insert(i, t)),
        (any::<usize>(), 1usize..40).prop_map(|(i, n)| Edit::Delete(i, n)),
        any::<usize>().prop_map(Edit::Truncate),
    ]
}

fn apply(bytes: &mut Vec<u8>, e: &Edit) {
    let len = bytes.len().max(1);
    match e {
        Edit::Flip(i, b) => {
            if let Some(x) = bytes.get_mut(i % len) {
                *x ^= b | 1;
            }
        }
        Edit::Insert(i, t) => {
            let at = i % (bytes.len() + 1);
            bytes.splice(at..at, t.iter().copied());
        }
        Edit::Delete(i, n) => {
            let at = i % len;
            let end = (at + n).min(bytes.len());
            if at < end {
                bytes.drain(at..end);
            }
        }
        Edit::Truncate(i) => bytes.truncate(i % len),
    }
}

fn check(format: FormatName, files: &DatasetFiles) {
    if let Err(e) = import(format, files) {
        assert!(!e.message.is_empty(), "{format}: empty error message");
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 3000, ..ProptestConfig::default() })]

    #[test]
    fn mutated_exports_never_panic(
        which in 0usize..FormatName::ALL.len(),
        file_pick in any::<usize>(),
        edits in prop::collection::vec(edit(), 1..6),
    ) {
        let format = formats()[which];
        let tree = valid(format);
        let paths: Vec<String> = tree.paths().map(str::to_string).collect();
        let target = &paths[file_pick % paths.len()];
        let mut files = DatasetFiles::default();
        for (p, b) in tree.iter() {
            let mut bytes = b.to_vec();
            if p == target {
                for e in &edits {
                    apply(&mut bytes, e);
                }
            }
            files.files.insert(p, bytes);
        }
        check(format, &files);
    }

    #[test]
    fn random_bytes_never_panic(which in 0usize..FormatName::ALL.len(), bytes in prop::collection::vec(any::<u8>(), 0..400)) {
        let format = formats()[which];
        // Where each format looks (a folder as the main file stands for one XML file in it),
        // and the image and label files of the layouts.
        let mut paths: Vec<String> = registry::all()
            .map(|f| match f.main_file() {
                folder if folder.ends_with('/') => format!("{folder}a.xml"),
                file => file.to_string(),
            })
            .collect();
        paths.extend(["labels/a.txt", "images/a.png", "SegmentationClass/a.png", "SegmentationObject/a.png", "instances.csv"].map(String::from));
        for path in &paths {
            let mut files = DatasetFiles::default();
            files.files.insert(path.as_str(), bytes.clone());
            check(format, &files);
        }
    }
}
