// Review against `lasso-server dev` and its real S3 store, each person in their own browser
// context: two annotators label one task differently; the reviewer sees both layers and the
// disagreement, pins an issue and rejects one result; the annotator's next task is the rework
// with the issue on the canvas; after the fix the reviewer corrects and accepts; the accepted
// result is what the project's export holds and what the health page counts.
import { test } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { execFileSync } from "node:child_process";
import { appSuite, dragImage, imageToPage, artifact, eventually, ROOT } from "./support.js";
import { startServer, tempDataDir, s3Get, s3List, openProject } from "./cloud.js";

const SAMPLES = path.join(ROOT, "www/samples");
const USERS = [
  { user: "ann", token: "ann-token-0001", roles: ["annotator"] },
  { user: "ben", token: "ben-token-0002", roles: ["annotator"] },
  { user: "rita", token: "rita-token-003", roles: ["reviewer"] },
];

const app = appSuite();

const openAs = (context, server, user) => openProject(context, app.server.url, server, user);

/** One browser context per person of a scenario, all closed together. */
function crowd(server) {
  const contexts = [];
  return {
    async open(user) {
      const c = await app.browser.newContext({ viewport: { width: 1280, height: 800 }, acceptDownloads: true });
      contexts.push(c);
      return openAs(c, server, user);
    },
    async close() {
      for (const c of contexts) await c.close();
    },
  };
}

async function drawBox(page, x, y, w = 40, h = 30) {
  await page.keyboard.press("b");
  await dragImage(page, [x, y], [x + w, y + h]);
}

const status = (page) => page.locator(".lasso-team-status").getAttribute("data-status");

async function submit(page) {
  await page.locator(".lasso-team-submit").click();
  await page.waitForSelector('.lasso-team-status[data-status="submitted"]', { timeout: 40000 });
}

