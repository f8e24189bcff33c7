// The strip of images under the stage, as a labeller goes through a folder: opening three
// files shows their thumbnails with the first open; a box drawn counts at once; PageDown and
// PageUp move along the strip (stopping at its ends), a click opens any image, each keeps its
// work and shows how many objects it holds; after a reload, opening the dataset again shows the
// stored counts. Images the browser cannot keep open from the files for the session.
import { test } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { appSuite, openApp, dragImage, artifact, scratchDir, ROOT } from "./support.js";

const app = appSuite();

const openTaskId = (page) => page.evaluate(() => JSON.parse(window.lasso.exportAs("lasso")).id);
const waitOpen = (page, name) =>
  page.waitForFunction((n) => {
    const id = JSON.parse(window.lasso.exportAs("lasso")).id;
    return id.endsWith(`/${n}`) && window.lasso.viewport().imageReady;
  }, name);
const item = (page, name) => page.locator(".lasso-strip-item", { hasText: name });
const statusOf = (page, name) => item(page, name).locator(".lasso-strip-status").textContent();

test("a folder's images in the strip: thumbnails, live counts, PageDown/PageUp and clicks, counts kept across a reload", async () => {
  const dir = scratchDir("lasso-strip-");
  const files = ["chelsea.png", "coffee.png", "rocket.jpg"].map((name) => {
    const to = path.join(dir, name);
    fs.copyFileSync(path.join(ROOT, "www/samples", name), to);
    return to;
  });
  const context = await app.browser.newContext({ viewport: { width: 1200, height: 800 } });
  try {
    const page = await openApp(context, app.server.url);
    // One image open alone: no strip.
    assert.equal(await page.locator(".lasso-strip").count(), 0);
    await page.locator(".lasso-open-files input").setInputFiles(files);
    await waitOpen(page, "chelsea.png");
    await page.waitForSelector(".lasso-strip");
    assert.deepEqual(await page.locator(".lasso-strip-name").allTextContents(), ["chelsea.png", "coffee.png", "rocket.jpg"]);
    assert.equal(await item(page, "chelsea.png").getAttribute("aria-current"), "true");
    assert.equal(await page.locator(".lasso-strip-position").textContent(), "1 of 3");
    // Thumbnails are the images themselves, decoded.
    await page.waitForFunction(() => [...document.querySelectorAll(".lasso-strip-item img")]
      .filter((i) => i.complete && i.naturalWidth > 0).length === 3);
    // A box on the first image counts at once.
    assert.equal(await statusOf(page, "chelsea.png"), "0 objects");
    await page.evaluate(() => window.lasso.setTool("box"));
    await dragImage(page, [40, 40], [200, 160]);
    await page.waitForFunction(() => document.querySelector(".lasso-strip-item.current .lasso-strip-status")?.textContent === "1 object");
    // PageDown opens the next image; the first keeps its count.
    await page.locator(".lasso-canvas").focus();
    await page.keyboard.press("PageDown");
    await waitOpen(page, "coffee.png");
    assert.equal(await item(page, "coffee.png").getAttribute("aria-current"), "true");
    assert.equal(await statusOf(page, "chelsea.png"), "1 object");
    await dragImage(page, [10, 10], [60, 60]);
    await dragImage(page, [100, 100], [160, 150]);
    await page.waitForFunction(() => document.querySelector(".lasso-strip-item.current .lasso-strip-status")?.textContent === "2 objects");
    // To the end and not past it.
    await page.keyboard.press("PageDown");
    await waitOpen(page, "rocket.jpg");
    await page.keyboard.press("PageDown");
    assert.match(await openTaskId(page), /rocket\.jpg$/, "PageDown at the last image stays");
    // PageUp back; a click jumps.
    await page.keyboard.press("PageUp");
    await waitOpen(page, "coffee.png");
    await item(page, "chelsea.png").click();
    await waitOpen(page, "chelsea.png");
    assert.equal((await page.evaluate(() => window.lasso.annotations())).length, 1, "the first image kept its box");
    assert.equal(await statusOf(page, "coffee.png"), "2 objects");
    assert.equal(await statusOf(page, "rocket.jpg"), "0 objects");
    await page.locator(".lasso-strip").screenshot({ path: artifact("strip.png") });

    // After a reload, the dataset opened again shows what each image holds.
    await page.reload();
    await page.waitForFunction(() => window.lasso && document.body.dataset.ready === "true");
    await page.locator(".lasso-dataset-open").first().click();
    await page.waitForSelector(".lasso-strip");
    await page.waitForFunction(() => {
      const counts = [...document.querySelectorAll(".lasso-strip-item")].map((b) => b.dataset.count ?? "");
      return counts.join(",") === "1,2,0";
    });
    // Named, keyboard-reachable buttons; nothing serious for assistive technology.
    await page.addScriptTag({ path: path.join(ROOT, "node_modules", "axe-core", "axe.min.js") });
    const problems = await page.evaluate(async () => (await window.axe.run(".lasso-strip", { resultTypes: ["violations"] }))
      .violations.filter((v) => v.impact === "serious" || v.impact === "critical").flatMap((v) => v.nodes.map((n) => `${v.id} ${n.target} ${n.failureSummary}`)));
    assert.deepEqual(problems, []);
    assert.deepEqual(page.errors, []);
  } finally {
    await context.close();
  }
});

