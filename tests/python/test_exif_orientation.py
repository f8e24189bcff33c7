"""Photos with an EXIF orientation count at their upright size, as browsers show them and as
Pillow's `exif_transpose` reads them: a YOLO dataset of rotated JPEGs (boxes drawn on the
upright picture) converted to COCO by the `lasso` CLI lands on the same pixels Pillow finds."""
import json
import os
import subprocess
import tempfile

import numpy as np
import pytest
from PIL import Image, ImageOps

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def rotated_jpeg(path, orientation):
    """A 90×50 stored JPEG with a red block, tagged with `orientation`; returns the block's
    bounds (x0, y0, x1, y1) in the upright picture and the upright size, as Pillow sees them."""
    stored = Image.new("RGB", (90, 50), "white")
    stored.paste((255, 0, 0), (10, 5, 40, 20))
    exif = Image.Exif()
    exif[0x0112] = orientation
    stored.save(path, quality=95, exif=exif.tobytes())
    upright = np.asarray(ImageOps.exif_transpose(Image.open(path)).convert("RGB")).astype(int)
    red = (upright[:, :, 0] > 180) & (upright[:, :, 1] < 90) & (upright[:, :, 2] < 90)
    ys, xs = np.nonzero(red)
    return (xs.min(), ys.min(), xs.max() + 1, ys.max() + 1), (upright.shape[1], upright.shape[0])


@pytest.mark.parametrize("orientation", [1, 3, 6, 8])
def test_rotated_photos_convert_at_their_upright_size(orientation):
    with tempfile.TemporaryDirectory() as tmp:
        src = os.path.join(tmp, "yolo")
        os.makedirs(os.path.join(src, "images"))
        os.makedirs(os.path.join(src, "labels"))
        (x0, y0, x1, y1), (w, h) = rotated_jpeg(os.path.join(src, "images", "a.jpg"), orientation)
        # The box as a person draws it on the upright picture, in YOLO's normalised terms.
        cx, cy, bw, bh = (x0 + x1) / 2 / w, (y0 + y1) / 2 / h, (x1 - x0) / w, (y1 - y0) / h
        with open(os.path.join(src, "labels", "a.txt"), "w") as f:
            f.write(f"0 {cx} {cy} {bw} {bh}\n")
        with open(os.path.join(src, "data.yaml"), "w") as f:
            f.write("names: [block]\n")
        out = os.path.join(tmp, "coco")
        subprocess.run(
            ["cargo", "run", "-q", "-p", "lasso-cli", "--", "convert", "--from", "yolo", "--to", "coco",
             src, out],
            cwd=REPO, check=True,
        )
        with open(os.path.join(out, "annotations", "instances_default.json")) as f:
            coco = json.load(f)
        image = coco["images"][0]
        assert (image["width"], image["height"]) == (w, h), (orientation, image)
        bx, by, bw_px, bh_px = coco["annotations"][0]["bbox"]
        assert np.allclose([bx, by, bx + bw_px, by + bh_px], [x0, y0, x1, y1], atol=1.0), (
            orientation, coco["annotations"][0]["bbox"], (x0, y0, x1, y1))
