// The drawing and editing tools as a person uses them, with the mouse and keyboard only: rotated
// box, polygon, polyline and keypoints; move, resize, rotate, add and delete a vertex; undo/redo.
import { test } from "node:test";
import assert from "node:assert/strict";
import { PNG } from "./png.js";
import { appSuite, openApp, dragImage, imageToPage, artifact } from "./support.js";

const app = appSuite();

/** Asserts `actual` is within `tol` of `expected`. */
function near(actual, expected, what, tol = 1.5) {
  assert.ok(Math.abs(actual - expected) <= tol, `${what}: ${actual} is not within ${tol} of ${expected}`);
}

function pointsNear(actual, expected, what) {
  assert.equal(actual.length, expected.length, `${what}: ${JSON.stringify(actual)}`);
  actual.forEach((p, i) => {
    near(p.x, expected[i][0], `${what}[${i}].x`);
    near(p.y, expected[i][1], `${what}[${i}].y`);
  });
}

async function clickImage(page, x, y) {
  const p = await imageToPage(page, x, y);
  await page.mouse.click(p.x, p.y);
}

const annotations = (page) => page.evaluate(() => window.lasso.annotations());
const ofType = (list, type) => list.filter((a) => a.shape.type === type);
const isCatRed = (r, g, b) => r > 180 && g < 80 && b < 110;

test("rotated box, polygon and polyline: draw, edit, undo and redo", async () => {
  const context = await app.browser.newContext({ viewport: { width: 1100, height: 700 } });
  const page = await openApp(context, app.server.url);
  await page.locator(".lasso-canvas").click({ position: { x: 5, y: 5 } }); // focus
  const { scale } = await page.evaluate(() => window.lasso.viewport());

  // Rotated box (O): a drag makes an unturned rotated box.
  await page.keyboard.press("o");
  await dragImage(page, [40, 40], [160, 120]);
  let list = await annotations(page);
  assert.equal(list.length, 1);
  let r = list[0].shape;
  assert.equal(r.type, "rotated_box");
  near(r.cx, 100, "cx"); near(r.cy, 80, "cy"); near(r.w, 120, "w"); near(r.h, 80, "h");
  assert.equal(r.angle, 0);

  // Select (V): the new box is selected; turn it by its rotate handle, 24 screen px above its
  // top edge, to point right of the centre: 90°.
  await page.keyboard.press("v");
  await dragImage(page, [100, 40 - 24 / scale], [200, 80]);
  r = (await annotations(page))[0].shape;
  near(r.angle, 90, "angle", 2);
  near(r.cx, 100, "cx after rotating"); near(r.w, 120, "w after rotating");

  // Move it by dragging its inside.
  await dragImage(page, [100, 80], [130, 100]);
  r = (await annotations(page))[0].shape;
  near(r.cx, 130, "cx after moving"); near(r.cy, 100, "cy after moving");
  assert.equal((await annotations(page)).length, 1);

  // An axis-aligned box, resized by its bottom-right handle.
  await page.keyboard.press("b");
  await dragImage(page, [250, 40], [350, 120]);
  await page.keyboard.press("v");
  await dragImage(page, [350, 120], [380, 150]);
  const box = ofType(await annotations(page), "box")[0].shape;
  near(box.x0, 250, "x0"); near(box.y0, 40, "y0"); near(box.x1, 380, "x1"); near(box.y1, 150, "y1");

  // Polygon (P): four clicks, then a click on the first vertex closes it.
  await page.keyboard.press("p");
  for (const [x, y] of [[200, 180], [300, 180], [300, 260], [200, 260], [200, 180]]) {
    await clickImage(page, x, y);
  }
  let poly = ofType(await annotations(page), "polygon");
  assert.equal(poly.length, 1);
  const square = [[200, 180], [300, 180], [300, 260], [200, 260]];
  pointsNear(poly[0].shape.parts[0].exterior, square, "polygon");

  // Select: a click on the bottom edge inserts a vertex; Alt-click removes another one; Delete
  // removes the selected (inserted) vertex.
  await page.keyboard.press("v");
  await clickImage(page, 250, 260);
  poly = ofType(await annotations(page), "polygon")[0];
  pointsNear(poly.shape.parts[0].exterior, [[200, 180], [300, 180], [300, 260], [250, 260], [200, 260]], "inserted");
  await page.screenshot({ path: artifact("tools-editing.png") });
  await page.keyboard.down("Alt");
  await clickImage(page, 300, 180);
  await page.keyboard.up("Alt");
  poly = ofType(await annotations(page), "polygon")[0];
  pointsNear(poly.shape.parts[0].exterior, [[200, 180], [300, 260], [250, 260], [200, 260]], "alt-removed");
  await clickImage(page, 250, 260); // select the inserted vertex
  await page.keyboard.press("Delete");
  poly = ofType(await annotations(page), "polygon")[0];
  pointsNear(poly.shape.parts[0].exterior, [[200, 180], [300, 260], [200, 260]], "deleted vertex");

  // Undo brings the deleted vertex back; redo removes it again.
  await page.keyboard.press("Control+z");
  poly = ofType(await annotations(page), "polygon")[0];
  assert.equal(poly.shape.parts[0].exterior.length, 4);
  await page.keyboard.press("Control+Shift+z");
  poly = ofType(await annotations(page), "polygon")[0];
  assert.equal(poly.shape.parts[0].exterior.length, 3);

  // Polyline (L): clicks, Backspace drops the last vertex, Enter finishes.
  await page.keyboard.press("l");
  for (const [x, y] of [[20, 200], [80, 250], [140, 200], [160, 280]]) await clickImage(page, x, y);
  await page.keyboard.press("Backspace");
  await page.keyboard.press("Enter");
  const line = ofType(await annotations(page), "polyline");
  assert.equal(line.length, 1);
  pointsNear(line[0].shape.points, [[20, 200], [80, 250], [140, 200]], "polyline");

  // Esc cancels a polygon in progress: nothing is added.
  await page.keyboard.press("p");
  await clickImage(page, 400, 200);
  await clickImage(page, 440, 200);
  await page.keyboard.press("Escape");
  await page.keyboard.press("Enter");
  assert.equal((await annotations(page)).length, 4);

  // Undo removes the polyline, redo brings it back.
  await page.keyboard.press("Control+z");
  assert.equal(ofType(await annotations(page), "polyline").length, 0);
  await page.keyboard.press("Control+Shift+z");
  assert.equal(ofType(await annotations(page), "polyline").length, 1);

  // What a person sees: the polyline and the rotated box's edges in the cat colour.
  await page.keyboard.press("v");
  await page.keyboard.press("Escape"); // clear the selection so no handles cover the shapes
  await page.mouse.move(1, 1);
  await page.waitForTimeout(100);
  const shot = PNG.decode(await page.screenshot({ path: artifact("tools.png") }));
  const check = async (x, y, what) => {
    const p = await imageToPage(page, x, y);
    assert.ok(shot.pixelNear(p.x, p.y, 2, isCatRed), `${what} is drawn in red at its place`);
  };
  await check(50, 225, "the polyline's first segment");
  // Turned 90° and moved to (130, 100): its long sides are vertical at x = 130 ± 40.
  await check(170, 100, "the rotated box's right side");
  await check(250, 220, "the polygon's left edge");
  const inside = await imageToPage(page, 255, 235);
  assert.ok(!isCatRed(...shot.pixel(Math.round(inside.x), Math.round(inside.y))), "the polygon is filled translucently");
  assert.deepEqual(page.errors, []);
  await context.close();
});

