package lexicon

import (
	"context"
	"errors"
	"fmt"
	"math"
	"reflect"
	"strings"
	"testing"
)

// scoredWith scores texts with d (nil: VADER).
func scoredWith(t *testing.T, d *Dictionary, texts []string) *Scored {
	t.Helper()
	s, err := ScoreTexts(context.Background(), d, texts, nil)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func mustParse(t *testing.T, name, src string) *Dictionary {
	t.Helper()
	d, err := Parse(name, []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	return d
}

func TestEvaluate(t *testing.T) {
	mood := mustParse(t, "mood.dic", "%\n1\tposemo\n2\tnegemo\n%\nhapp*\t1\nsad\t2\n")
	weighted := mustParse(t, "w.csv", "term,category,weight\ngood,pos,2\nbad,neg,-1\n")

	// Majority on mood.dic: posemo, negemo, no match, posemo (a 1:1 tie
	// goes to the first category), negemo.
	moodTexts := []string{"happy happy day", "sad day", "a table", "happy but sad", "so sad"}
	moodGold := []string{"pos", "neg", "neg", "pos", "pos"}
	// VADER: compound 0.6369 ("I love this"), -0.4767 ("terrible"), 0
	// ("a table"), 0.4404 ("good").
	vaderTexts := []string{"I love this", "terrible", "a table", "good"}
	vaderGold := []string{"positive", "negative", "neutral", "negative"}
	// Summed weights: 4, -1, 1, 0.
	scoreTexts := []string{"good good", "bad", "good bad", "nothing"}
	scoreGold := []string{"up", "down", "down", "down"}

	tests := []struct {
		name      string
		dict      *Dictionary
		texts     []string
		gold      []string
		rule      RuleSettings
		predicted []string
		classes   []string // gold labels sorted, then predicted-only ones
		matrix    [][]int
		accuracy  float64
		macroF1   float64
		unmatched int
	}{
		{"majority, no match mapped", mood, moodTexts, moodGold,
			RuleSettings{Kind: Majority, Mapping: map[string]string{"posemo": "pos", "negemo": "neg", NoMatch: "neg"}},
			[]string{"pos", "neg", "neg", "pos", "neg"}, []string{"neg", "pos"}, [][]int{{2, 0}, {1, 2}}, 0.8, 0.8, 1},
		// "no word matched" without a label is a class of its own, always wrong.
		{"majority, no match unmapped", mood, moodTexts, moodGold,
			RuleSettings{Kind: Majority, Mapping: map[string]string{"posemo": "pos", "negemo": "neg"}},
			[]string{"pos", "neg", NoMatch, "pos", "neg"}, []string{"neg", "pos", NoMatch}, [][]int{{1, 0, 1}, {1, 2, 0}, {0, 0, 0}},
			0.6, (0.5 + 0.8 + 0) / 3, 1},
		// Unmapped categories are predicted as their own names.
		{"majority, nothing mapped", mood, moodTexts, moodGold, RuleSettings{Kind: Majority},
			[]string{"posemo", "negemo", NoMatch, "posemo", "negemo"}, []string{"neg", "pos", "posemo", "negemo", NoMatch},
			[][]int{{0, 0, 0, 1, 1}, {0, 0, 2, 1, 0}, {0, 0, 0, 0, 0}, {0, 0, 0, 0, 0}, {0, 0, 0, 0, 0}}, 0, 0, 1},
		{"share", mood, moodTexts, moodGold,
			RuleSettings{Kind: Share, Category: "posemo", Threshold: 0.5, Mapping: map[string]string{"above": "pos", "below": "neg"}},
			[]string{"pos", "neg", "neg", "neg", "neg"}, []string{"neg", "pos"}, [][]int{{2, 0}, {2, 1}}, 0.6, (2.0/3 + 0.5) / 2, 1},
		{"compound with a neutral band", nil, vaderTexts, vaderGold,
			RuleSettings{Kind: Compound, Threshold: 0.05, Neutral: true, Mapping: map[string]string{"above": "positive", "below": "negative", "neutral": "neutral"}},
			[]string{"positive", "negative", "neutral", "positive"}, []string{"negative", "neutral", "positive"}, [][]int{{1, 0, 1}, {0, 1, 0}, {0, 0, 1}},
			0.75, (2.0/3 + 1 + 2.0/3) / 3, 0},
		// Without a label the band's texts are predicted "neutral", a class
		// of its own here since no gold label is spelled so.
		{"compound, band unmapped", nil, vaderTexts, []string{"pos", "neg", "neg", "pos"},
			RuleSettings{Kind: Compound, Threshold: 0.05, Neutral: true, Mapping: map[string]string{"above": "pos", "below": "neg", "neutral": ""}},
			[]string{"pos", "neg", "neutral", "pos"}, []string{"neg", "pos", "neutral"}, [][]int{{1, 0, 1}, {0, 2, 0}, {0, 0, 0}},
			0.75, (2.0/3 + 1 + 0) / 3, 0},
		// Without a band, 0 is below 0.05.
		{"compound two-way", nil, vaderTexts, []string{"pos", "neg", "neg", "pos"},
			RuleSettings{Kind: Compound, Threshold: 0.05, Mapping: map[string]string{"above": "pos", "below": "neg"}},
			[]string{"pos", "neg", "neg", "pos"}, []string{"neg", "pos"}, [][]int{{2, 0}, {0, 2}}, 1, 1, 0},
		{"score with a band", weighted, scoreTexts, scoreGold,
			RuleSettings{Kind: Score, Threshold: 1, Neutral: true, Mapping: map[string]string{"above": "up", "below": "down", "neutral": "down"}},
			[]string{"up", "down", "up", "down"}, []string{"down", "up"}, [][]int{{2, 1}, {0, 1}}, 0.75, (0.8 + 2.0/3) / 2, 1},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			e, err := Evaluate(scoredWith(t, tc.dict, tc.texts), tc.gold, tc.rule)
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(e.Predicted, tc.predicted) || !reflect.DeepEqual(e.Classes, tc.classes) || !reflect.DeepEqual(e.Confusion, tc.matrix) {
				t.Errorf("predicted %q, classes %q, confusion %v; want %q, %q, %v", e.Predicted, e.Classes, e.Confusion, tc.predicted, tc.classes, tc.matrix)
			}
			if math.Abs(e.Report.Accuracy-tc.accuracy) > 1e-12 || math.Abs(e.Report.Macro.F1-tc.macroF1) > 1e-12 {
				t.Errorf("accuracy %v, macro F1 %v; want %v, %v", e.Report.Accuracy, e.Report.Macro.F1, tc.accuracy, tc.macroF1)
			}
			if e.Unmatched != tc.unmatched || e.GoldClasses != len(uniq(tc.gold)) {
				t.Errorf("unmatched %d, gold classes %d", e.Unmatched, e.GoldClasses)
			}
		})
	}
}

