package main

import (
	"encoding/csv"
	"encoding/json"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"textlab/core/pipeline"
	"textlab/internal/enginetest"
	"textlab/internal/synth"
	"textlab/wasm/classic"
	"textlab/wasm/data"
	"textlab/wasm/protocol"
)

// trainCSV writes a synthetic labeled corpus of n documents in k classes
// (labels "c0", "c1", ...) as CSV and returns its path.
func trainCSV(t *testing.T, seed uint64, n, k int) string {
	t.Helper()
	texts, labels := synth.Corpus(synth.Config{Seed: seed, Docs: n, Classes: k, Words: 400})
	var b strings.Builder
	w := csv.NewWriter(&b)
	w.Write([]string{"id", "text", "label"})
	for i, text := range texts {
		w.Write([]string{"doc" + string(rune('a'+i%26)) + strings.Repeat("x", i/26), text, "c" + string(rune('0'+labels[i]))})
	}
	w.Flush()
	return writeTemp(t, "data.csv", b.String())
}

func TestTrainJSON(t *testing.T) {
	data := trainCSV(t, 1, 200, 3)
	tests := []struct {
		name  string
		args  []string
		folds int
		test  int
	}{
		{"hold-out tfidf svm", []string{"--features", "tfidf", "--model", "svm", "--test-size", "0.25"}, 0, 50},
		{"5 folds nb", []string{"--model", "nb", "--folds", "5", "--ngram", "1,2", "--min-df", "2"}, 5, 200},
		{"default", nil, 0, 40},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			code, stdout, stderr := runCLI(append([]string{"train", "--data", data, "--text", "text", "--label", "label", "--json"}, tc.args...)...)
			if code != 0 {
				t.Fatalf("exit %d: %s", code, stderr)
			}
			var got map[string]any
			if err := json.Unmarshal([]byte(stdout), &got); err != nil {
				t.Fatalf("%v\n%s", err, stdout)
			}
			for _, key := range []string{"accuracy", "macro_f1", "weighted_f1", "per_class", "confusion", "fit_seconds", "settings", "zero_division"} {
				if _, ok := got[key]; !ok {
					t.Errorf("key %q missing", key)
				}
			}
			if acc := got["accuracy"].(float64); !(acc > 0.6 && acc <= 1) {
				t.Errorf("accuracy %v", acc)
			}
			pc := got["per_class"].(map[string]any)
			support := 0.0
			for _, label := range []string{"c0", "c1", "c2"} {
				c, ok := pc[label].(map[string]any)
				if !ok {
					t.Fatalf("per_class[%q] missing: %v", label, pc)
				}
				for _, key := range []string{"precision", "recall", "f1", "support"} {
					if _, ok := c[key]; !ok {
						t.Errorf("per_class[%q].%s missing", label, key)
					}
				}
				support += c["support"].(float64)
			}
			if int(support) != tc.test || int(got["test_documents"].(float64)) != tc.test {
				t.Errorf("support %v, test documents %v, want %d", support, got["test_documents"], tc.test)
			}
			conf := got["confusion"].(map[string]any)
			if labels := conf["labels"].([]any); len(labels) != 3 || labels[0] != "c0" {
				t.Errorf("confusion labels %v", labels)
			}
			_, hasMean := got["mean"]
			_, hasStd := got["std"]
			if hasMean != (tc.folds > 0) || hasStd != (tc.folds > 0) {
				t.Errorf("mean present %v, std present %v, folds %d", hasMean, hasStd, tc.folds)
			}
			if tc.folds > 0 {
				mean, std := got["mean"].(map[string]any), got["std"].(map[string]any)
				folds := got["folds"].([]any)
				if len(folds) != tc.folds {
					t.Fatalf("%d folds in the output", len(folds))
				}
				var sum, sq float64
				for _, f := range folds {
					a := f.(map[string]any)["accuracy"].(float64)
					sum += a
					sq += a * a
				}
				m := sum / float64(len(folds))
				s := math.Sqrt(sq/float64(len(folds)) - m*m)
				if math.Abs(mean["accuracy"].(float64)-m) > 1e-12 || math.Abs(std["accuracy"].(float64)-s) > 1e-9 {
					t.Errorf("mean %v std %v, folds give %v and %v", mean["accuracy"], std["accuracy"], m, s)
				}
				for _, key := range []string{"accuracy", "macro_f1", "weighted_f1"} {
					if _, ok := mean[key]; !ok {
						t.Errorf("mean.%s missing", key)
					}
					if _, ok := std[key]; !ok {
						t.Errorf("std.%s missing", key)
					}
				}
			}
		})
	}
}

