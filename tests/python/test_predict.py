"""`lasso predict` against the real local store with the reference model backend (Label Studio's
ML backend SDK around OpenCV's face cascade): 100 tasks of photos with a face are pre-labelled;
the run is killed half way at a known point (a relay counts the predict calls), a second run
finishes without asking for the tasks already done, and every manifest holds the face once, on
the face. Backends that hang, fail or answer garbage are named and change no manifest. A dataset folder
is pre-labelled too, its images served to the backend by the command.
"""
import http.server
import json
import os
import signal
import subprocess
import tempfile
import threading
import urllib.request

import pytest
from PIL import Image

from dev_store import Dev, Relay, build_binaries
from ml_support import Backend, face_photos

USERS = [{"user": "lead", "token": "lead-token-0001", "roles": ["manager"]}]
TASKS = 100
MODEL = "opencv-haar-faces-1"


@pytest.fixture(scope="module")
def setup():
    build_binaries()
    with tempfile.TemporaryDirectory() as tmp:
        seed = os.path.join(tmp, "seed")
        os.makedirs(seed)
        faces = face_photos(seed, TASKS)
        dev = Dev(tmp, seed, USERS, "faces")
        backend = Backend()
        try:
            # The project's classes: faces are people here.
            project = dev.call("lead", "GET", "/projects/faces")["project"]
            project["labels"]["labels"] = [{"name": "person", "color": "#e6194b"}]
            dev.call("lead", "PUT", "/projects/faces", json=project)
            yield dev, backend, faces
        finally:
            backend.stop()
            dev.stop()


def predicts(data):
    """How many model calls a request chunk starts."""
    return int(data.startswith(b"POST /predict"))


def manifests(dev):
    keys = [o["Key"] for o in dev.boto().list_objects_v2(Bucket=dev.bucket, Prefix="faces/src/tasks/")["Contents"]]
    return {k: dev.read_json(k) for k in keys}


def iou(a, b):
    ax0, ay0, ax1, ay1 = a
    bx0, by0, bx1, by1 = b
    inter = max(0.0, min(ax1, bx1) - max(ax0, bx0)) * max(0.0, min(ay1, by1) - max(ay0, by0))
    return inter / ((ax1 - ax0) * (ay1 - ay0) + (bx1 - bx0) * (by1 - by0) - inter)


class JsonHandler(http.server.BaseHTTPRequestHandler):
    """A quiet handler that answers JSON."""

    def log_message(self, *args):
        pass

    def send_json(self, status, data):
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)


class Broken(JsonHandler):
    """A backend that is up and set up, then answers /predict as `mode` says."""

    mode = "500"
    release = threading.Event()

    def answer(self, status, body):
        self.send_json(status, body.encode())

    def do_GET(self):
        self.answer(200, '{"status": "UP"}')

    def do_POST(self):
        self.rfile.read(int(self.headers["Content-Length"]))
        if self.path == "/setup":
            return self.answer(200, '{"model_version": "broken"}')
        if self.mode == "hang":
            Broken.release.wait(30)
            return self.answer(200, '{"results": []}')
        if self.mode == "garbage":
            return self.answer(200, "<html>not a prediction</html>")
        return self.answer(500, "Traceback (most recent call last):\nValueError: the model fell over")


