// Runs Lasso's own wasm module off the page's main thread. Each message names the module's
// glue and wasm URLs (loaded once), the exported function to call and its arguments; the
// answer is `{result}` (the buffers of byte arrays in it transferred), `{error}` with the
// function's message, or `{unavailable}` when the module cannot load here (the page then does
// the work itself).
let bindings;

self.onmessage = async ({ data }) => {
  if (!bindings) {
    try {
      const module = await import(data.glue);
      await module.default({ module_or_path: data.wasm });
      bindings = module;
    } catch (e) {
      self.postMessage({ unavailable: String(e?.message ?? e) });
      return;
    }
  }
  const run = bindings[data.call];
  if (typeof run !== "function") {
    self.postMessage({ unavailable: `the module has no function ${data.call}` });
    return;
  }
  try {
    const result = await run(...data.args);
    const transfer = Array.isArray(result) ? result.filter((r) => r instanceof Uint8Array).map((r) => r.buffer) : [];
    self.postMessage({ result }, transfer);
  } catch (e) {
    self.postMessage({ error: String(e?.message ?? e) });
  }
};
