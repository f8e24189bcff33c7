// Runs a wasm32-wasip1 program under Node's WASI (V8, the engine Chromium uses), for comparing
// WebAssembly and native timings of the same code: `node wasi_run.mjs program.wasm [args...]`.
import { readFile } from 'node:fs/promises';
import { WASI } from 'node:wasi';
import process, { argv, exit } from 'node:process';

const [, , program, ...args] = argv;
if (!program) {
  console.error('usage: node wasi_run.mjs program.wasm [args...]');
  exit(2);
}
const wasi = new WASI({ version: 'preview1', args: [program, ...args], env: {}, returnOnExit: true });
const module = await WebAssembly.compile(await readFile(program));
const instance = await WebAssembly.instantiate(module, wasi.getImportObject());
process.exitCode = wasi.start(instance);
