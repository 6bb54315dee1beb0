package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	wasmagreement "textlab/wasm/agreement"
	"textlab/wasm/protocol"
)

// agreeWorked is the worked example of Krippendorff (2011), "Computing
// Krippendorff's Alpha-Reliability": four coders, twelve units, "." missing.
const agreeWorked = `unit,A,B,C,D
1,1,1,.,1
2,2,2,3,2
3,3,3,3,3
4,3,3,3,3
5,2,2,2,2
6,1,2,3,4
7,4,4,4,4
8,1,1,2,1
9,2,2,2,2
10,.,5,5,5
11,.,.,1,1
12,.,3,.,.
`

func agreeFile(t *testing.T, content string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "codes.csv")
	if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

func agreeRun(args ...string) (int, string, string) {
	var out, errb bytes.Buffer
	code := run(append([]string{"agree"}, args...), strings.NewReader(""), &out, &errb)
	return code, out.String(), errb.String()
}

func TestAgreeJSON(t *testing.T) {
	f := agreeFile(t, agreeWorked)
	// Alphas published in Krippendorff (2011), to three digits.
	for _, tt := range []struct {
		level string
		alpha float64
	}{{"nominal", 0.743}, {"ordinal", 0.815}, {"interval", 0.849}, {"ratio", 0.797}} {
		code, stdout, stderr := agreeRun("--data", f, "--unit", "unit", "--missing", ".", "--skip-unpairable", "--level", tt.level, "--bootstrap", "200", "--seed", "5", "--json")
		if code != 0 {
			t.Fatalf("%s: exit %d: %s", tt.level, code, stderr)
		}
		var got map[string]any
		if err := json.Unmarshal([]byte(stdout), &got); err != nil {
			t.Fatalf("%s: %v\n%s", tt.level, err, stdout)
		}
		for _, key := range []string{"alpha", "percent_agreement", "fleiss_kappa", "alpha_ci", "n_units", "n_pairable", "disagreements"} {
			if _, ok := got[key]; !ok {
				t.Errorf("%s: key %q missing", tt.level, key)
			}
		}
		if _, ok := got["cohen_kappa"]; ok {
			t.Errorf("cohen_kappa with four coders")
		}
		if a, _ := got["alpha"].(float64); math.Abs(a-tt.alpha) > 0.0005 {
			t.Errorf("%s: alpha %v, paper %v", tt.level, got["alpha"], tt.alpha)
		}
		// Units 1-11 hold 55 pairs of codes, 43 of them equal.
		if p, _ := got["percent_agreement"].(float64); math.Abs(p-100*43.0/55) > 1e-9 {
			t.Errorf("percent_agreement %v", got["percent_agreement"])
		}
		// Units have 3 or 4 codes: Fleiss' kappa is not defined, with a reason.
		if got["fleiss_kappa"] != nil || !strings.Contains(got["fleiss_kappa_error"].(string), "same number of coders") {
			t.Errorf("fleiss_kappa %v, %v", got["fleiss_kappa"], got["fleiss_kappa_error"])
		}
		if got["n_units"] != 12.0 || got["n_pairable"] != 40.0 || len(got["disagreements"].([]any)) != 3 {
			t.Errorf("n_units %v n_pairable %v disagreements %v", got["n_units"], got["n_pairable"], got["disagreements"])
		}
		ci := got["alpha_ci"].(map[string]any)
		if !(ci["low"].(float64) <= got["alpha"].(float64) && got["alpha"].(float64) <= ci["high"].(float64)) {
			t.Errorf("%s: alpha %v outside its interval %v", tt.level, got["alpha"], ci)
		}
	}
}

func TestAgreeTwoCodersLong(t *testing.T) {
	// Two coders in long format, read from standard input: Cohen's kappa
	// appears. Hand computation: 4 units, A = 1,1,2,2 and B = 1,2,2,2;
	// p_o = 3/4, p_e = (2*1 + 2*3)/16 = 1/2, kappa = 0.5.
	long := "id,who,label\nu1,A,1\nu1,B,1\nu2,A,1\nu2,B,2\nu3,A,2\nu3,B,2\nu4,B,2\nu4,A,2\n"
	var out, errb bytes.Buffer
	code := run([]string{"agree", "--data", "-", "--long", "id,who,label", "--json"}, strings.NewReader(long), &out, &errb)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errb.String())
	}
	var got map[string]any
	if err := json.Unmarshal(out.Bytes(), &got); err != nil {
		t.Fatal(err)
	}
	if k, _ := got["cohen_kappa"].(float64); math.Abs(k-0.5) > 1e-12 {
		t.Errorf("cohen_kappa %v, want 0.5", got["cohen_kappa"])
	}
	if got["percent_agreement"] != 75.0 || got["fleiss_kappa"] == nil {
		t.Errorf("percent %v fleiss %v", got["percent_agreement"], got["fleiss_kappa"])
	}
}

