// A large photo the tests make, and how they look at it at full zoom: pixel for pixel, its
// blocks' edges where the photo has them.
import assert from "node:assert/strict";
import { artifact } from "./support.js";
import { madeImage } from "./ml.js";
import { PNG } from "./png.js";

/**
 * A 4200 × 4000 (16.8 MP) grey photo with a red block at (3000, 2000)–(3099, 2099) and a blue
 * one at (1000, 1000)–(1099, 1099).
 */
export function largePhoto(name = "large.png") {
  return madeImage("lasso-large-", name, [
    "import sys",
    "from PIL import Image, ImageDraw",
    "im = Image.new('RGB', (4200, 4000), (128, 128, 128))",
    "ImageDraw.Draw(im).rectangle([3000, 2000, 3099, 2099], fill=(220, 30, 30))",
    "ImageDraw.Draw(im).rectangle([1000, 1000, 1099, 1099], fill=(30, 30, 220))",
    "im.save(sys.argv[1])",
  ]);
}

export const RED = ([r, g, b]) => r > 190 && g < 70 && b < 70;
export const BLUE = ([r, g, b]) => r < 70 && g < 70 && b > 190;

/** Puts image pixel (x0, y0) at a whole canvas pixel at 100 % and screenshots the canvas. */
export async function atFullZoom(page, shotName, [x0, y0] = [3000, 2000]) {
  const { width, height } = await page.evaluate(() => window.lasso.viewport());
  const [cx, cy] = [Math.round(width / 2), Math.round(height / 2)];
  await page.evaluate(([x, y]) => window.lasso.setViewport({ scale: 1, offsetX: x, offsetY: y }), [cx - x0, cy - y0]);
  await page.waitForFunction(() => window.lasso.viewport().tiles?.sharp);
  await page.evaluate(() => window.lasso.drawNow());
  const shot = PNG.decode(await page.locator(".lasso-canvas").screenshot({ path: artifact(shotName) }));
  return { shot, cx, cy };
}

/** The block's edges fall exactly on the pixels they should (JPEG tiles: a little ringing). */
export function assertBlockInPlace({ shot, cx, cy }, red = RED) {
  const grey = ([r, g, b]) => [r, g, b].every((v) => Math.abs(v - 128) < 20);
  for (const [x, y] of [[cx, cy], [cx + 99, cy + 99], [cx + 50, cy]]) assert.ok(red(shot.pixel(x, y)), `block at ${x},${y}: ${shot.pixel(x, y)}`);
  for (const [x, y] of [[cx - 1, cy], [cx, cy - 1], [cx + 100, cy + 50], [cx + 50, cy + 100]]) assert.ok(grey(shot.pixel(x, y)), `ground at ${x},${y}: ${shot.pixel(x, y)}`);
}

