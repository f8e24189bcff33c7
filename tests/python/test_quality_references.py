"""lasso-core's agreement figures against the libraries people compute them with, on a few
hundred generated cases: matchings against scipy's linear_sum_assignment (same matched count and
total IoU), Cohen's kappa against scikit-learn's cohen_kappa_score and Fleiss' kappa against
statsmodels' fleiss_kappa and Krippendorff's alpha (nominal, with missing answers) against the
krippendorff package (within 1e-12)."""
import json
import math
import os
import subprocess
import tempfile

import krippendorff
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
