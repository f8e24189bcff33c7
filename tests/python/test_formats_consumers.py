"""Our dataset exports, read by the libraries people train with: pycocotools loads our COCO
(RLE masks and polygon masks) and `annToMask` gives exactly the pixels lasso-core computes;
Roboflow's supervision loads our YOLO detect, YOLO segment and Pascal VOC exports with the same
boxes (within a pixel) and class names. The fixtures come from `core/examples/format_fixtures.rs`."""
import json
import os
import subprocess
import tempfile

import numpy as np
import pytest
import supervision as sv
from pycocotools import mask as mask_utils
from pycocotools.coco import COCO

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


@pytest.fixture(scope="module")
def out():
    with tempfile.TemporaryDirectory() as tmp:
        subprocess.run(
            ["cargo", "run", "-q", "-p", "lasso-core", "--example", "format_fixtures", "--", tmp],
            cwd=REPO, check=True,
        )
        with open(os.path.join(tmp, "expected.json")) as f:
            expected = json.load(f)
        yield tmp, expected


def decode(rle):
    return mask_utils.decode({"size": rle["size"], "counts": rle["counts"].encode()})


@pytest.mark.parametrize("variant", ["coco_rle", "coco_polygon", "coco_all_rle"])
def test_pycocotools_masks_equal_ours(out, variant):
    root, expected = out
    coco = COCO(os.path.join(root, variant, "annotations", "instances_default.json"))
    names = {c["id"]: c["name"] for c in coco.loadCats(coco.getCatIds())}
    assert [names[i] for i in sorted(names)] == expected["classes"]
    person = coco.loadCats([i for i in names if names[i] == "person"])[0]
    assert person["skeleton"] == expected["skeleton"]
    checked = {"mask": 0, "keypoints": 0}
    for image in coco.loadImgs(coco.getImgIds()):
        want = expected["images"][image["file_name"]]
        assert (image["width"], image["height"]) == (want["width"], want["height"])
        assert os.path.isfile(os.path.join(root, variant, "images", image["file_name"]))
        anns = {a["id"]: a for a in coco.loadAnns(coco.getAnnIds(imgIds=[image["id"]]))}
        assert sorted(anns) == sorted(e["id"] for e in want["coco"])
        for e in want["coco"]:
            ann = anns[e["id"]]
            assert names[ann["category_id"]] == e["label"]
            if "mask" in e:
                ours = decode(e["mask"])
                theirs = coco.annToMask(ann)
                assert theirs.shape == ours.shape
                assert np.array_equal(theirs, ours), (variant, image["file_name"], e["id"])
                assert ann["area"] == pytest.approx(e["area"]) or ann["segmentation"] and isinstance(ann["segmentation"], list)
                checked["mask"] += 1
            if "keypoints" in e:
                assert ann["keypoints"] == pytest.approx(e["keypoints"])
                assert ann["num_keypoints"] == sum(1 for v in e["keypoints"][2::3] if v > 0)
                checked["keypoints"] += 1
    assert checked["mask"] >= 20 and checked["keypoints"] >= 3, checked


def test_polygons_written_as_rle_are_frpyobjects_byte_for_byte(out):
    """`polygons_as_rle`: each polygon's RLE is what pycocotools makes of its vertices."""
    root, _ = out
    polygons = COCO(os.path.join(root, "coco_polygon", "annotations", "instances_default.json"))
    rles = COCO(os.path.join(root, "coco_all_rle", "annotations", "instances_default.json"))
    checked = 0
    for ann in polygons.loadAnns(polygons.getAnnIds()):
        seg = ann["segmentation"]
        if not isinstance(seg, list) or not seg:
            continue
        image = polygons.loadImgs(ann["image_id"])[0]
        theirs = mask_utils.merge(mask_utils.frPyObjects(seg, image["height"], image["width"]))
        ours = rles.loadAnns([ann["id"]])[0]["segmentation"]
        if isinstance(ours, list):
            # Boxes keep their rectangle (and bbox); everything else became RLE.
            x, y, w, h = ann["bbox"]
            assert seg == [[x, y, x + w, y, x + w, y + h, x, y + h]], (ann["id"], seg)
            continue
        assert ours["counts"] == theirs["counts"].decode(), ann["id"]
        checked += 1
    assert checked >= 10, checked


