"""`lasso pull` and `lasso build` against the real local store (`lasso-server dev`) with results
written by the team workflow: two annotators label every task through the presign API, a
reviewer accepts some, and the pulled datasets load in pycocotools and supervision with the
results the policy chose. A pull cut off half way (the store stops answering after five images)
resumes without downloading those again; `lasso build` of its version manifest is byte-identical;
an object changed in the bucket since is refused by name.
"""
import hashlib
import json
import os
import tempfile

import numpy as np
import pytest
import requests
import supervision as sv
from PIL import Image
from pycocotools.coco import COCO

from dev_store import Dev, Relay, build_binaries

USERS = [
    {"user": "ann", "token": "ann-token-0001", "roles": ["annotator"]},
    {"user": "ben", "token": "ben-token-0002", "roles": ["annotator"]},
    {"user": "rita", "token": "rita-token-003", "roles": ["reviewer"]},
]
IMAGES = 12


def label_next(dev, user, x):
    """`user` takes the next task, draws one car box at `x` and submits; returns the task."""
    grant = dev.call(user, "POST", "/projects/shots/next")["task"]
    manifest = requests.get(grant["manifest_url"], timeout=30).json()
    body = json.dumps({"id": grant["task"], "image": manifest["image"], "annotations": [
        {"id": f"{user}-box", "label": "car",
         "shape": {"type": "box", "x0": x, "y0": 10.0, "x1": x + 40.0, "y1": 50.0}}]}).encode()
    put = dev.call(user, "POST", "/presign", json={
        "key": grant["result_key"], "method": "PUT", "content_type": "application/json", "size": len(body)})
    r = requests.put(put["url"], data=body, headers={"content-type": "application/json"}, timeout=30)
    assert r.ok, r.text
    dev.call(user, "POST", f"/projects/shots/tasks/{grant['task']}/submit")
    return grant["task"]


def lasso(dev, *args, endpoint=None, check=True):
    return dev.lasso(*args, endpoint=endpoint, check=check)


def tree(root):
    """Every file under `root` (the download cache aside) with its digest."""
    out = {}
    for folder, dirs, files in os.walk(root):
        dirs[:] = [d for d in dirs if d != ".lasso-pull"]
        for name in files:
            path = os.path.join(folder, name)
            with open(path, "rb") as f:
                out[os.path.relpath(path, root)] = hashlib.sha256(f.read()).hexdigest()
    return out


def cut_off(target):
    """A relay to the store that stops answering at the sixth image requested: a pull
    interrupted half way, at a known point."""
    return Relay(target, lambda data: data.count(b"/src/images/") if data.startswith(b"GET ") else 0,
                 at=6, cut=True)


@pytest.fixture(scope="module")
def dev():
    build_binaries()
    with tempfile.TemporaryDirectory() as tmp:
        seed = os.path.join(tmp, "seed")
        os.makedirs(seed)
        rng = np.random.default_rng(3)
        for i in range(IMAGES):
            # Noise compresses badly: each image is a few hundred kilobytes, like a photo.
            pixels = rng.integers(0, 255, (240, 320, 3), dtype=np.uint8)
            Image.fromarray(pixels).save(os.path.join(seed, f"img{i:02}.png"))
        d = Dev(tmp, seed, USERS, "shots", overlap=2)
        try:
            tasks = {}
            for i in range(IMAGES):
                tasks[label_next(d, "ann", 10.0)] = "ann"
                label_next(d, "ben", 20.0)
            d.accepted = sorted(tasks)[:4]
            for t in d.accepted:
                d.call("rita", "POST", f"/projects/shots/tasks/{t}/accept", json={"from": "ann"})
            yield d
        finally:
            d.stop()


