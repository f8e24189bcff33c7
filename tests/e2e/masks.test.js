// Brush, eraser and magic wand with the mouse and keyboard: paint, erase, undo/redo, and what
// a person sees.
import { test } from "node:test";
import assert from "node:assert/strict";
import { PNG } from "./png.js";
import { appSuite, openApp, dragImage, imageToPage, artifact } from "./support.js";

const app = appSuite();

/** Whether pixel (x, y) is set in a COCO RLE mask (column-major runs, zeros first). */
function maskHas(m, x, y) {
  const index = x * m.height + y;
  let start = 0;
  for (let i = 0; i < m.counts.length; i++) {
    const end = start + m.counts[i];
    if (index < end) return i % 2 === 1;
    start = end;
  }
  return false;
}

const masks = async (page) =>
  (await page.evaluate(() => window.lasso.annotations())).filter((a) => a.shape.type === "mask");

test("brush paints a mask, eraser clears part of it, undo/redo, magic wand adds a region", async () => {
  const context = await app.browser.newContext({ viewport: { width: 1100, height: 700 } });
  const page = await openApp(context, app.server.url);
  await page.locator(".lasso-canvas").click({ position: { x: 5, y: 5 } });
  await page.mouse.move(1, 1);
  await page.waitForTimeout(100);
  const before = PNG.decode(await page.screenshot());

  // Brush (M), size 16 px by default; ] grows it one step, [ shrinks it back.
  await page.keyboard.press("m");
  await page.keyboard.press("]");
  assert.match(await page.locator(".lasso-brush-size").innerText(), /Size 20/);
  await page.keyboard.press("[");
  await dragImage(page, [50, 50], [150, 50]);
  let [m] = await masks(page);
  assert.ok(m, "a mask was added");
  assert.equal(m.label, "cat");
  for (const [x, y] of [[50, 50], [100, 50], [150, 50], [100, 56]]) assert.ok(maskHas(m.shape, x, y), `(${x},${y}) painted`);
  for (const [x, y] of [[100, 62], [170, 50], [30, 50]]) assert.ok(!maskHas(m.shape, x, y), `(${x},${y}) not painted`);

  // Eraser (E) across the middle of the selected mask.
  await page.keyboard.press("e");
  await dragImage(page, [100, 30], [100, 70]);
  [m] = await masks(page);
  assert.ok(!maskHas(m.shape, 100, 50), "erased");
  assert.ok(maskHas(m.shape, 60, 50) && maskHas(m.shape, 140, 50), "the rest is kept");

  await page.keyboard.press("Control+z");
  assert.ok(maskHas((await masks(page))[0].shape, 100, 50), "undo restores the erased pixels");
  await page.keyboard.press("Control+Shift+z");
  assert.ok(!maskHas((await masks(page))[0].shape, 100, 50), "redo erases again");

  // Mask → polygon → mask from the attributes panel gives back the same pixels.
  const painted = (await masks(page))[0].shape;
  await page.locator(".lasso-convert").click();
  const poly = (await page.evaluate(() => window.lasso.annotations()))[0].shape;
  assert.equal(poly.type, "polygon");
  assert.ok(poly.parts.length === 2, `the erased gap splits the stroke in two parts: ${poly.parts.length}`);
  await page.locator(".lasso-convert").click();
  assert.deepEqual((await masks(page))[0].shape, painted);
  await page.locator(".lasso").focus();

  // What a person sees: the painted pixels are tinted with the label colour (red), the erased
  // gap is not.
  await page.mouse.move(1, 1);
  await page.waitForTimeout(100);
  const shot = PNG.decode(await page.screenshot({ path: artifact("masks.png") }));
  const tint = async (x, y) => {
    const p = await imageToPage(page, x, y);
    const [r0, g0] = before.pixel(Math.round(p.x), Math.round(p.y));
    const [r1, g1] = shot.pixel(Math.round(p.x), Math.round(p.y));
    return r1 - r0 - (g1 - g0);
  };
  assert.ok((await tint(70, 50)) > 20, `painted pixels are tinted red (${await tint(70, 50)})`);
  assert.ok(Math.abs(await tint(100, 50)) < 10, `the erased gap is not (${await tint(100, 50)})`);

  // Magic wand (W): a click adds a mask of the similar region around the clicked pixel.
  await page.keyboard.press("Escape");
  await page.keyboard.press("w");
  await page.locator('.lasso-tolerance input').fill("40");
  await page.locator(".lasso-canvas").click({ position: { x: 5, y: 5 } });
  const at = await imageToPage(page, 300, 250);
  await page.mouse.click(at.x, at.y);
  const all = await masks(page);
  assert.equal(all.length, 2);
  const wand = all[1].shape;
  assert.ok(maskHas(wand, 300, 250), "the clicked pixel is in the region");
  assert.ok(wand.counts.reduce((s, c, i) => s + (i % 2 ? c : 0), 0) > 10, "the region is more than a few pixels");
  // Shift-click adds another region to the same mask.
  assert.ok(!maskHas(wand, 20, 20), "the far corner is not in the first region");
  const corner = await imageToPage(page, 20, 20);
  await page.keyboard.down("Shift");
  await page.mouse.click(corner.x, corner.y);
  await page.keyboard.up("Shift");
  const grown = await masks(page);
  assert.equal(grown.length, 2, "no new mask");
  assert.ok(maskHas(grown[1].shape, 20, 20) && maskHas(grown[1].shape, 300, 250), "both regions in one mask");
  assert.deepEqual(page.errors, []);
  await context.close();
});

test("with 'exclusive' on, a brush stroke of one label takes its pixels from the other masks, in one step", async () => {
  const context = await app.browser.newContext({ viewport: { width: 1100, height: 700 } });
  const page = await openApp(context, app.server.url);
  await page.locator(".lasso-canvas").click({ position: { x: 5, y: 5 } });
  await page.keyboard.press("m");
  await dragImage(page, [50, 50], [150, 50]);
  // Deselect (select tool, click on empty image), then paint a dog mask across the cat one.
  await page.keyboard.press("v");
  const empty = await imageToPage(page, 400, 250);
  await page.mouse.click(empty.x, empty.y);
  await page.keyboard.press("m");
  await page.keyboard.press("2");
  await page.locator(".lasso-exclusive input").check();
  await page.locator(".lasso").focus();
  await dragImage(page, [100, 30], [100, 70]);
  let [cat, dog] = await masks(page);
  assert.equal(cat.label, "cat");
  assert.equal(dog.label, "dog");
  assert.ok(maskHas(dog.shape, 100, 50) && maskHas(dog.shape, 100, 35), "the dog stroke is painted");
  assert.ok(!maskHas(cat.shape, 100, 50), "and taken from the cat mask");
  assert.ok(maskHas(cat.shape, 60, 50) && maskHas(cat.shape, 140, 50), "the rest of the cat mask is kept");
  await page.keyboard.press("Control+z");
  const after = await masks(page);
  assert.equal(after.length, 1, "one undo removes the dog stroke…");
  assert.ok(maskHas(after[0].shape, 100, 50), "…and gives the cat its pixels back");
  assert.deepEqual(page.errors, []);
  await context.close();
});
