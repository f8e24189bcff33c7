// The standalone page: mounts one editor on the sample task and exposes it as `window.lasso`.
//
// Uploads go to a presign endpoint when one is configured, in this order:
//   1. the page URL: `?presign=<endpoint>&token=<token>&user=<user>&project=<id>`; the endpoint,
//      user and project are remembered in this browser, the token only for this tab (session
//      storage) and it is removed from the address bar at once;
//   2. what an earlier visit remembered;
//   3. on the development server of `cargo xtask serve` (port 8080 on loopback), the local
//      lasso-server it starts beside it (http://127.0.0.1:8787, user `dev`).
// `?presign=off` forgets the setting and works without uploads. With a project the page works
// through the team's tasks (next task, submit) instead of the sample image.
const SAMPLE_TASK = {
  id: "sample-chelsea",
  image: { src: "samples/chelsea.png", name: "chelsea.png" },
};

const LABELS = [
  { name: "cat", color: "#e6194b", hotkey: "1" },
  { name: "dog", color: "#3cb44b", hotkey: "2" },
  { name: "person", color: "#4363d8", hotkey: "3" },
];

const SETTING = "lasso.cloud";
const TOKEN = "lasso.token";

/** Drops the token from the address bar (and so from history and shared links). */
function hideToken(params) {
  if (!params.has("token")) return;
  params.delete("token");
  const query = params.toString();
  history.replaceState(null, "", location.pathname + (query ? `?${query}` : "") + location.hash);
}

function cloudSettings() {
  const params = new URLSearchParams(location.search);
  const endpoint = params.get("presign");
  if (endpoint === "off") {
    localStorage.removeItem(SETTING);
    sessionStorage.removeItem(TOKEN);
    return null;
  }
  if (endpoint) {
    const settings = { endpoint, user: params.get("user") || "dev" };
    if (params.get("project")) settings.project = params.get("project");
    localStorage.setItem(SETTING, JSON.stringify(settings));
    // A reload finds the address without the token: the tab's session still holds it.
    if (params.get("token")) sessionStorage.setItem(TOKEN, params.get("token"));
    hideToken(params);
    const token = sessionStorage.getItem(TOKEN);
    return token ? { ...settings, token } : settings;
  }
  const saved = localStorage.getItem(SETTING);
  if (saved) {
    try {
      const settings = JSON.parse(saved);
      // Earlier versions kept the token here: move it to this tab's session.
      if (settings.token) {
        sessionStorage.setItem(TOKEN, settings.token);
        delete settings.token;
        localStorage.setItem(SETTING, JSON.stringify(settings));
      }
      const token = sessionStorage.getItem(TOKEN);
      return token ? { ...settings, token } : settings;
    } catch {
      localStorage.removeItem(SETTING);
    }
  }
  const loopback = location.hostname === "127.0.0.1" || location.hostname === "localhost";
  if (loopback && location.port === "8080") {
    return { endpoint: "http://127.0.0.1:8787", token: "lasso-dev-token", user: "dev" };
  }
  return null;
}

/** Loads a classic script; resolves to false when it is missing. */
function loadScript(src) {
  return new Promise((resolve) => {
    const s = document.createElement("script");
    s.src = src;
    s.onload = () => resolve(true);
    s.onerror = () => resolve(false);
    document.head.appendChild(s);
  });
}

/** `?bench`: the renderer benchmark instead of the editor (see bench.js). */
async function bench(bindings, params) {
  if (params.get("konva") !== "0") await loadScript("./konva.min.js");
  const { runBench } = await import("./bench.js");
  try {
    await runBench(bindings, params);
  } catch (e) {
    window.benchError = String(e && e.stack ? e.stack : e);
  }
  document.body.dataset.ready = "true";
}

/**
 * OpenID Connect settings: `?oidc=<issuer>&client=<id>` (with `presign` and `project`), else
 * `config.json` beside the page — `{}` as built, the stack's `AppConfig` once deployed:
 * `{presign, project, oidc: {issuer, clientId, authorizationEndpoint, tokenEndpoint}}`.
 */
