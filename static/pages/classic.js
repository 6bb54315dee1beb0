// The Classic ML page: design an experiment (hold-out split, k-fold
// cross-validation or a separate test file), choose features and a model,
// train in the engine with a progress bar and a cancel button, and read the
// results the engine renders with the templ components (report, confusion
// matrix, ROC curve, top features). When the data set has a group column,
// the split keeps each group together unless the student unticks the box.
// A test share the engine finds unusual is confirmed before training. Then
// look at misclassified documents, explain single predictions, label an
// unlabeled file (CSV download), and compare every run on the results
// board (grouped by evaluation design; a row can be deleted; the board
// downloads as CSV or as a picture, PNG or SVG).
//
// This module only wires the DOM: every text, rule and number comes from the
// engine (wasm/classic, wasm/board) or from the page's templ markup
// (web/ui/classic.templ). The settings, the chosen test file, the board's
// runs and the last trained model (saved by classic.train, with its
// rendered results; the model itself in OPFS) are kept in the browser's
// storage (static/store.js), so a reload restores them without training
// again, until "Forget model and settings" (the board: "Clear board"). "Averaged word vectors" features fetch Textlab's word
// vectors from this origin once per visit and hand them to the engine
// (classic.vectors). User text reaches the DOM only through textContent or
// escaped templ output.
import { wireJob, showFragment, showError } from "../ui.js";
import * as store from "../store.js";

const SETTINGS = "classic.settings"; // the form's values
const TESTFILE = "classic.testfile"; // {name, bytes: Uint8Array}
const MODEL = "classic.model"; // store.setLarge: bytes = classic.train's saved run; {embed, html}: its rendered results
const VECTORS_URL = "static/models/wink-glove-100d-int8.bin";
const NUMBERS = ["test_size", "folds", "seed", "ngram_min", "ngram_max", "min_df", "max_df", "max_features", "C", "alpha", "trees", "max_depth", "hidden"];

const $ = (id) => document.getElementById(id);

let engine;
let testFile = null; // {name, bytes} for evaluation "testset"
let applyFile = null; // {name, bytes} of the unlabeled file
let trained = null; // {version} of the data the engine's model was trained on
let downloadURL = null;
let describeSeq = 0; // the latest classic.describe call
let described = Promise.resolve(null); // the latest classic.describe result (or null)
let dataName = null; // the data set the group box's state is for
let vectorsPromise = null; // the word vectors' download and classic.vectors, once
const vectorsListeners = new Set(); // progress callbacks of those waiting for it

/** init finds the page's elements, wires their events and restores what
 * the browser's storage kept; it is called once the engine is ready. */
export async function init(e) {
  engine = e;
  const form = $("classic-form");
  form.addEventListener("submit", (ev) => ev.preventDefault());
  form.addEventListener("change", () => settingsChanged());
  form.addEventListener("input", (ev) => {
    if (ev.target.matches('input[type="number"]')) settingsChanged();
  });
  for (const b of form.querySelectorAll("[data-test-size]")) b.addEventListener("click", () => presetSplit(b));
  $("classic-test-file").addEventListener("change", chooseTestFile);
  $("classic-show-mis").addEventListener("click", () => showMisclassified(0));
  $("classic-mis").addEventListener("click", misClick);
  $("classic-explain-btn").addEventListener("click", () => explain({ text: $("classic-explain-text").value }));
  $("classic-apply-file").addEventListener("change", chooseApplyFile);
  $("classic-apply-btn").addEventListener("click", predict);
  $("classic-board-clear").addEventListener("click", clearBoard);
  $("classic-forget").addEventListener("click", () => clearStored().catch((err) =>
    showError($("classic-error"), `Could not forget the model and settings: ${err.message}`)));
  $("classic-board").addEventListener("click", boardClick);
  $("classic-board-csv").addEventListener("click", () => exportBoard("csv"));
  $("classic-board-svg").addEventListener("click", () => exportBoard("svg"));
  $("classic-board-png").addEventListener("click", () => exportBoard("png"));
  document.addEventListener("textlab:board", boardChanged);
  // A restarted engine worker lost the trained model and the board: hand
  // them to it again from the browser's storage, leaving the page as it is.
  document.addEventListener("textlab:engine-restarted", (ev) => {
    if (ev.detail.worker === 0) startBoard().then(() => restoreRun({ show: false }));
  });
  document.addEventListener("textlab:data", (ev) => {
    dataChanged(ev.detail);
    settingsChanged(false); // the group column may have changed
  });
  wireJob("classic-train", train);

  const saved = await store.get(SETTINGS).catch(() => undefined);
  if (saved) restoreSettings(saved);
  const tf = await store.get(TESTFILE).catch(() => undefined);
  if (tf?.bytes) showTestFile((testFile = tf));
  dataChanged(loadedData());
  settingsChanged(false);
  await startBoard();
  await restoreRun();
  $("classic").dataset.ready = "true";
}

