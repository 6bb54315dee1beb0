package main

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"textlab/core/lexicon"
	"textlab/core/vader"
	"textlab/internal/enginetest"
	"textlab/wasm/data"
	"textlab/wasm/dictionary"
	"textlab/wasm/protocol"
)

func runScoreCLI(stdin string, args ...string) (code int, stdout, stderr string) {
	var out, errb bytes.Buffer
	code = run(append([]string{"score"}, args...), strings.NewReader(stdin), &out, &errb)
	return code, out.String(), errb.String()
}

func TestScoreVADERJSON(t *testing.T) {
	lines := []string{"VADER is smart, handsome, and funny!", "", "not good at all\r"}
	code, out, errOut := runScoreCLI(strings.Join(lines, "\n")+"\n", "--json")
	if code != 0 {
		t.Fatalf("code %d, stderr %q", code, errOut)
	}
	rows := strings.Split(strings.TrimSpace(out), "\n")
	if len(rows) != len(lines) {
		t.Fatalf("%d output lines for %d input lines: %q", len(rows), len(lines), out)
	}
	for i, row := range rows {
		var got vader.Scores
		if err := json.Unmarshal([]byte(row), &got); err != nil {
			t.Fatalf("line %d: %v", i+1, err)
		}
		if want := vader.Score(strings.TrimSuffix(lines[i], "\r")); got != want {
			t.Errorf("line %d: %+v, want %+v", i+1, got, want)
		}
	}
	if !strings.Contains(rows[0], `"compound":0.8439`) { // vader-sentiment 1.1.3's demo output
		t.Errorf("first row %s", rows[0])
	}
}

func TestScoreDictionaries(t *testing.T) {
	dir := t.TempDir()
	dic := filepath.Join(dir, "mood.dic")
	os.WriteFile(dic, []byte("%\n1\tposemo\n2\tnegemo\n%\nhapp*\t1\nsad\t2\n"), 0o644)
	weighted := filepath.Join(dir, "w.csv")
	os.WriteFile(weighted, []byte("term,category,weight\ngood,pos,2\nbad,neg,-1\n"), 0o644)
	bad := filepath.Join(dir, "bad.dic")
	os.WriteFile(bad, []byte("%\n1\tposemo\n%\nhappy\t9\n"), 0o644)
	data := filepath.Join(dir, "data.csv")
	os.WriteFile(data, []byte("id,text\n1,\"Happy, happy, sad\"\n2,good and bad\n"), 0o644)

	tests := []struct {
		stdin    string
		args     []string
		wantCode int
		wantOut  []string // substrings of stdout
		wantErr  string
	}{
		{"so happy\nsad\n", []string{"--dict", dic, "--json"}, 0,
			[]string{`{"words":2,"counts":{"negemo":0,"posemo":1}}`, `{"words":1,"counts":{"negemo":1,"posemo":0}}`}, ""},
		{"", []string{"--dict", dic, "--data", data, "--json"}, 0, []string{`{"words":3,"counts":{"negemo":1,"posemo":2}}`, `{"words":3,"counts":{"negemo":0,"posemo":0}}`}, ""},
		{"", []string{"--dict", weighted, "--data", data, "--text", "2", "--json"}, 0, []string{`"score":1}`}, ""},
		{"good good\n", []string{"--dict", weighted}, 0, []string{"words", "pos", "neg", "score", "good good"}, ""},
		{"I love it\n", []string{"--dict", "bing"}, 0, []string{"negative", "positive", "I love it"}, ""},
		{"good\n", []string{"--dict", "afinn", "--json"}, 0, []string{`"score":3`}, ""}, // AFINN-111: good 3
		{"good\n", nil, 0, []string{"compound", "0.4404"}, ""},                          // vader-sentiment: "good" alone
		{"", []string{"--dict", bad}, 1, nil, "line 4: term \"happy\" has category 9"},
		{"", []string{"--dict", filepath.Join(dir, "missing.dic")}, 1, nil, "missing.dic"},
		{"", []string{"--data", data, "--text", "body"}, 2, nil, `no column "body"`},
		{"", []string{"--dict", ""}, 2, nil, "--dict is empty"},
		{"", []string{"extra"}, 2, nil, "unexpected argument"},
	}
	for _, tt := range tests {
		code, out, errOut := runScoreCLI(tt.stdin, tt.args...)
		if code != tt.wantCode || !strings.Contains(errOut, tt.wantErr) {
			t.Errorf("score %q: code %d, stderr %q; want %d, %q", tt.args, code, errOut, tt.wantCode, tt.wantErr)
		}
		for _, w := range tt.wantOut {
			if !strings.Contains(out, w) {
				t.Errorf("score %q: stdout %q lacks %q", tt.args, out, w)
			}
		}
	}
}

