// Lasso's tiled-image view beside OpenSeadragon (npm), on the same gigapixel Deep Zoom image
// made from real photos (make_pyramid.py) and served over HTTP, in the same run and the same
// headless Chromium: time to the first sharp view, frame intervals while zooming with the wheel
// and while dragging (p50 / p95), the longest task, the JavaScript heap and the peak memory of
// the page's renderer process (resident set, read from /proc while it runs). Then the same for
// images a labeller opens from disk (make_local.py): a 100 MP JPEG and a 1 GP tiled BigTIFF,
// picked in the editor's "open images" input; and that TIFF served over HTTP (as a COG).
//
//   node tests/bench/tiles.mjs [--side 32768] [--json FILE] [--no-disk]
//
// It serves $LASSO_DIST (default dist/), a build of the app (`cargo xtask bench tiles` makes a
// release one), and writes the pyramid to target/bench-tiles/ once per side and the images
// from disk to target/bench-local/ once.
import fs from "node:fs";
import path from "node:path";
import { execFileSync } from "node:child_process";
import { serveStatic, launch, DIST, ROOT } from "../e2e/support.js";

const args = process.argv.slice(2);
let side = 32768;
let jsonOut = null;
let fromDisk = true;
for (let i = 0; i < args.length; i++) {
  if (args[i] === "--side") side = Number(args[++i]);
  else if (args[i] === "--json") jsonOut = args[++i];
  else if (args[i] === "--no-disk") fromDisk = false;
  else {
    console.error(`unknown argument ${args[i]}`);
    process.exit(2);
  }
}

const tiles = path.join(ROOT, "target", "bench-tiles");
const made = Date.now();
execFileSync(path.join(ROOT, ".venv", "bin", "python"), [path.join(ROOT, "tests", "bench", "make_pyramid.py"), tiles, String(side)], { stdio: "inherit" });
const makeSeconds = (Date.now() - made) / 1000;
const local = path.join(ROOT, "target", "bench-local");
if (fromDisk) {
  execFileSync(path.join(ROOT, ".venv", "bin", "python"), [path.join(ROOT, "tests", "bench", "make_local.py"), local], { stdio: "inherit" });
  fs.writeFileSync(path.join(local, "index.html"), "<!doctype html>");
}
fs.writeFileSync(path.join(tiles, "index.html"), "<!doctype html>");
fs.copyFileSync(path.join(ROOT, "node_modules", "openseadragon", "build", "openseadragon", "openseadragon.min.js"), path.join(tiles, "openseadragon.min.js"));
fs.writeFileSync(path.join(tiles, "osd.html"), `<!doctype html>
<html><head><meta charset="utf-8"><style>html, body, #view { margin: 0; width: 100%; height: 100%; background: #111; }</style>
<script src="openseadragon.min.js"></script></head><body><div id="view"></div><script>
  window.opened = performance.now();
  // The 2D canvas drawer, as Lasso draws (OpenSeadragon's default WebGL drawer runs in software
  // without a GPU, which would not compare the viewers but the drawers).
  const viewer = OpenSeadragon({ id: "view", tileSources: "giga.dzi", showNavigationControl: false, crossOriginPolicy: "Anonymous", drawer: "canvas" });
  window.viewer = viewer;
  viewer.addHandler("open", () => viewer.world.getItemAt(0).addHandler("fully-loaded-change", (e) => { window.sharp = e.fullyLoaded; if (e.fullyLoaded && !window.firstSharp) window.firstSharp = performance.now() - window.opened; }));
</script></body></html>`);

const tileServer = await serveStatic(tiles, { cors: true });
const appServer = await serveStatic(DIST);
const browser = await launch();

/** Starts recording animation-frame intervals and long tasks in the page. */
const RECORDER = () => {
  window.frames = [];
  window.longTasks = [];
  let last = null;
  const tick = (t) => {
    if (last !== null) window.frames.push(t - last);
    last = t;
    requestAnimationFrame(tick);
  };
  requestAnimationFrame(tick);
  new PerformanceObserver((list) => list.getEntries().forEach((e) => window.longTasks.push(e.duration))).observe({ type: "longtask" });
};