async function oidcSettings(params) {
  // Coming back from the provider, the address holds only the code: the page's own
  // parameters wait in the sign-in's pending record.
  const pending = JSON.parse(sessionStorage.getItem("lasso.signin") || "null");
  const own = pending && params.has("code") ? new URLSearchParams(pending.search) : params;
  if (own.get("oidc")) {
    return { issuer: own.get("oidc"), clientId: own.get("client"), presign: own.get("presign"), project: own.get("project") };
  }
  try {
    const res = await fetch("config.json", { cache: "no-store" });
    if (!res.ok) return null;
    const config = await res.json();
    if (!config.oidc) return null;
    return { ...config.oidc, presign: config.presign, project: own.get("project") || config.project };
  } catch {
    return null;
  }
}

/** Signs in with OpenID Connect when configured: the cloud settings with the access token. */
async function signedInCloud(params) {
  const oidc = await oidcSettings(params);
  if (!oidc) return null;
  const { signIn } = await import("./auth.js");
  const session = await signIn(oidc);
  const cloud = { endpoint: oidc.presign, token: session.accessToken, user: session.user };
  if (oidc.project) cloud.project = oidc.project;
  return { cloud, session };
}

async function start() {
  // The module's files carry the build's hash in their names; the page's preload links name them.
  const glue = document.querySelector('link[rel="modulepreload"][href*="lasso"]')?.href ?? "./lasso.js";
  const wasm = document.querySelector('link[rel="preload"][href$="_bg.wasm"]')?.href ?? "./lasso_bg.wasm";
  const bindings = await import(glue);
  await bindings.default({ module_or_path: wasm });
  // For automation and the benchmark pages, as `window.lasso` is for the editor.
  window.wasmBindings = bindings;
  const params = new URLSearchParams(location.search);
  if (params.has("bench")) return bench(bindings, params);
  const element = document.getElementById("app");
  let signedIn = null;
  try {
    signedIn = await signedInCloud(params);
  } catch (e) {
    element.textContent = String(e.message || e);
    element.dataset.signinError = "true";
    return;
  }
  const cloud = signedIn ? signedIn.cloud : cloudSettings();
  const options = { labels: LABELS, tags: ["indoor", "outdoor", "blurry"], multiTag: true };
  if (cloud) options.cloud = cloud;
  // ?theme=light|dark|system; ?locale=en|uk (the browser's language otherwise, when it is one
  // the editor speaks).
  if (params.get("theme")) options.theme = params.get("theme");
  const language = params.get("locale") ?? navigator.language;
  if (/^(en|uk)\b/i.test(language)) options.locale = language;
  // A model backend for "Predict" (docs/ml.md): ?ml=URL, predicting on open with ?ml_on_open=1;
  // ?ml_timeout=MS gives up on answers sooner than the default 30 s.
  if (params.get("ml")) {
    options.ml = { url: params.get("ml"), on_open: params.get("ml_on_open") === "1" };
    if (params.get("ml_timeout")) options.ml.timeout_ms = Number(params.get("ml_timeout"));
  }
  // A project brings its own labels and tasks; otherwise the sample image opens.
  if (!cloud || !cloud.project) options.task = SAMPLE_TASK;
  const editor = await bindings.mount(element, options);
  window.lasso = editor;
  if (signedIn) signedIn.session.onRefresh((token) => editor.setToken(token));
  if (cloud && cloud.project) {
    // Annotators (and managers) start on their next task; a reviewer starts with the queue.
    const roles = editor.project()?.roles || [];
    try {
      if (roles.includes("annotator") || roles.includes("manager")) await editor.nextTask();
      else if (roles.includes("reviewer")) await editor.reviewQueue();
    } catch (e) {
      console.error("Lasso: no task opened:", e);
    }
  }
  document.body.dataset.ready = "true";
  window.dispatchEvent(new CustomEvent("lasso-ready"));
}

// The service worker keeps the app shell for offline starts (see sw.js). Registering is
// best-effort: without it the app still works online.
if ("serviceWorker" in navigator && window.isSecureContext) {
  navigator.serviceWorker.register("sw.js").catch((e) => console.warn("Lasso: no offline app shell:", e));
}

start();