test("reject with a pinned issue, rework, correct and accept; the export holds the accepted result", async () => {
  const server = await startServer({ dataDir: tempDataDir(), seed: SAMPLES, users: USERS, project: "demo", overlap: 2 });
  const people = crowd(server);
  const open = people.open;
  try {
    const ann = await open("ann");
    const ben = await open("ben");
    const task = await ann.locator(".lasso-team-status").getAttribute("data-task");
    assert.equal(await ben.locator(".lasso-team-status").getAttribute("data-task"), task, "overlap 2: one task for both");
    // ann draws two boxes, ben only the first (a little off).
    for (const page of [ann, ben]) await page.waitForFunction(() => window.lasso.viewport().imageReady);
    await drawBox(ann, 20, 20);
    await drawBox(ann, 150, 60);
    await drawBox(ben, 22, 22);
    await submit(ann);
    await submit(ben);

    // rita reviews: the panel opens with the queue; both results are layers.
    const rita = await open("rita");
    await rita.evaluate(() => {
      window.reviews = [];
      window.lasso.on("review", (d) => window.reviews.push(d));
    });
    const item = rita.locator(`.lasso-review-queue-item[data-task="${task}"] button`);
    await item.click();
    await rita.waitForSelector(".lasso-review-layer[data-user=ben]");
    await rita.waitForFunction(() => window.lasso.viewport().imageReady);
    assert.equal(await rita.locator(".lasso-review-layer").count(), 2);
    assert.equal(await rita.locator(".lasso-review-shape").count(), 3);
    const agreement = await rita.evaluate(() => window.lasso.agreement());
    assert.equal(agreement.pairs[0].figures.matched, 1);
    // ann's second box, which ben did not draw, is marked, where it is on the image.
    const flagged = rita.locator('.lasso-review-flag[data-user="ann"]');
    assert.ok((await flagged.count()) >= 1);
    const lone = await rita.evaluate(() => window.lasso.annotations().find((a) => a.shape.x0 > 100).id);
    const flagBox = await rita.locator(`.lasso-review-flag[data-annotation="${lone}"]`).boundingBox();
    // (Its box on the page includes the marking's glow, so the centres are compared.)
    const centre = await imageToPage(rita, 170, 75);
    const [cx, cy] = [flagBox.x + flagBox.width / 2, flagBox.y + flagBox.height / 2];
    assert.ok(Math.abs(cx - centre.x) < 3 && Math.abs(cy - centre.y) < 3, JSON.stringify({ flagBox, centre }));
    await rita.locator(".lasso-stage").screenshot({ path: artifact("review-layers.png") });
    // Toggling a layer hides its outlines.
    await rita.locator('.lasso-review-layer[data-user="ann"] .lasso-review-layer-toggle').uncheck();
    assert.equal(await rita.locator('.lasso-review-shape[data-user="ann"]').count(), 0);
    await rita.locator(".lasso-review-all-layers").click();
    assert.equal(await rita.locator(".lasso-review-shape").count(), 3);

    // She sends ben's result back with an issue pinned where his car is missing.
    await rita.locator('.lasso-review-layer[data-user="ben"] .lasso-review-target').check();
    await rita.locator(".lasso-review-pin").click();
    const at = await imageToPage(rita, 170, 75);
    await rita.mouse.click(at.x, at.y);
    await rita.locator(".lasso-review-issue-text").fill("missing car here");
    await rita.locator(".lasso-review-issue-add").click();
    assert.equal(await rita.locator(".lasso-review-issue-list li").count(), 1);
    await rita.locator(".lasso-review-comment").fill("one car short");
    // A host's rejection whose issues lack a field is refused, naming it, and nothing is sent.
    const refused = await rita.evaluate(() =>
      window.lasso.rejectTask("no", { issues: [{ x: 1, text: "here" }] }).then(() => "sent", (e) => String(e)),
    );
    assert.match(refused, /rejectTask options: .*missing field `y`/);
    assert.deepEqual(await rita.evaluate(() => (window.reviews || []).length), 0);
    await rita.locator(".lasso-review-reject").click();
    await rita.waitForSelector('.lasso-review-layer[data-user="ben"][data-status="rework"]');
    assert.deepEqual(await rita.evaluate(() => window.reviews.map((r) => [r.decision, r.user])), [["rejected", "ben"]]);

    // ben's next task is the rework, the issue pinned on his canvas.
    await ben.locator(".lasso-team-next").click();
    await ben.waitForSelector('.lasso-team-status[data-status="rework"]');
    assert.equal(await ben.locator(".lasso-team-status").getAttribute("data-task"), task);
    assert.match(await ben.locator(".lasso-rework-comment").textContent(), /one car short/);
    await ben.waitForFunction(() => window.lasso.viewport().imageReady);
    const pin = await ben.locator('.lasso-pin[data-issue="i1"] circle').boundingBox();
    const where = await imageToPage(ben, 170, 75);
    assert.ok(Math.abs(pin.x + pin.width / 2 - where.x) < 3 && Math.abs(pin.y + pin.height / 2 - where.y) < 3);
    await ben.locator(".lasso-stage").screenshot({ path: artifact("review-rework.png") });
    // Submitting before the issue is resolved is refused, and says why.
    await ben.locator(".lasso-team-submit").click();
    await ben.waitForSelector(".lasso-banner:has-text('resolve the 1 open issue')");
    await drawBox(ben, 150, 60);
    await ben.locator('.lasso-rework-issue[data-issue="i1"] .lasso-rework-resolve').check();
    await submit(ben);

    // rita opens it again: ben's layer has both cars now; she adds one they both missed in her
    // copy and accepts.
    await rita.locator(".lasso-review-refresh").click();
    await rita.locator(`.lasso-review-queue-item[data-task="${task}"] button`).click();
    await rita.waitForSelector('.lasso-review-layer[data-user="ben"][data-status="submitted"]');
    assert.equal(await rita.locator('.lasso-review-shape[data-user="ben"]').count(), 2);
    // Nothing is missing any more; only the loosely drawn first car (IoU 0.80) stays marked.
    const after = await rita.evaluate(() => window.lasso.agreement().flagged);
    assert.ok(after.every((f) => f.unmatched_by.length === 0 && f.low_iou < 0.8), JSON.stringify(after));
    // Her copy from the consensus of both: the loosely drawn car by the median of their boxes.
    await rita.locator(".lasso-review-source").selectOption("consensus");
    await rita.locator(".lasso-review-start-from").click();
    const merged = await rita.evaluate(() => window.lasso.annotations().map((a) => a.shape));
    assert.equal(merged.length, 2);
    const first = merged.find((b) => b.x0 < 100);
    const [a0, b0] = [20, 22];
    assert.ok(Math.abs(first.x0 - (a0 + b0) / 2) < 1.5 && Math.abs(first.y0 - (a0 + b0) / 2) < 1.5, JSON.stringify(first));
    await drawBox(rita, 250, 100);
    assert.equal(await rita.evaluate(() => window.lasso.annotations().length), 3);
    await rita.locator(".lasso-review-accept").click();
    await rita.waitForSelector(".lasso-review-accepted:has-text('Accepted by rita')", { timeout: 40000 });
    const accepted = JSON.parse(s3Get(server, `demo/accepted/${task}.json`, { withBody: true }).body.toString());
    assert.equal(accepted.annotations.length, 3);
    assert.equal(await ann.evaluate(() => window.lasso.taskStatus()).then((s) => s.status), "accepted");
    assert.deepEqual(await rita.evaluate(() => window.reviews.map((r) => r.decision)), ["rejected", "accepted"]);

    // The project's export is the accepted result, read by pycocotools.
    const [download] = await Promise.all([
      rita.waitForEvent("download"),
      rita.locator(".lasso-review-export").click(),
    ]);
    const zipPath = artifact("review-accepted-coco.zip");
    await download.saveAs(zipPath);
    const python = path.join(ROOT, ".venv", "bin", "python");
    const loaded = JSON.parse(execFileSync(python, [path.join(ROOT, "tests", "e2e", "coco_consumer.py"), zipPath]).toString());
    assert.equal(loaded.annotations.length, 3);
    assert.ok(loaded.files.some((f) => f.startsWith("images/")), loaded.files.join(", "));
    assert.ok(fs.statSync(zipPath).size > 1000);

    // The health page over the whole project: every task's image, the accepted result where
    // there is one; over the accepted results only: that one image.
    const manifests = s3List(server, "demo/src/tasks/").length;
    await rita.click(".lasso-health-toggle");
    await rita.locator(".lasso-health-scope").selectOption("project");
    const summary = (text) =>
      rita.waitForFunction((t) => document.querySelector(".lasso-health-summary")?.textContent.startsWith(t), text);
    const images = (n) => `${n} image${n === 1 ? "" : "s"}`;
    await summary(`${images(manifests)}, 3 objects; ${images(manifests - 1)} without objects`);
    await rita.locator(".lasso-health").screenshot({ path: artifact("health-project.png") });
    await rita.locator(".lasso-health-scope").selectOption("accepted");
    await summary("1 image, 3 objects; 0 images without objects");
    await rita.click(".lasso-health-close");
    for (const page of [ann, ben, rita]) assert.deepEqual(page.errors, []);
  } finally {
    await people.close();
    await server.stop();
  }
});

