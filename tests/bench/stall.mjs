// How long input waits while 100,000 shapes are planned and drawn anew, in headless Chromium on a
// release build: the longest task (PerformanceObserver "longtask", which reports tasks over
// 50 ms) and the time to the sharp frame, for `F` from a zoomed-in view and for the frame after
// a wheel zoom pauses; beside them, the same plan made at once (`drawNow`), as the editor made
// it before planning a slice per frame. The longest task includes the canvas rasterising the
// layer, which happens when the frame is presented.
//
//   node tests/bench/stall.mjs [--shapes N] [--runs N]
//
// It serves $LASSO_DIST (default dist/); `cargo xtask bench stall` builds it first.
import { serveStatic, launch, DIST } from "../e2e/support.js";

const args = process.argv.slice(2);
const option = (name, fallback) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? Number(args[i + 1]) : fallback;
};
const shapes = option("shapes", 100000);
const runs = option("runs", 5);

const server = await serveStatic(DIST);
const browser = await launch();
try {
  const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
  const errors = [];
  page.on("pageerror", (e) => errors.push(String(e)));
  await page.goto(server.url);
  await page.waitForFunction(() => window.lasso && document.body.dataset.ready === "true");
  await page.waitForFunction(() => window.lasso.viewport().imageReady);
  await page.evaluate(async (n) => {
    const annotations = [];
    let seed = 7;
    const rnd = () => { seed = (seed * 1103515245 + 12345) % 2147483648; return seed / 2147483648; };
    for (let i = 0; i < n; i++) {
      const [x, y, w] = [rnd() * 440, rnd() * 290, 1 + rnd() * 12];
      annotations.push({ id: `s${i}`, label: ["cat", "dog", "person"][i % 3], shape: { type: "box", x0: x, y0: y, x1: x + w, y1: y + w * 0.7 } });
    }
    await window.lasso.loadTask({ id: `stall-${Date.now()}`, image: { src: "samples/chelsea.png" }, annotations });
    window.longTasks = [];
    new PerformanceObserver((list) => list.getEntries().forEach((e) => window.longTasks.push(e.duration))).observe({ type: "longtask" });
  }, shapes);
  await page.waitForFunction(() => window.lasso.viewport().imageReady);
  await page.evaluate(() => window.lasso.drawNow());
  const canvas = await page.locator(".lasso-canvas").boundingBox();
  const zoomedIn = () => page.evaluate(() => {
    window.lasso.setViewport({ scale: 8, offsetX: -500, offsetY: -400 });
    return window.lasso.drawNow();
  });
  /** Runs `act`, then waits for the sharp frame of all shapes; the longest task and the time. */
  const measure = async (act) => {
    const before = await page.evaluate(() => {
      window.longTasks.length = 0;
      return { t0: performance.now(), frames: window.lasso.renderStats().frames };
    });
    const t0 = before.t0;
    // The sharp frame: a new plan made (sliced or not) and its layer drawn in full.
    const done = page.evaluate((frames) => new Promise((resolve, reject) => {
      let planned = false;
      const giveUp = setTimeout(() => reject(new Error("no sharp frame within 60 s")), 60000);
      const watch = () => {
        const st = window.lasso.renderStats();
        planned ||= st.frames > frames && st.replanned;
        if (planned && !st.slicing && st.rastered && window.lasso.viewport().scale < 7) {
          clearTimeout(giveUp);
          resolve();
        } else {
          requestAnimationFrame(watch);
        }
      };
      requestAnimationFrame(watch);
    }), before.frames);
    await act();
    await done;
    // Long tasks are reported after they end: one more frame.
    await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => setTimeout(r, 50))));
    return page.evaluate((t0) => ({ longest: Math.max(0, ...window.longTasks), ms: performance.now() - t0 }), t0);
  };
  const rows = { "F (fit)": [], "wheel zoom out, then the sharp frame": [], "the same plan at once (drawNow)": [] };
  for (let r = 0; r < runs; r++) {
    await zoomedIn();
    await page.locator(".lasso").focus();
    rows["F (fit)"].push(await measure(() => page.keyboard.press("f")));
    await zoomedIn();
    await page.mouse.move(canvas.x + canvas.width / 2, canvas.y + canvas.height / 2);
    rows["wheel zoom out, then the sharp frame"].push(await measure(async () => {
      for (let i = 0; i < 6; i++) {
        await page.mouse.wheel(0, 240);
        await page.waitForTimeout(16);
      }
    }));
    await zoomedIn();
    // At once: the fit and its frame in one task (the canvas rasterises the layer when the
    // frame is presented, so the longest task is read after two more frames).
    rows["the same plan at once (drawNow)"].push(await page.evaluate(async () => {
      window.longTasks.length = 0;
      const t0 = performance.now();
      // A view not planned before (the fitted one may still be at hand).
      window.lasso.setViewport({ scale: 2.2, offsetX: 3, offsetY: 5 });
      window.lasso.drawNow();
      await new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)));
      const ms = performance.now() - t0;
      await new Promise((r) => setTimeout(r, 50));
      return { longest: Math.max(0, ...window.longTasks), ms };
    }));
  }
  const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  console.log(`${shapes} boxes of three classes, view ${canvas.width.toFixed(0)}x${canvas.height.toFixed(0)} CSS px, ${runs} runs (median; longest task 0 = none over 50 ms)`);
  console.log("| scenario | longest task, ms | to the sharp frame, ms |");
  console.log("| --- | --- | --- |");
  for (const [name, list] of Object.entries(rows)) {
    console.log(`| ${name} | ${median(list.map((x) => x.longest)).toFixed(0)} (max ${Math.max(...list.map((x) => x.longest)).toFixed(0)}) | ${median(list.map((x) => x.ms)).toFixed(0)} |`);
  }
  if (errors.length) throw new Error(errors.join("\n"));
} finally {
  await browser.close();
  await server.close();
}
