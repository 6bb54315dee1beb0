package classic

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"textlab/core/pipeline"
	"textlab/internal/enginetest"
	"textlab/wasm/board"
	"textlab/wasm/data"
	"textlab/web/ui"
)

// groupedCSV is a two-class corpus by authors, the group column: each
// author writes 10 reviews of one class, with words of their own.
func groupedCSV(authors int) string {
	var b strings.Builder
	b.WriteString("id,text,label,author\n")
	pos := []string{"good", "great", "fine", "lovely", "nice"}
	neg := []string{"bad", "awful", "poor", "dull", "worse"}
	for a := range authors {
		words, label := pos, "pos"
		if a%2 == 1 {
			words, label = neg, "neg"
		}
		for i := range 10 {
			fmt.Fprintf(&b, "a%d-%d,%s and %s film by quirk%d,%s,author %d\n", a, i, words[(i+a)%5], words[(i+1)%5], a, label, a)
		}
	}
	return b.String()
}

// loadGrouped loads groupedCSV(authors) as the Data page does; the page
// guesses "author" as the group column.
func loadGrouped(t *testing.T, authors int) (*data.Loaded, func(method, payload string, d []byte) (trainResult, error)) {
	t.Helper()
	store, call := newEngine(t)
	if m := call("data.load", `{"name":"reviews.csv"}`, []byte(groupedCSV(authors))); m.Type != "result" {
		t.Fatalf("data.load: %+v", m.Error)
	}
	loaded, _ := data.Current(store)
	if loaded.Columns.Group != "author" {
		t.Fatalf("group column %q, want author", loaded.Columns.Group)
	}
	return loaded, func(method, payload string, d []byte) (trainResult, error) {
		m := call(method, payload, d)
		if m.Type != "result" {
			return trainResult{}, fmt.Errorf("%s", m.Error.Message)
		}
		r, _ := m.Result.(trainResult)
		return r, nil
	}
}

// With a group column, the page keeps each group together unless the
// form says not to, says so in one sentence, and gives pipeline.Run's
// numbers for the same groups.
func TestClassicGrouped(t *testing.T) {
	loaded, train := loadGrouped(t, 12)
	tests := []struct {
		name    string
		payload string
		grouped bool
		split   string
	}{
		{"default: grouped", `{"eval":{"kind":"holdout","test_size":20},"features":{"kind":"tfidf"},"seed":42}`, true, "hold-out 80:20, stratified, grouped by author"},
		{"asked for", `{"eval":{"kind":"holdout","test_size":20,"group":true},"features":{"kind":"tfidf"},"seed":42}`, true, "hold-out 80:20, stratified, grouped by author"},
		{"switched off", `{"eval":{"kind":"holdout","test_size":20,"group":false},"features":{"kind":"tfidf"},"seed":42}`, false, "hold-out 80:20, stratified"},
		{"k-fold, default", `{"eval":{"kind":"kfold","folds":3},"seed":1}`, true, "3-fold cross-validation, stratified, grouped by author"},
		{"k-fold, not stratified, off", `{"eval":{"kind":"kfold","folds":3,"stratify":false,"group":false},"seed":1}`, false, "3-fold cross-validation, not stratified"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r, err := train("classic.train", tc.payload, nil)
			if err != nil {
				t.Fatal(err)
			}
			if r.Split != tc.split || r.Board.Run.Split != tc.split {
				t.Errorf("split %q (board %q), want %q", r.Split, r.Board.Run.Split, tc.split)
			}
			sentence := ui.ClassicGroupSentence("author", tc.grouped)
			if !strings.Contains(r.HTML, strings.ReplaceAll(sentence, "'", "&#39;")) {
				t.Errorf("the results do not say %q", sentence)
			}
			if tc.grouped && !strings.Contains(r.HTML, "(12 groups)") {
				t.Errorf("the results do not count the groups")
			}
			cfg := cfgOf(t, tc.payload)
			d := pipeline.Data{Texts: loaded.Texts, Labels: loaded.Labels, LabelNames: loaded.LabelNames, Groups: loaded.Groups}
			if tc.grouped {
				cfg.Eval.Group = "author"
			}
			res, err := pipeline.Run(context.Background(), d, cfg, nil)
			if err != nil {
				t.Fatal(err)
			}
			if want := res.Headline(); r.Metrics["accuracy"] != want["accuracy"] || r.Metrics["macro_f1"] != want["macro_f1"] || r.NTest != len(res.Test) {
				t.Errorf("metrics %v on %d documents, pipeline.Run says %v on %d", r.Metrics, r.NTest, want, len(res.Test))
			}
		})
	}
	// A separate test file ignores the group column.
	r, err := train("classic.train", `{"eval":{"kind":"testset"},"test_name":"t.csv"}`, []byte("text,label\ngood film,pos\nbad film,neg\n"))
	if err != nil || r.Split != "separate test file t.csv" || strings.Contains(r.HTML, "classic-group-result") {
		t.Errorf("test file: split %q, error %v", r.Split, err)
	}
}

func TestClassicGroupErrors(t *testing.T) {
	_, train := loadGrouped(t, 3)
	tests := []struct{ name, payload, want string }{
		{"5 folds of 3 authors", `{"eval":{"kind":"kfold","folds":5}}`, "The texts of each author cannot be kept together here: "},
	}
	for _, tc := range tests {
		_, err := train("classic.train", tc.payload, nil)
		if err == nil || !strings.HasPrefix(err.Error(), tc.want) || !strings.Contains(err.Error(), "Choose fewer folds") {
			t.Errorf("%s: error %v, want one starting %q", tc.name, err, tc.want)
		}
	}
	// Switched off, the same folds work.
	if _, err := train("classic.train", `{"eval":{"kind":"kfold","folds":5,"group":false}}`, nil); err != nil {
		t.Errorf("ungrouped: %v", err)
	}
}

