"""Loads the COCO file of a zip exported by the browser with pycocotools, for export.test.js:
prints the file list, and per annotation its category name, bbox and annToMask area."""
import contextlib
import json
import os
import sys
import tempfile
import zipfile
import warnings

warnings.filterwarnings("ignore", category=DeprecationWarning)
from pycocotools.coco import COCO  # noqa: E402


def main(path):
    with tempfile.TemporaryDirectory() as tmp:
        with zipfile.ZipFile(path) as z:
            names = sorted(z.namelist())
            z.extractall(tmp)
        files = [n for n in names if n.startswith("annotations/") and n.endswith(".json")]
        out = {"files": names, "annotations": []}
        for f in files:
            with contextlib.redirect_stdout(sys.stderr):  # COCO() prints progress
                coco = COCO(os.path.join(tmp, f))
            for a in coco.loadAnns(coco.getAnnIds()):
                out["annotations"].append({
                    "file": f,
                    "label": coco.loadCats(a["category_id"])[0]["name"],
                    "bbox": a["bbox"],
                    "mask_area": int(coco.annToMask(a).sum()),
                    "image": coco.loadImgs(a["image_id"])[0]["file_name"],
                })
    print(json.dumps(out))


if __name__ == "__main__":
    main(sys.argv[1])