// --- the form ----------------------------------------------------------------

/** settings reads the form. */
function settings() {
  const f = $("classic-form").elements;
  const s = {
    eval: f.eval.value || "holdout",
    stratify: f.stratify.checked,
    group: f.group.checked,
    unseen: f.unseen.value || "errors",
    features: f.features.value,
    sublinear: f.sublinear.checked,
    stop_words: f.stop_words.checked,
    model: f.model.value,
  };
  for (const n of NUMBERS) s[n] = f[n].value;
  return s;
}

/** restoreSettings puts stored settings back into the form. */
function restoreSettings(s) {
  const f = $("classic-form").elements;
  const radio = [...f.eval].find((r) => r.value === s.eval);
  if (radio) radio.checked = true;
  f.stratify.checked = s.stratify !== false;
  f.group.checked = s.group !== false;
  const unseen = [...f.unseen].find((r) => r.value === s.unseen);
  if (unseen) unseen.checked = true;
  f.sublinear.checked = Boolean(s.sublinear);
  f.stop_words.checked = Boolean(s.stop_words);
  for (const [name, v] of [["features", s.features], ["model", s.model]]) {
    const opt = [...f[name].options].find((o) => o.value === v && !o.disabled);
    if (opt) f[name].value = v;
  }
  for (const n of NUMBERS) if (s[n] !== undefined && s[n] !== "") f[n].value = s[n];
}

/** payload turns the form into the engine's classic.train payload (the
 * engine validates it). */
function payload(s) {
  const num = (v) => (v === "" ? 0 : Number(v));
  return {
    eval: { kind: s.eval, test_size: num(s.test_size), folds: num(s.folds), stratify: s.stratify, group: s.group, unseen: s.unseen },
    features: {
      kind: s.features, ngram_min: num(s.ngram_min), ngram_max: num(s.ngram_max), min_df: num(s.min_df),
      max_df: num(s.max_df), max_features: num(s.max_features), sublinear: s.sublinear, stop_words: s.stop_words,
    },
    model: { kind: s.model, C: num(s.C), alpha: num(s.alpha), trees: num(s.trees), max_depth: num(s.max_depth), hidden: num(s.hidden) },
    seed: num(s.seed),
    test_name: testFile?.name ?? "",
  };
}

/** showFor shows the form's elements whose data-<attr> lists value. */
function showFor(attr, value) {
  for (const el of $("classic-form").querySelectorAll(`[data-${attr}]`)) {
    el.hidden = !el.dataset[attr].split(" ").includes(value);
  }
}

/** settingsChanged shows the fields that apply, saves the settings and
 * shows what the engine says of them: the settings line, and the group
 * box with its note when the data set has a group column. */
