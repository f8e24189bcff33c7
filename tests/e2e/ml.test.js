// A model in the loop, through the UI: with the reference backend (Label Studio's ML backend
// SDK around OpenCV's face cascade), "Predict" on a photo gives a box on the face, shown as a
// prediction under review with the round trip, accepted into the task; `predict()` resolves to
// the number added. A backend that hangs, fails, answers garbage or only shapes outside the
// image is named in the banner and leaves the task as it was. With a backend that answers
// clicks as Segment-Anything backends do, two positive clicks and a negative one give the
// expected mask (a hole where the negative click was), added as a mask and as polygons; an
// answer to older prompts that arrives after a newer one is dropped.
import { test } from "node:test";
import assert from "node:assert/strict";
import { appSuite, openApp, artifact, imageToPage, eventually } from "./support.js";
import fs from "node:fs";
import path from "node:path";
import { startServer, tempDataDir, s3Get, s3PutJson, openProject } from "./cloud.js";
import { referenceBackend, facePhoto, brokenBackend, samBackend, shapesImage } from "./ml.js";

const app = appSuite();

const iou = (a, b) => {
  const w = Math.max(0, Math.min(a[2], b[2]) - Math.max(a[0], b[0]));
  const h = Math.max(0, Math.min(a[3], b[3]) - Math.max(a[1], b[1]));
  const area = (r) => (r[2] - r[0]) * (r[3] - r[1]);
  return (w * h) / (area(a) + area(b) - w * h);
};

async function openPhoto(page, photo) {
  await page.evaluate(async (src) => {
    await window.lasso.loadTask({
      id: `face-${Date.now()}`,
      image: { src },
      labels: { labels: [{ name: "face", color: "#f58231" }] },
      annotations: [],
    });
  }, photo.url);
  await page.waitForFunction(() => window.lasso.viewport().imageReady);
}

test("Predict on a photo gives a box on the face, accepted into the task", async () => {
  const backend = await referenceBackend();
  const photo = await facePhoto();
  const context = await app.browser.newContext({ viewport: { width: 1280, height: 800 } });
  try {
    const page = await openApp(context, `${app.server.url}/?ml=${encodeURIComponent(backend.url)}`);
    await openPhoto(page, photo);
    await page.locator(".lasso-predict").click();
    await page.waitForSelector(".lasso-prediction-count");
    assert.match(await page.textContent(".lasso-prediction-count"), /^1 to review/);
    assert.match(await page.textContent(".lasso-model-last"), /^1 prediction by opencv-haar-faces-1 in [\d,]+ ms$/);
    const [face] = await page.evaluate(() => window.lasso.annotations());
    assert.equal(face.label, "face");
    assert.equal(face.origin.kind, "prediction");
    const box = [face.shape.x0, face.shape.y0, face.shape.x1, face.shape.y1];
    assert.ok(iou(box, photo.face) >= 0.5, JSON.stringify({ box, face: photo.face }));
    await page.locator(".lasso-stage").screenshot({ path: artifact("ml-predicted.png") });
    // Accepted: a person's annotation now, one undo step.
    await page.locator(".lasso-accept-above").click();
    const accepted = await page.evaluate(() => window.lasso.annotations());
    assert.equal(accepted.length, 1);
    assert.equal(accepted[0].origin?.kind ?? "human", "human");
    // The API asks again and says how many it added.
    assert.equal(await page.evaluate(() => window.lasso.predict()), 1);
    assert.equal((await page.evaluate(() => window.lasso.annotations())).length, 2);
    assert.deepEqual(page.errors, []);
  } finally {
    await context.close();
    backend.stop();
    await photo.close();
  }
});

