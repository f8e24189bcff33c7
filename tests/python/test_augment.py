"""Augmentation and preprocessing read back by real consumers.

Images made here hold solid-coloured objects of known shapes — a box, a rotated rectangle, a
polygon with a hole, a mask, and keypoints on coloured dots. `lasso convert` augments them and
writes COCO; pycocotools rasterises every written annotation and each must cover its object's
pixels, found by colour in the written image (mask IoU ≥ 0.95), keypoints within 1 px of their
dots, left and right eyes swapped exactly on the mirrored copies. A letterboxed YOLO export read
by supervision has its boxes on the objects, also for a photo turned by EXIF orientation 6.
"""
import hashlib
import json
import math
import os
import subprocess
import tempfile

import numpy as np
import pytest
import supervision as sv
from PIL import Image, ImageDraw
from pycocotools import mask as mask_util
from pycocotools.coco import COCO

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
W, H = 160, 120
BACKGROUND = (40, 40, 40)
COLOURS = {
    "box": (255, 0, 0),
    "rotated": (0, 255, 0),
    "holed": (0, 0, 255),
    "blob": (255, 255, 0),
}
DOTS = {"left_eye": ((100, 80), (255, 0, 255)), "right_eye": ((130, 80), (0, 255, 255)), "nose": ((115, 92), (255, 255, 255))}


def lasso(*args):
    subprocess.run(["cargo", "run", "-q", "-p", "lasso-cli", "--", *args], cwd=REPO, check=True)


def rotated_corners(cx, cy, w, h, angle):
    s, c = math.sin(math.radians(angle)), math.cos(math.radians(angle))
    return [(cx + dx * c - dy * s, cy + dx * s + dy * c) for dx, dy in [(-w / 2, -h / 2), (w / 2, -h / 2), (w / 2, h / 2), (-w / 2, h / 2)]]


def raster(points):
    """The pixels pycocotools counts inside a polygon, as a boolean H × W array."""
    rle = mask_util.frPyObjects([[c for p in points for c in p]], H, W)
    return mask_util.decode(rle)[:, :, 0].astype(bool)


def make_dataset(root, count, shift):
    """`count` images with every kind of shape, each set a little to the side by `shift`."""
    os.makedirs(os.path.join(root, "images"))
    tasks = []
    for i in range(count):
        dx = (i * shift) % 12
        image = Image.new("RGB", (W, H), BACKGROUND)
        draw = ImageDraw.Draw(image)
        box = [10 + dx, 10, 50 + dx, 40]
        draw.rectangle([box[0], box[1], box[2] - 1, box[3] - 1], fill=COLOURS["box"])
        rotated = dict(cx=110 - dx, cy=32, w=44, h=20, angle=25)
        outer = [(20 + dx, 58), (72 + dx, 62), (66 + dx, 112), (18 + dx, 108)]
        hole = [(36 + dx, 76), (54 + dx, 76), (54 + dx, 94), (36 + dx, 94)]
        # Polygons are painted as pycocotools rasterises them (pixel centres at +0.5), the
        # convention the annotations use.
        pixels = np.array(image)
        pixels[raster(rotated_corners(**rotated))] = COLOURS["rotated"]
        pixels[raster(outer) & ~raster(hole)] = COLOURS["holed"]
        image = Image.fromarray(pixels)
        draw = ImageDraw.Draw(image)
        draw.ellipse([84, 100, 150, 118], fill=COLOURS["blob"])
        for (x, y), colour in DOTS.values():
            draw.rectangle([x - 2, y - 2, x + 2, y + 2], fill=colour)
        name = f"img{i}.png"
        image.save(os.path.join(root, "images", name))
        pixels = np.asarray(image)
        blob = np.all(pixels == COLOURS["blob"], axis=2)
        # Runs of the column-major mask, starting with a run of zeros (COCO's counts).
        flat = blob.T.reshape(-1).astype(np.uint8)
        changes = np.flatnonzero(np.diff(np.concatenate([[0], flat, [1 - flat[-1]]])))
        counts = np.diff(np.concatenate([[0], changes])).tolist()
        shapes = [
            ("box", {"type": "box", "x0": box[0], "y0": box[1], "x1": box[2], "y1": box[3]}),
            ("rotated", {"type": "rotated_box", **rotated}),
            ("holed", {"type": "polygon", "parts": [{
                "exterior": [{"x": x, "y": y} for x, y in outer],
                "holes": [[{"x": x, "y": y} for x, y in hole]]}]}),
            ("blob", {"type": "mask", "width": W, "height": H, "counts": counts}),
            ("face", {"type": "keypoints", "points": [
                {"name": n, "x": x + 0.5, "y": y + 0.5, "visibility": "visible"} for n, ((x, y), _) in DOTS.items()]}),
        ]
        tasks.append({
            "id": f"t{i}",
            "image": {"src": f"images/{name}", "name": name, "width": W, "height": H},
            "annotations": [{"id": f"t{i}-{label}", "label": label, "shape": shape} for label, shape in shapes],
        })
    labels = [{"name": n, "color": "#ff0000"} for n in ["box", "rotated", "holed", "blob"]]
    labels.append({"name": "face", "color": "#00ff00", "keypoints": list(DOTS)})
    with open(os.path.join(root, "lasso.json"), "w") as f:
        json.dump({"version": 1, "labels": {"labels": labels}, "tasks": tasks}, f)


