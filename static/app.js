// Textlab page glue: tab navigation, the engine status line, and the wiring
// of long-running jobs (progress bar and cancel button). Results are
// rendered by the engine with the same templ components the server uses.
import { Engine, EngineError } from "./engine.js";
import { wireJob, showFragment } from "./ui.js";
import * as dataPage from "./pages/data.js";
import * as dictionaryPage from "./pages/dictionary.js";
import * as classicPage from "./pages/classic.js";
import * as agreementPage from "./pages/agreement.js";
import * as storagePanel from "./storage.js";
import { startOffline, watchOffsite } from "./offline.js";

const statusLine = document.getElementById("engine-status");

function setStatus(state, text) {
  statusLine.dataset.state = state;
  statusLine.querySelector(".text").textContent = text;
}

// --- navigation: one document, one visible section at a time -------------
const sections = [...document.querySelectorAll("section.page")];
const nav = document.querySelector("nav.tabs");
let current = null;

/** showSection shows the section the URL names (the first one when it names
 * none); a later fragment that names no section (an anchor inside a page,
 * the skip link without scripts) keeps the section on screen. */
function showSection() {
  const id = location.hash.slice(1);
  const named = sections.find((s) => s.id === id);
  if (!named && current) return;
  current = named ?? sections[0];
  for (const s of sections) s.hidden = s !== current;
  for (const a of nav.querySelectorAll("a")) {
    if (a.dataset.tab === current.id) {
      a.setAttribute("aria-current", "page");
      keepInView(a);
    } else a.removeAttribute("aria-current");
  }
}

/** keepInView scrolls the navigation sideways (on a narrow screen it is one
 * scrolling row) so that the current tab is visible. */
function keepInView(a) {
  if (nav.scrollWidth <= nav.clientWidth) return;
  const left = a.offsetLeft - nav.offsetLeft;
  if (left < nav.scrollLeft || left + a.offsetWidth > nav.scrollLeft + nav.clientWidth) {
    nav.scrollLeft = Math.max(0, left - (nav.clientWidth - a.offsetWidth) / 2);
  }
}
window.addEventListener("hashchange", showSection);
showSection();

// The sticky header's height, for scroll-padding-top (app.css): anchors and
// focused elements land below it, on a phone and on a desktop alike.
const header = document.querySelector("header.top");
const setHeaderHeight = () => document.documentElement.style.setProperty("--header-h", `${header.offsetHeight}px`);
new ResizeObserver(setHeaderHeight).observe(header);
setHeaderHeight();

// The skip link moves the focus to the title of the section on screen,
// without changing the URL (which names the section).
document.querySelector(".skip-link")?.addEventListener("click", (ev) => {
  ev.preventDefault();
  const title = current?.querySelector("h1") ?? document.getElementById("main");
  title.focus();
  title.scrollIntoView({ block: "start" });
});

// --- offline copy and off-site requests (footer) ---------------------------
watchOffsite(document.getElementById("offsite"));
startOffline(document.getElementById("offline-status"));

// --- start the engine ------------------------------------------------------
async function main() {
  let engine;
  try {
    engine = await Engine.start();
  } catch (err) {
    setStatus("error", `engine failed to start: ${err.message}`);
    console.error(err);
    return;
  }
  window.textlab = { engine, EngineError }; // for the console and the browser tests
  setStatus("ready", `engine ready · ${engine.info.go} · ${engine.size} workers${engine.info.simd ? " · SIMD" : ""}`);

  const card = await engine.call("engine.status_card", {
    workers: engine.size,
    isolated: self.crossOriginIsolated === true,
  });
  showFragment("engine-card", card);

  wireJob("selftest", async ({ signal, onProgress }) => {
    const r = await engine.call("engine.selftest", { steps: 20, ms: 100 }, { signal, onProgress });
    return `Done: ${r.steps} steps in ${r.seconds.toFixed(2)} s.`;
  });
  for (const page of [dataPage, dictionaryPage, classicPage, agreementPage]) {
    try {
      await page.init(engine);
    } catch (err) {
      console.error(err);
    }
  }
  await storagePanel.init(engine, { data: dataPage, dictionary: dictionaryPage, classic: classicPage, agreement: agreementPage }).catch(console.error);
  document.body.dataset.engine = "ready";
}
main();
