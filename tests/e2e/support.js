// Shared helpers for the end-to-end tests: a static server for dist/ and a headless Chromium.
import http from "node:http";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { chromium } from "playwright-core";
import { before, after } from "node:test";

const here = path.dirname(fileURLToPath(import.meta.url));
export const ROOT = path.resolve(here, "../..");
export const DIST = process.env.LASSO_DIST || path.join(ROOT, "dist");
export const ARTIFACTS = path.join(here, "artifacts");

const scratch = [];
process.on("exit", () => {
  for (const dir of scratch) fs.rmSync(dir, { recursive: true, force: true, maxRetries: 3 });
});

/**
 * A new empty directory under the system's temp dir, removed when the test process exits
 * (each run would otherwise leave its stores and images behind, tens of megabytes a file).
 */
export function scratchDir(prefix) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  scratch.push(dir);
  return dir;
}

const TYPES = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript",
  ".wasm": "application/wasm",
  ".css": "text/css",
  ".png": "image/png",
  ".jpg": "image/jpeg",
  ".jpeg": "image/jpeg",
  ".dzi": "application/xml",
  ".svg": "image/svg+xml",
  ".json": "application/json",
  ".webmanifest": "application/manifest+json",
};

/**
 * The static app and one headless Chromium for a test file: started before its tests, closed
 * after them. Returns `{server, browser}`, filled in once `before` has run.
 */
export function appSuite() {
  const app = {};
  before(async () => {
    app.server = await serveStatic();
    app.browser = await launch();
  });
  after(async () => {
    await app.browser?.close();
    await app.server?.close();
  });
  return app;
}

/**
 * Serves `dir` on an ephemeral loopback port (with `cors`, to any origin); resolves to
 * {url, close, requests, sent, largest}. `requests` counts the requests of each path, `sent` the
 * body bytes sent for it and `largest` the longest body; `headers` are added to every answer;
 * single byte ranges (`Range: bytes=a-b`) are answered 206. The first request of a path that
 * `failFirst` (a RegExp) matches is answered 500, the next ones normally.
 */
export function serveStatic(dir = DIST, { cors = false, failFirst = null, headers: extra = {} } = {}) {
  if (!fs.existsSync(path.join(dir, "index.html"))) {
    throw new Error(`${dir}/index.html is missing: build the app first (cargo xtask test does).`);
  }
  const requests = new Map();
  const sent = new Map();
  const largest = new Map();
  const allow = cors ? { "access-control-allow-origin": "*" } : {};
  const server = http.createServer((req, res) => {
    const url = new URL(req.url, "http://x");
    if (req.method === "OPTIONS") {
      res.writeHead(204, { ...allow, "access-control-allow-headers": "range", "access-control-allow-methods": "GET" }).end();
      return;
    }
    const seen = (requests.get(url.pathname) || 0) + 1;
    requests.set(url.pathname, seen);
    if (failFirst && seen === 1 && failFirst.test(url.pathname)) {
      res.writeHead(500, cors ? { "access-control-allow-origin": "*" } : {}).end("try again");
      return;
    }
    let file = path.normalize(path.join(dir, decodeURIComponent(url.pathname)));
    if (!file.startsWith(dir)) {
      res.writeHead(403).end();
      return;
    }
    if (fs.existsSync(file) && fs.statSync(file).isDirectory()) file = path.join(file, "index.html");
    fs.stat(file, (err, stat) => {
      if (err || !stat.isFile()) {
        res.writeHead(404).end("not found");
        return;
      }
      const headers = {
        "content-type": TYPES[path.extname(file)] || "application/octet-stream",
        "cache-control": "no-store",
        "accept-ranges": "bytes",
        // Images served to another origin's page (drawn with crossOrigin="anonymous").
        ...allow,
        ...extra,
      };
      const range = /^bytes=(\d+)-(\d*)$/.exec(req.headers.range || "");
      let [status, start, end] = [200, 0, stat.size - 1];
      if (range) {
        start = Number(range[1]);
        end = Math.min(range[2] ? Number(range[2]) : stat.size - 1, stat.size - 1);
        if (start >= stat.size) {
          res.writeHead(416, { ...allow, "content-range": `bytes */${stat.size}` }).end();
          return;
        }
        headers["content-range"] = `bytes ${start}-${end}/${stat.size}`;
        status = 206;
      }
      // Only the asked part is read: a range of a gigapixel file costs its own size.
      const length = Math.max(0, end - start + 1);
      headers["content-length"] = String(length);
      sent.set(url.pathname, (sent.get(url.pathname) || 0) + length);
      largest.set(url.pathname, Math.max(largest.get(url.pathname) || 0, length));
      res.writeHead(status, headers);
      if (length === 0) res.end();
      else fs.createReadStream(file, { start, end }).pipe(res);
    });
  });
  return new Promise((resolve) => {
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address();
      resolve({ url: `http://127.0.0.1:${port}`, requests, sent, largest, close: () => new Promise((r) => server.close(r)) });
    });
  });
}

/** Flags that keep headless Chromium quiet on a machine with no outside network. */
export const CHROMIUM_ARGS = [
  "--headless=new",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-dev-shm-usage",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--no-first-run",
  "--disable-quic",
];

/** Launches Debian's Chromium. */
export function launch() {
  return chromium.launch({
    executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
    args: CHROMIUM_ARGS,
  });
}

/**
 * Opens the app in a page and waits for the editor and its image. Page errors and console
 * errors are collected in `page.errors` so tests can assert there were none.
 */
export async function openApp(context, url) {
  const page = await context.newPage();
  page.errors = [];
  page.on("pageerror", (e) => page.errors.push(String(e)));
  page.on("console", (m) => {
    if (m.type() === "error") page.errors.push(m.text());
  });
  await page.goto(url);
  await page.waitForFunction(() => window.lasso && document.body.dataset.ready === "true");
  await page.waitForSelector(".lasso-canvas");
  await page.waitForFunction(() => window.lasso.viewport().imageReady);
  return page;
}

/** Screen position (page CSS pixels) of an image point, read from the editor's viewport. */
export async function imageToPage(page, x, y) {
  const box = await page.locator(".lasso-canvas").boundingBox();
  const vp = await page.evaluate(() => window.lasso.viewport());
  return { x: box.x + vp.offsetX + x * vp.scale, y: box.y + vp.offsetY + y * vp.scale };
}

/** Drags with the left mouse button between two image points, in small steps like a person. */
export async function dragImage(page, from, to) {
  const a = await imageToPage(page, from[0], from[1]);
  const b = await imageToPage(page, to[0], to[1]);
  await page.mouse.move(a.x, a.y);
  await page.mouse.down();
  await page.mouse.move((a.x + b.x) / 2, (a.y + b.y) / 2, { steps: 4 });
  await page.mouse.move(b.x, b.y, { steps: 4 });
  await page.mouse.up();
}

export function artifact(name) {
  fs.mkdirSync(ARTIFACTS, { recursive: true });
  return path.join(ARTIFACTS, name);
}

/** Polls `check` (sync or async) until it returns a truthy value; the error names `what`. */
export async function eventually(what, check, timeout = 30000) {
  const start = Date.now();
  let last;
  for (;;) {
    try {
      const value = await check();
      if (value) return value;
    } catch (e) {
      last = e;
    }
    if (Date.now() - start > timeout) {
      throw new Error(`timed out waiting for ${what}${last ? `: ${last.message}` : ""}`);
    }
    await new Promise((r) => setTimeout(r, 200));
  }
}
