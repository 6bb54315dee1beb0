//go:build ref && !js

package vectorize

import (
	"context"
	"encoding/json"
	"fmt"
	"math"
	"math/rand/v2"
	"reflect"
	"strings"
	"testing"

	"textlab/internal/reftest"
	"textlab/internal/synth"
)

// unicodeScript reports, from Python 3's own re and str.lower(), which code
// points are \w, the lowercase of every code point that changes, and the
// lowercase of strings that exercise the final-sigma rule.
const unicodeScript = `
import json, re, sys, unicodedata
w = re.compile(r"\w")
out = {"unassigned": [], "word": [], "lower": {}, "sigma": []}
for c in range(0x110000):
    if 0xD800 <= c <= 0xDFFF:
        continue
    ch = chr(c)
    if unicodedata.category(ch) == "Cn":
        out["unassigned"].append(c)
        continue
    if w.match(ch):
        out["word"].append(c)
    if ch.lower() != ch:
        out["lower"][str(c)] = ch.lower()
    if c < 0x10000:
        out["sigma"].append(["ΑΣ" + ch, ("ΑΣ" + ch).lower(), "ΑΣ" + ch + "Α", ("ΑΣ" + ch + "Α").lower()])
json.dump(out, sys.stdout)
`

func TestUnicodeMatchesPython(t *testing.T) {
	var ref struct {
		Unassigned []rune
		Word       []rune
		Lower      map[string]string
		Sigma      [][4]string
	}
	if err := json.Unmarshal(reftest.RunPython(t, unicodeScript, nil), &ref); err != nil {
		t.Fatal(err)
	}
	unassigned := map[rune]bool{}
	for _, r := range ref.Unassigned {
		unassigned[r] = true
	}
	word := map[rune]bool{}
	for _, r := range ref.Word {
		word[r] = true
	}
	bad := 0
	for r := rune(0); r < 0x110000; r++ {
		if (r >= 0xD800 && r <= 0xDFFF) || unassigned[r] {
			continue
		}
		if IsWordRune(r) != word[r] {
			if bad++; bad < 10 {
				t.Errorf("IsWordRune(%U) = %v, Python \\w: %v", r, IsWordRune(r), word[r])
			}
		}
		want, ok := ref.Lower[fmt.Sprint(r)]
		if !ok {
			want = string(r)
		}
		if got := Lower(string(r)); got != want {
			if bad++; bad < 10 {
				t.Errorf("Lower(%U) = %q, Python %q", r, got, want)
			}
		}
	}
	for _, s := range ref.Sigma {
		for k := 0; k < 4; k += 2 {
			if got := Lower(s[k]); got != s[k+1] {
				if bad++; bad < 10 {
					t.Errorf("Lower(%q) = %q, Python %q", s[k], got, s[k+1])
				}
			}
		}
	}
	if bad > 0 {
		t.Errorf("%d differences", bad)
	}
}

// vectorizeScript fits scikit-learn's vectorizers on the documents with
// each case's parameters and returns vocabularies and CSR matrices.
const vectorizeScript = `
import json, sys
from sklearn.feature_extraction.text import CountVectorizer, TfidfVectorizer
req = json.load(sys.stdin)
out = []
for case in req["cases"]:
    kw = case["params"]
    if "ngram_range" in kw:
        kw["ngram_range"] = tuple(kw["ngram_range"])
    cls = CountVectorizer if case["kind"] == "count" else TfidfVectorizer
    try:
        v = cls(**kw)
        X = v.fit_transform(req["docs"]).tocsr()
        X.sort_indices()
        Y = v.transform(req["new"]).tocsr()
        Y.sort_indices()
        out.append({"names": list(v.get_feature_names_out()),
            "X": [X.indptr.tolist(), X.indices.tolist(), X.data.astype(float).tolist()],
            "Y": [Y.indptr.tolist(), Y.indices.tolist(), Y.data.astype(float).tolist()]})
    except ValueError as e:
        out.append({"error": str(e)})
json.dump(out, sys.stdout)
`