test("images the browser cannot keep (its storage full) still open from the files, move along the strip and keep their labels", async () => {
  const dir = scratchDir("lasso-strip-full-");
  const files = ["chelsea.png", "coffee.png"].map((name) => {
    const to = path.join(dir, name);
    fs.copyFileSync(path.join(ROOT, "www/samples", name), to);
    return to;
  });
  const context = await app.browser.newContext({ viewport: { width: 1200, height: 800 } });
  // What a full disk does to the image blobs: writing them fails with a quota error; the
  // journal and settings still go through.
  await context.addInitScript(() => {
    for (const method of ["put", "add"]) {
      const original = IDBObjectStore.prototype[method];
      IDBObjectStore.prototype[method] = function (...args) {
        if (this.name === "images") throw new DOMException("The quota has been exceeded.", "QuotaExceededError");
        return original.apply(this, args);
      };
    }
  });
  try {
    const page = await openApp(context, app.server.url);
    await page.locator(".lasso-open-files input").setInputFiles(files);
    await waitOpen(page, "chelsea.png");
    const banner = page.locator(".lasso-banner");
    await banner.waitFor();
    assert.match(await banner.innerText(), /storage is full, so these images could not be kept \(.*quota.*\): they stay open until the page is closed/is);
    assert.deepEqual(await page.locator(".lasso-strip-name").allTextContents(), ["chelsea.png", "coffee.png"]);
    await page.waitForFunction(() => [...document.querySelectorAll(".lasso-strip-item img")]
      .filter((i) => i.complete && i.naturalWidth > 0).length === 2);
    assert.deepEqual(await page.evaluate(() => JSON.parse(window.lasso.exportAs("lasso")).image).then((i) => [i.width, i.height]), [451, 300]);
    await page.evaluate(() => window.lasso.setTool("box"));
    await dragImage(page, [40, 40], [200, 160]);
    await page.waitForFunction(() => document.querySelector(".lasso-save")?.dataset.state === "saved");
    await page.locator(".lasso-canvas").focus();
    await page.keyboard.press("PageDown");
    await waitOpen(page, "coffee.png");
    await page.keyboard.press("PageUp");
    await waitOpen(page, "chelsea.png");
    assert.equal((await page.evaluate(() => window.lasso.annotations())).length, 1, "the box drawn before is still there");
    assert.equal(await statusOf(page, "chelsea.png"), "1 object");
  } finally {
    await context.close();
  }
});
