// The agreement page: load a coder file (or the worked example), pick the
// format, columns, level and weights, and show every agreement statistic
// the engine computes (agreement.* methods). The engine renders the results,
// the column pickers and the file status (web/ui/agreement.templ); this
// module only wires the page to it. The file and the settings are kept in
// the browser's storage (static/store.js), so a reload restores them until
// "Forget file"; a file that cannot be used never replaces the one loaded
// before.
import { wireJob, showFragment, showError } from "../ui.js";
import * as store from "../store.js";

const FILE_KEY = "agreement.file"; // {name, bytes} or {example: true}
const SETTINGS_KEY = "agreement.settings"; // the settings, plus {boot: {on, resamples, seed}}

const $ = (id) => document.getElementById(id);

let engine;
let el = null; // the page's fixed elements, found by init
let current = null; // the result on screen: {name, columns, settings, controls, …}
let seq = 0; // the latest request; older answers are ignored

/** init finds the page's elements, wires their events and restores what
 * the user loaded before the last reload. */
export async function init(e) {
  engine = e;
  const root = document.querySelector("#agreement .agr");
  if (!root) return;
  el = {
    root,
    file: $("agreement-file"),
    drop: $("agreement-drop"),
    example: $("agreement-example"),
    clear: $("agreement-clear"),
    status: $("agreement-file-status"),
    error: $("agreement-error"),
    form: $("agreement-form"),
    fields: $("agreement-fields"),
    columns: $("agreement-columns"),
    level: $("agreement-level"),
    weights: $("agreement-weights"),
    missing: $("agreement-missing"),
    bootOn: $("agreement-boot-on"),
    bootFields: $("agreement-boot-fields"),
    resamples: $("agreement-resamples"),
    seed: $("agreement-seed"),
  };
  el.file.addEventListener("change", onFilePicked);
  el.drop.addEventListener("dragover", onDragOver);
  el.drop.addEventListener("dragleave", onDragLeave);
  el.drop.addEventListener("drop", onDrop);
  el.example.addEventListener("click", loadExample);
  el.clear.addEventListener("click", forget);
  el.columns.addEventListener("change", onColumnsChange); // the pickers are replaced with each result
  for (const input of [el.level, el.weights, el.missing]) input.addEventListener("change", () => recompute());
  el.form.addEventListener("submit", (ev) => {
    ev.preventDefault();
    recompute();
  });
  $("agreement-results").addEventListener("click", onPage);
  el.bootOn.addEventListener("change", onBootToggle);
  for (const input of [el.resamples, el.seed]) input.addEventListener("change", () => current && saveSettings(current.settings));
  wireJob("agreement-bootstrap", runBootstrap);
  // A restarted engine worker lost the coder file: load it again.
  document.addEventListener("textlab:engine-restarted", (ev) => {
    if (ev.detail.worker === 0) restore();
  });
  await restore();
}

// --- reading the form ---------------------------------------------------------

/** readSettings reads the form. The column pickers exist for the format on
 * screen only; what they leave out the engine fills in. */
function readSettings() {
  const value = (id) => $(id)?.value ?? "";
  return {
    format: value("agreement-format") || "wide",
    unit: value("agreement-unit"),
    coders: [...el.columns.querySelectorAll('input[name="coders"]:checked')].map((box) => box.value),
    coder: value("agreement-coder"),
    code: value("agreement-code"),
    level: el.level.value,
    weights: el.weights.value,
    missing: el.missing.value,
  };
}

/** setOptions puts the settings that are not columns into the form. */
function setOptions(s) {
  if (s.level) el.level.value = s.level;
  if (s.weights) el.weights.value = s.weights;
  if (typeof s.missing === "string") el.missing.value = s.missing;
}

function readBoot() {
  return { on: el.bootOn.checked, resamples: el.resamples.value, seed: el.seed.value };
}

async function saveSettings(settings) {
  try {
    await store.set(SETTINGS_KEY, { ...settings, boot: readBoot() });
  } catch (err) {
    console.warn("agreement: could not save the settings", err);
  }
}