func TestAgreeOrdinalOrder(t *testing.T) {
	// The worked example with words for 1..5 and --order gives the
	// paper's ordinal alpha, 0.815.
	words := strings.NewReplacer(",1", ",none", ",2", ",low", ",3", ",mid", ",4", ",high", ",5", ",top")
	var b strings.Builder
	for _, line := range strings.SplitAfter(agreeWorked, "\n") {
		if i := strings.IndexByte(line, ','); i >= 0 {
			line = line[:i] + words.Replace(line[i:])
		}
		b.WriteString(line)
	}
	f := agreeFile(t, b.String())
	code, stdout, stderr := agreeRun("--data", f, "--unit", "unit", "--missing", ".", "--skip-unpairable", "--level", "ordinal", "--order", "none,low,mid,high,top", "--json")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	var got map[string]any
	if err := json.Unmarshal([]byte(stdout), &got); err != nil {
		t.Fatal(err)
	}
	if a, _ := got["alpha"].(float64); math.Abs(a-0.815) > 0.0005 {
		t.Errorf("ordinal alpha %v, paper 0.815\n%s", got["alpha"], b.String())
	}
	code, _, stderr = agreeRun("--data", f, "--unit", "unit", "--missing", ".", "--skip-unpairable", "--level", "ordinal")
	if code != 1 || !strings.Contains(stderr, "is not a number") {
		t.Errorf("words without --order: exit %d, %s", code, stderr)
	}
}

func TestAgreeTable(t *testing.T) {
	f := agreeFile(t, agreeWorked)
	code, stdout, stderr := agreeRun("--data", f, "--unit", "unit", "--missing", ".", "--skip-unpairable", "--level", "interval")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	for _, want := range []string{"Krippendorff's alpha (interval)  0.849", "Percent agreement", "78.2%", "Fleiss' kappa", "undefined:", "excluded with fewer than two codes: 12", "Disagreements (3 units)", "7     6     1  2  3  4"} {
		if !strings.Contains(stdout, want) {
			t.Errorf("output lacks %q:\n%s", want, stdout)
		}
	}
	if strings.Contains(stdout, "NaN") {
		t.Errorf("NaN in output:\n%s", stdout)
	}
}

func TestAgreeUndefinedIsNotNaN(t *testing.T) {
	// Everyone codes "yes": alpha and kappas are undefined, printed with
	// the reason; the command still succeeds.
	f := agreeFile(t, "a,b\nyes,yes\nyes,yes\n")
	code, stdout, stderr := agreeRun("--data", f)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	if strings.Contains(stdout, "NaN") || !strings.Contains(stdout, "undefined: every pairable code has the same value") {
		t.Errorf("output:\n%s", stdout)
	}
	code, stdout, _ = agreeRun("--data", f, "--json")
	if code != 0 || strings.Contains(stdout, "NaN") || !strings.Contains(stdout, `"alpha": null`) || !strings.Contains(stdout, `"cohen_kappa": null`) {
		t.Errorf("exit %d, JSON:\n%s", code, stdout)
	}
}

