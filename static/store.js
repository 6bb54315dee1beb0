// Persistence in the browser's IndexedDB, so nothing the user loaded or
// computed is lost on reload (until they clear it). One database
// ("textlab"), one key-value store; values are anything structured-clone
// can copy (objects, strings, Uint8Array, Blob).

const DB = "textlab";
const STORE = "kv";
let dbPromise = null;

function open() {
  dbPromise ??= new Promise((resolve, reject) => {
    const req = indexedDB.open(DB, 1);
    req.onupgradeneeded = () => req.result.createObjectStore(STORE);
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error);
  });
  return dbPromise;
}

async function tx(mode, fn) {
  const db = await open();
  return new Promise((resolve, reject) => {
    const t = db.transaction(STORE, mode);
    const req = fn(t.objectStore(STORE));
    t.oncomplete = () => resolve(req?.result);
    t.onerror = () => reject(t.error);
    t.onabort = () => reject(t.error ?? new Error("storage aborted (is the disk full?)"));
  });
}

/** get returns the value stored under key, or undefined. */
export function get(key) {
  return tx("readonly", (s) => s.get(key));
}

/** set stores value under key. */
export function set(key, value) {
  return tx("readwrite", (s) => s.put(value, key));
}

/** del removes key. */
export function del(key) {
  return tx("readwrite", (s) => s.delete(key));
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