func TestTrainText(t *testing.T) {
	data := trainCSV(t, 2, 120, 2)
	code, stdout, stderr := runCLI("train", "--data", data, "--text", "text", "--label", "label", "--features", "binary", "--stop-words", "english", "--seed", "3")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	for _, want := range []string{"settings: binary", "seed 3", "english stop words", "120 documents: 96 for training, 24 held out", "ROC AUC", "confusion matrix", "top features of c1:"} {
		if !strings.Contains(stdout, want) {
			t.Errorf("output lacks %q:\n%s", want, stdout)
		}
	}
}

func TestTrainSeparateTestFile(t *testing.T) {
	all := trainCSV(t, 4, 150, 2)
	raw, err := os.ReadFile(all)
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.SplitAfter(string(raw), "\n")
	train := writeTemp(t, "train.csv", strings.Join(lines[:101], ""))
	test := filepath.Join(filepath.Dir(train), "test.csv")
	os.WriteFile(test, []byte(lines[0]+strings.Join(lines[101:], "")), 0o644)
	code, stdout, stderr := runCLI("train", "--data", train, "--test", test, "--text", "text", "--label", "label", "--json")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	var got struct {
		Documents int `json:"documents"`
		Test      int `json:"test_documents"`
	}
	if err := json.Unmarshal([]byte(stdout), &got); err != nil {
		t.Fatal(err)
	}
	if got.Documents != 100 || got.Test != 50 {
		t.Errorf("documents %d, test documents %d; want 100 and 50", got.Documents, got.Test)
	}

}