async function settingsChanged(save = true) {
  const s = settings();
  showFor("eval", s.eval);
  showFor("model", s.model);
  showFor("feat", s.features);
  for (const b of $("classic-form").querySelectorAll("[data-test-size]")) {
    b.setAttribute("aria-pressed", String(s.eval === "holdout" && b.dataset.testSize === s.test_size));
  }
  if (save) store.set(SETTINGS, s).catch(() => {});
  if (s.features === "embed") loadVectors().catch(() => {}); // the status line shows the error
  const seq = ++describeSeq;
  const call = engine.call("classic.describe", payload(s));
  described = call.catch(() => null);
  try {
    const r = await call;
    if (seq !== describeSeq) return;
    showFragment("classic-settings", r);
    $("classic-group").hidden = !r.group;
    showFragment("classic-group-note", { html: r.group_html });
  } catch (err) {
    if (seq === describeSeq) $("classic-settings").textContent = err.message;
  }
}

/** confirmed asks, in the page, whether to train with settings the engine
 * finds unusual (its question, from classic.describe); it resolves to
 * false when the student declines or cancels the job. */
function confirmed(question, signal) {
  const box = $("classic-confirm");
  $("classic-confirm-msg").textContent = question;
  box.hidden = false;
  box.querySelector('[data-confirm="yes"]').focus();
  return new Promise((resolve) => {
    const done = (ok) => {
      box.hidden = true;
      box.removeEventListener("click", click);
      signal.removeEventListener("abort", abort);
      resolve(ok);
    };
    const click = (ev) => {
      const b = ev.target.closest("button[data-confirm]");
      if (!b) return;
      done(b.dataset.confirm === "yes");
      if (b.dataset.confirm === "no") $("classic-test-size").focus();
    };
    const abort = () => done(false);
    box.addEventListener("click", click);
    signal.addEventListener("abort", abort);
  });
}

/** presetSplit applies an 80:20 or 70:30 button. */
function presetSplit(button) {
  $("classic-form").querySelector('input[name="eval"][value="holdout"]').checked = true;
  $("classic-test-size").value = button.dataset.testSize;
  settingsChanged();
}

async function chooseTestFile() {
  const input = $("classic-test-file");
  const file = input.files?.[0];
  input.value = "";
  if (!file) return;
  try {
    testFile = { name: file.name, bytes: new Uint8Array(await file.arrayBuffer()) };
    showTestFile(testFile);
    await store.set(TESTFILE, testFile).catch(() => {});
    settingsChanged();
  } catch (err) {
    showError($("classic-error"), `${file.name}: the browser could not read the file (${err.message}).`);
  }
}

/** showTestFile names the chosen test file. */
function showTestFile({ name }) {
  const el = $("classic-test-name");
  el.querySelector("[data-name]").textContent = name;
  el.querySelector("[data-test-none]").hidden = true;
  el.querySelector("[data-test-chosen]").hidden = false;
}

// --- training ----------------------------------------------------------------

/** loadedData describes the data set the Data page loaded. */
function loadedData(version) {
  const name = $("data")?.dataset.loaded ?? "";
  return { loaded: Boolean(name), name, version };
}

/** dataChanged says which data set the page trains on, and whether the
 * results shown are from another one. */
function dataChanged(detail) {
  const loaded = Boolean(detail?.loaded);
  // Another data set: its groups are kept together again by default.
  const name = detail?.name ?? "";
  if (name && dataName !== null && name !== dataName) $("classic-group-on").checked = true;
  if (name) dataName = name;
  const status = $("classic-data-status");
  $("classic-nodata").hidden = loaded;
  status.querySelector("[data-name]").textContent = detail?.name ?? "";
  status.querySelector('[data-status="loaded"]').hidden = !loaded;
  status.querySelector('[data-status="stale"]').hidden = !(trained && detail?.version && detail.version !== trained.version);
}