def test_a_killed_run_resumes_and_every_manifest_holds_its_face_once(setup):
    dev, backend, faces = setup
    relay = Relay(backend.url, predicts, at=TASKS // 2)
    run = subprocess.Popen(
        dev.lasso_command("predict", "--backend", relay.url, "--project", "faces", "--map-class", "face=person",
                          "--parallel", "4"),
        env=dev.env(), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    assert relay.reached.wait(300), "the run did not get half way"
    run.send_signal(signal.SIGKILL)
    run.wait(timeout=30)
    relay.close()
    first = relay.count
    done = sum(1 for m in manifests(dev).values() if any(
        a.get("origin", {}).get("model") == MODEL for a in m["annotations"]))
    assert 0 < done < TASKS, done

    again = Relay(backend.url, predicts)
    resumed = dev.lasso("predict", "--backend", again.url, "--project", "faces", "--map-class", "face=person",
                        "--parallel", "4")
    again.close()
    # Only what was not done is asked for again (plus the first task, which names the model).
    assert again.count <= TASKS - done + 1, (again.count, done, first)
    assert f"{done - 1} already held its predictions" in resumed.stderr or \
        f"{done} already held its predictions" in resumed.stderr, resumed.stderr
    found = 0
    for key, manifest in manifests(dev).items():
        predicted = [a for a in manifest["annotations"] if a.get("origin", {}).get("model") == MODEL]
        ids = [a["id"] for a in manifest["annotations"]]
        assert len(ids) == len(set(ids)), key
        name = manifest["image"]["name"] or manifest["image"]["src"].rsplit("/", 1)[-1]
        x, y, w, h = faces[name]
        on_face = [a for a in predicted if iou((x, y, x + w, y + h),
                                              (a["shape"]["x0"], a["shape"]["y0"], a["shape"]["x1"], a["shape"]["y1"])) >= 0.5]
        assert len(on_face) <= 1, (key, predicted)
        assert all(a["label"] == "person" and 0 < a["origin"]["score"] <= 1 for a in predicted), predicted
        found += len(on_face)
    # The cascade finds the face on nearly every photo (it misses a few small ones).
    assert found >= TASKS * 0.9, found

    # How unsure the model was about each task, for "next": one minus its lowest score.
    ranking = dev.read_json("faces/state/ml/uncertainty.json")
    assert ranking["model"] == MODEL
    for key, manifest in manifests(dev).items():
        scores = [a["origin"]["score"] for a in manifest["annotations"] if a.get("origin", {}).get("model") == MODEL]
        if scores:
            assert ranking["tasks"][manifest["id"]]["least_confident"] == pytest.approx(1 - min(scores), abs=1e-12)

    # A third run has nothing left to do and changes nothing.
    before = manifests(dev)
    third = Relay(backend.url, predicts)
    dev.lasso("predict", "--backend", third.url, "--project", "faces", "--map-class", "face=person")
    third.close()
    assert third.count == 1 and manifests(dev) == before


class Meddling(JsonHandler):
    """The real backend behind a relay that, while a task is being predicted, writes that task's
    manifest itself (as another model's run or a re-import would): the run must merge its
    predictions into what is there then, not overwrite it."""

    backend = ""
    dev = None

    def relay(self, body=None):
        request = urllib.request.Request(Meddling.backend + self.path, data=body, method=self.command,
                                         headers={"Content-Type": "application/json"})
        with urllib.request.urlopen(request, timeout=60) as answer:
            self.send_json(answer.status, answer.read())

    def do_GET(self):
        self.relay()

    def do_POST(self):
        body = self.rfile.read(int(self.headers["Content-Length"]))
        if self.path == "/predict":
            for task in json.loads(body)["tasks"]:
                key = f"faces/src/tasks/{task['meta']['lasso_task_id']}.json"
                manifest = Meddling.dev.read_json(key)
                manifest["annotations"].append({
                    "id": "meddled", "label": "person",
                    "shape": {"type": "box", "x0": 1, "y0": 1, "x1": 9, "y1": 9}})
                Meddling.dev.boto().put_object(Bucket=Meddling.dev.bucket, Key=key,
                                               Body=json.dumps(manifest).encode(), ContentType="application/json")
        self.relay(body)


def test_a_manifest_written_meanwhile_keeps_what_was_written(setup):
    dev, backend, _ = setup
    Meddling.backend, Meddling.dev = backend.url, dev
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Meddling)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        dev.lasso("predict", "--backend", f"http://127.0.0.1:{server.server_port}", "--project", "faces",
                  "--map-class", "face=person", "--parallel", "4", "--again")
    finally:
        server.shutdown()
    done = manifests(dev)
    assert len(done) == TASKS
    for key, manifest in done.items():
        ids = [a["id"] for a in manifest["annotations"]]
        # What was written while the task was predicted is kept, beside this run's predictions.
        assert ids.count("meddled") == 1, (key, ids)
        assert len(ids) == len(set(ids)), (key, ids)
    predicted = sum(1 for m in done.values() if any(
        a.get("origin", {}).get("model") == MODEL for a in m["annotations"]))
    assert predicted >= TASKS * 0.9, predicted


@pytest.mark.parametrize("mode, says", [
    ("500", "answered 500 (the backend failed; its log says why): Traceback"),
    ("garbage", "the model backend's answer is wrong at the body: not JSON"),
    ("hang", "did not answer within 2.0 s"),
])
def test_a_failing_backend_is_named_and_changes_no_manifest(setup, mode, says):
    dev, _, _ = setup
    Broken.mode = mode
    Broken.release.clear()
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Broken)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    before = manifests(dev)
    try:
        run = dev.lasso("predict", "--backend", f"http://127.0.0.1:{server.server_port}", "--project", "faces",
                        "--timeout", "2", "--again", check=False)
    finally:
        Broken.release.set()
        server.shutdown()
    assert run.returncode != 0, run.stderr
    assert says in run.stderr, run.stderr
    assert manifests(dev) == before


