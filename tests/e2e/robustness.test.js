// Bad input at the JS boundary and gestures whose pointer is lost, as a host page and a person
// meet them: an error that names the field, nothing already saved touched, no stuck drag.
import { test } from "node:test";
import assert from "node:assert/strict";
import { appSuite, openApp, dragImage, imageToPage } from "./support.js";

const app = appSuite();

const box = (id, x0) => ({ id, label: "cat", shape: { type: "box", x0, y0: 10, x1: x0 + 40, y1: 60 } });

test("loadTask refuses NaN coordinates and impossible masks by field; the open task and its saved work stay", async () => {
  const context = await app.browser.newContext({ viewport: { width: 1000, height: 700 } });
  const page = await openApp(context, app.server.url);
  await page.locator(".lasso-canvas").click({ position: { x: 5, y: 5 } });
  await page.keyboard.press("b");
  await dragImage(page, [40, 50], [200, 180]);
  await page.waitForFunction(() => document.querySelector(".lasso-save")?.dataset.state === "saved");
  const before = await page.evaluate(() => window.lasso.annotations());
  assert.equal(before.length, 1);

  const errors = [];
  await page.exposeFunction("recordError", (e) => errors.push(e));
  await page.evaluate(() => window.lasso.on("error", (e) => window.recordError(String(e))));
  const nan = await page.evaluate(async (a) => {
    a[1].shape.x0 = NaN;
    try {
      await window.lasso.loadTask({ id: "bad-nan", image: { src: "samples/street.jpg", width: 64, height: 48 }, annotations: a });
      return "accepted";
    } catch (e) {
      return String(e);
    }
  }, [box("a", 1), box("b", 2)]);
  // JSON carries NaN as null, so the refusal comes from reading the task, by the same path.
  assert.match(nan, /annotations\[1\]\.shape/, nan);
  assert.match(nan, /not a finite number|null, expected f64/, nan);

  const huge = await page.evaluate(async () => {
    try {
      await window.lasso.loadTask({
        id: "bad-mask",
        image: { src: "samples/street.jpg", width: 100000, height: 100000 },
        annotations: [{ id: "m", label: "cat", shape: { type: "mask", width: 100000, height: 100000, counts: [4294967295, 1, 5] } }],
      });
      return "accepted";
    } catch (e) {
      return String(e);
    }
  });
  assert.match(huge, /annotations\[0\]\.shape\.width/, huge);

  const dup = await page.evaluate(async (a) => {
    try {
      await window.lasso.loadTask({ id: "bad-dup", image: { src: "samples/street.jpg" }, annotations: a });
      return "accepted";
    } catch (e) {
      return String(e);
    }
  }, [box("same", 1), box("same", 50)]);
  assert.match(dup, /annotations\[1\]\.id/, dup);

  // Options are read in the main module; the path of a bad value comes from a chunk.
  const options = await page.evaluate(async () => {
    const host = document.createElement("div");
    document.body.append(host);
    try {
      await window.wasmBindings.mount(host, { storage: "bad-options", labels: [{ name: "ok", color: "#fff" }, { name: 7 }] });
      return "accepted";
    } catch (e) {
      return String(e);
    } finally {
      host.remove();
    }
  });
  assert.match(options, /^options: invalid value at labels\[1\]\.name: invalid type: integer `7`, expected a string/, options);
  const task = await page.evaluate(async () => {
    const host = document.createElement("div");
    document.body.append(host);
    try {
      await window.wasmBindings.mount(host, { storage: "bad-task", task: { id: "t", image: { src: "samples/street.jpg", width: "wide" } } });
      return "accepted";
    } catch (e) {
      return String(e);
    } finally {
      host.remove();
    }
  });
  assert.match(task, /^options\.task: invalid value at image\.width: invalid type: string "wide", expected u32/, task);
  // exportZip's options are read where the pipeline's readers are, and placed the same way.
  const zip = await page.evaluate(async () => {
    try {
      await window.lasso.exportZip({ format: "coco", pipeline: { resize: { width: 640, heigth: 640 } } });
      return "accepted";
    } catch (e) {
      return String(e);
    }
  });
  assert.match(zip, /^options: invalid value at pipeline\.resize\S*: unknown field `heigth`, expected/, zip);

  // The task that was open is still open, unchanged, and its journaled work reloads.
  assert.deepEqual(await page.evaluate(() => window.lasso.annotations()), before);
  await page.reload();
  await page.waitForFunction(() => window.lasso && window.lasso.annotations().length === 1);
  await context.close();
});

test("a drag whose pointer is lost (cancelled, window blurred) draws nothing and the next drag works", async () => {
  const context = await app.browser.newContext({ viewport: { width: 1000, height: 700 } });
  const page = await openApp(context, app.server.url);
  await page.locator(".lasso-canvas").click({ position: { x: 5, y: 5 } });
  await page.keyboard.press("b");
  const a = await imageToPage(page, 40, 40);
  const b = await imageToPage(page, 160, 120);
  // The browser takes the pointer away mid-drag (a touch turned into a scroll, a system dialog).
  await page.mouse.move(a.x, a.y);
  await page.mouse.down();
  await page.mouse.move(b.x, b.y, { steps: 5 });
  await page.locator(".lasso-canvas").dispatchEvent("pointercancel", { pointerId: 1, bubbles: true });
  await page.mouse.up();
  assert.equal((await page.evaluate(() => window.lasso.annotations())).length, 0, "a cancelled drag commits nothing");
  // The window loses focus mid-drag.
  await page.mouse.move(a.x, a.y);
  await page.mouse.down();
  await page.mouse.move(b.x, b.y, { steps: 5 });
  await page.evaluate(() => window.dispatchEvent(new Event("blur")));
  await page.mouse.up();
  assert.equal((await page.evaluate(() => window.lasso.annotations())).length, 0, "a drag cut by blur commits nothing");
  // Nothing is stuck: the next drag draws one box where it was dragged.
  await dragImage(page, [50, 60], [150, 140]);
  const boxes = await page.evaluate(() => window.lasso.annotations());
  assert.equal(boxes.length, 1);
  assert.ok(Math.abs(boxes[0].shape.x0 - 50) <= 1 && Math.abs(boxes[0].shape.x1 - 150) <= 1, JSON.stringify(boxes));
  await context.close();
});
