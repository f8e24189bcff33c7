"""Times pycocotools on the same inputs as lasso-core, in the same run, and prints the ratio.

Run from the repository root with the test venv:
    .venv/bin/python core/bench/pycocotools_ratio.py
It builds and runs `cargo run --release -p lasso-core --features timing --bin lasso-core-timing`,
which times our
side and writes the inputs, then times pycocotools' C implementation (through its Python API,
as users call it) on the same inputs. A ratio below 1 means lasso-core is faster.
"""
import json
import os
import statistics
import subprocess
import tempfile
import time

import contextlib
import io

from pycocotools import mask as mask_utils
from pycocotools.coco import COCO
from pycocotools.cocoeval import COCOeval

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def median_time(runs, fn):
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def cocoeval(doc, iou_type):
    """COCOeval of the candidate against the reference, as users run it; returns its stats."""
    with contextlib.redirect_stdout(io.StringIO()):
        reference = COCO()
        reference.dataset = dict(doc["reference"], info={})
        reference.createIndex()
        candidate = COCO()
        candidate.dataset = doc["candidate"]
        candidate.createIndex()
        results = []
        for ann in candidate.dataset["annotations"]:
            r = {"image_id": ann["image_id"], "category_id": ann["category_id"], "score": ann["score"]}
            if iou_type == "bbox":
                r["bbox"] = ann["bbox"]
            else:
                r["segmentation"] = candidate.annToRLE(ann)
            results.append(r)
        ev = COCOeval(reference, reference.loadRes(results), iou_type)
        ev.evaluate()
        ev.accumulate()
        ev.summarize()
    return list(ev.stats)


def main():
    with tempfile.TemporaryDirectory() as tmp:
        out = os.path.join(tmp, "timing.json")
        subprocess.run(
            ["cargo", "run", "-q", "--release", "-p", "lasso-core", "--features", "timing",
             "--bin", "lasso-core-timing", "--", out],
            cwd=REPO, check=True,
        )
        with open(out) as f:
            doc = json.load(f)
    size, small = doc["size"], doc["scattered_size"]
    star = doc["star"]
    rle = mask_utils.frPyObjects([star], size, size)[0]
    assert rle["counts"].decode() == doc["star_counts"], "inputs differ from lasso-core's"
    masks = mask_utils.frPyObjects(doc["scattered"], small, small)
    theirs = {
        "polygon_to_rle": median_time(31, lambda: mask_utils.frPyObjects([star], size, size)),
        "rle_decode": median_time(31, lambda: mask_utils.decode(rle)),
        "iou_100x100": median_time(31, lambda: mask_utils.iou(masks, masks, [0] * len(masks))),
        "cocoeval_bbox": median_time(3, lambda: cocoeval(doc["cocoeval"], "bbox")),
        "cocoeval_segm": median_time(3, lambda: cocoeval(doc["cocoeval"], "segm")),
    }
    for kind in ("bbox", "segm"):
        stats = cocoeval(doc["cocoeval"], kind)
        assert all(abs(a - b) <= 1e-9 for a, b in zip(stats, doc["cocoeval"][kind])), (kind, stats)
    print(f"{'operation':<18} {'lasso-core':>12} {'pycocotools':>12} {'ratio':>7}")
    for name, ours in doc["ours"].items():
        print(f"{name:<18} {ours * 1e3:>10.3f}ms {theirs[name] * 1e3:>10.3f}ms {ours / theirs[name]:>7.2f}")


if __name__ == "__main__":
    main()