test("a backend that hangs, fails, answers garbage or shapes outside the image is named and changes nothing", async () => {
  let mode = "500";
  const backend = await brokenBackend(() => mode);
  const photo = await facePhoto();
  const context = await app.browser.newContext({ viewport: { width: 1280, height: 800 } });
  try {
    const url = `${app.server.url}/?ml=${encodeURIComponent(backend.url)}&ml_timeout=1500`;
    const page = await openApp(context, url);
    await openPhoto(page, photo);
    // Something already drawn, which no failure may touch.
    await page.evaluate(() => window.lasso.setTool("box"));
    const before = await page.evaluate(() => JSON.stringify(window.lasso.annotations()));
    const cases = {
      500: /answered 500 \(the backend failed; its log says why\): Traceback/,
      garbage: /the model backend's answer is wrong at the body: not JSON/,
      hang: /did not answer within 1\.5 s/,
      outside: /nothing of the model's answer was kept: 2 shapes lay outside the image/,
    };
    for (const [which, says] of Object.entries(cases)) {
      mode = which;
      await page.evaluate(() => document.querySelector(".lasso-banner button")?.click());
      await page.locator(".lasso-predict").click();
      await page.waitForFunction((source) => new RegExp(source).test(document.querySelector(".lasso-banner")?.textContent ?? ""), says.source);
      await page.waitForSelector(".lasso-predict:not([disabled])");
      assert.equal(await page.evaluate(() => JSON.stringify(window.lasso.annotations())), before, which);
      const rejected = await page.evaluate(() => window.lasso.predict().then(() => "resolved", (e) => String(e)));
      assert.match(rejected, says, which);
    }
    await page.locator(".lasso-stage").screenshot({ path: artifact("ml-failure.png") });
  } finally {
    await context.close();
    await backend.close();
    await photo.close();
  }
});

/** Every pixel of a column-major RLE mask, as "x,y" strings. */
function maskPixels(m) {
  const set = new Set();
  let at = 0;
  m.counts.forEach((n, i) => {
    if (i % 2 === 1) {
      for (let k = at; k < at + n; k++) set.add(`${Math.floor(k / m.height)},${k % m.height}`);
    }
    at += n;
  });
  return set;
}

const ring = (r) => r.reduce((a, p, i) => {
  const q = r[(i + 1) % r.length];
  return a + (p.x * q.y - q.x * p.y) / 2;
}, 0);

test("two positive clicks and a negative one segment the object, added as a mask and as polygons", async () => {
  const backend = await samBackend();
  const image = await shapesImage();
  const context = await app.browser.newContext({ viewport: { width: 1280, height: 800 } });
  try {
    const page = await openApp(context, `${app.server.url}/?ml=${encodeURIComponent(backend.url)}`);
    await page.evaluate(async (src) => {
      await window.lasso.loadTask({ id: `shapes-${Date.now()}`, image: { src }, labels: { labels: [{ name: "object", color: "#f58231" }] }, annotations: [] });
    }, image.url);
    await page.waitForFunction(() => window.lasso.viewport().imageReady);
    // The expected object: both squares, without the yellow one inside the blue.
    const expected = new Set();
    for (let x = 60; x < 160; x++) for (let y = 60; y < 160; y++) if (!(x >= 90 && x < 120 && y >= 90 && y < 120)) expected.add(`${x},${y}`);
    for (let x = 200; x < 280; x++) for (let y = 80; y < 140; y++) expected.add(`${x},${y}`);

    const segment = async () => {
      await page.locator(".lasso-canvas").click({ position: { x: 5, y: 5 } });
      await page.keyboard.press("s");
      for (const [x, y, negative] of [[70, 70, false], [240, 110, false], [105, 105, true]]) {
        const at = await imageToPage(page, x, y);
        if (negative) await page.keyboard.down("Alt");
        await page.mouse.click(at.x, at.y);
        if (negative) await page.keyboard.up("Alt");
      }
      // Every answer in: the candidate answers the last prompts.
      await page.waitForFunction(() => /^mask by sam-test-1 in [\d,]+ ms$/.test(document.querySelector(".lasso-model-last")?.textContent ?? "")
        && !document.querySelector(".lasso-predict")?.disabled);
    };

    await segment();
    await page.locator(".lasso-stage").screenshot({ path: artifact("ml-segment-candidate.png") });
    await page.keyboard.press("Enter");
    const [asMask] = await page.evaluate(() => window.lasso.annotations());
    assert.equal(asMask.label, "object");
    assert.equal(asMask.shape.type, "mask");
    const got = maskPixels(asMask.shape);
    assert.equal(got.size, expected.size);
    assert.ok([...expected].every((p) => got.has(p)), "the mask is exactly the object");

    // Again, added as polygons: the blue square with its hole, and the green one.
    await page.keyboard.press("Control+z");
    assert.equal((await page.evaluate(() => window.lasso.annotations())).length, 0);
    await page.locator(".lasso-segment-polygons input").check();
    await segment();
    await page.keyboard.press("Enter");
    const [asPolygon] = await page.evaluate(() => window.lasso.annotations());
    assert.equal(asPolygon.shape.type, "polygon");
    const parts = asPolygon.shape.parts;
    assert.equal(parts.length, 2);
    const area = parts.reduce((a, p) => a + Math.abs(ring(p.exterior)) - (p.holes ?? []).reduce((h, r) => h + Math.abs(ring(r)), 0), 0);
    assert.equal(area, expected.size);
    assert.equal(parts.reduce((n, p) => n + (p.holes ?? []).length, 0), 1, "the hole where the negative click was");
    // Esc drops prompts and candidate without adding anything.
    await page.locator(".lasso-canvas").click({ position: { x: 5, y: 5 } });
    await segment();
    await page.keyboard.press("Escape");
    await page.keyboard.press("Enter");
    assert.equal((await page.evaluate(() => window.lasso.annotations())).length, 1);
    assert.deepEqual(page.errors, []);
  } finally {
    await context.close();
    backend.stop();
    await image.close();
  }
});

