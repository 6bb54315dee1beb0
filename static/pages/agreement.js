// The agreement page: load a coder file (or the worked example), pick the
// format, columns, level and weights, and show every agreement statistic
// the engine computes (agreement.* methods). The file and the settings are
// kept in IndexedDB, so a reload restores them; a file that cannot be used
// never replaces the one loaded before.
import { wireJob, showFragment, showError } from "../ui.js";
import * as store from "../store.js";

const FILE_KEY = "agreement.file"; // {name, bytes} or {example: true}
const SETTINGS_KEY = "agreement.settings"; // the form, plus {boot: {on, resamples, seed}}

const $ = (id) => document.getElementById(id);

/** init wires the page once the engine is ready, and restores what the
 * user loaded before the last reload. */
export async function init(engine) {
  const root = document.querySelector("#agreement .agr");
  if (!root) return;
  const el = {
    file: $("agreement-file"),
    drop: $("agreement-drop"),
    example: $("agreement-example"),
    clear: $("agreement-clear"),
    status: $("agreement-file-status"),
    error: $("agreement-error"),
    form: $("agreement-form"),
    fields: $("agreement-fields"),
    format: $("agreement-format"),
    unit: $("agreement-unit"),
    coders: $("agreement-coders"),
    coder: $("agreement-coder"),
    code: $("agreement-code"),
    level: $("agreement-level"),
    weights: $("agreement-weights"),
    missing: $("agreement-missing"),
    bootOn: $("agreement-boot-on"),
    bootFields: $("agreement-boot-fields"),
    resamples: $("agreement-resamples"),
    seed: $("agreement-seed"),
  };

  let current = null; // the last result shown: {name, rows, columns, settings, …}
  let seq = 0; // the latest request; older answers are ignored

  const setState = (s) => (root.dataset.state = s);

  function clearError() {
    el.error.hidden = true;
    el.error.textContent = "";
  }

  // --- the form ----------------------------------------------------------

  function option(select, value, label) {
    const o = document.createElement("option");
    o.value = value;
    o.textContent = label;
    select.append(o);
  }

  /** fill puts a file's columns and the settings into the form. Column
   * names are user text: they go in through textContent and value only. */
  function fill(columns, s) {
    for (const sel of [el.unit, el.coder, el.code]) sel.replaceChildren();
    if (s.format !== "long") option(el.unit, "", "(none: number the rows)");
    for (const c of columns) {
      option(el.unit, c, c);
      option(el.coder, c, c);
      option(el.code, c, c);
    }
    el.format.value = s.format === "long" ? "long" : "wide";
    el.unit.value = s.unit ?? "";
    el.coder.value = s.coder ?? "";
    el.code.value = s.code ?? "";
    el.coders.replaceChildren();
    const chosen = new Set(s.coders ?? []);
    for (const c of columns) {
      const label = document.createElement("label");
      label.className = "agr-check";
      const box = document.createElement("input");
      box.type = "checkbox";
      box.value = c;
      box.checked = chosen.has(c);
      box.disabled = c === s.unit;
      label.append(box, document.createTextNode(" " + c));
      el.coders.append(label);
    }
    if (s.level) el.level.value = s.level;
    if (s.weights) el.weights.value = s.weights;
    if (typeof s.missing === "string") el.missing.value = s.missing;
    showFormat();
  }

  function showFormat() {
    const long = el.format.value === "long";
    for (const row of root.querySelectorAll(".agr-wide-only")) row.hidden = long;
    for (const row of root.querySelectorAll(".agr-long-only")) row.hidden = !long;
  }

  function readSettings() {
    return {
      format: el.format.value,
      unit: el.unit.value,
      coders: [...el.coders.querySelectorAll("input:checked")].map((b) => b.value),
      coder: el.coder.value,
      code: el.code.value,
      level: el.level.value,
      weights: el.weights.value,
      missing: el.missing.value,
    };
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

  // --- results -------------------------------------------------------------

  function show(r) {
    current = r;
    showFragment("agreement-results", r);
    fill(r.columns, r.settings);
    el.fields.disabled = false;
    el.clear.disabled = false;
    const cols = r.columns.length;
    const text = `${r.name}: ${r.rows} row${r.rows === 1 ? "" : "s"}, ${cols} columns.`;
    const notes = (r.notes ?? []).map((n) => {
      const span = document.createElement("span");
      span.className = "agr-note";
      span.textContent = n;
      return span;
    });
    el.status.replaceChildren(text, ...notes);
    clearError();
    setState("done");
  }

  /** fail shows a message and puts the form back to the settings of the
   * results on screen, which stay. */
  function fail(err, prefix = "") {
    showError(el.error, prefix + err.message);
    if (current) fill(current.columns, current.settings);
    setState("error");
  }

  /** run calls an engine method and shows its result, unless a newer
   * request started meanwhile. */
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

  // --- loading -------------------------------------------------------------

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

  el.file.addEventListener("change", () => {
    loadFile(el.file.files[0]);
    el.file.value = ""; // choosing the same file again loads it again
  });
  el.drop.addEventListener("dragover", (ev) => {
    ev.preventDefault();
    el.drop.classList.add("over");
  });
  el.drop.addEventListener("dragleave", () => el.drop.classList.remove("over"));
  el.drop.addEventListener("drop", (ev) => {
    ev.preventDefault();
    el.drop.classList.remove("over");
    loadFile(ev.dataTransfer?.files?.[0]);
  });
  el.example.addEventListener("click", loadExample);

  el.clear.addEventListener("click", async () => {
    seq++;
    current = null;
    try {
      await engine.call("agreement.clear", {});
      await store.del(FILE_KEY);
    } catch (err) {
      showError(el.error, err.message);
      return;
    }
    el.fields.disabled = true;
    el.clear.disabled = true;
    for (const sel of [el.unit, el.coder, el.code]) sel.replaceChildren();
    el.coders.replaceChildren();
    el.status.textContent = "No file loaded.";
    const p = document.createElement("p");
    p.className = "muted";
    p.textContent = "Load a coder file or the worked example to see the agreement statistics.";
    $("agreement-results").replaceChildren(p);
    clearError();
    setState("idle");
  });

  // --- settings changes ----------------------------------------------------

  async function recompute() {
    if (!current) return;
    const settings = readSettings();
    try {
      await run("agreement.compute", { settings });
      await saveSettings(settings);
    } catch {
      // shown, and the form is back at the settings on screen
    }
  }

  el.format.addEventListener("change", () => {
    const cols = current?.columns ?? [];
    const s = readSettings();
    if (s.format === "long") {
      const free = (taken) => cols.find((c) => !taken.includes(c)) ?? "";
      s.unit = s.unit || cols[0] || "";
      s.coder = s.coder && s.coder !== s.unit ? s.coder : free([s.unit]);
      s.code = s.code && ![s.unit, s.coder].includes(s.code) ? s.code : free([s.unit, s.coder]);
    } else {
      s.coders = cols.filter((c) => c !== s.unit);
    }
    fill(cols, s);
    recompute();
  });
  el.unit.addEventListener("change", () => {
    const s = readSettings();
    s.coders = s.coders.filter((c) => c !== s.unit);
    fill(current?.columns ?? [], s);
    recompute();
  });
  for (const input of [el.coders, el.coder, el.code, el.level, el.weights, el.missing]) {
    input.addEventListener("change", recompute);
  }
  el.form.addEventListener("submit", (ev) => {
    ev.preventDefault();
    recompute();
  });

  // --- bootstrap -------------------------------------------------------------

  el.bootOn.addEventListener("change", () => {
    el.bootFields.hidden = !el.bootOn.checked;
    if (current) saveSettings(current.settings);
  });
  for (const input of [el.resamples, el.seed]) {
    input.addEventListener("change", () => current && saveSettings(current.settings));
  }

  wireJob("agreement-bootstrap", async ({ signal, onProgress }) => {
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
  });

  // --- restore what was loaded before the reload ----------------------------

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
  if (settings) delete settings.boot;
  if (settings) fill([], settings);
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
