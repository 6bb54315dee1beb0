// The one storage layer: everything Textlab keeps in this browser goes
// through this module, so nothing the user loaded or computed is lost on
// reload, and everything can be listed and deleted (the storage panel,
// static/storage.js, and each page's clear button).
//
// Records live in IndexedDB (database "textlab", one key-value store);
// values are anything structured-clone can copy. Large binaries (a trained
// model) live in the origin private file system (OPFS), one file per
// version, named in their record; where OPFS is missing they stay inside
// the record in IndexedDB. REGISTRY says which page stores what.
//
// Writes are all-or-nothing: an IndexedDB transaction either commits or
// leaves the old value, and a large binary is written to a new file before
// its record points to it, so a failed write (a full disk, the quota) keeps
// the previous state. A failed write rejects with a StorageError whose
// message says what happened, and fires "textlab:storage" on document with
// {failed: key, message}; a successful change fires it with {changed: key}.

const DB = "textlab";
const STORE = "kv";
const LARGE = "__opfs"; // a record's reference to its OPFS file: {file, size}

/** REGISTRY lists what each page stores: page id, key, what it is. Keys
 * not listed (an older version's) show in the panel under "Other". */
export const REGISTRY = [
  { page: "data", key: "data.file", what: "The data file (its full text) and the columns chosen" },
  { page: "agreement", key: "agreement.file", what: "The coder file (its full text)" },
  { page: "agreement", key: "agreement.settings", what: "The agreement settings (columns, level, bootstrap)" },
  { page: "dictionary", key: "dictionary.choice", what: "The active dictionary (with an uploaded file's contents)" },
  { page: "dictionary", key: "dictionary.upload", what: "The last uploaded dictionary file" },
  { page: "dictionary", key: "dictionary.rules", what: "The rules you set for turning scores into labels" },
  { page: "dictionary", key: "dictionary.text", what: "The text typed in “Try it”" },
  { page: "classic", key: "classic.settings", what: "The experiment settings" },
  { page: "classic", key: "classic.testfile", what: "The separate test file (its full text)" },
  { page: "classic", key: "classic.model", what: "The last trained model, its vocabulary and results (with misclassified texts)" },
  { page: "board", key: "board.runs", what: "The results board's runs" },
];

/** PAGES names the pages that store things, in the navigation's order. */
export const PAGES = [
  { id: "data", title: "Data" },
  { id: "agreement", title: "Agreement" },
  { id: "dictionary", title: "Dictionary" },
  { id: "classic", title: "Classic ML" },
  { id: "board", title: "Results board" },
  { id: "other", title: "Other" },
];

/** APP_CACHES start the names of the app's own caches (static/sw.js: the
 * copy of the app, engine, samples and models, and its version record):
 * they hold no user data, and "Delete everything" keeps them. Every other
 * cache is deleted. */
export const APP_CACHES = ["textlab-app-", "textlab-meta"];

/** StorageError is a failed read or write; quota is true when the browser's
 * storage for this site is full. */
export class StorageError extends Error {
  constructor(message, { quota = false, cause } = {}) {
    super(message, { cause });
    this.name = "StorageError";
    this.quota = quota;
  }
}

function isQuota(err) {
  return err?.name === "QuotaExceededError" || /quota/i.test(err?.message ?? "");
}

/** storageError turns a browser error into a StorageError that says what
 * it means for the user. */
function storageError(err, key) {
  if (err instanceof StorageError) return err;
  if (isQuota(err)) {
    return new StorageError("this browser's storage for Textlab is full (quota exceeded); what was saved before is kept. Free space in Storage on the About page", { quota: true, cause: err });
  }
  return new StorageError(`the browser could not save ${key} (${err?.message ?? err}); what was saved before is kept`, { cause: err });
}

function announce(detail) {
  document.dispatchEvent(new CustomEvent("textlab:storage", { detail }));
}

// --- IndexedDB ---------------------------------------------------------------

let dbPromise = null;

function open() {
  dbPromise ??= new Promise((resolve, reject) => {
    const req = indexedDB.open(DB, 1);
    req.onupgradeneeded = () => req.result.createObjectStore(STORE);
    req.onsuccess = () => {
      const db = req.result;
      // Another tab deleting everything: let it, and open again next time.
      db.onversionchange = () => {
        db.close();
        dbPromise = null;
      };
      resolve(db);
    };
    req.onerror = () => {
      dbPromise = null;
      reject(req.error);
    };
  });
  return dbPromise;
}

