//go:build browser

package e2e

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/browser"
	"github.com/chromedp/chromedp"
)

// storedState is what the browser holds for the app's origin.
type storedState struct {
	DBs     []string `json:"dbs"`     // IndexedDB databases (indexedDB.databases())
	Keys    []string `json:"keys"`    // the keys of static/store.js's store
	OPFS    []string `json:"opfs"`    // the origin private file system's entries
	Caches  []string `json:"caches"`  // Cache Storage's caches
	Local   int      `json:"local"`   // localStorage entries
	Session int      `json:"session"` // sessionStorage entries
}

// storedStateJS reads storedState without going through the page's code
// (and without creating the database when it is not there).
const storedStateJS = `(async () => {
	const dbs = (await indexedDB.databases()).map(d => d.name).sort();
	let keys = [];
	if (dbs.includes("textlab")) {
		keys = await new Promise((resolve, reject) => {
			const r = indexedDB.open("textlab");
			r.onsuccess = () => {
				const db = r.result;
				if (!db.objectStoreNames.contains("kv")) { db.close(); resolve([]); return; }
				const q = db.transaction("kv").objectStore("kv").getAllKeys();
				q.onsuccess = () => { db.close(); resolve(q.result); };
				q.onerror = () => reject(q.error);
			};
			r.onerror = () => reject(r.error);
		});
	}
	const opfs = [];
	for await (const name of (await navigator.storage.getDirectory()).keys()) opfs.push(name);
	return JSON.stringify({dbs, keys: keys.map(String).sort(), opfs: opfs.sort(), caches: (await caches.keys()).sort(),
		local: localStorage.length, session: sessionStorage.length});
})()`

func (tb *tab) stored() storedState {
	tb.t.Helper()
	var s storedState
	if err := json.Unmarshal([]byte(tb.evalString(storedStateJS)), &s); err != nil {
		tb.t.Fatal(err)
	}
	return s
}

// waitStored polls until ok(stored state) holds.
func (tb *tab) waitStored(what string, ok func(storedState) bool) storedState {
	tb.t.Helper()
	var s storedState
	for deadline := time.Now().Add(45 * time.Second); time.Now().Before(deadline); time.Sleep(200 * time.Millisecond) {
		if s = tb.stored(); ok(s) {
			return s
		}
	}
	tb.t.Fatalf("waiting for %s: stored %+v", what, s)
	return s
}

// userKeys is what filling every page stores (static/store.js REGISTRY).
var userKeys = []string{
	"agreement.file", "agreement.settings", "board.runs", "classic.model", "classic.settings",
	"data.file", "dictionary.choice", "dictionary.rules", "dictionary.text", "dictionary.upload",
}

// hasKeys reports whether every key in want is stored.
func hasKeys(s storedState, want ...string) bool {
	for _, k := range want {
		if !slices.Contains(s.Keys, k) {
			return false
		}
	}
	return true
}

// hasNone reports whether no stored key starts with prefix.
func hasNone(s storedState, prefix string) bool {
	return !slices.ContainsFunc(s.Keys, func(k string) bool { return strings.HasPrefix(k, prefix) })
}

// pageReady is true when the engine and every page have started.
const pageReady = `document.body.dataset.engine === "ready" && document.getElementById("classic").dataset.ready === "true" &&
	document.getElementById("dictionary").dataset.ready === "true" && document.getElementById("storage").dataset.ready === "true"`

// reload reloads the page (by the browser, or by the page itself when by
// is a script that makes it reload) and waits until every page started.
func (tb *tab) reload(by string) {
	tb.t.Helper()
	tb.eval(`window.textlabBeforeReload = true`)
	if by == "" {
		if err := chromedp.Do(tb.ctx, chromedp.Reload()); err != nil {
			tb.t.Fatal(err)
		}
	} else {
		tb.eval(by)
	}
	// The page may reload itself: evaluation fails while it navigates.
	for deadline := time.Now().Add(60 * time.Second); ; time.Sleep(200 * time.Millisecond) {
		v, err := chromedp.Run(tb.ctx, chromedp.Evaluate[bool](`window.textlabBeforeReload !== true && (`+pageReady+`)`))
		if err == nil && v {
			return
		}
		if time.Now().After(deadline) {
			tb.t.Fatalf("the page did not reload and start (last error %v)", err)
		}
	}
}

