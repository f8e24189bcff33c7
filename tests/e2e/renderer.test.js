// The renderer and navigation: culled, batched drawing of many shapes (checked in pixels and in
// the renderer's figures), shapes too small to see shown by class whatever their stacking, the benchmark page with a small scene, zoom to 100 % and to the
// selection, the minimap, and hotkeys that act only in the editor and can be remapped.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { PNG } from "./png.js";
import { serveStatic, launch, openApp, dragImage, imageToPage, artifact, DIST, ROOT } from "./support.js";

let server, browser;
before(async () => {
  // The benchmark page loads Konva from beside it, as `cargo xtask bench` serves it.
  fs.copyFileSync(path.join(ROOT, "node_modules/konva/konva.min.js"), path.join(DIST, "konva.min.js"));
  server = await serveStatic();
  browser = await launch();
});
after(async () => {
  await browser?.close();
  await server?.close();
});

const annotations = (page) => page.evaluate(() => window.lasso.annotations());
const isCatRed = (r, g, b) => r > 170 && g < 90 && b < 120;
const isDogGreen = (r, g, b) => g > 140 && r < 120 && b < 120;

test("many boxes: only what is in view is planned, colours batched, tiny ones as dots", async () => {
  const context = await browser.newContext({ viewport: { width: 1100, height: 700 } });
  const page = await openApp(context, server.url);
  // 40 × 25 grid of 8 px boxes over the 451 × 300 image, alternating cat and dog.
  await page.evaluate(async () => {
    const annotations = [];
    for (let i = 0; i < 40; i++) {
      for (let j = 0; j < 25; j++) {
        const x0 = 2 + i * 11;
        const y0 = 2 + j * 11.5;
        annotations.push({
          id: `g${i}-${j}`,
          label: (i + j) % 2 ? "dog" : "cat",
          shape: { type: "box", x0, y0, x1: x0 + 8, y1: y0 + 8 },
        });
      }
    }
    await window.lasso.loadTask({ id: `grid-${Date.now()}`, image: { src: "samples/chelsea.png" }, annotations });
  });
  await page.waitForFunction(() => window.lasso.viewport().imageReady);
  let stats = await page.evaluate(() => window.lasso.drawNow());
  assert.equal(stats.shapes, 1000, JSON.stringify(stats));
  assert.equal(stats.batches, 2, "one batch per label colour");
  assert.equal(stats.dots, 0);
  const shot = PNG.decode(await page.locator(".lasso-canvas").screenshot({ path: artifact("renderer-grid.png") }));
  const vp = await page.evaluate(() => window.lasso.viewport());
  const at = (x, y) => [vp.offsetX + x * vp.scale, vp.offsetY + y * vp.scale];
  // Box g0-0 (cat) has its outline at x = 2; g1-0 (dog) at x = 13.
  assert.ok(shot.pixelNear(...at(2, 6), 2, isCatRed), "cat outline drawn");
  assert.ok(shot.pixelNear(...at(13, 6), 2, isDogGreen), "dog outline drawn");

  // Zoomed in on the top-left corner: far fewer shapes are planned (culling by the index).
  await page.evaluate(() => window.lasso.setViewport({ scale: 8, offsetX: 0, offsetY: 0 }));
  stats = await page.evaluate(() => window.lasso.drawNow());
  assert.ok(stats.shapes > 0 && stats.shapes < 200, `zoomed in: ${JSON.stringify(stats)}`);
  // A small pan reuses the plan; a far one makes a new plan.
  stats = await page.evaluate(() => {
    window.lasso.setViewport({ scale: 8, offsetX: -10, offsetY: -5 });
    return window.lasso.drawNow();
  });
  assert.equal(stats.replanned, false);
  assert.equal(stats.rastered, false, "a pan redraws the layer bitmap, not the shapes");
  // A small zoom stretches the layer, and a sharp frame follows once zooming pauses.
  stats = await page.evaluate(() => {
    window.lasso.setViewport({ scale: 8.5, offsetX: -10, offsetY: -5 });
    return window.lasso.drawNow();
  });
  assert.equal(stats.rastered, false);
  const frames = stats.frames;
  await page.waitForFunction((n) => {
    const st = window.lasso.renderStats();
    return st.frames > n && st.rastered;
  }, frames);
  stats = await page.evaluate(() => {
    window.lasso.setViewport({ scale: 8, offsetX: -2400, offsetY: -1500 });
    return window.lasso.drawNow();
  });
  assert.equal(stats.replanned, true);
  // Zoomed far out, the 8 px boxes are smaller than two screen pixels: dots.
  stats = await page.evaluate(() => {
    window.lasso.setViewport({ scale: 0.15, offsetX: 10, offsetY: 10 });
    return window.lasso.drawNow();
  });
  assert.equal(stats.dots, 1000, JSON.stringify(stats));
  await page.waitForTimeout(400);

  // Turning the mouse wheel stretches the layer, even across zoom buckets (no new plan mid
  // gesture); once the wheel pauses, the view is planned and drawn sharp.
  const wheel = await page.evaluate(() => {
    const canvas = document.querySelector(".lasso-canvas");
    const r = canvas.getBoundingClientRect();
    const scale0 = window.lasso.viewport().scale;
    const frames = [];
    for (let i = 0; i < 6; i++) {
      canvas.dispatchEvent(new WheelEvent("wheel", {
        clientX: r.left + 40, clientY: r.top + 40, deltaY: -100, bubbles: true, cancelable: true,
      }));
      frames.push(window.lasso.drawNow());
    }
    return { frames, zoomed: window.lasso.viewport().scale / scale0 };
  });
  assert.ok(wheel.zoomed > 3.5 && wheel.zoomed < 4.2, `six wheel steps of 1.25: ${wheel.zoomed}`);
  for (const f of wheel.frames) {
    assert.equal(f.replanned, false, JSON.stringify(f));
    assert.equal(f.rastered, false, JSON.stringify(f));
    assert.equal(f.dots, 1000, "the stretched plan of the zoomed-out view");
  }
  const last = wheel.frames[wheel.frames.length - 1].frames;
  await page.waitForFunction((n) => {
    const st = window.lasso.renderStats();
    return st.frames > n && st.rastered;
  }, last);
  stats = await page.evaluate(() => window.lasso.renderStats());
  assert.equal(stats.replanned, true, JSON.stringify(stats));
  assert.equal(stats.dots, 0, `boxes are big enough to draw once sharp: ${JSON.stringify(stats)}`);
  assert.deepEqual(page.errors, []);
  await context.close();
});

