"""lasso-core's agreement figures against the libraries people compute them with, on a few
hundred generated cases: matchings against scipy's linear_sum_assignment (same matched count and
total IoU), Cohen's kappa against scikit-learn's cohen_kappa_score and Fleiss' kappa against
statsmodels' fleiss_kappa and Krippendorff's alpha (nominal, with missing answers) against the
krippendorff package (within 1e-12), and keypoint similarity against pycocotools'
COCOeval.computeOks."""
import json
import math
import os
import subprocess
import tempfile

import krippendorff
from pycocotools.coco import COCO
from pycocotools.cocoeval import COCOeval
import numpy as np
import pytest
from scipy.optimize import linear_sum_assignment
from sklearn.metrics import cohen_kappa_score
from statsmodels.stats.inter_rater import fleiss_kappa

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


@pytest.fixture(scope="module")
def fixtures():
    with tempfile.TemporaryDirectory() as tmp:
        out = os.path.join(tmp, "quality.json")
        subprocess.run(
            ["cargo", "run", "-q", "-p", "lasso-core", "--example", "quality_fixtures", "--", out],
            cwd=REPO, check=True,
        )
        with open(out) as f:
            return json.load(f)


def test_enough_cases(fixtures):
    assert len(fixtures["matchings"]) >= 300
    assert len(fixtures["cohen"]) >= 200
    assert len(fixtures["fleiss"]) >= 200
    assert len(fixtures["alpha"]) >= 150


def test_matchings_equal_linear_sum_assignment(fixtures):
    checked = 0
    for case in fixtures["matchings"]:
        iou = np.array(case["iou"], dtype=float)
        if iou.size == 0:
            assert case["matched"] == 0
            continue
        weights = np.where(iou >= case["threshold"], iou, 0.0)
        rows, cols = linear_sum_assignment(weights, maximize=True)
        kept = [(r, c) for r, c in zip(rows, cols) if weights[r, c] > 0]
        assert case["matched"] == len(kept), case
        assert math.isclose(case["total"], sum(iou[r, c] for r, c in kept), abs_tol=1e-9), case
        checked += 1
    assert checked >= 250


def test_cohen_kappa_equals_scikit_learn(fixtures):
    for case in fixtures["cohen"]:
        with np.errstate(divide="ignore", invalid="ignore"):
            theirs = cohen_kappa_score(case["a"], case["b"])
        if case["kappa"] is None:
            assert math.isnan(theirs), case
        else:
            assert abs(case["kappa"] - theirs) <= 1e-12, (case, theirs)


def test_fleiss_kappa_equals_statsmodels(fixtures):
    for case in fixtures["fleiss"]:
        with np.errstate(divide="ignore", invalid="ignore"):
            theirs = fleiss_kappa(np.array(case["table"]), method="fleiss")
        if case["kappa"] is None:
            assert math.isnan(theirs), case
        else:
            assert abs(case["kappa"] - theirs) <= 1e-12, (case, theirs)


def test_krippendorff_alpha_equals_the_krippendorff_package(fixtures):
    for case in fixtures["alpha"]:
        data = np.array([[np.nan if v is None else v for v in row] for row in case["data"]], dtype=float)
        theirs = krippendorff.alpha(reliability_data=data, level_of_measurement="nominal")
        assert abs(case["alpha"] - theirs) <= 1e-12, (case, theirs)


def test_oks_equals_cocoeval(fixtures):
    assert len(fixtures["oks"]) >= 200
    for case in fixtures["oks"]:
        gt = COCO()
        gt.dataset = {
            "info": {},
            "images": [{"id": 1, "width": 400, "height": 400}],
            "categories": [{"id": 1, "name": "person", "keypoints": [str(i) for i in range(17)]}],
            "annotations": [{"id": 1, "image_id": 1, "category_id": 1, "keypoints": case["gt"],
                             "num_keypoints": sum(1 for v in case["gt"][2::3] if v > 0),
                             "bbox": case["bbox"], "area": case["area"], "iscrowd": 0}],
        }
        gt.createIndex()
        dt = gt.loadRes([{"image_id": 1, "category_id": 1, "keypoints": case["dt"], "score": 1.0}])
        ev = COCOeval(gt, dt, "keypoints")
        ev._prepare()
        theirs = ev.computeOks(1, 1)[0][0]
        assert abs(case["oks"] - theirs) <= 1e-12, (case, theirs)


def _results(reference, candidate, iou_type):
    """The candidate's shapes as COCO results on the reference's images and categories."""
    image_ids = {i["file_name"]: i["id"] for i in reference.dataset["images"]}
    own_images = {i["id"]: i["file_name"] for i in candidate.dataset["images"]}
    category_ids = {c["name"]: c["id"] for c in reference.dataset["categories"]}
    own_categories = {c["id"]: c["name"] for c in candidate.dataset["categories"]}
    out = []
    for ann in candidate.dataset["annotations"]:
        result = {
            "image_id": image_ids[own_images[ann["image_id"]]],
            "category_id": category_ids[own_categories[ann["category_id"]]],
            "score": ann.get("score", 1.0),
        }
        if iou_type == "bbox":
            result["bbox"] = ann["bbox"]
        else:
            result["segmentation"] = candidate.annToRLE(ann)
        out.append(result)
    return out


def _coco(dataset):
    coco = COCO()
    coco.dataset = dataset
    coco.createIndex()
    return coco


def test_ap_equals_cocoeval(fixtures):
    assert len(fixtures["ap"]) >= 200
    checked = 0
    for case in fixtures["ap"]:
        reference = _coco(case["reference"])
        candidate = _coco(case["candidate"])
        for iou_type in ("bbox", "segm"):
            results = _results(reference, candidate, iou_type)
            if not results:
                continue
            ev = COCOeval(reference, reference.loadRes(results), iou_type)
            ev.evaluate()
            ev.accumulate()
            ev.summarize()
            ours = case[iou_type]
            assert len(ours) == 12
            for k, (a, b) in enumerate(zip(ours, ev.stats)):
                assert abs(a - b) <= 1e-9, (iou_type, k, ours, list(ev.stats), case)
            if iou_type == "bbox":
                for name, figures in case["bbox_classes"].items():
                    k = next(i for i, c in enumerate(ev.params.catIds)
                             if reference.cats[c]["name"] == name)
                    p = ev.eval["precision"][:, :, k, 0, 2]
                    theirs = float(np.mean(p[p > -1])) if (p > -1).any() else -1.0
                    assert abs(figures["ap"] - theirs) <= 1e-9, (name, figures, theirs)
            checked += 1
    assert checked >= 350