def boxes_by_image(dataset):
    """{file name: sorted [(class name, x0, y0, x1, y1)]} of a supervision dataset."""
    out = {}
    for path, detections in dataset.annotations.items():
        rows = []
        for xyxy, class_id in zip(detections.xyxy, detections.class_id):
            rows.append((dataset.classes[int(class_id)], *[float(v) for v in xyxy]))
        out[os.path.basename(path)] = sorted(rows)
    return out


def assert_same_boxes(theirs, expected, key):
    assert sorted(theirs) == sorted(expected["images"]), "images differ"
    total = 0
    for name, want in expected["images"].items():
        want = sorted((w["label"], *w["xyxy"]) for w in want[key])
        got = theirs[name]
        assert len(got) == len(want), (name, got, want)
        # Same objects in the same order once sorted by class then left edge (within a pixel).
        for g, w in zip(got, want):
            assert g[0] == w[0], (name, g, w)
            assert np.allclose(g[1:], w[1:], atol=1.0 + 1e-6), (name, g, w)
        total += len(want)
    assert total >= 20


def test_supervision_reads_yolo_detect(out):
    root, expected = out
    ds = sv.DetectionDataset.from_yolo(
        images_directory_path=os.path.join(root, "yolo", "images"),
        annotations_directory_path=os.path.join(root, "yolo", "labels"),
        data_yaml_path=os.path.join(root, "yolo", "data.yaml"),
    )
    assert list(ds.classes) == expected["classes"]
    assert_same_boxes(boxes_by_image(ds), expected, "detect")


def test_supervision_reads_yolo_segment_with_masks(out):
    root, expected = out
    ds = sv.DetectionDataset.from_yolo(
        images_directory_path=os.path.join(root, "yolo_seg", "images"),
        annotations_directory_path=os.path.join(root, "yolo_seg", "labels"),
        data_yaml_path=os.path.join(root, "yolo_seg", "data.yaml"),
        force_masks=True,
    )
    assert list(ds.classes) == expected["classes"]
    for path, detections in ds.annotations.items():
        assert detections.mask is not None and len(detections.mask) == len(detections)
    assert_same_boxes(boxes_by_image(ds), expected, "segment")


def test_supervision_reads_voc(out):
    root, expected = out
    ds = sv.DetectionDataset.from_pascal_voc(
        images_directory_path=os.path.join(root, "voc", "JPEGImages"),
        annotations_directory_path=os.path.join(root, "voc", "Annotations"),
    )
    assert set(ds.classes) <= set(expected["classes"])
    assert_same_boxes(boxes_by_image(ds), expected, "detect")


def test_cli_converts_our_coco_to_yolo_that_supervision_reads(out):
    """The `lasso` CLI end to end: COCO (RLE masks) → YOLO detect, images copied, boxes kept."""
    root, expected = out
    target = os.path.join(root, "cli_yolo")
    subprocess.run(
        ["cargo", "run", "-q", "-p", "lasso-cli", "--", "convert", "--from", "coco", "--to", "yolo",
         os.path.join(root, "coco_rle"), target],
        cwd=REPO, check=True,
    )
    ds = sv.DetectionDataset.from_yolo(
        images_directory_path=os.path.join(target, "images"),
        annotations_directory_path=os.path.join(target, "labels"),
        data_yaml_path=os.path.join(target, "data.yaml"),
    )
    assert list(ds.classes) == expected["classes"]
    assert_same_boxes(boxes_by_image(ds), expected, "detect")