test("keypoints with a skeleton: placed point by point, edges drawn, visibility per point", async () => {
  const context = await app.browser.newContext({ viewport: { width: 1100, height: 700 } });
  const page = await openApp(context, app.server.url);
  await page.evaluate(() =>
    window.lasso.loadTask({
      id: "face-task",
      image: { src: "samples/chelsea.png", name: "chelsea.png" },
      labels: {
        labels: [{
          name: "face", color: "#e6194b",
          keypoints: ["left_eye", "right_eye", "nose"],
          skeleton: [[0, 1], [1, 2], [2, 0]],
        }],
      },
    }),
  );
  await page.waitForFunction(() => window.lasso.viewport().imageReady);
  await page.locator(".lasso-canvas").click({ position: { x: 5, y: 5 } });
  await page.keyboard.press("k");
  await clickImage(page, 150, 100);
  assert.match(await page.locator(".lasso-hint").innerText(), /right_eye/);
  await page.keyboard.down("Shift");
  await clickImage(page, 250, 100); // occluded
  await page.keyboard.up("Shift");
  await clickImage(page, 200, 180);
  const list = await annotations(page);
  assert.equal(list.length, 1);
  const pts = list[0].shape.points;
  assert.deepEqual(pts.map((k) => [k.name, k.visibility]), [
    ["left_eye", "visible"], ["right_eye", "occluded"], ["nose", "visible"],
  ]);
  pointsNear(pts, [[150, 100], [250, 100], [200, 180]], "keypoints");

  // Select the nose with the select tool and cycle its visibility with I.
  await page.keyboard.press("v");
  await clickImage(page, 200, 180);
  await page.keyboard.press("i");
  await page.screenshot({ path: artifact("keypoints-selected.png") });
  const nose = (await annotations(page))[0].shape.points[2];
  assert.equal(nose.visibility, "occluded");

  await page.keyboard.press("Escape");
  await page.mouse.move(1, 1);
  await page.waitForTimeout(100);
  const shot = PNG.decode(await page.screenshot({ path: artifact("keypoints.png") }));
  const mid = await imageToPage(page, 200, 100); // middle of the eye-to-eye skeleton edge
  assert.ok(shot.pixelNear(mid.x, mid.y, 2, isCatRed), "the skeleton edge is drawn");
  assert.deepEqual(page.errors, []);
  await context.close();
});

