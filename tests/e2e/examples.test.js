// The examples of www/examples with the npm package (`cargo xtask package --dev`), each served
// with the strict Content Security Policy hosts use: the plain page with <lasso-annotator>, the
// React page (built with esbuild) and the iframe with a postMessage bridge. In each a box drawn
// with the mouse reaches the host page's code, and nothing breaks the policy.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { spawnSync } from "node:child_process";
import { ROOT, launch, scratchDir, serveStatic, artifact } from "./support.js";

const CSP = "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self'";
const PACKAGE = path.join(ROOT, "target", "npm", "lasso-annotator");
let server;
let browser;

before(async () => {
  assert.ok(fs.existsSync(path.join(PACKAGE, "index.js")), "run `cargo xtask package --dev` first");
  const site = scratchDir("lasso-examples-");
  fs.cpSync(path.join(ROOT, "www", "examples"), site, { recursive: true });
  fs.copyFileSync(path.join(site, "element.html"), path.join(site, "index.html"));
  fs.copyFileSync(path.join(ROOT, "www", "samples", "chelsea.png"), path.join(site, "chelsea.png"));
  fs.cpSync(PACKAGE, path.join(site, "lasso-annotator"), { recursive: true });
  // The React page as a host would build it: the package installed, the app bundled with
  // esbuild, the package's wasm and styles beside the bundle (they are fetched relative to it).
  const install = spawnSync("npm", ["install", "--install-links", "--offline", "--no-audit", "--no-fund", "--no-save", PACKAGE], { cwd: site, encoding: "utf8" });
  assert.equal(install.status, 0, install.stderr);
  const react = path.join(site, "react");
  const bundle = spawnSync(path.join(ROOT, "node_modules", ".bin", "esbuild"), [
    path.join(react, "app.jsx"), "--bundle", "--format=esm", "--jsx=automatic", "--minify",
    "--define:process.env.NODE_ENV=\"production\"", `--outfile=${path.join(react, "app.js")}`,
  ], { cwd: site, encoding: "utf8", env: { ...process.env, NODE_PATH: path.join(ROOT, "node_modules") } });
  assert.equal(bundle.status, 0, bundle.stderr);
  // The main module, the chunks it loads on first use, and the styles.
  const files = fs.readdirSync(PACKAGE).filter((f) => f.endsWith(".wasm")).concat("lasso.css");
  assert.ok(files.some((f) => f.startsWith("split_")), "the package has chunks loaded on first use");
  for (const file of files) fs.copyFileSync(path.join(PACKAGE, file), path.join(react, file));
  server = await serveStatic(site, { headers: { "content-security-policy": CSP } });
  browser = await launch();
});

after(async () => {
  await browser?.close();
  await server?.close();
});

/** A page that records policy violations and errors from its first script on. */
async function open(context, url) {
  await context.addInitScript(() => {
    window.violations = [];
    document.addEventListener("securitypolicyviolation", (e) => {
      window.violations.push(`${e.violatedDirective} ${e.blockedURI} ${e.sourceFile}:${e.lineNumber}`);
    });
  });
  const page = await context.newPage();
  page.errors = [];
  page.on("pageerror", (e) => page.errors.push(String(e)));
  page.on("console", (m) => m.type() === "error" && page.errors.push(m.text()));
  await page.goto(url);
  return page;
}

/** Presses B in the editor inside `scope` and drags a box across the middle of its canvas. */
async function drawBox(page, scope) {
  await scope.locator(".lasso").focus();
  await page.keyboard.press("b");
  const canvas = await scope.locator(".lasso-canvas").boundingBox();
  const [x, y] = [canvas.x + canvas.width * 0.3, canvas.y + canvas.height * 0.3];
  await page.mouse.move(x, y);
  await page.mouse.down();
  await page.mouse.move(x + 80, y + 60, { steps: 5 });
  await page.mouse.move(x + 160, y + 120, { steps: 5 });
  await page.mouse.up();
}