// fillEveryPage uses every page as a student would: a sample on the Data
// page, typed text, an uploaded .dic, a rule and a scoring on the
// Dictionary page, a coder file on the Agreement page, settings, a trained
// model and a board row on the Classic ML page.
func fillEveryPage(t *testing.T, tb *tab, app string) {
	t.Helper()
	tb.open(app + "#data")
	tb.waitFor(pageReady)
	tb.click(`#data [data-sample="uci-sentiment.csv"]`)
	dataWaitLoaded(tb, "uci-sentiment.csv")

	tb.eval(`location.hash = "#dictionary"`)
	tb.waitFor(`!document.getElementById("dictionary").hidden`)
	tb.dictTry("A private note about patient 17: not good at all.")
	dic := filepath.Join(t.TempDir(), "mine.dic")
	if err := os.WriteFile(dic, []byte("%\n1\tposemo\n2\tnegemo\n%\nhapp*\t1\nsad\t2\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := chromedp.Do(tb.ctx, chromedp.SetUploadFiles(chromedp.CSS("#dict-file"), []string{dic})); err != nil {
		t.Fatal(err)
	}
	tb.waitFor(`document.getElementById("dictionary").dataset.dictionary === "mine.dic"`)
	dictChoose(tb, "vader", "VADER")
	tb.eval(`(() => { const el = document.getElementById("dict-rule-threshold"); el.value = "0.3"; el.dispatchEvent(new Event("input")); return true })()`)
	tb.waitStored("the rule", func(s storedState) bool { return hasKeys(s, "dictionary.rules") })
	tb.click(`[data-job="dict-score"] [data-action="start"]`)
	tb.waitFor(`document.querySelector('[data-job="dict-score"]').dataset.state === "done"`)

	tb.eval(`location.hash = "#agreement"`)
	tb.waitFor(`!document.getElementById("agreement").hidden`)
	agrUpload(t, tb, "coders.csv", "id,alice,bob\n1,pos,pos\n2,neg,neg\n3,pos,neg\n4,neu,neu\n5,neg,neg\n")
	tb.waitFor(agrValue("cohen") + ` !== ""`)

	tb.eval(`location.hash = "#classic"`)
	tb.waitFor(`!document.getElementById("classic").hidden && document.getElementById("classic-nodata").hidden`)
	tb.classicSet(map[string]string{"seed": "7"})
	tb.classicTrain("done")
	tb.waitStored("every page's items", func(s storedState) bool { return hasKeys(s, userKeys...) })
}

// plantForeign adds what an older version or another script of this
// origin might have left: localStorage and sessionStorage entries, a
// cache of user data, a stray OPFS file; and a cache of the app's own
// files, which "Delete everything" keeps.
func plantForeign(tb *tab) {
	tb.t.Helper()
	tb.eval(`(async () => {
		localStorage.setItem("textlab.note", "private");
		sessionStorage.setItem("textlab.draft", "private");
		await (await caches.open("user-uploads")).put("/user/notes.txt", new Response("private text"));
		await (await caches.open("textlab-app-v0")).put("/static/app.css", new Response("body{}"));
		const root = await navigator.storage.getDirectory();
		const w = await (await root.getFileHandle("stray.bin", {create: true})).createWritable();
		await w.write(new Uint8Array([1, 2, 3]));
		await w.close();
		return true })()`)
}

// checkNothingRestored checks that no page shows what was loaded before.
func checkNothingRestored(t *testing.T, tb *tab, pages ...string) {
	t.Helper()
	// The Data page restores without holding up the others: give a
	// restore that should not happen the time to happen.
	time.Sleep(1500 * time.Millisecond)
	for _, p := range pages {
		var js, what string
		switch p {
		case "data":
			js, what = `!document.getElementById("data").dataset.loaded`, "the Data page shows a data set"
		case "dictionary":
			js, what = `document.getElementById("dict-text").value === document.getElementById("dict-text").defaultValue && document.getElementById("dictionary").dataset.dictionary === "VADER" && document.getElementById("dict-rule-threshold").value !== "0.3"`, "the Dictionary page shows the typed text, the uploaded dictionary or the rule"
		case "classic":
			js, what = `!document.querySelector("#classic-result [data-restored]") && !document.getElementById("classic-result").textContent.includes("Restored") && document.getElementById("classic-form").elements.seed.value !== "7"`, "the Classic ML page restored the model or the settings"
		case "board":
			js, what = `document.querySelectorAll("#classic-board tr.board-run").length === 0`, "the results board has rows"
		case "agreement":
			js, what = `document.getElementById("agreement-clear").disabled && !document.getElementById("agreement-results").textContent.includes("alice")`, "the Agreement page shows the coder file"
		}
		if ok, _ := tb.eval(js).(bool); !ok {
			t.Errorf("after the reload %s", what)
		}
	}
}

var allPages = []string{"data", "dictionary", "classic", "board", "agreement"}

// The storage panel lists every page's items with sizes and the usage
// against the quota; "Delete everything" (confirmed) leaves nothing of the
// user's in IndexedDB, OPFS, Cache Storage, localStorage or
// sessionStorage, keeps the app's own cache, and nothing is restored.
func TestStorageDeleteEverything(t *testing.T) {
	app := startApp(t)
	tb := openTab(t, app, 1280, 800)
	fillEveryPage(t, tb, app)
	plantForeign(tb)
	if s := tb.stored(); len(s.OPFS) < 2 || s.Local != 1 || s.Session != 1 || !slices.Contains(s.Caches, "user-uploads") {
		t.Fatalf("before deleting: %+v (want the model's OPFS file and the planted items)", s)
	}

	// The panel.
	tb.click("#storage-link")
	tb.waitFor(`!document.getElementById("about").hidden`)
	tb.click("#storage-refresh")
	tb.waitFor(`document.querySelector('#storage-list [data-storage-key="cache:user-uploads"]') !== null`)
	listed := tb.evalString(`[...document.querySelectorAll("#storage-list [data-storage-page]")].map(p => p.dataset.storagePage).join(",")`)
	if listed != "data,agreement,dictionary,classic,board,other" {
		t.Errorf("pages listed: %s", listed)
	}
	for _, k := range append(slices.Clone(userKeys), "opfs:stray.bin", "localStorage:textlab.note", "sessionStorage:textlab.draft", "cache:user-uploads") {
		b := tb.evalString(`document.querySelector('#storage-list [data-storage-key="` + k + `"]')?.dataset.bytes ?? ""`)
		if b == "" || b == "0" {
			t.Errorf("item %s: listed with %q bytes", k, b)
		}
	}
	if tb.evalString(`document.querySelector('[data-storage-key="cache:textlab-app-v0"]') ? "listed" : ""`) != "" {
		t.Errorf("the app's own cache is listed as the user's")
	}
	// The model's file is the big one, and it lives in OPFS.
	if where := tb.evalString(`document.querySelector('[data-storage-key="classic.model"]').textContent`); !strings.Contains(where, "OPFS") {
		t.Errorf("the model's entry: %q (want it in OPFS)", where)
	}
	usage := tb.evalString(`document.querySelector("#storage-list .storage-usage").textContent.replace(/\s+/g, " ")`)
	if quota := tb.evalString(`document.querySelector("#storage-list .storage-usage").dataset.quota`); quota == "0" || !strings.Contains(usage, "This site uses") || !strings.Contains(usage, "this browser allows it") {
		t.Errorf("usage line %q (quota %s)", usage, quota)
	}
	tb.eval(`document.getElementById("storage").scrollIntoView()`)
	tb.screenshot("desktop-storage")
	phone := openTab(t, app, 390, 844)
	phone.open(app + "#about")
	phone.waitFor(`document.getElementById("storage").dataset.ready === "true" && document.querySelector("#storage-list [data-storage-page]") !== null`)
	if w := phone.eval(`document.documentElement.scrollWidth`).(float64); w > 390 {
		t.Errorf("the About page is %v px wide on a 390 px screen", w)
	}
	phone.screenshot("mobile-storage")

	// One item, then one page's items.
	tb.click(`[data-delete-key="localStorage:textlab.note"]`)
	tb.waitStored("the localStorage entry deleted", func(s storedState) bool { return s.Local == 0 })
	tb.waitFor(`document.querySelector('[data-storage-key="localStorage:textlab.note"]') === null`)
	tb.click(`[data-delete-page="dictionary"]`)
	s := tb.waitStored("the Dictionary's items deleted", func(s storedState) bool { return hasNone(s, "dictionary.") })
	if !hasKeys(s, "data.file", "classic.model", "board.runs", "agreement.file") {
		t.Errorf("deleting the Dictionary's items deleted others: %v", s.Keys)
	}
	tb.waitFor(`document.querySelector('[data-storage-page="dictionary"]') === null`)
	if ok, _ := tb.eval(`document.getElementById("dict-text").value === document.getElementById("dict-text").defaultValue && document.getElementById("dictionary").dataset.dictionary === "VADER"`).(bool); !ok {
		t.Errorf("the Dictionary page still shows what was deleted")
	}
	userLeft := slices.DeleteFunc(slices.Clone(userKeys), func(k string) bool { return strings.HasPrefix(k, "dictionary.") })

	// Keep it: nothing happens.
	tb.click("#storage-wipe")
	tb.waitFor(`!document.getElementById("storage-confirm").hidden`)
	tb.click(`#storage-confirm [data-confirm="no"]`)
	if s := tb.stored(); !hasKeys(s, userLeft...) {
		t.Fatalf("declining deleted something: %+v", s)
	}
	// Delete everything: the page reloads by itself.
	tb.click("#storage-wipe")
	tb.waitFor(`!document.getElementById("storage-confirm").hidden`)
	tb.reload(`document.querySelector('#storage-confirm [data-confirm="yes"]').click(), true`)
	for round := range 2 {
		s := tb.stored()
		if len(s.Keys) != 0 || slices.ContainsFunc(s.DBs, func(n string) bool { return n != "textlab" }) {
			t.Errorf("round %d: IndexedDB holds %v in %v", round, s.Keys, s.DBs)
		}
		if len(s.OPFS) != 0 {
			t.Errorf("round %d: OPFS holds %v", round, s.OPFS)
		}
		if slices.ContainsFunc(s.Caches, func(n string) bool { return !strings.HasPrefix(n, "textlab-app-") && n != "textlab-meta" }) || !slices.Contains(s.Caches, "textlab-app-v0") {
			t.Errorf("round %d: caches %v (want only the app's own, textlab-app-v0 kept)", round, s.Caches)
		}
		if s.Local != 0 || s.Session != 0 {
			t.Errorf("round %d: localStorage %d, sessionStorage %d entries", round, s.Local, s.Session)
		}
		checkNothingRestored(t, tb, allPages...)
		if tb.evalString(`document.querySelector("#storage-list [data-storage-empty]")?.textContent ?? ""`) == "" {
			t.Errorf("round %d: the panel does not say nothing is stored: %s", round, tb.evalString(`document.getElementById("storage-list").textContent`))
		}
		tb.reload("")
	}
}

// Each page's clear button clears everything that page stored (and only
// that); after a reload that page restores nothing.
func TestStorageClearButtons(t *testing.T) {
	app := startApp(t)
	tb := openTab(t, app, 1280, 800)
	fillEveryPage(t, tb, app)
	steps := []struct {
		page, hash, button, prefix string
	}{
		{"data", "#data", "#data-clear", "data."},
		{"dictionary", "#dictionary", "#dict-clear", "dictionary."},
		{"classic", "#classic", "#classic-forget", "classic."},
		{"board", "#classic", "#classic-board-clear", "board."},
		{"agreement", "#agreement", "#agreement-clear", "agreement."},
	}
	for i, st := range steps {
		tb.eval(`location.hash = "` + st.hash + `"`)
		tb.waitFor(`!document.querySelector("` + st.button + `").disabled && !document.querySelector("` + st.hash + `").hidden`)
		tb.click(st.button)
		s := tb.waitStored(st.page+"'s items deleted", func(s storedState) bool { return hasNone(s, st.prefix) })
		for _, later := range steps[i+1:] {
			if hasNone(s, later.prefix) {
				t.Errorf("%s cleared %s's items too: %v", st.button, later.page, s.Keys)
			}
		}
		if st.page == "classic" && len(s.OPFS) != 0 {
			t.Errorf("after %s, OPFS holds %v", st.button, s.OPFS)
		}
		tb.reload("")
		checkNothingRestored(t, tb, st.page)
		if s := tb.stored(); !hasNone(s, st.prefix) {
			t.Errorf("after %s and a reload: %v", st.button, s.Keys)
		}
	}
	if s := tb.stored(); len(s.Keys) != 0 || len(s.OPFS) != 0 {
		t.Errorf("after every page's clear button: %+v", s)
	}
	checkNothingRestored(t, tb, allPages...)
}

// A write the browser refuses (quota exceeded) says so on the page and
// keeps what was stored before whole: the data set saved before comes
// back after a reload, and a model that could not be saved leaves the
// one saved before (its OPFS file and record) untouched.
func TestStorageQuota(t *testing.T) {
	app := startApp(t)
	tb := openTab(t, app, 1280, 800)
	// The test reads the study file from its Blob; Chromium is not to save
	// it (it would check a downloaded zip with Safe Browsing, a request to
	// Google that the trap reports).
	deny := browser.SetDownloadBehaviorParams{Behavior: browser.SetDownloadBehaviorBehaviorDeny}
	if _, err := chromedp.CallBrowser(tb.ctx, browser.SetDownloadBehavior, deny); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		chromedp.CallBrowser(browserCtx, browser.SetDownloadBehavior, browser.SetDownloadBehaviorParams{Behavior: browser.SetDownloadBehaviorBehaviorDefault})
	})
	tb.open(app + "#data")
	tb.waitFor(pageReady)
	tb.click(`#data [data-sample="uci-sentiment.csv"]`)
	dataWaitLoaded(tb, "uci-sentiment.csv")
	tb.eval(`location.hash = "#classic"`)
	tb.waitFor(`!document.getElementById("classic").hidden && document.getElementById("classic-nodata").hidden`)
	tb.classicTrain("done")
	before := tb.waitStored("the model", func(s storedState) bool { return hasKeys(s, "data.file", "classic.model") && len(s.OPFS) == 1 })

	// The browser's storage is full: every write fails as Chromium's do.
	tb.eval(`(() => {
		const full = () => new DOMException("The quota has been exceeded.", "QuotaExceededError");
		window.textlabPut = IDBObjectStore.prototype.put;
		IDBObjectStore.prototype.put = function () { throw full(); };
		FileSystemWritableFileStream.prototype.write = function () { return Promise.reject(full()); };
		return true })()`)
	tb.classicSet(map[string]string{"seed": "9"})
	tb.classicTrain("done")
	tb.waitFor(`!document.getElementById("classic-error").hidden`)
	if msg := tb.evalString(`document.getElementById("classic-error").textContent`); !strings.Contains(msg, "quota exceeded") || !strings.Contains(msg, "what was saved before is kept") {
		t.Errorf("classic error: %q", msg)
	}
	tb.waitFor(`!document.getElementById("storage-alert").hidden`)
	if msg := tb.evalString(`document.getElementById("storage-alert").textContent`); !strings.Contains(msg, "Not saved") || !strings.Contains(msg, "full") {
		t.Errorf("storage alert: %q", msg)
	}
	if after := tb.stored(); !slices.Equal(after.OPFS, before.OPFS) {
		t.Errorf("a failed model write changed OPFS: %v, before %v", after.OPFS, before.OPFS)
	}

	tb.eval(`location.hash = "#data"`)
	dataUpload(tb, dataFile(t, "other.csv", dataGood))
	dataWaitLoaded(tb, "other.csv")
	tb.waitFor(`!document.getElementById("data-error").hidden`)
	if msg := tb.evalString(`document.getElementById("data-error").textContent`); !strings.Contains(msg, "could not save it") || !strings.Contains(msg, "quota exceeded") {
		t.Errorf("data error: %q", msg)
	}
	tb.eval(`location.hash = "#about"`)
	tb.eval(`document.getElementById("storage").scrollIntoView()`)
	tb.screenshot("desktop-storage-quota")

	// After a reload (storage works again) the state before is back.
	tb.reload("")
	dataWaitLoaded(tb, "uci-sentiment.csv")
	if tb.evalString(`document.getElementById("classic-form").elements.seed.value`) == "9" {
		t.Errorf("the settings that could not be saved came back")
	}
	tb.waitFor(`document.querySelector("#classic-result [data-restored]") !== null`)
	if after := tb.stored(); !slices.Equal(after.OPFS, before.OPFS) || !slices.Equal(after.Keys, before.Keys) {
		t.Errorf("after the reload: %+v, before %+v", after, before)
	}
}