test("an answer to older prompts that arrives last changes neither the candidate nor the model panel", async () => {
  // The backend holds the answer to a single prompt until it has answered more prompts: the
  // answer to the first click (on white: nothing found) comes back after the answer to both
  // clicks (the green rectangle).
  const backend = await samBackend(20);
  const image = await shapesImage();
  const context = await app.browser.newContext({ viewport: { width: 1280, height: 800 } });
  try {
    const page = await openApp(context, `${app.server.url}/?ml=${encodeURIComponent(backend.url)}`);
    await page.evaluate(async (src) => {
      await window.lasso.loadTask({ id: `late-${Date.now()}`, image: { src }, labels: { labels: [{ name: "object", color: "#f58231" }] }, annotations: [] });
    }, image.url);
    await page.waitForFunction(() => window.lasso.viewport().imageReady);
    await page.locator(".lasso").focus();
    await page.keyboard.press("s");
    for (const [x, y] of [[20, 20], [240, 110]]) {
      const at = await imageToPage(page, x, y);
      await page.mouse.click(at.x, at.y);
    }
    // Both answered (the model is busy from the first click on).
    await page.waitForFunction(() => !document.querySelector(".lasso-predict")?.disabled
      && document.querySelector(".lasso-model-last")?.textContent);
    assert.match(await page.locator(".lasso-model-last").textContent(), /^mask by sam-test-1 in [\d,]+ ms$/);
    await page.keyboard.press("Enter");
    const [added] = await page.evaluate(() => window.lasso.annotations());
    assert.equal(added.shape.type, "mask");
    assert.equal(maskPixels(added.shape).size, 80 * 60, "the green rectangle, from the answer to both clicks");
    assert.deepEqual(page.errors, []);
  } finally {
    await context.close();
    backend.stop();
    await image.close();
  }
});

test("a host's own predict(task, context) answers instead of a backend", async () => {
  const context = await app.browser.newContext({ viewport: { width: 1280, height: 800 } });
  try {
    const page = await openApp(context, app.server.url);
    const result = await page.evaluate(async () => {
      const element = document.createElement("div");
      element.style.cssText = "width: 600px; height: 400px";
      document.body.append(element);
      const seen = [];
      const editor = await window.wasmBindings.mount(element, {
        storage: `host-predict-${Date.now()}`,
        labels: [{ name: "cat", color: "#e6194b" }],
        ml: { classes: { kitty: "cat" }, url: "" },
        predict: async (task, ctx) => {
          seen.push([task.id, task.image.width, ctx]);
          return { model_version: "host-model", result: [{ type: "rectanglelabels", score: 0.7,
            value: { x: 10, y: 10, width: 20, height: 30, rectanglelabels: ["kitty"] } }] };
        },
        task: { id: "host-1", image: { src: "samples/chelsea.png" }, annotations: [] },
      });
      await new Promise((resolve) => {
        const wait = () => (editor.viewport().imageReady ? resolve() : setTimeout(wait, 20));
        wait();
      });
      const added = await editor.predict();
      return { added, seen, annotations: editor.annotations() };
    });
    assert.equal(result.added, 1);
    assert.equal(result.seen.length, 1);
    assert.equal(result.seen[0][0], "host-1");
    assert.ok(result.seen[0][1] > 0, "the task comes with its image size");
    assert.equal(result.seen[0][2], undefined, "no prompts: no context");
    const [a] = result.annotations;
    assert.equal(a.label, "cat");
    assert.deepEqual(a.origin, { kind: "prediction", score: 0.7, model: "host-model" });
  } finally {
    await context.close();
  }
});