func TestTrainErrors(t *testing.T) {
	data := trainCSV(t, 5, 60, 2)
	rare := writeTemp(t, "rare.csv", "text,label\nalpha beta,a\ngamma delta,a\nepsilon zeta,a\neta theta,b\niota kappa,b\nlambda mu,b\nnu xi,c\nomicron pi,c\n")
	groups3 := writeTemp(t, "groups3.csv", "text,label,author\nalpha beta,a,x\ngamma delta,b,x\nepsilon zeta,a,y\neta theta,b,y\niota kappa,a,z\nlambda mu,b,z\n")
	tests := []struct {
		name string
		args []string
		code int
		want string
	}{
		{"no data", []string{}, 2, "--data FILE is required"},
		{"missing file", []string{"--data", "/nonexistent/x.csv"}, 1, "no such file"},
		{"empty file", []string{"--data", writeTemp(t, "empty.csv", "")}, 1, "empty"},
		{"header only", []string{"--data", writeTemp(t, "header.csv", "text,label\n")}, 1, "header"},
		{"one class", []string{"--data", writeTemp(t, "one.csv", "text,label\ngood film,pos\nnice film,pos\n")}, 1, "one class"},
		{"binary file", []string{"--data", writeTemp(t, "bin.csv", "text,label\n\x00\x01\x02\x03\xff\xfe")}, 1, "binary"},
		{"missing column", []string{"--data", data, "--text", "body", "--label", "label"}, 1, "body"},
		{"class smaller than folds", []string{"--data", rare, "--folds", "3"}, 1, `"c"`},
		{"test and folds", []string{"--data", data, "--folds", "3", "--test-size", "0.3"}, 2, "only one of"},
		{"bad ngram", []string{"--data", data, "--ngram", "2,1"}, 2, "--ngram"},
		{"bad min-df", []string{"--data", data, "--min-df", "lots"}, 2, "--min-df"},
		{"bad test size", []string{"--data", data, "--test-size", "1.5"}, 2, "--test-size"},
		{"bad model", []string{"--data", data, "--text", "text", "--label", "label", "--model", "gpt"}, 2, `--model must be one of logreg, nb, svm, forest or mlp, not "gpt"`},
		{"one fold", []string{"--data", data, "--folds", "1"}, 2, "--folds must be between 2 and 50, not 1"},
		{"51 folds", []string{"--data", data, "--folds", "51"}, 2, "--folds must be between 2 and 50, not 51"},
		{"negative max-features", []string{"--data", data, "--max-features", "-1"}, 2, "--max-features must be 0 (all features) or more, not -1"},
		{"max-df above 1", []string{"--data", data, "--max-df", "1.5"}, 2, "--max-df must be"},
		{"bad stop words", []string{"--data", data, "--stop-words", "klingon"}, 2, "--stop-words"},
		{"embed without vectors", []string{"--data", data, "--text", "text", "--label", "label", "--features", "embed", "--vectors", "/nonexistent.bin"}, 1, "needs word vectors"},
		{"embed bad vectors", []string{"--data", data, "--text", "text", "--label", "label", "--features", "embed", "--vectors", data}, 1, "data.csv"},
		{"pruned vocabulary", []string{"--data", data, "--text", "text", "--label", "label", "--min-df", "0.99", "--max-df", "1.0"}, 1, "no terms remain"},
		{"group with a test file", []string{"--data", data, "--test", data, "--group", "id"}, 2, "--group keeps groups apart in --test-size and --folds splits"},
		{"unseen without a test file", []string{"--data", data, "--unseen", "exclude"}, 2, "--unseen applies to a separate --test file only"},
		{"bad unseen", []string{"--data", data, "--test", data, "--unseen", "drop"}, 2, `--unseen must be errors or exclude, not "drop"`},
		{"no such group column", []string{"--data", data, "--text", "text", "--label", "label", "--group", "author"}, 1, `no column "author" for the group`},
		{"more folds than groups", []string{"--data", groups3, "--group", "author", "--folds", "5"}, 1, "needs at least 5 groups, and there are 3"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			code, _, stderr := runCLI(append([]string{"train"}, tc.args...)...)
			if code != tc.code || !strings.Contains(stderr, tc.want) {
				t.Errorf("exit %d, stderr %q; want exit %d and %q", code, stderr, tc.code, tc.want)
			}
		})
	}
}

// pageEngine is the browser's engine with the Data and Classic ML pages'
// methods, with the file at path loaded as the Data page loads it.
func pageEngine(t *testing.T, path string) enginetest.Call {
	t.Helper()
	raw, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	_, call := enginetest.New(t, data.Register, classic.Register)
	if m := call("data.load", `{"name":"data.csv"}`, raw); m.Type != "result" {
		t.Fatalf("data.load: %+v", m.Error)
	}
	return call
}

