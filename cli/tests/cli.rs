//! The `lasso` binary on real folders: convert, stats, check, errors and exit codes.

#[path = "support/png.rs"]
mod png;

use std::path::Path;
use std::process::{Command, Output};

fn lasso(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_lasso"))
        .args(args)
        .output()
        .expect("run lasso")
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

fn write(root: &Path, rel: &str, bytes: &[u8]) {
    let path = root.join(rel);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, bytes).unwrap();
}

/// A COCO folder: two images (one in a subfolder), a box, a polygon and a near-duplicate box.
fn coco_folder(root: &Path, extra_annotation: &str) {
    write(root, "images/a.png", &png::png(40, 20, |x, _| x as u8));
    write(root, "images/sub/b.png", &png::png(10, 30, |_, y| y as u8));
    let json = format!(
        r#"{{"images": [{{"id": 1, "file_name": "a.png", "width": 40, "height": 20}},
                      {{"id": 2, "file_name": "sub/b.png", "width": 10, "height": 30}}],
           "categories": [{{"id": 1, "name": "cat"}}, {{"id": 2, "name": "dog"}}],
           "annotations": [
             {{"id": 1, "image_id": 1, "category_id": 1, "bbox": [4, 2, 10, 8], "segmentation": [], "area": 80, "iscrowd": 0}},
             {{"id": 2, "image_id": 2, "category_id": 2, "bbox": [1, 1, 5, 10], "segmentation": [[1, 1, 6, 1, 3, 11]], "area": 20, "iscrowd": 0}}
             {extra_annotation}
           ]}}"#
    );
    write(root, "annotations/instances_default.json", json.as_bytes());
}

