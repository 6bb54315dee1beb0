package main

import (
	"bytes"
	"encoding/csv"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"textlab/core/embed"
	"textlab/core/vectorize"
	"textlab/internal/synth"
)

func TestPredictRoundTrip(t *testing.T) {
	data := trainCSV(t, 6, 150, 2)
	dir := t.TempDir()
	model := filepath.Join(dir, "model.json")
	code, _, stderr := runCLI("train", "--data", data, "--text", "text", "--label", "label", "--features", "tfidf", "--model", "nb", "--save", model)
	if code != 0 {
		t.Fatalf("train: exit %d: %s", code, stderr)
	}
	// Texts to label, one of them a would-be formula; no label column.
	input := writeTemp(t, "new.csv", "key,text\nk1,=HYPERLINK(\"x\")\nk2,\"w1 w2 w3, w4\"\n@k3,plain words\n")
	out := filepath.Join(dir, "preds.csv")
	code, stdout, stderr := runCLI("predict", "--model", model, "--data", input, "--text", "text", "--id", "key", "--out", out)
	if code != 0 {
		t.Fatalf("predict: exit %d: %s", code, stderr)
	}
	if stdout != "" || !strings.Contains(stderr, "wrote 3 predictions") {
		t.Errorf("stdout %q, stderr %q", stdout, stderr)
	}
	f, err := os.Open(out)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 4 || strings.Join(rows[0], ",") != "id,text,predicted,p_c0,p_c1" {
		t.Fatalf("rows %q", rows)
	}
	if rows[1][0] != "k1" || rows[1][1] != `'=HYPERLINK("x")` || rows[3][0] != "'@k3" {
		t.Errorf("escaping: %q", rows)
	}
	for _, r := range rows[1:] {
		if r[2] != "c0" && r[2] != "c1" {
			t.Errorf("predicted %q", r[2])
		}
	}

	// Without --out and --id: CSV on stdout, ids are row numbers.
	code, stdout, stderr = runCLI("predict", "--model", model, "--data", input)
	if code != 0 || !strings.HasPrefix(stdout, "id,text,predicted,p_c0,p_c1\n1,") {
		t.Errorf("exit %d, stdout %q, stderr %q", code, stdout, stderr)
	}
}

func TestPredictErrors(t *testing.T) {
	data := trainCSV(t, 7, 60, 2)
	model := filepath.Join(t.TempDir(), "m.json")
	if code, _, stderr := runCLI("train", "--data", data, "--text", "text", "--label", "label", "--save", model); code != 0 {
		t.Fatal(stderr)
	}
	notModel := writeTemp(t, "x.json", `{"format":"something else"}`)
	tests := []struct {
		name string
		args []string
		code int
		want string
	}{
		{"no flags", nil, 2, "required"},
		{"missing model", []string{"--model", "/nonexistent.json", "--data", data}, 1, "no such file"},
		{"not a model", []string{"--model", notModel, "--data", data}, 1, `format is "something else"`},
		{"data is the model", []string{"--model", data, "--data", data}, 1, "not a Textlab model file"},
		{"missing column", []string{"--model", model, "--data", data, "--text", "body"}, 1, `no column "body"`},
		{"empty data", []string{"--model", model, "--data", writeTemp(t, "e.csv", "")}, 1, "empty"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			code, _, stderr := runCLI(append([]string{"predict"}, tc.args...)...)
			if code != tc.code || !strings.Contains(stderr, tc.want) {
				t.Errorf("exit %d, stderr %q; want exit %d and %q", code, stderr, tc.code, tc.want)
			}
		})
	}
}

// writeVectors writes word vectors for the synthetic corpus's words (each
// a random 6-d vector) in core/embed's format and returns the file name.
func writeVectors(t *testing.T, name string, seed uint64, texts []string) string {
	t.Helper()
	r := rand.New(rand.NewPCG(seed, 1))
	seen := map[string]bool{}
	var words []string
	var vecs [][]float32
	for _, text := range texts {
		for _, w := range vectorize.Tokenize(vectorize.Lower(text)) {
			if !seen[w] {
				seen[w] = true
				v := make([]float32, 6)
				for i := range v {
					v[i] = float32(r.NormFloat64())
				}
				words, vecs = append(words, w), append(vecs, v)
			}
		}
	}
	v, err := embed.Quantize(words, vecs)
	if err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	if _, err := v.WriteTo(&b); err != nil {
		t.Fatal(err)
	}
	return writeTemp(t, name, b.String())
}

func TestPredictEveryModelKind(t *testing.T) {
	texts, _ := synth.Corpus(synth.Config{Seed: 8, Docs: 120, Classes: 3, Words: 400})
	data := trainCSV(t, 8, 120, 3)
	vectors := writeVectors(t, "v.bin", 1, texts)
	otherVectors := writeVectors(t, "other.bin", 2, texts)
	dir := t.TempDir()
	for _, tc := range []struct{ features, model string }{
		{"counts", "logreg"}, {"tfidf", "nb"}, {"binary", "svm"}, {"tfidf", "forest"}, {"counts", "mlp"},
		{"embed", "logreg"}, {"embed", "forest"}, {"embed", "mlp"},
	} {
		name := tc.features + "-" + tc.model
		model := filepath.Join(dir, name+".json")
		args := []string{"train", "--data", data, "--text", "text", "--label", "label", "--features", tc.features, "--model", tc.model,
			"--trees", "5", "--hidden", "8", "--vectors", vectors, "--save", model, "--json"}
		if code, _, stderr := runCLI(args...); code != 0 {
			t.Fatalf("%s: train: exit %d: %s", name, code, stderr)
		}
		// Every model kind loads and labels every row.
		code, first, stderr := runCLI("predict", "--model", model, "--data", data, "--vectors", vectors)
		if code != 0 || strings.Count(first, "\n") != 121 {
			t.Fatalf("%s: predict: exit %d, %d lines: %s", name, code, strings.Count(first, "\n"), stderr)
		}
		if tc.features != "embed" {
			continue
		}
		code, _, stderr = runCLI("predict", "--model", model, "--data", data, "--vectors", otherVectors)
		if code != 1 || !strings.Contains(stderr, "use the same vectors file") {
			t.Errorf("%s: other vectors: exit %d, stderr %q", name, code, stderr)
		}
		code, _, stderr = runCLI("predict", "--model", model, "--data", data, "--vectors", "/nonexistent.bin")
		if code != 1 || !strings.Contains(stderr, "needs word vectors") {
			t.Errorf("%s: missing vectors: exit %d, stderr %q", name, code, stderr)
		}
	}
}

func TestDefaultVectorsMessage(t *testing.T) {
	// The tests run in cmd/textlab, where the default path does not
	// exist: the message says where the file is expected.
	data := trainCSV(t, 9, 40, 2)
	code, _, stderr := runCLI("train", "--data", data, "--text", "text", "--label", "label", "--features", "embed")
	if code != 1 || !strings.Contains(stderr, "relative to the Textlab repository root") {
		t.Errorf("exit %d, stderr %q", code, stderr)
	}
}
