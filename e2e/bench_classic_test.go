//go:build browser && bench

package e2e

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"runtime"
	"sort"
	"strings"
	"testing"
	"time"

	"textlab/core/dataset"
	"textlab/core/pipeline"
	"textlab/wasm/bench"
	"textlab/wasm/protocol"
)

// The traditional-ML benchmark of docs/BENCHMARKS.md: TF-IDF + logistic
// regression, naive Bayes and linear SVM on static/data/spam-assassin.csv,
// the training part of an 80/20 stratified split with seed 42, timed as
// vectorize + fit only, by Go natively (the engine's bench.classic method in
// this process), by the Go engine in headless Chromium (bench.classic in a
// worker), and by scikit-learn under /usr/bin/python3 on the same training
// rows, 7 repeats each (fastest and median reported). Nothing is asserted
// about time; the table is logged. Run with
// `go test -tags 'browser bench' -run BenchClassic -v ./e2e/` after
// `make build`.

const benchClassicRepeats = 7

// sklearnFitScript times TfidfVectorizer().fit_transform + fit on the
// training rows it is given and prints the seconds of each repeat.
const sklearnFitScript = `
import json, sys, time, warnings
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.naive_bayes import MultinomialNB
from sklearn.svm import LinearSVC
warnings.simplefilter("ignore")
req = json.load(sys.stdin)
secs = []
for _ in range(req["repeats"]):
    start = time.perf_counter()
    X = TfidfVectorizer().fit_transform(req["texts"])
    m = {"logreg": LogisticRegression, "nb": MultinomialNB, "svm": LinearSVC}[req["model"]]()
    m.fit(X, req["labels"])
    secs.append(time.perf_counter() - start)
json.dump(secs, sys.stdout)
`

func TestBenchClassic(t *testing.T) {
	raw, err := os.ReadFile("../static/data/spam-assassin.csv")
	if err != nil {
		t.Fatal(err)
	}
	train := benchClassicTrainRows(t, raw)
	models := []string{"logreg", "nb", "svm"}

	// The machine may be shared: each runner gives its fastest and its
	// median repeat, and the table shows both.
	native, browser, sk := map[string][]float64{}, map[string][]float64{}, map[string][]float64{}
	for _, m := range models {
		native[m] = benchClassicNative(t, raw, m)
		sk[m] = benchClassicSklearn(t, train, m)
		t.Logf("%s: native Go %.3f s, scikit-learn %.3f s (fastest)", m, native[m][0], sk[m][0])
	}

	app := benchTab(t, startBenchApp(t))
	app.waitFor(`document.body.dataset.engine === "ready"`)
	for _, m := range models {
		js := fmt.Sprintf(`(async () => {
  const data = new Uint8Array(await (await fetch("/static/data/spam-assassin.csv")).arrayBuffer());
  return await textlab.engine.call("bench.classic", {model: %q, features: "tfidf", repeats: %d}, {data});
})()`, m, benchClassicRepeats)
		v, ok := app.eval(js).(map[string]any)
		if !ok {
			t.Fatalf("browser %s: no result", m)
		}
		for _, x := range v["fit_seconds"].([]any) {
			browser[m] = append(browser[m], x.(float64))
		}
		sort.Float64s(browser[m])
		t.Logf("%s: browser Go %.3f s (fastest; train %v, test %v, accuracy %.4f)", m, browser[m][0], v["train"], v["test"], v["accuracy"])
	}

	var b strings.Builder
	fmt.Fprintf(&b, "\nspam-assassin.csv, %d training rows, TF-IDF + model, vectorize+fit; fastest (median) of %d repeats\n\n", len(train.Texts), benchClassicRepeats)
	b.WriteString("| model | native Go | browser Go (WASM) | scikit-learn | native / sklearn | browser / sklearn |\n")
	b.WriteString("| --- | --- | --- | --- | --- | --- |\n")
	for _, m := range models {
		n, br, s := native[m], browser[m], sk[m]
		med := len(n) / 2
		fmt.Fprintf(&b, "| %s | %.3f (%.3f) s | %.3f (%.3f) s | %.3f (%.3f) s | %.2f (%.2f) | %.2f (%.2f) |\n", m,
			n[0], n[med], br[0], br[med], s[0], s[med], n[0]/s[0], n[med]/s[med], br[0]/s[0], br[med]/s[med])
	}
	load, _ := os.ReadFile("/proc/loadavg")
	fmt.Fprintf(&b, "\n%s, %d CPUs, load average %s, %s\n", time.Now().UTC().Format("2006-01-02"), runtime.NumCPU(), strings.TrimSpace(string(load)), runtime.Version())
	t.Log(b.String())
}

// benchClassicTrainRows returns the training part of bench.classic's split
// (labels sorted by name, 80/20 stratified, seed 42).
func benchClassicTrainRows(t *testing.T, raw []byte) pipeline.Data {
	t.Helper()
	tab, _, err := dataset.Read(context.Background(), raw, dataset.Options{Columns: dataset.Columns{Text: "text", Label: "label"}})
	if err != nil {
		t.Fatal(err)
	}
	d := pipeline.FromExamples("", tab.Examples)
	res, err := pipeline.Run(context.Background(), d, pipeline.Config{Features: pipeline.FeatureConfig{Kind: "tfidf"}, Eval: pipeline.EvalConfig{TestFraction: 0.2}, Seed: 42}, nil)
	if err != nil {
		t.Fatal(err)
	}
	inTest := map[int]bool{}
	for _, p := range res.Test {
		inTest[p.Index] = true
	}
	train := pipeline.Data{LabelNames: d.LabelNames}
	for i := range d.Texts {
		if !inTest[i] {
			train.Texts = append(train.Texts, d.Texts[i])
			train.Labels = append(train.Labels, d.Labels[i])
		}
	}
	return train
}

// benchClassicNative runs bench.classic in this process and returns the
// fit seconds of each repeat, sorted.
func benchClassicNative(t *testing.T, raw []byte, model string) []float64 {
	t.Helper()
	payload, _ := json.Marshal(map[string]any{"model": model, "features": "tfidf", "repeats": benchClassicRepeats})
	var last protocol.Message
	e := protocol.New(func(msg protocol.Message) { last = msg })
	bench.Register(e)
	e.Serve(protocol.Request{ID: 1, Method: "bench.classic", Payload: payload, Data: raw})
	if last.Type != "result" {
		t.Fatalf("native %s: %+v", model, last.Error)
	}
	secs := append([]float64(nil), last.Result.(bench.BenchClassicResult).FitSeconds...)
	sort.Float64s(secs)
	return secs
}

// benchClassicSklearn returns scikit-learn's vectorize+fit seconds on the
// training rows, one per repeat, sorted.
func benchClassicSklearn(t *testing.T, train pipeline.Data, model string) []float64 {
	t.Helper()
	req, _ := json.Marshal(map[string]any{"texts": train.Texts, "labels": train.Labels, "model": model, "repeats": benchClassicRepeats})
	cmd := exec.Command("/usr/bin/python3", "-c", sklearnFitScript)
	cmd.Stdin = strings.NewReader(string(req))
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("scikit-learn %s: %v", model, err)
	}
	var secs []float64
	if err := json.Unmarshal(out, &secs); err != nil || len(secs) == 0 {
		t.Fatalf("scikit-learn %s: %v (%s)", model, err, out)
	}
	sort.Float64s(secs)
	return secs
}
