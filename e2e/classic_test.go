//go:build browser

package e2e

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"textlab/core/dataset"
	"textlab/core/pipeline"
)

// openClassicWithSOTU opens the app, loads the SOTU sample on the Data page
// and switches to the Classic ML tab.
func openClassicWithSOTU(t *testing.T, width, height int64) (*tab, string) {
	t.Helper()
	app := startApp(t)
	tb := openTab(t, app, width, height)
	tb.open(app + "#data")
	tb.waitFor(`document.getElementById("classic").dataset.ready === "true"`)
	tb.click(`#data [data-sample="sotu-party.csv"]`)
	tb.waitFor(`document.getElementById("data").dataset.loaded === "sotu-party.csv"`)
	tb.eval(`location.hash = "#classic"`)
	tb.waitFor(`!document.getElementById("classic").hidden && document.getElementById("classic-nodata").hidden`)
	return tb, app
}

// classicSet sets form fields by name and announces the change.
func (tb *tab) classicSet(values map[string]string) {
	tb.t.Helper()
	for name, v := range values {
		tb.eval(fmt.Sprintf(`(() => {
			const f = document.getElementById("classic-form").elements;
			const el = f[%q];
			if (el instanceof RadioNodeList) { for (const r of el) r.checked = r.value === %q; }
			else if (el.type === "checkbox") el.checked = %q === "true";
			else el.value = %q;
			document.getElementById("classic-form").dispatchEvent(new Event("change"));
			return true })()`, name, v, v, v))
	}
}

// countEngineCalls wraps the page's engine so that every call is logged
// in window.textlabCalls as "method" (or "method+runs" when the payload
// carries runs).
func (tb *tab) countEngineCalls() {
	tb.t.Helper()
	tb.eval(`(() => {
		window.textlabCalls = [];
		const e = window.textlab.engine;
		if (!e.textlabCounted) {
			const call = e.call.bind(e);
			e.call = (method, payload, opts) => {
				window.textlabCalls.push(method + (payload && "runs" in payload ? "+runs" : ""));
				return call(method, payload, opts);
			};
			e.textlabCounted = true;
		}
		return true })()`)
}

// engineCalls returns the engine calls logged since countEngineCalls.
func (tb *tab) engineCalls() string {
	tb.t.Helper()
	return tb.evalString(`window.textlabCalls.join(",")`)
}

// classicTrain starts training and waits until the job ends in state want.
func (tb *tab) classicTrain(want string) {
	tb.t.Helper()
	tb.click(`[data-job="classic-train"] [data-action="start"]`)
	tb.waitFor(`(() => { const s = document.querySelector('[data-job="classic-train"]').dataset.state; return s && s !== "running" })()`)
	if got := tb.evalString(`document.querySelector('[data-job="classic-train"]').dataset.state`); got != want {
		tb.t.Fatalf("training ended %q, want %q: %s", got, want, tb.evalString(`document.querySelector('[data-job="classic-train"] .job-message').textContent`))
	}
}

// sotuRun is what core/pipeline computes for TF-IDF + logistic regression
// on the SOTU sample with the columns the Data page guesses (president as
// the group column), seed 42: eval says the split (set its Group to
// "president" for the page's default, grouped split).
func sotuRun(t *testing.T, eval pipeline.EvalConfig) *pipeline.Result {
	t.Helper()
	raw, err := os.ReadFile(filepath.Join("..", "static", "data", "sotu-party.csv"))
	if err != nil {
		t.Fatal(err)
	}
	tbl, rep, err := dataset.Read(context.Background(), raw, dataset.Options{Name: "sotu-party.csv"})
	if err != nil {
		t.Fatal(err)
	}
	if rep.Chosen.Group != "president" {
		t.Fatalf("the Data page's guess for the group column: %q, want president", rep.Chosen.Group)
	}
	// FromExamples sorts the labels (byte order), as the engine does.
	d := pipeline.FromExamples("sotu-party.csv", tbl.Examples)
	res, err := pipeline.Run(context.Background(), d, pipeline.Config{
		Features: pipeline.FeatureConfig{Kind: pipeline.FeaturesTfidf},
		Model:    pipeline.ModelConfig{Kind: pipeline.ModelLogreg, C: 1},
		Eval:     eval,
		Seed:     42,
	}, nil)
	if err != nil {
		t.Fatal(err)
	}
	return res
}

// sotuAccuracy is the accuracy of the page's default run on the SOTU
// sample: hold-out 80:20 (stratified), presidents kept together, seed 42.
func sotuAccuracy(t *testing.T) float64 {
	t.Helper()
	return sotuRun(t, pipeline.EvalConfig{Kind: pipeline.EvalHoldout, TestFraction: 0.2, Group: "president"}).Report.Accuracy
}

