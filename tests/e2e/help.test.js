// The list of every hotkey: `?` (or the toolbar's ?) shows each action with the keys bound now,
// the labels' keys by class name and the fixed Ctrl chords; a host's remapping shows in it and
// in the tools' tooltips; Esc closes it. Zoom buttons say what they do; the status bar gives the
// image's size and the zoom.
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
  assert.equal(await page.locator('.lasso-tool[data-tool="box"]').getAttribute("title"), "Box (Q)");
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