/** No policy violation, no error, in the page or its frames. */
async function clean(page, name) {
  await page.screenshot({ path: artifact(name) });
  for (const frame of page.frames()) {
    assert.deepEqual(await frame.evaluate(() => window.violations ?? []), [], frame.url());
  }
  assert.deepEqual(page.errors, []);
}

test("plain HTML: <lasso-annotator> mounts, and the page hears the box as a change event", async () => {
  const context = await browser.newContext({ viewport: { width: 1100, height: 800 } });
  try {
    const page = await open(context, `${server.url}/element.html`);
    await page.waitForFunction(() => document.querySelector("#last").value === "ready: editor mounted");
    await page.waitForFunction(() => document.querySelector("lasso-annotator").editor.viewport().imageReady);
    const changes = await page.evaluateHandle(() => {
      const seen = [];
      document.querySelector("lasso-annotator").addEventListener("change", (e) => seen.push(e.detail));
      return seen;
    });
    await drawBox(page, page.locator("lasso-annotator"));
    await page.waitForFunction((seen) => seen.at(-1)?.length === 1, changes);
    const [box] = await page.evaluate((seen) => seen.at(-1), changes);
    assert.deepEqual([box.label, box.shape.type], ["cat", "box"], "the first class of labels=\"cat,dog\"");
    // The host page keeps its own look: the editor's styles touch only the editor.
    assert.equal(await page.evaluate(() => getComputedStyle(document.documentElement).backgroundColor), "rgba(0, 0, 0, 0)");
    // The `locale` attribute: the editor speaks Ukrainian, and English again when it is removed.
    const order = page.locator("lasso-annotator .lasso-list-order option").first();
    assert.equal(await order.textContent(), "As drawn");
    await page.evaluate(() => document.querySelector("lasso-annotator").setAttribute("locale", "uk"));
    await page.waitForFunction(() => document.querySelector("lasso-annotator .lasso")?.lang === "uk");
    assert.equal(await order.textContent(), "Як намальовано");
    await page.evaluate(() => document.querySelector("lasso-annotator").removeAttribute("locale"));
    await page.waitForFunction(() => document.querySelector("lasso-annotator .lasso")?.lang === "en");
    await clean(page, "example-element.png");
  } finally {
    await context.close();
  }
});

test("React: the component's onChange updates the app's state", async () => {
  const context = await browser.newContext({ viewport: { width: 1100, height: 800 } });
  try {
    const page = await open(context, `${server.url}/react/index.html`);
    await page.waitForFunction(() => document.querySelector("#status").value === "ready");
    await page.waitForFunction(() => document.querySelector("lasso-annotator").editor.viewport().imageReady);
    await drawBox(page, page.locator("lasso-annotator"));
    await page.waitForFunction(() => document.querySelector("#count").value === "1");
    await page.waitForFunction(() => document.querySelector("#status").value === "saved");
    await clean(page, "example-react.png");
  } finally {
    await context.close();
  }
});

test("iframe: the bridge mounts the editor, forwards its events and answers calls", async () => {
  const context = await browser.newContext({ viewport: { width: 1100, height: 800 } });
  try {
    const page = await open(context, `${server.url}/iframe/index.html`);
    await page.waitForFunction(() => document.querySelector("#last").value === "ready");
    const frame = page.frameLocator("iframe");
    await page.frames()[1].waitForFunction(() => document.querySelector(".lasso-canvas"));
    await page.waitForFunction(() => window.lassoFrame.call("annotations").then(() => true));
    // Wait for the image inside the frame before drawing on it.
    await page.frames()[1].waitForFunction(() => document.querySelector(".lasso-status")?.textContent.includes("451"));
    await drawBox(page, frame);
    await page.waitForFunction(() => document.querySelector("#count").value === "1");
    const annotations = await page.evaluate(() => window.lassoFrame.call("annotations"));
    assert.deepEqual(annotations.map((a) => [a.label, a.shape.type]), [["cat", "box"]]);
    const refused = await page.evaluate(() => window.lassoFrame.call("destroy").then(() => "called", (e) => e.message));
    assert.match(refused, /not offered/);
    await clean(page, "example-iframe.png");
  } finally {
    await context.close();
  }
});
