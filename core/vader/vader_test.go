package vader

import (
	"context"
	"errors"
	"fmt"
	"testing"
)

// TestScoreDemo checks the demo sentences whose expected scores ship with
// vader-sentiment 1.1.3 (tests/SentimentIntensityAnalyzer_tests.js, "match
// original demo output").
func TestScoreDemo(t *testing.T) {
	tests := []struct {
		text string
		want Scores
	}{
		{"VADER is smart, handsome, and funny.", Scores{Neg: 0.0, Neu: 0.254, Pos: 0.746, Compound: 0.8316}},
		{"VADER is not smart, handsome, nor funny.", Scores{Neg: 0.646, Neu: 0.354, Pos: 0.0, Compound: -0.7424}},
		{"VADER is smart, handsome, and funny!", Scores{Neg: 0.0, Neu: 0.248, Pos: 0.752, Compound: 0.8439}},
		{"VADER is very smart, handsome, and funny.", Scores{Neg: 0.0, Neu: 0.299, Pos: 0.701, Compound: 0.8545}},
		{"VADER is VERY SMART, handsome, and FUNNY.", Scores{Neg: 0.0, Neu: 0.246, Pos: 0.754, Compound: 0.9227}},
		{"VADER is VERY SMART, handsome, and FUNNY!!!", Scores{Neg: 0.0, Neu: 0.233, Pos: 0.767, Compound: 0.9342}},
		{"VADER is VERY SMART, uber handsome, and FRIGGIN FUNNY!!!", Scores{Neg: 0.0, Neu: 0.294, Pos: 0.706, Compound: 0.9469}},
		{"The book was good.", Scores{Neg: 0.0, Neu: 0.508, Pos: 0.492, Compound: 0.4404}},
		{"The book was kind of good.", Scores{Neg: 0.0, Neu: 0.657, Pos: 0.343, Compound: 0.3832}},
		{"The plot was good, but the characters are uncompelling and the dialog is not great.", Scores{Neg: 0.327, Neu: 0.579, Pos: 0.094, Compound: -0.7042}},
		{"At least it isn't a horrible book.", Scores{Neg: 0.0, Neu: 0.637, Pos: 0.363, Compound: 0.431}},
		{"Make sure you :) or :D today!", Scores{Neg: 0.0, Neu: 0.294, Pos: 0.706, Compound: 0.8633}},
		{"Today SUX!", Scores{Neg: 0.779, Neu: 0.221, Pos: 0.0, Compound: -0.5461}},
		{"Today only kinda sux! But I'll get by, lol", Scores{Neg: 0.179, Neu: 0.569, Pos: 0.251, Compound: 0.2228}},
		{"", Scores{}},              // no words: all zero
		{"! ? .", Scores{}},         // single characters are dropped
		{"the cat", Scores{Neu: 1}}, // words, none in the lexicon
	}
	for _, tt := range tests {
		if got := Score(tt.text); got != tt.want {
			t.Errorf("Score(%q) = %+v, want %+v", tt.text, got, tt.want)
		}
	}
}

// TestAnalyzeWords checks tokens, spans and per-word valences.
func TestAnalyzeWords(t *testing.T) {
	tests := []struct {
		text  string
		words []string // scored tokens
		sign  []int    // sign of each token's valence
	}{
		{"Good!! (bad)", []string{"Good", "(bad)"}, []int{1, 0}}, // "(bad)" has punctuation on both sides: not stripped
		{"a very  good day", []string{"very", "good", "day"}, []int{0, 1, 0}},
		{"not good", []string{"not", "good"}, []int{0, -1}},
		{"good but bad", []string{"good", "but", "bad"}, []int{1, 0, -1}},
		{"don't. :) 💘x", []string{"don't.", ":)", "💘x"}, []int{0, -1, 0}}, // "don't." negates ":)"
		{"é ok", []string{"ok"}, []int{1}},                                // "é" is one UTF-16 unit: dropped
	}
	for _, tt := range tests {
		r := Analyze(tt.text)
		if len(r.Words) != len(tt.words) {
			t.Errorf("Analyze(%q): %d words, want %v", tt.text, len(r.Words), tt.words)
			continue
		}
		for i, w := range r.Words {
			if w.Text != tt.words[i] || tt.text[w.Start:w.End] != w.Text {
				t.Errorf("Analyze(%q) word %d = %q at [%d,%d), want %q", tt.text, i, w.Text, w.Start, w.End, tt.words[i])
			}
			if s := sign(w.Valence); s != tt.sign[i] {
				t.Errorf("Analyze(%q) word %q valence %v, want sign %d", tt.text, w.Text, w.Valence, tt.sign[i])
			}
		}
	}
}

