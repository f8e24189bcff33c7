// The service worker's cache is versioned and bounded: one cache of the current version, the
// shell always kept, at most 200 other files (the oldest dropped first); range requests (tiled
// TIFFs) pass through it whole and uncached.
import { test } from "node:test";
import assert from "node:assert/strict";
import { appSuite, openApp } from "./support.js";

const app = appSuite();

test("the offline cache holds the shell and a bounded number of other files", async () => {
  const context = await app.browser.newContext();
  try {
    const page = await openApp(context, app.server.url);
    await page.waitForFunction(() => navigator.serviceWorker.controller !== null, null, { timeout: 20000 });
    await page.waitForFunction(async () => {
      const cache = await caches.open("lasso-shell-v2");
      return (await cache.keys()).some((r) => r.url.endsWith("_bg.wasm"));
    });
    const figures = await page.evaluate(async () => {
      // 230 distinct files through the worker (the same picture under distinct queries).
      for (let i = 0; i < 230; i += 10) {
        await Promise.all(Array.from({ length: 10 }, (_, j) => fetch(`samples/chelsea.png?copy=${i + j}`).then((r) => r.arrayBuffer())));
      }
      const range = await fetch("samples/coffee.png", { headers: { range: "bytes=0-99" } });
      const body = await range.arrayBuffer();
      const cache = await caches.open("lasso-shell-v2");
      const urls = (await cache.keys()).map((r) => r.url);
      return {
        names: await caches.keys(),
        copies: urls.filter((u) => u.includes("?copy=")).map((u) => Number(u.split("=")[1])),
        wasm: urls.some((u) => u.endsWith("_bg.wasm")),
        // Every chunk loaded on first use is kept ahead, so it works offline before its first use.
        module: (await (await fetch("wasm-files.json")).json()).files.filter((f) => !urls.some((u) => u.endsWith(`/${f}`))),
        appJs: urls.some((u) => u.endsWith("/app.js")),
        range: [range.status, body.byteLength],
        coffee: urls.some((u) => u.endsWith("coffee.png")),
      };
    });
    assert.deepEqual(figures.names, ["lasso-shell-v2"]);
    assert.ok(figures.copies.length <= 200, `${figures.copies.length} other files kept`);
    assert.ok(figures.copies.length >= 150, "the bound keeps the most recent ones");
    assert.ok(figures.copies.includes(229) && !figures.copies.includes(0), "the oldest went first");
    assert.ok(figures.wasm && figures.appJs, "the shell stays");
    assert.deepEqual(figures.module, [], "the module's chunks and snippets are kept");
    assert.deepEqual(figures.range, [206, 100]);
    assert.equal(figures.coffee, false, "a partial answer is not cached");
    assert.deepEqual(page.errors, []);
  } finally {
    await context.close();
  }
});