type refCSR [3]json.RawMessage

type vecResult struct {
	Names []string
	X, Y  refCSR
	Error string
}

func compareCSR(t *testing.T, what string, got interface {
	Row(int) ([]int, []float64)
}, rows int, ref refCSR) {
	t.Helper()
	var indptr, indices []int
	var data []float64
	for k, dst := range []any{&indptr, &indices, &data} {
		if err := json.Unmarshal(ref[k], dst); err != nil {
			t.Fatal(err)
		}
	}
	if len(indptr) != rows+1 {
		t.Fatalf("%s: %d rows, scikit-learn %d", what, rows, len(indptr)-1)
	}
	maxDiff := 0.0
	for i := 0; i < rows; i++ {
		cols, vals := got.Row(i)
		wc, wv := indices[indptr[i]:indptr[i+1]], data[indptr[i]:indptr[i+1]]
		if !reflect.DeepEqual(cols, wc) && !(len(cols) == 0 && len(wc) == 0) {
			t.Fatalf("%s row %d: columns %v, scikit-learn %v", what, i, cols, wc)
		}
		for k := range vals {
			maxDiff = math.Max(maxDiff, math.Abs(vals[k]-wv[k]))
		}
	}
	if maxDiff > 1e-12 {
		t.Errorf("%s: max |difference| %g > 1e-12", what, maxDiff)
	}
	t.Logf("%s: max |difference| %g", what, maxDiff)
}

