"""The reference model backend (examples/ml-backend, in .venv-ml) and photos with faces made
from scikit-image's bundled astronaut portrait, for the model tests."""
import os
import socket
import subprocess
import time

import requests
from PIL import Image

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
ML_PYTHON = os.path.join(REPO, ".venv-ml", "bin", "python")
# The astronaut's face in skimage.data.astronaut() (512 × 512) as x, y, w, h: where the
# frontal-face cascade finds it on the original.
FACE = (177, 67, 93, 93)


def astronaut():
    """The portrait shipped inside scikit-image (read through .venv-ml, which has it)."""
    path = subprocess.run(
        [ML_PYTHON, "-c", "import os, skimage.data as d; print(os.path.join(os.path.dirname(d.__file__), 'astronaut.png'))"],
        check=True, capture_output=True, text=True).stdout.strip()
    return Image.open(path).convert("RGB")


def face_photos(folder, count, seed=0):
    """`count` JPEG photos: the portrait scaled and placed on a grey canvas of varying size, so
    the face is somewhere else in each. Returns {file name: (x, y, w, h) of the face}."""
    import random

    rng = random.Random(seed)
    portrait = astronaut()
    faces = {}
    for i in range(count):
        scale = rng.uniform(0.6, 1.0)
        size = int(512 * scale)
        canvas = Image.new("RGB", (size + rng.randint(0, 200), size + rng.randint(0, 150)), (128, 128, 128))
        ox, oy = rng.randint(0, canvas.width - size), rng.randint(0, canvas.height - size)
        canvas.paste(portrait.resize((size, size), Image.BILINEAR), (ox, oy))
        name = f"face{i:03}.jpg"
        canvas.save(os.path.join(folder, name), quality=90)
        x, y, w, h = FACE
        faces[name] = (ox + x * scale, oy + y * scale, w * scale, h * scale)
    return faces


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Backend:
    """The reference backend on a free port; ready when /health answers."""

    def __init__(self):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.proc = subprocess.Popen(
            [ML_PYTHON, os.path.join(REPO, "examples", "ml-backend", "_wsgi.py"), "--port", str(self.port)],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                if requests.get(self.url + "/health", timeout=2).ok:
                    return
            except requests.ConnectionError:
                pass
            if self.proc.poll() is not None:
                raise RuntimeError("the reference backend exited")
            time.sleep(0.1)
        raise RuntimeError("the reference backend did not start")

    def stop(self):
        self.proc.terminate()
        self.proc.wait(timeout=30)