// classic.describe tells the form the group column, the note under its
// box, and the question to ask before an unusual test share.
func TestClassicDescribeGroupAndConfirm(t *testing.T) {
	_, empty := newEngine(t)
	_, loaded := newEngine(t)
	if m := loaded("data.load", `{"name":"reviews.csv"}`, []byte(groupedCSV(12))); m.Type != "result" {
		t.Fatal(m.Error)
	}
	tests := []struct {
		name    string
		call    enginetest.Call
		payload string
		group   string
		grouped string // data-grouped of the note, "" for none
		confirm string // start of the question, "" for none
	}{
		{"default", loaded, `{"eval":{"kind":"holdout","test_size":20}}`, "author", "true", ""},
		{"off", loaded, `{"eval":{"kind":"holdout","test_size":20,"group":false}}`, "author", "false", ""},
		{"10% asks nothing", loaded, `{"eval":{"kind":"holdout","test_size":10}}`, "author", "true", ""},
		{"50% asks nothing", loaded, `{"eval":{"kind":"holdout","test_size":50}}`, "author", "true", ""},
		{"5% asks", loaded, `{"eval":{"kind":"holdout","test_size":5}}`, "author", "true", "A test share of 5% is outside the usual 10% to 50%: only about 6 of the 120 texts are left to test on"},
		{"60% asks", loaded, `{"eval":{"kind":"holdout","test_size":60}}`, "author", "true", "A test share of 60% is outside the usual 10% to 50%: only about 48 of the 120 texts are left to train on"},
		{"k-fold ignores the test share", loaded, `{"eval":{"kind":"kfold","test_size":60}}`, "author", "true", ""},
		{"no data", empty, `{"eval":{"kind":"holdout","test_size":5}}`, "", "", "A test share of 5% is outside the usual 10% to 50%: few texts are left to test on"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			m := tc.call("classic.describe", tc.payload, nil)
			if m.Type != "result" {
				t.Fatal(m.Error)
			}
			r := m.Result.(describeResult)
			if r.Group != tc.group {
				t.Errorf("group %q, want %q", r.Group, tc.group)
			}
			if tc.grouped == "" && r.GroupHTML != "" || tc.grouped != "" && !strings.Contains(r.GroupHTML, `data-grouped="`+tc.grouped+`"`) {
				t.Errorf("group note %q, want data-grouped %q", r.GroupHTML, tc.grouped)
			}
			if tc.confirm == "" && r.Confirm != "" || !strings.HasPrefix(r.Confirm, tc.confirm) || tc.confirm != "" && !strings.HasSuffix(r.Confirm, "Train anyway?") {
				t.Errorf("confirm %q, want %q…", r.Confirm, tc.confirm)
			}
		})
	}
}

// Training twice with identical settings on identical data updates the
// run on the board instead of adding a copy; another seed is another run.
func TestClassicBoardDedupe(t *testing.T) {
	store, call := loadClassic(t)
	steps := []struct {
		payload  string
		runs     int
		replaced bool
	}{
		{classicTFIDF, 1, false},
		{classicTFIDF, 1, true},
		{strings.Replace(classicTFIDF, `"seed":42`, `"seed":7`, 1), 2, false},
		{classicTFIDF, 2, true},
	}
	var first string
	for i, s := range steps {
		m := call("classic.train", s.payload, nil)
		if m.Type != "result" {
			t.Fatalf("step %d: %+v", i, m.Error)
		}
		r := m.Result.(trainResult)
		if i == 0 {
			first = r.Board.Run.ID
		}
		if len(board.Runs(store)) != s.runs || r.Board.Replaced != s.replaced || s.replaced && r.Board.Run.ID != first {
			t.Errorf("step %d: %d runs (want %d), replaced %v (want %v), id %s (first %s)", i, len(board.Runs(store)), s.runs, r.Board.Replaced, s.replaced, r.Board.Run.ID, first)
		}
		if len(r.Board.Run.DataSum) != 64 {
			t.Errorf("step %d: data checksum %q", i, r.Board.Run.DataSum)
		}
	}
	// The same file under another name is another data set; the same name
	// with other rows is other data.
	for _, tc := range []struct{ name, file string }{{"films2.csv", classicCSV()}, {"films.csv", classicCSV() + "x2,lovely lovely,pos\n"}} {
		if m := call("data.load", `{"name":"`+tc.name+`"}`, []byte(tc.file)); m.Type != "result" {
			t.Fatal(m.Error)
		}
		n := len(board.Runs(store))
		if m := call("classic.train", classicTFIDF, nil); m.Type != "result" || m.Result.(trainResult).Board.Replaced || len(board.Runs(store)) != n+1 {
			t.Errorf("%s: replaced a run of other data", tc.name)
		}
	}
}

// A run whose test file has labels the training data lacks is saved and
// restored with them: its misclassified documents name them.
func TestClassicRestoreUnseen(t *testing.T) {
	_, call := loadClassic(t)
	m := call("classic.train", `{"eval":{"kind":"testset"},"test_name":"t.csv"}`, []byte("text,label\ngood nice,pos\nbad awful,meh\n"))
	if m.Type != "result" {
		t.Fatal(m.Error)
	}
	saved := m.Result.(trainResult).Saved.Run
	_, fresh := newEngine(t)
	if m := fresh("classic.restore", `{}`, []byte(saved)); m.Type != "result" {
		t.Fatalf("restore: %+v", m.Error)
	}
	mis := fresh("classic.misclassified", `{"offset":0,"limit":5}`, nil)
	if html := jsonOf(mis.Result); !strings.Contains(html, "line 3: true <strong>meh</strong>") {
		t.Errorf("misclassified after restore: %s", html)
	}
}
