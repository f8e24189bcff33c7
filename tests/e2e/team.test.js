// A team on one bucket, against `lasso-server dev` and its real S3 store: annotators in their
// own browser contexts get different tasks (the same one, once each, with overlap 2), work
// follows a person to a fresh browser profile, two profiles of one person edit offline and
// nothing is lost, and the manager's progress figures equal what was done.
import { test } from "node:test";
import assert from "node:assert/strict";
import path from "node:path";
import { appSuite, dragImage, artifact, eventually, ROOT } from "./support.js";
import { startServer, tempDataDir, s3Get, s3List, openProject } from "./cloud.js";

const SAMPLES = path.join(ROOT, "www/samples");
const USERS = [
  { user: "ann", token: "ann-token-0001", roles: ["annotator"] },
  { user: "ben", token: "ben-token-0002", roles: ["annotator"] },
  { user: "lead", token: "lead-token-003", roles: ["manager"] },
];

const app = appSuite();

/** Opens the app for `user` in project `demo`; resolves once the team panel shows a state. */
async function openAs(context, server, user) {
  const page = await openProject(context, app.server.url, server, user);
  await page.waitForSelector('.lasso-team-status:is([data-status="in_progress"],[data-status="none"])');
  return page;
}

const taskOf = (page) => page.locator(".lasso-team-status").getAttribute("data-task");

async function drawBox(page, x, y) {
  await page.keyboard.press("b");
  await dragImage(page, [x, y], [x + 40, y + 30]);
}

/** The annotations of a result in the bucket, or null when there is none. */
function stored(server, key) {
  try {
    return JSON.parse(s3Get(server, key, { withBody: true }).body.toString("utf8")).annotations;
  } catch {
    return null;
  }
}

