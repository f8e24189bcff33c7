// The renderer benchmark (`index.html?bench`): one scene of boxes and 50-vertex polygons drawn
// by Lasso's renderer and by Konva (one Layer of Rect/Line shapes, listening: false) in the same
// run, with the same pan and zoom steps. A frame is timed from setting the view to the pixels
// being on the canvas (a one-pixel getImageData forces the canvas to finish drawing).
//
// Query parameters: boxes (100000), polygons (10000), vertices (50), steps (60), konva (1 to
// run Konva too, 0 to skip; needs konva.min.js beside the page). The result is left in
// `window.benchResult` and shown as a table.

const LABELS = [
  { name: "car", color: "#e6194b" },
  { name: "person", color: "#3cb44b" },
  { name: "sign", color: "#4363d8" },
  { name: "tree", color: "#f58231" },
];
const IMAGE = 4096;
/** The stage's pause before a stretched layer is redrawn sharp (`SETTLE_MS` in the renderer). */
const SETTLE_MS = 150;
const VIEW_W = 1280;
const VIEW_H = 800;

/** A small deterministic PRNG (mulberry32). */
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

/** The scene: boxes of 6–40 px and star-like polygons of radius 8–40 px, anywhere. */
export function scene(boxes, polygons, vertices) {
  const r = rng(42);
  const annotations = [];
  for (let i = 0; i < boxes; i++) {
    const w = 6 + r() * 34;
    const h = 6 + r() * 34;
    const x0 = r() * (IMAGE - w);
    const y0 = r() * (IMAGE - h);
    annotations.push({
      id: `b${i}`,
      label: LABELS[i % LABELS.length].name,
      shape: { type: "box", x0, y0, x1: x0 + w, y1: y0 + h },
    });
  }
  for (let i = 0; i < polygons; i++) {
    const rad = 8 + r() * 32;
    const cx = rad + r() * (IMAGE - 2 * rad);
    const cy = rad + r() * (IMAGE - 2 * rad);
    const exterior = [];
    for (let k = 0; k < vertices; k++) {
      const a = (2 * Math.PI * k) / vertices;
      const rr = rad * (0.7 + 0.3 * r());
      exterior.push({ x: cx + rr * Math.cos(a), y: cy + rr * Math.sin(a) });
    }
    annotations.push({
      id: `p${i}`,
      label: LABELS[(i + 1) % LABELS.length].name,
      shape: { type: "polygon", parts: [{ exterior }] },
    });
  }
  return annotations;
}

/** A cheap image to draw under the shapes: a gradient with a grid, as a blob URL. */
async function imageUrl() {
  const c = document.createElement("canvas");
  c.width = IMAGE;
  c.height = IMAGE;
  const ctx = c.getContext("2d");
  const g = ctx.createLinearGradient(0, 0, IMAGE, IMAGE);
  g.addColorStop(0, "#2b3a4a");
  g.addColorStop(1, "#6a7b5a");
  ctx.fillStyle = g;
  ctx.fillRect(0, 0, IMAGE, IMAGE);
  ctx.strokeStyle = "rgba(255,255,255,0.15)";
  for (let x = 0; x < IMAGE; x += 256) {
    ctx.beginPath();
    ctx.moveTo(x, 0);
    ctx.lineTo(x, IMAGE);
    ctx.moveTo(0, x);
    ctx.lineTo(IMAGE, x);
    ctx.stroke();
  }
  const blob = await new Promise((r) => c.toBlob(r, "image/png"));
  return { url: URL.createObjectURL(blob), canvas: c };
}

/** The views of each scenario, as {scale, offsetX, offsetY} (screen = offset + image × scale). */
export function scenarios(w, h, steps) {
  const fit = Math.min(w / IMAGE, h / IMAGE);
  const centred = (scale, cx, cy) => ({ scale, offsetX: w / 2 - cx * scale, offsetY: h / 2 - cy * scale });
  const list = (f) => Array.from({ length: steps }, (_, i) => f(i));
  return {
    "pan, whole image": list((i) => {
      const v = centred(fit, IMAGE / 2, IMAGE / 2);
      return { ...v, offsetX: v.offsetX + 4 * i, offsetY: v.offsetY + 2 * i };
    }),
    "pan at 100 %": list((i) => centred(1, IMAGE / 2 + 12 * i, IMAGE / 2 + 6 * i)),
    "zoom, whole image to 8x": list((i) => centred(fit * Math.pow(8, i / (steps - 1)), IMAGE / 2, IMAGE / 2)),
  };
}

function summary(times) {
  const s = [...times].sort((a, b) => a - b);
  const at = (q) => s[Math.min(s.length - 1, Math.floor(q * s.length))];
  return { median: at(0.5), p95: at(0.95), max: s[s.length - 1], n: s.length };
}

