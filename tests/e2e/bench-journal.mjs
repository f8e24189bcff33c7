// Edit-to-durable latency through the whole app at 100 and 100,000 shapes: loads a task of N
// boxes with `loadTask`, draws one box, then undoes and redoes it (100 ops by default,
// LASSO_BENCH_OPS), timing each from the call to its `save` event (the op's journal transaction
// has completed and the page has had the time to hear it). Prints median and p95 per op. The
// write itself is handed to IndexedDB within the call; what grows with the task is the main
// thread's redraw after each edit, which delays the completion event. Not a test (no timing is
// asserted); run with `cargo xtask bench-journal`, which makes a release build first.
import { serveStatic, launch, openApp, dragImage } from "./support.js";

const OPS = Number(process.env.LASSO_BENCH_OPS || 100);
const SIZES = (process.env.LASSO_BENCH_SIZES || "100,100000").split(",").map(Number);

function quantile(sorted, q) {
  const rank = Math.min(sorted.length, Math.max(1, Math.ceil(q * sorted.length)));
  return sorted[rank - 1];
}

function taskWith(n) {
  const annotations = [];
  for (let i = 0; i < n; i++) {
    const x = (i % 40) * 11;
    const y = Math.floor(i / 40) % 27 * 11;
    annotations.push({ id: `s${i}`, label: "cat", shape: { type: "box", x0: x, y0: y, x1: x + 8, y1: y + 8 } });
  }
  return {
    id: `bench-${n}-${Date.now()}`,
    image: { src: "samples/chelsea.png", name: "chelsea.png", width: 451, height: 300 },
    annotations,
  };
}

const server = await serveStatic();
const browser = await launch();
try {
  for (const n of SIZES) {
    const context = await browser.newContext({ viewport: { width: 1100, height: 700 } });
    const page = await openApp(context, server.url);
    const loadMs = await page.evaluate(async (task) => {
      const t0 = performance.now();
      await window.lasso.loadTask(task);
      return performance.now() - t0;
    }, taskWith(n));
    await page.waitForFunction(() => window.lasso.viewport().imageReady);
    await page.evaluate(() => window.lasso.setTool("box"));
    await dragImage(page, [200, 100], [260, 160]);
    const times = await page.evaluate(async (ops) => {
      let resolve = null;
      window.lasso.on("save", () => resolve && resolve());
      // The box just drawn is saved before timing starts.
      await new Promise((r) => setTimeout(r, 500));
      const out = [];
      for (let i = 0; i < ops; i++) {
        const saved = new Promise((r) => (resolve = r));
        const t0 = performance.now();
        if (i % 2 === 0) window.lasso.undo();
        else window.lasso.redo();
        await saved;
        out.push(performance.now() - t0);
      }
      return out;
    }, OPS);
    const count = await page.evaluate(() => window.lasso.annotations().length);
    if (count !== n + 1) throw new Error(`expected ${n + 1} shapes after the run, found ${count}`);
    if (page.errors.length) throw new Error(page.errors.join("\n"));
    times.sort((a, b) => a - b);
    console.log(
      `edit to durable save at ${n} shapes: median ${quantile(times, 0.5).toFixed(2)} ms, ` +
        `p95 ${quantile(times, 0.95).toFixed(2)} ms, max ${quantile(times, 1).toFixed(2)} ms ` +
        `over ${OPS} ops (loadTask ${loadMs.toFixed(0)} ms)`,
    );
    await context.close();
  }
} finally {
  await browser.close();
  await server.close();
}
