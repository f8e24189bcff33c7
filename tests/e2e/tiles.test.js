// Tiled images: a 48-megapixel image cut into a Deep Zoom pyramid, into static IIIF Image API 3
// tiles and into a tiled pyramidal BigTIFF (made by make_tiles.py, as libvips, static IIIF
// tilers and tifffile lay them out), served over HTTP (the TIFF read by range requests). Zoomed in with the mouse wheel onto a known block, the block is on the canvas
// where the full-resolution image has it; a box drawn around it by eye is exported to COCO at
// full resolution within a pixel. Every sharpest Deep Zoom tile fails once (500) and shows
// after the retry; offline, the tiles already seen still show.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { execFileSync } from "node:child_process";
import { appSuite, openApp, imageToPage, artifact, scratchDir, serveStatic, ROOT } from "./support.js";
import { PNG } from "./png.js";

const app = appSuite();
const [W, H] = [8000, 6000];
const RED = [6000, 4500, 6040, 4530];
const GREEN = [1234, 987, 1290, 1021];
let tiles;

before(async () => {
  const dir = scratchDir("lasso-tiles-");
  fs.writeFileSync(path.join(dir, "index.html"), "<!doctype html>");
  // The sharpest Deep Zoom level (13 for 8000 px) fails once per tile.
  tiles = await serveStatic(dir, { cors: true, failFirst: /^\/big_files\/13\// });
  tiles.dir = dir;
  const features = [[...RED, [230, 20, 20]], [...GREEN, [20, 200, 40]]];
  execFileSync(path.join(ROOT, ".venv", "bin", "python"), [
    path.join(ROOT, "tests", "e2e", "make_tiles.py"), dir, tiles.url, String(W), String(H), JSON.stringify(features),
  ]);
});

after(async () => {
  await tiles?.close();
});

/** Opens a task whose image is the tiled `src`; waits until its size is known. */
async function openTiled(page, src) {
  await page.evaluate(async (src) => {
    await window.lasso.loadTask({ id: `tiles-${Date.now()}`, image: { src, name: "big.jpg" }, annotations: [] });
  }, src);
  await page.waitForFunction(() => window.lasso.viewport().imageReady && window.lasso.viewport().tiles);
}

/**
 * Brings image point (x, y) to the middle of the canvas with a middle-button drag, then turns
 * the mouse wheel over it until the zoom reaches `scale`.
 */
async function zoomOnto(page, [x, y], scale) {
  const canvas = await page.locator(".lasso-canvas").boundingBox();
  const from = await imageToPage(page, x, y);
  await page.mouse.move(from.x, from.y);
  await page.mouse.down({ button: "middle" });
  await page.mouse.move(canvas.x + canvas.width / 2, canvas.y + canvas.height / 2, { steps: 5 });
  await page.mouse.up({ button: "middle" });
  for (let step = 0; step < 60; step++) {
    const before = await page.evaluate(() => window.lasso.viewport().scale);
    if (before >= scale) return;
    const p = await imageToPage(page, x, y);
    await page.mouse.move(p.x, p.y);
    await page.mouse.wheel(0, -100);
    await page.waitForFunction((s) => window.lasso.viewport().scale > s, before);
  }
  throw new Error(`the wheel did not zoom to ${scale}`);
}

/** Waits until every visible tile of the needed level is shown, then draws a frame. */
async function sharp(page) {
  await page.waitForFunction(() => window.lasso.viewport().tiles.sharp);
  await page.evaluate(() => window.lasso.drawNow());
}

/**
 * The screen box (page CSS pixels) of the pixels matching `colour` on the canvas, and the
 * same edges in image pixels as the viewport maps them.
 */
async function found(page, colour, name) {
  const canvas = page.locator(".lasso-canvas");
  const shot = PNG.decode(await canvas.screenshot({ path: artifact(name) }));
  const box = await canvas.boundingBox();
  let [x0, y0, x1, y1] = [Infinity, Infinity, -Infinity, -Infinity];
  for (let y = 0; y < shot.height; y++) {
    for (let x = 0; x < shot.width; x++) {
      if (colour(shot.pixel(x, y))) {
        x0 = Math.min(x0, x);
        y0 = Math.min(y0, y);
        x1 = Math.max(x1, x + 1);
        y1 = Math.max(y1, y + 1);
      }
    }
  }
  assert.ok(x1 > x0, `no ${name} pixels on the canvas`);
  const vp = await page.evaluate(() => window.lasso.viewport());
  const image = [(x0 - vp.offsetX) / vp.scale, (y0 - vp.offsetY) / vp.scale, (x1 - vp.offsetX) / vp.scale, (y1 - vp.offsetY) / vp.scale];
  return { page: [box.x + x0, box.y + y0, box.x + x1, box.y + y1], image };
}

// The background's red and green are equal everywhere, so neither block's colour occurs in it;
// each test splits halfway between the block and the background around it (edges blend).
const isRed = ([r, g]) => r - g > 105;
const isGreen = ([r, g, b]) => g - r > 90 && g > b;

/** Drags a box from corner to corner of a screen box, like a person tracing what they see. */
async function boxAround(page, [x0, y0, x1, y1]) {
  await page.keyboard.press("b");
  await page.mouse.move(x0, y0);
  await page.mouse.down();
  await page.mouse.move((x0 + x1) / 2, (y0 + y1) / 2, { steps: 4 });
  await page.mouse.move(x1, y1, { steps: 4 });
  await page.mouse.up();
}

/** The bbox of the only annotation in the COCO export. */
async function cocoBox(page) {
  const coco = JSON.parse(await page.evaluate(() => window.lasso.exportAs("coco")));
  assert.equal(coco.annotations.length, 1);
  assert.deepEqual([coco.images[0].width, coco.images[0].height], [W, H]);
  return coco.annotations[0].bbox;
}

/** Each of `got` within `tolerance` image pixels of `want`. */
function near(got, want, what, tolerance = 1) {
  got.forEach((v, i) => assert.ok(Math.abs(v - want[i]) <= tolerance, `${what}: ${JSON.stringify(got)} vs ${JSON.stringify(want)}`));
}

/** Where a block shows must be exact to a fraction of an image pixel (a tile placed one level pixel off fails). */
const ON_SCREEN = 0.3;

/** Errors other than the tile requests this test makes fail on purpose. */
function unexpected(errors) {
  return errors.filter((e) => !/Failed to load resource/.test(e));
}

test("a Deep Zoom image: labelled at deep zoom in full-resolution pixels, retried, kept offline", async () => {
  const context = await app.browser.newContext({ viewport: { width: 1000, height: 700 } });
  try {
    const page = await openApp(context, app.server.url);
    await openTiled(page, `${tiles.url}/big.dzi`);
    const task = await page.evaluate(() => JSON.parse(window.lasso.exportAs("lasso")));
    assert.deepEqual([task.image.width, task.image.height], [W, H], "the size comes from the descriptor");
    // The whole image fits the view from a few coarse tiles, the level-13 files untouched.
    await sharp(page);
    assert.equal([...tiles.requests.keys()].filter((p) => p.startsWith("/big_files/13/")).length, 0);

    await zoomOnto(page, [(RED[0] + RED[2]) / 2, (RED[1] + RED[3]) / 2], 6);
    await sharp(page);
    const red = await found(page, isRed, "tiles-dzi-red.png");
    near(red.image, RED, "the block on the canvas", ON_SCREEN);
    // The sharp tile under the block failed once and was fetched again.
    const under = `/big_files/13/${Math.floor(RED[0] / 254)}_${Math.floor(RED[1] / 254)}.jpeg`;
    assert.ok(tiles.requests.get(under) >= 2, `${under}: ${tiles.requests.get(under)} requests`);

    // Offline: back to the whole image and in again, the tiles already seen still show.
    const asked = [...tiles.requests.values()].reduce((a, b) => a + b, 0);
    await context.setOffline(true);
    await page.focus(".lasso");
    await page.keyboard.press("f");
    await page.waitForFunction(() => window.lasso.viewport().scale < 0.2);
    await sharp(page);
    await zoomOnto(page, [(RED[0] + RED[2]) / 2, (RED[1] + RED[3]) / 2], 6);
    await sharp(page);
    const again = await found(page, isRed, "tiles-dzi-offline.png");
    near(again.image, RED, "the block offline", ON_SCREEN);
    assert.equal([...tiles.requests.values()].reduce((a, b) => a + b, 0), asked, "nothing reached the server offline");
    await context.setOffline(false);

    await boxAround(page, again.page);
    near(await cocoBox(page), [RED[0], RED[1], RED[2] - RED[0], RED[3] - RED[1]], "COCO bbox");
    assert.deepEqual(unexpected(page.errors), []);
  } finally {
    await context.close();
  }
});

test("IIIF static tiles: a box drawn on a feature lands on its full-resolution pixels", async () => {
  const context = await app.browser.newContext({ viewport: { width: 900, height: 650 } });
  try {
    const page = await openApp(context, app.server.url);
    await openTiled(page, `${tiles.url}/iiif/big/info.json`);
    await sharp(page);
    await zoomOnto(page, [(GREEN[0] + GREEN[2]) / 2, (GREEN[1] + GREEN[3]) / 2], 5);
    await sharp(page);
    const green = await found(page, isGreen, "tiles-iiif-green.png");
    near(green.image, GREEN, "the block on the canvas", ON_SCREEN);
    const full = [...tiles.requests.keys()].filter((p) => p.startsWith("/iiif/big/") && p.endsWith("/512,512/0/default.jpg"));
    assert.ok(full.some((p) => p.startsWith("/iiif/big/1024,512,512,512/")), `full-resolution tiles: ${full.join(" ")}`);
    await boxAround(page, green.page);
    near(await cocoBox(page), [GREEN[0], GREEN[1], GREEN[2] - GREEN[0], GREEN[3] - GREEN[1]], "COCO bbox");
    assert.deepEqual(unexpected(page.errors), []);
  } finally {
    await context.close();
  }
});

test("a tiled BigTIFF is read by range requests: only its directories and the tiles in view; its map placement kept", async () => {
  const context = await app.browser.newContext({ viewport: { width: 900, height: 650 } });
  try {
    const page = await openApp(context, app.server.url);
    await openTiled(page, `${tiles.url}/big.tif`);
    const task = await page.evaluate(() => JSON.parse(window.lasso.exportAs("lasso")));
    assert.deepEqual([task.image.width, task.image.height], [W, H], "the size comes from the TIFF's directory");
    await sharp(page);
    await zoomOnto(page, [(RED[0] + RED[2]) / 2, (RED[1] + RED[3]) / 2], 5);
    await sharp(page);
    const red = await found(page, isRed, "tiles-tiff-red.png");
    near(red.image, RED, "the block on the canvas", ON_SCREEN);
    const size = fs.statSync(path.join(tiles.dir, "big.tif")).size;
    const read = tiles.sent.get("/big.tif");
    assert.ok(read < size / 2, `read ${read} of ${size} bytes`);
    assert.ok(tiles.largest.get("/big.tif") <= 64 * 1024, `one request read ${tiles.largest.get("/big.tif")} bytes`);
    await boxAround(page, red.page);
    near(await cocoBox(page), [RED[0], RED[1], RED[2] - RED[0], RED[3] - RED[1]], "COCO bbox");
    // The GeoTIFF's placement is kept: GeoJSON in UTM 33N metres, within a pixel (0.5 m).
    const geo = JSON.parse(await page.evaluate(() => window.lasso.exportAs("geojson")));
    assert.equal(geo.crs.properties.name, "urn:ogc:def:crs:EPSG::32633");
    const ring = geo.features[0].geometry.coordinates[0];
    const xs = ring.map((p) => p[0]);
    const ys = ring.map((p) => p[1]);
    const [east, north] = [500000, 4000000];
    const want = [east + RED[0] * 0.5, north - RED[3] * 0.5, east + RED[2] * 0.5, north - RED[1] * 0.5];
    const got = [Math.min(...xs), Math.min(...ys), Math.max(...xs), Math.max(...ys)];
    got.forEach((v, i) => assert.ok(Math.abs(v - want[i]) <= 0.5, `map bounds ${got} vs ${want}`));
    assert.deepEqual(unexpected(page.errors), []);
  } finally {
    await context.close();
  }
});
