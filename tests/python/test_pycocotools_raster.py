"""lasso-core's COCO RLE against pycocotools itself (and its Label Studio brush RLE against
label-studio-converter): identical compressed counts, area, bbox,
IoU (with iscrowd) and merges on a few hundred generated polygons and masks, nasty cases
included (pixel centres and edges, collinear runs, spikes, self-intersections, polygons larger
than the image, negative and sub-pixel coordinates)."""
import json
import os
import subprocess
import tempfile

import numpy as np
import pytest
from pycocotools import mask as mask_utils

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


@pytest.fixture(scope="module")
def fixtures():
    with tempfile.TemporaryDirectory() as tmp:
        out = os.path.join(tmp, "raster.json")
        subprocess.run(
            ["cargo", "run", "-q", "-p", "lasso-core", "--example", "raster_fixtures", "--", out],
            cwd=REPO, check=True,
        )
        with open(out) as f:
            return json.load(f)


def rle(counts, h, w):
    return {"size": [h, w], "counts": counts.encode()}


def test_enough_cases(fixtures):
    assert len(fixtures["polygons"]) >= 300
    assert len(fixtures["masks"]) >= 50
    assert len(fixtures["groups"]) >= 20


def test_polygons_rasterise_identically(fixtures):
    mismatches = []
    for case in fixtures["polygons"]:
        h, w = case["h"], case["w"]
        theirs = mask_utils.frPyObjects([case["xy"]], h, w)[0]
        if theirs["counts"].decode() != case["counts"]:
            mismatches.append((case["xy"], h, w, theirs["counts"], case["counts"]))
            continue
        assert int(mask_utils.area(theirs)) == case["area"]
        assert list(mask_utils.toBbox(theirs)) == case["bbox"]
    assert not mismatches, f"{len(mismatches)} polygons differ, first: {mismatches[0]}"


def test_dense_masks_encode_identically(fixtures):
    for case in fixtures["masks"]:
        h, w = case["h"], case["w"]
        bits = np.array([int(c) for c in case["bits"]], dtype=np.uint8)
        # Our bits are column-major, as COCO RLE is.
        dense = np.asfortranarray(bits.reshape((w, h)).T)
        theirs = mask_utils.encode(dense)
        assert theirs["counts"].decode() == case["counts"]
        assert int(mask_utils.area(theirs)) == case["area"]
        assert list(mask_utils.toBbox(theirs)) == case["bbox"]
        ours = mask_utils.decode(rle(case["counts"], h, w))
        assert np.array_equal(ours, dense)


def test_iou_and_merge_match(fixtures):
    for group in fixtures["groups"]:
        h, w = group["h"], group["w"]
        dt = [rle(c, h, w) for c in group["dt"]]
        gt = [rle(c, h, w) for c in group["gt"]]
        theirs = mask_utils.iou(dt, gt, [int(c) for c in group["iscrowd"]])
        assert np.array_equal(np.asarray(theirs), np.asarray(group["iou"])), (theirs, group["iou"])
        assert mask_utils.merge(dt, intersect=False)["counts"].decode() == group["union"]
        assert mask_utils.merge(dt, intersect=True)["counts"].decode() == group["intersection"]


def test_label_studio_brush_rle_matches_the_converter(fixtures):
    from label_studio_converter.brush import decode_rle, encode_rle

    assert len(fixtures["brushes"]) >= 30
    for case in fixtures["brushes"]:
        h, w = case["h"], case["w"]
        mask = np.array([int(c) for c in case["bits"]], dtype=np.uint8).reshape((h, w))
        theirs = encode_rle(np.repeat(mask.ravel() * 255, 4))
        assert list(theirs) == case["rle"], (h, w)
        decoded = np.reshape(decode_rle(case["rle"]), [h, w, 4])[:, :, 3]
        assert np.array_equal(decoded > 0, mask > 0)
