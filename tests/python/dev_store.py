"""`lasso-server dev` (the local S3 store and the presign API) started by a test on free ports,
with a project seeded from a folder of images; and the `lasso` CLI pointed at its store."""
import json
import os
import socket
import subprocess
import threading

import boto3
import requests
from botocore.config import Config

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
TARGET = os.environ.get("CARGO_TARGET_DIR", os.path.join(REPO, "target"))


def build_binaries():
    subprocess.run(["cargo", "build", "-q", "-p", "lasso-server", "-p", "lasso-cli"], cwd=REPO, check=True)


class Dev:
    """`lasso-server dev` with project `project` seeded from the images in `seed`."""

    def __init__(self, tmp, seed, users, project, overlap=1):
        self.users = {u["user"]: u["token"] for u in users}
        path = os.path.join(tmp, "users.json")
        with open(path, "w") as f:
            json.dump(users, f)
        self.proc = subprocess.Popen(
            [os.path.join(TARGET, "debug", "lasso-server"), "dev", "--data-dir", os.path.join(tmp, "store"),
             "--s3-port", "0", "--port", "0", "--seed", seed, "--users", path, "--project", project,
             "--overlap", str(overlap)],
            stdout=subprocess.PIPE, text=True)
        for line in self.proc.stdout:
            words = line.split()
            if line.startswith("lasso-server: s3 "):
                self.s3, self.bucket, self.access, self.secret = words[2], words[4], words[6], words[8]
            elif line.startswith("lasso-server: api "):
                self.api = words[2]
            elif line.startswith("lasso-server: ready"):
                break
        else:
            raise RuntimeError("lasso-server did not start")

    def stop(self):
        self.proc.terminate()
        self.proc.wait(timeout=30)

    def env(self):
        return dict(os.environ, AWS_ACCESS_KEY_ID=self.access, AWS_SECRET_ACCESS_KEY=self.secret,
                    AWS_REGION="us-east-1")

    def boto(self):
        return boto3.client("s3", endpoint_url=self.s3, aws_access_key_id=self.access,
                            aws_secret_access_key=self.secret, region_name="us-east-1",
                            config=Config(s3={"addressing_style": "path"}))

    def call(self, user, method, path, **kwargs):
        r = requests.request(method, self.api + path, headers={"authorization": f"Bearer {self.users[user]}"},
                             timeout=30, **kwargs)
        assert r.ok, (path, r.status_code, r.text)
        return r.json() if r.text else None

    def read_json(self, key):
        return json.loads(self.boto().get_object(Bucket=self.bucket, Key=key)["Body"].read())

    def lasso_command(self, *args, endpoint=None):
        """The `lasso` command line for `args` against this store."""
        return [os.path.join(TARGET, "debug", "lasso"), *args, "--bucket", self.bucket,
                "--endpoint", endpoint or self.s3]

    def lasso(self, *args, endpoint=None, check=True, env=None):
        run = subprocess.run(self.lasso_command(*args, endpoint=endpoint), env=env or self.env(),
                             capture_output=True, text=True)
        if check:
            assert run.returncode == 0, run.stderr
        return run


class Relay:
    """A TCP relay to `target` (`http://host:port`) that counts what `counts(request bytes)`
    says each request chunk holds and sets `reached` once `at` are seen; with `cut`, it then
    stops answering (the client is cut off at a known point, no timing involved)."""

    def __init__(self, target, counts, at=None, cut=False):
        host, port = target.removeprefix("http://").split(":")
        self.target = (host, int(port))
        self.counts, self.at, self.cut = counts, at, cut
        self.count = 0
        self.lock = threading.Lock()
        self.reached = threading.Event()
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.url = f"http://127.0.0.1:{self.listener.getsockname()[1]}"
        threading.Thread(target=self.accept, daemon=True).start()

    def accept(self):
        while not (self.cut and self.reached.is_set()):
            try:
                client, _ = self.listener.accept()
            except OSError:
                return
            server = socket.create_connection(self.target)
            threading.Thread(target=self.pump, args=(client, server, True), daemon=True).start()
            threading.Thread(target=self.pump, args=(server, client, False), daemon=True).start()

    def pump(self, src, dst, requests_side):
        try:
            while (data := src.recv(65536)):
                if requests_side:
                    with self.lock:
                        self.count += self.counts(data)
                        if self.at is not None and self.count >= self.at:
                            self.reached.set()
                    if self.cut and self.reached.is_set():
                        self.listener.close()
                        break
                dst.sendall(data)
        except OSError:
            pass
        for s in (src, dst):
            try:
                s.close()
            except OSError:
                pass

    def close(self):
        self.listener.close()