async function train({ signal, onProgress }) {
  $("classic-error").hidden = true;
  const s = settings();
  const question = (await described)?.confirm;
  if (question) onProgress(0, "Waiting for your answer above…");
  if (question && !(await confirmed(question, signal))) {
    throw Object.assign(new Error("cancelled"), { code: "cancelled" });
  }
  if (s.features === "embed") await loadVectors(onProgress);
  const r = await engine.call("classic.train", payload(s), {
    signal, onProgress, data: s.eval === "testset" ? testFile?.bytes : undefined,
  });
  showFragment("classic-result", r);
  trained = { version: r.version };
  dataChanged(loadedData(r.version));
  $("classic-interpret").hidden = false;
  $("classic-apply").hidden = false;
  $("classic-mis").replaceChildren();
  $("classic-explain").replaceChildren();
  showBoard(r.board);
  await keepRun(r);
  try {
    await store.addRun(r.board.run);
  } catch (err) {
    showError($("classic-error"), `The run could not be kept on the results board for your next visit: ${err.message}`);
  }
  return r.message;
}

// --- word vectors ------------------------------------------------------------------

/** loadVectors fetches the word vectors (same origin, once per visit) and
 * loads them into the engine; onProgress, when given, also sees the
 * download's progress. A failed download can be tried again. */
function loadVectors(onProgress) {
  if (onProgress) vectorsListeners.add(onProgress);
  vectorsPromise ??= fetchVectors().catch((err) => {
    vectorsPromise = null;
    throw err;
  });
  return vectorsPromise.finally(() => vectorsListeners.delete(onProgress));
}

async function fetchVectors() {
  const bar = $("classic-vectors-progress");
  const msg = $("classic-vectors-msg");
  const report = (fraction, text) => {
    bar.value = fraction;
    msg.textContent = text;
    for (const l of vectorsListeners) l(fraction, text);
  };
  const mb = (n) => (n / 1e6).toFixed(1);
  $("classic-vectors-status").hidden = false;
  bar.hidden = false;
  try {
    report(0, "Downloading the word vectors…");
    const response = await fetch(VECTORS_URL);
    if (!response.ok) throw new Error(`the server answered ${response.status} ${response.statusText}`);
    const total = Number(response.headers.get("content-length")) || 0;
    const reader = response.body.getReader();
    const chunks = [];
    let got = 0;
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      chunks.push(value);
      got += value.length;
      report(total ? 0.9 * Math.min(1, got / total) : 0, `Downloading the word vectors: ${mb(got)}${total ? ` of ${mb(total)}` : ""} MB`);
    }
    const bytes = new Uint8Array(got);
    let off = 0;
    for (const c of chunks) {
      bytes.set(c, off);
      off += c.length;
    }
    report(0.95, "Reading the word vectors…");
    const r = await engine.call("classic.vectors", { name: "wink-glove-100d-int8.bin" }, { data: bytes });
    report(1, r.message);
    bar.hidden = true;
    settingsChanged(false); // the settings line now names the vectors
    return r;
  } catch (err) {
    bar.hidden = true;
    msg.textContent = `The word vectors could not be loaded: ${err.message}. Choose the features again to retry.`;
    throw new Error(`The word vectors could not be loaded: ${err.message}`);
  }
}

// --- keeping the last run ---------------------------------------------------------

/** keepRun stores the run classic.train saved and its rendered results, so
 * that a reload restores them. A failed write keeps the model stored
 * before, whole (store.setLarge), and says so. */
async function keepRun(r) {
  try {
    await store.setLarge(MODEL, new TextEncoder().encode(r.saved.run), { embed: r.saved.embed, html: r.html });
  } catch (err) {
    showError($("classic-error"), `The trained model could not be kept for your next visit: ${err.message}. It works until you reload the page.`);
  }
}

/** restoreRun loads the stored run back into the engine and shows its
 * results again, under the engine's note that says so (unless show is
 * false: after an engine worker restarted, the page already shows them). */
async function restoreRun({ show = true } = {}) {
  const saved = await store.getLarge(MODEL).catch(() => undefined);
  // An older version kept the run as a string in the record.
  const data = saved?.bytes ?? (saved?.run ? new TextEncoder().encode(saved.run) : null);
  if (!data) return;
  let r;
  try {
    if (saved.embed) await loadVectors();
    r = await engine.call("classic.restore", {}, { data });
  } catch (err) {
    showError($("classic-error"), `The model trained before could not be loaded into the engine again (${err.message}). Train again.`);
    return;
  }
  if (!show) return;
  showFragment("classic-result", { html: r.html + saved.html });
  $("classic-interpret").hidden = false;
  $("classic-apply").hidden = false;
}

