// Walking skeleton, as a person uses it: draw two boxes with different labels, reload, delete one.
import { test } from "node:test";
import assert from "node:assert/strict";
import { PNG } from "./png.js";
import { appSuite, openApp, dragImage, imageToPage, artifact } from "./support.js";

const app = appSuite();

function boxesOf(annotations) {
  return annotations.map((a) => ({ id: a.id, label: a.label, ...a.shape }));
}

function near(actual, expected, what) {
  assert.ok(Math.abs(actual - expected) <= 1, `${what}: ${actual} is not within 1 px of ${expected}`);
}

test("draw two boxes, reload, both are there; delete one, reload, one is left", async () => {
  const context = await app.browser.newContext({ viewport: { width: 1100, height: 700 } });
  let page = await openApp(context, app.server.url);

  // First box: label "cat" with key 1 (the default), box tool with B.
  await page.locator(".lasso-canvas").click({ position: { x: 5, y: 5 } });
  await page.keyboard.press("b");
  await dragImage(page, [40, 50], [200, 180]);
  // Second box: label "person" with key 3.
  await page.keyboard.press("3");
  await dragImage(page, [250, 60], [400, 260]);

  let boxes = boxesOf(await page.evaluate(() => window.lasso.annotations()));
  assert.equal(boxes.length, 2);
  const cat = boxes.find((b) => b.label === "cat");
  const person = boxes.find((b) => b.label === "person");
  assert.ok(cat && person, JSON.stringify(boxes));
  [[cat, [40, 50, 200, 180]], [person, [250, 60, 400, 260]]].forEach(([b, [x0, y0, x1, y1]]) => {
    assert.equal(b.type, "box");
    near(b.x0, x0, "x0"); near(b.y0, y0, "y0"); near(b.x1, x1, "x1"); near(b.y1, y1, "y1");
  });

  // The outline of the cat box is drawn in its label colour (#e6194b) where it should be.
  await page.evaluate(() => window.lasso.setTool("select"));
  await page.mouse.click(1, 1); // park the pointer outside the image
  await page.waitForTimeout(100);
  const shot = PNG.decode(await page.screenshot({ path: artifact("two-boxes.png") }));
  const edge = await imageToPage(page, 120, 50); // middle of the top edge of the cat box
  const inside = await imageToPage(page, 120, 115);
  const onEdge = shot.pixelNear(edge.x, edge.y, 2, (r, g, b) => r > 180 && g < 80 && b < 110);
  assert.ok(onEdge, "the cat box's top edge is drawn in red at its image position");
  const [r, g, b] = shot.pixel(Math.round(inside.x), Math.round(inside.y));
  assert.ok(!(r > 180 && g < 80 && b < 110), `the inside of the box is not painted solid (${r},${g},${b})`);

  // Wait until both ops are journaled, then reload.
  await page.waitForFunction(() => document.querySelector(".lasso-save")?.dataset.state === "saved");
  await page.reload();
  await page.waitForFunction(() => window.lasso && window.lasso.viewport().imageReady);
  const afterReload = boxesOf(await page.evaluate(() => window.lasso.annotations()));
  assert.deepEqual(afterReload, boxes);
  const listed = await page.locator(".lasso-item").evaluateAll((els) => els.map((e) => e.dataset.label));
  assert.deepEqual(listed.sort(), ["cat", "person"]);

  // Select the person box in the list and delete it with the Delete key.
  await page.locator(`.lasso-item[data-label="person"]`).click();
  await page.locator(".lasso").focus();
  await page.keyboard.press("Delete");
  await page.waitForFunction(() => window.lasso.annotations().length === 1);
  await page.waitForFunction(() => document.querySelector(".lasso-save")?.dataset.state === "saved");
  await page.reload();
  await page.waitForFunction(() => window.lasso && window.lasso.viewport().imageReady);
  boxes = boxesOf(await page.evaluate(() => window.lasso.annotations()));
  assert.equal(boxes.length, 1);
  assert.equal(boxes[0].label, "cat");
  assert.equal(await page.locator(".lasso-item").count(), 1);
  assert.deepEqual(page.errors, []);
  await context.close();
});
