// Nothing is ever lost: closing the page right after an edit, working offline on a local folder,
// two tabs on one task, a full disk, and the journal folded into its snapshot off the main thread.
import { test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { appSuite, openApp, dragImage, imageToPage, artifact, scratchDir, eventually, ROOT } from "./support.js";

const app = appSuite();

const annotations = (page) => page.evaluate(() => window.lasso.annotations());
const byId = (list) => [...list].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));

/** A small seeded generator (mulberry32), so a failing run can be repeated. */
function rng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Draws a box at a random place on the 451×300 sample, at least 20 px on each side. */
async function randomBox(page, rand) {
  const x0 = 5 + rand() * 380;
  const y0 = 5 + rand() * 230;
  await dragImage(page, [x0, y0], [x0 + 20 + rand() * 45, y0 + 20 + rand() * 45]);
}

/**
 * Drags a random shape (if any) by a random offset with the select tool; true if it did. Unless
 * it is the `last` edit before closing (which must return right at the mouse-up), it switches
 * back to the box tool and asserts that a shape moved.
 */
async function randomMove(page, rand, last = false) {
  const list = await annotations(page);
  if (!list.length) return false;
  const { x0, y0, x1, y1 } = list[Math.floor(rand() * list.length)].shape;
  const [cx, cy] = [(x0 + x1) / 2, (y0 + y1) / 2];
  await page.evaluate(() => window.lasso.setTool("select"));
  await dragImage(page, [cx, cy], [cx + 10 + rand() * 30, cy + 10 + rand() * 20]);
  if (last) return true;
  await page.evaluate(() => window.lasso.setTool("box"));
  assert.notDeepEqual(await annotations(page), list, "the drag moved a shape");
  return true;
}

async function waitSaved(page) {
  // Polled on a timer: a tab in the background gets no animation frames.
  await page.waitForFunction(() => document.querySelector(".lasso-save")?.dataset.state === "saved", null, {
    polling: 50,
  });
}

test("closing the page right after the last mouse-up loses nothing (20 rounds of random boxes, moves, deletes, undos)", async () => {
  const seed = Number(process.env.LASSO_SEED || 20261123);
  const rand = rng(seed);
  const context = await app.browser.newContext({ viewport: { width: 1100, height: 700 } });
  const done = { moves: 0, lastMoves: 0 };
  for (let round = 0; round < 20; round++) {
    const page = await openApp(context, app.server.url);
    // What the page showed after its last change, recorded synchronously in the change event
    // itself (localStorage survives the closed page), so reading it costs the page no time.
    await page.evaluate(() => {
      window.lasso.on("change", (list) => localStorage.setItem("expected", JSON.stringify(list)));
      window.lasso.setTool("box");
    });
    await page.locator(".lasso-canvas").focus();
    const edits = 1 + Math.floor(rand() * 3);
    for (let i = 0; i < edits; i++) {
      const r = rand();
      if (r < 0.45) {
        await randomBox(page, rand);
      } else if (r < 0.65) {
        if (await randomMove(page, rand)) done.moves++;
      } else if (r < 0.8) {
        await page.keyboard.press("Control+z");
      } else {
        // Select the first shape from the list and delete it.
        const item = page.locator(".lasso-item").first();
        if (await item.count()) {
          await item.click();
          await page.locator(".lasso").press("Delete");
        }
      }
    }
    // The last edit is a new box or a move; the page is closed right after its mouse-up.
    const moved = rand() < 0.4 && (await randomMove(page, rand, true));
    if (moved) done.lastMoves++;
    else await randomBox(page, rand);
    await page.close(); // no waiting after the mouse-up
    const reopened = await openApp(context, app.server.url);
    const expected = JSON.parse(await reopened.evaluate(() => localStorage.getItem("expected")));
    const got = await annotations(reopened);
    assert.deepEqual(byId(got), byId(expected), `round ${round} (seed ${seed})`);
    assert.ok(got.length >= 1, `round ${round}: the last shape is there`);
    assert.deepEqual(reopened.errors, [], `round ${round}: no errors`);
    await reopened.close();
  }
  assert.ok(done.moves > 0 && done.lastMoves > 0, `moves were among the edits: ${JSON.stringify(done)}`);
  await context.close();
});

