// Selecting and organising with the mouse and keyboard: rubber band, Shift-click and Tab; the
// classes panel that hides and locks every shape of a label; the fill opacity slider; the pixel
// coordinates under the cursor; whole-image tags.
import { test } from "node:test";
import assert from "node:assert/strict";
import { PNG } from "./png.js";
import { appSuite, openApp, dragImage, imageToPage, artifact } from "./support.js";

const app = appSuite();

const annotations = (page) => page.evaluate(() => window.lasso.annotations());
const selectedIds = (page) => page.locator(".lasso-item.selected").evaluateAll((els) => els.map((e) => e.dataset.id));
const isCatRed = (r, g, b) => r > 180 && g < 80 && b < 110;

async function clickImage(page, x, y, modifiers = []) {
  const p = await imageToPage(page, x, y);
  for (const m of modifiers) await page.keyboard.down(m);
  await page.mouse.click(p.x, p.y);
  for (const m of modifiers) await page.keyboard.up(m);
}

/** A screenshot of the page with the pointer parked in a corner (no hover effects). */
async function shot(page, name) {
  await page.mouse.move(1, 1);
  await page.waitForTimeout(100);
  return PNG.decode(await page.screenshot(name ? { path: artifact(name) } : {}));
}

/** The colour of image pixel (x, y) on a screenshot. */
async function colourAt(page, png, x, y) {
  const p = await imageToPage(page, x, y);
  return png.pixel(Math.round(p.x), Math.round(p.y));
}