test("a team project's backend, set in the project editor, pre-labels each task as it opens through the server, least sure first", async () => {
  const backend = await referenceBackend();
  const photo = await facePhoto();
  // Three tasks of the same photo; the model's ranking will put the last first.
  for (const name of ["face-b.jpg", "face-c.jpg"]) fs.copyFileSync(path.join(photo.seed, "face.jpg"), path.join(photo.seed, name));
  const users = [
    { user: "lead", token: "lead-token-0001", roles: ["manager"] },
    { user: "ann", token: "ann-token-0002", roles: ["annotator"] },
  ];
  const server = await startServer({ dataDir: tempDataDir(), seed: photo.seed, users, project: "faces", overlap: 2 });
  const contexts = [];
  const open = async (user) => {
    const c = await app.browser.newContext({ viewport: { width: 1280, height: 800 } });
    contexts.push(c);
    return openProject(c, app.server.url, server, user, "faces");
  };
  try {
    const lead = await open("lead");
    await lead.locator(".lasso-team-project-button").click();
    const field = async (selector, value) => {
      await lead.locator(selector).fill(value);
      await lead.locator(selector).dispatchEvent("change");
    };
    await field(".lasso-ml-url", backend.url);
    await field(".lasso-ml-classes", "face");
    assert.match(await lead.locator(".lasso-ml-error").textContent(), /"face" is not MODEL_CLASS=PROJECT_CLASS/);
    await field(".lasso-ml-classes", "face=person");
    await field(".lasso-ml-token", "model-secret");
    await lead.locator(".lasso-ml-on-open").check();
    await lead.locator(".lasso-ml-order").selectOption("least_confident");
    await lead.locator(".lasso-project-save").click();
    await lead.waitForSelector(".lasso-project-editor", { state: "detached" });
    const saved = JSON.parse(s3Get(server, "faces/project.json", { withBody: true }).body.toString());
    assert.deepEqual(saved.ml, {
      url: backend.url, token: "model-secret", classes: { face: "person" }, on_open: true, order: "least_confident",
    });
    // How unsure the model was, as `lasso predict` leaves it: face-c least sure, then face-b.
    s3PutJson(server, "faces/state/ml/uncertainty.json", {
      model: "opencv-haar-faces-1",
      tasks: { face: { least_confident: 0.1, entropy: 0 }, "face-b": { least_confident: 0.4, entropy: 0 }, "face-c": { least_confident: 0.8, entropy: 0 } },
    });

    // ann's task opens and the model's boxes arrive by themselves, through the server.
    const calls = [];
    const annContext = await app.browser.newContext({ viewport: { width: 1280, height: 800 } });
    contexts.push(annContext);
    annContext.on("request", (r) => calls.push(r.url()));
    const ann = await openProject(annContext, app.server.url, server, "ann", "faces");
    assert.equal(await ann.locator(".lasso-team-status").getAttribute("data-task"), "face-c", "the least sure task first");
    await ann.waitForSelector(".lasso-prediction-count", { timeout: 40000 });
    assert.match(await ann.textContent(".lasso-prediction-count"), /^1 to review/);
    const [face] = await ann.evaluate(() => window.lasso.annotations());
    assert.equal(face.label, "person");
    const box = [face.shape.x0, face.shape.y0, face.shape.x1, face.shape.y1];
    assert.ok(iou(box, photo.face) >= 0.5, JSON.stringify({ box, face: photo.face }));
    assert.ok(calls.some((u) => u.includes("/projects/faces/ml/predict")), "asked through the server");
    assert.ok(!calls.some((u) => u.startsWith(backend.url)), "never the backend itself");
    const project = await ann.evaluate(() => window.lasso.project().project);
    assert.equal(project.ml.token, undefined, "the token stays on the server");
    await ann.locator(".lasso-stage").screenshot({ path: artifact("ml-team-on-open.png") });
    // Accepted and submitted: the result in the bucket holds the person's box.
    await ann.locator(".lasso-accept-above").click();
    await ann.locator(".lasso-team-submit").click();
    await ann.waitForSelector('.lasso-team-status[data-status="submitted"]', { timeout: 40000 });
    const task = await ann.locator(".lasso-team-status").getAttribute("data-task");
    await eventually("the result reaches the bucket", () => {
      let anns;
      try {
        anns = JSON.parse(s3Get(server, `faces/target/${task}/ann.json`, { withBody: true }).body.toString()).annotations;
      } catch {
        return false; // not there yet
      }
      return anns.length === 1 && anns[0].label === "person" && (anns[0].origin?.kind ?? "human") === "human";
    });
  } finally {
    for (const c of contexts) await c.close();
    await server.stop();
    backend.stop();
    await photo.close();
  }
});
