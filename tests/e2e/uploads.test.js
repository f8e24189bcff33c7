// Uploads to the user's bucket, against the real local store (`lasso-server dev`), checked with
// boto3: results land byte for byte, expired URLs are refreshed, edits made while the store is
// down are queued across a reload and sent once, and a 50 MB image goes up in parts and
// resumes after a reload.
import { test } from "node:test";
import assert from "node:assert/strict";
import crypto from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { appSuite, openApp, dragImage, artifact, eventually, scratchDir, ROOT } from "./support.js";
import { startServer, tempDataDir, freePort, s3Get, s3List, appUrl } from "./cloud.js";

const RESULT = "target/sample-chelsea/dev.json";

const app = appSuite();

/** The object's bytes when they equal the editor's current Lasso JSON, else null. */
async function resultMatches(page, server) {
  const expected = await page.evaluate(() => window.lasso.exportAs("lasso"));
  const obj = s3Get(server, RESULT, { withBody: true });
  return obj.body.toString("utf8") === expected ? obj : null;
}

async function drawBox(page, x, y) {
  await dragImage(page, [x, y], [x + 60, y + 50]);
}

test("a labelled task lands in the bucket byte for byte with its content type", async () => {
  const server = await startServer({ dataDir: tempDataDir() });
  const context = await app.browser.newContext({ viewport: { width: 1100, height: 700 } });
  try {
    const page = await openApp(context, appUrl(app.server.url, server));
    await page.locator(".lasso-canvas").click({ position: { x: 5, y: 5 } });
    await page.keyboard.press("b");
    await drawBox(page, 40, 40);
    await page.keyboard.press("2");
    await drawBox(page, 200, 120);
    const obj = await eventually("the result in the bucket", () => resultMatches(page, server));
    assert.equal(obj.contentType, "application/json");
    const stored = JSON.parse(obj.body.toString("utf8"));
    assert.deepEqual(
      stored.annotations.map((a) => a.label).sort(),
      ["cat", "dog"],
    );
    await page.waitForSelector('.lasso-upload[data-state="idle"]');
    assert.match(await page.locator(".lasso-upload").innerText(), /Uploaded/);
    await page.screenshot({ path: artifact("uploads-done.png") });
    assert.deepEqual(page.errors, []);
  } finally {
    await context.close();
    await server.stop();
  }
});

test("an expired presigned URL is refreshed and the upload lands", async () => {
  const server = await startServer({ dataDir: tempDataDir(), expiresSecs: 1 });
  const context = await app.browser.newContext({ viewport: { width: 1100, height: 700 } });
  try {
    const page = await openApp(context, appUrl(app.server.url, server));
    const statuses = [];
    page.on("response", (r) => {
      if (r.request().method() === "PUT" && r.url().includes("/target/")) statuses.push(r.status());
    });
    // Hold the first upload back until its URL has expired, as a slow network would.
    let held = false;
    await page.route("**/target/**", async (route) => {
      if (route.request().method() === "PUT" && !held) {
        held = true;
        await new Promise((r) => setTimeout(r, 2500));
      }
      await route.continue();
    });
    await page.locator(".lasso-canvas").click({ position: { x: 5, y: 5 } });
    await page.keyboard.press("b");
    await drawBox(page, 60, 60);
    await eventually("the result in the bucket", () => resultMatches(page, server));
    assert.equal(statuses[0], 403, `the held upload should be refused as expired: ${statuses}`);
    // The object can be in the bucket before the page has seen the answer to its PUT.
    await eventually(`a fresh URL used (answers so far: ${statuses})`, () => statuses.includes(200));
  } finally {
    await context.close();
    await server.stop();
  }
});

