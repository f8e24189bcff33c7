"""The dev server's presigned uploads, checked from the outside with boto3.

Starts `lasso-server dev` (built by cargo, or the binary named by LASSO_SERVER_BIN) on
ephemeral loopback ports, uploads through the presign API with `requests`, and reads the
object back with boto3 using the store's development credentials.
"""

import json
import os
import pathlib
import subprocess
import tempfile

import boto3
import botocore.config
import pytest
import requests

REPO = pathlib.Path(__file__).resolve().parents[2]
TOKEN = "lasso-dev-token"


def server_binary():
    given = os.environ.get("LASSO_SERVER_BIN")
    if given:
        return given
    out = subprocess.run(
        ["cargo", "build", "-q", "-p", "lasso-server", "--bin", "lasso-server",
         "--message-format=json"],
        cwd=REPO, check=True, capture_output=True, text=True,
    ).stdout
    for line in out.splitlines():
        msg = json.loads(line)
        if msg.get("reason") == "compiler-artifact" and msg.get("executable") \
                and msg["target"]["name"] == "lasso-server":
            return msg["executable"]
    raise RuntimeError("cargo did not report the lasso-server executable")


@pytest.fixture(scope="module")
def dev_server():
    data = tempfile.TemporaryDirectory()
    proc = subprocess.Popen(
        [server_binary(), "dev", "--data-dir", data.name, "--s3-port", "0", "--port", "0"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )
    info = {}
    try:
        for line in proc.stdout:
            words = line.split()
            if line.startswith("lasso-server: s3 "):
                info["s3"], info["bucket"] = words[2], words[4]
                info["access_key"], info["secret_key"] = words[6], words[8]
            elif line.startswith("lasso-server: api "):
                info["api"] = words[2]
            elif line.startswith("lasso-server: ready"):
                break
        assert {"s3", "api"} <= info.keys(), f"server did not start: {proc.stderr.read()}"
        yield info
    finally:
        proc.terminate()
        proc.wait(timeout=10)
        data.cleanup()


def s3_client(info):
    return boto3.client(
        "s3",
        endpoint_url=info["s3"],
        aws_access_key_id=info["access_key"],
        aws_secret_access_key=info["secret_key"],
        region_name="us-east-1",
        config=botocore.config.Config(
            s3={"addressing_style": "path"},
            request_checksum_calculation="when_required",
            response_checksum_validation="when_required",
        ),
    )


def presign(info, **body):
    r = requests.post(f"{info['api']}/presign", json=body,
                      headers={"Authorization": f"Bearer {TOKEN}"}, timeout=10)
    return r


def test_presigned_put_is_stored_byte_for_byte(dev_server):
    payload = bytes(range(256)) * 409 + b"tail"
    key = "target/task-7/dev.json"
    r = presign(dev_server, key=key, method="PUT", content_type="application/json",
                size=len(payload))
    assert r.status_code == 200, r.text
    p = r.json()
    put = requests.put(p["url"], data=payload, headers=p["headers"], timeout=10)
    assert put.status_code == 200, put.text

    obj = s3_client(dev_server).get_object(Bucket=dev_server["bucket"], Key=key)
    assert obj["Body"].read() == payload
    assert obj["ContentType"] == "application/json"
    assert obj["ContentLength"] == len(payload)
    assert obj["ETag"].strip('"') == put.headers["ETag"].strip('"')


def test_refused_upload_leaves_nothing_behind(dev_server):
    key = "target/task-8/dev.json"
    p = presign(dev_server, key=key, method="PUT", content_type="application/json",
                size=4).json()
    put = requests.put(p["url"], data=b"12345", headers=p["headers"], timeout=10)
    assert put.status_code == 403
    s3 = s3_client(dev_server)
    listed = s3.list_objects_v2(Bucket=dev_server["bucket"], Prefix="target/task-8/")
    assert listed.get("KeyCount", 0) == 0


def test_escape_attempt_gets_no_url(dev_server):
    r = presign(dev_server, key="target/task-7/../../src/x.json", method="PUT",
                content_type="application/json", size=1)
    assert r.status_code == 400
    assert "url" not in r.json()
