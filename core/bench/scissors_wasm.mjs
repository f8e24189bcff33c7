// Runs the scissors timing (bench/scissors_timing.rs) natively and as WebAssembly under V8
// (Node's WASI: the engine of Chromium), release builds, and prints both.
//
// Usage from the repository root:
//   rustup target add wasm32-wasip1 && node core/bench/scissors_wasm.mjs
import { WASI } from "node:wasi";
import { execFileSync } from "node:child_process";
import fs from "node:fs";

const build = (target) => {
  const args = ["build", "-q", "--release", "-p", "lasso-core", "--features", "timing",
    "--bin", "lasso-scissors-timing", "--message-format=json"];
  if (target) args.push("--target", target);
  const out = execFileSync("cargo", args, { encoding: "utf8", maxBuffer: 64 << 20 });
  for (const line of out.split("\n")) {
    if (!line.trim()) continue;
    const msg = JSON.parse(line);
    if (msg.reason === "compiler-artifact" && msg.target?.name === "lasso-scissors-timing" && msg.executable) {
      return msg.executable;
    }
  }
  throw new Error("cargo did not report the lasso-scissors-timing executable");
};

process.stdout.write("native: ");
process.stdout.write(execFileSync(build(null), { encoding: "utf8" }));
const wasmPath = build("wasm32-wasip1");
const wasi = new WASI({ version: "preview1", args: ["scissors"] });
const instance = await WebAssembly.instantiate(await WebAssembly.compile(fs.readFileSync(wasmPath)), wasi.getImportObject());
process.stdout.write("wasm (V8): ");
wasi.start(instance);
