package dictionary

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"testing"

	"textlab/core/agreement"
	"textlab/core/dataset"
	"textlab/core/lexicon"
	"textlab/core/vader"
	"textlab/internal/enginetest"
	"textlab/wasm/board"
	"textlab/wasm/data"
	"textlab/wasm/protocol"
)

// serve runs one dictionary method with bulk data and returns its
// result (as JSON) or its error.
func serve(t *testing.T, method, payload string, data []byte) (map[string]any, *protocol.Error) {
	t.Helper()
	setUp(t)
	last := testCall(method, payload, data)
	if last.Error != nil {
		return nil, last.Error
	}
	b, err := json.Marshal(last.Result)
	if err != nil {
		t.Fatal(err)
	}
	var out map[string]any
	if err := json.Unmarshal(b, &out); err != nil {
		t.Fatal(err)
	}
	return out, nil
}

// The engine the tests share (so a dictionary loaded by one call is there
// for the next, as in a worker), its store and the page.
var (
	testCall  enginetest.Call
	testStore *protocol.Store
	testPage  *page
)

// setUp makes the shared engine on first use.
func setUp(t *testing.T) {
	if testCall == nil {
		var e *protocol.Engine
		e, testCall = enginetest.New(t, Register)
		testStore = e.Store()
		testPage = &page{store: testStore}
	}
}

// setData loads examples as the data set, as the Data page would.
func setData(t *testing.T, name string, examples []dataset.Example) {
	t.Helper()
	setUp(t)
	if _, err := data.Put(testStore, name, nil, nil, dataset.Columns{}, examples, 0); err != nil {
		t.Fatal(err)
	}
}

const testDic = "%\n1\tposemo\n2\tnegemo\n%\nhapp*\t1\nthank you\t1\nsad\t2\nnot good\t2\n"

func TestDictionaryLoad(t *testing.T) {
	tests := []struct {
		name, payload string
		data          []byte
		wantCode      string // "" for success
		wantIn        string // in the HTML or the error message
		wantActive    string // the active dictionary afterwards
	}{
		{"vader", `{"source":"vader"}`, nil, "", "Apache-2.0", "VADER"},
		{"afinn", `{"source":"afinn"}`, nil, "", "2477", "AFINN-111"},
		{"bing", `{"source":"bing"}`, nil, "", "6780", "Bing opinion lexicon"},
		{"dic", `{"source":"upload","name":"mine.dic"}`, []byte(testDic), "", "1 with a wildcard, 2 phrases", "mine.dic"},
		{"malformed dic keeps the previous one", `{"source":"upload","name":"bad.dic"}`, []byte("%\n1\tposemo\n%\nhappy\t7\n"), protocol.CodeFailed, "bad.dic: line 4: term \"happy\" has category 7, which the header does not define", "mine.dic"},
		{"empty upload", `{"source":"upload","name":"e.csv"}`, nil, protocol.CodeFailed, "the file is empty", "mine.dic"},
		{"csv", `{"source":"upload","name":"w.csv"}`, []byte("term,category,weight\ngood,pos,2\nbad*,neg,-1\n"), "", "weighted", "w.csv"},
		{"unknown source", `{"source":"liwc"}`, nil, protocol.CodeBadRequest, "source must be", "w.csv"},
		{"bad payload", `{"source":3}`, nil, protocol.CodeBadRequest, "not valid", "w.csv"},
	}
	for _, tc := range tests {
		out, perr := serve(t, "dictionary.load", tc.payload, tc.data)
		switch {
		case tc.wantCode != "":
			if perr == nil || perr.Code != tc.wantCode || !strings.Contains(perr.Message, tc.wantIn) {
				t.Errorf("%s: got %+v, want %s error containing %q", tc.name, perr, tc.wantCode, tc.wantIn)
			}
		case perr != nil:
			t.Errorf("%s: error %v", tc.name, perr)
		default:
			if html, _ := out["html"].(string); !strings.Contains(strings.ReplaceAll(html, ",", ""), strings.ReplaceAll(tc.wantIn, ",", "")) {
				t.Errorf("%s: HTML lacks %q:\n%s", tc.name, tc.wantIn, html)
			}
		}
		if a, _ := testPage.get(); a == nil || a.name != tc.wantActive {
			t.Errorf("%s: active dictionary %v, want %s", tc.name, a, tc.wantActive)
		}
	}
}

