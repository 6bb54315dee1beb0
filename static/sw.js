// Textlab service worker: keeps a copy of the whole app (page, scripts,
// styles, engine, SIMD kernels, sample data, word vectors, models) in the
// browser, so the app starts and every page works with no server.
//
// Versions never mix. static/manifest.json (written by the Go server or
// `textlab static` from the embedded files) names a version and lists every
// file with its size and SHA-256. Each version gets a cache of its own
// ("textlab-app-<version>"); a version is used only once every file of it
// is in its cache and matches its hash. Then it becomes current: pages
// loaded from then on use it, while a page already open (and its engine
// workers) keeps the version it started with until it is closed. A version
// no open page uses any more is deleted. What is current, and which page
// uses which version, is kept in the "textlab-meta" cache, so it survives
// this worker being stopped.
//
// Nothing here contacts any origin but the app's own.
"use strict";

const PREFIX = "textlab-app-";
const META = "textlab-meta";
const scope = new URL(self.registration.scope);
const manifestURL = new URL("static/manifest.json", scope);
const pageURL = new URL("index.html", scope);
const workerScript = new URL("static/sw.js", scope);

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
  const client = ev.source?.id ?? "";
  ev.waitUntil(
    (async () => {
      let error = "";
      try {
        await update();
      } catch (err) {
        error = err.message;
      }
      const meta = await readMeta();
      const mine = meta.clients?.[client] ?? meta.current;
      const v = meta.versions?.[mine] ?? {};
      port.postMessage({ version: mine ?? "", bytes: v.bytes ?? 0, files: v.files ?? 0, newer: meta.current !== mine ? meta.current : "", error, missed, fromWorkers });
    })(),
  );
});

self.addEventListener("fetch", (ev) => {
  const req = ev.request;
  if (req.method !== "GET") return;
  const url = new URL(req.url);
  if (url.origin !== scope.origin || !url.pathname.startsWith(scope.pathname)) return;
  if (url.href === manifestURL.href || url.href === workerScript.href) return;
  ev.respondWith(respond(ev, url));
});

/** respond answers from the cache of the version the requesting page (or
 * worker) uses, and from the network only for what that cache lacks. */
