// Huge local images: a photo from 16 MP on opened from disk is cut into a tile pyramid in a
// worker and kept in the browser, shown whole meanwhile, then from its tiles with its pixels in
// place at full zoom; a reload opens it from the stored tiles without holding it whole. A TIFF
// in strips (which no browser shows) is cut and displays. Without the worker the photo is
// shown whole, decoded off the main thread; a file cut short is named in the banner.
import { test } from "node:test";
import path from "node:path";
import fs from "node:fs";
import assert from "node:assert/strict";
import { appSuite, openApp, dragImage, imageToPage, artifact, ROOT } from "./support.js";
import { madeImage } from "./ml.js";
import { PNG } from "./png.js";
import { largePhoto, atFullZoom, assertBlockInPlace, BLUE } from "./large.js";

const app = appSuite();

const openId = (page) => page.evaluate(() => JSON.parse(window.lasso.exportAs("lasso")).id);

test("a photo from 16 MP on, opened from disk, is cut into stored tiles in a worker, labelled at full resolution, and reopens from its tiles", async () => {
  const photo = await largePhoto();
  const context = await app.browser.newContext({ viewport: { width: 1000, height: 700 } });
  try {
    const page = await openApp(context, app.server.url);
    const workers = [];
    page.on("worker", (w) => workers.push(w.url()));
    // With a small photo beside it, so that the strip shows both.
    fs.copyFileSync(path.join(ROOT, "www", "samples", "coffee.png"), path.join(photo.dir, "small.png"));
    await page.locator(".lasso-open-files input").setInputFiles(["large.png", "small.png"].map((f) => path.join(photo.dir, f)));
    // Shown whole while the tiles are cut (no second full-resolution copy meanwhile) …
    await page.waitForFunction(() => JSON.parse(window.lasso.exportAs("lasso")).id.endsWith("/large.png") && window.lasso.viewport().imageReady);
    // … then from its tiles, the whole copy dropped.
    await page.waitForFunction(() => window.lasso.viewport().tiles && !window.lasso.renderStats().wholeImage, null, { timeout: 60000 });
    assert.ok(workers.some((u) => u.endsWith("/worker.js")), JSON.stringify(workers));
    assert.equal(await page.locator(".lasso-cutting").count(), 0, "the progress goes when the cut ends");
    const stats = await page.evaluate(() => window.lasso.renderStats());
    assert.equal(stats.fullResolutionBitmap, false);
    const task = await page.evaluate(() => JSON.parse(window.lasso.exportAs("lasso")));
    assert.deepEqual([task.image.width, task.image.height], [4200, 4000]);
    assertBlockInPlace(await atFullZoom(page, "local-tiles-full-zoom.png"));

    // A box drawn with the mouse on the block, at a zoom where a screen pixel is 2 image pixels.
    await page.evaluate(() => window.lasso.setViewport({ scale: 0.5, offsetX: 300 - 1500, offsetY: 300 - 1000 }));
    await page.keyboard.press("b");
    await dragImage(page, [3000, 2000], [3100, 2100]);
    const [box] = await page.evaluate(() => window.lasso.annotations());
    for (const [got, want] of [[box.shape.x0, 3000], [box.shape.y0, 2000], [box.shape.x1, 3100], [box.shape.y1, 2100]]) {
      assert.ok(Math.abs(got - want) <= 2, JSON.stringify(box.shape));
    }
    const coco = JSON.parse(await page.evaluate(() => window.lasso.exportAs("coco")));
    assert.deepEqual([coco.images[0].width, coco.images[0].height], [4200, 4000]);
    assert.ok(Math.abs(coco.annotations[0].bbox[0] - 3000) <= 2 && Math.abs(coco.annotations[0].bbox[2] - 100) <= 2, JSON.stringify(coco.annotations[0]));
    await page.waitForFunction(() => document.querySelector(".lasso-save")?.dataset.state === "saved");

    // After a reload, the image opens from its stored tiles: never held whole, nothing cut again.
    const id = await openId(page);
    await page.reload();
    await page.waitForFunction(() => window.lasso && document.body.dataset.ready === "true");
    workers.length = 0;
    await page.locator(".lasso-dataset-open").first().click();
    await page.locator('.lasso-image[data-path="large.png"]').click();
    await page.waitForFunction((id) => JSON.parse(window.lasso.exportAs("lasso")).id === id && window.lasso.viewport().imageReady, id);
    const reopened = await page.evaluate(() => ({ tiles: !!window.lasso.viewport().tiles, whole: window.lasso.renderStats().wholeImage }));
    assert.deepEqual(reopened, { tiles: true, whole: false });
    assert.equal((await page.evaluate(() => window.lasso.annotations())).length, 1, "the box is kept");
    // Its thumbnail in the strip is the pyramid's one-tile level (132 × 125), not the photo.
    await page.waitForFunction(() => [...document.querySelectorAll(".lasso-strip-item img")].some((i) => i.naturalWidth === 132 && i.naturalHeight === 125));
    // (The red block has the box over it: the blue one shows the tiles.)
    assertBlockInPlace(await atFullZoom(page, "local-tiles-reopened.png", [1000, 1000]), BLUE);
    assert.deepEqual(workers, [], "nothing was cut again");

    // The tools that read pixels work on the tiles in view: the wand at 100 % and at 50 %, …
    const cocoOf = async (n) => {
      await page.waitForFunction((n) => window.lasso.annotations().length === n, n);
      return JSON.parse(await page.evaluate(() => window.lasso.exportAs("coco"))).annotations[n - 1];
    };
    const near = (got, want, tolerance, what) => assert.ok(got.every((v, i) => Math.abs(v - want[i]) <= tolerance), `${what}: ${got}`);
    await page.locator(".lasso").focus();
    await page.keyboard.press("w");
    let at = await imageToPage(page, 1050, 1050);
    await page.mouse.click(at.x, at.y);
    const sharpWand = await cocoOf(2);
    near(sharpWand.bbox, [1000, 1000, 100, 100], 1, "wand at 100 %");
    assert.ok(Math.abs(sharpWand.area - 10000) <= 200, `area ${sharpWand.area}`);
    await page.evaluate(() => window.lasso.setViewport({ scale: 0.5, offsetX: 400 - 525, offsetY: 300 - 525 }));
    await page.waitForFunction(() => window.lasso.viewport().tiles?.sharp);
    at = await imageToPage(page, 1050, 1050);
    await page.mouse.click(at.x, at.y);
    const halfWand = await cocoOf(3);
    near(halfWand.bbox, [1000, 1000, 100, 100], 2, "wand at 50 %");
    // … and the scissors, around the block at 100 %.
    await atFullZoom(page, "local-tiles-scissors.png", [1000, 1000]);
    await page.keyboard.press("x");
    for (const [x, y] of [[1000, 1000], [1099, 1001], [1099, 1099], [1001, 1099], [1000, 1000]]) {
      at = await imageToPage(page, x + 0.5, y + 0.5);
      await page.mouse.move(at.x, at.y, { steps: 8 });
      await page.mouse.down();
      await page.mouse.up();
    }
    const traced = await cocoOf(4);
    near(traced.bbox, [1000, 1000, 100, 100], 2, "scissors");
    assert.deepEqual(page.errors, []);
  } finally {
    await context.close();
    await photo.close();
  }
});