func uniq(xs []string) map[string]bool {
	m := map[string]bool{}
	for _, x := range xs {
		m[x] = true
	}
	return m
}

// Every condition a front end words differently is its own error value.
func TestEvaluateErrors(t *testing.T) {
	bing := Bing()
	vaderScores := scoredWith(t, nil, []string{"good"})
	bingScores := scoredWith(t, bing, []string{"good"})
	tests := []struct {
		name   string
		scores *Scored
		gold   []string
		rule   RuleSettings
		want   error
		msg    string
	}{
		{"unknown kind", vaderScores, []string{"a"}, RuleSettings{Kind: "median"}, ErrUnknownRule, `unknown rule kind "median"`},
		{"NaN threshold", vaderScores, []string{"a"}, RuleSettings{Kind: Compound, Threshold: math.NaN()}, ErrThreshold, "must be a number"},
		{"negative band", vaderScores, []string{"a"}, RuleSettings{Kind: Compound, Threshold: -0.1, Neutral: true}, ErrThreshold, "must be 0 or more"},
		{"compound on a list", bingScores, []string{"a"}, RuleSettings{Kind: Compound}, ErrNeedsVADER, "needs VADER scores"},
		{"majority on VADER", vaderScores, []string{"a"}, RuleSettings{Kind: Majority}, ErrNeedsList, "a majority rule needs a word list's counts"},
		{"score on an unweighted list", bingScores, []string{"a"}, RuleSettings{Kind: Score}, ErrNeedsWeights, "bing has no weights"},
		{"unknown category", bingScores, []string{"a"}, RuleSettings{Kind: Share, Category: "joy"}, ErrUnknownCategory, `no category "joy" (its categories: negative, positive)`},
		{"share with a band", bingScores, []string{"a"}, RuleSettings{Kind: Share, Category: "positive", Neutral: true}, ErrNoBand, "no neutral band"},
		{"too few labels", bingScores, nil, RuleSettings{Kind: Majority}, ErrMismatch, "1 scored documents, 0 gold labels"},
	}
	for _, tc := range tests {
		_, err := Evaluate(tc.scores, tc.gold, tc.rule)
		if !errors.Is(err, tc.want) || !strings.Contains(fmt.Sprint(err), tc.msg) {
			t.Errorf("%s: %v, want %v with %q", tc.name, err, tc.want, tc.msg)
		}
		var re *RuleError
		if tc.want != ErrMismatch && !errors.As(err, &re) {
			t.Errorf("%s: %T is not a *RuleError", tc.name, err)
		}
	}
}

