// A TIFF (which Chromium cannot show) is decoded by the core and shown at full resolution: its
// size is the TIFF's, its pixels are on the canvas, and a box drawn on a feature lands on the
// TIFF's own pixel coordinates.
import { test } from "node:test";
import assert from "node:assert/strict";
import { appSuite, openApp, dragImage, imageToPage, artifact } from "./support.js";
import { madeImage } from "./ml.js";
import { PNG } from "./png.js";

const app = appSuite();

test("a TIFF displays and is labelled in its own pixels", async () => {
  const tiff = await madeImage("lasso-tiff-", "scan.tif", [
    "import sys",
    "from PIL import Image, ImageDraw",
    "im = Image.new('RGB', (300, 200), (255, 255, 255))",
    "ImageDraw.Draw(im).rectangle([100, 50, 199, 149], fill=(20, 20, 20))",
    "im.save(sys.argv[1], format='TIFF', compression='tiff_lzw')",
  ]);
  const context = await app.browser.newContext({ viewport: { width: 1000, height: 700 } });
  try {
    const page = await openApp(context, app.server.url);
    await page.evaluate(async (src) => {
      await window.lasso.loadTask({ id: `tiff-${Date.now()}`, image: { src, name: "scan.tif" }, annotations: [] });
    }, tiff.url);
    await page.waitForFunction(() => window.lasso.viewport().imageReady && JSON.parse(window.lasso.exportAs("lasso")).image.width > 0);
    const image = await page.evaluate(() => JSON.parse(window.lasso.exportAs("lasso")).image);
    assert.deepEqual([image.width, image.height], [300, 200]);
    assert.ok(image.src.endsWith("scan.tif"), "the task still names the TIFF");
    // The dark block is on the canvas where the TIFF has it.
    const shot = PNG.decode(await page.locator(".lasso-canvas").screenshot({ path: artifact("tiff.png") }));
    const box = await page.locator(".lasso-canvas").boundingBox();
    const inside = await imageToPage(page, 150, 100);
    const outside = await imageToPage(page, 50, 100);
    const [r, g, b] = shot.pixel(Math.round(inside.x - box.x), Math.round(inside.y - box.y));
    assert.ok(r < 60 && g < 60 && b < 60, `block: ${[r, g, b]}`);
    const [r2] = shot.pixel(Math.round(outside.x - box.x), Math.round(outside.y - box.y));
    assert.ok(r2 > 200, `paper: ${r2}`);
    await page.keyboard.press("b");
    await dragImage(page, [100, 50], [200, 150]);
    const [drawn] = await page.evaluate(() => window.lasso.annotations());
    for (const [got, want] of [[drawn.shape.x0, 100], [drawn.shape.y0, 50], [drawn.shape.x1, 200], [drawn.shape.y1, 150]]) {
      assert.ok(Math.abs(got - want) <= 1, JSON.stringify(drawn.shape));
    }
    assert.deepEqual(page.errors, []);
  } finally {
    await context.close();
    await tiff.close();
  }
});
