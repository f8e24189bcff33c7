"""Augmentation throughput: `lasso convert --augment 3` against albumentations doing the same
operations on the same files, in the same run.

Run from the repository root with the test venv:
    .venv/bin/python core/bench/augment_vs_albumentations.py [--images 2000] [--size 640]
It writes N JPEG images of SIZE² with five boxes each (COCO), then makes three augmented copies
of each, boxes following, written as JPEG at quality 95 with their annotations:
- Lasso: the release `lasso` CLI (on every core, then pinned to one core with `taskset`);
- albumentations: HorizontalFlip, Rotate, RandomResizedCrop, RandomBrightnessContrast,
  HueSaturationValue, GaussianBlur and GaussNoise with the probabilities and ranges of Lasso's
  standard operations, images read and written with OpenCV, one process.
Each side runs in its own child process; its wall time and peak resident memory are printed.
"""
import argparse
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time

import numpy as np
from PIL import Image

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

ALBUMENTATIONS = r"""
import json, os, sys
import albumentations as A
import cv2
cv2.setNumThreads(1)
src, out, copies = sys.argv[1], sys.argv[2], int(sys.argv[3])
coco = json.load(open(os.path.join(src, "annotations", "instances_default.json")))
boxes = {}
for a in coco["annotations"]:
    boxes.setdefault(a["image_id"], []).append(a)
pipeline = A.Compose([
    A.HorizontalFlip(p=0.5),
    A.Rotate(limit=15, border_mode=cv2.BORDER_CONSTANT, fill=114, p=0.5),
    A.RandomResizedCrop(size=(SIZE, SIZE), scale=(0.64, 1.0), ratio=(0.8, 1.25), p=0.5),
    A.RandomBrightnessContrast(brightness_limit=0.2, contrast_limit=0.2, p=0.5),
    A.HueSaturationValue(hue_shift_limit=5, sat_shift_limit=30, val_shift_limit=0, p=0.3),
    A.GaussianBlur(sigma_limit=(0.1, 1.5), p=0.2),
    A.GaussNoise(std_range=(0.0, 8 / 255), p=0.2),
], bbox_params=A.BboxParams(format="coco", label_fields=["labels"], min_visibility=0.25), seed=7)
os.makedirs(os.path.join(out, "images"), exist_ok=True)
written = {"images": [], "annotations": []}
for image in coco["images"]:
    pixels = cv2.imread(os.path.join(src, "images", image["file_name"]))
    anns = boxes.get(image["id"], [])
    for k in range(1, copies + 1):
        r = pipeline(image=pixels, bboxes=[a["bbox"] for a in anns], labels=[a["category_id"] for a in anns])
        name = f"{os.path.splitext(image['file_name'])[0]}-aug{k}.jpg"
        cv2.imwrite(os.path.join(out, "images", name), r["image"], [cv2.IMWRITE_JPEG_QUALITY, 95])
        written["images"].append({"file_name": name})
        written["annotations"].append({"bboxes": [list(map(float, b)) for b in r["bboxes"]]})
json.dump(written, open(os.path.join(out, "annotations.json"), "w"))
"""

# Lasso's standard operations, written out (the same ones `--augment` uses without a file).
LASSO_PIPELINE = {"augment": {"copies": 3, "ops": [
    {"op": "flip_horizontal", "p": 0.5},
    {"op": "rotate", "degrees": 15, "p": 0.5},
    {"op": "crop", "min_scale": 0.8, "p": 0.5},
    {"op": "brightness", "limit": 0.2, "p": 0.5},
    {"op": "contrast", "limit": 0.2, "p": 0.5},
    {"op": "saturation", "limit": 0.3, "p": 0.3},
    {"op": "hue", "degrees": 10, "p": 0.3},
    {"op": "blur", "sigma": 1.5, "p": 0.2},
    {"op": "noise", "sigma": 8, "p": 0.2},
]}}


def make_dataset(root, count, size):
    rng = np.random.default_rng(1)
    os.makedirs(os.path.join(root, "images"))
    coco = {"images": [], "annotations": [], "categories": [{"id": 1, "name": "thing"}]}
    for i in range(count):
        pixels = rng.integers(0, 60, (size, size, 3), dtype=np.uint8)
        for j in range(5):
            w, h = rng.integers(size // 10, size // 3, 2)
            x, y = rng.integers(0, size - w), rng.integers(0, size - h)
            pixels[y:y + h, x:x + w] = rng.integers(80, 255, 3)
            coco["annotations"].append({"id": len(coco["annotations"]) + 1, "image_id": i + 1, "category_id": 1,
                                        "bbox": [int(x), int(y), int(w), int(h)], "area": int(w * h), "iscrowd": 0})
        name = f"img{i:05}.jpg"
        Image.fromarray(pixels).save(os.path.join(root, "images", name), quality=90)
        coco["images"].append({"id": i + 1, "file_name": name, "width": size, "height": size})
    os.makedirs(os.path.join(root, "annotations"))
    with open(os.path.join(root, "annotations", "instances_default.json"), "w") as f:
        json.dump(coco, f)


MEASURE = r"""
import resource, subprocess, sys, time
start = time.perf_counter()
subprocess.run(sys.argv[1:], check=True)
print(time.perf_counter() - start, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)
"""


def measure(command):
    """Wall seconds and peak resident MiB of `command`, in a fresh child process."""
    out = subprocess.run([sys.executable, "-c", MEASURE, *command], check=True, capture_output=True, text=True)
    seconds, kib = out.stdout.split()[-2:]
    return float(seconds), int(kib) / 1024


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--images", type=int, default=2000)
    parser.add_argument("--size", type=int, default=640)
    args = parser.parse_args()
    subprocess.run(["cargo", "build", "-q", "--release", "-p", "lasso-cli"], cwd=REPO, check=True)
    target = os.environ.get("CARGO_TARGET_DIR", os.path.join(REPO, "target"))
    lasso = os.path.join(target, "release", "lasso")
    with tempfile.TemporaryDirectory() as tmp:
        src = os.path.join(tmp, "in")
        make_dataset(src, args.images, args.size)
        pipeline = os.path.join(tmp, "pipeline.json")
        with open(pipeline, "w") as f:
            json.dump(LASSO_PIPELINE, f)
        script = os.path.join(tmp, "albumentations_run.py")
        with open(script, "w") as f:
            f.write(ALBUMENTATIONS.replace("SIZE", str(args.size)))
        copies = args.images * 3
        rows = []
        for label, prefix in [(f"lasso ({os.cpu_count()} cores)", []), ("lasso (1 core)", ["taskset", "-c", "0"])]:
            out = os.path.join(tmp, "lasso-out")
            seconds, mib = measure([*prefix, lasso, "convert", "--from", "coco", "--to", "coco", "--pipeline", pipeline,
                                    "--seed", "7", src, out])
            shutil.rmtree(out)
            rows.append((label, seconds, mib))
        out = os.path.join(tmp, "albu-out")
        seconds, mib = measure([sys.executable, script, src, out, "3"])
        rows.append(("albumentations (1 process)", seconds, mib))
        print(f"{args.images} images of {args.size}², 3 copies each ({copies} written), boxes following:")
        for label, seconds, mib in rows:
            print(f"  {label:<28} {seconds:7.1f} s  {copies / seconds:7.1f} images/s  peak {mib:6.0f} MiB")
        print("  (Lasso's time includes writing the original images too: 4 images per source image)")


if __name__ == "__main__":
    main()
