// Shared page helpers: long-running jobs with a progress bar and a cancel
// button (the ui.Job component), and safe insertion of engine-rendered HTML.

/** wireJob connects a ui.Job block (data-job=name) to run({signal, onProgress}),
 * which returns a message to show when it succeeds. */
export function wireJob(name, run) {
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
      bar.value = 1;
      root.dataset.state = "done";
      message.textContent = text ?? "Done.";
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

/** showFragment puts HTML rendered by the engine (templ output, already
 * escaped) into the element with the given id. */
export function showFragment(id, fragment) {
  document.getElementById(id).innerHTML = fragment.html;
}

/** showError shows a message in an element (as text, never as HTML). */
export function showError(el, message) {
  el.hidden = false;
  el.textContent = message;
}