func TestAgreeErrors(t *testing.T) {
	tests := []struct {
		name    string
		data    string
		args    []string
		code    int
		wantErr string
	}{
		{name: "one coder", data: "a\n1\n2\n", code: 1, wantErr: "line 1: need at least two coder columns, found 1 (a)"},
		{name: "unit with one code, strict", data: "a,b\n1,1\n2,\n", args: []string{"--strict"}, code: 1, wantErr: `line 3: unit "2" has only one code ("2" from coder "a"); agreement needs at least two codes per unit (--strict stops here; without it such units are excluded and listed)`},
		{name: "units with one code, strict", data: "id,a,b\nu1,1,1\nu2,2,\nu3,,\n", args: []string{"--strict", "--unit", "id"}, code: 1, wantErr: `line 3: unit "u2" has only one code ("2" from coder "a"); agreement needs at least two codes per unit (and 1 more unit like it)`},
		{name: "empty file", data: "\n", code: 1, wantErr: "empty input: no header row"},
		{name: "long with one coder", data: "unit,coder,code\n1,A,x\n2,A,y\n", code: 1, wantErr: `line 1: column "coder": need at least two coders, found 1 (A)`},
		{name: "not a number at interval", data: "a,b\n1,1\n2,two\n", args: []string{"--level", "interval"}, code: 1, wantErr: `line 3: unit "2", coder "b": code "two" is not a number`},
		{name: "missing column", data: "a,b\n1,1\n", args: []string{"--coders", "a,c"}, code: 1, wantErr: `line 1: no column "c" in the header`},
		{name: "short row", data: "a,b,c\n1,1,1\n1,1\n", code: 1, wantErr: `line 3: has 2 fields, coder column "c" is field 3`},
		{name: "no data flag", code: 2, wantErr: "--data is required"},
		{name: "bad level", data: "a,b\n1,1\n", args: []string{"--level", "cardinal"}, code: 2, wantErr: `unknown level of measurement "cardinal"`},
		{name: "bad long", data: "a,b\n1,1\n", args: []string{"--long", "unit,coder"}, code: 2, wantErr: "--long wants three column names"},
		{name: "negative bootstrap", data: "a,b\n1,1\n", args: []string{"--bootstrap", "-3"}, code: 2, wantErr: "--bootstrap -3 out of range"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			args := tt.args
			if tt.data != "" {
				args = append([]string{"--data", agreeFile(t, tt.data)}, args...)
			}
			code, stdout, stderr := agreeRun(args...)
			if code != tt.code || !strings.Contains(stderr, tt.wantErr) {
				t.Errorf("exit %d (want %d), stderr %q, want it to contain %q", code, tt.code, stderr, tt.wantErr)
			}
			if stdout != "" {
				t.Errorf("stdout on error: %q", stdout)
			}
		})
	}
}

// agreePageResult is what the Agreement page's engine method returns, as
// the page reads it (JSON).
type agreePageResult struct {
	Alpha    *float64 `json:"alpha"`
	Excluded []string `json:"excluded"`
	Settings struct {
		Format string   `json:"format"`
		Unit   string   `json:"unit"`
		Coders []string `json:"coders"`
	} `json:"settings"`
}

// agreePage loads a coder file into the Agreement page's engine (the code
// the browser runs in its worker), with the page's guess of the columns and
// no extra missing markers, and returns the page's result.
func agreePage(t *testing.T, name, content, level string) agreePageResult {
	t.Helper()
	var last protocol.Message
	e := protocol.New(func(m protocol.Message) { last = m })
	wasmagreement.Register(e)
	payload, _ := json.Marshal(map[string]any{"name": name, "guess": true, "settings": map[string]string{"level": level}})
	e.Serve(protocol.Request{ID: 1, Method: "agreement.load", Payload: payload, Data: []byte(content)})
	if last.Type != "result" {
		t.Fatalf("page: %+v", last)
	}
	b, err := json.Marshal(last.Result)
	if err != nil {
		t.Fatal(err)
	}
	var r agreePageResult
	if err := json.Unmarshal(b, &r); err != nil {
		t.Fatal(err)
	}
	return r
}