test("annotators get different tasks, work follows them, offline edits on two profiles are all kept, the lead's figures add up", async () => {
  const server = await startServer({ dataDir: tempDataDir(), seed: SAMPLES, users: USERS, project: "demo" });
  const contexts = [];
  const context = async () => {
    const c = await app.browser.newContext({ viewport: { width: 1200, height: 760 } });
    contexts.push(c);
    return c;
  };
  try {
    const ann = await openAs(await context(), server, "ann");
    const ben = await openAs(await context(), server, "ben");
    const [a, b] = [await taskOf(ann), await taskOf(ben)];
    assert.ok(a && b);
    assert.notEqual(a, b, "each annotator gets a task nobody else holds");
    // The project's instructions sit beside the canvas; only managers see the progress button.
    assert.match(await ann.locator(".lasso-team-instructions").textContent(), /tight box/);
    assert.equal(await ann.locator(".lasso-team-progress-button").isVisible(), false);

    // ann labels her task and submits it through the panel; the result is in the bucket.
    await ann.waitForFunction(() => window.lasso.viewport().imageReady);
    await ann.locator(".lasso-canvas").click({ position: { x: 5, y: 5 } });
    await ann.keyboard.press("2"); // the class "person"
    await drawBox(ann, 20, 20);
    await ann.locator(".lasso-team-submit").click();
    await ann.waitForSelector('.lasso-team-status[data-status="submitted"]', { timeout: 40000 });
    const first = stored(server, `demo/target/${a}/ann.json`);
    assert.equal(first.length, 1, "the submitted result holds the box");
    assert.deepEqual(await ann.evaluate(() => window.lasso.taskStatus()).then((s) => s.status), "submitted");

    // Next: the third task, which nobody holds.
    await ann.locator(".lasso-team-next").click();
    await ann.waitForFunction((prev) => {
      const s = document.querySelector(".lasso-team-status");
      return s.dataset.status === "in_progress" && s.dataset.task !== prev;
    }, a);
    const c = await taskOf(ann);
    assert.ok(c !== a && c !== b, `a third task: ${c}`);
    await ann.waitForFunction(() => window.lasso.viewport().imageReady);
    await drawBox(ann, 30, 30);
    const resultC = `demo/target/${c}/ann.json`;
    await eventually("ann's work on the third task in the bucket", () => stored(server, resultC)?.length === 1);

    // The same person in a fresh browser profile is given the same task, with her work.
    const annAgain = await openAs(await context(), server, "ann");
    assert.equal(await taskOf(annAgain), c);
    await annAgain.waitForFunction(() => window.lasso.annotations().length === 1);

    // Both profiles go offline and each adds a box; back online, nothing is lost.
    await annAgain.waitForFunction(() => window.lasso.viewport().imageReady);
    for (const [page, x] of [[ann, 120], [annAgain, 220]]) {
      await page.context().setOffline(true);
      await drawBox(page, x, 60);
    }
    for (const page of [ann, annAgain]) await page.context().setOffline(false);
    await eventually("three boxes in the bucket", () => stored(server, resultC)?.length === 3, 45000);
    // The profile that lost the race merged; the other catches up when it opens the task again.
    await ann.reload();
    await ann.waitForFunction(() => window.lasso && window.lasso.annotations().length === 3, null, { timeout: 30000 });
    await ann.screenshot({ path: artifact("team-merged.png") });

    // The lead has no task to label (all three are held or done) and sees the figures.
    const lead = await openAs(await context(), server, "lead");
    assert.equal(await lead.locator(".lasso-team-status").getAttribute("data-status"), "none");
    // With no task open the toolbar offers the project's classes, not the page's defaults.
    const offered = await lead.locator(".lasso-label").evaluateAll((ls) => ls.map((l) => l.dataset.label));
    assert.deepEqual(offered, ["object", "person", "vehicle"]);
    await lead.locator(".lasso-team-progress-button").click();
    await lead.waitForSelector(".lasso-progress");
    const row = (user) => lead.locator(`.lasso-progress tr[data-user="${user}"]`);
    assert.equal(await row("ann").getAttribute("data-submitted"), "1");
    assert.equal(await row("ann").getAttribute("data-in-progress"), "1");
    assert.equal(await row("ben").getAttribute("data-in-progress"), "1");
    assert.equal(await row("ben").getAttribute("data-submitted"), "0");
    assert.match(await lead.locator(".lasso-progress-summary").textContent(), /3 tasks, 1 complete/);
    // The gallery filtered by a class shows exactly the tasks whose submitted work has it.
    await lead.locator(".lasso-team-gallery-button").click();
    const show = async (filters) => {
      for (const [name, value] of Object.entries(filters)) await lead.locator(`.lasso-gallery-${name}`).selectOption(value);
      const before = await lead.locator(".lasso-gallery-count").textContent();
      await lead.locator(".lasso-gallery-show").click();
      await lead.waitForFunction((b) => document.querySelector(".lasso-gallery-count").textContent !== b, before);
      return lead.locator(".lasso-gallery-item").evaluateAll((items) => items.map((i) => i.dataset.task).sort());
    };
    assert.deepEqual(await show({ class: "person" }), [a]);
    await lead.screenshot({ path: artifact("team-gallery.png") });
    assert.deepEqual(await show({ class: "vehicle" }), []);
    assert.deepEqual(await show({ class: "", status: "in_progress" }), [b, c].sort());
    // The lead adds a class and rewrites the instructions; the annotators get both.
    await lead.locator(".lasso-gallery-close").click();
    await lead.locator(".lasso-team-project-button").click();
    await lead.locator(".lasso-project-new-class").fill("kite");
    await lead.locator(".lasso-project-add-class").click();
    await lead.locator(".lasso-project-instructions").fill("Box every kite too.");
    await lead.locator(".lasso-project-instructions").dispatchEvent("change");
    const guide = lead.locator('.lasso-project-class[data-class="person"] .lasso-project-class-guide');
    await guide.fill("the whole body");
    await guide.dispatchEvent("change");
    // A broken edit of the classes' JSON is named and changes nothing.
    await lead.locator(".lasso-project-json summary").click();
    await lead.locator(".lasso-project-classes-json").fill('[{"name": "x", "color": 7}]');
    await lead.locator(".lasso-project-classes-json").dispatchEvent("change");
    assert.match(await lead.locator(".lasso-project-json-error").textContent(), /classes\[0\]\.color/);
    await lead.locator(".lasso-project-save").click();
    await lead.waitForSelector(".lasso-project-editor", { state: "detached" });
    const saved = JSON.parse(s3Get(server, "demo/project.json", { withBody: true }).body.toString());
    assert.deepEqual(saved.labels.labels.map((l) => l.name), ["object", "person", "vehicle", "kite"]);
    await ben.reload();
    await ben.waitForSelector('.lasso-label[data-label="kite"]');
    assert.match(await ben.locator(".lasso-team-instructions").textContent(), /kite too/);
    assert.match(await ben.locator('.lasso-team-guides li[data-class="person"]').textContent(), /whole body/);
    // What the bucket holds agrees: one submission marker, three leases.
    assert.equal(s3List(server, "demo/state/done/").length, 1);
    assert.equal(s3List(server, "demo/state/slots/").filter((k) => !k.endsWith(".done")).length, 3);
    for (const page of [ann, ben, annAgain, lead]) assert.deepEqual(page.errors, []);
  } finally {
    for (const c of contexts) await c.close();
    await server.stop();
  }
});

