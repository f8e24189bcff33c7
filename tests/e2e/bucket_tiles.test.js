// A photo from 16 MP on uploaded to the bucket (the real local store, checked with boto3) goes
// up with its Deep Zoom pyramid beside the original (so does a TIFF in strips); opened from the bucket by someone else,
// it shows from its tiles, each read through its own presigned URL (the original is never
// downloaded), and a box drawn at deep zoom lands in the result at full resolution.
import { test } from "node:test";
import assert from "node:assert/strict";
import crypto from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { appSuite, openApp, dragImage, eventually, imageToPage, artifact } from "./support.js";
import { madeImage } from "./ml.js";
import { PNG } from "./png.js";
import { startServer, tempDataDir, s3Get, s3List, appUrl } from "./cloud.js";
import { largePhoto, atFullZoom, assertBlockInPlace } from "./large.js";

const app = appSuite();

/** The tiles of a Deep Zoom pyramid of 256 px tiles over `w × h`, as Deep Zoom counts levels. */
function tileCount(w, h) {
  let count = 0;
  for (let shift = Math.ceil(Math.log2(Math.max(w, h))); shift >= 0; shift--) {
    const [lw, lh] = [Math.max(1, Math.ceil(w / 2 ** shift)), Math.max(1, Math.ceil(h / 2 ** shift))];
    count += Math.ceil(lw / 256) * Math.ceil(lh / 256);
  }
  return count;
}