func sign(x float64) int {
	switch {
	case x > 0:
		return 1
	case x < 0:
		return -1
	}
	return 0
}

// TestToFixed checks JavaScript's rounding of exact ties (away from zero),
// where Go's strconv would round to even: (0.0625).toFixed(3) is "0.063" and
// (-0.0625).toFixed(3) is "-0.063" in Node; 1.0005 is stored below the tie,
// so (1.0005).toFixed(3) is "1.000".
func TestToFixed(t *testing.T) {
	tests := []struct {
		x    float64
		d    int
		want float64
	}{
		{0.0625, 3, 0.063},
		{-0.0625, 3, -0.063},
		{1.0005, 3, 1.0},
		{0.12345678, 4, 0.1235},
		{0.99996, 4, 1},
		{0, 4, 0},
	}
	for _, tt := range tests {
		if got := toFixed(tt.x, tt.d); got != tt.want {
			t.Errorf("toFixed(%v, %d) = %v, want %v", tt.x, tt.d, got, tt.want)
		}
	}
}

func TestScoreAllCancel(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := ScoreAll(ctx, []string{"good"}, nil); !errors.Is(err, context.Canceled) {
		t.Fatalf("ScoreAll on a cancelled context: err = %v", err)
	}
	var last float64
	got, err := ScoreAll(context.Background(), []string{"good", "bad"}, func(f float64, _ string) { last = f })
	if err != nil || len(got) != 2 || got[0] != Score("good") || got[1] != Score("bad") || last != 1 {
		t.Fatalf("ScoreAll = %v, %v (last progress %v)", got, err, last)
	}
}

func TestLexicon(t *testing.T) {
	if n := LexiconSize(); n != 7503 { // entries in vader-sentiment 1.1.3's src/vader_lexicon.js
		t.Errorf("LexiconSize() = %d, want 7503", n)
	}
	if v, ok := Lexicon("good"); !ok || v != 1.9 { // "good\t1.9" in vader_lexicon.txt
		t.Errorf("Lexicon(good) = %v, %v", v, ok)
	}
}

// FuzzAnalyze checks that any text scores without panicking, with spans
// inside the text and scores in range.
func FuzzAnalyze(f *testing.F) {
	for _, s := range []string{"", "VADER is VERY SMART!!!", "not the shit but kind of good ??", "💘 :) é", "\xff\xfe good"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, text string) {
		r := Analyze(text)
		for _, w := range r.Words {
			if w.Start < 0 || w.End > len(text) || w.Start > w.End || text[w.Start:w.End] != w.Text {
				t.Fatalf("word %+v outside %q", w, text)
			}
		}
		if r.Compound < -1 || r.Compound > 1 || r.Pos < 0 || r.Neu < 0 || r.Neg < 0 || r.Pos+r.Neu+r.Neg > 1.0015 {
			t.Fatalf("scores out of range: %+v", r.Scores)
		}
	})
}

func ExampleScore() {
	s := Score("VADER is smart, handsome, and funny!")
	fmt.Printf("compound %.4f pos %.3f neu %.3f neg %.3f\n", s.Compound, s.Pos, s.Neu, s.Neg)
	// Output: compound 0.8439 pos 0.752 neu 0.248 neg 0.000
}

func ExampleAnalyze() {
	text := "The food was not good, but the staff were VERY friendly!"
	r := Analyze(text)
	for _, w := range r.Words {
		if w.Valence != 0 {
			fmt.Printf("%-8s [%2d,%2d) %+.3f\n", w.Text, w.Start, w.End, w.Valence)
		}
	}
	fmt.Printf("compound %.4f\n", r.Compound) // vader-sentiment 1.1.3 gives 0.7527 too
	// Output:
	// good     [17,21) -0.703
	// friendly [47,55) +4.839
	// compound 0.7527
}
