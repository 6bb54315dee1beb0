package vectorize

import (
	"context"
	"fmt"
	"math"
	"reflect"
	"strings"
	"testing"
	"unicode/utf8"
)

func TestTokenize(t *testing.T) {
	tests := []struct {
		in   string
		want []string
	}{
		{"Hello, world! a b cd", []string{"Hello", "world", "cd"}},
		{"don't stop_me now2 x1", []string{"don", "stop_me", "now2", "x1"}},
		{"naïve café 東京 ٣٤", []string{"naïve", "café", "東京", "٣٤"}},
		// U+0301 COMBINING ACUTE is a mark, not a word character in Python.
		{"cafe\u0301s", []string{"cafe"}},
		{"", nil},
		{"²³ ½x", []string{"²³", "½x"}},
	}
	for _, tc := range tests {
		if got := Tokenize(tc.in); !reflect.DeepEqual(got, tc.want) {
			t.Errorf("Tokenize(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func TestLower(t *testing.T) {
	tests := []struct{ in, want string }{
		{"ABC def", "abc def"},
		// Expected values from Python 3.11: 'ΟΔΟΣ ΣΑ. Σ ΑΣ\'Σ AΣ1'.lower()
		{"ΟΔΟΣ ΣΑ. Σ ΑΣ'Σ AΣ1", "οδος σα. σ ασ'ς aς1"},
		{"İstanbul", "i\u0307stanbul"},
		{"ÉCOLE", "école"},
	}
	for _, tc := range tests {
		if got := Lower(tc.in); got != tc.want {
			t.Errorf("Lower(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func TestAnalyzer(t *testing.T) {
	cfg := Config{NgramMin: 1, NgramMax: 2, StopWords: []string{"the"}}
	got := cfg.Analyzer()("The cat saw THE dog")
	want := []string{"cat", "saw", "dog", "cat saw", "saw dog"}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got %q, want %q", got, want)
	}
	got = Config{NgramMin: 2, NgramMax: 3}.Analyzer()("one two")
	if !reflect.DeepEqual(got, []string{"one two"}) {
		t.Errorf("bigrams of two words: %q", got)
	}
}

func TestCount(t *testing.T) {
	// Single-letter words are not tokens; use two-letter words.
	docs := []string{"bb aa aa", "cc bb", "aa dd dd dd"}
	cases := []struct {
		name  string
		cfg   Config
		names []string
		dense [][]float64
	}{
		{"default", Config{}, []string{"aa", "bb", "cc", "dd"},
			[][]float64{{2, 1, 0, 0}, {0, 1, 1, 0}, {1, 0, 0, 3}}},
		{"binary", Config{Binary: true}, []string{"aa", "bb", "cc", "dd"},
			[][]float64{{1, 1, 0, 0}, {0, 1, 1, 0}, {1, 0, 0, 1}}},
		{"min_df=2", Config{MinDF: DocFreq{N: 2}}, []string{"aa", "bb"},
			[][]float64{{2, 1}, {0, 1}, {1, 0}}},
		{"max_df=0.5", Config{MaxDF: DocFreq{Fraction: 0.5}}, []string{"cc", "dd"},
			[][]float64{{0, 0}, {1, 0}, {0, 3}}},
		// corpus frequencies: aa 3, bb 2, cc 1, dd 3
		{"max_features=2", Config{MaxFeatures: 2}, []string{"aa", "dd"},
			[][]float64{{2, 0}, {0, 0}, {1, 3}}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			c := Count{Config: tc.cfg}
			X, err := c.FitTransform(context.Background(), docs, nil)
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(c.FeatureNames(), tc.names) {
				t.Errorf("names %q, want %q", c.FeatureNames(), tc.names)
			}
			if !reflect.DeepEqual(X.Dense(), tc.dense) {
				t.Errorf("matrix %v, want %v", X.Dense(), tc.dense)
			}
			Y, err := c.Transform(context.Background(), docs)
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(Y.Dense(), tc.dense) {
				t.Errorf("Transform %v, want %v", Y.Dense(), tc.dense)
			}
		})
	}
}

func TestCountErrors(t *testing.T) {
	ctx := context.Background()
	// Messages name the settings as the page and scikit-learn do
	// (min_df, max_df, ...), never the Go fields.
	bad := []struct {
		cfg  Config
		want string
	}{
		{Config{NgramMin: 2, NgramMax: 1}, "ngram_range (2, 1)"},
		{Config{MinDF: DocFreq{N: 1, Fraction: 0.5}}, "min_df: give a number of documents or a share"},
		{Config{MaxDF: DocFreq{Fraction: 1.5}}, "max_df must be a number of documents (0 or more) or a share of documents between 0 and 1, not 1.5"},
		{Config{MinDF: DocFreq{N: -2}}, "min_df must be a number of documents (0 or more) or a share of documents between 0 and 1, not -2"},
		{Config{MaxFeatures: -1}, "max_features is -1"},
		{Config{MinDF: DocFreq{N: 3}, MaxDF: DocFreq{N: 1}}, "max_df keeps terms in at most 1 documents, fewer than the 3 that min_df asks for; lower min_df or raise max_df"},
		{Config{MinDF: DocFreq{N: 5}}, "min_df asks for terms in at least 5 documents, but there are only 2 documents; lower min_df"},
		{Config{MinDF: DocFreq{N: 2}, StopWords: []string{"bb"}}, "no terms remain; try a lower min_df or a higher max_df"},
	}
	for i, tc := range bad {
		c := Count{Config: tc.cfg}
		_, err := c.FitTransform(ctx, []string{"aa bb", "bb cc"}, nil)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("config %d: error %v, want %q", i, err, tc.want)
			continue
		}
		for _, goName := range []string{"MinDF", "MaxDF", "MaxFeatures", "Ngram", "Fraction"} {
			if strings.Contains(err.Error(), goName) {
				t.Errorf("config %d: error %q names the Go field %s", i, err, goName)
			}
		}
	}
	c := Count{Config: Config{StopWords: EnglishStopWords}}
	if _, err := c.FitTransform(ctx, []string{"the and of", "x"}, nil); err == nil {
		t.Error("only stop words: no error")
	}
	var fresh Count
	if _, err := fresh.Transform(ctx, []string{"aa"}); err != ErrNotFitted {
		t.Errorf("Transform before Fit: %v", err)
	}
	cctx, cancel := context.WithCancel(ctx)
	cancel()
	if _, err := fresh.FitTransform(cctx, []string{"aa"}, nil); err == nil {
		t.Error("cancelled context: no error")
	}
}

func TestTfidf(t *testing.T) {
	docs := []string{"aa aa bb", "bb cc"}
	var v Tfidf
	X, err := v.FitTransform(context.Background(), docs, nil)
	if err != nil {
		t.Fatal(err)
	}
	// idf by the formula ln((1+n)/(1+df)) + 1 with n = 2.
	idfA, idfB := math.Log(3.0/2)+1, math.Log(3.0/3)+1
	n0 := math.Hypot(2*idfA, idfB)
	want0 := []float64{2 * idfA / n0, idfB / n0, 0}
	for j, w := range want0 {
		if got := X.At(0, j); math.Abs(got-w) > 1e-15 {
			t.Errorf("X[0][%d] = %v, want %v", j, got, w)
		}
	}
	for i := 0; i < X.Rows; i++ {
		_, vals := X.Row(i)
		s := 0.0
		for _, x := range vals {
			s += x * x
		}
		if math.Abs(s-1) > 1e-12 {
			t.Errorf("row %d has squared norm %v", i, s)
		}
	}
	l1 := Tfidf{Norm: NormL1, SublinearTF: true, NoIDF: true}
	X, err = l1.FitTransform(context.Background(), docs, nil)
	if err != nil {
		t.Fatal(err)
	}
	a := math.Log(2) + 1
	if got, want := X.At(0, 0), a/(a+1); math.Abs(got-want) > 1e-15 {
		t.Errorf("sublinear l1: %v, want %v", got, want)
	}
	if l1.IDF() != nil {
		t.Error("IDF() with NoIDF is not nil")
	}
}

func FuzzAnalyzer(f *testing.F) {
	for _, s := range []string{"Hello world", "ΑΣ'Σ İ", "a\xffbc dé\u0301f", "東京 ٣٤ ½x"} {
		f.Add(s)
	}
	analyze := Config{NgramMax: 2}.Analyzer()
	f.Fuzz(func(t *testing.T, s string) {
		for _, tok := range Tokenize(s) {
			if !strings.Contains(s, tok) || utf8.RuneCountInString(tok) < 2 {
				t.Fatalf("bad token %q from %q", tok, s)
			}
			for _, r := range tok {
				if !IsWordRune(r) {
					t.Fatalf("token %q holds non-word rune %q", tok, r)
				}
			}
		}
		for _, term := range analyze(s) {
			if term == "" || strings.HasPrefix(term, " ") || strings.HasSuffix(term, " ") {
				t.Fatalf("bad term %q from %q", term, s)
			}
		}
		if l := Lower(s); !utf8.ValidString(l) {
			t.Fatalf("Lower(%q) = %q is not valid UTF-8", s, l)
		}
	})
}

func TestEnglishStopWords(t *testing.T) {
	// scikit-learn's ENGLISH_STOP_WORDS has 318 entries.
	if len(EnglishStopWords) != 318 {
		t.Errorf("%d stop words, want 318", len(EnglishStopWords))
	}
	for i := 1; i < len(EnglishStopWords); i++ {
		if EnglishStopWords[i-1] >= EnglishStopWords[i] {
			t.Errorf("not sorted at %q", EnglishStopWords[i])
		}
	}
}

func ExampleCount() {
	v := Count{Config: Config{NgramMax: 2}}
	X, err := v.FitTransform(context.Background(), []string{"Good movie, good cast.", "Bad movie."}, nil)
	if err != nil {
		panic(err)
	}
	fmt.Println(v.FeatureNames())
	fmt.Println(X.Dense())
	// Output:
	// [bad bad movie cast good good cast good movie movie movie good]
	// [[0 0 1 2 1 1 1 1] [1 1 0 0 0 0 1 0]]
}

func ExampleTfidf() {
	v := Tfidf{Config: Config{StopWords: EnglishStopWords}}
	X, err := v.FitTransform(context.Background(), []string{
		"The cat sat on the mat.",
		"The dog chased the cat!",
	}, nil)
	if err != nil {
		panic(err)
	}
	fmt.Println(v.FeatureNames())
	for i := 0; i < X.Rows; i++ {
		cols, vals := X.Row(i)
		for k, j := range cols {
			fmt.Printf("doc %d %-6s %.4f\n", i, v.FeatureNames()[j], vals[k])
		}
	}
	// Output:
	// [cat chased dog mat sat]
	// doc 0 cat    0.4494
	// doc 0 mat    0.6317
	// doc 0 sat    0.6317
	// doc 1 cat    0.4494
	// doc 1 chased 0.6317
	// doc 1 dog    0.6317
}