func TestDictionaryTry(t *testing.T) {
	sentence := "The food was not good, but the service was GREAT!!!"
	want := vader.Score(sentence)
	tests := []struct {
		name, source string
		data         []byte
		text         string
		wantIn       []string // in the HTML
		check        func(t *testing.T, scores map[string]any)
	}{
		{"vader sentence", "vader", nil, sentence,
			[]string{`data-score="compound">` + fmt.Sprintf("%.4f", want.Compound), `<mark class="pos"`, `GREAT<span class="dict-contrib">`, `data-score="neu">` + fmt.Sprintf("%.3f", want.Neu)},
			func(t *testing.T, s map[string]any) {
				if s["compound"] != want.Compound || s["pos"] != want.Pos || s["neu"] != want.Neu || s["neg"] != want.Neg {
					t.Errorf("scores %v, want %+v", s, want)
				}
			}},
		{"vader escapes", "vader", nil, `good <img src=x onerror=alert(1)>`,
			[]string{`&lt;img src=x onerror=alert(1)&gt;`}, nil},
		{"dic wildcard and phrase", "upload", []byte(testDic), "Happiness! Thank  you, I was so happy but not good and sad.",
			[]string{`<tr data-category="posemo"><th scope="row">posemo</th><td class="num" data-count>3</td>`, `<mark class="neg" title="&#34;not good&#34; matches &#34;not good&#34; (negemo)">not good`, `Thank  you`},
			func(t *testing.T, s map[string]any) {
				counts := s["counts"].(map[string]any)
				if counts["posemo"] != 3.0 || counts["negemo"] != 2.0 {
					t.Errorf("counts %v, want posemo 3, negemo 2", counts)
				}
			}},
		{"afinn multibyte", "afinn", nil, "Café is good, ünïcode bad",
			[]string{`Café is <mark class="pos"`, `>good<span class="dict-contrib">+3</span></mark>, ünïcode <mark class="neg"`}, nil},
	}
	for _, tc := range tests {
		if _, perr := serve(t, "dictionary.load", `{"source":"`+tc.source+`","name":"t.dic"}`, tc.data); perr != nil {
			t.Fatalf("%s: load: %v", tc.name, perr)
		}
		payload, _ := json.Marshal(map[string]string{"text": tc.text})
		out, perr := serve(t, "dictionary.try", string(payload), nil)
		if perr != nil {
			t.Errorf("%s: %v", tc.name, perr)
			continue
		}
		html := out["html"].(string)
		for _, w := range tc.wantIn {
			if !strings.Contains(html, w) {
				t.Errorf("%s: HTML lacks %q:\n%s", tc.name, w, html)
			}
		}
		if strings.Contains(html, "<img") {
			t.Errorf("%s: unescaped user text in %s", tc.name, html)
		}
		if tc.check != nil {
			tc.check(t, out["scores"].(map[string]any))
		}
	}
}

func TestDictSegments(t *testing.T) {
	text := "añb cd" // ñ is two bytes: a=0, ñ=1..3, b=3
	span := func(start, end int) lexicon.Mark { return lexicon.Mark{Start: start, End: end} }
	tests := []struct {
		name  string
		marks []lexicon.Mark
		want  string // segments, marks in [brackets]
		n     int
	}{
		{"none", nil, "añb cd", 0},
		{"one", []lexicon.Mark{span(5, 7)}, "añb [cd]", 1},
		{"unsorted", []lexicon.Mark{span(5, 7), span(0, 4)}, "[añb] [cd]", 2},
		{"overlap skipped", []lexicon.Mark{span(0, 4), span(3, 6)}, "[añb] cd", 1},
		{"inside a character skipped", []lexicon.Mark{span(2, 4)}, "añb cd", 0},
		{"out of range skipped", []lexicon.Mark{span(5, 9), span(-1, 2)}, "añb cd", 0},
		{"empty skipped", []lexicon.Mark{span(3, 3)}, "añb cd", 0},
	}
	for _, tc := range tests {
		segs, n := highlight(text, tc.marks, func(lexicon.Mark) (string, string) { return "", "" })
		var b strings.Builder
		for _, s := range segs {
			if s.Match {
				b.WriteString("[" + s.Text + "]")
			} else {
				b.WriteString(s.Text)
			}
		}
		if b.String() != tc.want || n != tc.n {
			t.Errorf("%s: got %q (%d marks), want %q (%d)", tc.name, b.String(), n, tc.want, tc.n)
		}
	}
}

