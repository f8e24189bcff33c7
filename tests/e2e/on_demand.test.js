// Rarely used parts load on first use: the first screen fetches the main module (and `mount`
// the dataset formats, which `exportAs` answers from at once, then the side panels), not the
// image codecs, the toolbar's panels, the upload code or the words of other languages; the
// first pixel check fetches the codecs, a pointer over a toolbar button its panel, a
// configured bucket the upload code, the first `setLocale("uk")` the Ukrainian words. A
// chunk that cannot be fetched fails that one action with a clear message, loses nothing, and
// the action works once the network is back.
import { test } from "node:test";
import assert from "node:assert/strict";
import path from "node:path";
import { appSuite, openApp, dragImage, artifact, eventually, ROOT } from "./support.js";
import { startServer, tempDataDir, s3Get, s3List, appUrl } from "./cloud.js";

const app = appSuite();

test("the image codecs load on first use, and a failed download loses nothing", async () => {
  // No service worker: it would fetch every chunk ahead for offline use.
  const context = await app.browser.newContext({ viewport: { width: 1200, height: 800 }, serviceWorkers: "block" });
  const fetched = [];
  // Names without the build's hash: lasso_bg.wasm, split_formats.wasm, …
  context.on("request", (r) => fetched.push(new URL(r.url()).pathname.split("/").pop().replace(/-[0-9a-f]{12,}(_bg)?\./, "$1.")));
  const modules = () => fetched.filter((name) => name.endsWith(".wasm"));
  try {
    const page = await openApp(context, app.server.url);
    assert.ok(modules().includes("lasso_bg.wasm"), JSON.stringify(modules()));
    assert.ok(modules().includes("split_formats.wasm"), "mount loads the formats");
    assert.ok(!modules().includes("split_pixels.wasm"), `no image codec before one is needed: ${modules()}`);
    // The side panels come right after the first screen; the upload code never, without a bucket.
    await page.waitForSelector(".lasso-local .lasso-open-folder");
    assert.ok(modules().includes("split_side.wasm"), JSON.stringify(modules()));
    assert.ok(!modules().includes("split_cloud.wasm"), `no upload code without a bucket: ${modules()}`);
    // The toolbar's panels come when the pointer heads for their button, before the click.
    assert.ok(!modules().includes("split_panels.wasm"), `no panel before one is approached: ${modules()}`);
    await page.hover(".lasso-export-toggle");
    await eventually("the panels' chunk", () => modules().includes("split_panels.wasm"));
    await page.click(".lasso-export-toggle");
    await page.waitForSelector(".lasso-export");
    await page.click(".lasso-export-toggle");
    // The formats answer at once, as the sync API promises.
    const coco = await page.evaluate(() => JSON.parse(window.lasso.exportAs("coco")));
    assert.equal(coco.images.length, 1);

    await page.locator(".lasso-canvas").click({ position: { x: 5, y: 5 } });
    await page.keyboard.press("b");
    await dragImage(page, [40, 40], [200, 100]);
    assert.equal((await page.evaluate(() => window.lasso.annotations())).length, 1);

    // The Ukrainian words come the first time the language is asked for. While they cannot
    // be fetched the editor stays in English and says why; the next ask fetches them.
    assert.ok(!modules().includes("split_languages.wasm"), `no other language's words on a page in English: ${modules()}`);
    const lang = () => page.locator("[data-theme][lang]").getAttribute("lang");
    await context.route("**/split_languages-*.wasm", (route) => route.abort());
    await page.evaluate(() => window.lasso.setLocale("uk"));
    await page.waitForFunction(() => /Part of the editor could not be downloaded/.test(document.querySelector(".lasso-banner")?.textContent ?? ""));
    assert.equal(await lang(), "en");
    assert.equal(await page.locator('.lasso-tool[data-tool="box"]').getAttribute("aria-label"), "Box");
    await page.locator(".lasso-banner button").click();
    await context.unroute("**/split_languages-*.wasm");
    await page.evaluate(() => window.lasso.setLocale("uk"));
    await page.waitForFunction(() => document.querySelector("[data-theme][lang]")?.getAttribute("lang") === "uk");
    assert.equal(await page.locator('.lasso-tool[data-tool="box"]').getAttribute("aria-label"), "Рамка");
    assert.ok(modules().includes("split_languages.wasm"));
    assert.equal((await page.evaluate(() => window.lasso.annotations())).length, 1, "nothing is lost");

    // The codecs cannot be fetched: the pixel check says so, the box stays.
    // In the interface's language.
    await context.route("**/split_pixels-*.wasm", (route) => route.abort());
    await page.click(".lasso-health-toggle");
    await page.click(".lasso-health-pixels-start");
    await page.waitForFunction(() => /Частину редактора не вдалося завантажити/.test(document.querySelector(".lasso-banner")?.textContent ?? ""));
    assert.equal(await page.locator(".lasso-health-pixels").count(), 0);
    const kept = await page.evaluate(() => window.lasso.annotations());
    assert.equal(kept.length, 1, "nothing is lost");
    await page.locator(".lasso-banner").screenshot({ path: artifact("on-demand-failed.png") });
    await page.evaluate(() => window.lasso.setLocale("en"));

    // Back online: the same button fetches them and the check runs.
    await context.unroute("**/split_pixels-*.wasm");
    await page.click(".lasso-health-pixels-start");
    await page.waitForSelector(".lasso-health-pixels");
    assert.ok(modules().includes("split_pixels.wasm"));
    // The sample photo was decoded: not unreadable, not blank.
    assert.match(await page.locator(".lasso-health-pixels").innerText(), /Unreadable images \(0\)\s+Blank images \(0\)/);
    await page.click(".lasso-health-close");
    await page.locator(".lasso").first().focus();
    await page.keyboard.press("Control+z");
    assert.equal((await page.evaluate(() => window.lasso.annotations())).length, 0, "the editor still works");

    // A picked image is opened by the tiles chunk (its stored pyramid, its cut); while that
    // cannot be fetched, the image is still shown, whole.
    assert.ok(!modules().includes("split_tiles.wasm"), `no tile code before a tiled or local image: ${modules()}`);
    await context.route("**/split_tiles-*.wasm", (route) => route.abort());
    await page.locator(".lasso-open-files input").setInputFiles(path.join(ROOT, "www/samples/coffee.png"));
    await page.waitForFunction(() => JSON.parse(window.lasso.exportAs("lasso")).id.endsWith("/coffee.png") && window.lasso.viewport().imageReady);
    assert.ok(modules().includes("split_tiles.wasm"), "the tiles chunk was asked for");
    await context.unroute("**/split_tiles-*.wasm");
    const unexpected = page.errors.filter((e) => !/split_pixels|split_tiles|Failed to fetch|net::ERR_FAILED|load|не вдалося завантажити/i.test(e));
    assert.deepEqual(unexpected, []);
  } finally {
    await context.close();
  }
});