def by_colour(pixels, colour, tolerance=60):
    distance = np.abs(pixels.astype(int) - np.array(colour)).sum(axis=2)
    return distance < tolerance


def nearest_colour(pixels):
    """Each object's pixels: those nearer its colour than the background's or any other's (a
    pixel blended by resampling belongs to whatever covers more than half of it)."""
    palette = {"background": BACKGROUND, **COLOURS, **{n: c for n, (_, c) in DOTS.items()}}
    names = list(palette)
    distance = np.stack([np.abs(pixels.astype(int) - np.array(palette[n])).sum(axis=2) for n in names])
    nearest = distance.argmin(axis=0)
    return {n: nearest == i for i, n in enumerate(names)}


def iou(a, b):
    union = np.logical_or(a, b).sum()
    return np.logical_and(a, b).sum() / union if union else 1.0


def centroid(mask):
    ys, xs = np.nonzero(mask)
    return xs.mean() + 0.5, ys.mean() + 0.5


GEOMETRIC = {
    "augment": {
        "copies": 4,
        "ops": [
            {"op": "flip_horizontal", "p": 0.5},
            {"op": "rotate90", "p": 0.3},
            {"op": "rotate", "degrees": 20, "p": 0.7},
            {"op": "crop", "min_scale": 0.85, "p": 0.5},
        ],
        "keep": {"min_visibility": 0.0, "min_area": 0.0},
    }
}


# The same with shear, which turns a rotated rectangle into a parallelogram: a rotated box
# becomes the smallest rotated rectangle around it, so it covers its object rather than equal it.
SHEARED = json.loads(json.dumps(GEOMETRIC))
SHEARED["augment"]["ops"].insert(3, {"op": "shear", "degrees": 8, "p": 0.5})


