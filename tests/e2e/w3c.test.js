// W3C Web Annotations both ways with Annotorious itself (npm @annotorious/annotorious, its W3C
// adapter running in the page): what Lasso exports as "w3c" Annotorious parses into the same
// shapes, and what Annotorious serializes Lasso loads (as predictions to review) into the same
// shapes — so hosts coming from Annotorious can move their data.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { appSuite, openApp, scratchDir, serveStatic, ROOT } from "./support.js";

const app = appSuite();
let annotorious;

before(async () => {
  const dir = scratchDir("lasso-annotorious-");
  fs.writeFileSync(path.join(dir, "index.html"), "<!doctype html>");
  fs.copyFileSync(path.join(ROOT, "node_modules", "@annotorious", "annotorious", "dist", "annotorious.es.js"), path.join(dir, "annotorious.es.js"));
  annotorious = await serveStatic(dir, { cors: true });
});

after(async () => {
  await annotorious?.close();
});

const SOURCE = "samples/chelsea.png";
const pts = (xy) => xy.map(([x, y]) => ({ x, y }));
const TASK = {
  id: `w3c-${Date.now()}`,
  image: { src: SOURCE, name: "chelsea.png" },
  labels: [{ name: "cat", color: "#e6194b" }, { name: "dog", color: "#3cb44b" }],
  annotations: [
    { id: "box", label: "cat", shape: { type: "box", x0: 10.5, y0: 20, x1: 110, y1: 90.25 } },
    { id: "turned", label: "dog", shape: { type: "rotated_box", cx: 200, cy: 120, w: 60, h: 30, angle: 30 } },
    { id: "poly", label: "cat", shape: { type: "polygon", parts: [{ exterior: pts([[300, 20], [400, 30], [350, 110]]) }] } },
    {
      id: "islands", label: "dog", shape: {
        type: "polygon", parts: [
          { exterior: pts([[20, 150], [120, 150], [120, 250], [20, 250]]), holes: [pts([[50, 180], [90, 180], [90, 220], [50, 220]])] },
          { exterior: pts([[150, 200], [190, 200], [170, 260]]) },
        ],
      },
    },
    { id: "wire", label: "cat", shape: { type: "polyline", points: pts([[250, 200], [300, 240], [420, 210]]) } },
  ],
};

