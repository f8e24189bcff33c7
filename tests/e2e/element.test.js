// <lasso-annotator> from the npm package in the plain-HTML example (www/examples/element.html),
// served with the strict Content Security Policy hosts use: the element mounts, a box drawn
// with the mouse reaches the page as a `change` event, and nothing breaks the policy.
import { test } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { ROOT, launch, scratchDir, serveStatic, artifact } from "./support.js";

const CSP = "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self'";

test("the custom element works under a strict CSP and tells the page what changed", async () => {
  const pkg = path.join(ROOT, "target", "npm", "lasso-annotator");
  assert.ok(fs.existsSync(path.join(pkg, "index.js")), "run `cargo xtask package --dev` first");
  const site = scratchDir("lasso-element-");
  for (const file of ["element.html", "element.js", "example.css", "icon.svg", "task.json"]) {
    fs.copyFileSync(path.join(ROOT, "www", "examples", file), path.join(site, file));
  }
  fs.copyFileSync(path.join(site, "element.html"), path.join(site, "index.html"));
  fs.copyFileSync(path.join(ROOT, "www", "samples", "chelsea.png"), path.join(site, "chelsea.png"));
  fs.cpSync(pkg, path.join(site, "lasso-annotator"), { recursive: true });
  const server = await serveStatic(site, { headers: { "content-security-policy": CSP } });
  const browser = await launch();
  try {
    const context = await browser.newContext({ viewport: { width: 1100, height: 800 } });
    // Runs before the page's scripts (and outside its policy): every violation is recorded.
    await context.addInitScript(() => {
      window.violations = [];
      document.addEventListener("securitypolicyviolation", (e) => {
        window.violations.push(`${e.violatedDirective} ${e.blockedURI} ${e.sourceFile}:${e.lineNumber}`);
      });
    });
    const page = await context.newPage();
    const errors = [];
    page.on("pageerror", (e) => errors.push(String(e)));
    page.on("response", (r) => r.status() >= 400 && errors.push(`${r.status()} ${r.url()}`));
    page.on("console", (m) => m.type() === "error" && errors.push(m.text()));
    await page.goto(`${server.url}/element.html`);
    await page.waitForFunction(() => document.querySelector("#last").value === "ready: editor mounted");
    await page.waitForFunction(() => document.querySelector("lasso-annotator").editor.viewport().imageReady);
    const changes = await page.evaluateHandle(() => {
      const seen = [];
      document.querySelector("lasso-annotator").addEventListener("change", (e) => seen.push(e.detail));
      return seen;
    });
    // The example's labels attribute made the classes; draw a box with the mouse.
    await page.focus("lasso-annotator .lasso");
    await page.keyboard.press("b");
    const canvas = await page.locator("lasso-annotator .lasso-canvas").boundingBox();
    const [x0, y0] = [canvas.x + canvas.width * 0.3, canvas.y + canvas.height * 0.3];
    await page.mouse.move(x0, y0);
    await page.mouse.down();
    await page.mouse.move(x0 + 80, y0 + 60, { steps: 5 });
    await page.mouse.move(x0 + 160, y0 + 120, { steps: 5 });
    await page.mouse.up();
    await page.waitForFunction((seen) => seen.length > 0 && seen.at(-1).length === 1, changes);
    const [box] = await page.evaluate((seen) => seen.at(-1), changes);
    assert.equal(box.label, "cat");
    assert.equal(box.shape.type, "box");
    // The host page keeps its own look: the editor's styles touch only the editor.
    assert.equal(await page.evaluate(() => getComputedStyle(document.documentElement).backgroundColor), "rgba(0, 0, 0, 0)");
    await page.screenshot({ path: artifact("element-csp.png") });
    assert.deepEqual(await page.evaluate(() => window.violations), []);
    assert.deepEqual(errors, []);
  } finally {
    await browser.close();
    await server.close();
  }
});
