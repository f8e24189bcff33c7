"""Loads the COCO file of a zip exported by the browser with pycocotools, for export.test.js:
prints the file list, per annotation its category name, bbox and annToMask area, and per image
its size as COCO says and as Pillow reads the file, and its top-left pixel."""
import contextlib
import json
import os
import sys
import tempfile
import zipfile
import warnings

from PIL import Image

warnings.filterwarnings("ignore", category=DeprecationWarning)
from pycocotools.coco import COCO  # noqa: E402


def main(path):
    with tempfile.TemporaryDirectory() as tmp:
        with zipfile.ZipFile(path) as z:
            names = sorted(z.namelist())
            z.extractall(tmp)
        files = [n for n in names if n.startswith("annotations/") and n.endswith(".json")]
        out = {"files": names, "annotations": [], "images": []}
        for f in files:
            with contextlib.redirect_stdout(sys.stderr):  # COCO() prints progress
                coco = COCO(os.path.join(tmp, f))
            for info in coco.loadImgs(coco.getImgIds()):
                found = [n for n in names if n.startswith("images/") and n.endswith("/" + info["file_name"])]
                with Image.open(os.path.join(tmp, found[0])) as image:
                    out["images"].append({
                        "file": info["file_name"], "width": info["width"], "height": info["height"],
                        "pixels": list(image.size), "corner": list(image.convert("RGB").getpixel((0, 0))),
                    })
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