test("with overlap 2 two annotators each get the same task once; the lead takes it back from one and assigns another", async () => {
  const server = await startServer({ dataDir: tempDataDir(), seed: SAMPLES, users: USERS, project: "demo", overlap: 2 });
  const contexts = [];
  try {
    const pages = [];
    for (const user of ["ann", "ben"]) {
      const c = await app.browser.newContext({ viewport: { width: 1000, height: 700 } });
      contexts.push(c);
      pages.push(await openAs(c, server, user));
    }
    const [a, b] = [await taskOf(pages[0]), await taskOf(pages[1])];
    assert.equal(a, b, "overlap 2: the first task goes to both");
    // Asking again resumes it instead of taking a second slot of it.
    const again = await pages[0].evaluate(() => window.lasso.nextTask());
    assert.equal(again, a);
    const leases = s3List(server, `demo/state/slots/${a}/`);
    assert.deepEqual(leases.sort(), [`demo/state/slots/${a}/0`, `demo/state/slots/${a}/1`]);

    // The lead takes the task back from ann and gives another one to ben, from the gallery.
    const c = await app.browser.newContext({ viewport: { width: 1200, height: 760 } });
    contexts.push(c);
    const lead = await openAs(c, server, "lead");
    const leadTask = await taskOf(lead);
    await lead.locator(".lasso-team-gallery-button").click();
    await lead.locator(".lasso-gallery-show").click();
    await lead.waitForSelector(".lasso-gallery-item");
    await lead.locator(`.lasso-gallery-item[data-task="${a}"] .lasso-gallery-unassign[data-user="ann"]`).click();
    await eventually("ann no longer holds the first task", () => !s3List(server, "demo/state/open/ann/").some((k) => k.includes(`/${a}.`)));
    await lead.waitForSelector(`.lasso-gallery-item[data-task="${a}"] .lasso-gallery-unassign[data-user="ben"]`);
    assert.equal(await lead.locator(`.lasso-gallery-item[data-task="${a}"] .lasso-gallery-unassign[data-user="ann"]`).count(), 0);
    const items = await lead.locator(".lasso-gallery-item").evaluateAll((els) => els.map((e) => e.dataset.task));
    const third = items.find((t) => t !== a && t !== leadTask);
    const card = lead.locator(`.lasso-gallery-item[data-task="${third}"]`);
    await card.locator(".lasso-gallery-assign-user").fill("ben");
    await card.locator(".lasso-gallery-assign-button").click();
    await eventually("ben holds the assigned task", () => s3List(server, "demo/state/open/ben/").some((k) => k.includes(`/${third}.`)));
  } finally {
    for (const c of contexts) await c.close();
    await server.stop();
  }
});