test("the save event fires only once the op can be read back from IndexedDB", async () => {
  const context = await app.browser.newContext({ viewport: { width: 1100, height: 700 } });
  const page = await openApp(context, app.server.url);
  await page.evaluate(() => {
    window.saves = [];
    window.changes = 0;
    window.lasso.on("change", () => window.changes++);
    // Each save is checked through a connection of its own: the row must already be there.
    window.lasso.on("save", ({ seq, pending }) => {
      const changesSoFar = window.changes;
      const check = new Promise((resolve) => {
        const req = indexedDB.open("lasso");
        req.onsuccess = () => {
          const get = req.result.transaction("journal").objectStore("journal").get(seq);
          get.onsuccess = () => resolve({ seq, pending, changesSoFar, found: get.result !== undefined });
          get.onerror = () => resolve({ seq, pending, changesSoFar, found: false });
        };
        req.onerror = () => resolve({ seq, pending, changesSoFar, found: false });
      });
      window.saves.push(check);
    });
    window.lasso.setTool("box");
  });
  for (const x of [20, 120, 220]) await dragImage(page, [x, 20], [x + 60, 80]);
  await page.waitForFunction(() => window.saves.length === 3, null, { polling: 50 });
  const saves = await page.evaluate(() => Promise.all(window.saves));
  assert.equal(saves.length, 3);
  for (const [i, s] of saves.entries()) {
    assert.ok(s.found, `save ${i} (seq ${s.seq}) is readable from IndexedDB when it fires`);
    assert.ok(s.changesSoFar >= i + 1, `save ${i} follows its change`);
  }
  assert.ok(saves[0].seq < saves[1].seq && saves[1].seq < saves[2].seq, JSON.stringify(saves));
  assert.equal(saves[2].pending, 0);
  assert.deepEqual(page.errors, []);
  await context.close();
});

/** A folder-per-class dataset on disk: pets/cats/a.png, pets/dogs/b.jpg and a non-image. */
function makeFolder() {
  const dir = scratchDir("lasso-local-");
  const root = path.join(dir, "pets");
  fs.mkdirSync(path.join(root, "cats"), { recursive: true });
  fs.mkdirSync(path.join(root, "dogs"), { recursive: true });
  fs.copyFileSync(path.join(ROOT, "www/samples/chelsea.png"), path.join(root, "cats/a.png"));
  fs.copyFileSync(path.join(ROOT, "www/samples/rocket.jpg"), path.join(root, "dogs/b.jpg"));
  fs.writeFileSync(path.join(root, "notes.txt"), "not an image");
  return root;
}

const openTask = (page) => page.evaluate(() => JSON.parse(window.lasso.exportAs("lasso")));