// --- showing ------------------------------------------------------------------

/** showControls puts the engine's column pickers on the page, keeping the
 * keyboard focus on the control that had it. */
function showControls(fragment) {
  const focused = el.columns.contains(document.activeElement) ? document.activeElement.id : "";
  showFragment("agreement-columns", fragment);
  if (focused) $(focused)?.focus();
}

/** show puts a result on the page: results, pickers, file status. */
function show(r) {
  current = r;
  showFragment("agreement-results", r);
  showControls(r.controls);
  showFragment("agreement-file-status", r.status);
  setOptions(r.settings);
  el.fields.disabled = false;
  el.clear.disabled = false;
  clearError();
  setState("done");
}

/** fail shows a message and puts the pickers back to the result on
 * screen, which stays. */
function fail(err, prefix = "") {
  showError(el.error, prefix + err.message);
  if (current) {
    showControls(current.controls);
    setOptions(current.settings);
  }
  setState("error");
}

function clearError() {
  el.error.hidden = true;
  el.error.textContent = "";
}

function setState(s) {
  el.root.dataset.state = s;
}

// --- calling the engine ---------------------------------------------------------

/** run calls an engine method and shows its result, unless a newer
 * request started meanwhile. It throws what the engine threw, after
 * showing it. */
async function run(method, payload, opts = {}) {
  const mine = ++seq;
  setState("busy");
  clearError();
  try {
    const r = await engine.call(method, payload, opts);
    if (mine === seq) show(r);
    return r;
  } catch (err) {
    if (mine === seq) {
      if (err.code === "cancelled") setState(current ? "done" : "idle");
      else fail(err, opts.prefix ?? "");
    }
    throw err;
  }
}

/** recompute runs the loaded file with the given settings (by default the
 * form's) and saves them. */
async function recompute(settings = readSettings()) {
  if (!current) return;
  try {
    const r = await run("agreement.compute", { settings });
    await saveSettings(r.settings);
  } catch {
    // shown, and the pickers are back at the result on screen
  }
}

// --- loading --------------------------------------------------------------------

async function loadFile(file) {
  if (!file) return;
  let bytes;
  try {
    bytes = new Uint8Array(await file.arrayBuffer());
  } catch (err) {
    fail(new Error(`could not read ${file.name}: ${err.message}`));
    return;
  }
  try {
    await run("agreement.load", { name: file.name, guess: true, settings: readSettings() }, { data: bytes, prefix: `${file.name}: ` });
  } catch {
    return; // shown; what was loaded before stays
  }
  try {
    await store.set(FILE_KEY, { name: file.name, bytes });
    await saveSettings(current.settings);
  } catch (err) {
    showError(el.error, `The file is loaded but could not be saved in this browser (${err.message}); it will be gone after a reload.`);
  }
}

async function loadExample() {
  try {
    await run("agreement.example", { settings: readSettings() });
    await store.set(FILE_KEY, { example: true });
    await saveSettings(current.settings);
  } catch {
    // shown
  }
}

/** clearStored is forget, for the storage panel's "Delete all of Agreement". */
export async function clearStored() {
  await forget();
}

/** forget drops the file and its settings here, in the engine and in the
 * browser's storage. */
async function forget() {
  seq++;
  current = null;
  let empty;
  try {
    empty = await engine.call("agreement.clear", {});
    await store.del(FILE_KEY);
    await store.del(SETTINGS_KEY);
  } catch (err) {
    showError(el.error, err.message);
    return;
  }
  el.fields.disabled = true;
  el.clear.disabled = true;
  showFragment("agreement-results", empty);
  showControls(empty.controls);
  showFragment("agreement-file-status", empty.status);
  clearError();
  setState("idle");
}

// --- event handlers -----------------------------------------------------------

function onFilePicked() {
  loadFile(el.file.files[0]);
  el.file.value = ""; // choosing the same file again loads it again
}