test("100,000 shapes too small to see show where they are and of which class, whatever their order", async () => {
  const context = await browser.newContext({ viewport: { width: 1100, height: 700 } });
  const page = await openApp(context, server.url);
  // A block where every spot holds a cat and a dog box (the dog stacked on top), and a block of
  // dogs only; boxes of 0.2 px, 0.3 px apart: many to each screen cell at this zoom.
  await page.evaluate(async () => {
    const annotations = [];
    const side = 158;
    for (let i = 0; i < side * side; i++) {
      const x0 = 20 + (i % side) * 0.3;
      const y0 = 60 + Math.floor(i / side) * 0.3;
      const box = (x, y) => ({ type: "box", x0: x, y0: y, x1: x + 0.2, y1: y + 0.2 });
      annotations.push({ id: `m${i}c`, label: "cat", shape: box(x0, y0) });
      annotations.push({ id: `m${i}d`, label: "dog", shape: box(x0, y0) });
      annotations.push({ id: `d${i}`, label: "dog", shape: box(x0 + 250, y0) });
    }
    await window.lasso.loadTask({ id: `density-${Date.now()}`, image: { src: "samples/chelsea.png" }, annotations });
  });
  await page.waitForFunction(() => window.lasso.viewport().imageReady);
  const stats = await page.evaluate(() => window.lasso.drawNow());
  assert.equal(stats.shapes, 3 * 158 * 158, JSON.stringify(stats));
  assert.equal(stats.dots, stats.shapes, "all too small to see");
  const vp = await page.evaluate(() => window.lasso.viewport());
  const at = (x, y) => [Math.round(vp.offsetX + x * vp.scale), Math.round(vp.offsetY + y * vp.scale)];
  const shot = PNG.decode(await page.locator(".lasso-canvas").screenshot({ path: artifact("renderer-density.png") }));
  // Dogs alone: dog green. Cats and dogs at the same spots: their mix, not the colour of
  // whichever class was drawn last.
  const [dr, dg, db] = shot.pixel(...at(250 + 20 + 23, 60 + 23));
  assert.ok(isDogGreen(dr, dg, db), `dogs only: ${[dr, dg, db]}`);
  const [mr, mg, mb] = shot.pixel(...at(20 + 23, 60 + 23));
  const mix = [(0xe6 + 0x3c) / 2, (0x19 + 0xb4) / 2, (0x4b + 0x4b) / 2];
  assert.ok(Math.abs(mr - mix[0]) < 20 && Math.abs(mg - mix[1]) < 20 && Math.abs(mb - mix[2]) < 20,
    `cats and dogs: ${[mr, mg, mb]}, expected about ${mix}`);
  assert.deepEqual(page.errors, []);
  await context.close();
});