func TestClassicJourney(t *testing.T) {
	want := sotuAccuracy(t)
	tb, _ := openClassicWithSOTU(t, 1280, 800)

	// TF-IDF + logistic regression, 80:20, seed 42.
	tb.click(`#classic-form [data-test-size="30"]`)
	tb.click(`#classic-form [data-test-size="20"]`)
	tb.classicSet(map[string]string{"seed": "42", "features": "tfidf", "model": "logreg", "C": "1", "ngram_min": "1", "ngram_max": "1"})
	if got := tb.evalString(`document.getElementById("classic-test-size").value`); got != "20" {
		t.Fatalf("80:20 button set the test share to %q", got)
	}
	tb.waitFor(`document.getElementById("classic-settings").textContent.includes("seed 42")`)
	// One engine call trains, saves the run for the next visit and puts it
	// on the board: no classic.save, no board.render after it.
	tb.countEngineCalls()
	tb.classicTrain("done")
	tb.waitFor(`document.querySelector("#classic-board .board")?.dataset.runs === "1"`)
	if calls := tb.engineCalls(); calls != "classic.train" {
		t.Errorf("engine calls of one training run: %s, want only classic.train", calls)
	}
	if msg := tb.evalString(`document.querySelector('[data-job="classic-train"] .job-message').textContent`); !strings.HasPrefix(msg, fmt.Sprintf("Done: accuracy %.3f, fit in ", want)) || !strings.HasSuffix(msg, " s.") {
		t.Errorf("job message %q", msg)
	}
	stored := tb.evalString(`import("./static/store.js").then(s => s.listRuns()).then(rs => rs.length + " " + rs[0].page + " " + (rs[0].id === "" ? "" : "id") + " " + rs[0].metrics.accuracy)`)
	if w := fmt.Sprintf("1 classic id %v", want); stored != w {
		t.Errorf("stored runs: %q, want %q", stored, w)
	}
	if got, w := tb.evalString(`document.querySelector("#classic-result .classic-run").dataset.accuracy`), fmt.Sprintf("%.6f", want); got != w {
		t.Errorf("accuracy on the page %s, pipeline.Run says %s", got, w)
	}
	if shown := tb.evalString(`document.querySelector('#classic-result [data-score="accuracy"]').textContent`); shown != fmt.Sprintf("%.3f", want) {
		t.Errorf("headline accuracy %q, want %.3f", shown, want)
	}
	settings := tb.evalString(`document.querySelector("#classic-result [data-settings]").textContent`)
	for _, w := range []string{"tfidf", "logreg C=1", "seed 42", "20%"} {
		if !strings.Contains(settings, w) {
			t.Errorf("settings line %q lacks %q", settings, w)
		}
	}
	if n := tb.eval(`document.querySelectorAll("#classic-result .heatmap .heat-cell").length`); n.(float64) != 4 {
		t.Errorf("confusion heatmap has %v cells, want 4", n)
	}
	if auc := tb.evalString(`document.querySelector("#classic-result .roc-chart svg").getAttribute("aria-label")`); !strings.Contains(auc, "area under the curve 0.") {
		t.Errorf("ROC chart: %q", auc)
	}
	if n := tb.eval(`document.querySelectorAll("#classic-result .classic-top-class").length`); n.(float64) != 2 {
		t.Errorf("top features for %v classes, want 2", n)
	}
	tb.eval(`window.scrollTo(0, 0)`)
	tb.screenshot("desktop-classic-result")

	// Misclassified documents, one click away; click one to explain it.
	tb.click("#classic-show-mis")
	tb.waitFor(`document.querySelector("#classic-mis button[data-doc]") !== null`)
	tb.click("#classic-mis button[data-doc]")
	tb.waitFor(`document.querySelector("#classic-explain .classic-explain") !== null`)
	if n := tb.eval(`document.querySelectorAll("#classic-explain tbody tr").length`); n.(float64) < 1 {
		t.Errorf("explanation lists %v features", n)
	}
	// A typed text, markup included, is shown as text.
	tb.eval(`document.getElementById("classic-explain-text").value = "<img src=x onerror=alert(1)> We must cut taxes and balance the budget."; true`)
	tb.click("#classic-explain-btn")
	tb.waitFor(`document.querySelector("#classic-explain .classic-explain-text")?.textContent.startsWith("<img")`)
	if n := tb.eval(`document.querySelectorAll("#classic img").length`); n.(float64) != 0 {
		t.Errorf("user text became an element")
	}
	tb.eval(`window.scrollTo(0, 0)`)
	tb.screenshot("desktop-classic-explain")

	// Predictions for an unlabeled file, downloaded as a CSV blob.
	dir := t.TempDir()
	unlabeled := filepath.Join(dir, "new.csv")
	os.WriteFile(unlabeled, []byte("doc,speech\n=cmd|' /C calc'!A0,We will cut taxes for working families.\nd2,\"<b>The Union</b> is strong, and the economy grows.\"\n"), 0o644)
	if err := chromedp.Do(tb.ctx, chromedp.SetUploadFiles(chromedp.CSS("#classic-apply-file"), []string{unlabeled})); err != nil {
		t.Fatal(err)
	}
	tb.waitFor(`!document.getElementById("classic-apply-btn").disabled`)
	if col := tb.evalString(`document.getElementById("classic-apply-text").value`); col != "speech" {
		t.Errorf("text column guessed %q, want speech", col)
	}
	tb.eval(`document.getElementById("classic-apply-id").value = "doc"; true`)
	tb.click("#classic-apply-btn")
	tb.waitFor(`!document.getElementById("classic-download").hidden`)
	csv := tb.evalString(`document.getElementById("classic-download").textlabBlob.text()`)
	lines := strings.Split(strings.TrimSpace(csv), "\n")
	if len(lines) != 3 || lines[0] != "id,text,predicted,p_Democratic,p_Republican" {
		t.Errorf("predictions CSV:\n%s", csv)
	}
	// The file starts with UTF-8's byte order mark (Blob.text() drops it).
	if bom := tb.evalString(`document.getElementById("classic-download").textlabBlob.arrayBuffer().then(b => Array.from(new Uint8Array(b).slice(0, 3)).join(","))`); bom != "239,187,191" {
		t.Errorf("predictions CSV starts with bytes %s, want the byte order mark 239,187,191", bom)
	}
	if !strings.HasPrefix(lines[1], "'=cmd") {
		t.Errorf("formula cell not escaped: %q", lines[1])
	}
	if name := tb.evalString(`document.getElementById("classic-download").download`); name != "new-predictions.csv" {
		t.Errorf("download name %q", name)
	}

	// 5-fold cross-validation: mean ± std; the stratify label speaks of folds.
	tb.classicSet(map[string]string{"eval": "kfold", "folds": "5"})
	if label := tb.evalString(`[...document.getElementById("classic-stratify").closest("label").querySelectorAll("span")].filter(s => !s.hidden).map(s => s.textContent).join("|")`); label != "Stratified (keep class shares in every fold)" {
		t.Errorf("stratify label for k-fold: %q", label)
	}
	tb.classicSet(map[string]string{"folds": "51"})
	tb.waitFor(`document.getElementById("classic-settings").textContent.startsWith("Folds (k) must be between 2 and 50, not 51.")`)
	tb.classicSet(map[string]string{"folds": "5"})
	tb.countEngineCalls()
	tb.classicTrain("done")
	if calls := tb.engineCalls(); calls != "classic.train" {
		t.Errorf("engine calls of a k-fold run: %s, want only classic.train", calls)
	}
	if n := tb.eval(`document.querySelectorAll("#classic-result .classic-folds tbody tr").length`); n.(float64) != 5 {
		t.Errorf("fold table has %v rows, want 5", n)
	}
	if s := tb.evalString(`document.querySelector('#classic-result [data-score="accuracy"]').textContent`); !strings.Contains(s, "±") {
		t.Errorf("k-fold accuracy %q lacks mean ± std", s)
	}

	// A long run can be cancelled, and the engine keeps the data set.
	tb.classicSet(map[string]string{"eval": "holdout", "model": "logreg", "ngram_min": "1", "ngram_max": "4"})
	if tb.evalString(`document.querySelector('#classic-model option[value="forest"]').disabled ? "" : "ok"`) == "ok" {
		tb.classicSet(map[string]string{"model": "forest", "trees": "500", "ngram_max": "2"})
	}
	tb.click(`[data-job="classic-train"] [data-action="start"]`)
	tb.waitFor(`document.querySelector('[data-job="classic-train"] progress').value > 0`)
	tb.click(`[data-job="classic-train"] [data-action="cancel"]`)
	tb.waitFor(`document.querySelector('[data-job="classic-train"]').dataset.state === "cancelled"`)
	tb.classicSet(map[string]string{"model": "nb", "ngram_max": "1", "alpha": "1"})
	tb.classicTrain("done")

	// A run from another page appears on the board too: one the engine
	// already has (board.add, as the Dictionary page adds its runs) and
	// one it does not (handed over with the stored runs).
	tb.countEngineCalls()
	tb.eval(`window.textlab.engine.call("board.add", {run: {page: "dictionary", dataset: "sotu-party.csv", split: "all 4000 texts", method: "VADER compound ≥ 0.05", settings: {kind: "compound"}, seed: null, metrics: {accuracy: 0.5, macro_f1: 0.01, weighted_f1: 0.4}}}).then(r => import("./static/store.js").then(s => s.addRun(r.run))).then(() => true)`)
	tb.waitFor(`document.querySelector("#classic-board .board").dataset.runs === "4"`)
	if calls := tb.engineCalls(); calls != "board.add,board.render" {
		t.Errorf("engine calls for a run added with board.add: %s", calls)
	}
	methods := tb.evalString(`[...document.querySelectorAll("#classic-board tr.board-run")].map(r => r.dataset.page).join(",")`)
	if strings.Count(methods, "dictionary") != 1 || strings.Count(methods, "classic") != 3 {
		t.Errorf("board rows by page: %s (want 3 classic runs and the dictionary run)", methods)
	}
	// The dictionary run, evaluated on all texts, is a design of its own.
	if got := tb.evalString(`[...document.querySelectorAll('#classic-board tbody[data-design="all 4000 texts"] tr.board-run')].map(r => r.dataset.page + " " + r.dataset.rank).join(",")`); got != "dictionary 1" {
		t.Errorf("design \"all 4000 texts\" holds %q", got)
	}
	tb.eval(`import("./static/store.js").then(s => s.addRun({page: "dictionary", dataset: "sotu-party.csv", split: "all 4000 texts", method: "AFINN", settings: {kind: "sum"}, seed: null, metrics: {accuracy: 0.5, macro_f1: 0.02, weighted_f1: 0.4}})).then(() => true)`)
	tb.waitFor(`document.querySelector("#classic-board .board").dataset.runs === "5"`)

	// Reload: the board, the settings and the last trained model survive:
	// its results, misclassified documents and predictions work without
	// training again.
	nbAccuracy := tb.evalString(`document.querySelector("#classic-result .classic-run").dataset.accuracy`)
	tb.classicReload()
	tb.waitFor(`document.querySelector("#classic-board .board")?.dataset.runs === "5"`)
	if m := tb.evalString(`document.getElementById("classic-model").value`); m != "nb" {
		t.Errorf("model after reload %q, want nb", m)
	}
	if got := tb.evalString(`document.querySelector("#classic-result .classic-run")?.dataset.accuracy ?? "none"`); got != nbAccuracy {
		t.Errorf("restored results: accuracy %q, want %q", got, nbAccuracy)
	}
	if note := tb.evalString(`document.querySelector("#classic-result [data-restored]")?.textContent ?? ""`); !strings.HasPrefix(note, "Restored from your last visit: TF-IDF + Multinomial naive Bayes on sotu-party.csv, trained 20") {
		t.Errorf("restored note %q", note)
	}
	if tb.eval(`document.getElementById("classic-interpret").hidden || document.getElementById("classic-apply").hidden`).(bool) {
		t.Errorf("the interpretation and labeling sections are hidden after the reload")
	}
	tb.click("#classic-show-mis")
	tb.waitFor(`document.querySelector("#classic-mis button[data-doc]") !== null`)
	tb.click("#classic-mis button[data-doc]")
	tb.waitFor(`document.querySelector("#classic-explain .classic-explain") !== null`)
	if err := chromedp.Do(tb.ctx, chromedp.SetUploadFiles(chromedp.CSS("#classic-apply-file"), []string{unlabeled})); err != nil {
		t.Fatal(err)
	}
	tb.waitFor(`!document.getElementById("classic-apply-btn").disabled`)
	tb.click("#classic-apply-btn")
	tb.waitFor(`!document.getElementById("classic-download").hidden`)
	csv = tb.evalString(`document.getElementById("classic-download").textlabBlob.text()`)
	if lines := strings.Split(strings.TrimSpace(csv), "\n"); len(lines) != 3 || lines[0] != "id,text,predicted,p_Democratic,p_Republican" {
		t.Errorf("predictions CSV after the reload:\n%s", csv)
	}
	tb.eval(`window.scrollTo(0, 0)`)
	tb.screenshot("desktop-classic-restored")
	tb.eval(`document.getElementById("classic-board").scrollIntoView(); true`)
	tb.screenshot("desktop-classic-board")
	tb.countEngineCalls()
	tb.click("#classic-board-clear")
	tb.waitFor(`document.querySelector("#classic-board .board")?.dataset.runs === "0"`)
	if calls := tb.engineCalls(); calls != "board.clear" {
		t.Errorf("engine calls of Clear board: %s", calls)
	}
	if n := tb.evalString(`import("./static/store.js").then(s => s.listRuns()).then(rs => String(rs.length))`); n != "0" {
		t.Errorf("%s stored runs after Clear board", n)
	}
	if !tb.eval(`document.getElementById("classic-board-clear").disabled`).(bool) {
		t.Errorf("Clear board is enabled on an empty board")
	}
}

