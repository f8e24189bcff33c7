// The dataset health page: boxes drawn with the mouse in two classes, counted per class with
// bars, by COCO size and aspect, the classes that need more examples named.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { serveStatic, launch, openApp, dragImage, artifact } from "./support.js";

let server, browser;
before(async () => {
  server = await serveStatic();
  browser = await launch();
});
after(async () => {
  await browser?.close();
  await server?.close();
});

test("the health page counts what was drawn per class, size and aspect", async () => {
  const context = await browser.newContext({ viewport: { width: 1200, height: 800 } });
  const page = await openApp(context, server.url);
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
  assert.match(await page.textContent(".lasso-health-summary"), /^1 images, 3 objects; 0 images without objects/);
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
