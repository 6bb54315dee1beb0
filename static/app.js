// Textlab page glue: tab navigation, the engine status line, and the wiring
// of long-running jobs (progress bar and cancel button). Results are
// rendered by the engine with the same templ components the server uses.
import { Engine, EngineError } from "./engine.js";
import { wireJob, showFragment } from "./ui.js";
import * as dataPage from "./pages/data.js";
import * as dictionaryPage from "./pages/dictionary.js";
import * as classicPage from "./pages/classic.js";
import * as agreementPage from "./pages/agreement.js";

const statusLine = document.getElementById("engine-status");

function setStatus(state, text) {
  statusLine.dataset.state = state;
  statusLine.querySelector(".text").textContent = text;
}

// --- navigation: one document, one visible section at a time -------------
const sections = [...document.querySelectorAll("section.page")];
function showSection() {
  const id = location.hash.slice(1);
  const current = sections.find((s) => s.id === id) ?? sections[0];
  for (const s of sections) s.hidden = s !== current;
  for (const a of document.querySelectorAll("nav.tabs a")) {
    if (a.dataset.tab === current.id) a.setAttribute("aria-current", "page");
    else a.removeAttribute("aria-current");
  }
}
window.addEventListener("hashchange", showSection);
showSection();

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
  document.body.dataset.engine = "ready";
}
main();