const frame = () => new Promise((r) => requestAnimationFrame(() => r()));

function flush(canvas) {
  canvas.getContext("2d").getImageData(0, 0, 1, 1);
}

async function timeLasso(editor, canvas, views) {
  const times = [];
  const stats = [];
  for (const v of views) {
    const t0 = performance.now();
    editor.setViewport(v);
    const st = editor.drawNow();
    flush(canvas);
    times.push(performance.now() - t0);
    stats.push(st);
    await frame();
  }
  return lassoFigures(times, stats);
}

/** The figures of a run of frames (see `timeLasso`). */
function lassoFigures(times, stats) {
  const raster = stats.map((s, i) => ({ s, t: times[i] })).filter((x) => x.s.rastered);
  const first = stats[0];
  return {
    ...summary(times),
    replans: stats.filter((s) => s.replanned).length,
    shapes: first.shapes,
    dots: first.dots,
    // The first frame of the view plans and rasterises the layer: where its time went.
    firstMs: times[0],
    planMs: first.planMs,
    pathMs: first.pathMs,
    drawMs: first.drawMs,
    rasterMedian: raster.length ? summary(raster.map((x) => x.t)).median : 0,
    rasters: raster.length,
  };
}

/** Mouse-wheel zoom about the canvas centre from `view` to 8× it in `steps` wheel events, as a
 * person zooms; each step is timed with its frame, then the sharp frame that follows once the
 * wheel pauses. Returns the figures and the views the wheel produced (for Konva). */
async function timeWheel(editor, canvas, view, steps) {
  editor.setViewport(view);
  editor.drawNow();
  flush(canvas);
  await new Promise((r) => setTimeout(r, 300));
  const r = canvas.getBoundingClientRect();
  // The stage zooms by 1.25 per 100 px of wheel delta.
  const deltaY = (-100 * Math.log(8)) / (steps - 1) / Math.log(1.25);
  const times = [];
  const stats = [];
  const views = [];
  for (let i = 0; i < steps; i++) {
    const t0 = performance.now();
    if (i > 0) {
      canvas.dispatchEvent(new WheelEvent("wheel", {
        clientX: r.left + r.width / 2,
        clientY: r.top + r.height / 2,
        deltaY,
        deltaMode: 0,
        bubbles: true,
        cancelable: true,
      }));
    }
    const st = editor.drawNow();
    flush(canvas);
    times.push(performance.now() - t0);
    stats.push(st);
    const vp = editor.viewport();
    views.push({ scale: vp.scale, offsetX: vp.offsetX, offsetY: vp.offsetY });
    await frame();
  }
  const last = editor.renderStats().frames;
  const t1 = performance.now();
  const sharp = () => {
    const st = editor.renderStats();
    return st.frames > last && st.rastered;
  };
  while (!sharp() && performance.now() - t1 < 10000) {
    await new Promise((res) => setTimeout(res, 5));
  }
  flush(canvas);
  const settle = editor.renderStats();
  return {
    figures: {
      ...lassoFigures(times, stats),
      zoomed: views[views.length - 1].scale / views[0].scale,
      settleMs: performance.now() - t1,
      settleRastered: settle.rastered,
      settleShapes: settle.shapes,
    },
    views,
  };
}

/** Pointer events on the canvas at CSS pixel `(x, y)` of it. */
function pointer(canvas, type, x, y, buttons) {
  const r = canvas.getBoundingClientRect();
  canvas.dispatchEvent(
    new PointerEvent(type, {
      clientX: r.left + x,
      clientY: r.top + y,
      pointerId: 1,
      pointerType: "mouse",
      isPrimary: true,
      button: type === "pointermove" ? -1 : 0,
      buttons,
      bubbles: true,
    }),
  );
}

/** Draws a box with the box tool, then times undo/redo of it, each with its frame. */
async function timeEdits(editor, canvas, view, steps) {
  editor.setViewport(view);
  editor.drawNow();
  flush(canvas);
  editor.setTool("box");
  pointer(canvas, "pointerdown", 300, 300, 1);
  for (let k = 1; k <= 5; k++) pointer(canvas, "pointermove", 300 + 10 * k, 300 + 8 * k, 1);
  pointer(canvas, "pointerup", 350, 340, 0);
  editor.drawNow();
  flush(canvas);
  const times = [];
  const stats = [];
  for (let i = 0; i < steps; i++) {
    const t0 = performance.now();
    if (i % 2 === 0) editor.undo();
    else editor.redo();
    const st = editor.drawNow();
    flush(canvas);
    times.push(performance.now() - t0);
    stats.push(st);
    await frame();
  }
  const partial = stats.filter((s) => s.partial);
  const median = (key) => summary(stats.map((s) => s[key])).median;
  return {
    ...summary(times),
    // Where an edit's time goes: the frame itself (issue, plan, paths, draw calls) vs the rest
    // (the edit, the journal hand-off, the panels).
    frameMs: median("ms"),
    planMs: median("planMs"),
    pathMs: median("pathMs"),
    drawMs: median("drawMs"),
    partial: partial.length,
    redrawn: partial.length ? Math.max(...partial.map((s) => s.redrawn)) : 0,
    rastered: stats.filter((s) => s.rastered).length,
  };
}

