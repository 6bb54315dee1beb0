// The Classic ML page: design an experiment (hold-out split, k-fold
// cross-validation or a separate test file), choose features and a model,
// train in the engine with a progress bar and a cancel button, and read the
// results the engine renders with the templ components (report, confusion
// matrix, ROC curve, top features). Then look at misclassified documents,
// explain single predictions, label an unlabeled file (CSV download), and
// compare every run on the results board. The settings, the chosen test file,
// the board and the last trained model (classic.save, with its rendered
// results) are kept in IndexedDB, so a reload restores them without
// training again. "Averaged word vectors" features fetch Textlab's word
// vectors from this origin once per visit and hand them to the engine
// (classic.vectors). User text reaches the DOM only through textContent or
// escaped templ output.
import { wireJob, showFragment, showError } from "../ui.js";
import * as store from "../store.js";

const SETTINGS = "classic.settings"; // the form's values
const TESTFILE = "classic.testfile"; // {name, bytes: Uint8Array}
const MODEL = "classic.model"; // {run: classic.save's string, embed, html, method, dataset, time}
const VECTORS_URL = "static/models/wink-glove-100d-int8.bin";

const $ = (id) => document.getElementById(id);

let engine;
let testFile = null; // {name, bytes} for evaluation "testset"
let applyFile = null; // {name, bytes} of the unlabeled file
let trained = null; // {version} of the data the engine's model was trained on
let downloadURL = null;
let vectorsPromise = null; // the word vectors' download and classic.vectors, once
const vectorsListeners = new Set(); // progress callbacks of those waiting for it

/** init wires the page; it is called once the engine is ready. */
export async function init(e) {
  engine = e;
  const form = $("classic-form");
  form.addEventListener("submit", (ev) => ev.preventDefault());
  form.addEventListener("change", () => settingsChanged());
  form.addEventListener("input", (ev) => {
    if (ev.target.matches('input[type="number"]')) settingsChanged();
  });
  for (const b of form.querySelectorAll("[data-test-size]")) {
    b.addEventListener("click", () => {
      form.querySelector('input[name="eval"][value="holdout"]').checked = true;
      $("classic-test-size").value = b.dataset.testSize;
      settingsChanged();
    });
  }
  $("classic-test-file").addEventListener("change", chooseTestFile);
  $("classic-show-mis").addEventListener("click", () => showMisclassified(0));
  $("classic-mis").addEventListener("click", misClick);
  $("classic-explain-btn").addEventListener("click", () => explain({ text: $("classic-explain-text").value }));
  $("classic-apply-file").addEventListener("change", chooseApplyFile);
  $("classic-apply-btn").addEventListener("click", predict);
  $("classic-board-clear").addEventListener("click", async () => {
    try {
      await store.clearRuns();
    } catch (err) {
      showError($("classic-error"), `The board could not be cleared: ${err.message}`);
    }
  });
  document.addEventListener("textlab:board", () => renderBoard());
  document.addEventListener("textlab:data", (ev) => dataChanged(ev.detail));
  wireJob("classic-train", train);

  const saved = await store.get(SETTINGS).catch(() => undefined);
  if (saved) restore(saved);
  const tf = await store.get(TESTFILE).catch(() => undefined);
  if (tf?.bytes) {
    testFile = tf;
    $("classic-test-name").textContent = `Test file: ${tf.name}`;
  }
  const section = $("data");
  dataChanged({ loaded: Boolean(section?.dataset.loaded), name: section?.dataset.loaded ?? "" });
  settingsChanged(false);
  await renderBoard();
  await restoreRun();
  $("classic").dataset.ready = "true";
}

// --- the form ----------------------------------------------------------------

const NUMBERS = ["test_size", "folds", "seed", "ngram_min", "ngram_max", "min_df", "max_df", "max_features", "C", "alpha", "trees", "max_depth", "hidden"];

/** settings reads the form. */
function settings() {
  const f = $("classic-form").elements;
  const s = {
    eval: f.eval.value || "holdout",
    stratify: f.stratify.checked,
    features: f.features.value,
    sublinear: f.sublinear.checked,
    stop_words: f.stop_words.checked,
    model: f.model.value,
  };
  for (const n of NUMBERS) s[n] = f[n].value;
  return s;
}