async function tx(mode, fn) {
  const db = await open();
  return new Promise((resolve, reject) => {
    const t = db.transaction(STORE, mode);
    let req;
    try {
      req = fn(t.objectStore(STORE));
    } catch (err) {
      try {
        t.abort();
      } catch {
        // already finished
      }
      reject(err);
      return;
    }
    t.oncomplete = () => resolve(req?.result);
    t.onerror = () => reject(t.error);
    t.onabort = () => reject(t.error ?? new Error("storage aborted (is the disk full?)"));
  });
}

/** get returns the value stored under key, or undefined. */
export function get(key) {
  return tx("readonly", (s) => s.get(key));
}

/** set stores value under key, replacing what was there (all or nothing). */
export async function set(key, value) {
  try {
    await tx("readwrite", (s) => s.put(value, key));
  } catch (err) {
    const e = storageError(err, key);
    announce({ failed: key, message: e.message });
    throw e;
  }
  announce({ changed: key });
}

/** del removes key, and its OPFS file if it has one. */
export async function del(key) {
  const old = await get(key).catch(() => undefined);
  await tx("readwrite", (s) => s.delete(key));
  if (old?.[LARGE]) await opfsRemove(old[LARGE].file).catch(() => {});
  announce({ changed: key });
}

/** keys lists every key stored in IndexedDB. */
export function keys() {
  return tx("readonly", (s) => s.getAllKeys());
}

// --- OPFS: large binaries ----------------------------------------------------

async function opfsRoot() {
  if (!navigator.storage?.getDirectory) return null;
  try {
    return await navigator.storage.getDirectory();
  } catch {
    return null; // e.g. a private window that has none
  }
}

async function opfsWrite(root, name, bytes) {
  const handle = await root.getFileHandle(name, { create: true });
  let w;
  try {
    w = await handle.createWritable();
    await w.write(bytes);
    await w.close();
  } catch (err) {
    await w?.abort().catch(() => {});
    await root.removeEntry(name).catch(() => {});
    throw err;
  }
}

async function opfsRemove(name) {
  const root = await opfsRoot();
  if (root) await root.removeEntry(name);
}

/** opfsFiles lists the OPFS files: [{name, size}]. */
export async function opfsFiles() {
  const root = await opfsRoot();
  if (!root) return [];
  const out = [];
  for await (const [name, handle] of root.entries()) {
    let size = 0;
    if (handle.kind === "file") size = (await handle.getFile()).size;
    out.push({ name, size, kind: handle.kind });
  }
  return out;
}

/** setLarge stores a large binary under key with a small record beside it
 * (meta: plain fields); getLarge(key) returns {...meta, bytes}. The bytes
 * go to a new OPFS file (or into the record where OPFS is missing); the
 * record then points to it and the previous version's file is removed, so
 * a failure at any step keeps the previous version whole. */
export async function setLarge(key, bytes, meta = {}) {
  const root = await opfsRoot();
  const old = await get(key).catch(() => undefined);
  let file = null;
  try {
    if (root) {
      file = `${key}.${crypto.randomUUID()}.bin`;
      await opfsWrite(root, file, bytes);
      await tx("readwrite", (s) => s.put({ ...meta, [LARGE]: { file, size: bytes.byteLength } }, key));
    } else {
      await tx("readwrite", (s) => s.put({ ...meta, bytes }, key));
    }
  } catch (err) {
    if (file) await opfsRemove(file).catch(() => {});
    const e = storageError(err, key);
    announce({ failed: key, message: e.message });
    throw e;
  }
  if (old?.[LARGE] && old[LARGE].file !== file) await opfsRemove(old[LARGE].file).catch(() => {});
  announce({ changed: key });
}

/** getLarge returns what setLarge stored under key ({...meta, bytes}), or
 * undefined; a record whose file is gone reads as undefined. */
export async function getLarge(key) {
  const rec = await get(key);
  if (!rec) return undefined;
  const ref = rec[LARGE];
  if (!ref) return rec;
  const root = await opfsRoot();
  if (!root) return undefined;
  try {
    const f = await (await root.getFileHandle(ref.file)).getFile();
    const { [LARGE]: _, ...meta } = rec;
    return { ...meta, bytes: new Uint8Array(await f.arrayBuffer()) };
  } catch {
    return undefined;
  }
}

// --- the registry: listing and deleting ------------------------------------------

/** sizeOf estimates the bytes a stored value takes: strings in UTF-8,
 * binaries by length, objects by their parts and keys. */