// The command line and the Classic ML page accept and refuse the same
// settings (pipeline.Config.Validate), and the settings they accept give
// the same numbers.
func TestTrainSettingsAgreeWithPage(t *testing.T) {
	path := trainCSV(t, 6, 200, 2)
	call := pageEngine(t, path)
	tests := []struct {
		name   string
		args   []string // textlab train flags
		page   string   // classic.train payload
		accept bool
	}{
		{"1 fold", []string{"--folds", "1"}, `{"eval":{"kind":"kfold","folds":1}}`, false},
		{"2 folds", []string{"--folds", "2"}, `{"eval":{"kind":"kfold","folds":2}}`, true},
		{"50 folds", []string{"--folds", "50"}, `{"eval":{"kind":"kfold","folds":50}}`, true},
		{"51 folds", []string{"--folds", "51"}, `{"eval":{"kind":"kfold","folds":51}}`, false},
		{"test share 1%", []string{"--test-size", "0.01"}, `{"eval":{"kind":"holdout","test_size":1}}`, true},
		{"test share 30%", []string{"--test-size", "0.3"}, `{"eval":{"kind":"holdout","test_size":30}}`, true},
		{"test share 99%", []string{"--test-size", "0.99"}, `{"eval":{"kind":"holdout","test_size":99}}`, true},
		{"test share 100%", []string{"--test-size", "1"}, `{"eval":{"kind":"holdout","test_size":100}}`, false},
		{"test share 150%", []string{"--test-size", "1.5"}, `{"eval":{"kind":"holdout","test_size":150}}`, false},
		{"negative test share", []string{"--test-size", "-0.2"}, `{"eval":{"kind":"holdout","test_size":-20}}`, false},
		{"ngram 1-2", []string{"--ngram", "1,2"}, `{"features":{"ngram_min":1,"ngram_max":2}}`, true},
		{"ngram 2-1", []string{"--ngram", "2,1"}, `{"features":{"ngram_min":2,"ngram_max":1}}`, false},
		{"ngram 11", []string{"--ngram", "1,11"}, `{"features":{"ngram_min":1,"ngram_max":11}}`, false},
		{"min_df 2", []string{"--min-df", "2"}, `{"features":{"min_df":2}}`, true},
		{"negative min_df", []string{"--min-df", "-1"}, `{"features":{"min_df":-1}}`, false},
		{"max_df 0.9", []string{"--max-df", "0.9"}, `{"features":{"max_df":0.9}}`, true},
		{"max_df 2.0", []string{"--max-df", "2.0"}, `{"features":{"max_df":2}}`, false},
		{"negative max_features", []string{"--max-features", "-5"}, `{"features":{"max_features":-5}}`, false},
		{"negative C", []string{"--C", "-1"}, `{"model":{"C":-1}}`, false},
		{"10001 trees", []string{"--model", "forest", "--trees", "10001"}, `{"model":{"kind":"forest","trees":10001}}`, false},
		{"too many hidden units", []string{"--model", "mlp", "--hidden", "100001"}, `{"model":{"kind":"mlp","hidden":100001}}`, false},
		{"unknown model", []string{"--model", "gpt"}, `{"model":{"kind":"gpt"}}`, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			args := append([]string{"train", "--data", path, "--text", "text", "--label", "label", "--seed", "42", "--json"}, tc.args...)
			code, stdout, stderr := runCLI(args...)
			var payload map[string]any
			if err := json.Unmarshal([]byte(tc.page), &payload); err != nil {
				t.Fatal(err)
			}
			payload["seed"] = 42
			m := call.JSON(t, "classic.train", payload, nil)
			if cliOK, pageOK := code == 0, m.Type == "result"; cliOK != tc.accept || pageOK != tc.accept {
				t.Fatalf("command line exit %d (%s), page %+v; want both to accept: %v", code, strings.TrimSpace(stderr), m.Error, tc.accept)
			}
			if !tc.accept {
				if code != 2 || m.Error.Code != protocol.CodeBadRequest {
					t.Errorf("refused with exit %d and %q; want a usage error and a bad_request", code, m.Error.Code)
				}
				return
			}
			var cli struct {
				Accuracy float64          `json:"accuracy"`
				MacroF1  float64          `json:"macro_f1"`
				Mean     *pipelineSummary `json:"mean"`
			}
			if err := json.Unmarshal([]byte(stdout), &cli); err != nil {
				t.Fatal(err)
			}
			if cli.Mean != nil { // k-fold: the page shows the means over the folds
				cli.Accuracy, cli.MacroF1 = cli.Mean.Accuracy, cli.Mean.MacroF1
			}
			got := pageMetrics(t, m)
			if got["accuracy"] != cli.Accuracy || got["macro_f1"] != cli.MacroF1 {
				t.Errorf("page: accuracy %v macro-F1 %v; command line: %v and %v", got["accuracy"], got["macro_f1"], cli.Accuracy, cli.MacroF1)
			}
		})
	}
}

