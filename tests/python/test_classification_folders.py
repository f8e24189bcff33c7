"""Classification folders: a folder-per-class dataset (what torchvision's ImageFolder and
Roboflow's folder export use) split by the `lasso` CLI into train/val/test, each split read by
supervision's `ClassificationDataset.from_folder_structure` with every image under its class, the
rare class in every split."""
import os
import subprocess
import tempfile

import pytest
import supervision as sv
from PIL import Image

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def convert(*args):
    subprocess.run(["cargo", "run", "-q", "-p", "lasso-cli", "--", "convert", *args], cwd=REPO, check=True)


def test_the_cli_splits_class_folders_that_supervision_reads():
    with tempfile.TemporaryDirectory() as tmp:
        src = os.path.join(tmp, "pets")
        truth = {}
        for cls, n, colour in [("cat", 30, (200, 80, 40)), ("dog", 10, (40, 80, 200))]:
            os.makedirs(os.path.join(src, cls))
            for i in range(n):
                name = f"{cls}{i:02}.png"
                Image.new("RGB", (16, 12), colour).save(os.path.join(src, cls, name))
                truth[name] = cls
        out = os.path.join(tmp, "split")
        convert("--from", "folders", "--to", "folders", "--split", "0.6,0.2,0.2", "--seed", "5", src, out)
        seen = {}
        for split in ("train", "val", "test"):
            ds = sv.ClassificationDataset.from_folder_structure(os.path.join(out, split))
            assert sorted(ds.classes) == ["cat", "dog"], (split, ds.classes)
            counts = {c: 0 for c in ds.classes}
            for path, _image, classification in ds:
                cls = ds.classes[int(classification.class_id[0])]
                seen[os.path.basename(path)] = cls
                counts[cls] += 1
            assert counts["dog"] >= 2, (split, counts)
        assert seen == truth
        with open(os.path.join(out, "classes.txt")) as f:
            assert f.read().split() == ["cat", "dog"]


def test_tags_as_one_hot_csv_read_by_pandas_and_back_to_folders():
    import pandas as pd

    with tempfile.TemporaryDirectory() as tmp:
        src = os.path.join(tmp, "pets")
        truth = {}
        for cls, n in [("cat", 12), ("dog", 6)]:
            os.makedirs(os.path.join(src, cls))
            for i in range(n):
                name = f"{cls}{i:02}.png"
                Image.new("RGB", (8, 6), (i * 10, 0, 0)).save(os.path.join(src, cls, name))
                truth[name] = cls
        table = os.path.join(tmp, "table")
        convert("--from", "folders", "--to", "tags-csv", "--split", "0.5,0.25,0.25", "--seed", "2", src, table)
        seen = {}
        for split in ("train", "valid", "test"):
            frame = pd.read_csv(os.path.join(table, split, "_classes.csv"))
            assert list(frame.columns) == ["filename", "cat", "dog"]
            for row in frame.itertuples(index=False):
                assert os.path.isfile(os.path.join(table, split, row.filename))
                assert row.cat + row.dog == 1, row
                seen[os.path.basename(row.filename)] = "cat" if row.cat else "dog"
        assert seen == truth
        back = os.path.join(tmp, "back")
        convert("--from", "tags-csv", "--to", "folders", table, back)
        for split in ("train", "val", "test"):
            for cls in os.listdir(os.path.join(back, split)):
                for name in os.listdir(os.path.join(back, split, cls)):
                    assert truth[name] == cls