test("small shapes seen whole keep their stacking order: the class on top shows on top, the one below tints it", async () => {
  const context = await browser.newContext({ viewport: { width: 1100, height: 700 } });
  const page = await openApp(context, server.url);
  // Two blocks of 1.6 px boxes (a few screen pixels: too small to outline, large enough to
  // see), every spot holding a cat and a dog box: on the left the dog is stacked on top, on
  // the right the cat. One fill per class would paint both blocks in the class drawn last.
  await page.evaluate(async () => {
    const annotations = [];
    const box = (x, y) => ({ type: "box", x0: x, y0: y, x1: x + 1.6, y1: y + 1.6 });
    for (let i = 0; i < 40 * 40; i++) {
      const [x, y] = [20 + (i % 40) * 2, 60 + Math.floor(i / 40) * 2];
      annotations.push({ id: `l${i}c`, label: "cat", shape: box(x, y) });
      annotations.push({ id: `l${i}d`, label: "dog", shape: box(x, y) });
      annotations.push({ id: `r${i}d`, label: "dog", shape: box(x + 200, y) });
      annotations.push({ id: `r${i}c`, label: "cat", shape: box(x + 200, y) });
    }
    await window.lasso.loadTask({ id: `stacking-${Date.now()}`, image: { src: "samples/chelsea.png" }, annotations });
  });
  await page.waitForFunction(() => window.lasso.viewport().imageReady);
  const stats = await page.evaluate(() => window.lasso.drawNow());
  assert.equal(stats.solids, 4 * 1600, `every box painted without an outline: ${JSON.stringify(stats)}`);
  const vp = await page.evaluate(() => window.lasso.viewport());
  const at = (x, y) => [Math.round(vp.offsetX + x * vp.scale), Math.round(vp.offsetY + y * vp.scale)];
  const shot = PNG.decode(await page.locator(".lasso-canvas").screenshot({ path: artifact("renderer-stacking.png") }));
  // Inside a box of each block (0.8 px into it): the upper class leads.
  const [lr, lg, lb] = shot.pixel(...at(20 + 2 * 20 + 0.8, 60 + 2 * 20 + 0.8));
  assert.ok(lg > lr + 40, `dogs on top: ${[lr, lg, lb]}`);
  const [rr, rg, rb] = shot.pixel(...at(220 + 2 * 20 + 0.8, 60 + 2 * 20 + 0.8));
  assert.ok(rr > rg + 40, `cats on top: ${[rr, rg, rb]}`);
  assert.deepEqual(page.errors, []);
  await context.close();
});

