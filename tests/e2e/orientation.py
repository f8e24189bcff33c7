"""Helpers for orientation.test.js. `make OUT`: writes a 90×50 stored JPEG with a red block and
EXIF orientation 6, prints the block's upright bounds and size as Pillow sees them.
`check ZIP`: opens the exported COCO zip, turns its image upright with `exif_transpose` and
prints the share of red pixels inside the exported box."""
import io
import json
import sys
import zipfile

import numpy as np
from PIL import Image, ImageOps


def red(a):
    return (a[:, :, 0] > 180) & (a[:, :, 1] < 90) & (a[:, :, 2] < 90)


def make(out):
    stored = Image.new("RGB", (90, 50), "white")
    stored.paste((255, 0, 0), (10, 5, 40, 20))
    exif = Image.Exif()
    exif[0x0112] = 6
    stored.save(out, quality=95, exif=exif.tobytes())
    upright = np.asarray(ImageOps.exif_transpose(Image.open(out)).convert("RGB")).astype(int)
    ys, xs = np.nonzero(red(upright))
    print(json.dumps({"block": [int(xs.min()), int(ys.min()), int(xs.max()) + 1, int(ys.max()) + 1],
                      "size": [upright.shape[1], upright.shape[0]]}))


def check(path):
    with zipfile.ZipFile(path) as z:
        coco = json.loads(z.read("annotations/instances_default.json"))
        image = coco["images"][0]
        name = next(n for n in z.namelist() if n.startswith("images/"))
        picture = ImageOps.exif_transpose(Image.open(io.BytesIO(z.read(name)))).convert("RGB")
    a = np.asarray(picture).astype(int)
    x, y, w, h = (int(round(v)) for v in coco["annotations"][0]["bbox"])
    inside = red(a[y:y + h, x:x + w])
    print(json.dumps({"size": [image["width"], image["height"]], "upright": list(picture.size),
                      "red_share": float(inside.mean())}))


if __name__ == "__main__":
    {"make": make, "check": check}[sys.argv[1]](sys.argv[2])