export function sizeOf(v) {
  if (v == null) return 0;
  if (typeof v === "string") return new TextEncoder().encode(v).length;
  if (typeof v === "number" || typeof v === "boolean") return 8;
  if (v instanceof Blob) return v.size;
  if (ArrayBuffer.isView(v)) return v.byteLength;
  if (v instanceof ArrayBuffer) return v.byteLength;
  if (Array.isArray(v)) return v.reduce((n, x) => n + sizeOf(x), 0);
  if (typeof v === "object") {
    let n = 0;
    for (const [k, x] of Object.entries(v)) n += k.length + (k === LARGE ? x.size : sizeOf(x));
    return n;
  }
  return 0;
}

/** list returns what is stored, by page (PAGES' order, pages with nothing
 * left out): [{id, title, items: [{key, what, bytes, where}]}]. OPFS
 * files no record names, localStorage and sessionStorage entries and
 * caches that are not the app's own are listed under "Other". */
export async function list() {
  const byPage = new Map(PAGES.map((p) => [p.id, []]));
  const named = new Set();
  for (const key of await keys().catch(() => [])) {
    const v = await get(key).catch(() => undefined);
    const reg = REGISTRY.find((r) => r.key === key);
    if (v?.[LARGE]) named.add(v[LARGE].file);
    byPage.get(reg?.page ?? "other").push({
      key: String(key),
      what: reg?.what ?? `A stored item (${key})`,
      bytes: sizeOf(v),
      where: v?.[LARGE] ? "IndexedDB + OPFS" : "IndexedDB",
    });
  }
  for (const f of await opfsFiles().catch(() => [])) {
    if (!named.has(f.name)) byPage.get("other").push({ key: `opfs:${f.name}`, what: `A file (${f.name})`, bytes: f.size, where: "OPFS" });
  }
  for (const [area, s] of [["localStorage", globalThis.localStorage], ["sessionStorage", globalThis.sessionStorage]]) {
    for (let i = 0; s && i < s.length; i++) {
      const k = s.key(i);
      byPage.get("other").push({ key: `${area}:${k}`, what: `${area} entry ${k}`, bytes: sizeOf(k) + sizeOf(s.getItem(k)), where: area });
    }
  }
  for (const name of await userCaches()) {
    let bytes = 0;
    const cache = await caches.open(name);
    for (const req of await cache.keys()) bytes += sizeOf(req.url) + ((await (await cache.match(req))?.blob())?.size ?? 0);
    byPage.get("other").push({ key: `cache:${name}`, what: `Cached responses (${name})`, bytes, where: "Cache Storage" });
  }
  return PAGES.map((p) => ({ ...p, items: byPage.get(p.id) })).filter((p) => p.items.length > 0);
}

/** userCaches lists the Cache Storage caches that are not the app's own. */
async function userCaches() {
  if (!globalThis.caches) return [];
  return (await caches.keys().catch(() => [])).filter((n) => !APP_CACHES.some((p) => n.startsWith(p)));
}

/** remove deletes one listed item (a key from list()). */
export async function remove(key) {
  const [area, rest] = key.includes(":") ? [key.slice(0, key.indexOf(":")), key.slice(key.indexOf(":") + 1)] : ["", key];
  if (area === "opfs") await opfsRemove(rest);
  else if (area === "localStorage") localStorage.removeItem(rest);
  else if (area === "sessionStorage") sessionStorage.removeItem(rest);
  else if (area === "cache") await caches.delete(rest);
  else if (key === RUNS) await clearRuns();
  else await del(key);
  announce({ changed: key });
}

/** pageKeys lists the registry's keys of one page. */
export function pageKeys(page) {
  return REGISTRY.filter((r) => r.page === page).map((r) => r.key);
}

/** deleteEverything removes everything Textlab stored in this browser:
 * every IndexedDB database of this origin, every OPFS file, every cache
 * but the app's own (APP_CACHES), localStorage and sessionStorage. */
export async function deleteEverything() {
  const db = await dbPromise?.catch(() => null);
  db?.close();
  dbPromise = null;
  const names = indexedDB.databases ? (await indexedDB.databases()).map((d) => d.name) : [DB];
  for (const name of names) {
    await new Promise((resolve, reject) => {
      const req = indexedDB.deleteDatabase(name);
      req.onsuccess = () => resolve();
      req.onerror = () => reject(req.error);
      // Another tab holds it open: it closes on "versionchange" (open above).
    });
  }
  const root = await opfsRoot();
  if (root) {
    for await (const name of root.keys()) await root.removeEntry(name, { recursive: true });
  }
  for (const name of await userCaches()) await caches.delete(name);
  globalThis.localStorage?.clear();
  globalThis.sessionStorage?.clear();
  announce({ changed: "*" });
}

