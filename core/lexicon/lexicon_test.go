package lexicon

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"strings"
	"testing"

	"textlab/core/vader"
)

const testDic = "%\n1\tposemo\n2\tnegemo\n03\tsocial (Social words)\n%\n" +
	"happ*\t1\nhappening\t3\nsad\t2\nfriend*\t1\t03\nthank you\t1\t3\nkind of\t3\n"

func TestTokenize(t *testing.T) {
	tests := []struct {
		text string
		want []string
	}{
		{"Don't stop—well-being, 2-faces!", []string{"don't", "stop", "well-being", "2-faces"}},
		{"It’s ÉTÉ 'quoted' -dash- a--b", []string{"it's", "été", "quoted", "dash", "a", "b"}},
		{"", nil},
		{"\xff ok \xfe", []string{"ok"}},
	}
	for _, tt := range tests {
		var got []string
		for _, tk := range Tokenize(tt.text) {
			got = append(got, tk.Word)
			if strings.ToLower(strings.ReplaceAll(tt.text[tk.Start:tk.End], "’", "'")) != tk.Word {
				t.Errorf("Tokenize(%q): span [%d,%d) is %q, word %q", tt.text, tk.Start, tk.End, tt.text[tk.Start:tk.End], tk.Word)
			}
		}
		if !reflect.DeepEqual(got, tt.want) {
			t.Errorf("Tokenize(%q) = %q, want %q", tt.text, got, tt.want)
		}
	}
}

func TestParseDicAndScore(t *testing.T) {
	d, err := ParseDic("test.dic", strings.NewReader(testDic))
	if err != nil {
		t.Fatal(err)
	}
	if want := []string{"posemo", "negemo", "social (Social words)"}; !reflect.DeepEqual(d.Categories, want) {
		t.Fatalf("categories %q, want %q", d.Categories, want)
	}
	tests := []struct {
		text    string
		words   int
		counts  []int    // per category
		matches []string // matched text
	}{
		// "happening" is an exact term, which beats the prefix "happ*".
		{"Happy happiness, happening", 3, []int{2, 0, 1}, []string{"Happy", "happiness", "happening"}},
		{"So sad. Sad!", 3, []int{0, 2, 0}, []string{"sad", "Sad"}},
		// A phrase counts once, in each of its categories.
		{"thank you, my friends", 4, []int{2, 0, 2}, []string{"thank you", "friends"}},
		{"thank me", 2, []int{0, 0, 0}, nil},
		{"it is kind of sad", 5, []int{0, 1, 1}, []string{"kind of", "sad"}},
		{"", 0, []int{0, 0, 0}, nil},
	}
	for _, tt := range tests {
		r := d.Score(tt.text)
		if r.Words != tt.words {
			t.Errorf("Score(%q).Words = %d, want %d", tt.text, r.Words, tt.words)
		}
		for c, want := range tt.counts {
			got := r.Counts[c]
			if got.Count != want || got.Score != float64(want) {
				t.Errorf("Score(%q) %s = %+v, want count %d", tt.text, got.Category, got, want)
			}
			if tt.words > 0 && got.Share != float64(want)/float64(tt.words) {
				t.Errorf("Score(%q) %s share %v, want %d/%d", tt.text, got.Category, got.Share, want, tt.words)
			}
		}
		var texts []string
		for _, m := range r.Matches {
			texts = append(texts, m.Text)
			if tt.text[m.Start:m.End] != m.Text {
				t.Errorf("Score(%q): match %q has span [%d,%d)", tt.text, m.Text, m.Start, m.End)
			}
		}
		if !reflect.DeepEqual(texts, tt.matches) {
			t.Errorf("Score(%q) matches %q, want %q", tt.text, texts, tt.matches)
		}
	}
}

func TestParseCSVWeighted(t *testing.T) {
	d, err := ParseCSV("w.csv", strings.NewReader("term,category,weight\ngood,pos,2\nvery good,pos,3\nbad*,neg,-1.5\ngood,quality,1\n"))
	if err != nil {
		t.Fatal(err)
	}
	if !d.Weighted || !reflect.DeepEqual(d.Categories, []string{"pos", "neg", "quality"}) {
		t.Fatalf("got weighted=%v categories %q", d.Weighted, d.Categories)
	}
	r := d.Score("Very good, not good, badly bad")
	// very good (3) + good (2 pos, 1 quality) + badly (-1.5) + bad (-1.5)
	if r.Score != 3 || r.Counts[0].Count != 2 || r.Counts[0].Score != 5 || r.Counts[1].Score != -3 || r.Counts[2].Count != 1 {
		t.Errorf("Score = %+v", r)
	}
	if len(r.Matches) != 4 || r.Matches[0].Term != "very good" || r.Matches[2].Term != "bad*" || r.Matches[1].Score != 3 {
		t.Errorf("matches = %+v", r.Matches)
	}
}