function percentile(values, p) {
  if (!values.length) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

/** Runs a gesture and summarises the frames and long tasks during it and until `settled`. */
async function measure(page, gesture, settled) {
  await page.evaluate(() => { window.frames.length = 0; window.longTasks.length = 0; });
  const start = Date.now();
  await gesture();
  const gestureMs = Date.now() - start;
  await page.waitForFunction(settled, null, { timeout: 120000 });
  const settleMs = Date.now() - start - gestureMs;
  const { frames, longTasks } = await page.evaluate(() => ({ frames: [...window.frames], longTasks: [...window.longTasks] }));
  return { p50: percentile(frames, 50), p95: percentile(frames, 95), longest: Math.max(0, ...longTasks), frames: frames.length, gestureMs, sharpAfterMs: settleMs };
}

/** Resident memory of Chromium's renderer processes now, in MB (Linux /proc). */
function rendererMB() {
  let kb = 0;
  for (const pid of fs.readdirSync("/proc").filter((d) => /^\d+$/.test(d))) {
    try {
      const cmd = fs.readFileSync(`/proc/${pid}/cmdline`, "utf8");
      if (!cmd.includes("--type=renderer")) continue;
      const rss = /VmRSS:\s+(\d+)/.exec(fs.readFileSync(`/proc/${pid}/status`, "utf8"));
      if (rss) kb += Number(rss[1]);
    } catch {
      // The process ended meanwhile.
    }
  }
  return kb / 1024;
}

/** The renderer process's peak memory since the run started, or since `resetPeak()`. */
let peak = 0;
const resetPeak = () => { peak = 0; };

async function run(name, open, sharp) {
  resetPeak();
  const sampler = setInterval(() => { peak = Math.max(peak, rendererMB()); }, 100);
  try {
    return { ...(await runViewer(name, open, sharp)), rendererPeakMB: peak };
  } finally {
    clearInterval(sampler);
  }
}

async function runViewer(name, open, sharp) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  const page = await context.newPage();
  const cdp = await context.newCDPSession(page);
  await cdp.send("Performance.enable");
  const firstViewMs = await open(page);
  await page.evaluate(RECORDER);
  const lasso = name.startsWith("lasso");
  const box = await page.locator(lasso ? ".lasso-canvas" : "#view").boundingBox();
  const [cx, cy] = [box.x + box.width / 2, box.y + box.height / 2];
  await page.mouse.move(cx, cy);
  const zoom = await measure(page, async () => {
    for (let i = 0; i < 24; i++) {
      await page.mouse.wheel(0, -120);
      await page.waitForTimeout(40);
    }
  }, sharp);
  const pan = await measure(page, async () => {
    await page.mouse.move(cx, cy);
    await page.mouse.down({ button: lasso ? "middle" : "left" });
    for (let i = 1; i <= 40; i++) {
      await page.mouse.move(cx - i * 15, cy - i * 8);
      await page.waitForTimeout(16);
    }
    await page.mouse.up({ button: lasso ? "middle" : "left" });
  }, sharp);
  const metrics = Object.fromEntries((await cdp.send("Performance.getMetrics")).metrics.map((m) => [m.name, m.value]));
  await context.close();
  return { firstViewMs, zoom, pan, heapMB: metrics.JSHeapUsedSize / 2 ** 20 };
}

/** Opens the tiled image at `src` in the editor; the time until its view is sharp. */
const fromUrl = (src, name) => async (page) => {
  await page.goto(appServer.url);
  await page.waitForFunction(() => window.lasso && document.body.dataset.ready === "true");
  return page.evaluate(async ([src, name]) => {
    const start = performance.now();
    await window.lasso.loadTask({ id: `tiled-${Date.now()}`, image: { src, name }, annotations: [] });
    await new Promise((resolve) => {
      const check = () => (window.lasso.viewport().tiles?.sharp ? resolve() : setTimeout(check, 10));
      check();
    });
    return performance.now() - start;
  }, [src, name]);
};

/** Every tile of the view shown and none loading. */
const tilesSettled = () => window.lasso.viewport().tiles.sharp && window.lasso.viewport().tiles.loading === 0;