// --- the results board: every evaluated run, from every page ---------------

const RUNS = "board.runs";

/** addRun puts a run on the stored results board. A run is a plain
 * object: {page, dataset, data_sum, split, method, settings: {…}, seed,
 * metrics: {accuracy, macro_f1, weighted_f1, …}, id, time}. A run the
 * engine put on its board (board.add, or a page's result) carries the
 * engine's id and time and is kept as it is, in the place of the stored
 * run with the same id (the engine gives a run with the identity of one on
 * the board that one's id: the same settings on the same data update their
 * row); a run without an id gets one here and is appended. Pages listen
 * for "textlab:board" events, whose detail is {run, engine}: engine is true
 * when the run came from the engine (it had an id). */
export async function addRun(run) {
  const runs = (await get(RUNS)) ?? [];
  const kept = { ...run, id: run.id || crypto.randomUUID(), time: run.time || new Date().toISOString() };
  const at = run.id ? runs.findIndex((r) => r.id === run.id) : -1;
  if (at >= 0) runs[at] = kept;
  else runs.push(kept);
  await set(RUNS, runs);
  document.dispatchEvent(new CustomEvent("textlab:board", { detail: { run: kept, engine: Boolean(run.id) } }));
  return runs;
}

/** listRuns returns every run on the board, oldest first. */
export async function listRuns() {
  return (await get(RUNS)) ?? [];
}

/** deleteRun removes the run with the given id from the stored board; the
 * "textlab:board" event's detail is {deleted: id}. */
export async function deleteRun(id) {
  const runs = (await get(RUNS)) ?? [];
  await set(RUNS, runs.filter((r) => r.id !== id));
  document.dispatchEvent(new CustomEvent("textlab:board", { detail: { deleted: id } }));
}

/** clearRuns empties the stored board; the "textlab:board" event's detail
 * is {cleared: true}. */
export async function clearRuns() {
  await del(RUNS);
  document.dispatchEvent(new CustomEvent("textlab:board", { detail: { cleared: true } }));
}

// --- writing many items at once (importing a study) ------------------------

/** LARGE_KEYS are the keys whose bytes setLarge keeps in OPFS (a trained
 * model): a study file carries them as "bytes" items, and the storage
 * panel can leave them out of an export. */
export const LARGE_KEYS = ["classic.model"];

/** isLarge reports whether the record stored under key keeps its bytes in
 * an OPFS file (setLarge). */
export async function isLarge(key) {
  return Boolean((await get(key).catch(() => undefined))?.[LARGE]);
}

/** setMany stores several items all or nothing: entries are {key, value}
 * (a record, as set stores it) or {key, bytes, meta} (a large binary, as
 * setLarge stores it). Every large binary is first written to a new OPFS
 * file; then one IndexedDB transaction writes every record (pointing to
 * the new files); only then are the replaced records' old files removed.
 * A failure at any step removes the new files and keeps every previous
 * record and file as it was; it rejects with a StorageError. Keys not in
 * entries are left alone. */
export async function setMany(entries) {
  const root = await opfsRoot();
  const old = new Map();
  for (const e of entries) old.set(e.key, await get(e.key).catch(() => undefined));
  const written = []; // new OPFS files
  const records = [];
  let key = entries[0]?.key ?? "";
  try {
    for (const e of entries) {
      key = e.key;
      if (!e.bytes) {
        records.push([e.key, e.value]);
      } else if (root) {
        const file = `${e.key}.${crypto.randomUUID()}.bin`;
        written.push(file);
        await opfsWrite(root, file, e.bytes);
        records.push([e.key, { ...e.meta, [LARGE]: { file, size: e.bytes.byteLength } }]);
      } else {
        records.push([e.key, { ...e.meta, bytes: e.bytes }]);
      }
    }
    key = "the study's items";
    await tx("readwrite", (s) => {
      for (const [k, v] of records) s.put(v, k);
    });
  } catch (err) {
    for (const f of written) await opfsRemove(f).catch(() => {});
    const e = storageError(err, key);
    announce({ failed: key, message: e.message });
    throw e;
  }
  for (const v of old.values()) {
    if (v?.[LARGE] && !written.includes(v[LARGE].file)) await opfsRemove(v[LARGE].file).catch(() => {});
  }
  for (const e of entries) announce({ changed: e.key });
}