// pipelineSummary is the mean (or std) of the --json output.
type pipelineSummary struct {
	Accuracy float64 `json:"accuracy"`
	MacroF1  float64 `json:"macro_f1"`
}

// pageMetrics returns the metrics of a classic.train result.
func pageMetrics(t *testing.T, m protocol.Message) map[string]float64 {
	t.Helper()
	var r struct {
		Metrics map[string]float64 `json:"metrics"`
	}
	if err := json.Unmarshal([]byte(enginetest.JSONOf(m.Result)), &r); err != nil {
		t.Fatal(err)
	}
	return r.Metrics
}

// A test file of one class: `textlab train --test` and the page's separate
// test file both accept it (pipeline.ReadTest) and give the same numbers.
func TestTrainOneClassTestFileMatchesPage(t *testing.T) {
	all := trainCSV(t, 7, 150, 2)
	raw, err := os.ReadFile(all)
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.SplitAfter(string(raw), "\n")
	train := writeTemp(t, "train.csv", strings.Join(lines[:121], ""))
	var one []string
	for _, l := range lines[121:] {
		if strings.HasSuffix(strings.TrimSpace(l), ",c1") {
			one = append(one, l)
		}
	}
	one = append(one, "zz,,c1\n") // an empty text: skipped by both
	test := writeTemp(t, "one.csv", lines[0]+strings.Join(one, ""))
	testBytes, err := os.ReadFile(test)
	if err != nil {
		t.Fatal(err)
	}

	code, stdout, stderr := runCLI("train", "--data", train, "--test", test, "--text", "text", "--label", "label", "--features", "tfidf", "--seed", "42", "--json")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	if !strings.Contains(stderr, "1 rows skipped") || !strings.Contains(stderr, "empty text") {
		t.Errorf("stderr %q does not report the skipped row", stderr)
	}
	var cli struct {
		Accuracy float64 `json:"accuracy"`
		MacroF1  float64 `json:"macro_f1"`
		Test     int     `json:"test_documents"`
	}
	if err := json.Unmarshal([]byte(stdout), &cli); err != nil {
		t.Fatal(err)
	}
	if cli.Test != len(one)-1 {
		t.Errorf("%d test documents, want %d", cli.Test, len(one)-1)
	}

	call := pageEngine(t, train)
	m := call("classic.train", `{"eval":{"kind":"testset"},"test_name":"one.csv","features":{"kind":"tfidf"},"model":{"kind":"logreg"},"seed":42}`, testBytes)
	if m.Type != "result" {
		t.Fatalf("classic.train: %+v", m.Error)
	}
	got := pageMetrics(t, m)
	if got["accuracy"] != cli.Accuracy || got["macro_f1"] != cli.MacroF1 {
		t.Errorf("page: accuracy %v macro-F1 %v; command line: %v and %v", got["accuracy"], got["macro_f1"], cli.Accuracy, cli.MacroF1)
	}
	t.Logf("one-class test file: accuracy %v, macro-F1 %v on %d documents", cli.Accuracy, cli.MacroF1, cli.Test)
}

// pageDefault is the classic.train payload of the Classic ML page's form as
// it loads (web/ui/classic.templ): hold-out 80:20, stratified, TF-IDF of
// single words, logistic regression with C=1, seed 42; "group" is absent,
// so the page keeps the loaded data set's groups together.
const pageDefault = `{"eval":{"kind":"holdout","test_size":20,"folds":5,"stratify":true,"unseen":"errors"},` +
	`"features":{"kind":"tfidf","ngram_min":1,"ngram_max":1,"min_df":1,"max_df":1,"max_features":0,"sublinear":false,"stop_words":false},` +
	`"model":{"kind":"logreg","C":1,"alpha":1,"trees":100,"max_depth":0,"hidden":100},"seed":42,"test_name":""}`

