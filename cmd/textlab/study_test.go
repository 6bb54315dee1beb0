package main

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"textlab/internal/enginetest"
	"textlab/wasm/board"
	"textlab/wasm/classic"
	"textlab/wasm/data"
	"textlab/wasm/dictionary"
	wstudy "textlab/wasm/study"
)

// studyCSV is a small labeled set that both a classifier and VADER can read.
func studyCSV() string {
	var b strings.Builder
	b.WriteString("id,text,label\n")
	pos := []string{"good", "great", "fine", "lovely", "nice"}
	neg := []string{"bad", "awful", "poor", "dull", "terrible"}
	for i := 0; i < 30; i++ {
		fmt.Fprintf(&b, "p%d,a %s and %s film %d,pos\n", i, pos[i%5], pos[(i+2)%5], i%3)
		fmt.Fprintf(&b, "n%d,a %s and %s film %d,neg\n", i, neg[i%5], neg[(i+1)%5], i%3)
	}
	// Mixed rows, so that neither method is perfect.
	for i := 0; i < 8; i++ {
		fmt.Fprintf(&b, "m%d,a %s but %s film,%s\n", i, pos[i%5], neg[(i+3)%5], []string{"pos", "neg"}[i%2])
	}
	return b.String()
}

// resultJSON fails unless m is a result and returns it as generic JSON.
func resultJSON(t *testing.T, method string, m any) map[string]any {
	t.Helper()
	b, err := json.Marshal(m)
	if err != nil {
		t.Fatal(err)
	}
	var out map[string]any
	json.Unmarshal(b, &out)
	if out["type"] != "result" {
		t.Fatalf("%s: %s", method, b)
	}
	return out["result"].(map[string]any)
}

