// The data page: load a labeled file (picker, drag and drop, or a sample),
// choose its columns, and show the engine's validation report, overview
// charts and rows. The file's bytes and the column choice are kept in
// the browser's storage (static/store.js), so a reload restores them until
// the user clears them.
//
// Other pages can listen for the "textlab:data" event on document (detail:
// {loaded, name, version}); the data set itself lives in engine worker 0.
import { showFragment, showError } from "../ui.js";
import * as store from "../store.js";

const KEY = "data.file"; // {name, bytes: Uint8Array, columns: {text, label, id, group}}

let engine;
let current = null; // the last DataResult shown, or null
let busy = false;
let controller = null;

const $ = (id) => document.getElementById(id);

/** init wires the page; it is called once the engine is ready. */
export async function init(e) {
  engine = e;
  const input = $("data-file");
  input.addEventListener("change", () => {
    const file = input.files?.[0];
    input.value = ""; // picking the same file again fires change again
    if (file) loadFile(file);
  });

  const drop = $("data-drop");
  for (const type of ["dragenter", "dragover"]) {
    drop.addEventListener(type, (ev) => {
      ev.preventDefault();
      drop.classList.add("over");
    });
  }
  drop.addEventListener("dragleave", () => drop.classList.remove("over"));
  drop.addEventListener("drop", (ev) => {
    ev.preventDefault();
    drop.classList.remove("over");
    const files = ev.dataTransfer?.files;
    if (!files || files.length === 0) {
      fail("Nothing to load: drop a file (CSV, TSV or JSON Lines) from your computer.");
      return;
    }
    if (files.length > 1) {
      fail("Drop one file at a time.");
      return;
    }
    loadFile(files[0]);
  });

  for (const b of document.querySelectorAll("#data [data-sample]")) {
    b.addEventListener("click", () => loadSample(b.dataset.sample));
  }
  $("data-cancel").addEventListener("click", () => controller?.abort());
  $("data-clear").addEventListener("click", clearData);
  $("data-columns").addEventListener("change", changeColumns);
  $("data-columns").addEventListener("submit", (ev) => ev.preventDefault());
  $("data-result").addEventListener("click", page);

  // A restarted engine worker (after a crash or a cancel it could not
  // see) lost the data set: load it again from the browser's storage.
  document.addEventListener("textlab:engine-restarted", (ev) => {
    if (ev.detail.worker === 0) ensureEngineHasData();
  });

  // Restore the saved data set without holding up the other pages.
  restore();
}

/** restore loads the file saved in IndexedDB, if any. */
async function restore() {
  const saved = await store.get(KEY).catch(() => undefined);
  if (saved?.bytes && !current && !busy) await loadBytes(saved.name, saved.bytes, saved.columns, { save: false });
}

// --- loading ----------------------------------------------------------------

/** loadFile checks a picked or dropped file's size before reading it. */
async function loadFile(file) {
  if (busy) return;
  hideError();
  try {
    await engine.call("data.check_size", { size: file.size });
  } catch (err) {
    fail(`${file.name}: ${sentence(err.message)}${keptNote()}`);
    return;
  }
  let bytes;
  try {
    bytes = new Uint8Array(await file.arrayBuffer());
  } catch (err) {
    fail(`${file.name}: the browser could not read the file (${err.message}). Try again, or copy it to a local folder first.${keptNote()}`);
    return;
  }
  await loadBytes(file.name, bytes);
}

/** loadSample fetches one of the sample data sets from static/data/. */
async function loadSample(name) {
  if (busy) return;
  hideError();
  let bytes;
  try {
    const response = await fetch(`static/data/${name}`);
    if (!response.ok) throw new Error(`HTTP ${response.status}`);
    bytes = new Uint8Array(await response.arrayBuffer());
  } catch (err) {
    fail(`The sample ${name} could not be fetched from the Textlab server (${err.message}), and it is not saved in this browser for offline use yet. Nothing on the page was lost: try again when the server is running.${keptNote()}`);
    return;
  }
  await loadBytes(name, bytes);
}

/** loadBytes sends a file to the engine; on success it shows and saves it.
 * A failed load leaves what was loaded before. */
async function loadBytes(name, bytes, columns = undefined, { save = true } = {}) {
  busy = true;
  controller = new AbortController();
  setBusy(true, `reading ${name}…`);
  try {
    const r = await engine.call("data.load", { name, columns }, {
      data: bytes,
      signal: controller.signal,
      onProgress: (f, m) => setProgress(f, m),
    });
    show(r);
    if (save) {
      try {
        await store.set(KEY, { name, bytes, columns: r.chosen });
      } catch (err) {
        fail(`${name} is loaded, but the browser could not save it for next time: ${sentence(err.message)}`);
      }
    }
  } catch (err) {
    const kept = keptNote();
    if (err.code === "cancelled") fail(`Loading ${name} was cancelled.${kept}`);
    else fail(`${name}: ${sentence(err.message)}${kept}`);
    await ensureEngineHasData();
  } finally {
    busy = false;
    controller = null;
    setBusy(false);
  }
}

/** ensureEngineHasData reloads the saved file when the engine lost it (a
 * worker restarted after a cancel). */