test("without a worker, a large photo is shown whole, decoded off the main thread; a file cut short is named", async () => {
  const photo = await largePhoto();
  const context = await app.browser.newContext({ viewport: { width: 1000, height: 700 } });
  try {
    await context.route("**/worker.js", (route) => route.abort());
    const page = await openApp(context, app.server.url);
    await page.locator(".lasso-open-files input").setInputFiles(path.join(photo.dir, "large.png"));
    await page.waitForFunction(() => JSON.parse(window.lasso.exportAs("lasso")).id.endsWith("/large.png")
      && window.lasso.viewport().imageReady && window.lasso.renderStats().fullResolutionBitmap);
    assert.equal(await page.evaluate(() => window.lasso.viewport().tiles ?? null), null);
    const { width, height } = await page.evaluate(() => window.lasso.viewport());
    const [cx, cy] = [Math.round(width / 2), Math.round(height / 2)];
    await page.evaluate(([x, y]) => {
      window.lasso.setViewport({ scale: 1, offsetX: x - 3000, offsetY: y - 2000 });
      window.lasso.drawNow();
    }, [cx, cy]);
    const shot = PNG.decode(await page.locator(".lasso-canvas").screenshot({ path: artifact("large-full-zoom.png") }));
    assertBlockInPlace({ shot, cx, cy });
    assert.deepEqual(page.errors, []);
  } finally {
    await context.close();
  }
  // The same file cut in half: its header promises 16.8 MP, its rows end early.
  const short = path.join(photo.dir, "short", "half.png");
  fs.mkdirSync(path.dirname(short));
  const bytes = fs.readFileSync(path.join(photo.dir, "large.png"));
  fs.writeFileSync(short, bytes.subarray(0, Math.floor(bytes.length / 2)));
  const second = await app.browser.newContext({ viewport: { width: 1000, height: 700 } });
  try {
    const page = await openApp(second, app.server.url);
    await page.locator(".lasso-open-files input").setInputFiles(short);
    await page.waitForFunction(() => (document.querySelector(".lasso-banner")?.textContent ?? "").includes("half.png"), null, { timeout: 60000 });
    const banner = await page.locator(".lasso-banner").textContent();
    assert.match(banner, /Could not cut half\.png into tiles \(.*(row|PNG|end).*\)/, banner);
    assert.equal(await page.evaluate(() => window.lasso.viewport().tiles ?? null), null, "no pyramid of a broken file");
  } finally {
    await second.close();
    await photo.close();
  }
});

