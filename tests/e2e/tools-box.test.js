// The box tool end to end with the mouse and keyboard: a drag that leaves the image is clipped,
// Shift keeps a square, the crosshair guides show while drawing, Esc cancels a drag, and a
// move and a resize are undone and redone one step at a time.
import { test } from "node:test";
import assert from "node:assert/strict";
import { PNG } from "./png.js";
import { appSuite, openApp, dragImage, imageToPage, artifact } from "./support.js";

const app = appSuite();

function near(actual, expected, what, tol = 1.5) {
  assert.ok(Math.abs(actual - expected) <= tol, `${what}: ${actual} is not within ${tol} of ${expected}`);
}
function boxNear(b, [x0, y0, x1, y1], what) {
  near(b.x0, x0, `${what} x0`); near(b.y0, y0, `${what} y0`); near(b.x1, x1, `${what} x1`); near(b.y1, y1, `${what} y1`);
}
const boxes = async (page) => (await page.evaluate(() => window.lasso.annotations())).filter((a) => a.shape.type === "box");
const isCatRed = (r, g, b) => r > 170 && g < 90 && b < 120;

test("box: clipped to the image, square with Shift, guides, Esc, move and resize with undo/redo", async () => {
  const context = await app.browser.newContext({ viewport: { width: 1100, height: 700 } });
  const page = await openApp(context, app.server.url);
  await page.locator(".lasso-canvas").click({ position: { x: 5, y: 5 } });
  await page.keyboard.press("b");

  // A drag from inside to far outside the 451 × 300 image is clipped at its edges.
  await dragImage(page, [400, 250], [520, 360]);
  let list = await boxes(page);
  assert.equal(list.length, 1);
  boxNear(list[0].shape, [400, 250, 451, 300], "clipped");

  // Esc in the middle of a drag draws nothing; the guides were showing across the image.
  const a = await imageToPage(page, 50, 50);
  const b = await imageToPage(page, 120, 90);
  await page.mouse.move(a.x, a.y);
  const far = await imageToPage(page, 5, 90);
  const plain = PNG.decode(await page.screenshot());
  await page.mouse.down();
  await page.mouse.move(b.x, b.y, { steps: 4 });
  const mid = PNG.decode(await page.screenshot({ path: artifact("box-guides.png") }));
  // A guide line crosses the whole image: pixels far left on the row y = 90 changed.
  let changed = false;
  for (let dx = -3; dx <= 3; dx++) {
    for (let dy = -2; dy <= 2; dy++) {
      const [x, y] = [Math.round(far.x) + dx, Math.round(far.y) + dy];
      const p = plain.pixel(x, y);
      const q = mid.pixel(x, y);
      if (Math.abs(p[0] - q[0]) + Math.abs(p[1] - q[1]) + Math.abs(p[2] - q[2]) > 60) changed = true;
    }
  }
  assert.ok(changed, "horizontal guide at the far left");
  await page.keyboard.press("Escape");
  await page.mouse.up();
  assert.equal((await boxes(page)).length, 1, "Esc cancelled the drag");

  // Shift keeps a square.
  await page.keyboard.down("Shift");
  await dragImage(page, [50, 50], [150, 90]);
  await page.keyboard.up("Shift");
  list = await boxes(page);
  assert.equal(list.length, 2);
  const sq = list[1].shape;
  near(sq.x1 - sq.x0, sq.y1 - sq.y0, "square sides");

  // Select, move by dragging the inside, resize by the top-left handle.
  await page.keyboard.press("v");
  const before = list[1].shape;
  await dragImage(page, [(before.x0 + before.x1) / 2, (before.y0 + before.y1) / 2], [
    (before.x0 + before.x1) / 2 + 30, (before.y0 + before.y1) / 2 + 20]);
  const moved = (await boxes(page))[1].shape;
  boxNear(moved, [before.x0 + 30, before.y0 + 20, before.x1 + 30, before.y1 + 20], "moved");
  await dragImage(page, [moved.x0, moved.y0], [moved.x0 - 20, moved.y0 - 10]);
  const resized = (await boxes(page))[1].shape;
  boxNear(resized, [moved.x0 - 20, moved.y0 - 10, moved.x1, moved.y1], "resized");

  // Undo the resize, then the move; redo both.
  await page.keyboard.press("Control+z");
  boxNear((await boxes(page))[1].shape, [moved.x0, moved.y0, moved.x1, moved.y1], "undo resize");
  await page.keyboard.press("Control+z");
  boxNear((await boxes(page))[1].shape, [before.x0, before.y0, before.x1, before.y1], "undo move");
  await page.keyboard.press("Control+Shift+z");
  await page.keyboard.press("Control+Shift+z");
  boxNear((await boxes(page))[1].shape, [resized.x0, resized.y0, resized.x1, resized.y1], "redo both");

  // On screen: the resized box's outline in the cat colour, nothing where it was before.
  await page.keyboard.press("Escape");
  await page.mouse.move(1, 1);
  const shot = PNG.decode(await page.screenshot({ path: artifact("box-edited.png") }));
  const edge = await imageToPage(page, resized.x0, (resized.y0 + resized.y1) / 2);
  assert.ok(shot.pixelNear(edge.x, edge.y, 2, isCatRed), "left edge of the resized box");
  const old = await imageToPage(page, before.x0, (before.y0 + before.y1) / 2);
  assert.ok(!shot.pixelNear(old.x, old.y, 1, isCatRed), "nothing left where the box was");
  assert.deepEqual(page.errors, []);
  await context.close();
});
