package main

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"textlab/core/vader"
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