test("with 100,000 shapes, F plans and draws a slice per frame: keys are answered meanwhile, and the sharp frame shows everything", async () => {
  const context = await browser.newContext({ viewport: { width: 1100, height: 700 } });
  const page = await openApp(context, server.url);
  await page.evaluate(async () => {
    const annotations = [];
    let seed = 7;
    const rnd = () => { seed = (seed * 1103515245 + 12345) % 2147483648; return seed / 2147483648; };
    for (let i = 0; i < 100000; i++) {
      const [x, y, w] = [rnd() * 430, rnd() * 280, 1 + rnd() * 12];
      annotations.push({ id: `f${i}`, label: ["cat", "dog", "person"][i % 3], shape: { type: "box", x0: x, y0: y, x1: x + w, y1: y + w * 0.7 } });
    }
    await window.lasso.loadTask({ id: `slices-${Date.now()}`, image: { src: "samples/chelsea.png" }, annotations });
  });
  await page.waitForFunction(() => window.lasso.viewport().imageReady);
  // Zoomed in on a corner, drawn at once.
  await page.evaluate(() => {
    window.lasso.setViewport({ scale: 8, offsetX: -400, offsetY: -300 });
    return window.lasso.drawNow();
  });
  // F: every frame's figures until the sharp frame of the whole image is drawn.
  await page.evaluate(() => {
    window.sliceFrames = [];
    let planned = false;
    const watch = () => {
      const st = window.lasso.renderStats();
      planned ||= st.replanned && st.shapes === 100000;
      const done = planned && !st.slicing && st.rastered;
      window.sliceFrames.push({ slicing: st.slicing, replanned: st.replanned, shapes: st.shapes, tool: window.lasso.tool(), done });
      if (!done) requestAnimationFrame(watch);
    };
    requestAnimationFrame(watch);
  });
  await page.locator(".lasso").focus();
  await page.keyboard.press("f");
  // A key pressed while the plan is being made is answered before it is complete.
  await page.waitForFunction(() => window.lasso.renderStats().slicing);
  await page.keyboard.press("b");
  const answered = await page.evaluate(() => ({ tool: window.lasso.tool(), slicing: window.lasso.renderStats().slicing }));
  assert.equal(answered.tool, "box");
  await page.waitForFunction(() => window.sliceFrames.at(-1)?.done, null, { timeout: 60000 });
  const frames = await page.evaluate(() => window.sliceFrames);
  const sliced = frames.filter((f) => f.slicing).length;
  assert.ok(sliced >= 2, `the plan took several frames: ${sliced}`);
  assert.ok(frames.some((f) => f.slicing && f.tool === "box"), "the tool changed while the plan was still being made");
  // The sharp frame is the same as one planned at once.
  const vp = await page.evaluate(() => window.lasso.viewport());
  assert.ok(vp.scale < 3, `fitted: ${vp.scale}`);
  const sliceShot = await page.locator(".lasso-canvas").screenshot({ path: artifact("renderer-sliced.png") });
  const atOnce = await page.evaluate(() => window.lasso.drawNow());
  assert.equal(atOnce.shapes, 100000);
  assert.ok(sliceShot.equals(await page.locator(".lasso-canvas").screenshot()), "sliced and at-once plans draw the same frame");
  assert.deepEqual(page.errors, []);
  await context.close();
});

