// Renders preprocessed and augmented images for the export off the page's main thread. The
// page sends the URLs of Lasso's own wasm module once with each job: one source image and the
// plans drawn from it (JSON); the answer is the encoded images, an error message, or
// `unavailable` when the module cannot load here (the page then renders itself).
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
  try {
    const images = bindings.renderPipelineImages(new Uint8Array(data.source), data.plans);
    self.postMessage({ images }, images.map((image) => image.buffer));
  } catch (e) {
    self.postMessage({ error: String(e?.message ?? e) });
  }
};