test("edits made while the store is down are queued across a reload and sent once", async () => {
  const dataDir = tempDataDir();
  const ports = { s3Port: await freePort(), apiPort: await freePort() };
  let server = await startServer({ dataDir, ...ports });
  const context = await app.browser.newContext({ viewport: { width: 1100, height: 700 } });
  try {
    let page = await openApp(context, appUrl(app.server.url, server));
    await page.locator(".lasso-canvas").click({ position: { x: 5, y: 5 } });
    await page.keyboard.press("b");
    await drawBox(page, 30, 30);
    await eventually("the first result", () => resultMatches(page, server));

    await server.stop();
    await drawBox(page, 150, 40);
    await page.keyboard.press("3");
    await drawBox(page, 250, 150);
    await page.waitForSelector('.lasso-upload[data-state="error"], .lasso-upload[data-state="pending"]');
    await eventually("the failure to be shown", async () =>
      (await page.locator(".lasso-upload").getAttribute("data-state")) === "error",
    );
    const title = await page.locator(".lasso-upload").getAttribute("title");
    assert.match(title, /did not answer/, title);
    const before = await page.evaluate(() => window.lasso.exportAs("lasso"));
    await page.screenshot({ path: artifact("uploads-store-down.png") });

    await page.reload();
    await page.waitForFunction(() => window.lasso && window.lasso.viewport().imageReady);
    assert.equal(await page.evaluate(() => window.lasso.exportAs("lasso")), before);
    const pending = await page.evaluate(() => window.lasso.pendingUploads());
    assert.deepEqual(pending.map((p) => p.key), [RESULT]);

    server = await startServer({ dataDir, ...ports });
    const obj = await eventually("the queued result", () => resultMatches(page, server), 60000);
    assert.equal(JSON.parse(obj.body.toString("utf8")).annotations.length, 3);
    assert.deepEqual(s3List(server, "target/"), [RESULT], "one result object, no duplicates");
    await eventually("an empty queue", async () =>
      (await page.evaluate(() => window.lasso.pendingUploads())).length === 0,
    );
  } finally {
    await context.close();
    await server.stop();
  }
});