@pytest.mark.parametrize("pipeline_json", [GEOMETRIC, SHEARED], ids=["geometric", "sheared"])
def test_every_augmented_shape_covers_its_objects_pixels_in_pycocotools(pipeline_json):
    sheared = pipeline_json is SHEARED
    with tempfile.TemporaryDirectory() as tmp:
        src, out = os.path.join(tmp, "in"), os.path.join(tmp, "out")
        make_dataset(src, 12, 5)
        pipeline = os.path.join(tmp, "pipeline.json")
        with open(pipeline, "w") as f:
            json.dump(pipeline_json, f)
        lasso("convert", "--from", "lasso", "--to", "coco", "--polygons", "rle", "--pipeline", pipeline,
              "--seed", "3", src, out)
        coco = COCO(os.path.join(out, "annotations", "instances_default.json"))
        names = {c["id"]: c["name"] for c in coco.loadCats(coco.getCatIds())}
        images = coco.loadImgs(coco.getImgIds())
        assert len(images) == 12 * 5
        checked = {"mirrored": 0, "kept": 0, "objects": 0, "keypoints": 0}
        for info in images:
            pixels = np.asarray(Image.open(os.path.join(out, "images", info["file_name"])).convert("RGB"))
            assert pixels.shape[:2] == (info["height"], info["width"])
            anns = {names[a["category_id"]]: a for a in coco.loadAnns(coco.getAnnIds(imgIds=info["id"]))}
            found = nearest_colour(pixels)
            for label in ["rotated", "holed", "blob"]:
                if found[label].sum() < 100:
                    continue
                assert label in anns, (info["file_name"], label)
                ours = coco.annToMask(anns[label]).astype(bool)
                if sheared and label == "rotated":
                    covered = np.logical_and(ours, found[label]).sum() / found[label].sum()
                    assert covered >= 0.95, (info["file_name"], label, covered)
                else:
                    assert iou(ours, found[label]) >= 0.95, (info["file_name"], label, iou(ours, found[label]))
                checked["objects"] += 1
            if found["box"].sum() >= 100:
                # A box has no outline but its corners: it holds every pixel more than half
                # covered by the object, and reaches at most 2 px past them (a corner turned
                # outwards covers little of the pixels at its tip).
                ys, xs = np.nonzero(found["box"])
                x, y, w, h = anns["box"]["bbox"]
                low = [(x, xs.min()), (y, ys.min())]
                high = [(x + w, xs.max() + 1), (y + h, ys.max() + 1)]
                assert all(t - 2 <= o <= t + 0.5 for o, t in low), (info["file_name"], low)
                assert all(t - 0.5 <= o <= t + 2 for o, t in high), (info["file_name"], high)
                checked["objects"] += 1
            # Mirrored copies: the turn from box to rotated to holed centres changes sign
            # (clockwise on screen, positive, in the originals).
            centres = [centroid(found[l]) for l in ["box", "rotated", "holed"]]
            (ax, ay), (bx, by), (cx, cy) = centres
            mirrored = (bx - ax) * (cy - ay) - (by - ay) * (cx - ax) < 0
            checked["mirrored"] += mirrored
            checked["kept"] += not mirrored
            kp = np.array(anns["face"]["keypoints"]).reshape(-1, 3)
            for (name, (_, colour)), (x, y, v) in zip(DOTS.items(), kp):
                twin = {"left_eye": "right_eye", "right_eye": "left_eye"}.get(name, name) if mirrored else name
                # The dot's own pixels: within 5 px of the keypoint (edges blended between two
                # other colours can look like a dot's colour elsewhere).
                rows, cols = np.indices(pixels.shape[:2])
                near = np.hypot(cols + 0.5 - x, rows + 0.5 - y) <= 5
                dot = found[twin] & near
                if v == 0:
                    continue
                inside = 4 <= x <= pixels.shape[1] - 4 and 4 <= y <= pixels.shape[0] - 4
                if not inside and dot.sum() < 12:
                    continue  # the dot is cut by the border
                assert dot.sum() >= 12, (info["file_name"], name, "no dot of the right colour at", (x, y), mirrored)
                dx, dy = centroid(dot)
                assert math.hypot(dx - x, dy - y) <= 1.0, (info["file_name"], name, (x, y), (dx, dy), mirrored)
                checked["keypoints"] += 1
        # Originals count as unmirrored; copies went both ways.
        assert checked["mirrored"] >= 5 and checked["kept"] >= 12, checked
        assert checked["objects"] >= 4 * 50 and checked["keypoints"] >= 2 * 50, checked


def tree_digest(root):
    digest = hashlib.sha256()
    for folder, _, files in sorted(os.walk(root)):
        for name in sorted(files):
            path = os.path.join(folder, name)
            digest.update(os.path.relpath(path, root).encode())
            with open(path, "rb") as f:
                digest.update(f.read())
    return digest.hexdigest()


def test_letterboxed_yolo_read_by_supervision_has_boxes_on_the_objects_even_for_an_exif_turned_photo():
    with tempfile.TemporaryDirectory() as tmp:
        src = os.path.join(tmp, "in")
        make_dataset(src, 3, 4)
        # img2 becomes a JPEG stored sideways with EXIF orientation 6: upright, it is the image above.
        upright = Image.open(os.path.join(src, "images", "img2.png"))
        exif = Image.Exif()
        exif[0x0112] = 6
        upright.transpose(Image.Transpose.ROTATE_90).save(os.path.join(src, "images", "img2.jpg"), quality=98, exif=exif)
        os.remove(os.path.join(src, "images", "img2.png"))
        with open(os.path.join(src, "lasso.json")) as f:
            dataset = json.load(f)
        dataset["tasks"][2]["image"].update(src="images/img2.jpg", name="img2.jpg")
        with open(os.path.join(src, "lasso.json"), "w") as f:
            json.dump(dataset, f)
        outs = [os.path.join(tmp, f"yolo{i}") for i in range(2)]
        for out in outs:
            lasso("convert", "--from", "lasso", "--to", "yolo", "--resize", "320x320", "--resize-mode", "letterbox",
                  "--augment", "2", "--seed", "9", src, out)
        # The same seed writes the same bytes.
        assert tree_digest(outs[0]) == tree_digest(outs[1])
        out = outs[0]
        yaml = next(os.path.join(out, f) for f in os.listdir(out) if f.endswith((".yaml", ".yml")))
        ds = sv.DetectionDataset.from_yolo(
            images_directory_path=os.path.join(out, "images"),
            annotations_directory_path=os.path.join(out, "labels"),
            data_yaml_path=yaml,
        )
        assert len(ds) == 3 * 3
        originals = 0
        for path, image, detections in ds:
            assert image.shape[:2] == (320, 320)
            if "-aug" in os.path.basename(path):
                continue
            originals += 1
            # Letterbox: 160 × 120 fits as 320 × 240, 40 px of grey above and below.
            assert tuple(image[10, 160]) == (114, 114, 114) and tuple(image[310, 160]) == (114, 114, 114)
            rgb = image[:, :, ::-1]  # supervision reads BGR with OpenCV
            box = detections[np.array([ds.classes[c] == "box" for c in detections.class_id])]
            assert len(box) == 1
            ys, xs = np.nonzero(by_colour(rgb, COLOURS["box"], tolerance=90))
            x0, y0, x1, y1 = box.xyxy[0]
            assert abs(x0 - xs.min()) <= 1.5 and abs(x1 - (xs.max() + 1)) <= 1.5, (path, box.xyxy[0], xs.min(), xs.max())
            assert abs(y0 - ys.min()) <= 1.5 and abs(y1 - (ys.max() + 1)) <= 1.5, (path, box.xyxy[0], ys.min(), ys.max())
        assert originals == 3


