// A model in the loop, through the UI: with the reference backend (Label Studio's ML backend
// SDK around OpenCV's face cascade), "Predict" on a photo gives a box on the face, shown as a
// prediction under review with the round trip, accepted into the task; `predict()` resolves to
// the number added. A backend that hangs, fails, answers garbage or only shapes outside the
// image is named in the banner and leaves the task as it was.
import { test } from "node:test";
import assert from "node:assert/strict";
import { appSuite, openApp, artifact } from "./support.js";
import { referenceBackend, facePhoto, brokenBackend } from "./ml.js";

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
    assert.match(await page.textContent(".lasso-model-last"), /^1 predictions by opencv-haar-faces-1 in \d+ ms$/);
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
