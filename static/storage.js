// The storage panel (About page, ui.StoragePanel): lists what Textlab keeps
// in this browser, by page, with sizes and the site's usage against the
// browser's quota (the list is rendered by the engine, storage.render), and
// deletes one item, one page's items (with the page's own clear, so the
// page and the engine forget them too) or everything (after a
// confirmation: every worker's store is emptied, store.js removes every
// database, file and cache of the user's, and the page reloads).
//
// A whole study in one file: "Export study" reads every item the registry
// names (records, and large files from OPFS) and has the engine write them
// into a study file (study.export; static/store.js records become study
// items as wasm/study's package doc says); "Import study" has the engine
// check a file whole (study.import), shows what it holds, and after a
// confirmation writes every item at once (store.setMany: large files to new
// OPFS files first, then one IndexedDB transaction, so a failure keeps
// everything as it was) and reloads the page.
//
// A failed write anywhere (the quota) is shown in the alert at the top of
// the page ("textlab:storage" events from static/store.js).
import * as store from "./store.js";
import { showFragment, showError } from "./ui.js";

const $ = (id) => document.getElementById(id);

let engine;
let pages = {}; // page id → {clearStored()}: the pages' own clear buttons
let pending = null; // a scheduled refresh
let stale = false; // something changed since the list was drawn

/** init wires the panel; pages maps a page id to its module (whose
 * clearStored() clears what the page stored, on screen and in the engine). */
export async function init(e, p) {
  engine = e;
  pages = p;
  $("storage-list").addEventListener("click", click);
  $("storage-refresh").addEventListener("click", refresh);
  $("storage-wipe").addEventListener("click", () => {
    $("storage-confirm").hidden = false;
    $("storage-confirm").querySelector('[data-confirm="yes"]').focus();
  });
  $("storage-confirm").addEventListener("click", confirmClick);
  $("study-export").addEventListener("click", exportStudy);
  $("study-file").addEventListener("change", pickStudy);
  $("study-confirm").addEventListener("click", confirmImport);
  $("storage-link").addEventListener("click", () => setTimeout(() => $("storage").scrollIntoView({ block: "start" }), 0));
  document.addEventListener("textlab:storage", (ev) => {
    const d = ev.detail ?? {};
    const alert = $("storage-alert");
    if (d.failed) showError(alert, `Not saved: ${d.message}.`);
    else if (d.changed && alert.dataset.key === d.changed) alert.hidden = true;
    if (d.failed) alert.dataset.key = d.failed;
    schedule();
  });
  window.addEventListener("hashchange", () => {
    if (stale) schedule();
  });
  await refresh();
}

/** schedule refreshes the list soon (many writes come together) when the
 * panel is on screen, or when it next comes on screen. */
function schedule() {
  stale = true;
  if ($("about").hidden) return;
  clearTimeout(pending);
  pending = setTimeout(refresh, 300);
}

/** refresh lists what is stored and the usage against the quota. */
export async function refresh() {
  stale = false;
  try {
    const listed = await store.list();
    const est = (await navigator.storage?.estimate?.().catch(() => null)) ?? {};
    const r = await engine.call("storage.render", {
      pages: listed,
      usage: Math.round(est.usage ?? 0),
      quota: Math.round(est.quota ?? 0),
      app_cache: Math.round(est.usageDetails?.caches ?? 0),
    });
    showFragment("storage-list", r);
    $("storage").dataset.ready = "true";
  } catch (err) {
    showError($("storage-error"), `The storage list could not be shown: ${err.message}`);
  }
}

async function click(ev) {
  const item = ev.target.closest("button[data-delete-key]");
  const page = ev.target.closest("button[data-delete-page]");
  if (!item && !page) return;
  $("storage-error").hidden = true;
  try {
    if (item) await store.remove(item.dataset.deleteKey);
    else await deletePage(page.dataset.deletePage);
  } catch (err) {
    showError($("storage-error"), `Could not delete: ${err.message}`);
  }
  await refresh();
}

/** deletePage clears one page's items: with the page's own clear button
 * when it has one (it forgets them on screen and in the engine too). */