test("a TIFF in strips opened from disk is cut into tiles and displays in its own pixels", async () => {
  const scan = await madeImage("lasso-strips-", "strips.tif", [
    "import sys",
    "from PIL import Image, ImageDraw",
    "im = Image.new('RGB', (900, 700), (255, 255, 255))",
    "ImageDraw.Draw(im).rectangle([600, 400, 699, 499], fill=(20, 20, 20))",
    "im.save(sys.argv[1], format='TIFF', compression='tiff_lzw')",
  ]);
  const context = await app.browser.newContext({ viewport: { width: 1000, height: 700 } });
  try {
    const page = await openApp(context, app.server.url);
    await page.locator(".lasso-open-files input").setInputFiles(path.join(scan.dir, "strips.tif"));
    await page.waitForFunction(() => JSON.parse(window.lasso.exportAs("lasso")).id.endsWith("/strips.tif")
      && window.lasso.viewport().imageReady && window.lasso.viewport().tiles?.sharp);
    await page.evaluate(() => window.lasso.drawNow());
    const task = await page.evaluate(() => JSON.parse(window.lasso.exportAs("lasso")));
    assert.deepEqual([task.image.width, task.image.height], [900, 700]);
    const shot = PNG.decode(await page.locator(".lasso-canvas").screenshot({ path: artifact("tiff-strips.png") }));
    const box = await page.locator(".lasso-canvas").boundingBox();
    const at = async (x, y) => {
      const p = await imageToPage(page, x, y);
      return shot.pixel(Math.round(p.x - box.x), Math.round(p.y - box.y));
    };
    const [r, g, b] = await at(650, 450);
    assert.ok(r < 70 && g < 70 && b < 70, `block: ${[r, g, b]}`);
    const [r2] = await at(300, 300);
    assert.ok(r2 > 200, `paper: ${r2}`);
    assert.deepEqual(page.errors, []);
  } finally {
    await context.close();
    await scan.close();
  }
});