func TestDictionaryScoreAndEvaluate(t *testing.T) {
	examples := []dataset.Example{
		{Line: 2, Text: "I love this, it is great", Label: "pos"},
		{Line: 3, Text: "Terrible and awful", Label: "neg"},
		{Line: 4, Text: "What a wonderful day", Label: "pos"},
		{Line: 5, Text: "The table is brown", Label: "neg"},
		{Line: 7, Text: "bad <b>bold</b>", Label: "neg"},
	}
	setData(t, "tiny.csv", examples)
	defer data.Clear(testStore)

	if _, perr := serve(t, "dictionary.load", `{"source":"vader"}`, nil); perr != nil {
		t.Fatal(perr)
	}
	if _, perr := serve(t, "dictionary.evaluate", `{"kind":"compound","threshold":0.05}`, nil); perr == nil || !strings.Contains(perr.Message, "score the data set") {
		t.Errorf("evaluate before scoring: %v", perr)
	}
	out, perr := serve(t, "dictionary.score", `{}`, nil)
	if perr != nil {
		t.Fatal(perr)
	}
	html := out["html"].(string)
	for _, w := range []string{"tiny.csv, 5 texts scored with VADER", "&lt;b&gt;bold&lt;/b&gt;", `<td class="num">7</td>`, "mean compound"} {
		if !strings.Contains(html, w) {
			t.Errorf("score HTML lacks %q:\n%s", w, html)
		}
	}
	if out["n"] != 5.0 || fmt.Sprint(out["labels"]) != "[neg pos]" {
		t.Errorf("score result %v", out)
	}

	tests := []struct {
		name, payload string
		wantErr       string
		wantAcc       float64
		wantMethod    string
		wantIn        string
	}{
		// Texts 1 and 3 are positive (compound ≥ 0.05), 2 and 5 negative,
		// 4 neutral: with neutral → neg all five are right.
		{"compound three-way", `{"kind":"compound","threshold":0.05,"neutral":true,"mapping":{"above":"pos","below":"neg","neutral":"neg"}}`, "", 1, "VADER compound ≥ 0.05, neutral band", "Confusion matrix"},
		// Without a label for neutral, "neutral" is a predicted-only class.
		{"unmapped neutral", `{"kind":"compound","threshold":0.05,"neutral":true,"mapping":{"above":"pos","below":"neg"}}`, "", 0.8, "VADER compound ≥ 0.05, neutral band", "(predicted only)"},
		{"two-way", `{"kind":"compound","threshold":0.05,"mapping":{"above":"pos","below":"neg"}}`, "", 1, "VADER compound ≥ 0.05", "macro avg"},
		{"share needs a list", `{"kind":"share","category":"positive","threshold":0.1}`, "choose the compound rule", 0, "", ""},
		{"negative band", `{"kind":"compound","threshold":-0.1,"neutral":true}`, "must be 0 or more", 0, "", ""},
		{"unknown kind", `{"kind":"mean"}`, "rule kind must be", 0, "", ""},
	}
	for _, tc := range tests {
		out, perr := serve(t, "dictionary.evaluate", tc.payload, nil)
		if tc.wantErr != "" {
			if perr == nil || !strings.Contains(perr.Message, tc.wantErr) {
				t.Errorf("%s: got %v, want error with %q", tc.name, perr, tc.wantErr)
			}
			continue
		}
		if perr != nil {
			t.Errorf("%s: %v", tc.name, perr)
			continue
		}
		m := out["metrics"].(map[string]any)
		if m["accuracy"] != tc.wantAcc || out["method"] != tc.wantMethod || !strings.Contains(out["html"].(string), tc.wantIn) {
			t.Errorf("%s: accuracy %v method %q (want %v, %q); HTML has %q: %v", tc.name, m["accuracy"], out["method"], tc.wantAcc, tc.wantMethod, tc.wantIn, strings.Contains(out["html"].(string), tc.wantIn))
		}
	}

	// The result carries the confusion matrix and the run for board.add.
	out, perr = serve(t, "dictionary.evaluate", `{"kind":"compound","threshold":0.05,"neutral":true,"mapping":{"above":"pos","below":"neg"}}`, nil)
	if perr != nil {
		t.Fatal(perr)
	}
	if got := enginetest.JSONOf(out["confusion"]); got != `{"labels":["neg","pos","neutral"],"matrix":[[2,0,1],[0,2,0],[0,0,0]]}` {
		t.Errorf("confusion %s", got)
	}
	var run board.Run
	if b, _ := json.Marshal(out["run"]); json.Unmarshal(b, &run) != nil || run.Page != "dictionary" || run.Dataset != "tiny.csv" ||
		run.Method != "VADER compound ≥ 0.05, neutral band" || run.Split != "all 5 texts (a dictionary is not trained)" ||
		string(run.Seed) != "null" || run.Metrics["accuracy"] != 0.8 || run.Metrics["kappa"] == 0 || run.ID != "" ||
		string(run.Settings) != `{"dictionary":"VADER","mapping":{"above":"pos","below":"neg"},"neutral_band":true,"rule":"compound","threshold":0.05}` {
		t.Errorf("run %+v (settings %s)", run, run.Settings)
	}

	// A word list: Bing, majority category mapped to the labels.
	if _, perr := serve(t, "dictionary.load", `{"source":"bing"}`, nil); perr != nil {
		t.Fatal(perr)
	}
	if _, perr := serve(t, "dictionary.evaluate", `{"kind":"majority"}`, nil); perr == nil || !strings.Contains(perr.Message, "score the data set with Bing") {
		t.Errorf("a new dictionary must be scored again: %v", perr)
	}
	if _, perr := serve(t, "dictionary.score", `{}`, nil); perr != nil {
		t.Fatal(perr)
	}
	listTests := []struct {
		payload, wantErr string
		wantAcc          float64
		wantMethod       string
	}{
		// love, great, wonderful → positive; terrible, awful, bad → negative;
		// "The table is brown" has no match → neg.
		{`{"kind":"majority","mapping":{"positive":"pos","negative":"neg","no match":"neg"}}`, "", 1, "Bing opinion lexicon majority category"},
		{`{"kind":"share","category":"positive","threshold":0.2,"mapping":{"above":"pos","below":"neg"}}`, "", 1, "Bing opinion lexicon positive share ≥ 20%"},
		{`{"kind":"share","category":"joy","threshold":0.2}`, "choose one of the dictionary's categories", 0, ""},
		{`{"kind":"compound","threshold":0.05}`, "needs VADER", 0, ""},
		{`{"kind":"share","category":"positive","threshold":0.2,"neutral":true}`, "no neutral band: untick it", 0, ""},
		{`{"kind":"score","threshold":0}`, "Bing opinion lexicon has no weights", 0, ""},
	}
	for _, tc := range listTests {
		out, perr := serve(t, "dictionary.evaluate", tc.payload, nil)
		if tc.wantErr != "" {
			if perr == nil || !strings.Contains(perr.Message, tc.wantErr) {
				t.Errorf("%s: got %v, want error with %q", tc.payload, perr, tc.wantErr)
			}
			continue
		}
		if perr != nil {
			t.Errorf("%s: %v", tc.payload, perr)
			continue
		}
		if acc := out["metrics"].(map[string]any)["accuracy"]; acc != tc.wantAcc || out["method"] != tc.wantMethod {
			t.Errorf("%s: accuracy %v, method %q", tc.payload, acc, out["method"])
		}
	}

	// A new data set makes the scoring stale.
	setData(t, "other.csv", examples[:2])
	if _, perr := serve(t, "dictionary.evaluate", `{"kind":"majority"}`, nil); perr == nil || !strings.Contains(perr.Message, "changed") {
		t.Errorf("stale scoring: %v", perr)
	}
	data.Clear(testStore)
	if _, perr := serve(t, "dictionary.score", `{}`, nil); perr == nil || !strings.Contains(perr.Message, "Data page") {
		t.Errorf("score without data: %v", perr)
	}
}