// moodCSV and moodDic are the small data set and dictionary of the
// command-line/page agreement test.
const (
	moodCSV = `id,text,label
1,"I love this, it is great",positive
2,Terrible and awful,negative
3,What a wonderful day,positive
4,The table is brown,neutral
5,"bad, so sad",negative
6,happy but sad,positive
7,so happy happy,positive
8,not good at all,negative
9,a plain sentence,neutral
10,"good grief, how sad",neutral
`
	moodDic = "%\n1\tposemo\n2\tnegemo\n%\nhapp*\t1\nlove\t1\ngreat\t1\nwonderful\t1\nsad\t2\nbad\t2\nawful\t2\nterrible\t2\n"
)

// The command line (textlab score --rule ... --json) and the Dictionary
// page (data.load, dictionary.load, dictionary.score, dictionary.rule,
// dictionary.evaluate on one engine) give the same rule, method, metrics,
// κ, α and confusion matrix for the same file, dictionary and choices.
func TestScoreEvalMatchesPage(t *testing.T) {
	dir := t.TempDir()
	csvPath, dicPath := filepath.Join(dir, "mood.csv"), filepath.Join(dir, "mood.dic")
	os.WriteFile(csvPath, []byte(moodCSV), 0o644)
	os.WriteFile(dicPath, []byte(moodDic), 0o644)

	tests := []struct {
		name string
		args []string // after --data and --json
		// The page: the dictionary, then what the rule form sends to
		// dictionary.rule (the user's choices; reset when they chose a kind).
		source, rule string
	}{
		{"VADER, the page's starting rule", []string{"--label", "label"}, "vader", `{}`},
		{"VADER two-way", []string{"--rule", "compound", "--neutral=false", "--map", "above=positive,below=negative"},
			"vader", `{"kind":"compound","threshold":0.05,"neutral":false,"mapping":{"above":"positive","below":"negative"}}`},
		{"VADER band unlabelled", []string{"--rule", "compound", "--threshold", "0.3", "--map", "neutral="},
			"vader", `{"kind":"compound","threshold":0.3,"neutral":true,"mapping":{"neutral":""}}`},
		{"AFINN score with a band", []string{"--dict", "afinn", "--rule", "score", "--threshold", "1", "--neutral"},
			"afinn", `{"kind":"score","threshold":1,"neutral":true}`},
		{"AFINN positive share", []string{"--dict", "afinn", "--rule", "share", "--category", "positive", "--threshold", "0.1"},
			"afinn", `{"kind":"share","category":"positive","threshold":0.1}`},
		{".dic majority, no match unlabelled", []string{"--dict", dicPath, "--label", "label"}, "upload", `{}`},
		{".dic majority, no match neutral", []string{"--dict", dicPath, "--rule", "majority", "--map", "no match=neutral"},
			"upload", `{"kind":"majority","mapping":{"no match":"neutral"},"reset":true}`},
		{".dic negemo share", []string{"--dict", dicPath, "--rule", "share", "--category", "negemo", "--threshold", "0.25", "--map", "above=negative,below=positive"},
			"upload", `{"kind":"share","category":"negemo","threshold":0.25,"mapping":{"above":"negative","below":"positive"}}`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			code, stdout, stderr := runScoreCLI("", append([]string{"--data", csvPath, "--json"}, tc.args...)...)
			if code != 0 {
				t.Fatalf("textlab score: code %d, %s", code, stderr)
			}
			var cli scoreEvalJSON
			if err := json.Unmarshal([]byte(stdout), &cli); err != nil {
				t.Fatal(err)
			}

			_, call := enginetest.New(t, data.Register, dictionary.Register)
			var dic []byte
			if tc.source == "upload" {
				dic = []byte(moodDic)
			}
			steps := []struct {
				method, payload string
				data            []byte
			}{
				{"data.load", `{"name":"mood.csv","columns":{"text":"text","label":"label"}}`, []byte(moodCSV)},
				{"dictionary.load", `{"source":"` + tc.source + `","name":"mood.dic"}`, dic},
				{"dictionary.score", `{}`, nil},
				{"dictionary.rule", tc.rule, nil},
			}
			var last protocol.Message
			for _, s := range steps {
				if last = call(s.method, s.payload, s.data); last.Error != nil {
					t.Fatalf("%s: %v", s.method, last.Error)
				}
			}
			var form struct {
				Settings lexicon.RuleSettings `json:"settings"`
			}
			decodeResult(t, last.Result, &form)
			last = call.JSON(t, "dictionary.evaluate", form.Settings, nil)
			if last.Error != nil {
				t.Fatalf("dictionary.evaluate: %v", last.Error)
			}
			var page struct {
				Method    string             `json:"method"`
				Metrics   map[string]float64 `json:"metrics"`
				Confusion trainConfusion     `json:"confusion"`
			}
			decodeResult(t, last.Result, &page)

			if !reflect.DeepEqual(cli.Rule, form.Settings) || cli.Settings != page.Method {
				t.Errorf("rule: command line %+v %q, page %+v %q", cli.Rule, cli.Settings, form.Settings, page.Method)
			}
			if cli.Accuracy != page.Metrics["accuracy"] || cli.MacroF1 != page.Metrics["macro_f1"] || cli.WeightedF1 != page.Metrics["weighted_f1"] {
				t.Errorf("metrics: command line %v %v %v, page %v", cli.Accuracy, cli.MacroF1, cli.WeightedF1, page.Metrics)
			}
			if !reflect.DeepEqual(cli.Confusion, page.Confusion) {
				t.Errorf("confusion: command line %+v, page %+v", cli.Confusion, page.Confusion)
			}
			kappa, ok := page.Metrics["kappa"]
			if (cli.Kappa == nil) == ok || (ok && (*cli.Kappa != kappa || *cli.Alpha != page.Metrics["alpha"])) {
				t.Errorf("κ, α: command line %v %v, page %v", cli.Kappa, cli.Alpha, page.Metrics)
			}
			if cli.Documents != 10 || len(cli.PerClass) != len(cli.Confusion.Labels) {
				t.Errorf("documents %d, per class %v", cli.Documents, cli.PerClass)
			}
			t.Logf("%s: accuracy %.3f, macro F1 %.3f, classes %q", cli.Settings, cli.Accuracy, cli.MacroF1, cli.Confusion.Labels)
		})
	}
}