test("the upload code loads when a bucket is configured; until it can be fetched, an edit waits queued", async () => {
  const server = await startServer({ dataDir: tempDataDir() });
  const context = await app.browser.newContext({ viewport: { width: 1100, height: 700 }, serviceWorkers: "block" });
  const fetched = [];
  context.on("request", (r) => fetched.push(new URL(r.url()).pathname.split("/").pop()));
  await context.route("**/split_cloud-*.wasm", (route) => route.abort());
  try {
    const page = await openApp(context, appUrl(app.server.url, server));
    await page.locator(".lasso-canvas").click({ position: { x: 5, y: 5 } });
    await page.keyboard.press("b");
    await dragImage(page, [40, 40], [200, 100]);
    // The status line counts the waiting result and says why it does not move.
    const status = page.locator('.lasso-upload[data-state="error"][data-pending="1"]');
    await status.waitFor();
    assert.match(await status.getAttribute("title"), /Part of the editor could not be downloaded/);
    const queued = await page.evaluate(() => window.lasso.pendingUploads());
    assert.deepEqual(queued.map((u) => u.key), ["target/sample-chelsea/dev.json"]);
    assert.deepEqual(s3List(server, "target/"), [], "nothing was sent");

    // Reachable again: the next pass fetches the code and the result lands as it is now.
    await context.unroute("**/split_cloud-*.wasm");
    await page.waitForSelector('.lasso-upload[data-state="idle"]');
    assert.ok(fetched.some((name) => name.startsWith("split_cloud-")), JSON.stringify(fetched));
    const stored = JSON.parse(s3Get(server, "target/sample-chelsea/dev.json", { withBody: true }).body.toString("utf8"));
    assert.equal(stored.annotations.length, 1);
    assert.deepEqual(await page.evaluate(() => window.lasso.pendingUploads()), []);
    const unexpected = page.errors.filter((e) => !/split_cloud|Failed to fetch|net::ERR_FAILED|load/i.test(e));
    assert.deepEqual(unexpected, []);
  } finally {
    await context.close();
    await server.stop();
  }
});