func TestDictionaryScoreCancelled(t *testing.T) {
	examples := []dataset.Example{{Line: 2, Text: "good", Label: "a"}, {Line: 3, Text: "bad", Label: "b"}}
	setData(t, "c.csv", examples)
	defer data.Clear(testStore)
	if _, perr := serve(t, "dictionary.load", `{"source":"afinn"}`, nil); perr != nil {
		t.Fatal(perr)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err := testPage.scoreData(ctx, protocol.Request{Method: "dictionary.score"}, func(float64, string) {})
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("cancelled scoring: %v, want context.Canceled", err)
	}
	if _, sc := testPage.get(); sc != nil {
		t.Errorf("a cancelled scoring was kept")
	}
}

// κ and α of a rule's labels are agreement.CompareLabels on the same
// predicted and gold labels, in the metrics and in the summary.
func TestDictionaryAgreement(t *testing.T) {
	examples := []dataset.Example{
		{Line: 2, Text: "I love this, it is great", Label: "pos"},
		{Line: 3, Text: "Terrible and awful", Label: "neg"},
		{Line: 4, Text: "What a wonderful day", Label: "pos"},
		{Line: 5, Text: "The table is brown", Label: "neg"},
		{Line: 7, Text: "bad <b>bold</b>", Label: "pos"},
	}
	gold := []string{"pos", "neg", "pos", "neg", "pos"}
	allPos := make([]dataset.Example, len(examples))
	for i, ex := range examples {
		ex.Label = "pos"
		allPos[i] = ex
	}
	defer data.Clear(testStore)

	tests := []struct {
		name     string
		examples []dataset.Example
		payload  string
		// predicted are the rule's labels: VADER rates texts 1 and 3
		// positive (compound ≥ 0.05), 2 and 5 negative, 4 neutral.
		predicted, gold []string
		undefined       bool
	}{
		{"two-way", examples, `{"kind":"compound","threshold":0.05,"mapping":{"above":"pos","below":"neg"}}`,
			[]string{"pos", "neg", "pos", "neg", "neg"}, gold, false},
		{"unmapped neutral", examples, `{"kind":"compound","threshold":0.05,"neutral":true,"mapping":{"above":"pos","below":"neg"}}`,
			[]string{"pos", "neg", "pos", "neutral", "neg"}, gold, false},
		{"everything one label", allPos, `{"kind":"compound","threshold":0.05,"neutral":true,"mapping":{"above":"pos","below":"pos","neutral":"pos"}}`,
			[]string{"pos", "pos", "pos", "pos", "pos"}, []string{"pos", "pos", "pos", "pos", "pos"}, true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			setData(t, "tiny.csv", tc.examples)
			for _, step := range []string{"dictionary.load", "dictionary.score"} {
				if _, perr := serve(t, step, `{"source":"vader"}`, nil); perr != nil {
					t.Fatalf("%s: %v", step, perr)
				}
			}
			out, perr := serve(t, "dictionary.evaluate", tc.payload, nil)
			if perr != nil {
				t.Fatal(perr)
			}
			m := out["metrics"].(map[string]any)
			html := out["html"].(string)
			if strings.Contains(html, "NaN") {
				t.Errorf("NaN in the summary:\n%s", html)
			}
			want, err := agreement.CompareLabels(tc.predicted, tc.gold)
			if tc.undefined {
				if !errors.Is(err, agreement.ErrUndefined) {
					t.Fatalf("CompareLabels: %v, want undefined", err)
				}
				if _, ok := m["kappa"]; ok || m[board.UndefinedKey] != 1.0 {
					t.Errorf("metrics %v, want no kappa and %s = 1", m, board.UndefinedKey)
				}
				if !strings.Contains(html, `data-agreement="kappa" data-value="">–</dd>`) || !strings.Contains(html, "not defined: ") { // the reason's wording is board.GoldAgreement's
					t.Errorf("summary does not say why kappa is missing:\n%s", html)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if m["kappa"] != want.Kappa || m["alpha"] != want.Alpha {
				t.Errorf("kappa %v alpha %v, CompareLabels says %v %v", m["kappa"], m["alpha"], want.Kappa, want.Alpha)
			}
			for _, w := range []string{
				fmt.Sprintf(`data-agreement="kappa" data-value="%s">%.3f<`, strconv.FormatFloat(want.Kappa, 'g', -1, 64), want.Kappa),
				fmt.Sprintf(`data-agreement="alpha" data-value="%s">%.3f<`, strconv.FormatFloat(want.Alpha, 'g', -1, 64), want.Alpha),
			} {
				if !strings.Contains(html, w) {
					t.Errorf("summary lacks %q:\n%s", w, html)
				}
			}
			// Right after the headline metrics, before the per-class table.
			if i, j := strings.Index(html, "gold-agreement"), strings.Index(html, "dict-report"); i < 0 || i > j {
				t.Errorf("κ and α are not beside the headline metrics:\n%s", html)
			}
		})
	}
}

// dictionary.rule fits the form to the dictionary and the loaded data
// set's labels, scored or not: the rules that apply, the category, the
// outcomes and their guessed labels.
func TestDictionaryRule(t *testing.T) {
	examples := []dataset.Example{
		{Line: 2, Text: "I love this", Label: "Positive"},
		{Line: 3, Text: "awful", Label: "negative"},
		{Line: 4, Text: "a table", Label: "<b>other</b>"},
	}
	setUp(t)
	defer data.Clear(testStore)
	type step struct {
		name, source, payload string
		score                 bool // score the data set first
		wantSettings          string
		wantFields            string
		wantIn                []string // in kinds + categories + mapping
		wantOut               []string
	}
	steps := []step{
		// No neutral label: the defaults split at 0 without a band, and the
		// mapping shows before scoring.
		{"vader before scoring", "vader", `{}`, false,
			`{"kind":"compound","threshold":0,"neutral":false,"mapping":{"above":"Positive","below":"negative"}}`, `{"category":false,"neutral":true,"threshold":true}`,
			[]string{`<option value="compound" selected>`, `<option value="share" disabled>`, `compound ≥ 0 →`, `compound &lt; 0 →`}, []string{"dict-unmapped"}},
		{"vader scored", "vader", `{"kind":"compound","threshold":0.1,"neutral":true,"mapping":{"above":"negative"}}`, true,
			`{"kind":"compound","threshold":0.1,"neutral":true,"mapping":{"above":"negative","below":"negative","neutral":""}}`, "",
			[]string{`<label for="dict-map-0">compound ≥ 0.1 →</label>`, `compound ≤ −0.1 →`, `data-outcome="neutral"><option value="" selected>no label (predict “neutral”, always wrong)`,
				`<option value="&lt;b&gt;other&lt;/b&gt;">&lt;b&gt;other&lt;/b&gt;</option>`, `data-outcome="above"><option value="">no label (predict “above”, always wrong)</option> <option value="&lt;b&gt;other&lt;/b&gt;">&lt;b&gt;other&lt;/b&gt;</option><option value="negative" selected>negative</option><option value="Positive">Positive</option>`,
				`<strong>No label for “in between”:</strong> texts with that outcome count as wrong.`},
			[]string{"<b>"}},
		{"a new kind starts afresh", "vader", `{"kind":"compound","threshold":0.3,"neutral":true,"reset":true}`, true,
			`{"kind":"compound","threshold":0,"neutral":false,"mapping":{"above":"Positive","below":"negative"}}`, "", nil, nil},
		{"bing: the VADER rule gives way to majority", "bing", `{"kind":"compound","threshold":0.05,"neutral":true}`, true,
			`{"kind":"majority","category":"positive","threshold":0,"neutral":false,"mapping":{"negative":"negative","no match":"Positive","positive":"Positive"}}`,
			`{"category":false,"neutral":false,"threshold":false}`,
			[]string{`<option value="compound" disabled>`, `<option value="score" disabled>`, `<option value="majority" selected>`, `<option value="positive" selected>positive</option>`,
				`most matches in “positive” →`, `no word matched →`}, nil},
		{"bing share", "bing", `{"kind":"share","category":"negative","threshold":0.3,"reset":true}`, true,
			`{"kind":"share","category":"negative","threshold":0.05,"neutral":false,"mapping":{"above":"Positive","below":"negative"}}`,
			`{"category":true,"neutral":false,"threshold":true}`, []string{`negative share ≥ 0.05 →`, `negative share &lt; 0.05 →`}, nil},
		{"afinn allows the score rule", "afinn", `{"kind":"score","threshold":-1,"neutral":false}`, false,
			`{"kind":"score","category":"positive","threshold":-1,"neutral":false,"mapping":{"above":"Positive","below":"negative"}}`, `{"category":false,"neutral":true,"threshold":true}`,
			[]string{`<option value="score" selected>`, `<option value="neutral">neutral</option>`}, nil},
	}
	for _, st := range steps {
		setData(t, "labels.csv", examples)
		if _, perr := serve(t, "dictionary.load", `{"source":"`+st.source+`"}`, nil); perr != nil {
			t.Fatal(perr)
		}
		if st.score {
			if _, perr := serve(t, "dictionary.score", `{}`, nil); perr != nil {
				t.Fatal(perr)
			}
		}
		out, perr := serve(t, "dictionary.rule", st.payload, nil)
		if perr != nil {
			t.Errorf("%s: %v", st.name, perr)
			continue
		}
		if got, want := canonSettings(t, out["settings"]), canonSettings(t, json.RawMessage(st.wantSettings)); got != want {
			t.Errorf("%s: settings\n%s, want\n%s", st.name, got, want)
		}
		if got := enginetest.JSONOf(out["fields"]); st.wantFields != "" && got != st.wantFields {
			t.Errorf("%s: fields %s, want %s", st.name, got, st.wantFields)
		}
		html := fmt.Sprint(out["kinds"], out["categories"], out["mapping"])
		for _, w := range st.wantIn {
			if !strings.Contains(html, w) {
				t.Errorf("%s: HTML lacks %q:\n%s", st.name, w, html)
			}
		}
		for _, w := range st.wantOut {
			if strings.Contains(html, w) {
				t.Errorf("%s: HTML has %q:\n%s", st.name, w, html)
			}
		}
	}
	// Without a data set: VADER's authors' rule, and the mapping asks for
	// one.
	data.Clear(testStore)
	if _, perr := serve(t, "dictionary.load", `{"source":"vader"}`, nil); perr != nil {
		t.Fatal(perr)
	}
	out, perr := serve(t, "dictionary.rule", `{}`, nil)
	if perr != nil {
		t.Fatal(perr)
	}
	if got, want := canonSettings(t, out["settings"]), canonSettings(t, json.RawMessage(`{"kind":"compound","threshold":0.05,"neutral":true}`)); got != want {
		t.Errorf("no data set: settings\n%s, want\n%s", got, want)
	}
	if html := fmt.Sprint(out["mapping"]); !strings.Contains(html, "Load a labeled data set") || strings.Contains(html, "<select") {
		t.Errorf("no data set: mapping %s", html)
	}
	if _, perr := serve(t, "dictionary.rule", `{"kind":7}`, nil); perr == nil || perr.Code != protocol.CodeBadRequest {
		t.Errorf("bad payload: %v", perr)
	}
}

// canonSettings writes v, JSON for lexicon.RuleSettings, as that type
// writes it (fields in order).
func canonSettings(t *testing.T, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	var s lexicon.RuleSettings
	if err := json.Unmarshal(b, &s); err != nil {
		t.Fatal(err)
	}
	return enginetest.JSONOf(s)
}
