// The editor's side of the postMessage bridge. It obeys only the page that embeds it (the
// origin named by `?parent=`, else its own) and only the methods listed here; it answers every
// call and forwards the editor's events.
import { mount } from "../lasso-annotator/index.js";

const PARENT = new URLSearchParams(location.search).get("parent") ?? location.origin;
const EVENTS = ["change", "select", "save", "upload", "error"];
const METHODS = new Set(["loadTask", "annotations", "exportAs", "setTool", "setLabel", "undo", "redo", "setTheme", "setLocale"]);
let editor = null;

function send(message) {
  window.parent.postMessage({ lasso: true, ...message }, PARENT);
}

window.addEventListener("message", async (event) => {
  if (event.source !== window.parent || event.origin !== PARENT || !event.data?.lasso) return;
  const { type, id, method, args, options } = event.data;
  try {
    if (type === "mount" && !editor) {
      editor = await mount(document.querySelector("#editor"), options);
      for (const name of EVENTS) editor.on(name, (detail) => send({ type: "event", name, detail }));
      send({ type: "event", name: "ready" });
    } else if (type === "call") {
      if (!editor) throw new Error("the editor is not mounted yet");
      if (!METHODS.has(method)) throw new Error(`${method} is not offered through the bridge`);
      send({ type: "result", id, value: await editor[method](...(args ?? [])) });
    }
  } catch (e) {
    send({ type: "result", id, error: String(e?.message ?? e) });
  }
});

send({ type: "loaded" });