/** clearStored forgets the trained model (in the engine and in the
 * browser's storage), the settings and the test file, and puts the form
 * back to its defaults (the "Forget model and settings" button; the
 * storage panel's "Delete all of Classic ML"). The board stays. */
export async function clearStored() {
  await engine.call("classic.clear", {});
  for (const key of [MODEL, SETTINGS, TESTFILE]) await store.del(key);
  trained = null;
  testFile = null;
  $("classic-form").reset();
  const name = $("classic-test-name");
  name.querySelector("[data-name]").textContent = "";
  name.querySelector("[data-test-none]").hidden = false;
  name.querySelector("[data-test-chosen]").hidden = true;
  for (const id of ["classic-result", "classic-mis", "classic-explain"]) $(id).replaceChildren();
  $("classic-interpret").hidden = true;
  $("classic-apply").hidden = true;
  $("classic-error").hidden = true;
  dataChanged(loadedData());
  settingsChanged(false);
}

// --- looking inside ------------------------------------------------------------

async function showMisclassified(offset) {
  const error = $("classic-explain-error");
  try {
    const r = await engine.call("classic.misclassified", { offset, limit: 20 });
    error.hidden = true;
    showFragment("classic-mis", r);
  } catch (err) {
    showError(error, err.message);
  }
}

function misClick(ev) {
  const doc = ev.target.closest("button[data-doc]");
  if (doc) {
    explain({ doc: Number(doc.dataset.doc) });
    return;
  }
  const page = ev.target.closest("button[data-mis-offset]");
  if (page) showMisclassified(Number(page.dataset.misOffset));
}

async function explain(what) {
  const error = $("classic-explain-error");
  try {
    const r = await engine.call("classic.explain", { doc: what.doc ?? -1, text: what.text ?? "" });
    error.hidden = true;
    showFragment("classic-explain", r);
    $("classic-explain").scrollIntoView({ block: "nearest" });
  } catch (err) {
    showError(error, err.message);
  }
}

// --- labeling new texts ----------------------------------------------------------

async function chooseApplyFile() {
  const input = $("classic-apply-file");
  const file = input.files?.[0];
  input.value = "";
  if (!file) return;
  const error = $("classic-apply-error");
  try {
    const bytes = new Uint8Array(await file.arrayBuffer());
    const r = await engine.call("classic.columns", { name: file.name }, { data: bytes });
    applyFile = { name: file.name, bytes };
    error.hidden = true;
    showFragment("classic-apply-cols", r);
    $("classic-apply-btn").disabled = false;
    $("classic-apply-msg").textContent = r.message;
  } catch (err) {
    // A file that cannot be read leaves the previous one chosen.
    showError(error, `${file.name}: ${err.message}`);
  }
}

async function predict() {
  if (!applyFile) return;
  const error = $("classic-apply-error");
  const button = $("classic-apply-btn");
  button.disabled = true;
  try {
    const r = await engine.call("classic.predict", {
      name: applyFile.name, text_column: $("classic-apply-text").value, id_column: $("classic-apply-id").value,
    }, { data: applyFile.bytes });
    error.hidden = true;
    if (downloadURL) URL.revokeObjectURL(downloadURL);
    const blob = new Blob([r.csv], { type: "text/csv;charset=utf-8" });
    downloadURL = URL.createObjectURL(blob);
    const a = $("classic-download");
    a.textlabBlob = blob; // the CSP forbids fetching blob: URLs; tests read the Blob here
    a.href = downloadURL;
    a.download = r.file;
    a.hidden = false;
    a.textContent = r.link;
    $("classic-apply-msg").textContent = r.message;
    a.click();
  } catch (err) {
    showError(error, err.message);
  } finally {
    button.disabled = false;
  }
}