test("checks stop a submission and select the shape; a gold task scores an annotator in the lead's quality report", async () => {
  const users = [
    { user: "ann", token: "ann-token-0001", roles: ["annotator"] },
    { user: "ben", token: "ben-token-0002", roles: ["annotator"] },
    { user: "lead", token: "lead-token-003", roles: ["manager"] },
  ];
  const server = await startServer({ dataDir: tempDataDir(), seed: SAMPLES, users, project: "demo" });
  const people = crowd(server);
  const open = people.open;
  try {
    // The lead turns on a blocking minimum size in the project editor.
    const lead = await open("lead");
    await lead.locator(".lasso-team-project-button").click();
    await lead.locator(".lasso-check-min-size").fill("8");
    await lead.locator(".lasso-check-min-size").dispatchEvent("change");
    await lead.locator(".lasso-check-block").check();
    await lead.locator(".lasso-project-save").click();
    await lead.waitForSelector(".lasso-project-editor", { state: "detached" });
    const saved = JSON.parse(s3Get(server, "demo/project.json", { withBody: true }).body.toString());
    assert.deepEqual(saved.checks, { min_size: 8, block: true });

    // ann draws a speck by mistake: Submit refuses, lists it, and a click selects it.
    const ann = await open("ann");
    const task = await ann.locator(".lasso-team-status").getAttribute("data-task");
    await ann.waitForFunction(() => window.lasso.viewport().imageReady);
    await drawBox(ann, 200, 150, 4, 4);
    const speck = await ann.evaluate(() => window.lasso.annotations()[0].id);
    await drawBox(ann, 20, 20);
    await drawBox(ann, 150, 60);
    await ann.keyboard.press("Escape");
    await ann.locator(".lasso-team-submit").click();
    await ann.waitForSelector(".lasso-banner:has-text('checks fail')");
    assert.equal(await status(ann), "in_progress");
    const failure = ann.locator(`.lasso-check-failure[data-check="min_size"][data-annotation="${speck}"] button`);
    await failure.click();
    await ann.waitForSelector(`.lasso-item.selected[data-id="${speck}"]`);
    await ann.keyboard.press("Delete");
    assert.equal(await ann.evaluate(() => window.lasso.annotations().length), 2);
    await ann.locator(".lasso-checks-run").click();
    await ann.waitForSelector('.lasso-checks-summary[data-failures="0"]');
    await submit(ann);

    // The lead accepts ann's work and makes it gold, for every annotator from now on.
    await lead.locator(".lasso-team-review-button").click();
    await lead.locator(`.lasso-review-queue-item[data-task="${task}"] button`).click();
    await lead.waitForSelector('.lasso-review-layer[data-user="ann"]');
    await lead.locator(".lasso-review-accept").click();
    await lead.waitForSelector(".lasso-review-accepted:has-text('Accepted by lead')", { timeout: 40000 });
    await lead.locator(".lasso-review-gold").click();
    await lead.waitForSelector(".lasso-review-is-gold:visible");
    await lead.locator(".lasso-team-project-button").click();
    await lead.locator(".lasso-gold-rate").fill("1");
    await lead.locator(".lasso-gold-rate").dispatchEvent("change");
    await lead.locator(".lasso-project-save").click();
    await lead.waitForSelector(".lasso-project-editor", { state: "detached" });
    const gold = JSON.parse(s3Get(server, "demo/project.json", { withBody: true }).body.toString()).gold;
    assert.deepEqual(gold, { tasks: [task], rate: 1 });

    // ben opens the app: his first task is the gold one, and nothing says so.
    const ben = await open("ben");
    await ben.waitForSelector('.lasso-team-status[data-status="in_progress"]');
    assert.equal(await ben.locator(".lasso-team-status").getAttribute("data-task"), task);
    assert.doesNotMatch(await ben.locator(".lasso-team").textContent(), /gold/i);
    await ben.waitForFunction(() => window.lasso.viewport().imageReady);
    await drawBox(ben, 21, 20);
    await submit(ben);

    // The lead's quality report: ben found one of the two gold cars, exactly.
    await lead.locator(".lasso-team-quality-button").click();
    const row = lead.locator('.lasso-quality-annotator[data-user="ben"]');
    await row.waitFor();
    assert.equal(await row.getAttribute("data-gold-recall"), "0.5");
    const report = await lead.evaluate(() => window.lasso.qualityReport());
    assert.equal(report.annotators.ben.gold.precision, 1);
    assert.equal(report.annotators.ann.decisions, 1);
    await lead.screenshot({ path: artifact("quality-report.png") });
    const [download] = await Promise.all([lead.waitForEvent("download"), lead.locator(".lasso-quality-csv").click()]);
    const csvPath = artifact("quality.csv");
    await download.saveAs(csvPath);
    const csv = fs.readFileSync(csvPath, "utf8");
    assert.match(csv, /^annotator,submitted,/);
    assert.match(csv, /\nben,1,/);
    for (const page of [ann, ben, lead]) assert.deepEqual(page.errors, []);
  } finally {
    await people.close();
    await server.stop();
  }
});