// studyBlobJS reads the exported study file from the Blob the page made,
// as base64.
const studyBlobJS = `document.getElementById("study-download").textlabBlob.arrayBuffer().then(b => {
	const u = new Uint8Array(b); let s = "";
	for (let i = 0; i < u.length; i += 0x8000) s += String.fromCharCode(...u.subarray(i, i + 0x8000));
	return btoa(s) })`

// rulesJS reads the Dictionary page's stored rules.
const rulesJS = `import("./static/store.js").then(m => m.get("dictionary.rules")).then(r => JSON.stringify(r))`

// A whole study in one file: a sample, a Classic ML run and a dictionary
// evaluation are exported from the storage panel; the command line lists
// the file's items and reruns both runs with the same metrics; after
// "Delete everything" a damaged copy is refused and stores nothing, and
// importing the file brings back the data set, the trained model's
// results and the board after the page reloads; an import that fails while
// writing keeps what was stored.
func TestStorageStudyExportImport(t *testing.T) {
	app := startApp(t)
	tb := openTab(t, app, 1280, 800)
	// The test reads the study file from its Blob; Chromium is not to save
	// it (it would check a downloaded zip with Safe Browsing, a request to
	// Google that the trap reports).
	deny := browser.SetDownloadBehaviorParams{Behavior: browser.SetDownloadBehaviorBehaviorDeny}
	if _, err := chromedp.CallBrowser(tb.ctx, browser.SetDownloadBehavior, deny); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		chromedp.CallBrowser(browserCtx, browser.SetDownloadBehavior, browser.SetDownloadBehaviorParams{Behavior: browser.SetDownloadBehaviorBehaviorDefault})
	})
	tb.open(app + "#data")
	tb.waitFor(pageReady)
	tb.click(`#data [data-sample="uci-sentiment.csv"]`)
	dataWaitLoaded(tb, "uci-sentiment.csv")

	tb.eval(`location.hash = "#classic"`)
	tb.waitFor(`!document.getElementById("classic").hidden && document.getElementById("classic-nodata").hidden`)
	tb.classicSet(map[string]string{"seed": "7"})
	tb.classicTrain("done")
	acc := tb.evalString(`document.querySelector("#classic-result .classic-run").dataset.accuracy`)

	tb.eval(`location.hash = "#dictionary"`)
	tb.waitFor(`!document.getElementById("dictionary").hidden`)
	tb.eval(`(() => { const el = document.getElementById("dict-rule-threshold"); el.value = "0.3"; el.dispatchEvent(new Event("input")); return true })()`)
	tb.waitStored("the rule", func(s storedState) bool { return hasKeys(s, "dictionary.rules") })
	tb.click(`[data-job="dict-score"] [data-action="start"]`)
	tb.waitFor(`document.querySelector('[data-job="dict-score"]').dataset.state === "done"`)
	tb.click("#dict-evaluate")
	tb.waitFor(`document.querySelector("#dict-eval-result .dict-eval") !== null`)
	tb.click("#dict-add-board")
	tb.waitFor(`document.getElementById("dict-board-msg").textContent.startsWith("Added")`)
	tb.waitStored("the data, the model and two runs", func(s storedState) bool { return hasKeys(s, "data.file", "classic.model", "board.runs") })
	if n := tb.eval(`import("./static/store.js").then(m => m.listRuns()).then(r => r.length)`).(float64); n != 2 {
		t.Fatalf("%v runs on the board, want 2 (Classic ML, dictionary)", n)
	}
	rules := tb.evalString(rulesJS)
	boardRows := tb.evalString(`import("./static/store.js").then(m => m.listRuns()).then(r => r.map(x => x.page + " " + x.method + " " + x.metrics.accuracy).join("; "))`)

	// Export.
	tb.click("#storage-link")
	tb.waitFor(`!document.getElementById("about").hidden`)
	tb.click("#study-export")
	tb.waitFor(`document.querySelector("#study-msg [data-study-exported]") !== null`)
	summary := tb.evalString(`document.getElementById("study-msg").textContent`)
	if !strings.HasPrefix(summary, "Exported textlab-study-") || !strings.Contains(summary, " items, ") {
		t.Errorf("export summary %q", summary)
	}
	if name := tb.evalString(`document.getElementById("study-download").download`); !strings.HasPrefix(name, "textlab-study-") || !strings.HasSuffix(name, ".zip") {
		t.Errorf("download name %q", name)
	}
	raw, err := base64.StdEncoding.DecodeString(tb.evalString(studyBlobJS))
	if err != nil {
		t.Fatal(err)
	}
	if size := tb.evalString(`document.querySelector("#study-msg [data-study-exported]").dataset.size`); size != fmt.Sprint(len(raw)) {
		t.Errorf("summary says %s bytes, the file has %d", size, len(raw))
	}
	// Without the trained models: the model's two items are left out.
	items := tb.evalString(`document.querySelector("#study-msg [data-study-exported]").dataset.items`)
	tb.eval(`document.getElementById("study-models").checked = false`)
	tb.eval(`document.getElementById("study-msg").replaceChildren(), true`)
	tb.click("#study-export")
	tb.waitFor(`document.querySelector("#study-msg [data-study-exported]") !== null`)
	if small, n := tb.evalString(`document.getElementById("study-msg").textContent`), tb.evalString(`document.querySelector("#study-msg [data-study-exported]").dataset.items`); !strings.Contains(small, "Left out: classic.model.") || n == items {
		t.Errorf("export without models: %q (%s items, with them %s)", small, n, items)
	}
	tb.eval(`document.getElementById("study-models").checked = true`)

	dir := t.TempDir()
	file := filepath.Join(dir, "study.zip")
	if err := os.WriteFile(file, raw, 0o644); err != nil {
		t.Fatal(err)
	}

	// The command line lists the items and reruns both runs.
	out, err := exec.Command("../bin/textlab", "study", "show", file).CombinedOutput()
	if err != nil {
		t.Fatalf("textlab study show: %v\n%s", err, out)
	}
	for _, want := range []string{"data.file", "uci-sentiment.csv", "classic.model", "board.runs", "dictionary.rules", "sha256 of all"} {
		if !strings.Contains(string(out), want) {
			t.Errorf("textlab study show lists no %s:\n%s", want, out)
		}
	}
	out, err = exec.Command("../bin/textlab", "study", "run", "--json", file).Output()
	if err != nil {
		t.Fatalf("textlab study run: %v\n%s", err, out)
	}
	var reruns []struct {
		Page    string `json:"page"`
		Rerun   bool   `json:"rerun"`
		Why     string `json:"why"`
		Match   bool   `json:"match"`
		Metrics []struct {
			Name   string  `json:"name"`
			Stored float64 `json:"stored"`
		} `json:"metrics"`
	}
	if err := json.Unmarshal(out, &reruns); err != nil {
		t.Fatalf("%v: %s", err, out)
	}
	pages := map[string]bool{}
	for _, r := range reruns {
		pages[r.Page] = true
		if !r.Rerun || !r.Match || len(r.Metrics) == 0 {
			t.Errorf("study run, %s run: rerun %v (%s), match %v, %d metrics", r.Page, r.Rerun, r.Why, r.Match, len(r.Metrics))
		}
		for _, m := range r.Metrics {
			if r.Page == "classic" && m.Name == "accuracy" && fmt.Sprintf("%.6f", m.Stored) != acc {
				t.Errorf("the study's Classic ML accuracy %v, the page showed %s", m.Stored, acc)
			}
		}
	}
	if len(reruns) != 2 || !pages["classic"] || !pages["dictionary"] {
		t.Errorf("study run reran %s", out)
	}

	// Delete everything.
	tb.click("#storage-wipe")
	tb.waitFor(`!document.getElementById("storage-confirm").hidden`)
	tb.reload(`document.querySelector('#storage-confirm [data-confirm="yes"]').click(), true`)
	if s := tb.stored(); len(s.Keys) != 0 || len(s.OPFS) != 0 {
		t.Fatalf("after deleting everything: %+v", s)
	}

	// A damaged copy (one byte flipped) is refused and stores nothing.
	bad := slices.Clone(raw)
	bad[len(bad)/2] ^= 0xff
	badFile := filepath.Join(dir, "damaged.zip")
	if err := os.WriteFile(badFile, bad, 0o644); err != nil {
		t.Fatal(err)
	}
	tb.waitFor(`!document.getElementById("about").hidden`)
	if err := chromedp.Do(tb.ctx, chromedp.SetUploadFiles(chromedp.CSS("#study-file"), []string{badFile})); err != nil {
		t.Fatal(err)
	}
	tb.waitFor(`!document.getElementById("study-error").hidden`)
	if msg := tb.evalString(`document.getElementById("study-error").textContent`); !strings.Contains(msg, "damaged.zip cannot be imported: study file: ") || !strings.Contains(msg, "Nothing was changed") {
		t.Errorf("damaged file: %q", msg)
	}
	if open := tb.eval(`!document.getElementById("study-confirm").hidden`).(bool); open {
		t.Errorf("a damaged file asks to confirm an import")
	}
	if s := tb.stored(); len(s.Keys) != 0 || len(s.OPFS) != 0 {
		t.Errorf("the damaged file stored %+v", s)
	}

	// Import: the file's items by page, a confirmation, a reload.
	if err := chromedp.Do(tb.ctx, chromedp.SetUploadFiles(chromedp.CSS("#study-file"), []string{file})); err != nil {
		t.Fatal(err)
	}
	tb.waitFor(`!document.getElementById("study-confirm").hidden`)
	if got := tb.evalString(`[...document.querySelectorAll("#study-contents [data-study-page]")].map(p => p.dataset.studyPage).join(",")`); got != "data,dictionary,classic,board" {
		t.Errorf("the study's pages: %s", got)
	}
	if s := tb.stored(); len(s.Keys) != 0 {
		t.Errorf("picking a file stored %v before the confirmation", s.Keys)
	}
	tb.screenshot("desktop-storage-study-import")
	tb.reload(`document.querySelector('#study-confirm [data-confirm="yes"]').click(), true`)
	s := tb.stored()
	if !hasKeys(s, "data.file", "classic.model", "classic.settings", "board.runs", "dictionary.rules") || len(s.OPFS) != 1 {
		t.Errorf("after the import: %+v", s)
	}
	tb.waitFor(`document.getElementById("data").dataset.loaded === "uci-sentiment.csv"`)
	tb.eval(`location.hash = "#classic"`)
	tb.waitFor(`document.querySelector("#classic-result [data-restored]") !== null`)
	if got := tb.evalString(`document.querySelector("#classic-result .classic-run").dataset.accuracy`); got != acc {
		t.Errorf("the restored model's accuracy %s, want %s", got, acc)
	}
	if got := tb.evalString(rulesJS); got != rules {
		t.Errorf("the dictionary rules after the import: %s, want %s", got, rules)
	}
	if got := tb.evalString(`import("./static/store.js").then(m => m.listRuns()).then(r => r.map(x => x.page + " " + x.method + " " + x.metrics.accuracy).join("; "))`); got != boardRows {
		t.Errorf("board after the import: %s, want %s", got, boardRows)
	}
	tb.waitFor(`document.querySelectorAll("#classic-board tr.board-run").length === 2`)

	// An import whose writing fails midway (the board's record, written
	// after the model's new file and the other records, as a full disk
	// would) says so and keeps what was stored, the model's file too.
	before := tb.stored()
	tb.eval(`(() => {
		const put = IDBObjectStore.prototype.put;
		IDBObjectStore.prototype.put = function (value, key) {
			if (key === "board.runs") throw new DOMException("The quota has been exceeded.", "QuotaExceededError");
			return put.call(this, value, key);
		};
		return true })()`)
	tb.eval(`location.hash = "#about"`)
	tb.waitFor(`!document.getElementById("about").hidden`)
	if err := chromedp.Do(tb.ctx, chromedp.SetUploadFiles(chromedp.CSS("#study-file"), []string{file})); err != nil {
		t.Fatal(err)
	}
	tb.waitFor(`!document.getElementById("study-confirm").hidden`)
	tb.click(`#study-confirm [data-confirm="yes"]`)
	tb.waitFor(`!document.getElementById("study-error").hidden`)
	if msg := tb.evalString(`document.getElementById("study-error").textContent`); !strings.Contains(msg, "could not be imported") || !strings.Contains(msg, "quota exceeded") || !strings.Contains(msg, "Nothing was changed") {
		t.Errorf("failed import: %q", msg)
	}
	if after := tb.stored(); !slices.Equal(after.Keys, before.Keys) || !slices.Equal(after.OPFS, before.OPFS) {
		t.Errorf("a failed import changed the storage: %+v, before %+v", after, before)
	}
	if got := tb.evalString(`import("./static/store.js").then(m => m.listRuns()).then(r => r.map(x => x.page + " " + x.method + " " + x.metrics.accuracy).join("; "))`); got != boardRows {
		t.Errorf("board after a failed import: %s, want %s", got, boardRows)
	}
}
