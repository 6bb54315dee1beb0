package main

import (
	"bytes"
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
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
		{name: "unit with one code", data: "a,b\n1,1\n2,\n", code: 1, wantErr: `line 3: unit "2" has only one code ("2" from coder "a")`},
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
