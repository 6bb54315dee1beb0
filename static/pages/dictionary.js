// The dictionary page: choose a lexicon (VADER, AFINN-111, Bing, or the
// user's own .dic/CSV file), try it on a typed text, score the loaded data
// set, turn the scores into labels with a rule and evaluate them against the
// gold labels. The engine renders every result with the templ components;
// user text only ever reaches the DOM through textContent or escaped templ
// output. The chosen dictionary (and an uploaded file), the typed text and
// the rule are kept in IndexedDB, so a reload restores them.
import { wireJob, showFragment, showError } from "../ui.js";
import * as store from "../store.js";

const CHOICE = "dictionary.choice"; // {source, name, bytes?: Uint8Array}
const RULE = "dictionary.rule"; // {kind, category, threshold, neutral, mapping}
const TEXT = "dictionary.text"; // the typed text

const $ = (id) => document.getElementById(id);

let engine;
let active = null; // {source, name, kind, categories, weighted}
let scored = null; // {dataset, version, labels, dictionary}
let lastEval = null; // the last evaluation result
let savedRule = null;

/** init wires the page; it is called once the engine is ready. */
export async function init(e) {
  engine = e;
  for (const radio of document.querySelectorAll('input[name="dict-source"]')) {
    radio.addEventListener("change", () => chooseSource(radio.value));
  }
  $("dict-file").addEventListener("change", uploadFile);
  $("dict-try").addEventListener("click", () => tryText());
  $("dict-rule-kind").addEventListener("change", () => ruleChanged(true));
  $("dict-rule-category").addEventListener("change", () => ruleChanged(false));
  $("dict-rule-threshold").addEventListener("input", () => ruleChanged(false));
  $("dict-rule-neutral").addEventListener("change", () => ruleChanged(false));
  $("dict-rule").addEventListener("submit", (ev) => {
    ev.preventDefault();
    evaluate();
  });
  $("dict-add-board").addEventListener("click", addToBoard);
  document.addEventListener("textlab:data", (ev) => dataChanged(ev.detail));
  wireJob("dict-score", scoreDataset);

  const text = await store.get(TEXT).catch(() => undefined);
  if (typeof text === "string") $("dict-text").value = text;
  savedRule = (await store.get(RULE).catch(() => undefined)) ?? null;

  const section = $("data");
  dataChanged({ loaded: Boolean(section?.dataset.loaded), name: section?.dataset.loaded ?? "" });

  const choice = await store.get(CHOICE).catch(() => undefined);
  let ok = false;
  if (choice?.source) {
    ok = await load(choice.source, choice.name, choice.bytes, { quiet: true });
  }
  if (!ok) await load("vader", "", undefined, {});
  $("dictionary").dataset.ready = "true";
}

/** load makes a dictionary the active one; a failure leaves the previous
 * one active (and its radio checked) and says why. */
