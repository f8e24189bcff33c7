// Model backends and images for the end-to-end tests: the reference backend (examples/ml-backend,
// in .venv-ml), the Segment-Anything-like backend of sam_backend.py, a backend made by the tests
// that fails in a chosen way; images made by Python and served to any origin (a photo with a
// face from scikit-image's astronaut portrait, flat-coloured shapes).
import { spawn, execFileSync } from "node:child_process";
import fs from "node:fs";
import http from "node:http";
import path from "node:path";
import { ROOT, serveStatic, scratchDir, eventually } from "./support.js";
import { freePort } from "./cloud.js";

const ML_PYTHON = path.join(ROOT, ".venv-ml", "bin", "python");
// The astronaut's face in skimage.data.astronaut() as x, y, w, h (where the cascade finds it).
const FACE = [177, 67, 93, 93];

/** Runs `python script args… PORT` on a free port; resolves to {url, stop} once /health answers. */
async function pythonServer(python, script, args, what) {
  const port = await freePort();
  const proc = spawn(python, [script, ...args(port)], { stdio: "ignore" });
  const url = `http://127.0.0.1:${port}`;
  await eventually(`${what} answers /health`, async () => {
    if (proc.exitCode !== null) throw new Error(`${what} exited`);
    try {
      return (await fetch(`${url}/health`)).ok;
    } catch {
      return false;
    }
  }, 60000);
  return { url, stop: () => proc.kill() };
}

/** The reference face backend (examples/ml-backend) on a free port. */
export function referenceBackend() {
  const script = path.join(ROOT, "examples", "ml-backend", "_wsgi.py");
  return pythonServer(ML_PYTHON, script, (port) => ["--port", String(port)], "the reference backend");
}

/**
 * A folder with one image that `python` makes by running `lines` (the path is `sys.argv[1]`),
 * served to any origin; resolves to {dir, url, close}.
 */
export async function madeImage(prefix, name, lines, python = path.join(ROOT, ".venv", "bin", "python")) {
  const dir = scratchDir(prefix);
  fs.writeFileSync(path.join(dir, "index.html"), "<!doctype html>");
  execFileSync(python, ["-c", lines.join("\n"), path.join(dir, name)]);
  const server = await serveStatic(dir, { cors: true });
  return { dir, url: `${server.url}/${name}`, close: server.close };
}

/**
 * Serves a photo of the portrait at 80 % on a grey 640 × 480 canvas at (50, 40); resolves to
 * {url, seed: a folder holding only the photo, face: [x0, y0, x1, y1] in the photo, close}.
 */
export async function facePhoto() {
  const image = await madeImage("lasso-face-", "face.jpg", [
    "import os, sys, skimage.data as d",
    "from PIL import Image",
    "face = Image.open(os.path.join(os.path.dirname(d.__file__), 'astronaut.png')).convert('RGB')",
    "canvas = Image.new('RGB', (640, 480), (128, 128, 128))",
    "canvas.paste(face.resize((410, 410), Image.BILINEAR), (50, 40))",
    "canvas.save(sys.argv[1], quality=92)",
  ], ML_PYTHON);
  const seed = path.join(image.dir, "seed");
  fs.mkdirSync(seed);
  fs.copyFileSync(path.join(image.dir, "face.jpg"), path.join(seed, "face.jpg"));
  const s = 410 / 512;
  const [x, y, w, h] = FACE;
  return {
    url: image.url,
    seed,
    face: [50 + x * s, 40 + y * s, 50 + (x + w) * s, 40 + (y + h) * s],
    close: image.close,
  };
}

/**
 * A backend made by the test: up and set up, then `/predict` answers as `mode()` says —
 * "hang", "500", "garbage" or "outside" (boxes wholly outside the image). Allows any origin.
 */
export async function brokenBackend(mode) {
  const held = [];
  const server = http.createServer((req, res) => {
    const headers = {
      "access-control-allow-origin": "*",
      "access-control-allow-headers": "authorization, content-type",
      "content-type": "application/json",
    };
    if (req.method === "OPTIONS") return res.writeHead(204, headers).end();
    if (req.url === "/health") return res.writeHead(200, headers).end('{"status": "UP"}');
    if (req.url === "/setup") return res.writeHead(200, headers).end('{"model_version": "broken"}');
    switch (mode()) {
      case "hang":
        held.push(res);
        return;
      case "500":
        return res.writeHead(500, headers).end("Traceback (most recent call last):\nValueError: the model fell over");
      case "garbage":
        return res.writeHead(200, headers).end("<html>not a prediction</html>");
      default: {
        const box = (x) => ({
          type: "rectanglelabels", from_name: "label", to_name: "image", score: 0.9,
          value: { x, y: 10, width: 10, height: 10, rectanglelabels: ["face"] },
        });
        return res.writeHead(200, headers).end(JSON.stringify({ results: [{ result: [box(120), box(150)] }] }));
      }
    }
  });
  await new Promise((r) => server.listen(0, "127.0.0.1", r));
  return {
    url: `http://127.0.0.1:${server.address().port}`,
    close: () => {
      for (const res of held) res.destroy();
      return new Promise((r) => server.close(r));
    },
  };
}

/**
 * The test's Segment-Anything-like backend (sam_backend.py) on a free port; resolves to
 * {url, stop} once it answers.
 */
export function samBackend(holdSinglePromptSeconds = 0) {
  const script = path.join(ROOT, "tests", "e2e", "sam_backend.py");
  const args = (port) => (holdSinglePromptSeconds ? [String(port), String(holdSinglePromptSeconds)] : [String(port)]);
  return pythonServer(path.join(ROOT, ".venv", "bin", "python"), script, args, "the segmentation backend");
}

/**
 * A flat-coloured 400 × 300 PNG: a blue square (60..160)² with a yellow square (90..120)²
 * inside it, and a green rectangle 200..280 × 80..140, on white. Resolves to {url, close}.
 */
export async function shapesImage() {
  return madeImage("lasso-shapes-", "shapes.png", [
    "import sys",
    "from PIL import Image, ImageDraw",
    "im = Image.new('RGB', (400, 300), (255, 255, 255))",
    "d = ImageDraw.Draw(im)",
    "d.rectangle([60, 60, 159, 159], fill=(0, 0, 255))",
    "d.rectangle([90, 90, 119, 119], fill=(255, 255, 0))",
    "d.rectangle([200, 80, 279, 139], fill=(0, 160, 0))",
    "im.save(sys.argv[1])",
  ]);
}
