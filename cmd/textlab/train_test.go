package main

import (
	"encoding/csv"
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"textlab/internal/synth"
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

	// A test file with a label the training file lacks.
	bad := writeTemp(t, "bad.csv", "id,text,label\n1,some words here,c0\n2,other words there,zzz\n")
	code, _, stderr = runCLI("train", "--data", train, "--test", bad, "--text", "text", "--label", "label")
	if code != 1 || !strings.Contains(stderr, `"zzz", which the training data lacks`) {
		t.Errorf("exit %d, stderr %q", code, stderr)
	}
}

func TestTrainErrors(t *testing.T) {
	data := trainCSV(t, 5, 60, 2)
	rare := writeTemp(t, "rare.csv", "text,label\nalpha beta,a\ngamma delta,a\nepsilon zeta,a\neta theta,b\niota kappa,b\nlambda mu,b\nnu xi,c\nomicron pi,c\n")
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
		{"bad model", []string{"--data", data, "--text", "text", "--label", "label", "--model", "gpt"}, 1, `unknown kind "gpt"`},
		{"bad stop words", []string{"--data", data, "--stop-words", "klingon"}, 2, "--stop-words"},
		{"embed without vectors", []string{"--data", data, "--text", "text", "--label", "label", "--features", "embed", "--vectors", "/nonexistent.bin"}, 1, "needs word vectors"},
		{"embed bad vectors", []string{"--data", data, "--text", "text", "--label", "label", "--features", "embed", "--vectors", data}, 1, "data.csv"},
		{"pruned vocabulary", []string{"--data", data, "--text", "text", "--label", "label", "--min-df", "0.99", "--max-df", "1.0"}, 1, "no terms remain"},
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