def test_no_backend_and_a_wrong_class_map_are_named(setup):
    dev, _, _ = setup
    run = dev.lasso("predict", "--backend", "http://127.0.0.1:9", "--project", "faces", check=False)
    assert run.returncode != 0 and "cannot reach the model backend at http://127.0.0.1:9/health" in run.stderr, run.stderr
    run = dev.lasso("predict", "--backend", "http://x", "--project", "faces", "--map-class", "face", check=False)
    assert run.returncode != 0 and "not MODEL_CLASS=PROJECT_CLASS" in run.stderr, run.stderr


def test_a_dataset_folder_is_pre_labelled_with_its_images_served_to_the_backend(setup, tmp_path):
    dev, backend, _ = setup
    images = tmp_path / "in" / "images"
    images.mkdir(parents=True)
    faces = face_photos(str(images), 6, seed=5)
    coco = {"images": [], "annotations": [], "categories": [{"id": 1, "name": "person"}]}
    for i, name in enumerate(sorted(faces)):
        with Image.open(images / name) as im:
            coco["images"].append({"id": i + 1, "file_name": name, "width": im.width, "height": im.height})
    (tmp_path / "in" / "annotations").mkdir()
    (tmp_path / "in" / "annotations" / "instances_default.json").write_text(json.dumps(coco))
    out = tmp_path / "out"
    run = dev.lasso("predict", "--backend", backend.url, "--from", "coco", str(tmp_path / "in"), str(out),
                    "--map-class", "face=person")
    assert "6 of 6 images predicted by opencv-haar-faces-1" in run.stderr, run.stderr
    tasks = json.loads((out / "lasso.json").read_text())["tasks"]
    found = 0
    for task in tasks:
        x, y, w, h = faces[task["image"]["name"]]
        for a in task["annotations"]:
            assert a["label"] == "person" and a["origin"]["model"] == MODEL
            s = a["shape"]
            found += iou((x, y, x + w, y + h), (s["x0"], s["y0"], s["x1"], s["y1"])) >= 0.5
    assert found >= 5, found
    # A format that cannot keep predictions is refused before anything is asked.
    refused = dev.lasso("predict", "--backend", backend.url, "--from", "coco", str(tmp_path / "in"),
                        str(tmp_path / "x"), "--to", "voc", check=False)
    assert refused.returncode != 0 and "voc does not keep predictions" in refused.stderr, refused.stderr
    assert not (tmp_path / "x").exists()
