"""A face detector as a Label Studio ML backend: OpenCV's frontal-face Haar cascade (shipped
inside the opencv-python wheel, nothing downloaded) behind Label Studio's ML backend SDK.

Each face becomes a `rectanglelabels` region of the class `face` (map it to a project class with
`ml.classes` or `lasso predict --map-class face=person`), scored by the cascade's confidence.
"""
import math
import os
import threading

import cv2
from label_studio_ml.model import LabelStudioMLBase

# One cascade for the process; OpenCV's detector is not safe to call from several threads at
# once (the server answers requests in threads), so calls take turns.
_DETECTING = threading.Lock()
CASCADE = os.path.join(cv2.data.haarcascades, "haarcascade_frontalface_default.xml")
MODEL_VERSION = "opencv-haar-faces-1"


def confidence(weight):
    """The cascade's level weight (unbounded, about 0-10 for faces) as a score in (0, 1)."""
    return 1.0 / (1.0 + math.exp(-float(weight) / 2.0))


class FaceDetector(LabelStudioMLBase):
    """Faces on the image of each task."""

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.cascade = cv2.CascadeClassifier(CASCADE)
        if self.cascade.empty():
            raise RuntimeError(f"cannot load the face cascade from {CASCADE}")
        # The config's RectangleLabels control and its image, as Label Studio names them.
        self.from_name, self.to_name = "label", "image"
        for name, info in (self.parsed_label_config or {}).items():
            if info.get("type") == "RectangleLabels":
                self.from_name, self.to_name = name, info["to_name"][0]
                break

    def detect(self, path):
        image = cv2.imread(path, cv2.IMREAD_COLOR)
        if image is None:
            raise ValueError(f"cannot read the image {path}")
        gray = cv2.equalizeHist(cv2.cvtColor(image, cv2.COLOR_BGR2GRAY))
        with _DETECTING:
            boxes, _, weights = self.cascade.detectMultiScale3(
                gray, scaleFactor=1.1, minNeighbors=5, minSize=(24, 24), outputRejectLevels=True
            )
        height, width = gray.shape
        return width, height, [(tuple(int(v) for v in b), confidence(w)) for b, w in zip(boxes, weights)]

    def predict(self, tasks, **kwargs):
        predictions = []
        for task in tasks:
            url = task["data"]["image"]
            width, height, faces = self.detect(self.get_local_path(url))
            result = [
                {
                    "id": f"face{i}",
                    "type": "rectanglelabels",
                    "from_name": self.from_name,
                    "to_name": self.to_name,
                    "original_width": width,
                    "original_height": height,
                    "image_rotation": 0,
                    "score": score,
                    "value": {
                        "x": 100.0 * x / width,
                        "y": 100.0 * y / height,
                        "width": 100.0 * w / width,
                        "height": 100.0 * h / height,
                        "rotation": 0,
                        "rectanglelabels": ["face"],
                    },
                }
                for i, ((x, y, w, h), score) in enumerate(faces)
            ]
            predictions.append({
                "result": result,
                "score": min((r["score"] for r in result), default=0.0),
                "model_version": MODEL_VERSION,
            })
        return predictions