async function respond(ev, url) {
  const req = ev.request;
  const navigate = req.mode === "navigate";
  if (navigate && (url.pathname === scope.pathname || url.pathname === pageURL.pathname)) url = pageURL;
  // A new page starts on the current version; a worker a page starts gets
  // the page's version; any other request uses its client's version.
  // A page loaded before this worker took over starts using the version
  // current at its first request.
  const version = await withMeta(async (meta) => {
    const known = meta.clients?.[ev.clientId];
    const v = navigate ? meta.current : (known ?? meta.current);
    let changed = false;
    if (v && !navigate && ev.clientId && !known) {
      meta.clients = { ...meta.clients, [ev.clientId]: v };
      changed = true;
    }
    if (v && ev.resultingClientId) {
      meta.clients = { ...meta.clients, [ev.resultingClientId]: v };
      changed = true;
    }
    return [v, changed];
  });
  if (navigate) ev.waitUntil(dropUnused());
  if (ev.clientId && (await self.clients.get(ev.clientId))?.type === "worker") fromWorkers++;
  if (version) {
    // caches.match, unlike caches.open, never creates an empty cache.
    const hit = await caches.match(url.href, { cacheName: PREFIX + version });
    if (hit) return hit;
  }
  try {
    return await fetch(req);
  } catch (err) {
    missed.push(url.pathname);
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

// meta is {current, versions: {version: {bytes, files}}, clients: {clientId: version}}.
let metaLock = Promise.resolve();

async function readMeta() {
  const cache = await caches.open(META);
  const r = await cache.match("meta");
  return r ? r.json() : {};
}

/** withMeta runs f(meta) -> [result, changed] with no other change to meta
 * in between, and saves meta when f changed it. */
function withMeta(f) {
  const run = metaLock.then(async () => {
    const meta = await readMeta();
    const [result, changed] = await f(meta);
    if (changed) {
      const cache = await caches.open(META);
      await cache.put("meta", new Response(JSON.stringify(meta), { headers: { "Content-Type": "application/json" } }));
    }
    return result;
  });
  metaLock = run.catch(() => {});
  return run;
}

let updating = null;
// The requests (of pages and their engine workers) that neither the saved
// copy nor the network could answer since this worker started; the status
// reply lists them so that a test can check none failed.
const missed = [];
let fromWorkers = 0; // requests of (engine) workers this worker answered
let saving = ""; // the version being saved now, which dropUnused leaves alone

/** update fetches the manifest and, when it names a version not yet saved,
 * saves every file of it into a new cache, then makes it current. One
 * update at a time. */
function update() {
  updating ??= doUpdate().finally(() => {
    updating = null;
    saving = "";
  });
  return updating;
}

async function doUpdate() {
  const res = await fetch(manifestURL, { cache: "no-store" });
  if (!res.ok) throw new Error(`static/manifest.json: the server answered ${res.status}`);
  const m = await res.json();
  const meta = await readMeta();
  if (m.version === meta.current && (await caches.has(PREFIX + m.version))) return;
  saving = m.version;
  // Recorded before the first file, so that a download cut short is known
  // as this worker's and deleted later.
  await withMeta(async (meta) => {
    meta.versions = { ...meta.versions, [m.version]: { bytes: m.bytes, files: m.files.length } };
    return [null, true];
  });
  const cache = await caches.open(PREFIX + m.version);
  let done = 0;
  for (const f of m.files) {
    const url = new URL(f.path, scope);
    if (!(await cache.match(url.href))) {
      // A file saved by an interrupted download was checked before it was
      // saved; the others come from the network, bypassing the HTTP cache.
      const r = await fetch(url, { cache: "no-store" });
      if (!r.ok) throw new Error(`${f.path}: the server answered ${r.status}`);
      const body = await r.arrayBuffer();
      if ((await sha256(body)) !== f.sha256) throw new Error(`${f.path} does not match the manifest (the server changed version while it was being saved); it will be saved again`);
      // Saved as a fresh response with the server's headers (the CSP and
      // cross-origin isolation headers among them): a redirected one (a
      // file server sends index.html from "./") may not answer a page load.
      await cache.put(url.href, new Response(body, { status: r.status, statusText: r.statusText, headers: r.headers }));
    }
    done += f.size;
    await tell({ type: "textlab-offline-progress", done, total: m.bytes });
  }
  await withMeta(async (meta) => {
    meta.current = m.version;
    meta.versions = { ...meta.versions, [m.version]: { bytes: m.bytes, files: m.files.length } };
    return [null, true];
  });
  await dropUnused();
}

/** dropUnused deletes the caches this worker saved whose versions are
 * neither current nor used by an open page or worker (older versions, and
 * half-saved ones of a version the server no longer has), and forgets
 * closed pages. Caches it did not make are left alone. */
function dropUnused() {
  return withMeta(async (meta) => {
    const open = new Set((await self.clients.matchAll({ includeUncontrolled: true, type: "all" })).map((c) => c.id));
    const clients = {};
    for (const [id, v] of Object.entries(meta.clients ?? {})) if (open.has(id)) clients[id] = v;
    const used = new Set([meta.current, saving, ...Object.values(clients)]);
    for (const key of await caches.keys()) {
      const v = key.slice(PREFIX.length);
      if (key.startsWith(PREFIX) && meta.versions?.[v] && !used.has(v)) await caches.delete(key);
    }
    const versions = {};
    for (const v of used) if (meta.versions?.[v]) versions[v] = meta.versions[v];
    meta.clients = clients;
    meta.versions = versions;
    return [null, true];
  });
}

async function tell(msg) {
  for (const c of await self.clients.matchAll({ type: "window", includeUncontrolled: true })) c.postMessage(msg);
}

async function sha256(buf) {
  const d = new Uint8Array(await crypto.subtle.digest("SHA-256", buf));
  return Array.from(d, (b) => b.toString(16).padStart(2, "0")).join("");
}
