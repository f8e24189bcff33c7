// PageDown/PageUp walk the bucket's task list; each image keeps its work.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import path from "node:path";
import { serveStatic, launch, openApp, dragImage, ROOT } from "./support.js";
import { startServer, tempDataDir, appUrl } from "./cloud.js";

let web, browser;
before(async () => {
  web = await serveStatic();
  browser = await launch();
});
after(async () => {
  await browser?.close();
  await web?.close();
});

const taskId = (page) => page.evaluate(() => JSON.parse(window.lasso.exportAs("lasso")).id);
const nameOf = (key) => key.split("/").pop().replace(/\.json$/, "");

async function waitForTask(page, id) {
  await page.waitForFunction(
    (id) => window.lasso.viewport().imageReady && JSON.parse(window.lasso.exportAs("lasso")).id === id,
    id,
  );
}

test("PageDown and PageUp open the next and previous task of the list, work kept", async () => {
  const server = await startServer({ dataDir: tempDataDir(), seed: path.join(ROOT, "www/samples") });
  const context = await browser.newContext({ viewport: { width: 1100, height: 700 } });
  try {
    const page = await openApp(context, appUrl(web.url, server));
    await page.waitForSelector('.lasso-tasks option[value$=".json"]', { state: "attached" });
    const keys = (await page.locator(".lasso-tasks option").evaluateAll((os) => os.map((o) => o.value))).filter(Boolean);
    assert.ok(keys.length >= 2, JSON.stringify(keys));
    const [first, second] = keys.map(nameOf);

    await page.locator(".lasso-canvas").click({ position: { x: 5, y: 5 } });
    await page.keyboard.press("PageDown"); // nothing from the list is open yet: the first one
    await waitForTask(page, first);
    await page.locator(".lasso-canvas").click({ position: { x: 5, y: 5 } });
    await page.keyboard.press("b");
    await dragImage(page, [40, 40], [120, 100]);
    assert.equal((await page.evaluate(() => window.lasso.annotations())).length, 1);
    await page.waitForFunction(() => document.querySelector(".lasso-save")?.dataset.state === "saved");

    await page.keyboard.press("PageDown");
    await waitForTask(page, second);
    assert.equal((await page.evaluate(() => window.lasso.annotations())).length, 0);

    await page.locator(".lasso-canvas").click({ position: { x: 5, y: 5 } });
    await page.keyboard.press("PageUp");
    await waitForTask(page, first);
    const back = await page.evaluate(() => window.lasso.annotations());
    assert.equal(back.length, 1, "the first image's box is still there");
    assert.equal(back[0].shape.type, "box");
    assert.equal(await taskId(page), first);
    assert.deepEqual(page.errors, []);
  } finally {
    await context.close();
    await server.stop();
  }
});