test("nudge, attributes, freehand polygon, hide, and copy/paste onto another image", async () => {
  const context = await app.browser.newContext({ viewport: { width: 1100, height: 700 } });
  const page = await openApp(context, app.server.url);
  const taskOf = (id) => ({
    id,
    image: { src: "samples/chelsea.png", name: "chelsea.png" },
    labels: {
      labels: [{
        name: "car", color: "#e6194b",
        attributes: [
          { name: "pose", type: "choice", options: ["front", "side"] },
          { name: "note", type: "text" },
        ],
      }],
    },
  });
  await page.evaluate((t) => window.lasso.loadTask(t), taskOf("edit-1"));
  await page.waitForFunction(() => window.lasso.viewport().imageReady);
  await page.locator(".lasso-canvas").click({ position: { x: 5, y: 5 } });
  await page.keyboard.press("b");
  await dragImage(page, [50, 50], [150, 120]);
  await page.keyboard.press("v");
  await page.keyboard.press("ArrowRight");
  await page.keyboard.press("Shift+ArrowDown");
  let box = (await annotations(page))[0];
  near(box.shape.x0, 51, "x0 after nudge"); near(box.shape.y0, 60, "y0 after nudge");

  // The attributes panel edits the selected box; typing "b" in its text field types, it does
  // not switch to the box tool.
  await page.locator('select[data-attr="pose"]').selectOption("side");
  await page.locator('input[data-attr="note"]').click();
  await page.keyboard.type("blue b");
  await page.keyboard.press("Enter");
  box = (await annotations(page))[0];
  assert.deepEqual(box.attributes, { pose: "side", note: "blue b" });
  assert.equal(await page.locator(".lasso-tool.active").getAttribute("data-tool"), "select");

  // Freehand polygon: hold the button and drag, then Enter.
  await page.locator(".lasso-canvas").click({ position: { x: 5, y: 5 } }); // back to the editor (empty click)
  await page.keyboard.press("p");
  const a = await imageToPage(page, 200, 150);
  const b = await imageToPage(page, 300, 150);
  const c = await imageToPage(page, 300, 250);
  await page.mouse.move(a.x, a.y);
  await page.mouse.down();
  await page.mouse.move(b.x, b.y, { steps: 20 });
  await page.mouse.move(c.x, c.y, { steps: 20 });
  await page.mouse.up();
  await page.keyboard.press("Enter");
  const poly = ofType(await annotations(page), "polygon");
  assert.equal(poly.length, 1);
  const ring = poly[0].shape.parts[0].exterior;
  assert.ok(ring.length >= 10, `freehand gave ${ring.length} vertices`);
  const { scale } = await page.evaluate(() => window.lasso.viewport());
  for (let i = 1; i < ring.length; i++) {
    const d = Math.hypot(ring[i].x - ring[i - 1].x, ring[i].y - ring[i - 1].y) * scale;
    assert.ok(d >= 5, `vertices ${i - 1} and ${i} are ${d.toFixed(1)} screen px apart`);
  }

  // Copy the box, open another image, paste: same place, same label.
  await page.keyboard.press("v");
  await clickImage(page, 100, 95);
  await page.keyboard.press("Control+c");
  await page.evaluate((t) => window.lasso.loadTask(t), taskOf("edit-2"));
  await page.waitForFunction(() => window.lasso.viewport().imageReady && window.lasso.annotations().length === 0);
  await page.locator(".lasso-canvas").click({ position: { x: 5, y: 5 } });
  await page.keyboard.press("Control+v");
  const pasted = await annotations(page);
  assert.equal(pasted.length, 1);
  assert.equal(pasted[0].label, "car");
  assert.deepEqual(pasted[0].shape, box.shape);

  // H hides the selection (the pasted box is selected), H again shows it.
  await page.keyboard.press("h");
  assert.equal((await annotations(page))[0].hidden, true);
  await page.keyboard.press("h");
  assert.equal((await annotations(page))[0].hidden, undefined);
  assert.deepEqual(page.errors, []);
  await context.close();
});
