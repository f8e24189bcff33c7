// Loads the editor's WebAssembly once, adds its stylesheet once, and mounts editors.
import init, { mount as mountEditor } from "./lasso.js";

let ready;

/** Loads the module (once); resolves when editors can be mounted. */
export function load() {
  ready ??= init({ module_or_path: new URL("./lasso_bg.wasm", import.meta.url) });
  return ready;
}

/** Adds the editor's stylesheet to the document once (a file, so a strict style-src 'self' allows it). */
function addStyles() {
  if (document.querySelector("link[data-lasso-annotator]")) return;
  const link = document.createElement("link");
  link.rel = "stylesheet";
  link.href = new URL("./lasso.css", import.meta.url).href;
  link.dataset.lassoAnnotator = "";
  document.head.append(link);
}

/** Mounts an editor into `element`; resolves to its handle once its storage is open and its task loaded. */
export async function mount(element, options = {}) {
  addStyles();
  await load();
  return mountEditor(element, options);
}