// decodeResult turns an engine result into v through JSON, as the page
// receives it.
func decodeResult(t *testing.T, result any, v any) {
	t.Helper()
	b, err := json.Marshal(result)
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(b, v); err != nil {
		t.Fatal(err)
	}
}

func TestScoreEvalErrors(t *testing.T) {
	dir := t.TempDir()
	csvPath := filepath.Join(dir, "mood.csv")
	os.WriteFile(csvPath, []byte(moodCSV), 0o644)
	tests := []struct {
		args     []string
		wantCode int
		wantErr  string
		wantOut  []string
	}{
		{[]string{"--rule", "compound"}, 2, "needs --data FILE with a label column", nil},
		{[]string{"--data", csvPath, "--rule", "mean"}, 2, `--rule must be compound, share, score or majority, not "mean"`, nil},
		{[]string{"--data", csvPath, "--dict", "bing", "--rule", "compound"}, 2, "needs VADER scores, not a word list's counts: use --dict vader", nil},
		{[]string{"--data", csvPath, "--rule", "majority"}, 2, "a majority rule needs a word list's counts, not VADER scores: use --rule compound", nil},
		{[]string{"--data", csvPath, "--dict", "bing", "--rule", "score"}, 2, "use --rule share or majority", nil},
		{[]string{"--data", csvPath, "--dict", "bing", "--rule", "share", "--category", "joy"}, 2, `no category "joy" (its categories: negative, positive): choose one with --category`, nil},
		{[]string{"--data", csvPath, "--dict", "bing", "--rule", "share", "--neutral"}, 2, "no neutral band: drop --neutral", nil},
		{[]string{"--data", csvPath, "--threshold", "-1", "--neutral"}, 2, "must be 0 or more", nil},
		{[]string{"--data", csvPath, "--map", "above=happy"}, 2, `--map above=happy: the data has no label "happy" (labels: negative, neutral, positive)`, nil},
		{[]string{"--data", csvPath, "--map", "above"}, 2, "outcome=label pairs", nil},
		{[]string{"--data", csvPath, "--label", "mood"}, 1, "mood", nil},
		// The report for people.
		{[]string{"--data", csvPath, "--dict", "bing", "--label", "label"}, 0, "", []string{
			"Bing opinion lexicon majority category on " + csvPath + " (10 texts, 2 without a match)",
			"most matches in “positive” → positive", "no word matched → neutral", // the data's neutral label, as the page pre-selects
			"accuracy 0.", "confusion matrix"}},
	}
	for _, tc := range tests {
		code, out, errOut := runScoreCLI("", tc.args...)
		if code != tc.wantCode || !strings.Contains(errOut, tc.wantErr) {
			t.Errorf("score %q: code %d, stderr %q; want %d, %q", tc.args, code, errOut, tc.wantCode, tc.wantErr)
		}
		for _, w := range tc.wantOut {
			if !strings.Contains(out, w) {
				t.Errorf("score %q: stdout lacks %q:\n%s", tc.args, w, out)
			}
		}
	}
}