test("rubber band, Shift-click and Tab select; a label's shapes hide and lock at once; fill opacity; coordinates", async () => {
  const context = await app.browser.newContext({ viewport: { width: 1100, height: 700 } });
  const page = await openApp(context, app.server.url);
  await page.locator(".lasso-canvas").click({ position: { x: 5, y: 5 } }); // focus
  const plain = await shot(page);

  // Two cats and a dog, drawn with the box tool.
  await page.keyboard.press("b");
  await page.keyboard.press("1");
  await dragImage(page, [40, 40], [100, 100]);
  await dragImage(page, [120, 40], [180, 100]);
  await page.keyboard.press("2");
  await dragImage(page, [250, 150], [330, 230]);
  const drawn = await annotations(page);
  assert.deepEqual(drawn.map((a) => a.label), ["cat", "cat", "dog"]);
  const [catA, catB, dog] = drawn.map((a) => a.id);

  // Select (V): a click on empty image clears the selection; a rubber band from empty image
  // around both cats selects them; Shift-click adds the dog.
  await page.keyboard.press("v");
  await clickImage(page, 420, 20);
  assert.deepEqual(await selectedIds(page), []);
  await dragImage(page, [30, 30], [190, 110]);
  assert.deepEqual((await selectedIds(page)).sort(), [catA, catB].sort());
  await clickImage(page, 290, 190, ["Shift"]);
  assert.deepEqual((await selectedIds(page)).sort(), [catA, catB, dog].sort());
  // Tab cycles through the shapes one at a time.
  await page.keyboard.press("Tab");
  const first = await selectedIds(page);
  assert.equal(first.length, 1, `Tab selects one shape: ${first}`);
  await page.keyboard.press("Tab");
  const second = await selectedIds(page);
  assert.equal(second.length, 1);
  assert.notEqual(second[0], first[0], "the next one");

  // The classes panel counts the shapes of each label.
  const cat = page.locator('.lasso-class[data-label="cat"]');
  const dogRow = page.locator('.lasso-class[data-label="dog"]');
  assert.equal(await cat.locator(".lasso-class-count").innerText(), "2");
  assert.equal(await dogRow.locator(".lasso-class-count").innerText(), "1");
  assert.equal(await page.locator('.lasso-class[data-label="person"] .lasso-label-hide').isDisabled(), true);

  await clickImage(page, 420, 20);
  const shown = await shot(page);
  assert.ok(isCatRed(...(await colourAt(page, shown, 40, 70))), "the cat outline is drawn");

  // Hide every cat in one step; undo and redo it.
  await cat.locator(".lasso-label-hide").click();
  await page.locator(".lasso").focus();
  const hiddenOf = async () => (await annotations(page)).map((a) => [a.label, !!a.hidden]);
  assert.deepEqual(await hiddenOf(), [["cat", true], ["cat", true], ["dog", false]]);
  assert.equal(await cat.locator(".lasso-label-hide").getAttribute("aria-pressed"), "true");
  let png = await shot(page, "select-cats-hidden.png");
  assert.ok(!isCatRed(...(await colourAt(page, png, 40, 70))), "no cat outline once hidden");
  await page.keyboard.press("Control+z");
  assert.deepEqual(await hiddenOf(), [["cat", false], ["cat", false], ["dog", false]]);
  await page.keyboard.press("Control+Shift+z");
  assert.deepEqual(await hiddenOf(), [["cat", true], ["cat", true], ["dog", false]]);

  // Lock the dogs: dragging the dog box no longer moves it.
  await dogRow.locator(".lasso-label-lock").click();
  await page.locator(".lasso").focus();
  assert.equal((await annotations(page))[2].locked, true);
  const dogBefore = (await annotations(page))[2].shape;
  await dragImage(page, [290, 190], [340, 220]);
  assert.deepEqual((await annotations(page))[2].shape, dogBefore, "a locked shape does not move");

  // Hidden and locked labels are still so after a reload.
  await page.reload();
  await page.waitForFunction(() => window.lasso && window.lasso.viewport().imageReady);
  assert.deepEqual(await hiddenOf(), [["cat", true], ["cat", true], ["dog", false]]);
  assert.equal(await cat.locator(".lasso-label-hide").getAttribute("aria-pressed"), "true");
  assert.equal(await dogRow.locator(".lasso-label-lock").getAttribute("aria-pressed"), "true");

  // Fill opacity: at 0 the inside of the dog box shows the bare image, at 1 it is tinted.
  await page.locator(".lasso-canvas").click({ position: { x: 5, y: 5 } });
  const bare = await colourAt(page, plain, 290, 190);
  const tintAt = async (opacity) => {
    await page.locator(".lasso-opacity input").fill(String(opacity));
    const c = await colourAt(page, await shot(page), 290, 190);
    return Math.max(...[0, 1, 2].map((i) => Math.abs(c[i] - bare[i])));
  };
  assert.ok((await tintAt(0)) <= 4, `opacity 0 leaves the image as it is (${await tintAt(0)})`);
  assert.ok((await tintAt(1)) > 40, `opacity 1 fills with the label colour (${await tintAt(1)})`);

  // The pixel under the cursor, in image pixels.
  const p = await imageToPage(page, 123.5, 77.5);
  await page.mouse.move(p.x, p.y);
  assert.equal(await page.locator(".lasso-coords").innerText(), "x 123 y 77");
  assert.deepEqual(page.errors, []);
  await context.close();
});

test("whole-image tags: chosen with a click, undone with Ctrl+Z, kept over a reload", async () => {
  const context = await app.browser.newContext({ viewport: { width: 1100, height: 700 } });
  const page = await openApp(context, app.server.url);
  const tagsOf = async () => JSON.parse(await page.evaluate(() => window.lasso.exportAs("lasso"))).tags ?? [];
  const tag = (name) => page.locator(`.lasso-tag[data-tag="${name}"]`);
  assert.deepEqual(await page.locator(".lasso-tag").allInnerTexts(), ["indoor", "outdoor", "blurry"]);
  assert.deepEqual(await tagsOf(), []);

  // The standalone page's tags are multiple choice.
  await tag("blurry").click();
  await tag("outdoor").click();
  assert.deepEqual(await tagsOf(), ["outdoor", "blurry"], "kept in the label set's order");
  assert.equal(await tag("outdoor").getAttribute("aria-pressed"), "true");
  await tag("blurry").click();
  assert.deepEqual(await tagsOf(), ["outdoor"]);
  await page.locator(".lasso").focus();
  await page.keyboard.press("Control+z");
  assert.deepEqual(await tagsOf(), ["outdoor", "blurry"], "undo");
  await page.keyboard.press("Control+z");
  assert.deepEqual(await tagsOf(), ["blurry"]);

  await page.reload();
  await page.waitForFunction(() => window.lasso && window.lasso.viewport().imageReady);
  assert.deepEqual(await tagsOf(), ["blurry"]);
  assert.equal(await tag("blurry").getAttribute("aria-pressed"), "true");
  assert.equal(await tag("outdoor").getAttribute("aria-pressed"), "false");
  // Tags go out with the exports that hold them (Label Studio: a choices result).
  const ls = JSON.parse(await page.evaluate(() => window.lasso.exportAs("label-studio")));
  assert.match(JSON.stringify(ls), /blurry/);
  assert.deepEqual(page.errors, []);
  await context.close();
});

