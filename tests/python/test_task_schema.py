"""The published JSON Schema of a task (npm/task.schema.json, shipped in the npm package) and
the editor's own reader agree: the golden Lasso JSON tasks and a task in the form `mount` takes
(labels as a bare list) pass the schema and the CLI reads them; tasks the schema refuses, the
CLI refuses too, naming the field."""
import copy
import json
import os
import subprocess
import tempfile

import jsonschema
import pytest

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
SCHEMA = json.load(open(os.path.join(REPO, "npm", "task.schema.json")))
GOLDEN = json.load(open(os.path.join(REPO, "core", "tests", "formats", "golden", "lasso", "lasso.json")))

MOUNT_STYLE = {
    "id": "scan-17",
    "image": {"src": "https://tiles.example.org/scan.dzi", "name": "scan.jpg", "width": 8000, "height": 6000, "kind": "dzi"},
    "labels": [{"name": "cat", "color": "#e6194b", "hotkey": "1"}],
    "annotations": [
        {"id": "a1", "label": "cat", "shape": {"type": "box", "x0": 1, "y0": 2, "x1": 30, "y1": 40}},
        {"id": "a2", "label": "cat", "shape": {"type": "rotated_box", "cx": 50, "cy": 50, "w": 10, "h": 5, "angle": 30},
         "origin": {"kind": "prediction", "score": 0.8, "model": "m"}},
    ],
    "tags": [],
}


def cli_reads(task):
    """Converts a one-task Lasso JSON dataset to COCO with the CLI; (ok, stderr)."""
    with tempfile.TemporaryDirectory() as tmp:
        src = os.path.join(tmp, "src")
        os.makedirs(src)
        dataset = {"version": 1, "labels": {"labels": [{"name": "cat", "color": "#e6194b"}]}, "tasks": [task]}
        with open(os.path.join(src, "lasso.json"), "w") as f:
            json.dump(dataset, f)
        run = subprocess.run(
            ["cargo", "run", "-q", "-p", "lasso-cli", "--", "convert", "--from", "lasso", "--to", "coco", src, os.path.join(tmp, "out")],
            cwd=REPO, capture_output=True, text=True,
        )
        return run.returncode == 0, run.stderr


def test_the_schema_is_valid_and_takes_every_golden_task():
    jsonschema.Draft202012Validator.check_schema(SCHEMA)
    assert GOLDEN["tasks"]
    for task in GOLDEN["tasks"]:
        jsonschema.validate(task, SCHEMA)


def test_the_mount_form_is_one_task_shape_the_cli_reads_too():
    jsonschema.validate(MOUNT_STYLE, SCHEMA)
    camel = copy.deepcopy(MOUNT_STYLE)
    camel["labels"] = {"labels": camel["labels"], "tags": ["day"], "multiTag": True}
    jsonschema.validate(camel, SCHEMA)
    for task in (MOUNT_STYLE, camel):
        ok, err = cli_reads(task)
        assert ok, err


def broken(path, value):
    task = copy.deepcopy(MOUNT_STYLE)
    target = task
    for key in path[:-1]:
        target = target[key]
    if value is None:
        del target[path[-1]]
    else:
        target[path[-1]] = value
    return task


@pytest.mark.parametrize("task, field", [
    (broken(["image"], None), "image"),
    (broken(["annotations", 0, "shape", "y1"], None), "y1"),
    (broken(["annotations", 0, "shape", "type"], "ellipse"), "ellipse"),
    (broken(["annotations", 1, "origin"], {"kind": "prediction"}), "score"),
    (broken(["image", "kind"], "tiles"), "tiles"),
    # Inside a shape the reader names the member and what it found.
    (broken(["annotations", 0, "shape", "x0"], "1"), 'annotations[0].shape.x0 (line 1): invalid type: string "1"'),
])
def test_what_the_schema_refuses_the_cli_refuses(task, field):
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(task, SCHEMA)
    ok, err = cli_reads(task)
    assert not ok
    assert field in err, err
