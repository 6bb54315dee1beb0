// Offline use and the off-site request count, shown in the footer.
//
// startOffline registers the service worker (static/sw.js), which saves the
// whole app in the browser on the first visit, and shows its state: saving,
// "ready for offline use" with the size saved, or why offline use is not
// available. watchOffsite counts the page's requests to other sites from
// the Resource Timing API; it always shows 0, and a user can check it.

const MB = (n) => `${(n / 1e6).toFixed(1)} MB`;

/** startOffline registers the service worker and keeps the status line
 * (an element like #engine-status: data-state and a .text child) up to date. */
export async function startOffline(line) {
  if (!line) return; // a page from an older build (a stale index.html)
  const set = (state, text) => {
    line.dataset.state = state;
    line.querySelector(".text").textContent = text;
  };
  if (!("serviceWorker" in navigator)) {
    set("error", "offline use is not available in this browser (no service workers)");
    return;
  }
  navigator.serviceWorker.addEventListener("message", (ev) => {
    if (ev.data?.type === "textlab-offline-progress" && line.dataset.state !== "ready") {
      set("loading", `saving for offline use: ${MB(ev.data.done)} of ${MB(ev.data.total)}`);
    }
  });
  set("loading", "saving for offline use…");
  if (!navigator.serviceWorker.controller) {
    // Not saved yet: a server that does not allow the worker to serve the
    // whole app (a plain file server) would make the browser refuse it.
    const allowed = await fetch("static/sw.js", { cache: "no-store" })
      .then(async (r) => (await r.arrayBuffer(), r.ok && r.headers.has("Service-Worker-Allowed")))
      .catch(() => false);
    if (!allowed) {
      set("error", "offline use is not available from this server (it does not send Service-Worker-Allowed with static/sw.js; see docs/SECURITY.md)");
      return;
    }
  }
  try {
    // The worker's file is in static/ but it serves the whole app: the
    // server allows that scope with a Service-Worker-Allowed header.
    const reg = await navigator.serviceWorker.register("static/sw.js", { scope: "./" });
    const installing = reg.installing;
    installing?.addEventListener("statechange", () => {
      if (installing.state === "redundant" && !navigator.serviceWorker.controller) {
        set("error", "offline use: saving the app failed (the server could not be reached?); it is tried again at the next visit");
      }
    });
  } catch (err) {
    set("error", `offline use is not available from this server (${err.message})`);
    console.warn("offline: the service worker was not registered:", err);
    return;
  }
  const reg = await navigator.serviceWorker.ready;
  // The first visit: the page was loaded before the worker took over.
  if (!navigator.serviceWorker.controller) {
    await new Promise((resolve) => navigator.serviceWorker.addEventListener("controllerchange", resolve, { once: true }));
  }
  const status = await ask(reg.active);
  if (!status.version) {
    set("error", `offline use is not available: ${status.error || "nothing saved yet"}`);
    return;
  }
  let text = `ready for offline use · ${MB(status.bytes)} saved in this browser (${status.files} files, version ${status.version})`;
  if (status.newer) text += ` · a newer version (${status.newer}) is saved too; pages opened from now on use it`;
  else if (status.error) text += ` · working from the saved copy (the server cannot be reached)`;
  set("ready", text);
  line.dataset.version = status.version;
  line.dataset.newer = status.newer;
  line.dataset.bytes = String(status.bytes);
}

/** ask asks the service worker to check for a new version and answers with
 * the version this page uses ({version, bytes, files}), a newer one saved
 * since (newer), and why the check failed (error). */
function ask(worker) {
  return new Promise((resolve) => {
    const ch = new MessageChannel();
    ch.port1.onmessage = (ev) => resolve(ev.data);
    worker.postMessage({ type: "textlab-offline-status" }, [ch.port2]);
  });
}

/** watchOffsite shows, in el, how many of the page's requests went to
 * another origin (from the Resource Timing API: the page, its scripts,
 * styles and fetches). The engine's workers are held to this origin by the
 * Content-Security-Policy (connect-src 'self'). */
export function watchOffsite(el) {
  if (!el) return; // a page from an older build (a stale index.html)
  const others = [];
  const show = () => {
    el.dataset.requests = String(others.length);
    el.textContent = others.length === 0
      ? "0 bytes sent to other sites"
      : `${others.length} request${others.length === 1 ? "" : "s"} to other sites: ${[...new Set(others)].join(", ")}`;
    el.dataset.state = others.length === 0 ? "ok" : "error";
  };
  const count = (entries) => {
    for (const e of entries) {
      const u = new URL(e.name, location.href);
      if (u.protocol !== "data:" && u.protocol !== "blob:" && u.origin !== location.origin) others.push(u.origin);
    }
    show();
  };
  // Entries pass to observers whether or not the browser's own buffer is full.
  performance.setResourceTimingBufferSize?.(10000);
  new PerformanceObserver((list) => count(list.getEntries())).observe({ type: "resource", buffered: true });
  count(performance.getEntriesByType("navigation"));
}
