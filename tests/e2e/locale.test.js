// The editor in Ukrainian and in the light theme, as a labeller sees it: every word on the
// screen from the catalogue (tool tooltips with the keys bound now, the hotkey list, the
// annotation list with plural forms, the status bar with numbers written the Ukrainian way),
// switched live by `setLocale` (the element's `locale` attribute: examples.test.js); longer words do not
// break the layout, and nothing that opens (a tool's settings, the hotkey list, the export
// panel, an error message) moves the image. Screenshots are kept and compared.
import { test } from "node:test";
import assert from "node:assert/strict";
import { PNG } from "pngjs";
import { appSuite, openApp, dragImage, artifact } from "./support.js";

const app = appSuite();

const box = (x0, y0, x1, y1) => ({ type: "box", x0, y0, x1, y1 });
const points = (n) => ({ type: "keypoints", points: Array.from({ length: n }, (_, i) => ({ name: `p${i}`, x: 10 + i, y: 10, visibility: "visible" })) });

/** The list's rows as their visible words. */
const rows = (page) => page.locator(".lasso-item").evaluateAll((els) => els.map((e) =>
  [...e.querySelectorAll("span")].map((s) => s.textContent).filter((t) => t).join(" ")));

/** The stage's place on the page. */
const stageBox = (page) => page.locator(".lasso-stage").boundingBox();

/** Mean luminance (0–255) of a PNG screenshot. */
function luminance(png) {
  const image = PNG.sync.read(png);
  let sum = 0;
  for (let i = 0; i < image.data.length; i += 4) {
    sum += 0.2126 * image.data[i] + 0.7152 * image.data[i + 1] + 0.0722 * image.data[i + 2];
  }
  return sum / (image.data.length / 4);
}

test("in Ukrainian every word, plural and number on the editor's screen is Ukrainian, and setLocale switches back live", async () => {
  const context = await app.browser.newContext({ viewport: { width: 1280, height: 800 } });
  try {
    const page = await openApp(context, `${app.server.url}/?locale=uk&theme=light`);
    assert.equal(await page.locator(".lasso").getAttribute("lang"), "uk");
    await page.evaluate(async ({ annotations }) => {
      await window.lasso.loadTask({ id: `uk-${Date.now()}`, image: { src: "samples/chelsea.png" }, annotations });
    }, {
      annotations: [
        { id: "u-1", label: "dog", shape: box(10, 10, 1210.4, 50) },
        { id: "u-2", label: "cat", shape: points(1) },
        { id: "u-3", label: "cat", shape: points(3) },
        { id: "u-4", label: "cat", shape: points(5) },
        { id: "u-5", label: "cat", shape: box(10, 60, 30, 80) },
      ],
    });
    await page.waitForFunction(() => window.lasso.viewport().imageReady);
    // The list: kinds, plural forms (1 точка, 3 точки, 5 точок) and grouped numbers.
    assert.deepEqual(await rows(page), [
      "1 dog рамка 1\u00a0200 × 40",
      "2 cat точки 1 точка",
      "3 cat точки 3 точки",
      "4 cat точки 5 точок",
      "5 cat рамка 20 × 20",
    ]);
    assert.equal(await page.locator(".lasso-side h2", { hasText: "Анотації" }).count(), 1);
    // Tool tooltips: what the tool does, with its key; the accessible name is the tool's name.
    const boxTool = page.locator('.lasso-tool[data-tool="box"]');
    assert.equal(await boxTool.getAttribute("title"), "Малювати рамки (B)");
    assert.equal(await boxTool.getAttribute("aria-label"), "Рамка");
    await page.evaluate(() => window.lasso.setHotkeys({ box: "q" }));
    assert.equal(await boxTool.getAttribute("title"), "Малювати рамки (Q)");
    // Status bar: size with a no-break space in the thousands, zoom as "NN %".
    // (The size is known once the image has loaded.)
    await page.waitForFunction(() => document.querySelector(".lasso-image-size")?.textContent === "451 × 300 px");
    assert.match(await page.locator(".lasso-status-zoom").textContent(), /^\d+\u00a0%$/);
    assert.equal(await page.locator(".lasso-save").textContent(), "Збережено");
    // The hotkey list in Ukrainian, a label's row by class.
    await page.locator(".lasso-canvas").click({ position: { x: 5, y: 5 } });
    await page.keyboard.press("?");
    await page.waitForSelector(".lasso-help");
    assert.equal(await page.locator(".lasso-help h3").textContent(), "Гарячі клавіші");
    assert.match(await page.locator('.lasso-help tr[data-action="box"]').textContent(), /^QМалювати рамки$/);
    assert.match(await page.locator('.lasso-help tr[data-action="label_1"]').textContent(), /Клас: cat/);
    await page.screenshot({ path: artifact("locale-uk-light-help.png") });
    await page.keyboard.press("Escape");
    await page.waitForSelector(".lasso-help", { state: "detached" });
    // Longer words fit: nothing on the toolbar is cut or pushed out of view at 1280 px.
    // Longer words fit: nothing on the toolbar or the side panel is cut, pushed out of its
    // panel, or hidden behind the toolbar's scrolling at 1280 px.
    const clipped = await page.evaluate(() => {
      const bar = document.querySelector(".lasso-toolbar");
      const side = document.querySelector(".lasso-side").getBoundingClientRect();
      const controls = ".lasso-toolbar button, .lasso-toolbar label, .lasso-side button, .lasso-side select, .lasso-side h2, .lasso-side span";
      const cut = [...document.querySelectorAll(controls)]
        .filter((e) => e.scrollWidth > e.clientWidth + 1 && getComputedStyle(e).textOverflow !== "ellipsis")
        .map((e) => e.textContent);
      const outside = [...document.querySelectorAll(".lasso-side button, .lasso-side select, .lasso-side span")]
        .filter((e) => e.getBoundingClientRect().right > side.right + 0.5)
        .map((e) => e.textContent);
      return { cut, outside, overflow: bar.scrollWidth - bar.clientWidth };
    });
    assert.deepEqual(clipped, { cut: [], outside: [], overflow: 0 });
    await page.screenshot({ path: artifact("locale-uk-light.png") });
    // The light theme is light: the toolbar, the tool rail, the side panel and the status bar.
    for (const part of [".lasso-toolbar", ".lasso-rail", ".lasso-side", ".lasso-status"]) {
      const seen = luminance(await page.locator(part).screenshot());
      assert.ok(seen > 200, `${part} in the light theme: mean luminance ${seen.toFixed(0)}`);
    }
    // The health page in Ukrainian: headings, counts with their plural forms.
    await page.locator(".lasso-health-toggle").click();
    await page.waitForSelector(".lasso-health-summary");
    assert.equal(await page.locator(".lasso-health h3").textContent(), "Стан набору даних");
    assert.match(await page.locator(".lasso-health-summary").textContent(),
      /^\d+ зображен(ня|ь), \d+ об'єкт(и|ів|а)?; \d+ зображен(ня|ь) без об'єктів; /);
    await page.screenshot({ path: artifact("locale-uk-light-health.png") });
    await page.locator(".lasso-health-close").click();
    // Back to English without a reload: the same screen in English, the image where it was.
    const before = await stageBox(page);
    const ukStage = await page.locator(".lasso-stage").screenshot();
    await page.evaluate(() => window.lasso.setLocale("en"));
    assert.equal(await page.locator(".lasso").getAttribute("lang"), "en");
    assert.deepEqual(await rows(page), [
      "1 dog box 1,200 × 40",
      "2 cat points 1 point",
      "3 cat points 3 points",
      "4 cat points 5 points",
      "5 cat box 20 × 20",
    ]);
    assert.equal(await boxTool.getAttribute("title"), "Draw boxes (Q)");
    assert.equal(await page.locator(".lasso-save").textContent(), "Saved");
    assert.deepEqual(await stageBox(page), before);
    assert.ok((await page.locator(".lasso-stage").screenshot()).equals(ukStage), "the image moved with the language");
    // A language the editor does not speak is named.
    const refused = await page.evaluate(() => { try { window.lasso.setLocale("de"); return null; } catch (e) { return String(e); } });
    assert.match(refused, /setLocale: locale "de" is not supported; use one of: en, uk/);
    assert.deepEqual(page.errors, []);
  } finally {
    await context.close();
  }
});