// The command line and the Agreement page give the same alpha and leave out
// the same units for the same file, with no columns named: both guess the
// layout with agreement.GuessLayout, and both compute alpha although a unit
// has a single code (Krippendorff's alpha defines it: such a unit is not
// pairable).
func TestAgreeMatchesPage(t *testing.T) {
	// The worked example of Krippendorff (2011) as the page ships it
	// (empty cells for missing codes): unit 12 has one code. The paper
	// gives nominal alpha 0.743 and interval 0.849; to six digits 0.743421
	// (113/152) and 0.849107, the values of core/agreement, whose ref
	// tests check it against an independent pairwise computation in numpy.
	worked := strings.ReplaceAll(agreeWorked, ".", "")
	tests := []struct {
		name, content, level string
		alpha                string // %.6f; "" to compare only
		excluded             []string
	}{
		{"worked example, nominal", worked, "nominal", "0.743421", []string{"12"}},
		{"worked example, interval", worked, "interval", "0.849107", []string{"12"}},
		{"a singly coded unit", "id,alice,bob\nu1,pos,pos\nu2,neg,\nu3,neg,neg\nu4,pos,neg\nu5,neu,neu\n", "nominal", "", []string{"u2"}},
		{"singly coded units, no unit column", "alice,bob\npos,pos\n,neg\nneg,neg\npos,\nneu,neu\npos,neg\n", "nominal", "", []string{"2", "4"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := agreeFile(t, tt.content)
			code, stdout, stderr := agreeRun("--data", f, "--level", tt.level, "--json")
			if code != 0 {
				t.Fatalf("exit %d: %s", code, stderr)
			}
			if !strings.Contains(stderr, "guessed the layout from the header: wide") {
				t.Errorf("the CLI does not say what it guessed: %q", stderr)
			}
			var cli struct {
				Alpha    *float64 `json:"alpha"`
				Excluded []string `json:"excluded"`
			}
			if err := json.Unmarshal([]byte(stdout), &cli); err != nil {
				t.Fatal(err)
			}
			page := agreePage(t, "codes.csv", tt.content, tt.level)
			if cli.Alpha == nil || page.Alpha == nil {
				t.Fatalf("alpha: CLI %v, page %v", cli.Alpha, page.Alpha)
			}
			if *cli.Alpha != *page.Alpha {
				t.Errorf("alpha: CLI %v, page %v", *cli.Alpha, *page.Alpha)
			}
			if tt.alpha != "" && fmt.Sprintf("%.6f", *cli.Alpha) != tt.alpha {
				t.Errorf("alpha %.6f, want %s", *cli.Alpha, tt.alpha)
			}
			if strings.Join(cli.Excluded, ",") != strings.Join(tt.excluded, ",") || strings.Join(page.Excluded, ",") != strings.Join(tt.excluded, ",") {
				t.Errorf("excluded: CLI %q, page %q, want %q", cli.Excluded, page.Excluded, tt.excluded)
			}
		})
	}
}

// A unit with a single code no longer stops the command: it is listed in
// the text and JSON output; --skip-unpairable is accepted and changes
// nothing; --strict restores the old error.
func TestAgreeSinglyCodedUnit(t *testing.T) {
	f := agreeFile(t, "id,a,b\nu1,x,x\nu2,y,\nu3,y,y\nu4,x,y\n")
	code, text, stderr := agreeRun("--data", f, "--unit", "id")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	for _, want := range []string{
		"Krippendorff's alpha (nominal)  0.444",
		"excluded with fewer than two codes: u2",
		"Units left out as unpairable (1):\n  line 3: unit u2 has 1 code\n",
	} {
		if !strings.Contains(text, want) {
			t.Errorf("text output lacks %q:\n%s", want, text)
		}
	}
	if stderr != "" {
		t.Errorf("stderr %q with --unit given", stderr)
	}
	_, skipped, _ := agreeRun("--data", f, "--unit", "id", "--skip-unpairable")
	if skipped != text {
		t.Errorf("--skip-unpairable changed the output:\n%s\nwant\n%s", skipped, text)
	}
	code, js, _ := agreeRun("--data", f, "--unit", "id", "--json")
	if code != 0 || !strings.Contains(js, "\"excluded\": [\n    \"u2\"\n  ]") {
		t.Errorf("exit %d, JSON:\n%s", code, js)
	}
	code, _, stderr = agreeRun("--data", f, "--unit", "id", "--strict")
	if code != 1 || !strings.Contains(stderr, `line 3: unit "u2" has only one code ("y" from coder "a")`) {
		t.Errorf("--strict: exit %d, %s", code, stderr)
	}
}

// Without column flags the CLI guesses the layout like the page and says
// what it guessed; a long file is recognised by its column names.
func TestAgreeGuessesLayout(t *testing.T) {
	long := "doc_id,rater,label\nd1,ann,spam\nd1,ben,spam\nd2,ann,ham\nd2,ben,spam\nd3,ann,ham\nd3,ben,ham\n"
	code, stdout, stderr := agreeRun("--data", agreeFile(t, long), "--json")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	if want := `textlab agree: guessed the layout from the header: long: unit column "doc_id", coder column "rater", code column "label" (choose with --unit and --coders, or --long)`; strings.TrimSpace(stderr) != want {
		t.Errorf("stderr %q, want %q", stderr, want)
	}
	var got map[string]any
	if err := json.Unmarshal([]byte(stdout), &got); err != nil {
		t.Fatal(err)
	}
	if fmt.Sprint(got["coders"]) != "[ann ben]" || got["n_units"] != 3.0 {
		t.Errorf("coders %v, units %v", got["coders"], got["n_units"])
	}
}
