// Intelligent scissors through the UI: on an image the test makes (a dark ellipse with a notch
// on a light ground), eight clicks near its outline — the pointer moving between them, the
// live wire following — and the last on the first anchor close a polygon that covers the shape
// (IoU ≥ 0.95). No model and no server: the path comes from the image's own edges.
import { test } from "node:test";
import assert from "node:assert/strict";
import { appSuite, openApp, imageToPage, artifact } from "./support.js";
import { madeImage } from "./ml.js";

const app = appSuite();
const [W, H] = [400, 300];
const inside = (x, y) => {
  const dx = (x + 0.5 - 200) / 130;
  const dy = (y + 0.5 - 150) / 90;
  return dx * dx + dy * dy <= 1 && !(x >= 280 && y >= 130 && y < 170);
};

function shapeImage() {
  return madeImage("lasso-scissors-", "shape.png", [
    "import sys",
    "from PIL import Image",
    "im = Image.new('RGB', (400, 300), (230, 230, 230))",
    "px = im.load()",
    "for y in range(300):",
    "    for x in range(400):",
    "        dx, dy = (x + 0.5 - 200) / 130, (y + 0.5 - 150) / 90",
    "        if dx * dx + dy * dy <= 1 and not (x >= 280 and 130 <= y < 170):",
    "            px[x, y] = (30, 40, 160)",
    "im.save(sys.argv[1])",
  ]);
}

/** Whether (x, y) is inside the polygon's parts (even-odd over exteriors and holes). */
function inPolygon(parts, x, y) {
  let inside = false;
  for (const part of parts) {
    for (const ring of [part.exterior, ...(part.holes ?? [])]) {
      for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
        const [a, b] = [ring[i], ring[j]];
        if ((a.y > y) !== (b.y > y) && x < ((b.x - a.x) * (y - a.y)) / (b.y - a.y) + a.x) inside = !inside;
      }
    }
  }
  return inside;
}

test("eight clicks along an outline close a polygon on the shape", async () => {
  const image = await shapeImage();
  const context = await app.browser.newContext({ viewport: { width: 1200, height: 800 } });
  try {
    const page = await openApp(context, app.server.url);
    await page.evaluate(async (src) => {
      await window.lasso.loadTask({ id: `cell-${Date.now()}`, image: { src }, labels: { labels: [{ name: "cell", color: "#3cb44b" }] }, annotations: [] });
    }, image.url);
    await page.waitForFunction(() => window.lasso.viewport().imageReady);
    await page.locator(".lasso-canvas").click({ position: { x: 5, y: 5 } });
    await page.keyboard.press("x");
    // Near the outline, a few pixels off as a hand clicks; two at the notch's corners.
    const clicks = [[281, 172], ...[50, 110, 160, 215, 265].map((d) => {
      const r = (d * Math.PI) / 180;
      return [200 + 133 * Math.cos(r), 150 + 93 * Math.sin(r)];
    }), [283, 128]];
    clicks.push(clicks[0]);
    assert.equal(clicks.length, 8);
    for (const [i, [x, y]] of clicks.entries()) {
      const at = await imageToPage(page, x, y);
      await page.mouse.move(at.x, at.y, { steps: i === 0 ? 1 : 12 });
      if (i === 4) {
        // Between clicks: the anchors so far and the live wire to the pointer.
        await page.locator(".lasso-stage").screenshot({ path: artifact("scissors-tracing.png") });
      }
      await page.mouse.down();
      await page.mouse.up();
    }
    const [cell] = await page.evaluate(() => window.lasso.annotations());
    assert.ok(cell, "the eighth click closed the polygon");
    assert.equal(cell.label, "cell");
    assert.equal(cell.shape.type, "polygon");
    let both = 0;
    let either = 0;
    for (let y = 0; y < H; y++) {
      for (let x = 0; x < W; x++) {
        const a = inside(x, y);
        const b = inPolygon(cell.shape.parts, x + 0.5, y + 0.5);
        if (a && b) both++;
        if (a || b) either++;
      }
    }
    const iou = both / either;
    assert.ok(iou >= 0.95, `IoU ${iou}`);
    await page.locator(".lasso-stage").screenshot({ path: artifact("scissors-closed.png") });
    assert.deepEqual(page.errors, []);
  } finally {
    await context.close();
    await image.close();
  }
});
