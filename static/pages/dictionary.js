// The dictionary page: choose a lexicon (VADER, AFINN-111, Bing, or the
// user's own .dic/CSV file), try it on a typed text, score the loaded data
// set, turn the scores into labels with a rule and evaluate them against the
// gold labels. This module only wires the DOM: the engine decides which
// rules fit the dictionary and which label each outcome predicts
// (dictionary.rule), and renders every result and form control with the
// templ components; user text only ever reaches the DOM through textContent
// or escaped templ output. The chosen dictionary (and an uploaded file), the
// typed text and the rule the user set for each dictionary are kept in
// the browser's storage (static/store.js), so a reload restores them until
// the user clears them ("Clear dictionary data"). Until the user sets a rule, the
// engine's defaults for the dictionary and the loaded data set's labels
// apply (lexicon.DefaultSettings), and follow a new data set.
import { wireJob, showFragment, showError } from "../ui.js";
import * as store from "../store.js";

const CHOICE = "dictionary.choice"; // {source, name?, bytes?: Uint8Array}
const UPLOAD = "dictionary.upload"; // the last uploaded file: {name, bytes}
const RULES = "dictionary.rules"; // {[dictionary name]: lexicon.RuleSettings the user set}
const TEXT = "dictionary.text"; // the typed text

const $ = (id) => document.getElementById(id);

let engine;
let loaded = false; // whether a dictionary is active
let scored = null; // {version}: the data set version last scored
let dictName = ""; // the active dictionary's name
let rules = {}; // the rules the user set, by dictionary name
let lastRun = null; // the last evaluation's run, ready for board.add
let ruleCalls = 0; // dictionary.rule calls made, so only the latest answer is shown

/** init wires the page; it is called once the engine is ready. */
export async function init(e) {
  engine = e;
  for (const radio of document.querySelectorAll('input[name="dict-source"]')) {
    radio.addEventListener("change", () => chooseSource(radio.value));
  }
  $("dict-file").addEventListener("change", uploadFile);
  $("dict-try").addEventListener("click", tryText);
  $("dict-rule-kind").addEventListener("change", () => fitRule({ reset: true, save: true }));
  $("dict-rule-category").addEventListener("change", () => fitRule({ save: true }));
  $("dict-rule-neutral").addEventListener("change", () => fitRule({ save: true }));
  $("dict-rule-threshold").addEventListener("input", () => fitRule({ save: true }));
  // The mapping's selects are replaced with each answer: listen on their
  // box (capturing, so every change is heard).
  $("dict-mapping").addEventListener("change", () => fitRule({ save: true }), true);
  $("dict-rule").addEventListener("submit", (ev) => {
    ev.preventDefault();
    evaluate();
  });
  $("dict-add-board").addEventListener("click", addToBoard);
  $("dict-clear").addEventListener("click", () => clearStored().catch((err) =>
    showError($("dict-error"), `Could not clear the dictionary data: ${err.message}`)));
  document.addEventListener("textlab:data", (ev) => dataChanged(ev.detail));
  wireJob("dict-score", scoreDataset);

  const text = await store.get(TEXT).catch(() => undefined);
  if (typeof text === "string") $("dict-text").value = text;
  const saved = await store.get(RULES).catch(() => undefined);
  if (saved && typeof saved === "object") rules = saved;

  const section = $("data");
  dataChanged({ loaded: Boolean(section?.dataset.loaded), name: section?.dataset.loaded ?? "" });

  // A restarted engine worker lost the active dictionary: load it again.
  document.addEventListener("textlab:engine-restarted", (ev) => {
    if (ev.detail.worker === 0) loadChosen();
  });
  await loadChosen();
  $("dictionary").dataset.ready = "true";
}

/** loadChosen makes the dictionary chosen before (kept in the browser's
 * storage) the active one, or VADER. */
async function loadChosen() {
  const choice = await store.get(CHOICE).catch(() => undefined);
  const ok = choice?.source ? await load(choice.source, choice.name, choice.bytes, { quiet: true }) : false;
  if (!ok) await load("vader", "", undefined);
}

// --- the dictionary ------------------------------------------------------------

/** load makes a dictionary the active one; a failure leaves the previous
 * one active (and its radio checked) and says why. */