func TestParseErrorLine(t *testing.T) {
	_, err := Parse("bad.dic", []byte("%\n1\tposemo\n%\nhappy\t7\n"))
	var pe *ParseError
	if !errors.As(err, &pe) || pe.Line != 4 || err.Error() != `line 4: term "happy" has category 7, which the header does not define` {
		t.Errorf("Parse: %v (%#v)", err, pe)
	}
	_, err = Parse("bad.csv", []byte("term,category,weight\ngood,pos,x\n"))
	if !errors.As(err, &pe) || pe.Line != 2 {
		t.Errorf("Parse CSV: %v", err)
	}
	for _, src := range []string{"", "term,category\n", "%\n1\ta\n%\n"} {
		if _, err := Parse("none", []byte(src)); !errors.Is(err, ErrNoTerms) {
			t.Errorf("Parse(%q): %v, want ErrNoTerms", src, err)
		}
	}
	if _, err := ParseDic("empty.dic", strings.NewReader("\n\n")); !errors.Is(err, ErrEmpty) {
		t.Errorf("ParseDic of blank lines: %v, want ErrEmpty", err)
	}
}

func TestFit(t *testing.T) {
	afinn, bing := AFINN(), Bing()
	mood := mustParse(t, "mood.dic", "%\n1\tposemo\n2\tnegemo\n%\nhapp*\t1\nsad\t2\n")
	labels := []string{"Negative", "neutral", "positive"}
	tests := []struct {
		name   string
		in     RuleSettings
		d      *Dictionary
		labels []string
		want   RuleSettings
	}{
		{"zero value for VADER", RuleSettings{}, nil, nil, RuleSettings{Kind: Compound, Threshold: 0.05, Neutral: true}},
		{"zero value for a list", RuleSettings{}, mood, nil, RuleSettings{Kind: Majority, Category: "posemo"}},
		{"compound gives way on a list, mapping kept", RuleSettings{Kind: Compound, Mapping: map[string]string{"above": "x"}}, bing, nil,
			RuleSettings{Kind: Majority, Category: "positive", Mapping: map[string]string{"above": "x"}}},
		{"score needs weights", RuleSettings{Kind: Score, Threshold: 2}, bing, nil, RuleSettings{Kind: Majority, Category: "positive"}},
		{"score kept with weights", RuleSettings{Kind: Score, Threshold: 2, Neutral: true, Category: "joy"}, afinn, nil,
			RuleSettings{Kind: Score, Category: "positive", Threshold: 2, Neutral: true}},
		{"share drops the band", RuleSettings{Kind: Share, Category: "negemo", Threshold: 0.1, Neutral: true}, mood, nil,
			RuleSettings{Kind: Share, Category: "negemo", Threshold: 0.1}},
		{"labels guessed", RuleSettings{Kind: Compound, Threshold: 0.05, Neutral: true}, nil, labels,
			RuleSettings{Kind: Compound, Threshold: 0.05, Neutral: true, Mapping: map[string]string{"above": "positive", "below": "Negative", "neutral": "neutral"}}},
		{"chosen labels kept, stale ones guessed", RuleSettings{Kind: Compound, Threshold: 0.05, Neutral: true,
			Mapping: map[string]string{"above": "neutral", "below": "", "neutral": "gone", "negemo": "x"}}, nil, labels,
			RuleSettings{Kind: Compound, Threshold: 0.05, Neutral: true, Mapping: map[string]string{"above": "neutral", "below": "", "neutral": "neutral", "negemo": "x"}}},
		{"majority guesses by name", RuleSettings{Kind: Majority}, mood, labels,
			RuleSettings{Kind: Majority, Category: "posemo", Mapping: map[string]string{"posemo": "positive", "negemo": "Negative", NoMatch: "neutral"}}},
		// The defaults a student expects: a neutral band when the data has
		// a neutral label, two sides at 0 when it has not.
		{"VADER on two labels", RuleSettings{}, nil, []string{"neg", "pos"},
			RuleSettings{Kind: Compound, Mapping: map[string]string{"above": "pos", "below": "neg"}}},
		{"AFINN on three labels", RuleSettings{}, afinn, labels,
			RuleSettings{Kind: Score, Category: "positive", Threshold: 1, Neutral: true, Mapping: map[string]string{"above": "positive", "below": "Negative", "neutral": "neutral"}}},
		{"AFINN on two labels", RuleSettings{}, afinn, []string{"negative", "positive"},
			RuleSettings{Kind: Score, Category: "positive", Mapping: map[string]string{"above": "positive", "below": "negative"}}},
		{"Bing on three labels", RuleSettings{}, bing, labels,
			RuleSettings{Kind: Majority, Category: "positive", Mapping: map[string]string{"negative": "Negative", "positive": "positive", NoMatch: "neutral"}}},
		{"Bing on two labels", RuleSettings{}, bing, []string{"negative", "positive"},
			RuleSettings{Kind: Majority, Category: "positive", Mapping: map[string]string{"negative": "negative", "positive": "positive", NoMatch: "positive"}}},
	}
	for _, tc := range tests {
		if got := tc.in.Fit(tc.d, tc.labels); !reflect.DeepEqual(got, tc.want) {
			t.Errorf("%s: %+v, want %+v", tc.name, got, tc.want)
		}
	}
	if s := (RuleSettings{Kind: Share, Category: "negemo", Threshold: 0.3, Mapping: map[string]string{"above": "a"}}).WithKind(Compound, nil); !reflect.DeepEqual(s,
		RuleSettings{Kind: Compound, Category: "negemo", Threshold: 0.05, Neutral: true, Mapping: map[string]string{"above": "a"}}) {
		t.Errorf("WithKind: %+v", s)
	}
}