function restore(s) {
  const f = $("classic-form").elements;
  const radio = [...f.eval].find((r) => r.value === s.eval);
  if (radio) radio.checked = true;
  f.stratify.checked = s.stratify !== false;
  f.sublinear.checked = Boolean(s.sublinear);
  f.stop_words.checked = Boolean(s.stop_words);
  for (const [name, v] of [["features", s.features], ["model", s.model]]) {
    const opt = [...f[name].options].find((o) => o.value === v && !o.disabled);
    if (opt) f[name].value = v;
  }
  for (const n of NUMBERS) if (s[n] !== undefined && s[n] !== "") f[n].value = s[n];
}

/** payload turns the form into the engine's classic.train payload. */
function payload(s) {
  const num = (v) => (v === "" ? 0 : Number(v));
  return {
    eval: { kind: s.eval, test_size: num(s.test_size), folds: num(s.folds), stratify: s.stratify },
    features: {
      kind: s.features, ngram_min: num(s.ngram_min), ngram_max: num(s.ngram_max), min_df: num(s.min_df),
      max_df: num(s.max_df), max_features: num(s.max_features), sublinear: s.sublinear, stop_words: s.stop_words,
    },
    model: { kind: s.model, C: num(s.C), alpha: num(s.alpha), trees: num(s.trees), max_depth: num(s.max_depth), hidden: num(s.hidden) },
    seed: num(s.seed),
    test_name: testFile?.name ?? "",
  };
}

let describeSeq = 0;

/** settingsChanged shows the fields that apply, saves the settings and
 * shows the settings line the engine writes for them. */
async function settingsChanged(save = true) {
  const s = settings();
  for (const el of document.querySelectorAll("#classic-form [data-eval]")) el.hidden = el.dataset.eval !== s.eval;
  for (const el of document.querySelectorAll("#classic-form [data-model]")) {
    el.hidden = !el.dataset.model.split(" ").includes(s.model);
  }
  for (const el of document.querySelectorAll("#classic-form [data-feat]")) {
    el.hidden = el.dataset.feat === "tfidf" ? s.features !== "tfidf" : s.features === "embed";
  }
  for (const b of document.querySelectorAll("#classic-form [data-test-size]")) {
    b.setAttribute("aria-pressed", String(s.eval === "holdout" && b.dataset.testSize === s.test_size));
  }
  $("classic-stratify").closest("label").lastChild.textContent = s.eval === "kfold"
    ? " Stratified (keep class shares in every fold)"
    : " Stratified (keep class shares in every part)";
  if (save) store.set(SETTINGS, s).catch(() => {});
  if (s.features === "embed") loadVectors().catch(() => {}); // the status line shows the error
  const seq = ++describeSeq;
  try {
    const r = await engine.call("classic.describe", payload(s));
    if (seq === describeSeq) $("classic-settings").textContent = `Settings: ${r.settings}`;
  } catch (err) {
    if (seq === describeSeq) $("classic-settings").textContent = err.message;
  }
}

async function chooseTestFile() {
  const input = $("classic-test-file");
  const file = input.files?.[0];
  input.value = "";
  if (!file) return;
  try {
    const bytes = new Uint8Array(await file.arrayBuffer());
    testFile = { name: file.name, bytes };
    $("classic-test-name").textContent = `Test file: ${file.name}`;
    await store.set(TESTFILE, testFile).catch(() => {});
    settingsChanged();
  } catch (err) {
    showError($("classic-error"), `${file.name}: the browser could not read the file (${err.message}).`);
  }
}

// --- training ----------------------------------------------------------------

function dataChanged(detail) {
  $("classic-nodata").hidden = Boolean(detail?.loaded);
  $("classic-data-status").textContent = detail?.loaded
    ? `Training on ${detail.name}, as loaded on the Data page.`
    : "";
  if (trained && detail?.version && detail.version !== trained.version) {
    $("classic-data-status").textContent += " The results below are from the data set loaded before: train again to update them.";
  }
}