func TestVectorizersMatchScikitLearn(t *testing.T) {
	edge := []string{
		"Hello", "hello WORLD", "a", "", "The the THE and of", "x y z 1 22 333",
		"Ωραίο ΣΑΣ ΟΔΟΣ σας", "İstanbul İZMİR istanbul", "naïve café cafe\u0301 NAÏVE",
		"東京タワー 日本語 東京", "١٢٣ numbers ٣٤", "snake_case_words x_y __", "Straße STRASSE",
		"ǅemal ǆ", "Ⅻ roman ⅻ", "①② circled ③", "🙂 smile🙂smile", "don't won't can't",
		"tab\tseparated\nnew line", "\xff\xfe invalid bytes ok",
	}
	texts, _ := synth.Corpus(synth.Config{Seed: 3, Docs: 400, Classes: 3, Words: 600})
	docs := append(append([]string{}, edge...), texts...)
	// Random strings over a mixed alphabet probe the tokenizer.
	rng := rand.New(rand.NewPCG(9, 9))
	alphabet := []rune("aZ_9 .,'ΣσςİıÉé\u0301東٣①ǅ-\t")
	for i := 0; i < 200; i++ {
		var b strings.Builder
		for k := 0; k < 5+rng.IntN(30); k++ {
			b.WriteRune(alphabet[rng.IntN(len(alphabet))])
		}
		docs = append(docs, b.String())
	}
	newDocs := []string{"hello unseen words", "", "ΟΔΟΣ", texts[0]}

	type tcase struct {
		name   string
		kind   string
		params map[string]any
		count  Count
		tfidf  Tfidf
	}
	cases := []tcase{
		{name: "tfidf default", params: map[string]any{}},
		{name: "count default", kind: "count", params: map[string]any{}},
		{name: "count binary bigrams", kind: "count", params: map[string]any{"binary": true, "ngram_range": []int{1, 2}},
			count: Count{Config: Config{Binary: true, NgramMax: 2}}},
		{name: "tfidf stop words", params: map[string]any{"stop_words": "english"},
			tfidf: Tfidf{Config: Config{StopWords: EnglishStopWords}}},
		{name: "tfidf min_df max_df ints", params: map[string]any{"min_df": 2, "max_df": 50},
			tfidf: Tfidf{Config: Config{MinDF: DocFreq{N: 2}, MaxDF: DocFreq{N: 50}}}},
		{name: "tfidf min_df max_df fractions", params: map[string]any{"min_df": 0.01, "max_df": 0.3},
			tfidf: Tfidf{Config: Config{MinDF: DocFreq{Fraction: 0.01}, MaxDF: DocFreq{Fraction: 0.3}}}},
		{name: "tfidf max_features ties", params: map[string]any{"max_features": 137},
			tfidf: Tfidf{Config: Config{MaxFeatures: 137}}},
		{name: "count max_features 2-3 grams", kind: "count", params: map[string]any{"max_features": 500, "ngram_range": []int{2, 3}},
			count: Count{Config: Config{MaxFeatures: 500, NgramMin: 2, NgramMax: 3}}},
		{name: "tfidf sublinear l1 no smooth", params: map[string]any{"sublinear_tf": true, "norm": "l1", "smooth_idf": false},
			tfidf: Tfidf{SublinearTF: true, Norm: NormL1, NoSmoothIDF: true}},
		{name: "tfidf no idf no norm keep case", params: map[string]any{"use_idf": false, "norm": nil, "lowercase": false},
			tfidf: Tfidf{NoIDF: true, Norm: NormNone, Config: Config{KeepCase: true}}},
		{name: "tfidf binary 1-2 grams", params: map[string]any{"binary": true, "ngram_range": []int{1, 2}},
			tfidf: Tfidf{Config: Config{Binary: true, NgramMax: 2}}},
		{name: "pruned to nothing", kind: "count", params: map[string]any{"min_df": 1000},
			count: Count{Config: Config{MinDF: DocFreq{N: 1000}}}},
	}
	type pyCase struct {
		Kind   string         `json:"kind"`
		Params map[string]any `json:"params"`
	}
	req := struct {
		Docs  []string `json:"docs"`
		New   []string `json:"new"`
		Cases []pyCase `json:"cases"`
	}{Docs: make([]string, len(docs)), New: newDocs}
	// Python receives the text as Go reads it (invalid bytes as U+FFFD).
	for i, d := range docs {
		req.Docs[i] = strings.ToValidUTF8(d, "\uFFFD")
	}
	for _, c := range cases {
		req.Cases = append(req.Cases, pyCase{c.kind, c.params})
	}
	in, err := json.Marshal(req)
	if err != nil {
		t.Fatal(err)
	}
	var ref []vecResult
	if err := json.Unmarshal(reftest.RunPython(t, vectorizeScript, in), &ref); err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	for k, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var names []string
			var fitErr error
			var X, Y interface{ Row(int) ([]int, []float64) }
			if c.kind == "count" {
				m, err := c.count.FitTransform(ctx, docs, nil)
				fitErr = err
				if err == nil {
					X = m
					y, err := c.count.Transform(ctx, newDocs)
					if err != nil {
						t.Fatal(err)
					}
					Y = y
					names = c.count.FeatureNames()
				}
			} else {
				m, err := c.tfidf.FitTransform(ctx, docs, nil)
				fitErr = err
				if err == nil {
					X = m
					y, err := c.tfidf.Transform(ctx, newDocs)
					if err != nil {
						t.Fatal(err)
					}
					Y = y
					names = c.tfidf.FeatureNames()
				}
			}
			if ref[k].Error != "" || fitErr != nil {
				if ref[k].Error == "" || fitErr == nil {
					t.Fatalf("error: textlab %v, scikit-learn %q", fitErr, ref[k].Error)
				}
				t.Logf("both fail: textlab %v; scikit-learn %q", fitErr, ref[k].Error)
				return
			}
			if !reflect.DeepEqual(names, ref[k].Names) {
				t.Fatalf("vocabulary differs: %d terms vs scikit-learn %d; first diffs %v", len(names), len(ref[k].Names), firstDiff(names, ref[k].Names))
			}
			compareCSR(t, "fit_transform", X, len(docs), ref[k].X)
			compareCSR(t, "transform", Y, len(newDocs), ref[k].Y)
		})
	}
}

func firstDiff(a, b []string) string {
	for i := 0; i < len(a) && i < len(b); i++ {
		if a[i] != b[i] {
			return fmt.Sprintf("at %d: %q vs %q", i, a[i], b[i])
		}
	}
	return "one is a prefix of the other"
}
