// The list of every hotkey: `?` (or the toolbar's ?) shows each action with the keys bound now,
// the labels' keys by class name and the fixed Ctrl chords; a host's remapping shows in it and
// in the tools' tooltips; Esc closes it. Zoom buttons say what they do; the status bar gives the
// image's size and the zoom. The annotation list reads as people say it, by class and by size.
import { test } from "node:test";
import assert from "node:assert/strict";
import { appSuite, openApp, artifact } from "./support.js";

const app = appSuite();

test("? lists every hotkey as bound now, remapped ones too; the status bar and zoom buttons speak plainly", async () => {
  const context = await app.browser.newContext({ viewport: { width: 1200, height: 800 } });
  const page = await openApp(context, app.server.url);
  await page.locator(".lasso-canvas").click({ position: { x: 5, y: 5 } });
  await page.keyboard.press("?");
  await page.waitForSelector(".lasso-help");
  const keysOf = (action) => page.locator(`.lasso-help tr[data-action="${action}"] kbd`).allTextContents();
  assert.deepEqual(await keysOf("box"), ["B"]);
  assert.deepEqual(await keysOf("segment"), ["S"]);
  assert.deepEqual(await keysOf("scissors"), ["X"]);
  assert.deepEqual(await keysOf("zoom_100"), ["Shift+0"]);
  assert.match(await page.locator('.lasso-help tr[data-action="label_1"]').textContent(), /Label: cat/);
  assert.ok((await page.locator('.lasso-help tr[data-action="fixed"]').count()) >= 6);
  await page.locator(".lasso-help").screenshot({ path: artifact("help.png") });
  // Esc closes it (and cancels nothing else).
  await page.keyboard.press("Escape");
  await page.waitForSelector(".lasso-help", { state: "detached" });
  // A host remaps a key: the list and the tool's tooltip follow.
  await page.evaluate(() => window.lasso.setHotkeys({ box: "q" }));
  assert.equal(await page.locator('.lasso-tool[data-tool="box"]').getAttribute("title"), "Draw boxes (Q)");
  await page.locator(".lasso-help-toggle").click();
  assert.deepEqual(await keysOf("box"), ["Q"]);
  await page.locator(".lasso-help-close").click();
  await page.waitForSelector(".lasso-help", { state: "detached" });
  // Clear words on the zoom buttons; the status bar says the image's size and the zoom.
  assert.equal(await page.locator(".lasso-zoom-actual").textContent(), "100 %");
  assert.equal(await page.locator(".lasso-zoom-selection").textContent(), "Selection");
  assert.equal(await page.locator(".lasso-image-size").textContent(), "451 × 300 px");
  assert.match(await page.locator(".lasso-status-zoom").textContent(), /^\d+%$/);
  assert.deepEqual(page.errors, []);
  await context.close();
});

test("the annotation list reads as people say it: number, class, kind, size, marks; by class, largest first", async () => {
  const context = await app.browser.newContext({ viewport: { width: 1200, height: 800 } });
  const page = await openApp(context, app.server.url);
  await page.evaluate(async () => {
    const box = (x0, y0, x1, y1) => ({ type: "box", x0, y0, x1, y1 });
    await window.lasso.loadTask({
      id: `list-${Date.now()}`, image: { src: "samples/chelsea.png" },
      annotations: [
        { id: "x-1", label: "dog", shape: box(10, 10, 30, 50) },
        { id: "x-2", label: "cat", shape: box(100, 100, 220.4, 180) },
        { id: "x-3", label: "cat", shape: { type: "polygon", parts: [{ exterior: [{ x: 300, y: 10 }, { x: 340, y: 10 }, { x: 320, y: 60 }] }] }, hidden: true },
      ],
    });
  });
  const rows = () => page.locator(".lasso-item").evaluateAll((els) => els.map((e) =>
    [...e.querySelectorAll("span")].map((s) => s.textContent).filter((t) => t).join(" ")));
  assert.deepEqual(await rows(), ["1 dog box 20 × 40", "2 cat box 120 × 80", "3 cat polygon 40 × 50 hidden"]);
  await page.locator(".lasso-list-class").selectOption("cat");
  assert.deepEqual((await rows()).map((r) => r[0]), ["2", "3"]);
  await page.locator(".lasso-list-class").selectOption("");
  await page.locator(".lasso-list-order").selectOption("largest");
  assert.deepEqual((await rows()).map((r) => r[0]), ["2", "3", "1"]);
  // Locked with a remapped key: the list marks it.
  await page.locator('.lasso-item[data-id="x-1"]').click();
  await page.evaluate(() => window.lasso.setHotkeys({ lock: "j" }));
  await page.locator(".lasso-canvas").focus();
  await page.keyboard.press("j");
  await page.waitForSelector('.lasso-item[data-id="x-1"] .lasso-item-locked');
  await page.locator(".lasso-side").screenshot({ path: artifact("list.png") });
  assert.deepEqual(page.errors, []);
  await context.close();
});