func TestGuessLabel(t *testing.T) {
	tests := []struct {
		outcome string
		labels  []string
		want    string
	}{
		{"above", []string{"neg", "pos"}, "pos"},
		{"below", []string{"Negative", "Positive"}, "Negative"},
		{"neutral", []string{"neg", "pos"}, ""},
		{"above", []string{"above", "positive"}, "above"}, // the same name first
		{"posemo", []string{"negative", "positive"}, "positive"},
		{"Négatif", []string{"négatif", "positif"}, "négatif"},
		{"émotion", []string{"émoi", "x"}, "émoi"}, // three characters, not bytes
		{NoMatch, []string{"none", "neg"}, "none"},
		{NoMatch, []string{"negative", "neutral", "positive"}, "neutral"},
		{NoMatch, []string{"neg", "pos"}, "pos"}, // as a score of 0 on a two-sided rule
		{NoMatch, []string{"ham", "spam"}, ""},
		{"above", nil, ""},
	}
	for _, tc := range tests {
		if got := GuessLabel(tc.outcome, tc.labels); got != tc.want {
			t.Errorf("GuessLabel(%q, %q) = %q, want %q", tc.outcome, tc.labels, got, tc.want)
		}
	}
}

func TestOutcomesAndDescribe(t *testing.T) {
	mood := mustParse(t, "mood.dic", "%\n1\tposemo\n2\tnegemo\n%\nhapp*\t1\nsad\t2\n")
	tests := []struct {
		s        RuleSettings
		d        *Dictionary
		name     string
		outcomes string
		method   string
	}{
		{KindSettings(Compound, nil), nil, "VADER", "above: compound ≥ 0.05; below: compound ≤ −0.05; neutral: in between", "VADER compound ≥ 0.05, neutral band"},
		{RuleSettings{Kind: Compound, Threshold: -0.25}, nil, "VADER", "above: compound ≥ -0.25; below: compound < -0.25", "VADER compound ≥ -0.25"},
		{RuleSettings{Kind: Share, Category: "posemo", Threshold: 0.125}, mood, "mood.dic", "above: posemo share ≥ 0.125; below: posemo share < 0.125", "mood.dic posemo share ≥ 12.5%"},
		{RuleSettings{Kind: Score, Neutral: true}, AFINN(), "AFINN-111", "above: score ≥ 0; below: score ≤ −0; neutral: in between", "AFINN-111 score ≥ 0, neutral band"},
		{RuleSettings{Kind: Majority}, mood, "mood.dic", "posemo: most matches in “posemo”; negemo: most matches in “negemo”; no match: no word matched", "mood.dic majority category"},
	}
	for _, tc := range tests {
		var parts []string
		for _, o := range tc.s.Outcomes(tc.d) {
			parts = append(parts, o.Key+": "+o.Text)
		}
		if got := strings.Join(parts, "; "); got != tc.outcomes {
			t.Errorf("%+v outcomes %q, want %q", tc.s, got, tc.outcomes)
		}
		if got := tc.s.Describe(tc.name); got != tc.method {
			t.Errorf("%+v Describe = %q, want %q", tc.s, got, tc.method)
		}
	}
}

