"""A model backend made by the tests that answers prompts the way Label Studio's Segment
Anything backends do: it reads the clicks (`keypointlabels` with `is_positive`) and a box
(`rectanglelabels`) from `params.context.result`, in percent of the image, and answers one
`brushlabels` region in Label Studio's brush RLE (label-studio-converter's `mask2rle`).

Its "model" is exact on the flat-coloured images the tests make: a positive click takes the
connected region of non-white pixels under it, a negative click removes the same-coloured
region under it, a box keeps what lies inside it. Allows any origin (the page calls it).
With a second argument, an answer to a single prompt is held until an answer to more prompts
has been sent (at most that many seconds), so that it arrives after the answer to later
prompts.

    python sam_backend.py PORT [HOLD_SINGLE_PROMPT_SECONDS]
"""
import io
import json
import sys
import threading
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import numpy as np
from label_studio_converter.brush import mask2rle
from PIL import Image
from scipy import ndimage

MODEL = "sam-test-1"
HOLD_SINGLE = float(sys.argv[2]) if len(sys.argv) > 2 else 0.0
MORE_ANSWERED = threading.Event()


def region(labels, x, y):
    """The connected component of `labels` at (x, y), as a boolean mask."""
    n = labels[y, x]
    return labels == n if n else np.zeros(labels.shape, bool)


def segment(pixels, context):
    h, w = pixels.shape[:2]
    foreground, _ = ndimage.label((pixels != 255).any(axis=2))
    colours = pixels[..., 0].astype(np.int64) << 16 | pixels[..., 1].astype(np.int64) << 8 | pixels[..., 2]
    mask = np.zeros((h, w), bool)
    negatives = []
    box = None
    label = "object"
    for r in context.get("result", []):
        value = r["value"]
        if r["type"] == "keypointlabels":
            x = min(w - 1, int(value["x"] * w / 100))
            y = min(h - 1, int(value["y"] * h / 100))
            label = value["keypointlabels"][0]
            if r.get("is_positive"):
                mask |= region(foreground, x, y)
            else:
                negatives.append((x, y))
        elif r["type"] == "rectanglelabels":
            x0, y0 = value["x"] * w / 100, value["y"] * h / 100
            box = (int(round(x0)), int(round(y0)),
                   int(round(x0 + value["width"] * w / 100)), int(round(y0 + value["height"] * h / 100)))
            label = value["rectanglelabels"][0]
    for x, y in negatives:
        same, _ = ndimage.label(colours == colours[y, x])
        mask &= ~region(same, x, y)
    if box:
        inside = np.zeros((h, w), bool)
        inside[box[1]:box[3], box[0]:box[2]] = True
        mask &= inside
    return mask, label


class Handler(BaseHTTPRequestHandler):
    def log_message(self, *args):
        pass

    def answer(self, status, body):
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Access-Control-Allow-Origin", "*")
        self.send_header("Access-Control-Allow-Headers", "authorization, content-type")
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def do_OPTIONS(self):
        self.answer(204, {})

    def do_GET(self):
        self.answer(200, {"status": "UP"})

    def do_POST(self):
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        if self.path == "/setup":
            return self.answer(200, {"model_version": MODEL})
        results = []
        for task in body["tasks"]:
            with urllib.request.urlopen(task["data"]["image"]) as f:
                pixels = np.asarray(Image.open(io.BytesIO(f.read())).convert("RGB"))
            mask, label = segment(pixels, (body.get("params") or {}).get("context") or {})
            h, w = mask.shape
            result = [] if not mask.any() else [{
                "id": "sam", "type": "brushlabels", "from_name": "brush", "to_name": "image",
                "original_width": w, "original_height": h, "score": 0.99,
                "value": {"format": "rle", "rle": mask2rle(mask.astype(np.uint8) * 255), "brushlabels": [label]},
            }]
            results.append({"result": result, "score": 0.99, "model_version": MODEL})
        prompts = len(((body.get("params") or {}).get("context") or {}).get("result", []))
        if HOLD_SINGLE and prompts == 1:
            MORE_ANSWERED.wait(HOLD_SINGLE)
        self.answer(200, {"results": results, "model_version": MODEL})
        if prompts > 1:
            MORE_ANSWERED.set()


if __name__ == "__main__":
    ThreadingHTTPServer(("127.0.0.1", int(sys.argv[1])), Handler).serve_forever()