async function load(source, name, bytes, { quiet = false, save = false } = {}) {
  const error = $("dict-error");
  try {
    const r = await engine.call("dictionary.load", { source, name: name ?? "" }, { data: bytes });
    active = { source, name: r.name, kind: r.kind, categories: r.categories ?? [], weighted: r.weighted };
    error.hidden = true;
    error.textContent = "";
    showFragment("dict-info", r);
    checkRadio(source);
    $("dictionary").dataset.dictionary = r.name;
    if (save) {
      await store.set(CHOICE, source === "upload" ? { source, name, bytes } : { source }).catch((err) =>
        showError(error, `The dictionary is active but could not be saved for the next visit: ${err.message}`));
    }
    resetScores();
    setupRule();
    await tryText();
    return true;
  } catch (err) {
    if (!quiet) showError(error, err.message);
    checkRadio(active?.source ?? "vader");
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
  const choice = await store.get("dictionary.upload").catch(() => undefined);
  if (choice?.bytes) {
    await load("upload", choice.name, choice.bytes, { save: true });
  } else {
    checkRadio(active?.source ?? "vader");
    $("dict-file").click();
  }
}

async function uploadFile() {
  const input = $("dict-file");
  const file = input.files?.[0];
  if (!file) return;
  const error = $("dict-error");
  let bytes;
  try {
    bytes = new Uint8Array(await file.arrayBuffer());
  } catch (err) {
    showError(error, `${file.name}: the file could not be read (${err.message}).`);
    return;
  } finally {
    input.value = ""; // choosing the same file again fires "change" again
  }
  if (await load("upload", file.name, bytes, { save: true })) {
    await store.set("dictionary.upload", { name: file.name, bytes }).catch(() => {});
  }
}

/** tryText scores the typed text with the active dictionary. */
async function tryText() {
  const text = $("dict-text").value;
  const error = $("dict-try-error");
  store.set(TEXT, text).catch(() => {});
  if (!active) return;
  try {
    const r = await engine.call("dictionary.try", { text });
    error.hidden = true;
    showFragment("dict-try-result", r);
  } catch (err) {
    showError(error, err.message);
  }
}

// --- scoring the data set ----------------------------------------------------

function dataChanged(detail) {
  const status = $("dict-data-status");
  if (detail?.loaded) {
    status.textContent = `Loaded on the Data page: ${detail.name}. Score all its texts with the active dictionary.`;
  } else {
    status.textContent = "No data set is loaded yet: load a labeled CSV or a sample on the Data page, then score it here.";
  }
  if (scored && (!detail?.loaded || detail.version !== scored.version)) {
    resetScores("The data set changed: score it again.");
  }
}

async function scoreDataset({ signal, onProgress }) {
  const r = await engine.call("dictionary.score", { rows: 10 }, { signal, onProgress });
  scored = { dataset: r.dataset, version: r.version, labels: r.labels ?? [], dictionary: r.dictionary };
  showFragment("dict-score-result", r);
  $("dict-eval-result").replaceChildren();
  lastEval = null;
  $("dict-add-board").disabled = true;
  $("dict-evaluate").disabled = false;
  renderMapping();
  return `Scored ${r.n} texts of ${r.dataset} with ${r.dictionary}.`;
}

function resetScores(message) {
  scored = null;
  lastEval = null;
  $("dict-score-result").replaceChildren();
  $("dict-eval-result").replaceChildren();
  $("dict-evaluate").disabled = true;
  $("dict-add-board").disabled = true;
  $("dict-board-msg").textContent = "";
  const msg = document.querySelector('[data-job="dict-score"] .job-message');
  if (msg) msg.textContent = message ?? "";
  renderMapping();
}

// --- the rule ----------------------------------------------------------------

const KINDS = {
  compound: { vader: true, list: false },
  share: { vader: false, list: true },
  score: { vader: false, list: true, weighted: true },
  majority: { vader: false, list: true },
};

function allowed(kind) {
  if (!active) return false;
  const k = KINDS[kind];
  if (active.kind === "vader") return k.vader;
  return k.list && (!k.weighted || active.weighted);
}

/** setupRule adapts the rule form to the active dictionary, restoring the
 * saved rule where it fits. */
function setupRule() {
  const kind = $("dict-rule-kind");
  for (const opt of kind.options) opt.disabled = !allowed(opt.value);
  const cat = $("dict-rule-category");
  cat.replaceChildren(...(active?.categories ?? []).map((c) => new Option(c, c)));
  const rule = savedRule;
  if (rule && allowed(rule.kind)) {
    kind.value = rule.kind;
    if (rule.category && active.categories.includes(rule.category)) cat.value = rule.category;
    $("dict-rule-threshold").value = String(rule.threshold ?? 0);
    $("dict-rule-neutral").checked = Boolean(rule.neutral);
    ruleChanged(false, false);
  } else {
    kind.value = active?.kind === "vader" ? "compound" : "majority";
    if (active?.categories.includes("positive")) cat.value = "positive";
    ruleChanged(true, false);
  }
}

function ruleChanged(kindChanged, save = true) {
  const kind = $("dict-rule-kind").value;
  if (kindChanged) {
    $("dict-rule-threshold").value = kind === "compound" ? "0.05" : kind === "share" ? "0.05" : "0";
    $("dict-rule-neutral").checked = kind === "compound";
  }
  $("dict-rule-category-field").hidden = kind !== "share";
  $("dict-rule-threshold-field").hidden = kind === "majority";
  $("dict-rule-neutral-field").hidden = kind === "share" || kind === "majority";
  renderMapping();
  if (save) saveRule();
}

/** outcomes lists what the rule can output, with a description for people. */
function outcomes() {
  const kind = $("dict-rule-kind").value;
  if (kind === "majority") {
    return [...(active?.categories ?? []).map((c) => [c, `most matches in “${c}”`]), ["no match", "no word matched"]];
  }
  const t = $("dict-rule-threshold").value || "0";
  const what = kind === "compound" ? "compound" : kind === "score" ? "score" : `${$("dict-rule-category").value} share`;
  if (kind !== "share" && $("dict-rule-neutral").checked) {
    return [["above", `${what} ≥ ${t}`], ["below", `${what} ≤ −${t}`], ["neutral", "in between"]];
  }
  return [["above", `${what} ≥ ${t}`], ["below", `${what} < ${t}`]];
}

function guess(outcome, labels) {
  const lower = labels.map((l) => l.toLowerCase());
  const exact = lower.indexOf(outcome.toLowerCase());
  if (exact >= 0) return labels[exact];
  const prefix = { above: "pos", below: "neg", neutral: "neu" }[outcome] ?? outcome.toLowerCase().slice(0, 3);
  const i = lower.findIndex((l) => l.startsWith(prefix));
  return i >= 0 ? labels[i] : "";
}

function currentMapping() {
  const mapping = {};
  for (const sel of document.querySelectorAll("#dict-mapping select")) {
    mapping[sel.dataset.outcome] = sel.value;
  }
  return mapping;
}

/** renderMapping builds one select per outcome, listing the data set's
 * labels (built with DOM calls: the label names are user text). */
function renderMapping() {
  const box = $("dict-mapping");
  if (!scored) {
    const p = document.createElement("p");
    p.className = "muted";
    p.textContent = "Score a data set first: its labels appear here.";
    box.replaceChildren(p);
    return;
  }
  const previous = { ...(savedRule?.mapping ?? {}), ...currentMapping() };
  const rows = outcomes().map(([outcome, text], i) => {
    const row = document.createElement("div");
    row.className = "dict-map-row";
    const label = document.createElement("label");
    label.htmlFor = `dict-map-${i}`;
    label.textContent = `${text} →`;
    const sel = document.createElement("select");
    sel.id = `dict-map-${i}`;
    sel.dataset.outcome = outcome;
    sel.append(new Option(`no label (predict “${outcome}”, always wrong)`, ""));
    for (const l of scored.labels) sel.append(new Option(l, l));
    const want = previous[outcome];
    sel.value = want !== undefined && (want === "" || scored.labels.includes(want)) ? want : guess(outcome, scored.labels);
    sel.addEventListener("change", saveRule);
    row.append(label, sel);
    return row;
  });
  box.replaceChildren(...rows);
}

function ruleSettings() {
  const kind = $("dict-rule-kind").value;
  return {
    kind,
    category: $("dict-rule-category").value,
    threshold: Number($("dict-rule-threshold").value || "0"),
    neutral: kind !== "share" && kind !== "majority" && $("dict-rule-neutral").checked,
    mapping: scored ? currentMapping() : savedRule?.mapping ?? {},
  };
}

function saveRule() {
  savedRule = ruleSettings();
  store.set(RULE, savedRule).catch(() => {});
}

async function evaluate() {
  const error = $("dict-eval-error");
  const button = $("dict-evaluate");
  if (!Number.isFinite(Number($("dict-rule-threshold").value || "0"))) {
    showError(error, "The threshold must be a number, like 0.05.");
    return;
  }
  saveRule();
  button.disabled = true;
  try {
    const r = await engine.call("dictionary.evaluate", ruleSettings());
    error.hidden = true;
    lastEval = r;
    showFragment("dict-eval-result", r);
    $("dict-add-board").disabled = false;
    $("dict-board-msg").textContent = "";
  } catch (err) {
    showError(error, err.message);
  } finally {
    button.disabled = !scored;
  }
}

async function addToBoard() {
  if (!lastEval) return;
  const msg = $("dict-board-msg");
  try {
    await store.addRun({
      page: "dictionary",
      dataset: lastEval.dataset,
      split: `all ${lastEval.n} texts (a dictionary is not trained)`,
      method: lastEval.method,
      settings: lastEval.settings,
      seed: null,
      metrics: lastEval.metrics,
    });
    msg.textContent = `Added “${lastEval.method}” to the results board.`;
    $("dict-add-board").disabled = true;
  } catch (err) {
    msg.textContent = `Could not add to the results board: ${err.message}`;
  }
}