async function ensureEngineHasData() {
  if (!current) return;
  try {
    await engine.call("data.browse", { offset: 0 });
  } catch {
    const saved = await store.get(KEY).catch(() => undefined);
    if (!saved?.bytes) return;
    try {
      show(await engine.call("data.load", { name: saved.name, columns: saved.columns }, { data: saved.bytes }));
    } catch (err) {
      fail(`The engine lost the data set and could not load it again (${err.message}); load the file again.`);
    }
  }
}

// --- showing ----------------------------------------------------------------

/** show puts a DataResult on the page: name, column pickers (rendered by
 * the engine), report. */
function show(r) {
  current = r;
  $("data-name").textContent = r.name;
  showControls(r.controls);
  showFragment("data-result", r);
  $("data-loaded").hidden = false;
  const section = $("data");
  section.dataset.loaded = r.name;
  section.dataset.version = String(r.version);
  announce();
}

function announce() {
  document.dispatchEvent(new CustomEvent("textlab:data", {
    detail: { loaded: current !== null, name: current?.name ?? "", version: current?.version ?? 0 },
  }));
}

/** changeColumns re-validates the loaded file with the chosen columns. */
async function changeColumns() {
  if (!current || busy) return;
  hideError();
  const form = $("data-columns");
  const columns = {
    text: form.elements.text.value,
    label: form.elements.label.value,
    id: form.elements.id.value,
    group: form.elements.group.value,
  };
  busy = true;
  setColumnsBusy(true);
  let r;
  try {
    r = await engine.call("data.columns", { columns });
  } catch (err) {
    fail(`These columns cannot be used: ${sentence(err.message)} The previous choice is still in use.`);
    showControls(current.controls);
    return;
  } finally {
    busy = false;
    setColumnsBusy(false);
  }
  show(r);
  const saved = await store.get(KEY).catch(() => undefined);
  if (saved) await store.set(KEY, { ...saved, columns: r.chosen }).catch(() => {});
}

/** showControls puts the engine's column pickers into the form, keeping
 * the keyboard focus on the picker that had it. */
function showControls(fragment) {
  const box = $("data-column-pickers");
  const focused = box.contains(document.activeElement) ? document.activeElement.name : "";
  showFragment("data-column-pickers", fragment);
  if (focused) $("data-columns").elements[focused]?.focus();
}

/** useLabelColumn answers a "Use … as the label" button of the report. */
function useLabelColumn(column) {
  const form = $("data-columns");
  form.elements.label.value = column;
  changeColumns();
}

/** setColumnsBusy disables the column pickers while the engine checks a choice. */
function setColumnsBusy(on) {
  const form = $("data-columns");
  if (on) form.setAttribute("aria-busy", "true");
  else form.removeAttribute("aria-busy");
  for (const el of form.elements) el.disabled = on;
}

/** page handles the previous/next buttons of the sample and the problems,
 * and the report's "Use … as the label" buttons. */
async function page(ev) {
  const use = ev.target.closest("button[data-label-column]");
  if (use) {
    useLabelColumn(use.dataset.labelColumn);
    return;
  }
  const b = ev.target.closest("button[data-sample-offset], button[data-problems-offset]");
  if (!b || b.disabled) return;
  const sample = b.hasAttribute("data-sample-offset");
  const offset = Number(sample ? b.dataset.sampleOffset : b.dataset.problemsOffset);
  try {
    const f = await engine.call(sample ? "data.browse" : "data.problems", { offset });
    showFragment(sample ? "data-sample" : "data-problems", f);
  } catch (err) {
    fail(err.message);
  }
}

/** clearData forgets the data set here, in the engine and in the browser's
 * storage (the page's "Clear data" button; the storage panel's "Delete all
 * of Data"). */
export async function clearStored() {
  await clearData();
}

async function clearData() {
  if (busy) return;
  hideError();
  try {
    await engine.call("data.clear", {});
    await store.del(KEY);
  } catch (err) {
    fail(`Could not clear the data: ${err.message}`);
    return;
  }
  current = null;
  $("data-result").replaceChildren();
  $("data-loaded").hidden = true;
  const section = $("data");
  delete section.dataset.loaded;
  delete section.dataset.version;
  announce();
}

// --- small helpers ----------------------------------------------------------

/** keptNote tells the user that a failure did not touch the loaded data. */
function keptNote() {
  return current ? ` The data set loaded before (${current.name}) is still loaded.` : "";
}

/** sentence ends a message with a full stop unless it has one. */
function sentence(message) {
  return /[.!?]$/.test(message) ? message : message + ".";
}

function fail(message) {
  showError($("data-error"), message);
}

function hideError() {
  const el = $("data-error");
  el.hidden = true;
  el.textContent = "";
}

function setBusy(on, message = "") {
  const box = $("data-progress");
  box.hidden = !on;
  for (const el of document.querySelectorAll("#data [data-sample], #data-file, #data-clear")) el.disabled = on;
  $("data-drop").classList.toggle("disabled", on);
  if (on) setProgress(0, message);
}

function setProgress(fraction, message) {
  const box = $("data-progress");
  box.querySelector("progress").value = fraction;
  box.querySelector("p").textContent = message;
}