test("offline after one visit: reload, open a local folder, label, reload, the work is there", async () => {
  const context = await app.browser.newContext({ viewport: { width: 1100, height: 700 }, acceptDownloads: true });
  let page = await openApp(context, app.server.url);
  // The service worker has taken over and cached the shell.
  await page.waitForFunction(() => navigator.serviceWorker.controller !== null, null, { timeout: 20000 });
  await page.waitForFunction(async () => {
    const keys = await caches.keys();
    if (!keys.length) return false;
    const cached = (await (await caches.open(keys[0])).keys()).map((r) => r.url);
    return cached.some((u) => u.endsWith("_bg.wasm")) && cached.some((u) => u.endsWith("app.js"));
  });
  const manifest = await page.evaluate(() => document.querySelector('link[rel="manifest"]')?.href);
  assert.ok(manifest, "the page links a web manifest");
  // Chromium's own verdict: the manifest parses and nothing but the test's incognito profile
  // stands in the way of installing the app.
  const cdp = await context.newCDPSession(page);
  const parsed = await cdp.send("Page.getAppManifest");
  assert.deepEqual(parsed.errors, []);
  assert.equal(JSON.parse(parsed.data).short_name, "Lasso");
  const { installabilityErrors } = await cdp.send("Page.getInstallabilityErrors");
  assert.deepEqual(
    installabilityErrors.map((e) => e.errorId).filter((id) => id !== "in-incognito"),
    [],
    JSON.stringify(installabilityErrors),
  );

  await context.setOffline(true);
  await page.reload();
  await page.waitForFunction(() => window.lasso && document.body.dataset.ready === "true");
  await page.waitForFunction(() => window.lasso.viewport().imageReady);

  // Open a folder through the webkitdirectory input (what the button falls back to).
  await page.locator(".lasso-folder-input").setInputFiles(makeFolder());
  await page.waitForFunction(() => JSON.parse(window.lasso.exportAs("lasso")).id === "local:pets/cats/a.png");
  await page.waitForFunction(() => window.lasso.viewport().imageReady);
  let task = await openTask(page);
  assert.deepEqual(task.tags, ["cats"], "the folder names the class");
  assert.equal(task.image.width, 451);
  const row = page.locator(".lasso-dataset", { hasText: "pets" });
  await assert.doesNotReject(row.waitFor());
  assert.match(await row.innerText(), /2 images/);

  await page.evaluate(() => window.lasso.setTool("box"));
  await dragImage(page, [40, 50], [200, 180]);
  await waitSaved(page);
  await page.screenshot({ path: artifact("offline-local.png") });

  await page.reload();
  await page.waitForFunction(() => window.lasso && document.body.dataset.ready === "true");
  await page.locator(".lasso-dataset-open", { hasText: "pets" }).click();
  await page.locator(".lasso-image", { hasText: "cats/a.png" }).click();
  await page.waitForFunction(() => JSON.parse(window.lasso.exportAs("lasso")).id === "local:pets/cats/a.png");
  await page.waitForFunction(() => window.lasso.viewport().imageReady);
  const boxes = await annotations(page);
  assert.equal(boxes.length, 1);
  assert.ok(Math.abs(boxes[0].shape.x0 - 40) <= 1 && Math.abs(boxes[0].shape.y1 - 180) <= 1, JSON.stringify(boxes));

  // The other image of the folder, with its own class.
  await page.locator(".lasso-image", { hasText: "dogs/b.jpg" }).click();
  await page.waitForFunction(() => JSON.parse(window.lasso.exportAs("lasso")).id === "local:pets/dogs/b.jpg");
  task = await openTask(page);
  assert.deepEqual(task.tags, ["dogs"]);

  // Label the dog too, then export every image of this browser as one COCO zip, still offline;
  // pycocotools reads it and finds each box on its own image, the images inside.
  await page.waitForFunction(() => window.lasso.viewport().imageReady);
  await page.evaluate(() => window.lasso.setTool("box"));
  await dragImage(page, [30, 30], [120, 100]);
  await waitSaved(page);
  await page.click(".lasso-export-toggle");
  await page.selectOption(".lasso-export-format", "coco");
  await page.check(".lasso-export-all");
  const [download] = await Promise.all([page.waitForEvent("download"), page.click(".lasso-export-start")]);
  assert.equal(download.suggestedFilename(), "lasso-dataset-coco.zip");
  const zipPath = artifact("export-local-all.zip");
  await download.saveAs(zipPath);
  const python = path.join(ROOT, ".venv", "bin", "python");
  const read = JSON.parse(execFileSync(python, [path.join(ROOT, "tests", "e2e", "coco_consumer.py"), zipPath]).toString());
  for (const f of ["images/cats/a.png", "images/dogs/b.jpg"]) assert.ok(read.files.includes(f), `${f} in ${read.files}`);
  const onImage = Object.fromEntries(read.annotations.map((a) => [a.image, a.bbox]));
  assert.deepEqual(Object.keys(onImage).sort(), ["cats/a.png", "dogs/b.jpg"]);
  assert.ok(Math.abs(onImage["cats/a.png"][0] - 40) <= 1 && Math.abs(onImage["dogs/b.jpg"][2] - 90) <= 1, JSON.stringify(onImage));
  await page.click(".lasso-export-toggle");

  // Delete the dataset, after confirming.
  page.once("dialog", (d) => d.accept());
  await page.locator(".lasso-dataset-delete").click();
  await page.locator(".lasso-dataset").waitFor({ state: "detached" });
  assert.deepEqual(page.errors, []);
  await context.close();
});