// textlab train --group president on the State of the Union sample gives
// the numbers of the Classic ML page's default run (which keeps the
// presidents together because the Data page picks president as the group
// column), and without --group those of the page with grouping switched
// off.
func TestTrainGroupMatchesPage(t *testing.T) {
	sotu := filepath.Join("..", "..", "static", "data", "sotu-party.csv")
	call := pageEngine(t, sotu)
	var off map[string]any
	json.Unmarshal([]byte(pageDefault), &off)
	off["eval"].(map[string]any)["group"] = false
	tests := []struct {
		name    string
		args    []string
		page    any
		grouped bool
	}{
		{"grouped by president", []string{"--group", "president"}, json.RawMessage(pageDefault), true},
		{"ungrouped", nil, off, false},
	}
	got := map[bool]float64{}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			code, stdout, stderr := runCLI(append([]string{"train", "--data", sotu, "--features", "tfidf", "--seed", "42", "--json"}, tc.args...)...)
			if code != 0 {
				t.Fatalf("exit %d: %s", code, stderr)
			}
			var cli struct {
				Accuracy float64 `json:"accuracy"`
				MacroF1  float64 `json:"macro_f1"`
				Test     int     `json:"test_documents"`
				Group    string  `json:"group"`
				Groups   int     `json:"groups"`
				Settings string  `json:"settings"`
			}
			if err := json.Unmarshal([]byte(stdout), &cli); err != nil {
				t.Fatal(err)
			}
			m := call.JSON(t, "classic.train", tc.page, nil)
			if m.Type != "result" {
				t.Fatalf("classic.train: %+v", m.Error)
			}
			page := pageMetrics(t, m)
			if page["accuracy"] != cli.Accuracy || page["macro_f1"] != cli.MacroF1 {
				t.Errorf("page: accuracy %v macro-F1 %v; command line: %v and %v", page["accuracy"], page["macro_f1"], cli.Accuracy, cli.MacroF1)
			}
			var split struct {
				Split string `json:"split"`
				NTest int    `json:"n_test"`
			}
			json.Unmarshal([]byte(enginetest.JSONOf(m.Result)), &split)
			grouped := strings.HasSuffix(split.Split, "grouped by president")
			if grouped != tc.grouped || strings.Contains(cli.Settings, "grouped by president") != tc.grouped || split.NTest != cli.Test {
				t.Errorf("page split %q on %d documents, command line %q on %d", split.Split, split.NTest, cli.Settings, cli.Test)
			}
			if tc.grouped && (cli.Group != "president" || cli.Groups != 22) {
				t.Errorf("command line: group %q, %d groups", cli.Group, cli.Groups)
			}
			if !tc.grouped && !strings.Contains(stderr, `column "president" looks like a group column`) {
				t.Errorf("no note about the group column: %q", stderr)
			}
			got[tc.grouped] = cli.Accuracy
			t.Logf("%s: accuracy %.4f, macro-F1 %.4f on %d test passages", split.Split, cli.Accuracy, cli.MacroF1, cli.Test)
		})
	}
	if !(got[true] < got[false]) {
		t.Errorf("grouped accuracy %v is not below the ungrouped %v", got[true], got[false])
	}
}