/** Every microtask queued so far (Leptos runs its effects in microtasks) has run. */
async function microtasksDone() {
  for (let i = 0; i < 8; i++) await null;
}

/** Moves the pointer across the whole image with tool `tool` (no button held), as a person
 * hovers. Each move is charged the main-thread time it causes: the event handler and the
 * reactive updates it triggers, plus the frame's own work when it asked for a frame (the wait
 * for vsync is not counted). */
async function timeHover(editor, canvas, view, steps, tool) {
  editor.setViewport(view);
  editor.drawNow();
  flush(canvas);
  editor.setTool(tool);
  await frame();
  await frame();
  const r = canvas.getBoundingClientRect();
  const times = [];
  const handlers = [];
  let frames = 0;
  for (let i = 0; i < steps; i++) {
    const before = editor.renderStats().frames;
    const t0 = performance.now();
    pointer(canvas, "pointermove", 40 + ((r.width - 80) * i) / steps, 40 + ((r.height - 80) * i) / steps, 0);
    await microtasksDone();
    const handler = performance.now() - t0;
    await frame();
    const st = editor.renderStats();
    const drew = st.frames > before;
    frames += drew ? 1 : 0;
    handlers.push(handler);
    times.push(handler + (drew ? st.ms : 0));
  }
  return { ...summary(times), handlerMedian: summary(handlers).median, frames, tool };
}

function konvaScene(container, w, h, annotations, imageCanvas) {
  const Konva = window.Konva;
  const stage = new Konva.Stage({ container, width: w, height: h, listening: false });
  const layer = new Konva.Layer({ listening: false });
  stage.add(layer);
  layer.add(new Konva.Image({ image: imageCanvas, x: 0, y: 0, listening: false }));
  const color = Object.fromEntries(LABELS.map((l) => [l.name, l.color]));
  for (const a of annotations) {
    const c = color[a.label];
    const common = {
      stroke: c,
      fill: c + "33",
      strokeWidth: 2,
      strokeScaleEnabled: false,
      listening: false,
      perfectDrawEnabled: false,
      shadowForStrokeEnabled: false,
    };
    if (a.shape.type === "box") {
      const s = a.shape;
      layer.add(new Konva.Rect({ x: s.x0, y: s.y0, width: s.x1 - s.x0, height: s.y1 - s.y0, ...common }));
    } else {
      const points = a.shape.parts[0].exterior.flatMap((p) => [p.x, p.y]);
      layer.add(new Konva.Line({ points, closed: true, ...common }));
    }
  }
  return { stage, layer };
}

async function timeKonva(k, views) {
  const canvas = k.layer.getCanvas()._canvas;
  const times = [];
  for (const v of views) {
    const t0 = performance.now();
    k.layer.scale({ x: v.scale, y: v.scale });
    k.layer.position({ x: v.offsetX, y: v.offsetY });
    k.layer.draw();
    flush(canvas);
    times.push(performance.now() - t0);
    await frame();
  }
  return summary(times);
}