// --- the results board -------------------------------------------------------------

/** showBoard shows the board the engine rendered. */
function showBoard(fragment) {
  showFragment("classic-board", fragment);
  const empty = $("classic-board").querySelector(".board")?.dataset.runs === "0";
  for (const id of ["classic-board-clear", "classic-board-csv", "classic-board-png", "classic-board-svg"]) $(id).disabled = empty;
}

/** startBoard hands the stored runs to the engine, once, and shows the
 * board; from then on the engine keeps the board's runs. */
async function startBoard() {
  try {
    showBoard(await engine.call("board.render", { runs: await store.listRuns() }));
  } catch (err) {
    showError($("classic-error"), `The results board could not be shown: ${err.message}`);
  }
}

/** boardChanged follows the stored runs ("textlab:board" from
 * static/store.js): cleared, a run deleted, or a run added by another
 * page, which the engine knows when it came from board.add (detail.engine)
 * and is handed over with the stored runs otherwise. This page's own runs
 * are shown with classic.train's result already. */
async function boardChanged(ev) {
  const detail = ev.detail ?? {};
  if (detail.run?.page === "classic") return;
  try {
    if (detail.cleared) showBoard(await engine.call("board.clear", {}));
    else if (detail.deleted) showBoard(await engine.call("board.delete", { id: detail.deleted }));
    else if (detail.engine) showBoard(await engine.call("board.render", {}));
    else showBoard(await engine.call("board.render", { runs: await store.listRuns() }));
  } catch (err) {
    showError($("classic-error"), `The results board could not be shown: ${err.message}`);
  }
}

/** boardClick deletes the run whose delete button was clicked; the
 * "textlab:board" event that follows deletes it in the engine too. */
async function boardClick(ev) {
  const button = ev.target.closest("button[data-delete-run]");
  if (!button) return;
  try {
    await store.deleteRun(button.dataset.deleteRun);
  } catch (err) {
    showError($("classic-error"), `The run could not be deleted: ${err.message}`);
  }
}

/** exportBoard downloads the board as the engine writes it: "csv",
 * "svg", or "png" (the engine's SVG drawn at twice its size). */
async function exportBoard(format) {
  try {
    const r = await engine.call("board.export", { format: format === "png" ? "svg" : format });
    let blob = new Blob([r.text], { type: r.type });
    let file = r.file;
    if (format === "png") {
      blob = await rasterize(blob, 2);
      file = file.replace(/\.svg$/, ".png");
    }
    const a = $("classic-board-file");
    if (a.href) URL.revokeObjectURL(a.href);
    a.textlabBlob = blob; // the CSP forbids fetching blob: URLs; tests read the Blob here
    a.href = URL.createObjectURL(blob);
    a.download = file;
    a.click();
  } catch (err) {
    showError($("classic-error"), `The board could not be downloaded: ${err.message}`);
  }
}

/** rasterize draws an SVG picture (a Blob) on a canvas, scale times its
 * size, and returns it as a PNG Blob. */
async function rasterize(svg, scale) {
  const url = URL.createObjectURL(svg);
  try {
    const img = new Image();
    img.src = url;
    await img.decode();
    const canvas = document.createElement("canvas");
    canvas.width = img.naturalWidth * scale;
    canvas.height = img.naturalHeight * scale;
    const g = canvas.getContext("2d");
    g.scale(scale, scale);
    g.drawImage(img, 0, 0);
    return await new Promise((resolve, reject) => {
      canvas.toBlob((b) => (b ? resolve(b) : reject(new Error("the browser could not draw the picture"))), "image/png");
    });
  } finally {
    URL.revokeObjectURL(url);
  }
}

/** clearBoard empties the stored runs; the "textlab:board" event that
 * follows clears the engine's board (board.clear). */
async function clearBoard() {
  try {
    await store.clearRuns();
  } catch (err) {
    showError($("classic-error"), `The board could not be cleared: ${err.message}`);
  }
}