async function deletePage(id) {
  if (pages[id]?.clearStored) {
    await pages[id].clearStored();
    return;
  }
  const listed = (await store.list()).find((p) => p.id === id);
  for (const it of listed?.items ?? []) await store.remove(it.key);
}

async function confirmClick(ev) {
  const b = ev.target.closest("button[data-confirm]");
  if (!b) return;
  $("storage-confirm").hidden = true;
  if (b.dataset.confirm !== "yes") {
    $("storage-wipe").focus();
    return;
  }
  await deleteEverything();
}

/** deleteEverything empties every engine worker's store, then deletes
 * everything the user's stored in this browser, then reloads the page so
 * that nothing of it stays on screen either. */
async function deleteEverything() {
  $("storage-wipe").disabled = true;
  try {
    await Promise.all(engine.workers.map((_, i) => engine.call("store.clear", {}, { worker: i })));
    await store.deleteEverything();
  } catch (err) {
    showError($("storage-error"), `Could not delete everything: ${err.message}. Try again, or clear this site's data in the browser's settings.`);
    $("storage-wipe").disabled = false;
    return;
  }
  location.hash = "#about";
  location.reload();
}

// --- a whole study in one file ----------------------------------------------

let studyURL = null; // the last exported file's object URL
let toImport = null; // store.setMany's entries of the study picked, until confirmed

/** studyItems turns one stored record into study items (wasm/study's
 * package doc): a record with bytes becomes a "bytes" item named as the
 * record (its file's name), plus a "json" item with its other fields; any
 * other value is one "json" item. */
function studyItems(reg, rec) {
  if (rec && typeof rec === "object" && ArrayBuffer.isView(rec.bytes)) {
    const { bytes, ...rest } = rec;
    const out = [{ page: reg.page, key: reg.key, kind: "bytes", name: typeof rec.name === "string" ? rec.name : "", bytes }];
    if (Object.keys(rest).length > 0) out.push({ page: reg.page, key: reg.key, kind: "json", value: rest });
    return out;
  }
  return [{ page: reg.page, key: reg.key, kind: "json", value: rec }];
}

/** studyPages groups items ({page, key, size}) by page for storage.study. */
function studyPages(items) {
  return store.PAGES.map((p) => ({
    id: p.id,
    title: p.title,
    items: items.filter((it) => (it.page === p.id || (p.id === "other" && !store.PAGES.some((q) => q.id === it.page)))).map((it) => ({ key: it.key, bytes: it.size })),
  })).filter((p) => p.items.length > 0);
}

function fromBase64(s) {
  if (Uint8Array.fromBase64) return Uint8Array.fromBase64(s);
  const bin = atob(s);
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}

/** exportStudy writes every stored item into one study file and downloads
 * it ("Include trained models" unchecked leaves the large files out). */
async function exportStudy() {
  const button = $("study-export");
  const error = $("study-error");
  error.hidden = true;
  button.disabled = true;
  $("study-msg").textContent = "Exporting…";
  try {
    const withModels = $("study-models").checked;
    const items = [];
    const leftOut = [];
    for (const reg of store.REGISTRY) {
      const large = store.LARGE_KEYS.includes(reg.key);
      if (large && !withModels) {
        if ((await store.get(reg.key)) !== undefined) leftOut.push(reg.key);
        continue;
      }
      const rec = large ? await store.getLarge(reg.key) : await store.get(reg.key);
      if (rec !== undefined) items.push(...studyItems(reg, rec));
    }
    const enc = new TextEncoder();
    for (const it of items) it.size = it.kind === "bytes" ? it.bytes.byteLength : enc.encode(JSON.stringify(it.value)).length;
    const data = new Uint8Array(items.reduce((n, it) => n + (it.kind === "bytes" ? it.size : 0), 0));
    let off = 0;
    for (const it of items) {
      if (it.kind !== "bytes") continue;
      data.set(it.bytes, off);
      off += it.size;
    }
    const payload = items.map(({ bytes, ...it }) => (it.kind === "bytes" ? it : { ...it, size: undefined }));
    const r = await engine.call("study.export", { items: payload }, { data });
    const blob = new Blob([fromBase64(r.zip)], { type: "application/zip" });
    if (studyURL) URL.revokeObjectURL(studyURL);
    studyURL = URL.createObjectURL(blob);
    const a = $("study-download");
    a.textlabBlob = blob; // the CSP forbids fetching blob: URLs; tests read the Blob here
    a.href = studyURL;
    a.download = r.name;
    a.textContent = `Download ${r.name} again`;
    a.hidden = false;
    showFragment("study-msg", await engine.call("storage.study", { action: "export", name: r.name, size: r.size, pages: studyPages(items), left_out: leftOut }));
    a.click();
  } catch (err) {
    $("study-msg").textContent = "";
    showError(error, `The study could not be exported: ${err.message}`);
  } finally {
    button.disabled = false;
  }
}