test("two tabs on one task see each other's edits live and lose none", async () => {
  const context = await app.browser.newContext({ viewport: { width: 1100, height: 700 } });
  const a = await openApp(context, app.server.url);
  const b = await openApp(context, app.server.url);
  for (const p of [a, b]) await p.evaluate(() => window.lasso.setTool("box"));

  await dragImage(a, [20, 20], [80, 80]);
  await b.waitForFunction(() => window.lasso.annotations().length === 1, null, { polling: 50 });
  // ...and draws it: the renderer's index follows the other tab's op too.
  const drawn = await b.evaluate(() => window.lasso.drawNow());
  assert.equal(drawn.shapes, 1, `the other tab's box is drawn: ${JSON.stringify(drawn)}`);
  await dragImage(b, [100, 20], [160, 80]);
  await a.waitForFunction(() => window.lasso.annotations().length === 2, null, { polling: 50 });

  // A page that is not in front gets no animation frames, so waits poll on a timer.
  // Both at once, several times, without waiting for each other.
  const rand = rng(7);
  for (let i = 0; i < 4; i++) {
    await Promise.all([randomBox(a, rand), randomBox(b, rand)]);
  }
  await a.waitForFunction(() => window.lasso.annotations().length === 10, null, { polling: 50 });
  await b.waitForFunction(() => window.lasso.annotations().length === 10, null, { polling: 50 });
  await waitSaved(a);
  await waitSaved(b);
  assert.deepEqual(byId(await annotations(a)), byId(await annotations(b)));

  // Deleting in one tab removes it in the other.
  await a.locator(".lasso-item").first().click();
  await a.locator(".lasso").press("Delete");
  await b.waitForFunction(() => window.lasso.annotations().length === 9, null, { polling: 50 });

  await waitSaved(a);
  await waitSaved(b);
  const final = byId(await annotations(a));
  assert.equal(final.length, 9);
  assert.deepEqual(byId(await annotations(b)), final);
  // Both tabs reload: each finds every edit of both, as does a third tab.
  for (const p of [a, b]) {
    await p.reload();
    await p.waitForFunction(() => window.lasso && document.body.dataset.ready === "true");
    assert.deepEqual(byId(await annotations(p)), final);
  }
  const c = await openApp(context, app.server.url);
  assert.deepEqual(byId(await annotations(c)), final);
  assert.deepEqual([...a.errors, ...b.errors, ...c.errors], []);
  await context.close();
});

test("a full disk shows a warning, offers the export, keeps working and saves once space is back", async () => {
  const context = await app.browser.newContext({ viewport: { width: 1100, height: 700 }, acceptDownloads: true });
  let page = await openApp(context, app.server.url);
  await page.evaluate(() => {
    window.lasso.setTool("box");
    window.lasso.simulateStorageFull(2);
  });
  await dragImage(page, [20, 20], [80, 80]);
  const warning = page.locator(".lasso-storage-warning");
  await warning.waitFor();
  assert.match(await warning.innerText(), /storage is full/);
  assert.equal(await page.locator(".lasso-save").getAttribute("data-state"), "failed");
  await dragImage(page, [100, 20], [160, 80]);
  assert.equal((await annotations(page)).length, 2, "work continues in memory");
  await page.screenshot({ path: artifact("storage-full.png") });

  const [download] = await Promise.all([
    page.waitForEvent("download"),
    page.locator(".lasso-export-all").click(),
  ]);
  const exported = JSON.parse(fs.readFileSync(await download.path(), "utf8"));
  assert.equal(exported.format, "lasso");
  const task = exported.tasks.find((t) => t.id === "sample-chelsea");
  assert.deepEqual(byId(task.annotations), byId(await annotations(page)));

  // Space is back (the simulated failures are used up): the next edit saves everything queued.
  await dragImage(page, [200, 20], [260, 80]);
  await waitSaved(page);
  await warning.waitFor({ state: "detached" });
  const before = await annotations(page);
  await page.reload();
  await page.waitForFunction(() => window.lasso && document.body.dataset.ready === "true");
  assert.deepEqual(byId(await annotations(page)), byId(before));
  assert.equal(before.length, 3);
  await context.close();
});