test("a photo from 16 MP on goes up with its Deep Zoom pyramid, and opens from the bucket from tiles read through their own presigned URLs", async () => {
  const server = await startServer({ dataDir: tempDataDir() });
  const photo = await largePhoto();
  const file = path.join(photo.dir, "large.png");
  const digest = crypto.createHash("sha256").update(fs.readFileSync(file)).digest("hex");
  const uploader = await app.browser.newContext({ viewport: { width: 1000, height: 700 } });
  const viewer = await app.browser.newContext({ viewport: { width: 1000, height: 700 } });
  try {
    const page = await openApp(uploader, appUrl(app.server.url, server));
    await page.locator(".lasso-upload-image input").setInputFiles(file);
    await eventually("the manifest in the bucket", async () =>
      (await page.evaluate(() => window.lasso.pendingUploads())).length === 0
        && s3List(server, "src/tasks/").some((k) => (k.key ?? k) === "src/tasks/large.json"), 120000);
    // The original byte for byte, the descriptor, every tile, and a manifest naming both.
    const original = s3Get(server, "src/images/large.png");
    assert.equal(original.sha256, digest);
    const descriptor = s3Get(server, "src/images/large.dzi", { withBody: true });
    assert.match(descriptor.body.toString("utf8"), /TileSize="256"[^]*Width="4200" Height="4000"/);
    const tiles = s3List(server, "src/images/large_files/").map((k) => k.key ?? k);
    assert.equal(tiles.length, tileCount(4200, 4000));
    assert.ok(tiles.includes("src/images/large_files/13/16_15.jpg") && tiles.includes("src/images/large_files/0/0_0.jpg"), tiles.slice(0, 5).join());
    assert.equal(s3Get(server, "src/images/large_files/13/11_7.jpg").contentType, "image/jpeg");
    const manifest = JSON.parse(s3Get(server, "src/tasks/large.json", { withBody: true }).body);
    assert.deepEqual(
      [manifest.image.src, manifest.image.tiles, manifest.image.width, manifest.image.height],
      ["src/images/large.png", "src/images/large.dzi", 4200, 4000],
    );

    // Someone else opens it from the bucket's task list.
    const other = await openApp(viewer, appUrl(app.server.url, server));
    const reads = [];
    other.on("request", (r) => {
      if (r.url().includes("/src/images/")) reads.push(r.url());
    });
    await other.waitForSelector('.lasso-tasks option[value="src/tasks/large.json"]', { state: "attached" });
    await other.locator(".lasso-tasks").selectOption("src/tasks/large.json");
    await other.waitForFunction(() => JSON.parse(window.lasso.exportAs("lasso")).id === "large" && window.lasso.viewport().tiles?.sharp);
    assertBlockInPlace(await atFullZoom(other, "bucket-tiles-full-zoom.png"));
    const tileReads = reads.filter((u) => u.includes("/src/images/large_files/"));
    assert.ok(tileReads.length > 0 && tileReads.every((u) => u.includes("X-Amz-Signature=")), tileReads.slice(0, 3).join("\n"));
    assert.equal(new Set(tileReads.map((u) => u.split("?")[0])).size, tileReads.length, "each tile read once");
    assert.ok(!reads.some((u) => u.split("?")[0].endsWith("/src/images/large.png")), "the original is not downloaded");

    // A box drawn with the mouse at 100 % on the block, kept at full resolution.
    await other.keyboard.press("b");
    await dragImage(other, [3000, 2000], [3100, 2100]);
    const [box] = await other.evaluate(() => window.lasso.annotations());
    for (const [got, want] of [[box.shape.x0, 3000], [box.shape.y0, 2000], [box.shape.x1, 3100], [box.shape.y1, 2100]]) {
      assert.ok(Math.abs(got - want) <= 1, JSON.stringify(box.shape));
    }
    const result = await eventually("the result in the bucket", () => {
      const got = JSON.parse(s3Get(server, "target/large/dev.json", { withBody: true }).body ?? "null");
      return got?.annotations?.length === 1 ? got : null;
    }, 30000);
    assert.equal(result.image.src, "src/images/large.png", "exports read the original");
    const coco = JSON.parse(await other.evaluate(() => window.lasso.exportAs("coco")));
    assert.deepEqual([coco.images[0].width, coco.images[0].height], [4200, 4000]);
    assert.ok(Math.abs(coco.annotations[0].bbox[0] - 3000) <= 1 && Math.abs(coco.annotations[0].bbox[3] - 100) <= 1, JSON.stringify(coco.annotations[0]));

    // A TIFF in strips (which no browser shows) goes up with its pyramid too, and shows from it.
    const scan = await madeImage("lasso-upload-strips-", "strips.tif", [
      "import sys",
      "from PIL import Image, ImageDraw",
      "im = Image.new('RGB', (900, 700), (255, 255, 255))",
      "ImageDraw.Draw(im).rectangle([600, 400, 699, 499], fill=(20, 20, 20))",
      "im.save(sys.argv[1], format='TIFF', compression='tiff_lzw')",
    ]);
    try {
      await page.locator(".lasso-upload-image input").setInputFiles(path.join(scan.dir, "strips.tif"));
      await eventually("the TIFF's manifest in the bucket", async () =>
        (await page.evaluate(() => window.lasso.pendingUploads())).length === 0
          && s3List(server, "src/tasks/").some((k) => (k.key ?? k) === "src/tasks/strips.json"), 60000);
      const tiff = JSON.parse(s3Get(server, "src/tasks/strips.json", { withBody: true }).body);
      assert.deepEqual([tiff.image.src, tiff.image.tiles], ["src/images/strips.tif", "src/images/strips.dzi"]);
      await other.reload();
      await other.waitForSelector('.lasso-tasks option[value="src/tasks/strips.json"]', { state: "attached" });
      await other.locator(".lasso-tasks").selectOption("src/tasks/strips.json");
      await other.waitForFunction(() => JSON.parse(window.lasso.exportAs("lasso")).id === "strips" && window.lasso.viewport().tiles?.sharp);
      await other.evaluate(() => window.lasso.drawNow());
      const shot = PNG.decode(await other.locator(".lasso-canvas").screenshot({ path: artifact("bucket-tiff-strips.png") }));
      const box = await other.locator(".lasso-canvas").boundingBox();
      const at = async (x, y) => {
        const p = await imageToPage(other, x, y);
        return shot.pixel(Math.round(p.x - box.x), Math.round(p.y - box.y));
      };
      assert.ok((await at(650, 450)).slice(0, 3).every((v) => v < 70), `block: ${await at(650, 450)}`);
      assert.ok((await at(300, 300))[0] > 200, `paper: ${await at(300, 300)}`);
    } finally {
      await scan.close();
    }
    assert.deepEqual(page.errors, []);
    assert.deepEqual(other.errors, []);
  } finally {
    await uploader.close();
    await viewer.close();
    await photo.close();
    await server.stop();
  }
});