func TestParseErrors(t *testing.T) {
	tests := []struct {
		name, data string
		want       string // in the error
	}{
		{"empty dic", "", "empty"},
		{"no header", "happy\t1\n", "line 1: a .dic file must start"},
		{"bad number", "%\nx\tposemo\n%\nhappy\t1\n", `line 2: category number "x"`},
		{"no name", "%\n1\n%\nhappy\t1\n", "line 2: header line"},
		{"dup number", "%\n1\ta\n01\tb\n%\nhappy\t1\n", "line 3: category number 01 is already defined on line 2"},
		{"dup name", "%\n1\ta\n2\ta\n%\nhappy\t1\n", `line 3: category name "a"`},
		{"unclosed", "%\n1\ta\nhappy\t1\n", `line 3: category number "happy" is not a whole number`},
		{"no close", "%\n1\ta\n", "line 2: the header has no closing %"},
		{"no categories", "%\n%\nhappy\t1\n", "line 2: the header defines no categories"},
		{"unknown category", "%\n1\ta\n%\nhappy\t1\t7\n", "line 4: term \"happy\" has category 7, which the header does not define"},
		{"duplicate term", "%\n1\ta\n2\tb\n%\nhappy\t1\nsad\t2\nHappy\t2\n", `line 7: term "happy" is already listed on line 5`},
		{"no terms", "%\n1\ta\n%\n\n", "no terms"},
		{"no categories on term", "%\n1\ta\n%\nhappy\n", `line 4: term "happy" has no category numbers`},
		{"unmatchable", "%\n1\ta\n%\n:)\t1\n", "line 4: term \":)\" has no letters or digits"},
		{"repeated category", "%\n1\ta\n%\nhappy\t1\t1\n", "lists category 1 twice"},
		{"csv no terms", "term,category\n", "no terms"},
		{"csv empty", "", "no terms"},
		{"csv one field", "happy\n", "line 1: a dictionary row is term,category"},
		{"csv ragged", "happy,pos\nsad,neg,2\n", "line 2: wrong number of fields"},
		{"csv empty category", "happy, \n", "line 1: the category is empty"},
		{"csv bad weight", "happy,pos,lots\n", `line 1: weight "lots"`},
		{"csv duplicate", "term,category\nhappy,pos\nglad,pos\nHAPPY,pos\n", `line 4: term "happy" is already in category "pos" on line 2`},
		{"csv empty term", "*,pos\n", "line 1: term \"*\" is empty"},
		{"csv split term", "e.g.,pos\n", "line 1: term \"e.g.\" is not a sequence of words"},
	}
	for _, tt := range tests {
		parse := ParseDic
		if strings.HasPrefix(tt.name, "csv") {
			parse = ParseCSV
		}
		_, err := parse(tt.name, strings.NewReader(tt.data))
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s: error %v, want one containing %q", tt.name, err, tt.want)
		}
	}
}

func TestParseSniff(t *testing.T) {
	for _, tt := range []struct {
		data     string
		weighted bool
	}{{"\ufeff\n%\n1\ta\n%\nhappy\t1\n", false}, {"happy,a,1\n", true}, {"happy,a\n", false}} {
		d, err := Parse("x", []byte(tt.data))
		if err != nil || d.Categories[0] != "a" || d.Weighted != tt.weighted || d.Entries[0].Term != "happy" {
			t.Errorf("Parse(%q) = %+v, %v", tt.data, d, err)
		}
	}
}

// TestBuiltin checks the embedded lists against their sources' own counts
// and ratings.
func TestBuiltin(t *testing.T) {
	a := AFINN()
	if len(a.Entries) != 2477 || !a.Weighted { // AFINN-111 has 2,477 entries (data/words.csv)
		t.Errorf("AFINN: %d entries, weighted %v", len(a.Entries), a.Weighted)
	}
	// AFINN-111: "good" 3, "bad" -3, "does not work" -3.
	r := a.Score("Good, but it does not work. Bad.")
	if r.Score != -3 || len(r.Matches) != 3 || r.Matches[1].Term != "does not work" {
		t.Errorf("AFINN score %+v", r)
	}
	if c, _ := a.Score("some kind").Count("neutral"); c.Count != 1 { // AFINN-111: "some kind,0"
		t.Errorf("AFINN: \"some kind\" is not neutral")
	}
	b := Bing()
	pos, neg := 0, 0
	for _, e := range b.Entries {
		if b.Categories[e.Category] == "positive" {
			pos++
		} else {
			neg++
		}
	}
	// tidytext 0.4.1: table(sentiments$sentiment) is 4781 negative, 2005
	// positive; five negative terms and "anti-" can never match (data/README.md).
	if pos != 2005 || neg != 4781-6 {
		t.Errorf("Bing: %d positive, %d negative", pos, neg)
	}
	if c, _ := b.Score("envious").Count("positive"); c.Count != 1 {
		t.Errorf("Bing: envious is listed as positive too")
	}
}

