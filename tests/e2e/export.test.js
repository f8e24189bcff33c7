// Label in the browser with the mouse, export a zip through the Export panel, unzip it and read
// it with Label Studio's own converter: its COCO and YOLO must hold our box and polygon. Also:
// predictions loaded through the JS API are shown for review and accepted from the panel.
import { test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { appSuite, openApp, dragImage, imageToPage, artifact, ROOT } from "./support.js";

const app = appSuite();

function near(actual, expected, what, tol = 1e-6) {
  assert.ok(Math.abs(actual - expected) <= tol, `${what}: ${actual} is not within ${tol} of ${expected}`);
}

async function clickImage(page, x, y) {
  const p = await imageToPage(page, x, y);
  await page.mouse.click(p.x, p.y);
}

const annotations = (page) => page.evaluate(() => window.lasso.annotations());

test("a box and a polygon drawn with the mouse survive a Label Studio zip export", async () => {
  const context = await app.browser.newContext({ viewport: { width: 1100, height: 700 }, acceptDownloads: true });
  const page = await openApp(context, app.server.url);
  await page.locator(".lasso-canvas").click({ position: { x: 5, y: 5 } });
  await page.keyboard.press("b");
  await dragImage(page, [40, 40], [160, 120]);
  await page.keyboard.press("p");
  for (const [x, y] of [[200, 180], [300, 180], [260, 260], [200, 180]]) {
    await clickImage(page, x, y);
  }
  const list = await annotations(page);
  assert.deepEqual(list.map((a) => a.shape.type).sort(), ["box", "polygon"]);
  const { width, height } = await page.evaluate(() => {
    const t = JSON.parse(window.lasso.exportAs("lasso"));
    return t.image;
  });

  await page.click(".lasso-export-toggle");
  await page.waitForSelector(".lasso-export-format option", { state: "attached" });
  const options = await page.locator(".lasso-export-format option").allTextContents();
  for (const f of ["lasso", "cvat", "label-studio", "masks"]) assert.ok(options.includes(f), `${f} in ${options}`);
  // The panel says what a format would not keep of this task: YOLO detect turns the polygon
  // into its bounding box; Label Studio keeps both shapes.
  await page.selectOption(".lasso-export-format", "yolo");
  await page.waitForSelector(".lasso-export-losses li");
  const losses = await page.locator(".lasso-export-losses li").allTextContents();
  assert.deepEqual(losses, ["1 polygon: each written as its bounding box"]);
  await page.selectOption(".lasso-export-format", "label-studio");
  await page.waitForSelector(".lasso-export-losses", { state: "detached" });
  const [download] = await Promise.all([page.waitForEvent("download"), page.click(".lasso-export-start")]);
  assert.match(download.suggestedFilename(), /label-studio\.zip$/);
  const zipPath = artifact("export-label-studio.zip");
  await download.saveAs(zipPath);

  const python = path.join(ROOT, ".venv", "bin", "python");
  const read = JSON.parse(execFileSync(python, [path.join(ROOT, "tests", "e2e", "ls_consumer.py"), zipPath]).toString());
  assert.deepEqual(read.files, ["images/chelsea.png", "label_config.xml", "label_studio.json"]);
  assert.equal(read.image_size, fs.statSync(path.join(ROOT, "www", "samples", "chelsea.png")).size);

  const box = list.find((a) => a.shape.type === "box");
  const poly = list.find((a) => a.shape.type === "polygon");
  const b = box.shape;
  const cocoBox = read.coco.find((a) => a.segmentation.length === 0);
  assert.equal(cocoBox.label, box.label);
  [b.x0, b.y0, b.x1 - b.x0, b.y1 - b.y0].forEach((v, i) => near(cocoBox.bbox[i], v, `bbox[${i}]`));
  const cocoPoly = read.coco.find((a) => a.segmentation.length === 1);
  const ours = poly.shape.parts[0].exterior.flatMap((p) => [p.x, p.y]);
  assert.equal(cocoPoly.segmentation[0].length, ours.length);
  ours.forEach((v, i) => near(cocoPoly.segmentation[0][i], v, `segmentation[${i}]`));

  const yoloBox = read.yolo.find((l) => l.values.length === 4);
  const expected = [(b.x0 + b.x1) / 2 / width, (b.y0 + b.y1) / 2 / height, (b.x1 - b.x0) / width, (b.y1 - b.y0) / height];
  expected.forEach((v, i) => near(yoloBox.values[i], v, `yolo[${i}]`));
  const yoloPoly = read.yolo.find((l) => l.values.length === ours.length);
  ours.forEach((v, i) => near(yoloPoly.values[i], v / (i % 2 ? height : width), `yolo poly[${i}]`));

  // The COCO zip of the same task with a seeded split (all in train), read by pycocotools.
  const coco = await page.evaluate(async () => Array.from(await window.lasso.exportZip({ format: "coco", split: [1, 0, 0], seed: 7 })));
  const cocoPath = artifact("export-coco.zip");
  fs.writeFileSync(cocoPath, Buffer.from(coco));
  const loaded = JSON.parse(execFileSync(python, [path.join(ROOT, "tests", "e2e", "coco_consumer.py"), cocoPath]).toString());
  assert.ok(loaded.files.includes("images/train/chelsea.png"), loaded.files.join(", "));
  const cocoBoxAnn = loaded.annotations.find((a) => Math.abs(a.bbox[0] - b.x0) < 1e-6);
  assert.equal(cocoBoxAnn.file, "annotations/instances_train.json");
  [b.x0, b.y0, b.x1 - b.x0, b.y1 - b.y0].forEach((v, i) => near(cocoBoxAnn.bbox[i], v, `coco bbox[${i}]`));
  assert.ok(cocoBoxAnn.mask_area > 0.9 * (b.x1 - b.x0) * (b.y1 - b.y0), `annToMask area ${cocoBoxAnn.mask_area}`);
  assert.equal(loaded.annotations.length, 2);

  // The CVAT export of the same task is one XML file holding both shapes.
  const xml = await page.evaluate(() => window.lasso.exportAs("cvat"));
  assert.match(xml, /<box label="cat"/);
  assert.match(xml, /<polygon label="cat"/);
  assert.deepEqual(page.errors, []);
  await context.close();
});

test("resized and augmented in the browser: letterboxed images whose boxes follow, read by pycocotools", async () => {
  const context = await app.browser.newContext({ viewport: { width: 1100, height: 700 }, acceptDownloads: true });
  const page = await openApp(context, app.server.url);
  await page.locator(".lasso-canvas").click({ position: { x: 5, y: 5 } });
  await page.keyboard.press("b");
  await dragImage(page, [60, 60], [200, 160]);
  const [box] = await annotations(page);
  const { width, height } = await page.evaluate(() => JSON.parse(window.lasso.exportAs("lasso")).image);

  await page.click(".lasso-export-toggle");
  await page.selectOption(".lasso-export-format", "coco");
  await page.fill(".lasso-export-resize", "320");
  await page.keyboard.press("Tab");
  await page.selectOption(".lasso-export-resize-mode", "letterbox");
  await page.fill(".lasso-export-augment", "2");
  await page.keyboard.press("Tab");
  await page.locator(".lasso-export").screenshot({ path: artifact("export-pipeline-panel.png") });
  // The images are rendered in a worker that loads the app's own wasm module.
  const workers = [];
  page.on("worker", (w) => workers.push(w.url()));
  const [download] = await Promise.all([page.waitForEvent("download"), page.click(".lasso-export-start")]);
  assert.ok(workers.some((u) => u.endsWith("/worker.js")), JSON.stringify(workers));
  const zipPath = artifact("export-pipeline.zip");
  await download.saveAs(zipPath);
  const python = path.join(ROOT, ".venv", "bin", "python");
  const loaded = JSON.parse(execFileSync(python, [path.join(ROOT, "tests", "e2e", "coco_consumer.py"), zipPath]).toString());
  const files = loaded.images.map((i) => i.file).sort();
  assert.deepEqual(files, ["chelsea-aug1.png", "chelsea-aug2.png", "chelsea.png"]);
  for (const image of loaded.images) {
    assert.deepEqual([image.width, image.height, ...image.pixels], [320, 320, 320, 320], image.file);
  }
  // The original, letterboxed: scaled to fit, centred, grey padding at the corner.
  const s = 320 / Math.max(width, height);
  const [fw, fh] = [Math.round(width * s), Math.round(height * s)];
  const [px, py] = [Math.floor((320 - fw) / 2), Math.floor((320 - fh) / 2)];
  const [sx, sy] = [fw / width, fh / height];
  const original = loaded.images.find((i) => i.file === "chelsea.png");
  assert.deepEqual(original.corner, [114, 114, 114]);
  const b = box.shape;
  const ann = loaded.annotations.find((a) => a.image === "chelsea.png");
  const expected = [b.x0 * sx + px, b.y0 * sy + py, (b.x1 - b.x0) * sx, (b.y1 - b.y0) * sy];
  expected.forEach((v, i) => near(ann.bbox[i], v, `letterboxed bbox[${i}]`, 1e-6));
  // Each copy keeps its box (the standard operations move it but never lose half of it).
  for (const copy of ["chelsea-aug1.png", "chelsea-aug2.png"]) {
    const a = loaded.annotations.find((x) => x.image === copy);
    assert.ok(a && a.bbox[2] > 10 && a.bbox[3] > 10, `${copy}: ${JSON.stringify(a)}`);
  }
  // Without the worker script (a host page that does not serve it) the page renders the same
  // images itself: the same seed gives the same zip, byte for byte.
  await page.route("**/worker.js", (route) => route.abort());
  const [again] = await Promise.all([page.waitForEvent("download"), page.click(".lasso-export-start")]);
  const againPath = artifact("export-pipeline-inline.zip");
  await again.saveAs(againPath);
  assert.ok(fs.readFileSync(againPath).equals(fs.readFileSync(zipPath)), "the inline export differs from the worker's");
  assert.deepEqual(page.errors, []);
  await context.close();
});

test("predictions load dashed with their score and are accepted from the review panel", async () => {
  const context = await app.browser.newContext({ viewport: { width: 1100, height: 700 } });
  const page = await openApp(context, app.server.url);
  const { width, height } = await page.evaluate(() => JSON.parse(window.lasso.exportAs("lasso")).image);
  const result = (id, score, x) => ({
    id, type: "rectanglelabels", from_name: "label", to_name: "image", score,
    original_width: width, original_height: height,
    value: { x, y: 10, width: 20, height: 20, rotation: 0, rectanglelabels: ["dog"] },
  });
  const tasks = [{ data: { image: "samples/chelsea.png" }, predictions: [
    { model_version: "detector-v2", result: [result("p1", 0.9, 10), result("p2", 0.2, 50)] },
  ] }];
  const added = await page.evaluate((json) => window.lasso.loadPredictions(json, "label-studio"), JSON.stringify(tasks));
  assert.equal(added, 2);
  let list = await annotations(page);
  assert.deepEqual(list.map((a) => [a.id, a.origin.kind, a.origin.score]), [["p1", "prediction", 0.9], ["p2", "prediction", 0.2]]);
  await page.waitForSelector(".lasso-predictions");
  assert.match(await page.textContent(".lasso-prediction-count"), /2 to review, 1 at or above 0\.50/);
  assert.equal(await page.locator(".lasso-item-score").count(), 2);
  await page.locator(".lasso-canvas").screenshot({ path: artifact("predictions.png") });
  await page.click(".lasso-export-toggle");
  await page.waitForSelector(".lasso-export");
  await page.screenshot({ path: artifact("predictions-page.png") });
  await page.click(".lasso-export-toggle");

  await page.click(".lasso-accept-above");
  await page.click(".lasso-reject-rest");
  list = await annotations(page);
  assert.deepEqual(list.map((a) => [a.id, a.origin.kind, a.attributes.prediction_score]), [["p1", "human", 0.9]]);
  assert.equal(await page.locator(".lasso-predictions").count(), 0);
  // Each review button was one undo step.
  await page.evaluate(() => window.lasso.undo());
  assert.equal((await annotations(page)).length, 2);

  // COCO results (category ids are label set positions from 1) and YOLO lines with a confidence.
  const results = [{ image_id: 1, category_id: 3, bbox: [100, 100, 40, 30], score: 0.66 }];
  assert.equal(await page.evaluate((json) => window.lasso.loadPredictions(json, "coco"), JSON.stringify(results)), 1);
  assert.equal(await page.evaluate(() => window.lasso.loadPredictions("0 0.5 0.5 0.2 0.1 0.42\n", "yolo")), 1);
  list = (await annotations(page)).slice(-2);
  assert.deepEqual(list.map((a) => [a.label, a.origin.kind, a.origin.score]), [["person", "prediction", 0.66], ["cat", "prediction", 0.42]]);
  const fromCoco = list[0].shape;
  assert.deepEqual([fromCoco.x0, fromCoco.y0, fromCoco.x1, fromCoco.y1], [100, 100, 140, 130]);
  const fromYolo = list[1].shape;
  near(fromYolo.x0, 0.4 * width, "yolo x0", 1e-3);
  near(fromYolo.y1, 0.55 * height, "yolo y1", 1e-3);
  assert.deepEqual(page.errors, []);
  await context.close();
});
