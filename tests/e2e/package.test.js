// The npm package (`cargo xtask package --dev` writes it; `cargo xtask test` does before this
// file): installable with `npm install <folder>`, its types kept in step with the editor, and
// real — `tsc --strict --noEmit` accepts a host using every method and event, and refuses an
// option with a wrong name.
import { test } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { spawnSync } from "node:child_process";
import { ROOT, scratchDir } from "./support.js";

const PACKAGE = path.join(ROOT, "target", "npm", "lasso-annotator");
const TSC = path.join(ROOT, "node_modules", ".bin", "tsc");

function packaged(file) {
  const p = path.join(PACKAGE, file);
  if (!fs.existsSync(p)) throw new Error(`${p} is missing: run \`cargo xtask package --dev\` first.`);
  return fs.readFileSync(p, "utf8");
}

/** Method names declared in the block that starts with `opening` (up to its closing brace). */
function methods(text, opening, indent) {
  const start = text.indexOf(opening);
  assert.ok(start >= 0, `no ${opening}`);
  const end = text.indexOf("\n}", start);
  const pattern = new RegExp(`^ {${indent}}([A-Za-z]+)(<[^>]*>)?\\(`, "gm");
  return [...text.slice(start, end).matchAll(pattern)].map((m) => m[1]).filter((n) => n !== "free").sort();
}

test("index.d.ts declares exactly the editor's methods", () => {
  const bound = methods(packaged("lasso.d.ts"), "export class LassoEditor {", 4);
  const declared = methods(packaged("index.d.ts"), "export interface LassoEditor {", 2);
  assert.ok(bound.length > 40, `found ${bound.length} methods`);
  assert.deepEqual(declared, bound);
  const manifest = JSON.parse(packaged("package.json"));
  assert.equal(manifest.name, "lasso-annotator");
  assert.deepEqual(Object.keys(manifest.exports), [".", "./react", "./lasso.css", "./task.schema.json"]);
});

test("the package installs and its types check a host's code under tsc --strict", () => {
  const host = scratchDir("lasso-host-");
  fs.writeFileSync(path.join(host, "package.json"), JSON.stringify({ name: "host", private: true, type: "module" }));
  const install = spawnSync("npm", ["install", "--install-links", "--offline", "--no-audit", "--no-fund", PACKAGE], { cwd: host, encoding: "utf8" });
  assert.equal(install.status, 0, install.stderr);
  assert.ok(fs.existsSync(path.join(host, "node_modules", "lasso-annotator", "lasso_bg.wasm")));
  for (const file of ["uses-everything.ts", "wrong-option.ts"]) {
    fs.copyFileSync(path.join(ROOT, "tests", "package", file), path.join(host, file));
  }
  const tsc = (file) => spawnSync(TSC, [
    "--strict", "--noEmit", "--target", "es2022", "--module", "esnext", "--moduleResolution", "bundler",
    "--lib", "es2022,dom,dom.iterable", file,
  ], { cwd: host, encoding: "utf8" });
  const good = tsc("uses-everything.ts");
  assert.equal(good.status, 0, good.stdout + good.stderr);
  const bad = tsc("wrong-option.ts");
  assert.notEqual(bad.status, 0, "a wrong option name must not compile");
  assert.match(bad.stdout + bad.stderr, /lables/);
});
