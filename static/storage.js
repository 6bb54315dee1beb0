// The storage panel (About page, ui.StoragePanel): lists what Textlab keeps
// in this browser, by page, with sizes and the site's usage against the
// browser's quota (the list is rendered by the engine, storage.render), and
// deletes one item, one page's items (with the page's own clear, so the
// page and the engine forget them too) or everything (after a
// confirmation: every worker's store is emptied, store.js removes every
// database, file and cache of the user's, and the page reloads).
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
