// Drives the renderer benchmark page (`index.html?bench`, see www/bench.js) in headless
// Chromium and prints its table: frame times of pans and a zoom for Lasso's renderer and for
// Konva on the same scene in the same run.
//
//   node tests/bench/render.mjs [--boxes N] [--polygons N] [--vertices N] [--steps N]
//                               [--konva 0|1] [--serve] [--json FILE]
//
// It serves $LASSO_DIST (default dist/), which must hold a build of the app and konva.min.js
// (`cargo xtask bench` builds both). With --serve it only serves the page and waits.
import fs from "node:fs";
import { serveStatic, launch, DIST } from "../e2e/support.js";

const args = process.argv.slice(2);
const params = new URLSearchParams({ bench: "1" });
let serveOnly = false;
let jsonOut = null;
for (let i = 0; i < args.length; i++) {
  const a = args[i];
  if (a === "--serve") serveOnly = true;
  else if (a === "--json") jsonOut = args[++i];
  else if (a.startsWith("--") && i + 1 < args.length) params.set(a.slice(2), args[++i]);
  else {
    console.error(`unknown argument ${a}`);
    process.exit(2);
  }
}

const server = await serveStatic(DIST);
const url = `${server.url}/?${params}`;
if (serveOnly) {
  console.log(`benchmark page: ${url} (Ctrl+C to stop)`);
  await new Promise(() => {});
}

const browser = await launch();
try {
  const page = await browser.newPage({ viewport: { width: 1500, height: 1800 } });
  const errors = [];
  page.on("pageerror", (e) => errors.push(String(e)));
  page.on("console", (m) => {
    if (m.type() === "error") errors.push(m.text());
    else if (process.env.BENCH_VERBOSE) console.log(m.text());
  });
  await page.goto(url);
  await page.waitForFunction(() => window.benchResult || window.benchError, null, { timeout: 20 * 60 * 1000, polling: 1000 });
  const { result, error } = await page.evaluate(() => ({ result: window.benchResult, error: window.benchError }));
  if (error) throw new Error(`benchmark failed in the page: ${error}\n${errors.join("\n")}`);
  console.log(`${result.boxes} boxes + ${result.polygons} polygons of ${result.vertices} vertices, view ${result.view.join("x")} CSS px, ${result.steps} steps per scenario`);
  console.log(`load: lasso ${result.loadMs.toFixed(0)} ms${result.konvaLoadMs ? `, konva ${result.konvaLoadMs.toFixed(0)} ms` : ""}`);
  console.log(result.table);
  if (jsonOut) fs.writeFileSync(jsonOut, JSON.stringify(result, null, 2));
} finally {
  await browser.close();
  await server.close();
}