// A --test file with labels the training data lacks: its rows are listed
// by line and counted as errors or left out, as on the page.
func TestTrainUnseenMatchesPage(t *testing.T) {
	all := trainCSV(t, 8, 150, 2)
	raw, err := os.ReadFile(all)
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.SplitAfter(string(raw), "\n")
	train := writeTemp(t, "train.csv", strings.Join(lines[:121], ""))
	// Test lines 2-21, with lines 4 and 9 relabeled "c9" and "c7".
	test := []string{lines[0]}
	for i, l := range lines[121:141] {
		switch i + 2 {
		case 4:
			l = l[:strings.LastIndex(l, ",")] + ",c9\n"
		case 9:
			l = l[:strings.LastIndex(l, ",")] + ",c7\n"
		}
		test = append(test, l)
	}
	testPath := writeTemp(t, "unseen.csv", strings.Join(test, ""))
	testBytes, _ := os.ReadFile(testPath)
	call := pageEngine(t, train)
	tests := []struct {
		unseen string
		docs   int
		line   string
	}{
		{"errors", 20, `2 test rows have a label the training data lacks ("c7", "c9"), counted as errors: lines 4, 9`},
		{"exclude", 18, `2 test rows have a label the training data lacks ("c7", "c9"), left out of the scores: lines 4, 9`},
	}
	for _, tc := range tests {
		t.Run(tc.unseen, func(t *testing.T) {
			args := []string{"train", "--data", train, "--test", testPath, "--text", "text", "--label", "label", "--features", "tfidf", "--unseen", tc.unseen}
			code, stdout, stderr := runCLI(append(args, "--json")...)
			if code != 0 {
				t.Fatalf("exit %d: %s", code, stderr)
			}
			var cli struct {
				Accuracy float64              `json:"accuracy"`
				MacroF1  float64              `json:"macro_f1"`
				Test     int                  `json:"test_documents"`
				Unseen   []pipeline.UnseenDoc `json:"unseen"`
				As       string               `json:"unseen_as"`
			}
			if err := json.Unmarshal([]byte(stdout), &cli); err != nil {
				t.Fatal(err)
			}
			want := []pipeline.UnseenDoc{{Index: 2, Line: 4, Label: "c9"}, {Index: 7, Line: 9, Label: "c7"}}
			if cli.Test != tc.docs || cli.As != tc.unseen || fmt.Sprint(cli.Unseen) != fmt.Sprint(want) {
				t.Errorf("%d test documents, unseen %v as %q", cli.Test, cli.Unseen, cli.As)
			}
			_, text, _ := runCLI(args...)
			if !strings.Contains(text, tc.line) {
				t.Errorf("report lacks %q:\n%s", tc.line, text)
			}
			m := call("classic.train", `{"eval":{"kind":"testset","unseen":"`+tc.unseen+`"},"test_name":"unseen.csv","features":{"kind":"tfidf"},"model":{"kind":"logreg"},"seed":42}`, testBytes)
			if m.Type != "result" {
				t.Fatalf("classic.train: %+v", m.Error)
			}
			page := pageMetrics(t, m)
			if page["accuracy"] != cli.Accuracy || page["macro_f1"] != cli.MacroF1 {
				t.Errorf("page: accuracy %v macro-F1 %v; command line: %v and %v", page["accuracy"], page["macro_f1"], cli.Accuracy, cli.MacroF1)
			}
		})
	}
}

// textlab train says on stderr when a test share is outside 10% to 50%
// (the page asks before training with one), and which way.
func TestTrainTestShareNote(t *testing.T) {
	data := trainCSV(t, 9, 120, 2)
	tests := []struct {
		size, want string
	}{
		{"0.05", "note: a test share of 0.05 is outside 0.1 to 0.5: few documents are left to test on"},
		{"0.1", ""},
		{"0.5", ""},
		{"0.7", "note: a test share of 0.7 is outside 0.1 to 0.5: few documents are left to train on"},
	}
	for _, tc := range tests {
		code, _, stderr := runCLI("train", "--data", data, "--text", "text", "--label", "label", "--test-size", tc.size)
		if code != 0 || tc.want == "" && strings.Contains(stderr, "test share") || !strings.Contains(stderr, tc.want) {
			t.Errorf("--test-size %s: exit %d, stderr %q; want %q", tc.size, code, stderr, tc.want)
		}
	}
}