test("an edit among 100,000 shapes redraws only the rectangle it touched", async () => {
  const context = await browser.newContext({ viewport: { width: 1100, height: 700 } });
  const page = await openApp(context, server.url);
  // 100,000 tiny boxes packed over the left part of the image; the right part stays empty.
  await page.evaluate(async () => {
    const annotations = [];
    for (let i = 0; i < 100000; i++) {
      const x0 = (i % 400) * 0.5;
      const y0 = Math.floor(i / 400) * 1.1;
      annotations.push({ id: `t${i}`, label: i % 2 ? "dog" : "cat", shape: { type: "box", x0, y0, x1: x0 + 0.4, y1: y0 + 0.4 } });
    }
    await window.lasso.loadTask({ id: `dense-${Date.now()}`, image: { src: "samples/chelsea.png" }, annotations });
  });
  await page.waitForFunction(() => window.lasso.viewport().imageReady);
  let stats = await page.evaluate(() => window.lasso.drawNow());
  assert.equal(stats.shapes, 100000, JSON.stringify(stats));
  const vp = await page.evaluate(() => window.lasso.viewport());
  const at = (x, y) => [vp.offsetX + x * vp.scale, vp.offsetY + y * vp.scale];
  const canvas = page.locator(".lasso-canvas");
  const redAt = async (x, y, name) => {
    const shot = PNG.decode(await canvas.screenshot({ path: artifact(name) }));
    return shot.pixelNear(...at(x, y), 1, isCatRed);
  };
  await page.evaluate(() => window.lasso.setTool("box"));
  await dragImage(page, [300, 100], [380, 180]);
  assert.equal((await annotations(page)).length, 100001);
  // Drawing the box selects it (drawn on top of the layer): a partial redraw, not a full one.
  stats = await page.evaluate(() => window.lasso.drawNow());
  assert.equal(stats.rastered, false, JSON.stringify(stats));
  // Deselect: the box goes back into the layer, redrawn alone in its rectangle.
  await page.keyboard.press("Escape");
  stats = await page.evaluate(() => window.lasso.drawNow());
  assert.ok(await redAt(300, 140, "renderer-edit-drawn.png"), "the new box is drawn");
  // Undo: only the box's rectangle is cleared and redrawn, with nothing else in it.
  stats = await page.evaluate(() => {
    window.lasso.undo();
    return window.lasso.drawNow();
  });
  assert.equal(stats.partial, true, JSON.stringify(stats));
  assert.equal(stats.rastered, false);
  assert.ok(stats.redrawn < 10, `redrawn after undo: ${JSON.stringify(stats)}`);
  assert.equal(stats.shapes, 100000, "the plan still covers everything else");
  assert.ok(!(await redAt(300, 140, "renderer-edit-undone.png")), "the undone box is gone");
  // The dense shapes next to it are still on the layer.
  const shot = PNG.decode(await canvas.screenshot());
  assert.ok(shot.pixelNear(...at(100, 50), 3, (r, g, b) => isCatRed(r, g, b) || isDogGreen(r, g, b)), "dense shapes kept");
  // Redo: the box comes back through a partial redraw too.
  stats = await page.evaluate(() => {
    window.lasso.redo();
    return window.lasso.drawNow();
  });
  assert.equal(stats.partial, true);
  assert.equal(stats.rastered, false);
  assert.deepEqual(page.errors, []);
  await context.close();
});

test("benchmark page runs with a small scene, Lasso and Konva side by side", async () => {
  const context = await browser.newContext({ viewport: { width: 1500, height: 1800 } });
  const page = await context.newPage();
  const errors = [];
  page.on("pageerror", (e) => errors.push(String(e)));
  await page.goto(`${server.url}/?bench&boxes=2000&polygons=200&vertices=50&steps=5`);
  await page.waitForFunction(() => window.benchResult || window.benchError, null, { timeout: 120000 });
  const { result, error } = await page.evaluate(() => ({ result: window.benchResult, error: window.benchError }));
  assert.equal(error, undefined);
  assert.deepEqual(Object.keys(result.scenarios), [
    "pan, whole image", "pan at 100 %", "zoom, whole image to 8x", "zoom by mouse wheel, whole image to 8x",
  ]);
  const wheel = result.scenarios["zoom by mouse wheel, whole image to 8x"].lasso;
  assert.ok(Math.abs(wheel.zoomed - 8) < 0.01, `the wheel zoomed 8x: ${wheel.zoomed}`);
  assert.equal(wheel.settleRastered, true, "a sharp frame follows the wheel");
  for (const [name, r] of Object.entries(result.scenarios)) {
    assert.equal(r.lasso.n, 5, name);
    assert.ok(r.lasso.median > 0 && r.lasso.p95 >= r.lasso.median, `${name}: ${JSON.stringify(r.lasso)}`);
    assert.ok(r.konva && r.konva.median > 0, `${name}: konva ran`);
  }
  // The whole scene is planned when the whole image is in view.
  assert.equal(result.scenarios["pan, whole image"].lasso.shapes, 2200);
  assert.match(result.table, /konva/);
  assert.deepEqual(errors, []);
  await page.screenshot({ path: artifact("renderer-bench.png") });
  await context.close();
});