// classicReload reloads the page and waits for the engine and the page;
// it fails the test when the page was not really reloaded.
func (tb *tab) classicReload() {
	tb.t.Helper()
	tb.eval(`window.textlabBeforeReload = true`)
	if err := chromedp.Do(tb.ctx, chromedp.Reload()); err != nil {
		tb.t.Fatal(err)
	}
	tb.waitFor(`document.body.dataset.engine === "ready" && document.getElementById("classic").dataset.ready === "true"`)
	if tb.eval(`window.textlabBeforeReload === true`).(bool) {
		tb.t.Fatalf("the page was not reloaded")
	}
}

// TestClassicWordVectors trains averaged word vectors + logistic
// regression on SOTU: the page fetches the vectors from its own origin
// once, shows how many documents have no known word, and restores the
// model after a reload (fetching the vectors again).
func TestClassicWordVectors(t *testing.T) {
	tb, _ := openClassicWithSOTU(t, 1280, 800)
	if tb.eval(`document.querySelector('#classic-features option[value="embed"]').disabled`).(bool) {
		t.Fatal("averaged word vectors are not offered")
	}
	tb.classicSet(map[string]string{"eval": "holdout", "test_size": "20", "seed": "42", "features": "embed", "model": "logreg"})
	tb.waitFor(`document.getElementById("classic-vectors-msg").textContent.startsWith("Word vectors loaded")`)
	if msg := tb.evalString(`document.getElementById("classic-vectors-msg").textContent`); !strings.Contains(msg, "38,157 words, 100 dimensions") {
		t.Errorf("vectors status %q", msg)
	}
	tb.classicTrain("done")
	settings := tb.evalString(`document.querySelector("#classic-result [data-settings]").textContent`)
	if !strings.Contains(settings, "embed (100-d vectors of 38157 words)") {
		t.Errorf("settings line %q", settings)
	}
	if n := tb.evalString(`document.querySelector("#classic-result [data-no-known-word]")?.dataset.noKnownWord ?? "none"`); n == "none" {
		t.Error("the results do not say how many documents have no known word")
	}
	acc := tb.evalString(`document.querySelector("#classic-result .classic-run").dataset.accuracy`)
	if acc < "0.600000" {
		t.Errorf("accuracy %s with word vectors on SOTU; the command line gives about 0.70", acc)
	}
	// Only one download of the vectors, from this origin.
	if n := tb.eval(`performance.getEntriesByType("resource").filter(e => e.name.endsWith("wink-glove-100d-int8.bin")).length`); n.(float64) != 1 {
		t.Errorf("the vectors were fetched %v times", n)
	}
	tb.eval(`window.scrollTo(0, 0)`)
	tb.screenshot("desktop-classic-embed")

	tb.classicReload()
	tb.waitFor(`document.querySelector("#classic-result [data-restored]") !== null`)
	if got := tb.evalString(`document.querySelector("#classic-result .classic-run").dataset.accuracy`); got != acc {
		t.Errorf("restored accuracy %s, want %s", got, acc)
	}
	tb.eval(`document.getElementById("classic-explain-text").value = "We must cut taxes and balance the budget."; true`)
	tb.click("#classic-explain-btn")
	tb.waitFor(`document.querySelector("#classic-explain .classic-explain") !== null`)
	if e := tb.evalString(`document.getElementById("classic-explain-error").hidden ? "" : document.getElementById("classic-explain-error").textContent`); e != "" {
		t.Errorf("explain after the reload: %s", e)
	}
}