const results = {};
let cutSeconds = NaN;
try {
  results.lasso = await run("lasso", fromUrl(`${tileServer.url}/giga.dzi`, "giga.jpg"), tilesSettled);
  results.openseadragon = await run("openseadragon", async (page) => {
    await page.goto(`${tileServer.url}/osd.html`);
    await page.waitForFunction(() => window.firstSharp, null, { timeout: 120000 });
    return page.evaluate(() => window.firstSharp);
  }, () => window.sharp === true);
  if (fromDisk) {
    /** Opens `file` from disk through the editor's input; the time until `ready` holds. */
    const fromFile = (file, ready) => async (page) => {
      await page.goto(appServer.url);
      await page.waitForFunction(() => window.lasso && document.body.dataset.ready === "true");
      await page.evaluate(() => { window.opening = performance.now(); });
      await page.locator(".lasso-open-files input").setInputFiles(path.join(local, file));
      await page.waitForFunction(ready, null, { timeout: 300000, polling: 10 });
      return page.evaluate(() => performance.now() - window.opening);
    };
    // The photo is shown whole at once while a worker cuts it into stored tiles; the frames
    // are measured once it shows from them.
    const photoReady = () => window.lasso.viewport().imageReady && JSON.parse(window.lasso.exportAs("lasso")).image.width === 12288;
    const fromTiles = () => !!window.lasso.viewport().tiles && !window.lasso.renderStats().wholeImage;
    results["lasso, 100 MP JPEG from disk"] = await run("lasso-jpeg", async (page) => {
      const firstView = await fromFile("photo.jpg", photoReady)(page);
      await page.waitForFunction(fromTiles, null, { timeout: 600000, polling: 50 });
      cutSeconds = (await page.evaluate(() => performance.now() - window.opening)) / 1000;
      return firstView;
    }, tilesSettled);
    // Opened again after a reload: from the stored tiles, never decoded whole.
    results["lasso, the JPEG reopened"] = await run("lasso-jpeg-again", async (page) => {
      await fromFile("photo.jpg", photoReady)(page);
      await page.waitForFunction(fromTiles, null, { timeout: 600000, polling: 50 });
      await page.reload();
      await page.waitForFunction(() => window.lasso && document.body.dataset.ready === "true");
      await page.locator(".lasso-dataset-open").first().click();
      resetPeak();
      await page.evaluate(() => { window.opening = performance.now(); });
      await page.locator('.lasso-image[data-path="photo.jpg"]').click();
      await page.waitForFunction(() => JSON.parse(window.lasso.exportAs("lasso")).image.width === 12288
        && window.lasso.viewport().tiles?.sharp, null, { polling: 10 });
      return page.evaluate(() => performance.now() - window.opening);
    }, tilesSettled);
    results["lasso, 1 GP tiled TIFF from disk"] = await run("lasso-tiff", fromFile("giga.tif", () => window.lasso.viewport().tiles?.sharp === true), tilesSettled);
    // The same file as a Cloud-Optimized GeoTIFF over HTTP: read by range requests.
    const localServer = await serveStatic(local, { cors: true });
    try {
      results["lasso, the 1 GP TIFF over HTTP (COG)"] = await run("lasso-cog", fromUrl(`${localServer.url}/giga.tif`, "giga.tif"), tilesSettled);
    } finally {
      await localServer.close();
    }
  }
} finally {
  await browser.close();
  await tileServer.close();
  await appServer.close();
}

const f = (v) => (Number.isFinite(v) ? v.toFixed(1) : "–");
console.log(`Deep Zoom image ${side} × ${side} (${((side * side) / 1e9).toFixed(2)} GP) over HTTP, view 1280 × 800; pyramid ready in ${makeSeconds.toFixed(0)} s`);
console.log("viewer          first sharp view   wheel zoom p50 / p95 / longest task / sharp after   drag p50 / p95 / longest task / sharp after   JS heap / renderer peak");
for (const [name, r] of Object.entries(results)) {
  console.log(
    `${name.padEnd(15)} ${f(r.firstViewMs).padStart(8)} ms        ${f(r.zoom.p50)} / ${f(r.zoom.p95)} / ${f(r.zoom.longest)} / ${f(r.zoom.sharpAfterMs)} ms`.padEnd(100) +
      `${f(r.pan.p50)} / ${f(r.pan.p95)} / ${f(r.pan.longest)} / ${f(r.pan.sharpAfterMs)} ms   ${f(r.heapMB)} MB / ${f(r.rendererPeakMB)} MB`,
  );
}
if (fromDisk) console.log(`the 100 MP JPEG was cut into stored tiles ${f(cutSeconds)} s after it was opened`);
if (jsonOut) fs.writeFileSync(jsonOut, JSON.stringify({ side, cutSeconds, results }, null, 2));
