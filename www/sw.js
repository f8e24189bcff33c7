// Lasso's service worker: keeps the app shell so the app starts with the network off after one
// visit. Files whose names carry the build's content hash (lasso-<hash>.js, lasso-<hash>_bg.wasm,
// the chunks loaded on first use, lasso-<hash>.css) never change, so they are served from the
// cache first; everything else (index.html, app.js, samples, the manifest) goes to the network
// first and falls back to the cached copy when offline. The shell includes every chunk `wasm-files.json` lists, fetched at install,
// so parts loaded on first use (dataset formats, image codecs) work offline too. Only same-origin GET requests are touched: presigned S3 requests and
// the presign API always go to the network. Range requests (tiled TIFFs) pass through uncached.
//
// The cache is versioned (its name; a new name drops the old caches on activation) and bounded:
// besides the shell, at most OTHER_LIMIT other files (samples, same-origin images and tiles) are
// kept, the oldest dropped first.
const CACHE = "lasso-shell-v2";
const OTHER_LIMIT = 200;
const HASHED = /-[0-9a-f]{12,}(_bg)?\.(js|wasm|css)$|\/snippets\/[\w-]+-[0-9a-f]{12,}\//;
// The wasm module's own files (see xtask/src/wasm.rs): part of the shell, never bounded.
const MODULE = /\/(lasso(_bg)?\.(js|wasm)|__wasm_split\.js|(split|chunk)_\w+\.wasm|wasm-files\.json)$|\/snippets\//;
const EXTRA = ["app.js", "auth.js", "worker.js", "config.json", "manifest.webmanifest", "icon-192.png", "icon-512.png", "samples/chelsea.png"];

/** The same-origin files index.html refers to (href/src attributes and Trunk's init call). */
function shellUrls(html, base) {
  const urls = new Set([base]);
  for (const m of html.matchAll(/(?:href|src)=["']([^"']+)["']|['"](\/?[\w./-]+_bg\.wasm)['"]/g)) {
    const ref = m[1] || m[2];
    if (!ref || ref.startsWith("data:")) continue;
    const url = new URL(ref, base);
    if (url.origin === self.location.origin) urls.add(url.href);
  }
  for (const extra of EXTRA) urls.add(new URL(extra, base).href);
  return urls;
}

/** The wasm module's files besides `lasso.js` and `lasso_bg.wasm` (chunks, snippets). */
async function moduleUrls(base) {
  try {
    const res = await fetch(new URL("wasm-files.json", base), { cache: "no-cache" });
    const { files } = await res.json();
    return files.map((f) => new URL(f, base).href);
  } catch {
    return [];
  }
}

/** Fetches and caches the shell named by `html` and the module's files, and drops hashed files
 * and chunks it no longer names. */
async function cacheShell(cache, html, base) {
  const urls = shellUrls(html, base);
  const module = await moduleUrls(base);
  for (const url of module) urls.add(url);
  await Promise.all(
    [...urls].filter((u) => u !== base).map(async (u) => {
      if (HASHED.test(new URL(u).pathname) && (await cache.match(u))) return;
      try {
        const res = await fetch(u, { cache: "no-cache" });
        if (res.ok) await cache.put(u, res);
      } catch {
        // Offline during install: this file is cached the next time it is fetched.
      }
    }),
  );
  for (const req of await cache.keys()) {
    const path = new URL(req.url).pathname;
    // Chunks of an earlier build go too (only when this build's list could be read).
    const stale = HASHED.test(path) || (module.length > 0 && MODULE.test(path));
    if (stale && !urls.has(req.url)) await cache.delete(req);
  }
}

self.addEventListener("install", (event) => {
  event.waitUntil(
    (async () => {
      const cache = await caches.open(CACHE);
      const base = self.registration.scope;
      const res = await fetch(base, { cache: "no-cache" });
      if (res.ok) {
        await cache.put(base, res.clone());
        await cacheShell(cache, await res.text(), base);
      }
      await self.skipWaiting();
    })(),
  );
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    (async () => {
      for (const name of await caches.keys()) if (name !== CACHE) await caches.delete(name);
      await self.clients.claim();
    })(),
  );
});

/** Keeps at most OTHER_LIMIT cached files that are not part of the shell, dropping the oldest. */
async function bound(cache) {
  const scope = self.registration.scope;
  const shell = new Set(EXTRA.map((e) => new URL(e, scope).href).concat(scope));
  const others = (await cache.keys()).filter((r) => {
    const path = new URL(r.url).pathname;
    return !shell.has(r.url) && !HASHED.test(path) && !MODULE.test(path);
  });
  // Cache keys come back in the order they were added.
  for (const old of others.slice(0, Math.max(0, others.length - OTHER_LIMIT))) await cache.delete(old);
}

async function networkFirst(request, key) {
  const cache = await caches.open(CACHE);
  try {
    const res = await fetch(request);
    // Whole answers only: a partial (206) one cannot be cached, nor stand for the file.
    if (res.status === 200) {
      await cache.delete(key);
      await cache.put(key, res.clone());
      await bound(cache);
      if (key === self.registration.scope) {
        // A new build: fetch its hashed files now, while online.
        res.clone().text().then((html) => cacheShell(cache, html, key));
      }
    }
    return res;
  } catch (e) {
    const cached = await cache.match(key, { ignoreSearch: true });
    if (cached) return cached;
    throw e;
  }
}

async function cacheFirst(request) {
  const cache = await caches.open(CACHE);
  const cached = await cache.match(request);
  if (cached) return cached;
  const res = await fetch(request);
  if (res.status === 200) await cache.put(request, res.clone());
  return res;
}

self.addEventListener("fetch", (event) => {
  const request = event.request;
  if (request.method !== "GET" || request.headers.has("range")) return;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  const scope = self.registration.scope;
  if (request.mode === "navigate" || url.href.split(/[?#]/)[0] === scope || url.pathname.endsWith("/index.html")) {
    event.respondWith(networkFirst(request, scope));
  } else if (HASHED.test(url.pathname)) {
    event.respondWith(cacheFirst(request));
  } else {
    event.respondWith(networkFirst(request, url.href.split("#")[0]));
  }
});
