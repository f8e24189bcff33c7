// PageDown/PageUp walk the bucket's task list; each image keeps its work.
import { test } from "node:test";
import assert from "node:assert/strict";
import path from "node:path";
import { appSuite, openApp, dragImage, ROOT } from "./support.js";
import { startServer, tempDataDir, appUrl, TOKEN } from "./cloud.js";

const app = appSuite();

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
  const context = await app.browser.newContext({ viewport: { width: 1100, height: 700 } });
  try {
    const page = await openApp(context, appUrl(app.server.url, server));
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

test("tokens stay off the address bar and out of localStorage, also one an earlier version kept there", async () => {
  const server = await startServer({ dataDir: tempDataDir(), seed: path.join(ROOT, "www/samples") });
  const context = await app.browser.newContext({ viewport: { width: 1000, height: 650 } });
  try {
    // A token given in the address: gone from it at once, kept for the tab only.
    const page = await openApp(context, appUrl(app.server.url, server));
    assert.equal(new URL(page.url()).searchParams.get("token"), null);
    assert.ok(new URL(page.url()).searchParams.get("presign"));
    const stored = await page.evaluate(() => ({ local: localStorage.getItem("lasso.cloud"), session: sessionStorage.getItem("lasso.token") }));
    assert.ok(!stored.local.includes(TOKEN), stored.local);
    assert.equal(stored.session, TOKEN);
    await page.close();
    // An earlier version's setting with the token in localStorage: moved to the tab, and it
    // still signs the bucket's requests.
    const old = await context.newPage();
    await old.addInitScript(
      ({ api, token }) => {
        if (!sessionStorage.getItem("seeded")) {
          sessionStorage.setItem("seeded", "1");
          localStorage.setItem("lasso.cloud", JSON.stringify({ endpoint: api, token, user: "dev" }));
        }
      },
      { api: server.api, token: TOKEN },
    );
    await old.goto(`${app.server.url}/`);
    await old.waitForFunction(() => window.lasso && document.body.dataset.ready === "true");
    const after = await old.evaluate(() => ({ local: localStorage.getItem("lasso.cloud"), session: sessionStorage.getItem("lasso.token") }));
    assert.ok(!after.local.includes(TOKEN), after.local);
    assert.equal(after.session, TOKEN);
    const tasks = await old.evaluate(() => window.lasso.cloudTasks());
    assert.ok(tasks.tasks.length >= 3, JSON.stringify(tasks));
  } finally {
    await context.close();
    await server.stop();
  }
});