func TestRule(t *testing.T) {
	res := Result{Words: 10, Score: -2, Counts: []Count{{"negative", 3, 0.3, -6}, {"positive", 3, 0.3, 4}, {"anger", 1, 0.1, 1}}}
	empty := Result{Words: 3, Counts: []Count{{Category: "negative"}, {Category: "positive"}}}
	tests := []struct {
		rule Rule
		res  Result
		want string
	}{
		{Rule{Kind: Share, Category: "anger", Threshold: 0.1, Above: "angry", Below: "calm"}, res, "angry"},
		{Rule{Kind: Share, Category: "anger", Threshold: 0.11, Above: "angry", Below: "calm"}, res, "calm"},
		{Rule{Kind: Score}, res, "negative"},
		{Rule{Kind: Score, Threshold: -2}, res, "positive"},
		{Rule{Kind: Majority}, res, "negative"}, // tie goes to the first category
		{Rule{Kind: Majority}, empty, "none"},
		{Rule{Kind: Majority, Neutral: "neutral"}, empty, "neutral"},
	}
	for _, tt := range tests {
		got, err := tt.rule.Label(tt.res)
		if err != nil || got != tt.want {
			t.Errorf("%+v.Label = %q, %v; want %q", tt.rule, got, err, tt.want)
		}
	}
	vtests := []struct {
		rule     Rule
		compound float64
		want     string
	}{
		{VADERRule(), 0.05, "positive"},
		{VADERRule(), 0.0499, "neutral"},
		{VADERRule(), -0.05, "negative"},
		{Rule{}, 0, "positive"},
		{Rule{}, -0.0001, "negative"},
		{Rule{Threshold: 0.5, Above: "pos", Below: "rest"}, 0.3, "rest"},
	}
	for _, tt := range vtests {
		got, err := tt.rule.LabelVADER(vader.Scores{Compound: tt.compound})
		if err != nil || got != tt.want {
			t.Errorf("%+v.LabelVADER(%v) = %q, %v; want %q", tt.rule, tt.compound, got, err, tt.want)
		}
	}
	for _, bad := range []Rule{{Kind: Share, Category: "joy"}, {Kind: Compound}, {Kind: "median"}} {
		if _, err := bad.Label(res); err == nil {
			t.Errorf("%+v.Label: no error", bad)
		}
	}
	if _, err := (Rule{Kind: Majority}).LabelVADER(vader.Scores{}); err == nil {
		t.Error("majority rule labelled VADER scores")
	}
}

func TestScoreAll(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := Bing().ScoreAll(ctx, []string{"good"}, nil); !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled ScoreAll: %v", err)
	}
	var last float64
	rs, err := Bing().ScoreAll(context.Background(), []string{"good", "bad bad"}, func(f float64, _ string) { last = f })
	if err != nil || len(rs) != 2 || rs[1].Counts[0].Count != 2 || last != 1 {
		t.Errorf("ScoreAll = %+v, %v", rs, err)
	}
}

func ExampleParseDic() {
	dic := "%\n1\tposemo\n2\tnegemo\n%\nhapp*\t1\nsad\t2\nnot happy\t2\n"
	d, err := ParseDic("mood.dic", strings.NewReader(dic))
	if err != nil {
		fmt.Println(err)
		return
	}
	r := d.Score("Happiness is a happy dog; I am not happy.")
	for _, c := range r.Counts {
		fmt.Printf("%s: %d of %d words (%.2f)\n", c.Category, c.Count, r.Words, c.Share)
	}
	for _, m := range r.Matches {
		fmt.Printf("%q [%d,%d) %s\n", m.Text, m.Start, m.End, m.Term)
	}
	// Output:
	// posemo: 2 of 9 words (0.22)
	// negemo: 1 of 9 words (0.11)
	// "Happiness" [0,9) happ*
	// "happy" [15,20) happ*
	// "not happy" [31,40) not happy
}

func ExampleAFINN() {
	r := AFINN().Score("Good food, but the service does not work.")
	fmt.Printf("score %+g\n", r.Score)
	label, _ := Rule{Kind: Score}.Label(r)
	fmt.Println(label)
	// Output:
	// score +0
	// positive
}

func ExampleRule_LabelVADER() {
	label, _ := VADERRule().LabelVADER(vader.Score("The book was kind of good."))
	fmt.Println(label)
	// Output: positive
}
