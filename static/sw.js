// Textlab service worker: keeps a copy of the whole app (page, scripts,
// styles, engine, SIMD kernels, sample data, word vectors, models) in the
// browser, so the app starts and every page works with no server.
//
// Versions never mix. static/manifest.json (written by the Go server or
// `textlab static` from the embedded files) names a version and lists every
// file with its size and SHA-256. Each version gets a cache of its own
// ("textlab-app-<version>"); a version is only used once every file of it is
// in its cache and matches its hash. The first version becomes current at
// once; a later one is "staged" and becomes current at the next page load
// when no other Textlab tab is open (a tab never sees files of two
// versions); then the older caches are deleted. Which version is current is
// kept in the "textlab-meta" cache, so it survives the worker being stopped.
//
// Nothing here contacts any origin but the app's own.
"use strict";

const PREFIX = "textlab-app-";
const META = "textlab-meta";
const scope = new URL(self.registration.scope);
const manifestURL = new URL("static/manifest.json", scope);
const pageURL = new URL("index.html", scope);

self.addEventListener("install", (ev) => {
  // First visit: the whole app is saved before this worker takes over. A
  // failed download fails the install; the next visit tries again.
  ev.waitUntil(update().then(() => self.skipWaiting()));
});

self.addEventListener("activate", (ev) => {
  ev.waitUntil(self.clients.claim());
});

self.addEventListener("message", (ev) => {
  if (ev.data?.type !== "textlab-offline-status") return;
  const port = ev.ports[0];
  ev.waitUntil(
    (async () => {
      let error = "";
      try {
        await update();
      } catch (err) {
        error = err.message;
      }
      port.postMessage({ ...(await readMeta()), error });
    })(),
  );
});

self.addEventListener("fetch", (ev) => {
  const req = ev.request;
  if (req.method !== "GET") return;
  const url = new URL(req.url);
  if (url.origin !== scope.origin || !url.pathname.startsWith(scope.pathname)) return;
  if (url.href === manifestURL.href || url.href === new URL("static/sw.js", scope).href) return;
  ev.respondWith(respond(req, url));
});

/** respond answers from the current version's cache, and from the network
 * only for what the cache does not hold. */
async function respond(req, url) {
  let meta = await readMeta();
  const navigate = req.mode === "navigate";
  if (navigate) {
    if (meta.staged) meta = await promoteIfAlone(meta);
    if (url.pathname === scope.pathname || url.pathname === pageURL.pathname) url = pageURL;
  }
  if (meta.current) {
    const cache = await caches.open(PREFIX + meta.current);
    const hit = await cache.match(url.href);
    if (hit) return hit;
  }
  try {
    return await fetch(req);
  } catch (err) {
    if (navigate) throw err;
    // Said plainly to the page: its error message names the file.
    return new Response(`${url.pathname}: the Textlab server cannot be reached and this file is not in the offline copy`, {
      status: 503,
      statusText: "Textlab server unreachable, file not saved for offline use",
      headers: { "Content-Type": "text/plain; charset=utf-8" },
    });
  }
}

// --- versions --------------------------------------------------------------

/** readMeta returns {current, currentBytes, currentFiles, staged, stagedBytes, stagedFiles}. */
async function readMeta() {
  const cache = await caches.open(META);
  const r = await cache.match("meta");
  return r ? r.json() : {};
}

async function writeMeta(meta) {
  const cache = await caches.open(META);
  await cache.put("meta", new Response(JSON.stringify(meta), { headers: { "Content-Type": "application/json" } }));
}

let updating = null;

/** update fetches the manifest and, when it names a version not yet saved,
 * saves every file of it into a new cache. One update at a time. */
function update() {
  updating ??= doUpdate().finally(() => (updating = null));
  return updating;
}

async function doUpdate() {
  const res = await fetch(manifestURL, { cache: "no-store" });
  if (!res.ok) throw new Error(`static/manifest.json: the server answered ${res.status}`);
  const m = await res.json();
  let meta = await readMeta();
  if (meta.current && !(await caches.has(PREFIX + meta.current))) {
    // The saved copy was deleted (the browser's "clear site data"): save it again.
    meta = {};
    await writeMeta(meta);
  }
  if (m.version === meta.current || m.version === meta.staged) return;
  const name = PREFIX + m.version;
  const cache = await caches.open(name);
  let done = 0;
  for (const f of m.files) {
    const url = new URL(f.path, scope);
    if (!(await cache.match(url.href))) {
      // A file saved by an interrupted download was checked before it was
      // saved; the others come from the network, bypassing the HTTP cache.
      const r = await fetch(url, { cache: "no-store" });
      if (!r.ok) throw new Error(`${f.path}: the server answered ${r.status}`);
      const sum = await sha256(await r.clone().arrayBuffer());
      if (sum !== f.sha256) throw new Error(`${f.path} does not match the manifest (the server changed version while it was being saved); it will be saved again`);
      await cache.put(url.href, r);
    }
    done += f.size;
    await tell({ type: "textlab-offline-progress", done, total: m.bytes });
  }
  meta = await readMeta();
  const saved = { version: m.version, bytes: m.bytes, files: m.files.length };
  if (!meta.current) meta = { current: saved.version, currentBytes: saved.bytes, currentFiles: saved.files };
  else meta = { ...meta, staged: saved.version, stagedBytes: saved.bytes, stagedFiles: saved.files };
  await writeMeta(meta);
  await dropOthers(meta);
}

/** promoteIfAlone makes the staged version current when the page being
 * loaded is the only Textlab tab (a reload of the last tab counts). */
async function promoteIfAlone(meta) {
  const windows = await self.clients.matchAll({ type: "window" });
  if (windows.length > 1) return meta;
  meta = { current: meta.staged, currentBytes: meta.stagedBytes, currentFiles: meta.stagedFiles };
  await writeMeta(meta);
  await dropOthers(meta);
  return meta;
}

/** dropOthers deletes the caches of versions that are neither current nor
 * staged (older ones, and half-saved ones of a version the server no longer
 * has). */
async function dropOthers(meta) {
  for (const key of await caches.keys()) {
    if (key.startsWith(PREFIX) && key !== PREFIX + meta.current && key !== PREFIX + meta.staged) await caches.delete(key);
  }
}

async function tell(msg) {
  for (const c of await self.clients.matchAll({ type: "window", includeUncontrolled: true })) c.postMessage(msg);
}

async function sha256(buf) {
  const d = new Uint8Array(await crypto.subtle.digest("SHA-256", buf));
  return Array.from(d, (b) => b.toString(16).padStart(2, "0")).join("");
}