test("the pixel tools come after the first screen; a stroke given before they are in is painted once they are", async () => {
  const context = await app.browser.newContext({ viewport: { width: 1100, height: 700 }, serviceWorkers: "block" });
  const fetched = [];
  context.on("request", (r) => fetched.push(new URL(r.url()).pathname.split("/").pop()));
  const chunk = "**/split_pixel_tools-*.wasm";
  const asked = () => fetched.filter((name) => name.startsWith("split_pixel_tools-")).length;
  // Offline for that chunk from the start: `mount` still resolves, and the shape tools work.
  await context.route(chunk, (route) => route.abort());
  try {
    const page = await openApp(context, app.server.url);
    const shapes = () => page.evaluate(() => window.lasso.annotations().map((a) => a.shape.type));
    await page.locator(".lasso-canvas").click({ position: { x: 5, y: 5 } });

    // The brush cannot be fetched: the stroke is not drawn and the banner says why.
    const before = asked();
    await page.keyboard.press("m");
    await dragImage(page, [50, 50], [150, 50]);
    await page.waitForFunction(() => /Part of the editor could not be downloaded/.test(document.querySelector(".lasso-banner")?.textContent ?? ""));
    assert.ok(asked() > before, "the stroke asked for the pixel tools again");
    assert.deepEqual(await shapes(), []);
    await page.locator(".lasso-banner button").click();
    await page.locator(".lasso").first().focus();
    await page.keyboard.press("b");
    await dragImage(page, [40, 100], [120, 160]);
    assert.deepEqual(await shapes(), ["box"], "the shape tools do not wait for the pixel tools");

    // Slow instead of offline: a stroke, then a box drawn after it, wait for the chunk in order.
    let release;
    const released = new Promise((resolve) => (release = resolve));
    await context.unroute(chunk);
    await context.route(chunk, async (route) => {
      await released;
      await route.continue();
    });
    await page.keyboard.press("m");
    await dragImage(page, [50, 50], [150, 50]);
    await page.keyboard.press("b");
    await dragImage(page, [200, 100], [260, 180]);
    await eventually("the pixel tools asked for", () => asked() > before + 1);
    assert.deepEqual(await shapes(), ["box"], "the stroke waits for the brush's code");
    release();
    await eventually("the waiting stroke and box drawn", async () => (await shapes()).length === 3);
    assert.deepEqual(await shapes(), ["box", "mask", "box"]);
    const mask = (await page.evaluate(() => window.lasso.annotations()))[1].shape;
    assert.equal(mask.type, "mask");
    assert.equal(await page.locator(".lasso-tool[data-tool='box']").getAttribute("aria-pressed"), "true", "the tool chosen last stays active");
    // One undo takes the last box back: each waiting input became its own step.
    await page.keyboard.press("Control+z");
    assert.deepEqual(await shapes(), ["box", "mask"]);
    const unexpected = page.errors.filter((e) => !/split_pixel_tools|Failed to fetch|net::ERR_FAILED|load/i.test(e));
    assert.deepEqual(unexpected, []);
  } finally {
    await context.close();
  }
});

test("the panels' English words load beside the first screen; without them a panel waits as for its code", async () => {
  const context = await app.browser.newContext({ viewport: { width: 1100, height: 700 }, serviceWorkers: "block" });
  const words = "**/split_words-*.wasm";
  await context.route(words, (route) => route.abort());
  try {
    // The first screen's own words are built in: the rail and the toolbar speak English.
    const page = await openApp(context, app.server.url);
    assert.equal(await page.locator('.lasso-tool[data-tool="box"]').getAttribute("aria-label"), "Box");
    assert.equal((await page.locator(".lasso-export-toggle").innerText()).trim(), "Export");
    // A panel whose words cannot be fetched says so instead of showing message ids.
    await page.hover(".lasso-export-toggle");
    await page.click(".lasso-export-toggle");
    await page.waitForFunction(() => /Part of the editor could not be downloaded/.test(document.querySelector(".lasso-toolbar")?.textContent ?? ""));
    assert.equal(await page.locator(".lasso-export").count(), 0);

    // Back online: heading for the button again fetches them (attempts begun while offline
    // may still be failing, so the pointer comes back until one succeeds), and the open panel
    // shows, in English.
    await context.unroute(words);
    await eventually("the export panel with its words", async () => {
      await page.mouse.move(1, 1);
      await page.hover(".lasso-export-toggle");
      return (await page.locator(".lasso-export").count()) > 0;
    });
    assert.match(await page.locator(".lasso-export").innerText(), /Format/);
    assert.doesNotMatch(await page.locator(".lasso-export").innerText(), /export\.[a-z_]+/);
    const unexpected = page.errors.filter((e) => !/split_words|Failed to fetch|net::ERR_FAILED|load/i.test(e));
    assert.deepEqual(unexpected, []);
  } finally {
    await context.close();
  }
});
