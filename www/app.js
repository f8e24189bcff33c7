// The standalone page: mounts one editor on the sample task and exposes it as `window.lasso`.
const SAMPLE_TASK = {
  id: "sample-chelsea",
  image: { src: "samples/chelsea.png", name: "chelsea.png" },
};

const LABELS = [
  { name: "cat", color: "#e6194b", hotkey: "1" },
  { name: "dog", color: "#3cb44b", hotkey: "2" },
  { name: "person", color: "#4363d8", hotkey: "3" },
];

async function start() {
  const bindings = window.wasmBindings;
  const element = document.getElementById("app");
  const editor = await bindings.mount(element, { labels: LABELS, task: SAMPLE_TASK });
  window.lasso = editor;
  document.body.dataset.ready = "true";
  window.dispatchEvent(new CustomEvent("lasso-ready"));
}

if (window.wasmBindings) {
  start();
} else {
  window.addEventListener("TrunkApplicationStarted", start, { once: true });
}