test("a polygon closed by double-click, a hole drawn into it with Alt, and its stacking order by keys", async () => {
  const context = await app.browser.newContext({ viewport: { width: 1100, height: 700 } });
  const page = await openApp(context, app.server.url);
  await page.locator(".lasso-canvas").click({ position: { x: 5, y: 5 } });
  await page.keyboard.press("p");
  for (const [x, y] of [[40, 40], [200, 40], [200, 200]]) await clickImage(page, x, y);
  const last = await imageToPage(page, 40, 200);
  await page.mouse.dblclick(last.x, last.y);
  let [poly] = await annotations(page);
  assert.equal(poly.shape.type, "polygon");
  assert.equal(poly.shape.parts[0].exterior.length, 4, JSON.stringify(poly.shape));

  // With the polygon selected, Alt at the first click makes the ring a hole of it.
  await page.keyboard.down("Alt");
  await clickImage(page, 80, 80);
  await page.keyboard.up("Alt");
  for (const [x, y] of [[150, 80], [150, 150], [80, 150]]) await clickImage(page, x, y);
  await page.keyboard.press("Enter");
  let list = await annotations(page);
  assert.equal(list.length, 1, "no new shape: a hole");
  const holes = list[0].shape.parts[0].holes ?? [];
  assert.equal(holes.length, 1, JSON.stringify(list[0].shape));
  assert.equal(holes[0].length, 4);
  // The hole is not filled: its middle shows the bare image, the polygon's body is tinted.
  await page.keyboard.press("Escape");
  await page.keyboard.press("v");
  await clickImage(page, 420, 20);
  const png = await shot(page, "select-polygon-hole.png");
  const red = (c) => c[0] - c[1];
  const plainShot = await (async () => {
    await page.locator(".lasso-opacity input").fill("0");
    const s = await shot(page);
    await page.locator(".lasso-opacity input").fill("0.3");
    return s;
  })();
  const tint = async (x, y) => red(await colourAt(page, png, x, y)) - red(await colourAt(page, plainShot, x, y));
  assert.ok((await tint(60, 120)) > 15, `the polygon body is tinted (${await tint(60, 120)})`);
  assert.ok(Math.abs(await tint(115, 115)) < 6, `the hole is not (${await tint(115, 115)})`);

  // A box drawn over it is on top; Ctrl+] brings the polygon forward, Ctrl+[ sends it back.
  await page.locator(".lasso").focus(); // away from the slider, whose keys are its own
  await page.keyboard.press("b");
  await dragImage(page, [150, 150], [260, 260]);
  const zOf = async () => Object.fromEntries((await annotations(page)).map((a) => [a.shape.type, a.z ?? 0]));
  await page.keyboard.press("v");
  await clickImage(page, 60, 120);
  let z = await zOf();
  assert.ok(z.polygon <= z.box, JSON.stringify(z));
  await page.keyboard.press("Control+]");
  z = await zOf();
  assert.ok(z.polygon > z.box, `brought forward: ${JSON.stringify(z)}`);
  await page.keyboard.press("Control+[");
  z = await zOf();
  assert.ok(z.polygon < z.box, `sent back: ${JSON.stringify(z)}`);
  assert.deepEqual(page.errors, []);
  await context.close();
});
