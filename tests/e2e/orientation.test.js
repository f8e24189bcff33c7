// A photo with EXIF orientation 6 is shown upright, its size is the upright size, and a box drawn
// on the red block with the mouse lands on the same pixels in the exported COCO zip when Pillow
// turns the image upright with `exif_transpose` (as training code reads it).
import { test } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { execFileSync } from "node:child_process";
import { appSuite, openApp, dragImage, artifact, scratchDir, ROOT } from "./support.js";

const python = path.join(ROOT, ".venv", "bin", "python");
const helper = path.join(ROOT, "tests", "e2e", "orientation.py");
const app = appSuite();

test("a rotated photo is labelled upright and exported on the same pixels Pillow reads", async () => {
  const dir = scratchDir("lasso-orientation-");
  const jpeg = path.join(dir, "turned.jpg");
  const made = JSON.parse(execFileSync(python, [helper, "make", jpeg]).toString());
  const src = `data:image/jpeg;base64,${fs.readFileSync(jpeg).toString("base64")}`;
  const context = await app.browser.newContext({ viewport: { width: 1000, height: 700 } });
  try {
    const page = await openApp(context, app.server.url);
    await page.evaluate(async (src) => {
      await window.lasso.loadTask({ id: "turned", image: { src, name: "turned.jpg" }, annotations: [] });
    }, src);
    await page.waitForFunction(() => window.lasso.viewport().imageReady && JSON.parse(window.lasso.exportAs("lasso")).image.width > 0);
    const image = await page.evaluate(() => JSON.parse(window.lasso.exportAs("lasso")).image);
    assert.deepEqual([image.width, image.height], made.size, "the upright size");
    const [x0, y0, x1, y1] = made.block;
    await page.keyboard.press("b");
    await dragImage(page, [x0, y0], [x1, y1]);
    await page.locator(".lasso-canvas").screenshot({ path: artifact("orientation.png") });
    const zip = await page.evaluate(async () => Array.from(await window.lasso.exportZip({ format: "coco" })));
    const zipPath = artifact("orientation-coco.zip");
    fs.writeFileSync(zipPath, Buffer.from(zip));
    const checked = JSON.parse(execFileSync(python, [helper, "check", zipPath]).toString());
    assert.deepEqual(checked.size, checked.upright, "the exported size is the upright picture's");
    assert.ok(checked.red_share > 0.85, `the box covers the block: ${checked.red_share}`);
    assert.deepEqual(page.errors, []);
  } finally {
    await context.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