test("nothing that opens moves the image: a tool's settings, the hotkey list, the export panel, an error", async () => {
  const context = await app.browser.newContext({ viewport: { width: 1100, height: 760 } });
  try {
    const page = await openApp(context, `${app.server.url}/?locale=uk`);
    const start = await stageBox(page);
    const canvas = await page.locator(".lasso-canvas").boundingBox();
    const unmoved = async (what) => {
      assert.deepEqual(await stageBox(page), start, `${what} moved the image`);
      assert.deepEqual(await page.locator(".lasso-canvas").boundingBox(), canvas, `${what} resized the canvas`);
    };
    await page.locator('.lasso-tool[data-tool="brush"]').click();
    await page.waitForSelector(".lasso-brush-size");
    assert.match(await page.locator(".lasso-brush-size").textContent(), /^Розмір \d+$/);
    await unmoved("the brush settings");
    await page.locator('.lasso-tool[data-tool="segment"]').click();
    await page.waitForSelector(".lasso-segment-hint");
    await unmoved("the segment settings");
    await page.locator(".lasso-help-toggle").click();
    await page.waitForSelector(".lasso-help");
    await unmoved("the hotkey list");
    await page.locator(".lasso-help-close").click();
    await page.locator(".lasso-export-toggle").click();
    await page.waitForSelector(".lasso-export");
    assert.equal(await page.locator(".lasso-export-start").textContent(), "Завантажити zip");
    await unmoved("the export panel");
    await page.locator(".lasso-export-toggle").click();
    // An error: an image that is not there. Its message floats over the image, in Ukrainian.
    await page.evaluate(() => window.lasso.loadTask({ id: `gone-${Date.now()}`, image: { src: "samples/gone.png", width: 451, height: 300 } }));
    await page.waitForSelector(".lasso-banner");
    assert.match(await page.locator(".lasso-banner").textContent(), /^Не вдалося завантажити зображення samples\/gone\.png/);
    await unmoved("an error message");
    // The message shown is written again when the language changes.
    await page.evaluate(() => window.lasso.setLocale("en"));
    await page.waitForFunction(() => /^Could not load the image samples\/gone\.png/.test(document.querySelector(".lasso-banner span")?.textContent ?? ""));
    await page.evaluate(() => window.lasso.setLocale("uk"));
    await page.waitForFunction(() => /^Не вдалося завантажити/.test(document.querySelector(".lasso-banner span")?.textContent ?? ""));
    await page.locator(".lasso-banner button").click();
    await page.evaluate(() => window.lasso.loadTask({ id: `back-${Date.now()}`, image: { src: "samples/chelsea.png" } }));
    await page.waitForFunction(() => window.lasso.viewport().imageReady);
    // Drawing still works where the image was.
    await page.locator('.lasso-tool[data-tool="box"]').click();
    await dragImage(page, [40, 40], [160, 120]);
    await page.waitForSelector(".lasso-item");
    // The missing image's 404s and its message are the only errors.
    assert.deepEqual(page.errors.filter((e) => !/status of 404|samples\/gone\.png/.test(e)), []);
  } finally {
    await context.close();
  }
});