func TestMarks(t *testing.T) {
	mood := mustParse(t, "mood.dic", "%\n1\tposemo\n2\tnegemo\n3\tfood\n%\nhapp*\t1\nsad\t2\ncake\t3\nbittersweet\t1\t2\n")
	var got []string
	for _, m := range mood.Marks(mood.Score("Happy cake, bittersweet sad")) {
		got = append(got, fmt.Sprintf("%s%+d", m.Text, m.Sign))
	}
	if s := strings.Join(got, " "); s != "Happy+1 cake+0 bittersweet+0 sad-1" {
		t.Errorf("mood marks %s", s)
	}
	got = nil
	for _, m := range AFINN().Marks(AFINN().Score("good, bad")) {
		got = append(got, fmt.Sprintf("%s%+d%+g", m.Text, m.Sign, m.Score))
	}
	if s := strings.Join(got, " "); s != "good+1+3 bad-1-3" {
		t.Errorf("AFINN marks %s", s)
	}
	if p, ph := mustParse(t, "f.csv", "term,category\nhapp*,a\nthank you,a\nno way*,b\n").Forms(); p != 2 || ph != 2 {
		t.Errorf("Forms = %d, %d", p, ph)
	}
	if Format([]byte("\xef\xbb\xbf\n %\n")) != "LIWC .dic" || Format([]byte("term,category\n")) != "CSV" {
		t.Errorf("Format")
	}
}