func TestClassicMobile(t *testing.T) {
	tb, _ := openClassicWithSOTU(t, 390, 844)
	tb.classicSet(map[string]string{"eval": "holdout", "test_size": "20", "seed": "42", "features": "tfidf", "model": "logreg"})
	tb.classicTrain("done")
	tb.waitFor(`document.querySelector("#classic-result .roc-chart") !== null`)
	if w := tb.eval(`document.documentElement.scrollWidth`); w.(float64) > 390 {
		t.Errorf("page is %v px wide on a 390 px screen", w)
	}
	tb.eval(`window.scrollTo(0, 0)`)
	tb.screenshot("mobile-classic-result")
	tb.classicSet(map[string]string{"features": "embed"})
	tb.waitFor(`document.getElementById("classic-vectors-msg").textContent.startsWith("Word vectors loaded")`)
	tb.waitFor(`document.getElementById("classic-settings").textContent.includes("100-d vectors")`)
	if w := tb.eval(`document.documentElement.scrollWidth`); w.(float64) > 390 {
		t.Errorf("page is %v px wide on a 390 px screen with word vectors chosen", w)
	}
	tb.eval(`document.getElementById("classic-vectors-status").scrollIntoView(); true`)
	tb.screenshot("mobile-classic-vectors")
}

func TestClassicNoData(t *testing.T) {
	app := startApp(t)
	tb := openTab(t, app, 1280, 800)
	tb.open(app + "#classic")
	tb.waitFor(`document.getElementById("classic").dataset.ready === "true"`)
	if tb.eval(`document.getElementById("classic-nodata").hidden`).(bool) {
		t.Errorf("the page does not say that no data set is loaded")
	}
	if href := tb.evalString(`document.querySelector("#classic-nodata a").getAttribute("href")`); href != "#data" {
		t.Errorf("link to the Data page: %q", href)
	}
	tb.click(`[data-job="classic-train"] [data-action="start"]`)
	tb.waitFor(`document.querySelector('[data-job="classic-train"]').dataset.state === "error"`)
	if msg := tb.evalString(`document.querySelector('[data-job="classic-train"] .job-message').textContent`); !strings.Contains(msg, "Data page") {
		t.Errorf("error message %q", msg)
	}
	tb.screenshot("desktop-classic-nodata")
}