test("zoom to 100 % and to the selection, by keys and buttons; the minimap pans", async () => {
  const context = await browser.newContext({ viewport: { width: 1100, height: 700 } });
  const page = await openApp(context, server.url);
  await page.locator(".lasso-canvas").click({ position: { x: 5, y: 5 } });
  await page.keyboard.press("b");
  await dragImage(page, [300, 200], [340, 230]);
  assert.equal((await annotations(page)).length, 1);
  const fit = await page.evaluate(() => window.lasso.viewport());
  assert.equal(await page.locator(".lasso-minimap").isVisible(), false, "no minimap while all is in view");

  // Shift+0: 100 %, the middle of the view stays put.
  const mid = (v) => [(v.width / 2 - v.offsetX) / v.scale, (v.height / 2 - v.offsetY) / v.scale];
  await page.keyboard.press("Shift+Digit0");
  let vp = await page.evaluate(() => window.lasso.viewport());
  assert.equal(vp.scale, 1);
  mid(vp).forEach((c, i) => assert.ok(Math.abs(c - mid(fit)[i]) < 0.5, `centre ${mid(vp)} vs ${mid(fit)}`));

  // Shift+2: the selected box fills the view (capped at 800 %), centred.
  await page.keyboard.press("Shift+Digit2");
  vp = await page.evaluate(() => window.lasso.viewport());
  assert.ok(vp.scale > 4, `zoomed to the box: ${vp.scale}`);
  const [cx, cy] = mid(vp);
  assert.ok(Math.abs(cx - 320) < 0.5 && Math.abs(cy - 215) < 0.5, `centred on the box: ${cx},${cy}`);
  // Zoomed in: the minimap shows, with the view outlined around the box.
  const map = page.locator(".lasso-minimap");
  await map.waitFor({ state: "visible" });
  const mapBox = await page.locator(".lasso-minimap-image").boundingBox();
  const view = await page.locator(".lasso-minimap-view").boundingBox();
  const mapScale = mapBox.width / 451;
  assert.ok(Math.abs((view.x + view.width / 2 - mapBox.x) / mapScale - 320) < 6, "outline centred on the box");
  await page.screenshot({ path: artifact("renderer-minimap.png") });

  // A click on the minimap centres the view there; a drag follows the pointer. Pointer events
  // come in whole CSS pixels, so the result is as exact as one minimap pixel.
  const onePixel = 1.2 / mapScale;
  await page.mouse.click(mapBox.x + 50 * mapScale, mapBox.y + 60 * mapScale);
  vp = await page.evaluate(() => window.lasso.viewport());
  let [mx, my] = mid(vp);
  assert.ok(Math.abs(mx - 50) < onePixel && Math.abs(my - 60) < onePixel, `after click: ${mx},${my}`);
  await page.mouse.move(mapBox.x + 100 * mapScale, mapBox.y + 100 * mapScale);
  await page.mouse.down();
  await page.mouse.move(mapBox.x + 200 * mapScale, mapBox.y + 150 * mapScale, { steps: 5 });
  await page.mouse.up();
  vp = await page.evaluate(() => window.lasso.viewport());
  [mx, my] = mid(vp);
  assert.ok(Math.abs(mx - 200) < onePixel && Math.abs(my - 150) < onePixel, `after drag: ${mx},${my}`);
  assert.equal((await annotations(page)).length, 1, "minimap clicks draw nothing");

  // Buttons: Fit hides the minimap; 100% and Selection work like the keys.
  await page.locator(".lasso-zoom-fit").click();
  await map.waitFor({ state: "hidden" });
  await page.locator(".lasso-zoom-actual").click();
  assert.equal((await page.evaluate(() => window.lasso.viewport())).scale, 1);
  await page.locator(".lasso-zoom-selection").click();
  vp = await page.evaluate(() => window.lasso.viewport());
  assert.ok(vp.scale > 4);
  assert.deepEqual(page.errors, []);
  await context.close();
});

