// Textlab page glue: tab navigation, the engine status line, and the wiring
// of long-running jobs (progress bar and cancel button). Results are
// rendered by the engine with the same templ components the server uses.
import { Engine, EngineError } from "./engine.js";

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

// --- jobs: start, progress, cancel ----------------------------------------
/** wireJob connects a ui.Job block to a function run(engine, {onProgress, signal}). */
function wireJob(name, run) {
  const root = document.querySelector(`[data-job="${name}"]`);
  if (!root) return;
  const start = root.querySelector('[data-action="start"]');
  const cancel = root.querySelector('[data-action="cancel"]');
  const bar = root.querySelector("progress");
  const message = root.querySelector(".job-message");
  let controller = null;
  start.addEventListener("click", async () => {
    controller = new AbortController();
    start.disabled = true;
    cancel.disabled = false;
    bar.value = 0;
    root.dataset.state = "running";
    message.textContent = "starting…";
    try {
      const text = await run({
        signal: controller.signal,
        onProgress: (f, m) => {
          bar.value = f;
          message.textContent = m;
        },
      });
      root.dataset.state = "done";
      message.textContent = text;
    } catch (err) {
      root.dataset.state = err.code === "cancelled" ? "cancelled" : "error";
      message.textContent = err.code === "cancelled" ? "Cancelled." : `Error: ${err.message}`;
    } finally {
      start.disabled = false;
      cancel.disabled = true;
    }
  });
  cancel.addEventListener("click", () => controller?.abort());
}

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
  setStatus("ready", `engine ready · ${engine.info.go} · ${engine.size} workers`);

  const card = await engine.call("engine.status_card", {
    workers: engine.size,
    isolated: self.crossOriginIsolated === true,
  });
  document.getElementById("engine-card").innerHTML = card.html; // escaped by templ

  wireJob("selftest", async ({ signal, onProgress }) => {
    const r = await engine.call("engine.selftest", { steps: 20, ms: 100 }, { signal, onProgress });
    return `Done: ${r.steps} steps in ${r.seconds.toFixed(2)} s.`;
  });
  document.body.dataset.engine = "ready";
}
main();
