"""Our Label Studio JSON export, read by Label Studio's own converter (label-studio-converter):
its COCO, YOLO and YOLO-OBB outputs must hold the boxes and polygons we exported, in pixels.

Fixtures come from `cargo run -p lasso-core --example label_studio_fixtures`, which writes the export
and, separately, the shapes in pixels computed from the model."""
import copy
import json
import os
import subprocess
import tempfile

import pytest
from label_studio_converter import Converter

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
TOL = 1e-6


@pytest.fixture(scope="module")
def fixtures():
    with tempfile.TemporaryDirectory() as tmp:
        subprocess.run(
            ["cargo", "run", "-q", "-p", "lasso-core", "--example", "label_studio_fixtures", "--", tmp],
            cwd=REPO, check=True,
        )
        ls = os.path.join(tmp, "label_studio")
        with open(os.path.join(ls, "label_studio.json")) as f:
            tasks = json.load(f)
        with open(os.path.join(ls, "label_config.xml")) as f:
            config = f.read()
        with open(os.path.join(tmp, "expected.json")) as f:
            expected = json.load(f)
        yield {"tmp": tmp, "tasks": tasks, "config": config, "expected": expected}


def convert(fixtures, tasks, to, **kw):
    out = tempfile.mkdtemp(dir=fixtures["tmp"])
    src = os.path.join(out, "tasks.json")
    with open(src, "w") as f:
        json.dump(tasks, f)
    c = Converter(fixtures["config"], project_dir=out, download_resources=False)
    getattr(c, to)(src, os.path.join(out, "out"), is_dir=False, **kw)
    return os.path.join(out, "out")


def image_of(task):
    return os.path.basename(task["data"]["image"])


def objects(fixtures, kinds):
    return {
        name: [o for o in img["objects"] if o["kind"] in kinds]
        for name, img in fixtures["expected"]["images"].items()
    }


def aabb(points):
    xs, ys = [p[0] for p in points], [p[1] for p in points]
    return [min(xs), min(ys), max(xs) - min(xs), max(ys) - min(ys)]


def close(a, b, tol=TOL):
    return len(a) == len(b) and all(abs(x - y) <= tol for x, y in zip(a, b))


def match_all(ours, theirs):
    """Every (label, numbers) of ours matches exactly one of theirs, and nothing is left."""
    left = list(theirs)
    for label, nums in ours:
        hit = next((t for t in left if t[0] == label and close(t[1], nums)), None)
        assert hit is not None, f"{label} {nums} not among {left}"
        left.remove(hit)
    assert not left, f"unexpected: {left}"


def test_fixtures_hold_every_kind(fixtures):
    kinds = [o["kind"] for img in fixtures["expected"]["images"].values() for o in img["objects"]]
    assert kinds.count("box") >= 15 and kinds.count("polygon") >= 20 and kinds.count("rotated") >= 6


def test_coco_from_our_json_has_our_boxes_and_polygons(fixtures):
    # The converter rotates boxes in percent space, which is only right on square images; our
    # fixtures put rotated boxes on square images only.
    out = convert(fixtures, fixtures["tasks"], "convert_to_coco")
    with open(os.path.join(out, "result.json")) as f:
        coco = json.load(f)
    names = {c["id"]: c["name"] for c in coco["categories"]}
    images = {i["id"]: os.path.basename(i["file_name"]) for i in coco["images"]}
    expected = objects(fixtures, {"box", "rotated", "polygon"})
    for image_id, name in images.items():
        theirs = [
            (names[a["category_id"]], a["bbox"] + a["segmentation"][0] if a["segmentation"] else a["bbox"])
            for a in coco["annotations"] if a["image_id"] == image_id
        ]
        ours = []
        for o in expected[name]:
            if o["kind"] == "box":
                ours.append((o["label"], o["bbox"]))
            elif o["kind"] == "rotated":
                ours.append((o["label"], aabb(o["points"])))
            else:
                flat = [c for p in o["points"] for c in p]
                ours.append((o["label"], aabb(o["points"]) + flat))
        match_all(ours, theirs)
    assert len(images) == len(expected)


def without_rotated(tasks):
    tasks = copy.deepcopy(tasks)
    for t in tasks:
        for a in t["annotations"]:
            a["result"] = [r for r in a["result"] if r["value"].get("rotation", 0) == 0]
    return tasks


def read_yolo(out, name):
    with open(os.path.join(out, "classes.txt")) as f:
        classes = [l.rstrip("\n") for l in f if l.strip()]
    path = os.path.join(out, "labels", os.path.splitext(name)[0] + ".txt")
    with open(path) as f:
        rows = [l.split() for l in f if l.strip()]
    return [(classes[int(r[0])], [float(v) for v in r[1:]]) for r in rows]


def test_yolo_from_our_json_has_our_normalised_boxes_and_polygons(fixtures):
    out = convert(fixtures, without_rotated(fixtures["tasks"]), "convert_to_yolo")
    for name, objs in objects(fixtures, {"box", "polygon"}).items():
        img = fixtures["expected"]["images"][name]
        w, h = img["width"], img["height"]
        ours = []
        for o in objs:
            if o["kind"] == "box":
                x, y, bw, bh = o["bbox"]
                ours.append((o["label"], [(x + bw / 2) / w, (y + bh / 2) / h, bw / w, bh / h]))
            else:
                ours.append((o["label"], [c for p in o["points"] for c in (p[0] / w, p[1] / h)]))
        match_all(ours, read_yolo(out, name))


def test_yolo_obb_from_our_json_has_our_rotated_corners(fixtures):
    tasks = copy.deepcopy(fixtures["tasks"])
    for t in tasks:
        for a in t["annotations"]:
            a["result"] = [r for r in a["result"] if r["type"] == "rectanglelabels"]
    out = convert(fixtures, tasks, "convert_to_yolo", is_obb=True)
    for name, objs in objects(fixtures, {"box", "rotated"}).items():
        img = fixtures["expected"]["images"][name]
        w, h = img["width"], img["height"]
        ours = []
        for o in objs:
            if o["kind"] == "box":
                x, y, bw, bh = o["bbox"]
                pts = [[x, y], [x + bw, y], [x + bw, y + bh], [x, y + bh]]
            else:
                pts = o["points"]
            ours.append((o["label"], [c for p in pts for c in (p[0] / w, p[1] / h)]))
        match_all(ours, read_yolo(out, name))