async function load(source, name, bytes, { quiet = false, save = false } = {}) {
  const error = $("dict-error");
  try {
    const r = await engine.call("dictionary.load", { source, name: name ?? "" }, { data: bytes });
    loaded = true;
    error.hidden = true;
    error.textContent = "";
    showFragment("dict-info", r);
    checkRadio(source);
    $("dictionary").dataset.source = source;
    dictName = r.name;
    if (save) {
      await store.set(CHOICE, source === "upload" ? { source, name, bytes } : { source }).catch((err) =>
        showError(error, `The dictionary is active but could not be saved for the next visit: ${err.message}`));
    }
    await resetScores("", userRule() ?? {});
    await tryText();
    // Announced last, when the page shows everything of the new dictionary.
    $("dictionary").dataset.dictionary = r.name;
    return true;
  } catch (err) {
    if (!quiet) showError(error, err.message);
    checkRadio($("dictionary").dataset.source ?? "vader");
    return false;
  }
}

function checkRadio(source) {
  for (const radio of document.querySelectorAll('input[name="dict-source"]')) {
    radio.checked = radio.value === source;
  }
}

async function chooseSource(source) {
  if (source !== "upload") {
    await load(source, "", undefined, { save: true });
    return;
  }
  // Re-use the last uploaded file if there is one; otherwise ask for one.
  const upload = await store.get(UPLOAD).catch(() => undefined);
  if (upload?.bytes) {
    await load("upload", upload.name, upload.bytes, { save: true });
  } else {
    checkRadio($("dictionary").dataset.source ?? "vader");
    $("dict-file").click();
  }
}

async function uploadFile() {
  const input = $("dict-file");
  const file = input.files?.[0];
  if (!file) return;
  let bytes;
  try {
    bytes = new Uint8Array(await file.arrayBuffer());
  } catch (err) {
    showError($("dict-error"), `${file.name}: the file could not be read (${err.message}).`);
    return;
  } finally {
    input.value = ""; // choosing the same file again fires "change" again
  }
  if (await load("upload", file.name, bytes, { save: true })) {
    await store.set(UPLOAD, { name: file.name, bytes }).catch(() => {});
  }
}

/** trySeq counts the tries, so that only the latest one is shown. */
let trySeq = 0;

/** tryText scores the typed text with the active dictionary, and keeps
 * it (not an empty text or the page's example; a failed write shows in
 * the page's storage alert). */
async function tryText() {
  const text = $("dict-text").value;
  const error = $("dict-try-error");
  const typed = text && text !== $("dict-text").defaultValue; // the page's example text is not the user's
  (typed ? store.set(TEXT, text) : store.del(TEXT)).catch(() => {});
  if (!loaded) return;
  const seq = ++trySeq;
  try {
    const r = await engine.call("dictionary.try", { text });
    if (seq !== trySeq) return; // a newer try (new text or dictionary) answers instead
    error.hidden = true;
    showFragment("dict-try-result", r);
  } catch (err) {
    showError(error, err.message);
  }
}

/** clearStored forgets everything the page stored (the typed text, an
 * uploaded dictionary, the chosen dictionary and the rules set) in the
 * browser's storage and on screen, and makes VADER (with the page's
 * example text) active again (the
 * "Clear dictionary data" button; the storage panel's "Delete all of
 * Dictionary"). */
export async function clearStored() {
  for (const key of [TEXT, UPLOAD, CHOICE, RULES]) await store.del(key);
  rules = {};
  $("dict-text").value = $("dict-text").defaultValue; // the page's example, not kept
  $("dict-try-result").replaceChildren();
  for (const id of ["dict-error", "dict-try-error", "dict-eval-error"]) {
    $(id).hidden = true;
    $(id).textContent = "";
  }
  await load("vader", "", undefined);
}

// --- scoring the data set ----------------------------------------------------

function dataChanged(detail) {
  const status = $("dict-data-status");
  if (detail?.loaded) {
    status.textContent = `Loaded on the Data page: ${detail.name}. Score all its texts with the active dictionary.`;
  } else {
    status.textContent = "No data set is loaded yet: load a labeled CSV or a sample on the Data page, then score it here.";
  }
  // The mapping lists the new data set's labels (and the defaults follow
  // them until the user sets a rule).
  if (scored && (!detail?.loaded || detail.version !== scored.version)) {
    resetScores("The data set changed: score it again.", userRule() ?? {});
  } else {
    fitRule({ settings: userRule() ?? {} });
  }
}

async function scoreDataset({ signal, onProgress }) {
  const r = await engine.call("dictionary.score", { rows: 10 }, { signal, onProgress });
  scored = { version: r.version };
  showFragment("dict-score-result", r);
  clearEvaluation();
  $("dict-evaluate").disabled = false;
  await fitRule(); // the mapping now lists the data set's labels
  return `Scored ${r.n} texts of ${r.dataset} with ${r.dictionary}.`;
}