test("without IndexedDB (private mode) a warning shows, work continues in memory and can be exported; picked images open from the files", async () => {
  const context = await app.browser.newContext({ viewport: { width: 1100, height: 700 }, acceptDownloads: true });
  // What a browser that refuses storage does: opening a database throws.
  await context.addInitScript(() => {
    IDBFactory.prototype.open = function () {
      throw new DOMException("The user denied permission to access the database.", "InvalidStateError");
    };
  });
  const page = await openApp(context, app.server.url);
  const warning = page.locator(".lasso-storage-warning");
  await warning.waitFor();
  assert.match(await warning.innerText(), /IndexedDB is unavailable/);
  await page.evaluate(() => window.lasso.setTool("box"));
  await dragImage(page, [20, 20], [80, 80]);
  await dragImage(page, [100, 20], [160, 80]);
  assert.equal((await annotations(page)).length, 2, "work continues in memory");
  assert.equal(await page.locator(".lasso-save").getAttribute("data-state"), "failed", "never shown as saved");
  await page.screenshot({ path: artifact("no-indexeddb.png") });
  const [download] = await Promise.all([page.waitForEvent("download"), page.locator(".lasso-export-all").click()]);
  const exported = JSON.parse(fs.readFileSync(await download.path(), "utf8"));
  const task = exported.tasks.find((t) => t.id === "sample-chelsea");
  assert.deepEqual(byId(task.annotations), byId(await annotations(page)));
  // Images picked from disk still open, from the files, for as long as the page is open.
  await page.locator(".lasso-open-files input").setInputFiles(path.join(ROOT, "www/samples/coffee.png"));
  await page.waitForFunction(() => JSON.parse(window.lasso.exportAs("lasso")).id.endsWith("/coffee.png") && window.lasso.viewport().imageReady);
  assert.match(await page.locator(".lasso-banner").innerText(), /IndexedDB is unavailable, so these images cannot be kept in this browser: they stay open until the page is closed/);
  await context.close();
});

/** Journal rows of task `task` in the page's IndexedDB database `lasso`. */
const journalRows = (page, task) => page.evaluate((task) => new Promise((resolve, reject) => {
  const open = indexedDB.open("lasso");
  open.onerror = () => reject(open.error);
  open.onsuccess = () => {
    const db = open.result;
    const count = db.transaction("journal").objectStore("journal").index("by_task").count(IDBKeyRange.only(task));
    count.onsuccess = () => {
      db.close();
      resolve(count.result);
    };
    count.onerror = () => reject(count.error);
  };
}), task);

test("a task's journal is folded into its snapshot in a worker while labelling goes on; without the worker, in the page", async () => {
  for (const worker of [true, false]) {
    const context = await app.browser.newContext({ viewport: { width: 1100, height: 700 } });
    try {
      if (!worker) await context.route("**/worker.js", (route) => route.abort());
      const page = await openApp(context, app.server.url);
      const workers = [];
      page.on("worker", (w) => workers.push(w.url()));
      await page.evaluate(() => window.lasso.setTool("box"));
      await dragImage(page, [20, 20], [80, 80]);
      const [drawn] = await annotations(page);
      await page.locator(".lasso").focus();
      // 220 nudges, an op each: past the 200 rows after which the journal is folded.
      for (let i = 0; i < 130; i++) await page.keyboard.press("ArrowRight");
      for (let i = 0; i < 90; i++) await page.keyboard.press("ArrowDown");
      const [moved] = await annotations(page);
      assert.equal(moved.shape.x0, drawn.shape.x0 + 130);
      assert.equal(moved.shape.y0, drawn.shape.y0 + 90);
      await page.waitForFunction(() => document.querySelector(".lasso-save")?.dataset.state === "saved");
      await eventually("the journal folded into the snapshot", async () => (await journalRows(page, "sample-chelsea")) < 30);
      if (worker) assert.ok(workers.some((u) => u.endsWith("/worker.js")), JSON.stringify(workers));
      await page.reload();
      await page.waitForFunction(() => window.lasso?.viewport().imageReady);
      assert.deepEqual(await annotations(page), [moved], "the folded task reads back as it was");
      assert.deepEqual(page.errors, []);
    } finally {
      await context.close();
    }
  }
});
