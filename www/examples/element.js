// The plain-HTML example: <lasso-annotator> from the package (copied or installed next to the
// page as `lasso-annotator/`), its events shown under it. No inline script or style, so the
// page runs under a strict Content Security Policy.
import { defineElement } from "./lasso-annotator/index.js";

defineElement();
const annotator = document.querySelector("lasso-annotator");
const last = document.querySelector("#last");
for (const name of ["ready", "change", "select", "save", "error"]) {
  annotator.addEventListener(name, (event) => {
    const detail = name === "change" ? `${event.detail.length} annotations` : name === "ready" ? "editor mounted" : JSON.stringify(event.detail);
    last.value = `${name}: ${detail}`;
  });
}