func TestClassicTestFile(t *testing.T) {
	tb, _ := openClassicWithSOTU(t, 1280, 800)
	dir := t.TempDir()
	good := filepath.Join(dir, "heldout.csv")
	os.WriteFile(good, []byte("text,label\n"+
		"We must cut taxes and free enterprise from government.,Republican\n"+
		"The government must help working families and the unemployed.,Democratic\n"+
		"Our defense must be strong and our budget balanced.,Republican\n"+
		"\"<img src=x onerror=alert(1)> social security, medicare and jobs\",Democratic\n"), 0o644)
	bad := filepath.Join(dir, "nolabels.csv")
	os.WriteFile(bad, []byte("text,party\nsome text,Republican\n"), 0o644)

	tb.classicSet(map[string]string{"eval": "testset", "features": "tfidf", "model": "logreg"})
	// Without a file the job says what to do.
	tb.classicTrain("error")
	if err := chromedp.Do(tb.ctx, chromedp.SetUploadFiles(chromedp.CSS("#classic-test-file"), []string{good})); err != nil {
		t.Fatal(err)
	}
	tb.waitFor(`document.getElementById("classic-test-name").textContent.includes("heldout.csv")`)
	tb.classicTrain("done")
	what := tb.evalString(`document.querySelector("#classic-result .classic-run-what").textContent`)
	if !strings.Contains(what, "separate test file heldout.csv") {
		t.Errorf("evaluation line %q", what)
	}
	if n := tb.evalString(`document.querySelector("#classic-result .classic-report tfoot td:last-child").textContent`); n != "4" {
		t.Errorf("test documents %q, want 4", n)
	}
	tb.click("#classic-show-mis")
	tb.waitFor(`document.querySelector("#classic-mis .classic-mis") !== null`)
	if n := tb.eval(`document.querySelectorAll("#classic img").length`); n.(float64) != 0 {
		t.Errorf("test file text became an element")
	}

	// A test file of one class is accepted too (as by textlab train --test).
	one := filepath.Join(dir, "republican.csv")
	os.WriteFile(one, []byte("text,label\nWe must cut taxes.,Republican\nA strong defense.,Republican\n"), 0o644)
	if err := chromedp.Do(tb.ctx, chromedp.SetUploadFiles(chromedp.CSS("#classic-test-file"), []string{one})); err != nil {
		t.Fatal(err)
	}
	tb.waitFor(`document.getElementById("classic-test-name").textContent.includes("republican.csv")`)
	tb.classicTrain("done")
	if n := tb.evalString(`document.querySelector("#classic-result .classic-report tfoot td:last-child").textContent`); n != "2" {
		t.Errorf("one-class test file: %q test documents, want 2", n)
	}

	// A test file without the label column fails with a message; the
	// results shown before stay.
	if err := chromedp.Do(tb.ctx, chromedp.SetUploadFiles(chromedp.CSS("#classic-test-file"), []string{bad})); err != nil {
		t.Fatal(err)
	}
	tb.waitFor(`document.getElementById("classic-test-name").textContent.includes("nolabels.csv")`)
	tb.classicTrain("error")
	msg := tb.evalString(`document.querySelector('[data-job="classic-train"] .job-message').textContent`)
	if !strings.Contains(msg, `no column "label"`) {
		t.Errorf("error for a test file without labels: %q", msg)
	}
	if !strings.Contains(tb.evalString(`document.querySelector("#classic-result .classic-run-what").textContent`), "republican.csv") {
		t.Errorf("the previous results were replaced by a failed run")
	}
}

