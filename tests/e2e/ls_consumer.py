"""Reads a Label Studio zip exported by the browser with label-studio-converter, for
export.test.js: unzips it, converts the tasks to COCO and YOLO, and prints what they hold
as JSON (file list, COCO annotations with category names, YOLO lines with class names)."""
import json
import os
import sys
import tempfile
import zipfile

from label_studio_converter import Converter


def main(path):
    out = {}
    with tempfile.TemporaryDirectory() as tmp:
        with zipfile.ZipFile(path) as z:
            out["files"] = sorted(z.namelist())
            z.extractall(tmp)
        tasks = os.path.join(tmp, "label_studio.json")
        config = os.path.join(tmp, "label_config.xml")
        c = Converter(config, project_dir=tmp, download_resources=False)
        c.convert_to_coco(tasks, os.path.join(tmp, "coco"), is_dir=False)
        with open(os.path.join(tmp, "coco", "result.json")) as f:
            coco = json.load(f)
        names = {cat["id"]: cat["name"] for cat in coco["categories"]}
        out["coco"] = [
            {"label": names[a["category_id"]], "bbox": a["bbox"], "segmentation": a["segmentation"]}
            for a in coco["annotations"]
        ]
        c.convert_to_yolo(tasks, os.path.join(tmp, "yolo"), is_dir=False)
        with open(os.path.join(tmp, "yolo", "classes.txt")) as f:
            classes = [l.strip() for l in f if l.strip()]
        lines = []
        for name in os.listdir(os.path.join(tmp, "yolo", "labels")):
            with open(os.path.join(tmp, "yolo", "labels", name)) as f:
                for l in f:
                    if l.strip():
                        parts = l.split()
                        lines.append({"label": classes[int(parts[0])], "values": [float(v) for v in parts[1:]]})
        out["yolo"] = lines
        with open(os.path.join(tmp, "images", "chelsea.png"), "rb") as f:
            out["image_size"] = len(f.read())
    print(json.dumps(out))


if __name__ == "__main__":
    main(sys.argv[1])
