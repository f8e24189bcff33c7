"""Serves the reference face detector over Label Studio's ML backend protocol
(`/health`, `/setup`, `/predict`), with CORS so a browser page may call it directly.

    python _wsgi.py --port 9090 [--host 127.0.0.1]
"""
import argparse
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from label_studio_ml.api import init_app  # noqa: E402

from model import FaceDetector  # noqa: E402

app = init_app(model_class=FaceDetector)


@app.after_request
def allow_browsers(response):
    response.headers["Access-Control-Allow-Origin"] = "*"
    response.headers["Access-Control-Allow-Headers"] = "Authorization, Content-Type"
    response.headers["Access-Control-Allow-Methods"] = "GET, POST, OPTIONS"
    return response


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=9090)
    args = parser.parse_args()
    app.run(host=args.host, port=args.port, threaded=True)