#[test]
fn convert_coco_to_yolo_writes_labels_yaml_and_copies_images() {
    let dir = tempfile::tempdir().unwrap();
    let (input, output) = (dir.path().join("in"), dir.path().join("out"));
    coco_folder(&input, "");
    let out = lasso(&[
        "convert",
        "--from",
        "coco",
        "--to",
        "yolo",
        input.to_str().unwrap(),
        output.to_str().unwrap(),
    ]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let label = std::fs::read_to_string(output.join("labels/a.txt")).unwrap();
    assert_eq!(label, "0 0.225000 0.300000 0.250000 0.400000\n");
    let label = std::fs::read_to_string(output.join("labels/sub/b.txt")).unwrap();
    assert_eq!(label, "1 0.350000 0.200000 0.500000 0.333333\n");
    let yaml = std::fs::read_to_string(output.join("data.yaml")).unwrap();
    assert!(yaml.contains("names:\n  0: cat\n  1: dog\n"), "{yaml}");
    assert_eq!(
        std::fs::read(output.join("images/sub/b.png")).unwrap(),
        std::fs::read(input.join("images/sub/b.png")).unwrap()
    );
    // And back: YOLO reads image sizes from the copied PNGs.
    let again = dir.path().join("again");
    let out = lasso(&[
        "convert",
        "--from",
        "yolo",
        "--to",
        "coco",
        output.to_str().unwrap(),
        again.to_str().unwrap(),
    ]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let coco: serde_json::Value = serde_json::from_slice(
        &std::fs::read(again.join("annotations/instances_default.json")).unwrap(),
    )
    .unwrap();
    assert_eq!(coco["images"].as_array().unwrap().len(), 2);
    assert_eq!(
        coco["annotations"][0]["bbox"],
        serde_json::json!([4.0, 2.0, 10.0, 8.0])
    );
}

#[test]
fn split_is_seeded_and_writes_split_folders() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("in");
    coco_folder(&input, "");
    let run = |name: &str, ratios: &str| {
        let output = dir.path().join(name);
        let out = lasso(&[
            "convert",
            "--from",
            "coco",
            "--to",
            "yolo-seg",
            "--split",
            ratios,
            "--seed",
            "3",
            input.to_str().unwrap(),
            output.to_str().unwrap(),
        ]);
        assert!(out.status.success(), "{}", text(&out.stderr));
        output
    };
    let o = run("o1", "0,1,0");
    assert!(o.join("labels/val/a.txt").is_file() && o.join("labels/val/sub/b.txt").is_file());
    assert!(o.join("images/val/sub/b.png").is_file());
    let yaml = std::fs::read_to_string(o.join("data.yaml")).unwrap();
    assert!(
        yaml.contains("train: images/val\nval: images/val\n"),
        "{yaml}"
    );
    let listing = |o: &Path| -> Vec<bool> {
        ["train", "val", "test"]
            .iter()
            .flat_map(|s| {
                [
                    o.join("labels").join(s).join("a.txt").is_file(),
                    o.join("labels").join(s).join("sub/b.txt").is_file(),
                ]
            })
            .collect()
    };
    let first = listing(&run("o2", "0.5,0.5,0"));
    assert_eq!(first.iter().filter(|&&x| x).count(), 2);
    assert_eq!(listing(&run("o3", "0.5,0.5,0")), first);
    let out = lasso(&[
        "convert", "--from", "coco", "--to", "yolo", "--split", "0.5,x", "a", "b",
    ]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        text(&out.stderr).contains("three ratios"),
        "{}",
        text(&out.stderr)
    );
}

#[test]
fn stats_counts_classes_and_sizes() {
    let dir = tempfile::tempdir().unwrap();
    coco_folder(dir.path(), "");
    let out = lasso(&["stats", "-f", "coco", dir.path().to_str().unwrap()]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let s = text(&out.stdout);
    assert!(s.contains("images   2\nobjects  2\n"), "{s}");
    assert!(
        s.contains("cat                            1        1"),
        "{s}"
    );
    assert!(s.contains("box width (px)      min 5.0"), "{s}");
    assert!(s.contains("needs more examples"), "{s}");
    let out = lasso(&[
        "stats",
        "-f",
        "coco",
        dir.path().to_str().unwrap(),
        "--json",
    ]);
    let h: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(h["classes"]["cat"]["images"], 1);
    assert_eq!(h["classes"]["dog"]["needs_more"], true);
    assert_eq!(h["image_sizes"]["40×20"], 1);
    assert_eq!(h["empty_images"], 0);
}

#[test]
fn stats_reads_the_pixels_for_unreadable_blank_and_duplicate_images() {
    let dir = tempfile::tempdir().unwrap();
    let a = png::png(64, 48, |x, y| ((x * 5 + y * 3) % 256) as u8);
    write(dir.path(), "cat/a.png", &a);
    write(dir.path(), "cat/a-again.png", &a);
    write(
        dir.path(),
        "dog/b.png",
        &png::png(64, 48, |x, y| ((x * y) % 256) as u8),
    );
    write(dir.path(), "dog/flat.png", &png::png(64, 48, |_, _| 77));
    // The header is whole (its size reads), the pixels are cut off.
    write(dir.path(), "dog/cut.png", &a[..a.len() / 2]);
    let root = dir.path().to_str().unwrap();
    let out = lasso(&["stats", "-f", "folders", root, "--json"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let h: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let pixels = &h["pixels"];
    assert_eq!(
        pixels["duplicates"],
        serde_json::json!([["cat/a-again.png", "cat/a.png"]])
    );
    assert_eq!(pixels["blank"], serde_json::json!(["dog/flat.png"]));
    assert_eq!(pixels["unreadable"][0][0], "dog/cut.png");
    let out = lasso(&["stats", "-f", "folders", root]);
    let s = text(&out.stdout);
    assert!(
        s.contains("duplicate groups    1") && s.contains("cat/a-again.png  cat/a.png"),
        "{s}"
    );
    assert!(
        s.contains("unreadable images   1\n  dog/cut.png: cannot decode"),
        "{s}"
    );
    assert_eq!(pixels["across_splits"], serde_json::json!([]));
    // The same picture in training and in validation is called out.
    std::fs::create_dir_all(dir.path().join("train/cat")).unwrap();
    std::fs::create_dir_all(dir.path().join("val/cat")).unwrap();
    write(dir.path(), "train/cat/x.png", &a);
    write(dir.path(), "val/cat/x.png", &a);
    let out = lasso(&["stats", "-f", "folders", root, "--json"]);
    let h: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let group = serde_json::json!([[
        "cat/a-again.png",
        "cat/a.png",
        "train/cat/x.png",
        "val/cat/x.png"
    ]]);
    assert_eq!(h["pixels"]["duplicates"], group);
    assert_eq!(h["pixels"]["across_splits"], group);
    let s = text(&lasso(&["stats", "-f", "folders", root]).stdout);
    assert!(s.contains("val/cat/x.png  ← in more than one split"), "{s}");
    let out = lasso(&["stats", "-f", "folders", root, "--json", "--no-pixels"]);
    let h: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert!(h.get("pixels").is_none());
}

#[test]
fn check_finds_problems_and_exits_1() {
    let dir = tempfile::tempdir().unwrap();
    coco_folder(dir.path(), "");
    let out = lasso(&["check", "-f", "coco", dir.path().to_str().unwrap()]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}{}",
        text(&out.stdout),
        text(&out.stderr)
    );
    let bad = dir.path().join("bad");
    coco_folder(
        &bad,
        r#", {"id": 3, "image_id": 1, "category_id": 1, "bbox": [4, 2, 10, 8.1]},
           {"id": 4, "image_id": 1, "category_id": 2, "bbox": [35, 2, 10, 8]},
           {"id": 5, "image_id": 1, "category_id": 2, "bbox": [3, 3, 0, 8]},
           {"id": 6, "image_id": 2, "category_id": 2, "segmentation": [[1, 1, 8, 8, 8, 1, 1, 8]]},
           {"id": 7, "image_id": 2, "category_id": 2, "segmentation": {"size": [30, 10], "counts": [0, 300]}}"#,
    );
    let out = lasso(&["check", "-f", "coco", bad.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
    let s = text(&out.stdout);
    assert!(
        s.contains("images/a.png: annotation 1: near duplicate of annotation 3"),
        "{s}"
    );
    assert!(s.contains("annotation 4: outside the 40×20 image"), "{s}");
    assert!(s.contains("annotation 5: the shape has no extent"), "{s}");
    assert!(
        s.contains("images/sub/b.png: annotation 6: invalid outline"),
        "{s}"
    );
}

#[test]
fn errors_name_file_and_place_and_exit_2() {
    let dir = tempfile::tempdir().unwrap();
    coco_folder(
        dir.path(),
        r#", {"id": 9, "image_id": 7, "category_id": 1, "bbox": [0, 0, 1, 1]}"#,
    );
    let out = lasso(&[
        "convert",
        "--from",
        "coco",
        "--to",
        "voc",
        dir.path().to_str().unwrap(),
        dir.path().join("o").to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(
        text(&out.stderr).trim(),
        "lasso: annotations/instances_default.json: $.annotations[2].image_id: image id 7 is not in `images`"
    );
    assert!(
        !dir.path().join("o").exists(),
        "nothing is written when reading fails"
    );
    let out = lasso(&["convert", "--from", "coco", "--to", "nope", "a", "b"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        text(&out.stderr).contains("known formats"),
        "{}",
        text(&out.stderr)
    );
}

#[test]
fn two_images_bound_for_one_path_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "images/a.png", &png::png(4, 4, |_, _| 0));
    let json = r#"{"images": [{"id": 1, "file_name": "a.png", "width": 4, "height": 4},
                              {"id": 2, "file_name": "./a.png", "width": 4, "height": 4}],
                   "categories": [], "annotations": []}"#;
    write(
        dir.path(),
        "annotations/instances_default.json",
        json.as_bytes(),
    );
    let out = lasso(&[
        "convert",
        "--from",
        "coco",
        "--to",
        "yolo",
        dir.path().to_str().unwrap(),
        dir.path().join("o").to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        text(&out.stderr).contains("tasks 1 and 2 would both be written to images/a.png"),
        "{}",
        text(&out.stderr)
    );
}

#[test]
fn help_lists_every_format_of_the_registry() {
    let out = lasso(&["--help"]);
    assert!(out.status.success());
    let help = text(&out.stdout);
    for f in lasso_core::formats::registry::all() {
        let line = help
            .lines()
            .find(|l| {
                l.trim_start()
                    .starts_with(&format!("{} ", f.name().as_str()))
            })
            .unwrap_or_else(|| panic!("{} is not listed in:\n{help}", f.name()));
        assert!(line.contains(f.describe()), "{line}");
    }
}

#[test]
fn agree_scores_every_pair_per_class_and_as_json() {
    let dir = tempfile::tempdir().unwrap();
    let (ann, ben) = (dir.path().join("ann"), dir.path().join("ben"));
    coco_folder(&ann, "");
    // ben: the same shapes and one more cat.
    coco_folder(
        &ben,
        r#", {"id": 3, "image_id": 1, "category_id": 1, "bbox": [20, 10, 5, 5], "segmentation": [], "area": 25, "iscrowd": 0}"#,
    );
    let out = lasso(&[
        "agree",
        "-f",
        "coco",
        ann.to_str().unwrap(),
        ben.to_str().unwrap(),
        "--json",
    ]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let pair = &report["pairs"][0];
    assert_eq!(
        (pair["first"].as_str(), pair["second"].as_str()),
        (Some("ann"), Some("ben"))
    );
    assert_eq!(pair["images"], 2);
    assert_eq!(pair["overall"]["first"], 2);
    assert_eq!(pair["overall"]["second"], 3);
    assert_eq!(pair["overall"]["matched"], 2);
    assert_eq!(pair["classes"]["cat"]["second"], 2);
    assert_eq!(pair["classes"]["cat"]["precision"], 0.5);
    // The table for people names the pair and every class.
    let out = lasso(&[
        "agree",
        "-f",
        "coco",
        ann.to_str().unwrap(),
        ben.to_str().unwrap(),
    ]);
    let table = text(&out.stdout);
    assert!(
        table.contains("ann (reference) vs ben: 2 images in common"),
        "{table}"
    );
    assert!(
        table.contains("cat") && table.contains("dog") && table.contains("(all)"),
        "{table}"
    );
    // Mismatched formats are refused by count.
    let out = lasso(&[
        "agree",
        "-f",
        "coco",
        "-f",
        "yolo",
        "-f",
        "voc",
        ann.to_str().unwrap(),
        ben.to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        text(&out.stderr).contains("one per folder"),
        "{}",
        text(&out.stderr)
    );
}

#[test]
fn consensus_keeps_what_most_drew_and_lists_the_rest() {
    let dir = tempfile::tempdir().unwrap();
    let (ann, ben, cy) = (
        dir.path().join("ann"),
        dir.path().join("ben"),
        dir.path().join("cy"),
    );
    coco_folder(&ann, "");
    coco_folder(
        &ben,
        r#", {"id": 3, "image_id": 1, "category_id": 1, "bbox": [20, 10, 5, 5], "segmentation": [], "area": 25, "iscrowd": 0}"#,
    );
    // cy drew the first box 2 px to the right and missed the dog.
    write(&cy, "images/a.png", &png::png(40, 20, |x, _| x as u8));
    write(&cy, "images/sub/b.png", &png::png(10, 30, |_, y| y as u8));
    write(
        &cy,
        "annotations/instances_default.json",
        br#"{"images": [{"id": 1, "file_name": "a.png", "width": 40, "height": 20},
                        {"id": 2, "file_name": "sub/b.png", "width": 10, "height": 30}],
             "categories": [{"id": 1, "name": "cat"}, {"id": 2, "name": "dog"}],
             "annotations": [
               {"id": 1, "image_id": 1, "category_id": 1, "bbox": [6, 2, 10, 8], "segmentation": [], "area": 80, "iscrowd": 0}
             ]}"#,
    );
    let out_dir = dir.path().join("merged");
    let disputes = dir.path().join("disputes.json");
    let out = lasso(&[
        "consensus",
        "-f",
        "coco",
        cy.to_str().unwrap(),
        ann.to_str().unwrap(),
        ben.to_str().unwrap(),
        "-o",
        out_dir.to_str().unwrap(),
        "--disputes",
        disputes.to_str().unwrap(),
    ]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(
        text(&out.stderr).contains("at least 2 agreeing"),
        "{}",
        text(&out.stderr)
    );
    let coco: serde_json::Value = serde_json::from_slice(
        &std::fs::read(out_dir.join("annotations/instances_default.json")).unwrap(),
    )
    .unwrap();
    let anns = coco["annotations"].as_array().unwrap();
    assert_eq!(anns.len(), 2, "{anns:?}");
    // x of the cat box: the median of 4, 4 and 6.
    let cat = anns.iter().find(|a| a["image_id"] == 1).unwrap();
    assert_eq!(cat["bbox"], serde_json::json!([4.0, 2.0, 10.0, 8.0]));
    assert!(out_dir.join("images/sub/b.png").is_file(), "images copied");
    let listed: serde_json::Value =
        serde_json::from_slice(&std::fs::read(&disputes).unwrap()).unwrap();
    assert_eq!(listed.as_array().unwrap().len(), 1, "{listed}");
    assert_eq!(listed[0]["image"], "a.png");
    assert_eq!(listed[0]["shapes"][0]["by"], serde_json::json!(["ben"]));
    // Asking more agreement than there are annotators is refused by name.
    let out = lasso(&[
        "consensus",
        "-f",
        "coco",
        ann.to_str().unwrap(),
        ben.to_str().unwrap(),
        "-o",
        out_dir.to_str().unwrap(),
        "--min",
        "3",
    ]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        text(&out.stderr).contains("--min 3"),
        "{}",
        text(&out.stderr)
    );
}

#[test]
fn agree_reports_coco_ap_of_each_pair() {
    let dir = tempfile::tempdir().unwrap();
    let (ann, ben) = (dir.path().join("ann"), dir.path().join("ben"));
    coco_folder(&ann, "");
    coco_folder(&ben, "");
    let out = lasso(&[
        "agree",
        "-f",
        "coco",
        ann.to_str().unwrap(),
        ben.to_str().unwrap(),
        "--json",
    ]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let pair = &report["pairs"][0];
    // COCOeval's precision is tp / (tp + fp + ε): a perfect score is 1 within that ε.
    let near_one = |v: &serde_json::Value| (v.as_f64().unwrap() - 1.0).abs() < 1e-12;
    for kind in ["bbox", "segm"] {
        assert!(near_one(&pair[kind]["overall"]["ap"]), "{kind}: {pair}");
        assert!(near_one(&pair[kind]["classes"]["dog"]["ap50"]), "{kind}");
    }
}

#[test]
fn coco_polygons_can_be_written_as_rle() {
    let dir = tempfile::tempdir().unwrap();
    let (input, output) = (dir.path().join("in"), dir.path().join("out"));
    coco_folder(&input, "");
    let out = lasso(&[
        "convert",
        "--from",
        "coco",
        "--to",
        "coco",
        "--polygons",
        "rle",
        input.to_str().unwrap(),
        output.to_str().unwrap(),
    ]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let coco: serde_json::Value = serde_json::from_slice(
        &std::fs::read(output.join("annotations/instances_default.json")).unwrap(),
    )
    .unwrap();
    let triangle = coco["annotations"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["image_id"] == 2)
        .unwrap();
    // pycocotools 2.0.10: frPyObjects([[1, 1, 6, 1, 3, 11]], 30, 10) gives these counts.
    assert_eq!(triangle["segmentation"]["counts"], "o02l05K1OM3Mj3");
    assert_eq!(
        triangle["segmentation"]["size"],
        serde_json::json!([30, 10])
    );
    // The box keeps its rectangle.
    let boxed = coco["annotations"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["image_id"] == 1)
        .unwrap();
    assert!(boxed["segmentation"].is_array());
}

#[test]
fn convert_renames_drops_classes_and_empty_images() {
    let dir = tempfile::tempdir().unwrap();
    let (input, output) = (dir.path().join("in"), dir.path().join("out"));
    coco_folder(&input, "");
    let args = |extra: &[&str]| {
        let mut a = vec!["convert", "--from", "coco", "--to", "coco"];
        a.extend_from_slice(extra);
        a.push(input.to_str().unwrap());
        a.push(output.to_str().unwrap());
        a.into_iter().map(str::to_owned).collect::<Vec<_>>()
    };
    let run = |extra: &[&str]| {
        let a = args(extra);
        lasso(&a.iter().map(String::as_str).collect::<Vec<_>>())
    };
    let out = run(&["--map", "cat=animal", "--map", "dog=", "--drop-empty"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(
        text(&out.stderr).contains("1 objects renamed, 1 dropped"),
        "{}",
        text(&out.stderr)
    );
    assert!(text(&out.stderr).contains("1 images without objects left out"));
    let coco: serde_json::Value = serde_json::from_slice(
        &std::fs::read(output.join("annotations/instances_default.json")).unwrap(),
    )
    .unwrap();
    let names: Vec<&str> = coco["categories"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, vec!["animal"]);
    assert_eq!(coco["images"].as_array().unwrap().len(), 1);
    // A class that is not there is named, and nothing is written.
    let elsewhere = dir.path().join("none");
    let mut a = args(&["--map", "kat=animal"]);
    *a.last_mut().unwrap() = elsewhere.to_str().unwrap().to_owned();
    let out = lasso(&a.iter().map(String::as_str).collect::<Vec<_>>());
    assert_eq!(out.status.code(), Some(2));
    assert!(
        text(&out.stderr).contains("\"kat\""),
        "{}",
        text(&out.stderr)
    );
    assert!(!elsewhere.exists());
}
