// The dataset health page: boxes drawn with the mouse in two classes, counted per class with
// bars, by COCO size and aspect, the classes that need more examples named; and the pixel checks
// over a local folder: a copied photo, a flat image and a cut-off file found.
import { test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { appSuite, openApp, dragImage, artifact, scratchDir, ROOT } from "./support.js";

const app = appSuite();

test("the health page counts what was drawn per class, size and aspect", async () => {
  const context = await app.browser.newContext({ viewport: { width: 1200, height: 800 } });
  const page = await openApp(context, app.server.url);
  await page.locator(".lasso-canvas").click({ position: { x: 5, y: 5 } });
  await page.keyboard.press("b");
  // Two wide boxes of the first class (one small by COCO's measure), one tall of the second.
  await dragImage(page, [40, 40], [200, 100]);
  await dragImage(page, [220, 40], [240, 50]);
  await page.keyboard.press("2");
  await dragImage(page, [300, 60], [340, 220]);
  const list = await page.evaluate(() => window.lasso.annotations());
  assert.equal(list.length, 3);
  const [first, second] = [list[0].label, list[2].label];
  assert.notEqual(first, second);

  await page.click(".lasso-health-toggle");
  await page.waitForSelector(".lasso-health-summary");
  assert.match(await page.textContent(".lasso-health-summary"), /^1 image, 3 objects; 0 images without objects/);
  const count = async (table, name) =>
    Number(await page.getAttribute(`.${table} tr[data-name="${name}"]`, "data-value"));
  assert.equal(await count("lasso-health-classes", first), 2);
  assert.equal(await count("lasso-health-classes", second), 1);
  // Sizes by COCO's areas (under 32², under 96², more), from the boxes as drawn in image pixels.
  const expected = { small: 0, medium: 0, large: 0 };
  for (const { shape: b } of list) {
    const area = (b.x1 - b.x0) * (b.y1 - b.y0);
    expected[area < 32 * 32 ? "small" : area < 96 * 96 ? "medium" : "large"] += 1;
  }
  for (const size of ["small", "medium", "large"]) {
    assert.equal(await count("lasso-health-sizes", size), expected[size], size);
  }
  // Aspects: two wider than tall, one taller than wide.
  const wide = (await count("lasso-health-aspects", "2:1–4:1")) + (await count("lasso-health-aspects", "1:1–2:1"));
  const tall = (await count("lasso-health-aspects", "1:4–1:2")) + (await count("lasso-health-aspects", "<1:4"));
  assert.equal(wide, 2);
  assert.equal(tall, 1);
  // One image is far too few for any class.
  assert.match(await page.textContent(".lasso-health-needs"), new RegExp(`Needs more examples: .*${first}`));
  // The bars are drawn to scale: the two-object class's bar is twice the other's.
  const widths = await page.$$eval(".lasso-health-classes rect", (rects) => rects.map((r) => Number(r.getAttribute("width"))));
  assert.ok(widths.includes(100) && widths.includes(50), JSON.stringify(widths));
  await page.locator(".lasso-health").screenshot({ path: artifact("health.png") });

  // Drawing more updates the page when it is opened again.
  await page.click(".lasso-health-close");
  await dragImage(page, [60, 250], [120, 300]);
  await page.click(".lasso-health-toggle");
  await page.waitForFunction(() => /4 objects/.test(document.querySelector(".lasso-health-summary")?.textContent ?? ""));
  assert.deepEqual(page.errors, []);
  await context.close();
});

test("checking the pixels of a local folder finds the copied photo, the flat image and the broken file", async () => {
  const root = path.join(scratchDir("lasso-health-"), "shots");
  fs.mkdirSync(path.join(root, "cats"), { recursive: true });
  fs.mkdirSync(path.join(root, "dogs"), { recursive: true });
  const chelsea = fs.readFileSync(path.join(ROOT, "www/samples/chelsea.png"));
  fs.writeFileSync(path.join(root, "cats/a.png"), chelsea);
  fs.writeFileSync(path.join(root, "cats/a-again.png"), chelsea);
  fs.copyFileSync(path.join(ROOT, "www/samples/rocket.jpg"), path.join(root, "dogs/b.jpg"));
  // Its header is whole (the size reads), its pixels are cut off.
  fs.writeFileSync(path.join(root, "dogs/cut.png"), chelsea.subarray(0, chelsea.length / 2));
  const python = path.join(ROOT, ".venv", "bin", "python");
  execFileSync(python, ["-c", "import sys; from PIL import Image; Image.new('RGB', (64, 48), (90, 90, 90)).save(sys.argv[1])",
    path.join(root, "dogs/flat.png")]);

  const context = await app.browser.newContext({ viewport: { width: 1200, height: 800 } });
  const page = await openApp(context, app.server.url);
  await page.locator(".lasso-folder-input").setInputFiles(root);
  await page.waitForFunction(() => JSON.parse(window.lasso.exportAs("lasso")).id.startsWith("local:shots/"));
  await page.click(".lasso-health-toggle");
  await page.waitForSelector(".lasso-health-summary");
  await page.click(".lasso-health-pixels-start");
  await page.waitForSelector(".lasso-health-pixels");
  const items = (selector) => page.locator(`${selector} li`).allTextContents();
  const duplicates = await items(".lasso-health-duplicates");
  assert.equal(duplicates.length, 1, JSON.stringify(duplicates));
  assert.match(duplicates[0], /a-again\.png/);
  assert.match(duplicates[0], /cats\/a\.png|(^|\s)a\.png/);
  assert.ok(!/b\.jpg/.test(duplicates[0]), duplicates[0]);
  assert.deepEqual((await items(".lasso-health-blank")).map((n) => n.replace(/.*\//, "")), ["flat.png"]);
  const unreadable = await items(".lasso-health-unreadable");
  assert.equal(unreadable.length, 1, JSON.stringify(unreadable));
  assert.match(unreadable[0], /cut\.png: cannot decode/);
  // The class folders are image tags, counted per tag.
  const tagged = await page.$$eval(".lasso-health-tags tr", (rows) => rows.map((r) => [r.dataset.name, Number(r.dataset.value)]));
  assert.deepEqual(Object.fromEntries(tagged), { cats: 2, dogs: 3 });
  await page.locator(".lasso-health").screenshot({ path: artifact("health-pixels.png") });
  await context.close();
});
