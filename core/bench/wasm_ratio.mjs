// Runs lasso-core's timing binary natively and as WebAssembly under V8 (Node's WASI, the same
// engine as Chromium) and prints the wasm/native ratio of each timing.
//
// Usage from the repository root:
//   rustup target add wasm32-wasip1 && node core/bench/wasm_ratio.mjs
import { WASI } from "node:wasi";
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";

const build = (target) => {
  const args = ["build", "-q", "--release", "-p", "lasso-core", "--features", "timing",
    "--bin", "lasso-core-timing", "--message-format=json"];
  if (target) args.push("--target", target);
  const out = execFileSync("cargo", args, { encoding: "utf8", maxBuffer: 64 << 20 });
  for (const line of out.split("\n")) {
    if (!line.trim()) continue;
    const msg = JSON.parse(line);
    if (msg.reason === "compiler-artifact" && msg.target?.name === "lasso-core-timing" && msg.executable) {
      return msg.executable;
    }
  }
  throw new Error("cargo did not report the lasso-core-timing executable");
};

const dir = fs.mkdtempSync(path.join(os.tmpdir(), "lasso-timing-"));
execFileSync(build(null), [path.join(dir, "native.json")]);
const wasmPath = build("wasm32-wasip1");
const wasi = new WASI({ version: "preview1", args: ["timing", "/out/wasm.json"], preopens: { "/out": dir } });
const instance = await WebAssembly.instantiate(await WebAssembly.compile(fs.readFileSync(wasmPath)), wasi.getImportObject());
wasi.start(instance);
const native = JSON.parse(fs.readFileSync(path.join(dir, "native.json"), "utf8")).ours;
const wasm = JSON.parse(fs.readFileSync(path.join(dir, "wasm.json"), "utf8")).ours;
console.log(`${"operation".padEnd(18)} ${"native".padStart(10)} ${"wasm".padStart(10)} ${"ratio".padStart(6)}`);
for (const [name, t] of Object.entries(native)) {
  console.log(`${name.padEnd(18)} ${(t * 1e3).toFixed(3).padStart(8)}ms ${(wasm[name] * 1e3).toFixed(3).padStart(8)}ms ${(wasm[name] / t).toFixed(2).padStart(6)}`);
}
fs.rmSync(dir, { recursive: true, force: true });