async function train({ signal, onProgress }) {
  const error = $("classic-error");
  error.hidden = true;
  const s = settings();
  if (s.eval === "testset" && !testFile) {
    throw Object.assign(new Error("Choose a test file first (or pick a hold-out split or k-fold)."), { code: "bad_request" });
  }
  if (s.features === "embed") await loadVectors(onProgress);
  const r = await engine.call("classic.train", payload(s), {
    signal, onProgress, data: s.eval === "testset" ? testFile.bytes : undefined,
  });
  showFragment("classic-result", r);
  trained = { version: r.version };
  const section = $("data");
  dataChanged({ loaded: Boolean(section?.dataset.loaded), name: section?.dataset.loaded ?? "", version: r.version });
  $("classic-interpret").hidden = false;
  $("classic-apply").hidden = false;
  $("classic-mis").replaceChildren();
  $("classic-explain").replaceChildren();
  await keepRun(r);
  try {
    await store.addRun({
      page: "classic",
      dataset: r.dataset,
      split: r.split,
      method: r.method,
      settings: r.settings,
      seed: r.seed,
      metrics: r.metrics,
    });
  } catch (err) {
    showError(error, `The run could not be added to the results board: ${err.message}`);
  }
  const acc = r.metrics.accuracy.toFixed(3);
  return `Done: accuracy ${acc}${r.kfold ? ` (mean of ${r.folds} folds)` : ""}, fit in ${r.fit_seconds.toFixed(2)} s.`;
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
  const status = $("classic-vectors-status");
  const bar = $("classic-vectors-progress");
  const msg = $("classic-vectors-msg");
  const report = (fraction, text) => {
    bar.value = fraction;
    msg.textContent = text;
    for (const l of vectorsListeners) l(fraction, text);
  };
  const mb = (n) => (n / 1e6).toFixed(1);
  status.hidden = false;
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
    report(1, `Word vectors loaded: ${r.words.toLocaleString("en")} words, ${r.dim} dimensions (GloVe, int8).`);
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

/** keepRun stores the engine's trained model and the rendered results, so
 * that a reload restores them. When that fails, the older stored run is
 * removed (it would no longer match the results on screen). */
async function keepRun(r) {
  try {
    const saved = await engine.call("classic.save", {});
    await store.set(MODEL, { run: saved.run, embed: saved.embed, html: r.html, method: r.method, dataset: r.dataset, time: new Date().toISOString() });
  } catch (err) {
    await store.del(MODEL).catch(() => {});
    showError($("classic-error"), `The trained model could not be kept for your next visit (${err.message}); it works until you reload the page.`);
  }
}

/** restoreRun loads the stored run back into the engine and shows its
 * results again. */
async function restoreRun() {
  const saved = await store.get(MODEL).catch(() => undefined);
  if (!saved?.run) return;
  try {
    if (saved.embed) await loadVectors();
    await engine.call("classic.restore", {}, { data: new TextEncoder().encode(saved.run) });
  } catch (err) {
    showError($("classic-error"), `The model trained before the reload could not be restored (${err.message}). Train again.`);
    return;
  }
  showFragment("classic-result", { html: saved.html });
  const note = document.createElement("p");
  note.className = "muted classic-note";
  note.dataset.restored = "true";
  const when = new Date(saved.time);
  note.textContent = `Restored from your last visit: ${saved.method} on ${saved.dataset}, trained ${Number.isNaN(when.getTime()) ? "earlier" : when.toLocaleString("en")}.`;
  $("classic-result").prepend(note);
  $("classic-interpret").hidden = false;
  $("classic-apply").hidden = false;
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
    const text = $("classic-apply-text");
    const id = $("classic-apply-id");
    text.replaceChildren(...r.columns.map((c) => new Option(c, c)));
    id.replaceChildren(new Option("(none: row numbers)", ""), ...r.columns.map((c) => new Option(c, c)));
    text.value = r.text;
    id.value = r.id ?? "";
    text.disabled = id.disabled = false;
    $("classic-apply-btn").disabled = false;
    $("classic-apply-msg").textContent = `${file.name}: ${r.rows} rows, ${r.columns.length} columns. Pick the text column, then predict.`;
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
    a.textContent = `Download ${r.file} again`;
    $("classic-apply-msg").textContent = `Predicted ${r.n} texts of ${applyFile.name} with ${r.method}.`;
    a.click();
  } catch (err) {
    showError(error, err.message);
  } finally {
    button.disabled = false;
  }
}

// --- the results board -------------------------------------------------------------

async function renderBoard() {
  try {
    const runs = await store.listRuns();
    const r = await engine.call("board.render", { runs });
    showFragment("classic-board", r);
    $("classic-board-clear").disabled = runs.length === 0;
  } catch (err) {
    showError($("classic-error"), `The results board could not be shown: ${err.message}`);
  }
}