// TestClassicGrouped: the SOTU sample has a group column (president), so
// the page's default run keeps each president's passages on one side of
// the split and says so; switched off, the split and the numbers change.
// Both give core/pipeline's numbers for the same split.
func TestClassicGrouped(t *testing.T) {
	grouped := sotuRun(t, pipeline.EvalConfig{Kind: pipeline.EvalHoldout, TestFraction: 0.2, Group: "president"})
	random := sotuRun(t, pipeline.EvalConfig{Kind: pipeline.EvalHoldout, TestFraction: 0.2})
	t.Logf("core/pipeline: grouped accuracy %.4f macro-F1 %.4f on %d passages; random %.4f and %.4f on %d",
		grouped.Report.Accuracy, grouped.Report.Macro.F1, len(grouped.Test), random.Report.Accuracy, random.Report.Macro.F1, len(random.Test))
	for _, size := range []struct {
		name          string
		width, height int64
	}{{"desktop", 1280, 800}, {"mobile", 390, 844}} {
		t.Run(size.name, func(t *testing.T) {
			tb, _ := openClassicWithSOTU(t, size.width, size.height)
			// The form as it loads: the group box is shown and ticked.
			tb.waitFor(`!document.getElementById("classic-group").hidden`)
			if !tb.eval(`document.getElementById("classic-group-on").checked`).(bool) {
				t.Fatal("the group box is not ticked by default")
			}
			note := tb.evalString(`document.getElementById("classic-group-note").textContent`)
			if !strings.HasPrefix(note, "Texts with the same president stay together: ") {
				t.Errorf("group note %q", note)
			}
			if s := tb.evalString(`document.getElementById("classic-settings").textContent`); !strings.Contains(s, "hold-out 20% stratified grouped by president") || !strings.Contains(s, "tfidf") || !strings.Contains(s, "seed 42") {
				t.Errorf("settings line of the default form: %q", s)
			}

			// The default run: grouped, and it says so.
			tb.classicTrain("done")
			check := func(res *pipeline.Result, grouped bool) {
				t.Helper()
				what := tb.evalString(`document.querySelector("#classic-result .classic-run-what").textContent`)
				if strings.Contains(what, "grouped by president") != grouped {
					t.Errorf("evaluation line %q (grouped: %v)", what, grouped)
				}
				sentence := tb.evalString(`document.querySelector("#classic-result .classic-group-result")?.textContent.trim() ?? ""`)
				want := map[bool]string{true: "Texts with the same president stay together: each president's texts are all in training or all in test", false: "Grouping is off: texts with the same president can land in both training and test"}[grouped]
				if !strings.HasPrefix(sentence, want) {
					t.Errorf("result sentence %q, want %q…", sentence, want)
				}
				if got, w := tb.evalString(`document.querySelector("#classic-result .classic-run").dataset.accuracy`), fmt.Sprintf("%.6f", res.Report.Accuracy); got != w {
					t.Errorf("accuracy %s, core/pipeline says %s", got, w)
				}
				if n := tb.evalString(`document.querySelector("#classic-result .classic-report tfoot td:last-child").textContent`); n != fmt.Sprint(len(res.Test)) {
					t.Errorf("%s test passages, core/pipeline tests %d", n, len(res.Test))
				}
			}
			check(grouped, true)
			if g := tb.evalString(`document.querySelector("#classic-result .classic-group-result").dataset.groups`); g != "22" {
				t.Errorf("%s groups, want 22 presidents", g)
			}
			if w := tb.eval(`document.documentElement.scrollWidth`); w.(float64) > float64(size.width) {
				t.Errorf("page is %v px wide on a %d px screen", w, size.width)
			}
			tb.eval(`document.getElementById("classic-form").scrollIntoView(); true`)
			tb.screenshot(size.name + "-classic-grouped")
			if size.name == "mobile" {
				return
			}

			// Switched off: the note says so, and the numbers are those of
			// a split that ignores the presidents.
			tb.classicSet(map[string]string{"group": "false"})
			tb.waitFor(`document.querySelector('#classic-group-note [data-grouped="false"]') !== null`)
			if s := tb.evalString(`document.getElementById("classic-settings").textContent`); strings.Contains(s, "grouped") {
				t.Errorf("settings line with grouping off: %q", s)
			}
			tb.classicTrain("done")
			check(random, false)
			if grouped.Report.Accuracy == random.Report.Accuracy {
				t.Errorf("grouped and random splits give the same accuracy %v", random.Report.Accuracy)
			}
			// The board keeps both, in two designs.
			designs := tb.evalString(`[...document.querySelectorAll("#classic-board tbody")].map(b => b.dataset.design).join("|")`)
			if designs != "hold-out 80:20, stratified|hold-out 80:20, stratified, grouped by president" {
				t.Errorf("board designs %q", designs)
			}
			tb.screenshot(size.name + "-classic-ungrouped")

			// Loading another data set ticks the box again.
			tb.eval(`location.hash = "#data"`)
			tb.click(`#data [data-sample="brown-genre.csv"]`)
			tb.waitFor(`document.getElementById("data").dataset.loaded === "brown-genre.csv"`)
			tb.eval(`location.hash = "#classic"`)
			tb.waitFor(`document.getElementById("classic-group-note").textContent.startsWith("Texts with the same document stay together")`)
			if !tb.eval(`document.getElementById("classic-group-on").checked`).(bool) {
				t.Error("the group box stays unticked for another data set")
			}
		})
	}
}