test("hotkeys act only in the editor, never while typing in the host page, and can be remapped", async () => {
  const context = await browser.newContext({ viewport: { width: 1100, height: 700 } });
  const page = await openApp(context, server.url);
  await page.evaluate(() => {
    const input = document.createElement("input");
    input.id = "host-input";
    document.body.prepend(input);
  });
  await page.locator(".lasso-canvas").click({ position: { x: 5, y: 5 } });
  await page.keyboard.press("v");
  assert.equal(await page.evaluate(() => window.lasso.tool()), "select");

  // Typing in the host page's input goes to the input, not the editor.
  await page.locator("#host-input").click();
  await page.keyboard.type("bob");
  assert.equal(await page.locator("#host-input").inputValue(), "bob");
  assert.equal(await page.evaluate(() => window.lasso.tool()), "select");
  // Nor with the focus on the page body.
  await page.evaluate(() => document.activeElement.blur());
  await page.keyboard.press("b");
  assert.equal(await page.evaluate(() => window.lasso.tool()), "select");

  // Remapped: x picks the box tool, b no longer does.
  await page.evaluate(() => window.lasso.setHotkeys({ box: "x" }));
  await page.locator(".lasso-canvas").click({ position: { x: 5, y: 5 } });
  await page.keyboard.press("b");
  assert.equal(await page.evaluate(() => window.lasso.tool()), "select");
  await page.keyboard.press("x");
  assert.equal(await page.evaluate(() => window.lasso.tool()), "box");
  // An unknown action is refused with its name.
  const err = await page.evaluate(() => {
    try {
      window.lasso.setHotkeys({ boxx: "q" });
      return null;
    } catch (e) {
      return String(e);
    }
  });
  assert.match(err, /boxx/);

  // The mount option does the same for a new editor.
  const tool = await page.evaluate(async () => {
    const host = document.createElement("div");
    host.style.cssText = "width:600px;height:400px";
    document.body.append(host);
    const ed = await window.wasmBindings.mount(host, {
      labels: [{ name: "cat", color: "#e6194b" }],
      storage: `lasso-hotkeys-${Date.now()}`,
      // A letter outside ASCII, written in upper case: the browser folds its case.
      hotkeys: { polygon: ["g"], select: "s", box: "Ö" },
    });
    const root = host.querySelector(".lasso");
    root.focus();
    const press = (key) => root.dispatchEvent(new KeyboardEvent("keydown", { key, code: `Key${key.toUpperCase()}`, bubbles: true }));
    const seen = [];
    press("g");
    seen.push(ed.tool());
    press("s");
    seen.push(ed.tool());
    press("p");
    seen.push(ed.tool());
    press("ö");
    seen.push(ed.tool());
    press("s");
    press("Ö");
    seen.push(ed.tool());
    ed.destroy();
    return seen;
  });
  assert.deepEqual(tool, ["polygon", "select", "select", "box", "box"]);
  assert.deepEqual(page.errors, []);
  await context.close();
});