test("what Lasso exports as w3c, Annotorious parses into the same shapes", async () => {
  const context = await app.browser.newContext();
  try {
    const page = await openApp(context, app.server.url);
    await page.evaluate((task) => window.lasso.loadTask(task), TASK);
    const parsed = await page.evaluate(async (url) => {
      const { W3CImageFormat } = await import(url);
      const adapter = W3CImageFormat("samples/chelsea.png");
      return JSON.parse(window.lasso.exportAs("w3c")).map((a) => {
        const { parsed, error } = adapter.parse(a);
        if (error) return { error: String(error) };
        return { id: parsed.id, tags: parsed.bodies.map((b) => b.value), selector: parsed.target.selector };
      });
    }, `${annotorious.url}/annotorious.es.js`);
    assert.ok(parsed.every((p) => !p.error), JSON.stringify(parsed));
    const byId = Object.fromEntries(parsed.map((p) => [p.id.replace(/^#/, ""), p]));
    const box = byId.box.selector;
    assert.deepEqual([byId.box.tags, box.type, box.geometry.x, box.geometry.y, box.geometry.w, box.geometry.h], [["cat"], "RECTANGLE", 10.5, 20, 99.5, 70.25]);
    const turned = byId.turned.selector.geometry;
    assert.equal(byId.turned.selector.type, "RECTANGLE");
    assert.deepEqual([turned.x, turned.y, turned.w, turned.h], [170, 105, 60, 30]);
    assert.ok(Math.abs(turned.rot - Math.PI / 6) < 1e-12, `rot ${turned.rot}`);
    assert.deepEqual(byId.poly.selector, { type: "POLYGON", geometry: { points: [[300, 20], [400, 30], [350, 110]], bounds: { minX: 300, minY: 20, maxX: 400, maxY: 110 } } });
    const islands = byId.islands.selector;
    assert.equal(islands.type, "MULTIPOLYGON");
    assert.deepEqual(islands.geometry.polygons.map((p) => p.rings.map((r) => r.points)), [
      [[[20, 150], [120, 150], [120, 250], [20, 250]], [[50, 180], [90, 180], [90, 220], [50, 220]]],
      [[[150, 200], [190, 200], [170, 260]]],
    ]);
    const wire = byId.wire.selector;
    assert.equal(wire.type, "POLYLINE");
    assert.deepEqual(wire.geometry.points.map((p) => p.point), [[250, 200], [300, 240], [420, 210]]);
    assert.deepEqual(page.errors, []);
  } finally {
    await context.close();
  }
});

test("what Annotorious serializes, Lasso loads into the same shapes", async () => {
  const context = await app.browser.newContext();
  try {
    const page = await openApp(context, app.server.url);
    await page.evaluate((task) => window.lasso.loadTask({ ...task, id: `${task.id}-in`, annotations: [] }), TASK);
    const loaded = await page.evaluate(async (url) => {
      const { W3CImageFormat } = await import(url);
      const adapter = W3CImageFormat("samples/chelsea.png");
      const bounds = (xy) => ({ minX: Math.min(...xy.map((p) => p[0])), minY: Math.min(...xy.map((p) => p[1])), maxX: Math.max(...xy.map((p) => p[0])), maxY: Math.max(...xy.map((p) => p[1])) });
      const made = (id, label, selector) => ({ id, bodies: [{ id: `${id}-b`, annotation: id, purpose: "tagging", value: label }], target: { annotation: id, selector } });
      const rect = { x: 5, y: 6, w: 50, h: 40, rot: 0 };
      const turned = { x: 100, y: 50, w: 60, h: 20, rot: Math.PI / 4 };
      const triangle = [[200, 10], [260, 20], [230, 80]];
      const annotations = [
        made("r", "cat", { type: "RECTANGLE", geometry: { ...rect, bounds: bounds([[5, 6], [55, 46]]) } }),
        made("t", "dog", { type: "RECTANGLE", geometry: { ...turned, bounds: bounds([[100, 50], [160, 70]]) } }),
        made("p", "cat", { type: "POLYGON", geometry: { points: triangle, bounds: bounds(triangle) } }),
        made("m", "dog", { type: "MULTIPOLYGON", geometry: { bounds: bounds([[0, 100], [80, 180]]), polygons: [
          { rings: [{ points: [[0, 100], [80, 100], [80, 180], [0, 180]] }, { points: [[20, 120], [40, 120], [40, 140]] }], bounds: bounds([[0, 100], [80, 180]]) },
        ] } }),
        made("l", "cat", { type: "POLYLINE", geometry: { closed: false, bounds: bounds([[300, 10], [340, 60]]), points: [{ type: "CORNER", point: [300, 10] }, { type: "CORNER", point: [340, 60] }] } }),
      ];
      const w3c = annotations.map((a) => adapter.serialize(a));
      const count = window.lasso.loadPredictions(JSON.stringify(w3c), "w3c");
      return { count, annotations: window.lasso.annotations(), w3c };
    }, `${annotorious.url}/annotorious.es.js`);
    assert.equal(loaded.count, 5, JSON.stringify(loaded.w3c));
    const shapes = Object.fromEntries(loaded.annotations.map((a) => [a.label + ":" + a.shape.type, a.shape]));
    assert.deepEqual(shapes["cat:box"], { type: "box", x0: 5, y0: 6, x1: 55, y1: 46 });
    const turned = shapes["dog:rotated_box"];
    for (const [got, want] of [[turned.cx, 130], [turned.cy, 60], [turned.w, 60], [turned.h, 20], [turned.angle, 45]]) {
      assert.ok(Math.abs(got - want) < 1e-9, JSON.stringify(turned));
    }
    assert.deepEqual(shapes["cat:polygon"].parts, [{ exterior: pts([[200, 10], [260, 20], [230, 80]]) }]);
    assert.deepEqual(shapes["dog:polygon"].parts, [{ exterior: pts([[0, 100], [80, 100], [80, 180], [0, 180]]), holes: [pts([[20, 120], [40, 120], [40, 140]])] }]);
    assert.deepEqual(shapes["cat:polyline"].points, pts([[300, 10], [340, 60]]));
    assert.ok(loaded.annotations.every((a) => a.origin.kind === "prediction"), "loaded for review");
    assert.deepEqual(page.errors, []);
  } finally {
    await context.close();
  }
});