def test_a_bad_pipeline_file_is_named_and_writes_nothing():
    with tempfile.TemporaryDirectory() as tmp:
        src, out = os.path.join(tmp, "in"), os.path.join(tmp, "out")
        make_dataset(src, 1, 0)
        pipeline = os.path.join(tmp, "pipeline.json")
        with open(pipeline, "w") as f:
            json.dump({"augment": {"copies": 2, "ops": [{"op": "rotate", "degrees": 720}]}}, f)
        run = subprocess.run(["cargo", "run", "-q", "-p", "lasso-cli", "--", "convert", "--from", "lasso", "--to", "coco",
                              "--pipeline", pipeline, src, out], cwd=REPO, capture_output=True, text=True)
        assert run.returncode == 2, run.stderr
        assert "operation 1 (rotate)" in run.stderr and "degrees = 720" in run.stderr, run.stderr
        assert not os.path.exists(out)


def test_tiles_of_a_large_image_read_by_supervision_have_every_object_clipped_to_its_tile():
    from scipy import ndimage

    with tempfile.TemporaryDirectory() as tmp:
        src, out = os.path.join(tmp, "in"), os.path.join(tmp, "out")
        os.makedirs(os.path.join(src, "images"))
        width, height, side = 1200, 700, 60
        pixels = np.full((height, width, 3), BACKGROUND, np.uint8)
        rng = np.random.default_rng(5)
        boxes = []
        while len(boxes) < 14:
            x, y = int(rng.integers(0, width - side)), int(rng.integers(0, height - side))
            if all(abs(x - bx) > side + 4 or abs(y - by) > side + 4 for bx, by in boxes):
                boxes.append((x, y))
        for x, y in boxes:
            pixels[y:y + side, x:x + side] = COLOURS["box"]
        Image.fromarray(pixels).save(os.path.join(src, "images", "aerial.png"))
        annotations = [{"id": f"b{i}", "label": "box", "shape": {"type": "box", "x0": x, "y0": y, "x1": x + side, "y1": y + side}}
                       for i, (x, y) in enumerate(boxes)]
        with open(os.path.join(src, "lasso.json"), "w") as f:
            json.dump({"version": 1, "labels": {"labels": [{"name": "box", "color": "#f00"}]}, "tasks": [{
                "id": "aerial", "image": {"src": "images/aerial.png", "name": "aerial.png", "width": width, "height": height},
                "annotations": annotations}]}, f)
        lasso("convert", "--from", "lasso", "--to", "yolo", "--tile", "512", "--tile-overlap", "64", src, out)
        ds = sv.DetectionDataset.from_yolo(
            images_directory_path=os.path.join(out, "images"),
            annotations_directory_path=os.path.join(out, "labels"),
            data_yaml_path=os.path.join(out, "data.yaml"),
        )
        # 1200 wide: tiles at 0, 448, 688; 700 high: at 0, 188.
        assert len(ds) == 6
        seen = 0
        for path, image, detections in ds:
            assert image.shape[:2] == (512, 512), path
            red = by_colour(image[:, :, ::-1], COLOURS["box"])
            parts, count = ndimage.label(red)
            extents = []
            for i, found in enumerate(ndimage.find_objects(parts)):
                ys, xs = found
                extents.append(((parts[found] == i + 1).sum(), [xs.start, ys.start, xs.stop, ys.stop]))
            drawn = sorted(detections.xyxy.tolist())
            # Every object part a quarter or more of the object has its box, clipped to the tile;
            # no box without its object.
            expected = sorted(extent for area, extent in extents if area >= side * side / 4)
            assert len(drawn) == len(expected), (path, drawn, expected)
            for ours, theirs in zip(drawn, expected):
                np.testing.assert_allclose(ours, theirs, atol=1e-3, err_msg=path)
            seen += len(drawn)
        assert seen > len(boxes)  # objects in the overlaps appear in two tiles