test("a 50 MB image goes up in parts and resumes after a reload", async () => {
  const server = await startServer({ dataDir: tempDataDir() });
  const dir = scratchDir("lasso-big-");
  const file = path.join(dir, "ortho scan.tif");
  const bytes = crypto.randomBytes(50 * 1024 * 1024);
  fs.writeFileSync(file, bytes);
  const digest = crypto.createHash("sha256").update(bytes).digest("hex");
  const context = await app.browser.newContext({ viewport: { width: 1100, height: 700 } });
  try {
    let page = await openApp(context, appUrl(app.server.url, server));
    // Let three parts through, then hold every further part as if the connection died.
    let passed = 0;
    const partPuts = [];
    await page.route(/partNumber=/, async (route) => {
      if (route.request().method() !== "PUT") return route.continue();
      if (passed < 3) {
        passed += 1;
        return route.continue();
      }
      // Never answered: the reload below cuts it off.
    });
    await page.locator(".lasso-upload-tags").fill("aerial, survey ,aerial");
    await page.locator(".lasso-upload-image input").setInputFiles(file);
    await eventually("three parts stored", async () => {
      const pending = await page.evaluate(() => window.lasso.pendingUploads());
      const image = pending.find((p) => p.key === "src/images/ortho-scan.tif");
      return image && image.partsDone === 3;
    });
    const progress = await page.locator(".lasso-upload-progress").getAttribute("value");
    assert.ok(Number(progress) > 0.3 && Number(progress) < 0.6, `progress ${progress}`);
    await page.screenshot({ path: artifact("uploads-multipart.png") });

    await page.unrouteAll({ behavior: "ignoreErrors" });
    page.on("request", (r) => {
      if (r.method() === "PUT" && /partNumber=/.test(r.url())) {
        partPuts.push(Number(new URL(r.url()).searchParams.get("partNumber")));
      }
    });
    await page.reload();
    await page.waitForFunction(() => window.lasso && window.lasso.viewport().imageReady);
    // On a timeout, say what is still queued (attempts, error, parts done).
    let left = [];
    await eventually("an empty queue", async () => {
      left = await page.evaluate(() => window.lasso.pendingUploads());
      return left.length === 0;
    }, 60000).catch((e) => {
      throw new Error(`${e.message}; still queued: ${JSON.stringify(left)}`);
    });
    assert.deepEqual(partPuts.sort((a, b) => a - b), [4, 5, 6, 7], "only the missing parts are sent again");
    const obj = s3Get(server, "src/images/ortho-scan.tif");
    assert.equal(obj.size, bytes.length);
    assert.equal(obj.sha256, digest);
    assert.equal(obj.contentType, "image/tiff");
    const manifest = JSON.parse(s3Get(server, "src/tasks/ortho-scan.json", { withBody: true }).body);
    assert.equal(manifest.image.src, "src/images/ortho-scan.tif");
    assert.equal(manifest.image.name, "ortho scan.tif");
    assert.deepEqual(manifest.tags, ["aerial", "survey"], "the image carries the tags typed for it");
  } finally {
    await context.close();
    await server.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test("a task from the bucket opens from the task list, its image through a presigned GET", async () => {
  const server = await startServer({ dataDir: tempDataDir(), seed: path.join(ROOT, "www/samples") });
  const context = await app.browser.newContext({ viewport: { width: 1100, height: 700 } });
  try {
    const page = await openApp(context, appUrl(app.server.url, server));
    const imageRequests = [];
    page.on("request", (r) => {
      if (r.url().includes("/src/images/")) imageRequests.push(r.url());
    });
    await page.waitForSelector('.lasso-tasks option[value="src/tasks/coffee.json"]', { state: "attached" });
    const listed = await page.locator(".lasso-tasks option").allTextContents();
    assert.deepEqual(listed.slice(1).sort(), ["chelsea", "coffee", "rocket"]);
    await page.locator(".lasso-tasks").selectOption("src/tasks/coffee.json");
    await page.waitForFunction(() => window.lasso.viewport().imageReady);
    await eventually("the coffee image", async () => {
      const task = JSON.parse(await page.evaluate(() => window.lasso.exportAs("lasso")));
      return task.id === "coffee" && task.image.width === 600 && task.image.height === 400;
    });
    assert.ok(
      imageRequests.some((u) => u.includes("src/images/coffee.png") && u.includes("X-Amz-Signature=")),
      `the image should be read through a presigned URL: ${imageRequests}`,
    );
    await page.locator(".lasso-canvas").click({ position: { x: 5, y: 5 } });
    await page.keyboard.press("b");
    await dragImage(page, [100, 100], [250, 220]);
    const expected = await page.evaluate(() => window.lasso.exportAs("lasso"));
    const obj = await eventually("the coffee result", () => {
      const got = s3Get(server, "target/coffee/dev.json", { withBody: true });
      return got.body.toString("utf8") === expected ? got : null;
    });
    assert.equal(JSON.parse(obj.body.toString("utf8")).image.src, "src/images/coffee.png");
    // The strip lists the bucket's tasks with the open one marked and counted; PageDown
    // opens the next manifest, PageUp comes back to the box.
    // (The bucket lists keys in their byte order.)
    assert.deepEqual(await page.locator(".lasso-strip-name").allTextContents(), ["chelsea", "coffee", "rocket"]);
    const current = page.locator(".lasso-strip-item.current");
    assert.equal(await current.locator(".lasso-strip-name").textContent(), "coffee");
    assert.equal(await current.locator(".lasso-strip-status").textContent(), "1 object");
    await page.keyboard.press("PageDown");
    await page.waitForFunction(() => JSON.parse(window.lasso.exportAs("lasso")).id === "rocket");
    await page.waitForFunction(() => document.querySelector(".lasso-strip-item.current .lasso-strip-name")?.textContent === "rocket");
    assert.equal(await page.locator(".lasso-strip-item", { hasText: "coffee" }).locator(".lasso-strip-status").textContent(), "1 object");
    await page.keyboard.press("PageUp");
    await page.waitForFunction(() => JSON.parse(window.lasso.exportAs("lasso")).id === "coffee");
    assert.equal((await page.evaluate(() => window.lasso.annotations())).length, 1);
    await page.screenshot({ path: artifact("uploads-bucket-task.png") });
    assert.deepEqual(page.errors, []);
  } finally {
    await context.close();
    await server.stop();
  }
});