// TestClassicUnseenLabels: a separate test file with labels the training
// data lacks is scored, its rows listed by file line, as errors or left
// out as the student chooses.
func TestClassicUnseenLabels(t *testing.T) {
	tb, _ := openClassicWithSOTU(t, 1280, 800)
	dir := t.TempDir()
	file := filepath.Join(dir, "unseen.csv")
	os.WriteFile(file, []byte("text,label\n"+
		"We must cut taxes and free enterprise from government.,Republican\n"+
		"The Whig party stands for a national bank.,Whig\n"+
		"The government must help working families and the unemployed.,Democratic\n"+
		"Free silver for the farmers of the plains.,Populist\n"+
		"Our defense must be strong and our budget balanced.,Republican\n"), 0o644)
	tb.classicSet(map[string]string{"eval": "testset", "features": "tfidf", "model": "logreg", "seed": "42"})
	if err := chromedp.Do(tb.ctx, chromedp.SetUploadFiles(chromedp.CSS("#classic-test-file"), []string{file})); err != nil {
		t.Fatal(err)
	}
	tb.waitFor(`document.getElementById("classic-test-name").textContent.includes("unseen.csv")`)
	if tb.eval(`document.querySelector(".classic-unseen").closest("[data-eval]").hidden`).(bool) {
		t.Fatal("the choice for unseen labels is hidden for a test file")
	}
	tests := []struct {
		unseen, excluded, report, docs string
	}{
		{"errors", "false", "2 test rows have labels the training data lacks (Populist, Whig). They count as errors: the model cannot predict a label it never saw.", "5"},
		{"exclude", "true", "2 test rows have labels the training data lacks (Populist, Whig). They are left out of the scores.", "3"},
	}
	for _, tc := range tests {
		tb.classicSet(map[string]string{"unseen": tc.unseen})
		tb.classicTrain("done")
		rep := `document.querySelector("#classic-result .classic-unseen-report")`
		if got := tb.evalString(rep + `?.dataset.excluded ?? "none"`); got != tc.excluded {
			t.Errorf("%s: excluded %q, want %q", tc.unseen, got, tc.excluded)
		}
		if got := tb.evalString(rep + `.querySelector("p").textContent`); got != tc.report {
			t.Errorf("%s: report %q, want %q", tc.unseen, got, tc.report)
		}
		if got := tb.evalString(rep + `.querySelector("[data-unseen-lines]").textContent`); got != "Lines 3, 5 of the test file." {
			t.Errorf("%s: lines %q", tc.unseen, got)
		}
		if n := tb.evalString(`document.querySelector("#classic-result .classic-report tfoot td:last-child").textContent`); n != tc.docs {
			t.Errorf("%s: %s test documents, want %s", tc.unseen, n, tc.docs)
		}
		if tc.unseen == "errors" {
			// The misclassified list names them by line too.
			tb.click("#classic-show-mis")
			tb.waitFor(`document.querySelector("#classic-mis .classic-mis") !== null`)
			labels := tb.evalString(`[...document.querySelectorAll("#classic-mis .classic-doc-labels")].map(e => e.textContent.trim()).join("|")`)
			if !strings.Contains(labels, "line 3: true Whig") || !strings.Contains(labels, "line 5: true Populist") {
				t.Errorf("misclassified: %q", labels)
			}
			tb.screenshot("desktop-classic-unseen")
		}
	}
	// Both runs are on the same split (the same training data and test
	// file), ranked against each other.
	if got := tb.evalString(`[...document.querySelectorAll('#classic-board tbody[data-design="separate test file unseen.csv"] tr.board-run')].map(r => r.dataset.rank).join(",")`); got != "1,2" {
		t.Errorf("board ranks for the test file: %q", got)
	}
}