/** resetScores forgets the scoring shown (the dictionary or the data set
 * changed) and fits the rule form again, to settings if given. */
async function resetScores(message, settings) {
  scored = null;
  $("dict-score-result").replaceChildren();
  clearEvaluation();
  $("dict-evaluate").disabled = true;
  const msg = document.querySelector('[data-job="dict-score"] .job-message');
  if (msg) msg.textContent = message ?? "";
  await fitRule({ settings });
}

function clearEvaluation() {
  lastRun = null;
  $("dict-eval-result").replaceChildren();
  $("dict-add-board").disabled = true;
  $("dict-board-msg").textContent = "";
}

// --- the rule ----------------------------------------------------------------

/** userRule is the rule the user set for the active dictionary, or null. */
function userRule() {
  return rules[dictName] ?? null;
}

/** formRule reads the rule form (mapping entries of other rules kept). */
function formRule() {
  const mapping = { ...userRule()?.mapping };
  for (const sel of document.querySelectorAll("#dict-mapping select")) {
    mapping[sel.dataset.outcome] = sel.value;
  }
  return {
    kind: $("dict-rule-kind").value,
    category: $("dict-rule-category").value,
    threshold: Number($("dict-rule-threshold").value || "0"),
    neutral: $("dict-rule-neutral").checked,
    mapping,
  };
}

/** fitRule asks the engine to fit the rule form to the dictionary and the
 * loaded data set's labels (reset: the kind was just chosen; settings {}:
 * the defaults) and shows its answer; save keeps the fitted rule as the
 * user's, for the next visit. */
async function fitRule({ reset = false, save = false, settings = null } = {}) {
  if (!loaded) return;
  const fromForm = settings === null;
  if (fromForm) settings = formRule();
  const call = ++ruleCalls;
  let r;
  try {
    r = await engine.call("dictionary.rule", { ...settings, reset });
  } catch (err) {
    showError($("dict-eval-error"), err.message);
    return;
  }
  if (call !== ruleCalls) {
    // A newer answer is on its way; the user's change is kept all the same.
    if (save) saveRule();
    return;
  }
  const s = r.settings;
  // Labels picked in the form while the engine answered stay picked.
  const chosen = fromForm ? formRule().mapping : {};
  showFragment("dict-rule-kind", { html: r.kinds });
  showFragment("dict-rule-category", { html: r.categories });
  showFragment("dict-mapping", { html: r.mapping });
  for (const sel of document.querySelectorAll("#dict-mapping select")) {
    const label = chosen[sel.dataset.outcome];
    if (label !== undefined && [...sel.options].some((o) => o.value === label)) sel.value = label;
  }
  // A rule from storage (or a reset) is shown whole; from the form, only
  // what the engine changed is written back, never a number being typed.
  if (!fromForm || s.threshold !== settings.threshold) $("dict-rule-threshold").value = String(s.threshold);
  $("dict-rule-neutral").checked = s.neutral;
  $("dict-rule-category-field").hidden = !r.fields.category;
  $("dict-rule-threshold-field").hidden = !r.fields.threshold;
  $("dict-rule-neutral-field").hidden = !r.fields.neutral;
  if (save) saveRule();
}

function saveRule() {
  if (!dictName) return;
  rules = { ...rules, [dictName]: formRule() };
  store.set(RULES, rules).catch(() => {});
}

async function evaluate() {
  const error = $("dict-eval-error");
  const button = $("dict-evaluate");
  button.disabled = true;
  try {
    const r = await engine.call("dictionary.evaluate", formRule());
    error.hidden = true;
    showFragment("dict-eval-result", r);
    lastRun = r.run;
    $("dict-add-board").disabled = false;
    $("dict-board-msg").textContent = "";
  } catch (err) {
    showError(error, err.message);
  } finally {
    button.disabled = !scored;
  }
}

/** addToBoard puts the last evaluation on the engine's board and keeps it. */
async function addToBoard() {
  if (!lastRun) return;
  const msg = $("dict-board-msg");
  try {
    const added = await engine.call("board.add", { run: lastRun });
    await store.addRun(added.run);
    msg.textContent = `Added “${added.run.method}” to the results board.`;
    $("dict-add-board").disabled = true;
  } catch (err) {
    msg.textContent = `Could not add to the results board: ${err.message}`;
  }
}
