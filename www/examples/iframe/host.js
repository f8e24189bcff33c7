// The host's side of the postMessage bridge: mounts the editor in the frame, calls its methods
// (`call(method, ...args)` resolves to the answer) and shows its events.
const frame = document.querySelector("iframe");
const ORIGIN = new URL(frame.src, location.href).origin;
const waiting = new Map();
let nextId = 0;

/** Calls an editor method in the frame; resolves to its answer. */
export function call(method, ...args) {
  const id = nextId++;
  return new Promise((resolve, reject) => {
    waiting.set(id, { resolve, reject });
    frame.contentWindow.postMessage({ lasso: true, type: "call", id, method, args }, ORIGIN);
  });
}

window.addEventListener("message", (event) => {
  if (event.source !== frame.contentWindow || event.origin !== ORIGIN || !event.data?.lasso) return;
  const message = event.data;
  if (message.type === "loaded") {
    const options = {
      labels: [{ name: "cat", color: "#e6194b", hotkey: "1" }, { name: "dog", color: "#3cb44b", hotkey: "2" }],
      task: { id: "example-chelsea", image: { src: new URL("../chelsea.png", location.href).href, name: "chelsea.png" } },
      theme: "light",
    };
    frame.contentWindow.postMessage({ lasso: true, type: "mount", options }, ORIGIN);
  } else if (message.type === "event") {
    document.querySelector("#last").value = message.name;
    if (message.name === "change") document.querySelector("#count").value = String(message.detail.length);
    document.dispatchEvent(new CustomEvent(`lasso-${message.name}`, { detail: message.detail }));
  } else if (message.type === "result") {
    const pending = waiting.get(message.id);
    waiting.delete(message.id);
    if (message.error !== undefined) pending?.reject(new Error(message.error));
    else pending?.resolve(message.value);
  }
});

window.lassoFrame = { call };