/** importPlan turns study.import's items into store.setMany's entries, one
 * per stored key (the inverse of studyItems); items of keys no page of
 * this Textlab stores are left out. */
function importPlan(items) {
  const byKey = new Map();
  const leftOut = [];
  for (const it of items) {
    const reg = store.REGISTRY.find((r) => r.key === it.key && r.page === it.page);
    if (!reg || (reg.key === "board.runs" && it.kind === "json" && !Array.isArray(it.value))) {
      leftOut.push(`${it.page}/${it.key}`);
      continue;
    }
    const g = byKey.get(it.key) ?? { page: it.page, key: it.key };
    if (it.kind === "bytes") {
      g.bytes = it.bytes ? fromBase64(it.bytes) : new Uint8Array();
      g.name = it.name;
    } else {
      g.json = it.value;
    }
    byKey.set(it.key, g);
  }
  const entries = [];
  for (const g of byKey.values()) {
    const fields = g.json && typeof g.json === "object" && !Array.isArray(g.json) ? g.json : {};
    if (!g.bytes) entries.push({ key: g.key, value: g.json });
    else if (store.LARGE_KEYS.includes(g.key)) entries.push({ key: g.key, bytes: g.bytes, meta: fields });
    else entries.push({ key: g.key, value: { ...(g.name ? { name: g.name } : {}), ...fields, bytes: g.bytes } });
  }
  return { entries, leftOut };
}

/** pickStudy has the engine check the picked study file whole; on success
 * it shows what the file holds and asks to confirm, on error it says why
 * and nothing changes. */
async function pickStudy() {
  const input = $("study-file");
  const file = input.files?.[0];
  if (!file) return;
  const error = $("study-error");
  error.hidden = true;
  $("study-confirm").hidden = true;
  toImport = null;
  try {
    const bytes = new Uint8Array(await file.arrayBuffer());
    let r;
    try {
      r = await engine.call("study.import", {}, { data: bytes });
    } catch (err) {
      throw new Error(`${err.message}. Nothing was changed`);
    }
    const { entries, leftOut } = importPlan(r.items);
    if (entries.length === 0) throw new Error("it holds nothing this Textlab stores. Nothing was changed");
    const kept = r.items.filter((it) => !leftOut.includes(`${it.page}/${it.key}`));
    const pages = studyPages(kept.map((it) => ({ page: it.page, key: it.key, size: it.size })));
    showFragment("study-contents", await engine.call("storage.study", {
      action: "import", name: file.name, size: file.size, version: r.version, created: r.created, textlab: r.textlab, pages, left_out: leftOut,
    }));
    toImport = entries;
    $("study-confirm").hidden = false;
    $("study-confirm").querySelector('[data-confirm="yes"]').focus();
  } catch (err) {
    showError(error, `${file.name} cannot be imported: ${err.message}.`);
  } finally {
    input.value = ""; // choosing the same file again fires "change" again
  }
}

/** confirmImport writes the confirmed study's items all at once and
 * reloads the page, so that every page restores from them; a failure keeps
 * everything stored before and says so. */
async function confirmImport(ev) {
  const b = ev.target.closest("button[data-confirm]");
  if (!b) return;
  $("study-confirm").hidden = true;
  const entries = toImport;
  toImport = null;
  if (b.dataset.confirm !== "yes" || !entries) {
    $("study-msg").textContent = "Import cancelled; nothing was changed.";
    return;
  }
  try {
    await store.setMany(entries);
  } catch (err) {
    showError($("study-error"), `The study could not be imported: ${err.message}. Nothing was changed.`);
    return;
  }
  location.hash = "#about";
  location.reload();
}