// buildStudy makes a study the way the page does: a data set, two Classic
// ML runs (only the last one's model is saved), a dictionary run and a run
// of another page on the board, exported with study.export.
func buildStudy(t *testing.T, kfoldLast bool, tamper func(runs []board.Run)) string {
	t.Helper()
	_, call := enginetest.New(t, data.Register, classic.Register, dictionary.Register, board.Register, wstudy.Register)
	csv := []byte(studyCSV())
	resultJSON(t, "data.load", call("data.load", `{"name":"films.csv"}`, csv))

	var runs []board.Run
	addRun := func(r map[string]any) {
		b, _ := json.Marshal(r)
		var run board.Run
		if err := json.Unmarshal(b, &run); err != nil {
			t.Fatal(err)
		}
		runs = append(runs, run)
	}
	// Two Classic ML runs: the page saves only the last one's model.
	trainings := []string{
		`{"eval":{"kind":"kfold","folds":3},"features":{"kind":"counts","ngram_min":1,"ngram_max":1,"min_df":1,"max_df":1},"model":{"kind":"nb","alpha":1},"seed":7}`,
		`{"eval":{"kind":"holdout","test_size":25,"stratify":true},"features":{"kind":"tfidf","ngram_min":1,"ngram_max":2,"min_df":1,"max_df":1},"model":{"kind":"logreg","C":1},"seed":42}`,
	}
	if kfoldLast {
		trainings[0], trainings[1] = trainings[1], trainings[0]
	}
	var saved string
	for _, payload := range trainings {
		r := resultJSON(t, "classic.train", call("classic.train", payload, nil))
		addRun(r["board"].(map[string]any)["run"].(map[string]any))
		saved = r["saved"].(map[string]any)["run"].(string)
	}

	resultJSON(t, "dictionary.load", call("dictionary.load", `{"source":"vader"}`, nil))
	resultJSON(t, "dictionary.score", call("dictionary.score", `{}`, nil))
	ev := resultJSON(t, "dictionary.evaluate", call("dictionary.evaluate", `{"kind":"compound","threshold":0.05,"mapping":{"above":"pos","below":"neg"}}`, nil))
	dictRun := ev["run"].(map[string]any)
	added := resultJSON(t, "board.add", call.JSON(t, "board.add", map[string]any{"run": dictRun}, nil))
	addRun(added["run"].(map[string]any))
	runs = append(runs, board.Run{Page: "agreement", Dataset: "codes.csv", Method: "Krippendorff's alpha", Split: "all units", Metrics: map[string]float64{"alpha": 0.8}})
	if tamper != nil {
		tamper(runs)
	}

	runsJSON, _ := json.Marshal(runs)
	items := []wstudy.ExportItem{
		{Page: "data", Key: "data.file", Kind: "bytes", Name: "films.csv", Size: int64(len(csv))},
		{Page: "data", Key: "data.file", Kind: "json", Value: json.RawMessage(`{"name":"films.csv","columns":{"text":"text","label":"label","id":"id"}}`)},
		{Page: "classic", Key: "classic.model", Kind: "json", Value: json.RawMessage(saved)},
		{Page: "board", Key: "board.runs", Kind: "json", Value: runsJSON},
	}
	m := call.JSON(t, "study.export", map[string]any{"items": items}, csv)
	if m.Type != "result" {
		t.Fatalf("study.export: %+v", m.Error)
	}
	path := filepath.Join(t.TempDir(), m.Result.(wstudy.Export).Name)
	if err := os.WriteFile(path, m.Result.(wstudy.Export).Zip, 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestStudyShowAndRun(t *testing.T) {
	path := buildStudy(t, false, nil)

	code, out, errOut := runCLI("study", "show", path)
	if code != 0 {
		t.Fatalf("show: exit %d: %s", code, errOut)
	}
	for _, want := range []string{"Textlab study, format version 1", "4 items", "sha256 of all 4 items match",
		"data   data.file      bytes", "films.csv", "classic  classic.model  json", "board    board.runs"} {
		if !strings.Contains(strings.Join(strings.Fields(out), " "), strings.Join(strings.Fields(want), " ")) {
			t.Errorf("show output lacks %q:\n%s", want, out)
		}
	}

	code, out, errOut = runCLI("study", "run", path)
	if code != 0 {
		t.Fatalf("run: exit %d: %s\n%s", code, errOut, out)
	}
	t.Logf("textlab study run:\n%s", out)
	runs := strings.Split(out, "\nrun ")
	if len(runs) != 4 {
		t.Fatalf("run output has %d runs:\n%s", len(runs), out)
	}
	for i, want := range []string{"not rerunnable: its settings are not in the study", "all 5 metrics match", "all 9 metrics match", "not rerunnable: Textlab reruns Classic ML and dictionary runs"} {
		if !strings.Contains(runs[i], want) {
			t.Errorf("run %d lacks %q:\n%s", i+1, want, runs[i])
		}
	}
	if !strings.Contains(runs[1], "kappa") || !strings.Contains(runs[2], "macro_precision") {
		t.Errorf("metrics not listed:\n%s", out)
	}
	if strings.Contains(strings.Join(strings.Fields(runs[1]+runs[2]), " "), "accuracy 1 1") {
		t.Errorf("perfect scores make a weak test:\n%s", out)
	}
}

// TestStudyRunKFold: a k-fold run whose model the study holds is rerun,
// its standard deviations included; the hold-out run before it is not.
func TestStudyRunKFold(t *testing.T) {
	path := buildStudy(t, true, nil)
	code, out, errOut := runCLI("study", "run", path)
	if code != 0 {
		t.Fatalf("run: exit %d: %s\n%s", code, errOut, out)
	}
	runs := strings.Split(out, "\nrun ")
	if len(runs) != 4 || !strings.Contains(runs[0], "not rerunnable: its settings are not in the study") ||
		!strings.Contains(runs[1], "3-fold cross-validation") || !strings.Contains(runs[1], "macro_f1_std") ||
		!strings.Contains(runs[1], "all 8 metrics match") {
		t.Errorf("output:\n%s", out)
	}
}

// TestStudyRunDiffers: a stored metric that the rerun does not give is
// reported, and the command fails.
func TestStudyRunDiffers(t *testing.T) {
	path := buildStudy(t, false, func(runs []board.Run) { runs[1].Metrics["accuracy"] += 0.01 })
	code, out, errOut := runCLI("study", "run", path)
	if code != 1 || !strings.Contains(errOut, "1 run(s) do not match") || !strings.Contains(out, "DIFFERS") {
		t.Errorf("exit %d, stderr %q, stdout:\n%s", code, errOut, out)
	}
}

// TestStudyDamaged: a damaged study file is an error naming the problem.
func TestStudyDamaged(t *testing.T) {
	path := buildStudy(t, false, nil)
	b, _ := os.ReadFile(path)
	os.WriteFile(path, b[:len(b)-30], 0o644)
	for _, sub := range []string{"show", "run"} {
		code, _, errOut := runCLI("study", sub, path)
		if code != 1 || !strings.Contains(errOut, "study file: this is not a Textlab study") {
			t.Errorf("%s: exit %d, %q", sub, code, errOut)
		}
	}
	if code, _, _ := runCLI("study"); code != 2 {
		t.Errorf("study without a subcommand: exit %d", code)
	}
}