function table(result) {
  const rows = [["scenario", "renderer", "median ms", "p95 ms", "max ms", "notes"]];
  for (const [name, r] of Object.entries(result.scenarios)) {
    const l = r.lasso;
    rows.push([name, "lasso", l.median.toFixed(1), l.p95.toFixed(1), l.max.toFixed(1),
      `${l.shapes} shapes planned, ${l.dots} as dots, ${l.replans} replans, ${l.rasters} rasters ` +
      `(median ${l.rasterMedian.toFixed(0)} ms); first frame ${l.firstMs.toFixed(0)} ms = plan ` +
      `${l.planMs.toFixed(0)} + paths ${l.pathMs.toFixed(0)} + draw calls ${l.drawMs.toFixed(0)} + raster` +
      (l.settleMs === undefined ? "" : `; sharp frame ${l.settleMs.toFixed(0)} ms after the last step ` +
        `(a ${SETTLE_MS} ms pause included, ${l.settleShapes} shapes, rastered: ${l.settleRastered})`)]);
    if (r.konva) {
      rows.push([name, "konva", r.konva.median.toFixed(1), r.konva.p95.toFixed(1), r.konva.max.toFixed(1),
        `lasso ${(r.konva.median / Math.max(r.lasso.median, 0.01)).toFixed(1)}x faster (median)`]);
    }
  }
  if (result.edits) {
    const e = result.edits;
    rows.push(["edit (undo/redo) + frame, whole image", "lasso", e.median.toFixed(1), e.p95.toFixed(1), e.max.toFixed(1),
      `${e.partial} of ${e.n} partial redraws (at most ${e.redrawn} shapes redrawn), ${e.rastered} full; ` +
      `frame ${e.frameMs.toFixed(1)} ms median (plan ${e.planMs.toFixed(1)}, paths ${e.pathMs.toFixed(1)}, ` +
      `draw calls ${e.drawMs.toFixed(1)})`]);
  }
  for (const h of result.hovers || []) {
    rows.push([`hover (${h.tool} tool), whole image`, "lasso", h.median.toFixed(2), h.p95.toFixed(2), h.max.toFixed(2),
      `per pointer move: handler + reactive updates ${h.handlerMedian.toFixed(2)} ms median, ` +
      `${h.frames} of ${h.n} moves drew a frame`]);
  }
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => r[i].length)));
  return rows.map((r) => r.map((c, i) => c.padEnd(widths[i])).join("  ")).join("\n");
}

/** Runs the benchmark in the page; `bindings` is the wasm module's exports. */
export async function runBench(bindings, params) {
  const num = (k, d) => (params.has(k) ? Number(params.get(k)) : d);
  const boxes = num("boxes", 100000);
  const polygons = num("polygons", 10000);
  const vertices = num("vertices", 50);
  const steps = num("steps", 60);
  const withKonva = num("konva", 1) === 1 && !!window.Konva;
  document.body.innerHTML = `
    <div id="lasso-bench" style="width:${VIEW_W + 120}px;height:${VIEW_H + 60}px"></div>
    <div id="konva-bench" style="width:${VIEW_W}px;height:${VIEW_H}px"></div>
    <pre id="bench-out" style="color:#ddd"></pre>`;
  const out = document.getElementById("bench-out");
  const log = (t) => {
    out.textContent += t + "\n";
    console.log(t);
  };
  log(`scene: ${boxes} boxes, ${polygons} polygons of ${vertices} vertices on a ${IMAGE}x${IMAGE} image`);
  const annotations = scene(boxes, polygons, vertices);
  const image = await imageUrl();
  const t0 = performance.now();
  const editor = await bindings.mount(document.getElementById("lasso-bench"), {
    labels: LABELS,
    storage: `lasso-bench-${Date.now()}`,
    task: {
      id: `bench-${Date.now()}`,
      image: { src: image.url, name: "bench.png", width: IMAGE, height: IMAGE },
      annotations,
    },
  });
  window.lasso = editor;
  while (!editor.viewport().imageReady) await frame();
  const loadMs = performance.now() - t0;
  log(`lasso: loaded in ${loadMs.toFixed(0)} ms`);
  const canvas = document.querySelector("#lasso-bench .lasso-canvas");
  const vp = editor.viewport();
  const views = scenarios(vp.width, vp.height, steps);
  const result = { boxes, polygons, vertices, steps, loadMs, view: [vp.width, vp.height], scenarios: {} };
  for (const [name, list] of Object.entries(views)) {
    result.scenarios[name] = { lasso: await timeLasso(editor, canvas, list) };
  }
  const wheelName = "zoom by mouse wheel, whole image to 8x";
  const wheel = await timeWheel(editor, canvas, views["pan, whole image"][0], steps);
  result.scenarios[wheelName] = { lasso: wheel.figures };
  views[wheelName] = wheel.views;
  result.edits = await timeEdits(editor, canvas, views["pan, whole image"][0], Math.min(steps, 20));
  result.hovers = [];
  for (const tool of ["select", "box"]) {
    result.hovers.push(await timeHover(editor, canvas, views["pan, whole image"][0], steps, tool));
  }
  if (withKonva) {
    const k0 = performance.now();
    const k = konvaScene(document.getElementById("konva-bench"), vp.width, vp.height, annotations, image.canvas);
    result.konvaLoadMs = performance.now() - k0;
    log(`konva: built in ${result.konvaLoadMs.toFixed(0)} ms`);
    for (const [name, list] of Object.entries(views)) {
      result.scenarios[name].konva = await timeKonva(k, list);
    }
    k.stage.destroy();
  }
  result.table = table(result);
  log(result.table);
  window.benchResult = result;
  return result;
}