function onDragOver(ev) {
  ev.preventDefault();
  el.drop.classList.add("over");
}

function onDragLeave() {
  el.drop.classList.remove("over");
}

function onDrop(ev) {
  ev.preventDefault();
  el.drop.classList.remove("over");
  loadFile(ev.dataTransfer?.files?.[0]);
}

/** onColumnsChange recomputes after a change in the pickers. A new format
 * leaves its columns open for the engine to choose. */
function onColumnsChange(ev) {
  const settings = readSettings();
  if (ev.target.id === "agreement-format") {
    Object.assign(settings, { coders: null, coder: "", code: "" });
  }
  recompute(settings);
}

/** onPage shows another page of the units with disagreement or of the
 * unpairable units (the pagers' previous/next buttons). */
async function onPage(ev) {
  const b = ev.target.closest("button[data-disagree-offset], button[data-unpairable-offset]");
  if (!b || b.disabled || !current) return;
  const disagree = b.hasAttribute("data-disagree-offset");
  const offset = Number(disagree ? b.dataset.disagreeOffset : b.dataset.unpairableOffset);
  const list = disagree ? "disagreements" : "unpairable";
  try {
    const f = await engine.call("agreement.page", { settings: current.settings, list, offset });
    const box = $(disagree ? "agreement-disagree-page" : "agreement-unpairable-page");
    showFragment(box.id, f);
    // Keep the pager's button under the pointer or the keyboard focus.
    const again = box.querySelector(`button[data-${disagree ? "disagree" : "unpairable"}-offset]${b.textContent === "Next" ? ":last-of-type" : ""}`);
    if (again && !again.disabled) again.focus();
  } catch (err) {
    showError(el.error, err.message);
  }
}

function onBootToggle() {
  el.bootFields.hidden = !el.bootOn.checked;
  if (current) saveSettings(current.settings);
}

async function runBootstrap({ signal, onProgress }) {
  if (!current) throw new Error("load a coder file or the worked example first");
  const resamples = Number(el.resamples.value);
  const seed = Number(el.seed.value);
  if (!Number.isInteger(resamples) || resamples < 1 || resamples > 1000000) {
    throw new Error("resamples must be a whole number from 1 to 1,000,000");
  }
  if (!Number.isSafeInteger(seed) || seed < 0) {
    throw new Error("the seed must be a whole number of 0 or more");
  }
  const settings = current.settings;
  await run("agreement.compute", { settings, bootstrap: { resamples, seed } }, { signal, onProgress });
  return `Interval from ${resamples} resamples (seed ${seed}), ${settings.level} level.`;
}

// --- restoring what was loaded before the reload ------------------------------

async function restore() {
  let saved, file;
  try {
    [file, saved] = await Promise.all([store.get(FILE_KEY), store.get(SETTINGS_KEY)]);
  } catch (err) {
    showError(el.error, `Could not read what this browser saved (${err.message}); load the file again.`);
    return;
  }
  if (saved?.boot) {
    el.bootOn.checked = !!saved.boot.on;
    el.bootFields.hidden = !el.bootOn.checked;
    if (saved.boot.resamples) el.resamples.value = saved.boot.resamples;
    if (saved.boot.seed !== undefined && saved.boot.seed !== "") el.seed.value = saved.boot.seed;
  }
  const settings = saved ? { ...saved } : null;
  if (settings) {
    delete settings.boot;
    setOptions(settings);
  }
  if (!file) return;
  try {
    if (file.example) {
      await run("agreement.example", { settings: settings ?? {} });
      if (settings) await run("agreement.compute", { settings });
    } else {
      try {
        await run("agreement.load", { name: file.name, guess: !settings, settings: settings ?? {} }, { data: file.bytes });
      } catch {
        await run("agreement.load", { name: file.name, guess: true, settings: settings ?? {} }, { data: file.bytes, prefix: `Could not restore ${file.name}: ` });
      }
    }
  } catch {
    // shown; the saved file stays saved
  }
}