func TestScoredColumns(t *testing.T) {
	s := scoredWith(t, AFINN(), []string{"good", "bad bad", "nothing here"})
	var names []string
	for _, c := range s.Columns() {
		names = append(names, fmt.Sprintf("%s/%v", c.Name, c.Percent))
	}
	if got := strings.Join(names, " "); got != "negative share/true neutral share/true positive share/true score/false" {
		t.Errorf("columns %s", got)
	}
	means := s.MeansByClass([]int{1, 0, 1}, 3)
	want := []ClassMeans{{1, []float64{1, 0, 0, -6}}, {2, []float64{0, 0, 0.5, 1.5}}, {0, []float64{0, 0, 0, 0}}}
	if !reflect.DeepEqual(means, want) {
		t.Errorf("means %v, want %v", means, want)
	}
	if s.Len() != 3 || s.Unmatched() != 1 || s.Results[0].Matches != nil {
		t.Errorf("Len %d, Unmatched %d, matches kept %v", s.Len(), s.Unmatched(), s.Results[0].Matches)
	}
}

// The Dictionary page's evaluation, as the command line prints it with
// textlab score --rule compound --neutral --json.
func ExampleEvaluate() {
	texts := []string{"I love this film", "What a terrible plot", "The cast was fine", "Boring, boring, boring", "It is a film"}
	gold := []string{"pos", "neg", "pos", "neg", "neg"}
	scores, _ := ScoreTexts(context.Background(), nil, texts, nil) // nil: VADER
	rule := RuleSettings{Kind: Compound, Threshold: 0.05, Neutral: true,
		Mapping: map[string]string{OutcomeAbove: "pos", OutcomeBelow: "neg"}} // "neutral" has no label
	e, err := Evaluate(scores, gold, rule)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(rule.Describe("VADER"))
	fmt.Println("predicted:", strings.Join(e.Predicted, ", "))
	fmt.Printf("accuracy %.3f, macro F1 %.3f\n", e.Report.Accuracy, e.Report.Macro.F1)
	for i, row := range e.Confusion {
		fmt.Println(e.Classes[i], row)
	}
	// Output:
	// VADER compound ≥ 0.05, neutral band
	// predicted: pos, neg, pos, neg, neutral
	// accuracy 0.800, macro F1 0.600
	// neg [2 0 1]
	// pos [0 2 0]
	// neutral [0 0 0]
}

// Gold labels that are numbers are ordered by value in the report and the
// confusion matrix (as the Data page lists them), not as strings.
func TestEvaluateNumericClassOrder(t *testing.T) {
	mood := mustParse(t, "mood.dic", "%\n1\tposemo\n2\tnegemo\n%\nhapp*\t1\nsad\t2\n")
	sc, err := ScoreTexts(context.Background(), mood, []string{"happy", "sad", "a table", "happy days"}, nil)
	if err != nil {
		t.Fatal(err)
	}
	s := RuleSettings{Kind: Majority, Mapping: map[string]string{"posemo": "10", "negemo": "2", NoMatch: "1"}}
	ev, err := Evaluate(sc, []string{"10", "2", "1", "100"}, s)
	if err != nil {
		t.Fatal(err)
	}
	if want := []string{"1", "2", "10", "100"}; !reflect.DeepEqual(ev.Classes, want) {
		t.Errorf("classes %q, want %q", ev.Classes, want)
	}
	if ev.Report.Accuracy != 0.75 {
		t.Errorf("accuracy %v, want 0.75", ev.Report.Accuracy)
	}
}
