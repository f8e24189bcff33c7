// Renders preprocessed and augmented images for the export off the page's main thread. The
// page sends the URLs of Lasso's own wasm module once with each job: one source image and the
// plans drawn from it (JSON); the answer is the encoded images, or an error message.
let bindings;

self.onmessage = async ({ data }) => {
  try {
    if (!bindings) {
      const module = await import(data.glue);
      await module.default({ module_or_path: data.wasm });
      bindings = module;
    }
    const images = bindings.renderPipelineImages(new Uint8Array(data.source), data.plans);
    self.postMessage({ images }, images.map((image) => image.buffer));
  } catch (e) {
    self.postMessage({ error: String(e?.message ?? e) });
  }
};