def test_pulled_datasets_load_in_pycocotools_and_supervision_with_the_chosen_results(dev, tmp_path):
    out = tmp_path / "coco"
    run = lasso(dev, "pull", "--project", "shots", "--to", "coco", "--choose", "accepted,consensus", str(out))
    assert "12 tasks taken (4 accepted, 8 consensus)" in run.stderr, run.stderr
    coco = COCO(str(out / "annotations" / "instances_default.json"))
    images = coco.loadImgs(coco.getImgIds())
    assert len(images) == IMAGES
    for image in images:
        assert os.path.isfile(out / "images" / image["file_name"])
        anns = coco.loadAnns(coco.getAnnIds(imgIds=image["id"]))
        assert len(anns) == 1
        # Accepted: ann's box at 10; consensus of boxes at 10 and 20 (IoU 0.6): the median, 15.
        task = os.path.splitext(image["file_name"])[0]
        expected = 10.0 if any(t in image["file_name"] for t in dev.accepted) else 15.0
        assert anns[0]["bbox"] == [expected, 10.0, 40.0, 40.0], (task, anns[0]["bbox"])
    version = json.loads((out / "lasso-version.json").read_text())
    assert version["choose"] == ["accepted", "consensus"] and len(version["tasks"]) == IMAGES

    yolo = tmp_path / "yolo"
    lasso(dev, "pull", "--project", "shots", "--to", "yolo", "--choose", "annotator:ben", str(yolo))
    ds = sv.DetectionDataset.from_yolo(
        images_directory_path=str(yolo / "images"), annotations_directory_path=str(yolo / "labels"),
        data_yaml_path=str(yolo / "data.yaml"))
    assert len(ds) == IMAGES and "car" in ds.classes
    for _, image, detections in ds:
        assert image.shape[:2] == (240, 320)
        assert [ds.classes[c] for c in detections.class_id] == ["car"]
        np.testing.assert_allclose(detections.xyxy, [[20.0, 10.0, 60.0, 50.0]], atol=1e-3)


def test_an_interrupted_pull_resumes_and_build_rebuilds_it_byte_for_byte(dev, tmp_path):
    out = tmp_path / "pulled"
    relay = cut_off(dev.s3)
    cut = lasso(dev, "pull", "--project", "shots", "--to", "coco", "--choose", "latest", "--parallel", "1",
                "--name", "v1", str(out), endpoint=relay.url, check=False)
    assert cut.returncode != 0 and relay.reached.is_set(), cut.stderr
    assert not (out / "annotations").exists(), "nothing is written before every image is here"
    cached = [f for f in (out / ".lasso-pull" / "objects" / "shots" / "src" / "images").iterdir()
              if not f.name.endswith((".etag", ".partial"))]
    assert len(cached) == 5

    run = lasso(dev, "pull", "--project", "shots", "--to", "coco", "--choose", "latest", "--name", "v1", str(out))
    assert f"{IMAGES - 5} images downloaded, 5 already here" in run.stderr, run.stderr
    saved = dev.boto().get_object(Bucket=dev.bucket, Key="shots/datasets/v1/version.json")["Body"].read()
    assert json.loads(saved)["name"] == "v1"
    again = lasso(dev, "pull", "--project", "shots", "--to", "coco", "--name", "v1", str(tmp_path / "x"), check=False)
    assert again.returncode != 0 and "exists already" in again.stderr, again.stderr
    assert not (tmp_path / "x" / ".lasso-pull").exists(), "refused before downloading anything"

    rebuilt = tmp_path / "rebuilt"
    lasso(dev, "build", str(out / "lasso-version.json"), str(rebuilt))
    assert tree(rebuilt) == tree(out) and len(tree(out)) == IMAGES + 2

    # A result rewritten since: the rebuild refuses it by name and writes nothing.
    version = json.loads((out / "lasso-version.json").read_text())
    key = version["tasks"][0]["results"][0][1]["key"]
    dev.boto().put_object(Bucket=dev.bucket, Key=key, Body=b'{"id": "changed", "annotations": []}')
    refused = lasso(dev, "build", str(out / "lasso-version.json"), str(tmp_path / "refused"), check=False)
    assert refused.returncode != 0 and key in refused.stderr and "changed" in refused.stderr, refused.stderr
    assert not (tmp_path / "refused" / "annotations").exists()


def test_wrong_credentials_and_a_missing_project_are_named(dev, tmp_path):
    env = dict(dev.env(), AWS_SECRET_ACCESS_KEY="not-the-secret")
    run = dev.lasso("pull", "--project", "shots", "--to", "coco", str(tmp_path / "a"), env=env, check=False)
    assert run.returncode == 2 and "cannot list shots/project.json" in run.stderr and "403" in run.stderr, run.stderr
    run = lasso(dev, "pull", "--project", "birds", "--to", "coco", str(tmp_path / "b"), check=False)
    assert run.returncode == 2 and "no project birds in this bucket" in run.stderr, run.stderr
    assert not (tmp_path / "a" / "annotations").exists() and not (tmp_path / "b" / "annotations").exists()
