package methods

import (
	"context"
	"errors"
	"fmt"
	"math"
	"regexp"
	"strconv"
	"strings"
	"sync"

	"textlab/core/agreement"
	"textlab/core/dataset"
	"textlab/wasm/protocol"
	"textlab/web/ui"
)

// The agreement page's methods (all on the primary worker, which keeps the
// loaded coder file between calls):
//
//	agreement.load     {name, guess, settings} + file bytes → agreementResult
//	agreement.example  {settings}                           → agreementResult
//	agreement.compute  {settings, bootstrap?}               → agreementResult
//	agreement.clear    {}                                   → {}
//
// load parses the file, guesses the format and columns when guess is true,
// computes every statistic and only then replaces the loaded file, so a
// file that cannot be used leaves the previous one in place. compute runs
// on the loaded file with new settings; with bootstrap it reports progress
// and can be cancelled.

// agreementSettings are the page's choices.
type agreementSettings struct {
	Format  string   `json:"format"`  // "wide" or "long"
	Unit    string   `json:"unit"`    // unit column; "" numbers the rows (wide only)
	Coders  []string `json:"coders"`  // coder columns (wide)
	Coder   string   `json:"coder"`   // coder column (long)
	Code    string   `json:"code"`    // code column (long)
	Level   string   `json:"level"`   // nominal, ordinal, interval or ratio
	Weights string   `json:"weights"` // unweighted, linear or quadratic
	Missing string   `json:"missing"` // extra missing markers, space separated
}

// agreementBootstrap asks for a bootstrap interval for alpha.
type agreementBootstrap struct {
	Resamples int    `json:"resamples"`
	Seed      uint64 `json:"seed"`
}

// agreementRequest is the payload of every agreement method.
type agreementRequest struct {
	Name      string              `json:"name"`
	Guess     bool                `json:"guess"`
	Settings  agreementSettings   `json:"settings"`
	Bootstrap *agreementBootstrap `json:"bootstrap"`
}

// agreementResult is what the page gets back: the rendered results, the
// file's columns and the settings actually used (guessed or given).
type agreementResult struct {
	HTML     string            `json:"html"`
	Name     string            `json:"name"`
	Rows     int               `json:"rows"`
	Columns  []string          `json:"columns"`
	Settings agreementSettings `json:"settings"`
	// Alpha is Krippendorff's alpha, null when undefined.
	Alpha *float64 `json:"alpha"`
	// Notes are warnings about the file (a guessed encoding, units left
	// out), one sentence each.
	Notes []string `json:"notes"`
}

// agreementState is the loaded coder file of the primary worker.
var agreementState struct {
	mu    sync.Mutex
	table *dataset.Table
	name  string
}

// agreementExampleName names the worked example in the page.
const agreementExampleName = "Krippendorff (2011) worked example"

// agreementExample is the reliability data of Krippendorff (2011),
// "Computing Krippendorff's Alpha-Reliability": four observers, twelve
// units, empty cells for missing values. The paper reports alpha = 0.743
// (nominal), 0.815 (ordinal), 0.849 (interval) and 0.797 (ratio).
const agreementExample = `unit,A,B,C,D
1,1,1,,1
2,2,2,3,2
3,3,3,3,3
4,3,3,3,3
5,2,2,2,2
6,1,2,3,4
7,4,4,4,4
8,1,1,2,1
9,2,2,2,2
10,,5,5,5
11,,,1,1
12,,3,,
`

func registerAgreement(e *protocol.Engine) {
	e.Register("agreement.load", func(ctx context.Context, req protocol.Request, progress protocol.Progress) (any, error) {
		var in agreementRequest
		if err := protocol.Decode(req, &in); err != nil {
			return nil, err
		}
		t, err := agreementParse(ctx, in.Name, req.Data)
		if err != nil {
			return nil, err
		}
		return agreementLoad(ctx, t, in, progress)
	})

	e.Register("agreement.example", func(ctx context.Context, req protocol.Request, progress protocol.Progress) (any, error) {
		var in agreementRequest
		if err := protocol.Decode(req, &in); err != nil {
			return nil, err
		}
		t, err := agreementParse(ctx, "example.csv", []byte(agreementExample))
		if err != nil {
			return nil, err
		}
		in.Name, in.Guess = agreementExampleName, true
		return agreementLoad(ctx, t, in, progress)
	})

	e.Register("agreement.compute", func(ctx context.Context, req protocol.Request, progress protocol.Progress) (any, error) {
		var in agreementRequest
		if err := protocol.Decode(req, &in); err != nil {
			return nil, err
		}
		agreementState.mu.Lock()
		t, name := agreementState.table, agreementState.name
		agreementState.mu.Unlock()
		if t == nil {
			return nil, errors.New("no coder file is loaded: choose a file or load the worked example first")
		}
		return agreementRun(ctx, t, name, in.Settings, in.Bootstrap, progress)
	})

	e.Register("agreement.clear", func(ctx context.Context, req protocol.Request, _ protocol.Progress) (any, error) {
		agreementState.mu.Lock()
		agreementState.table, agreementState.name = nil, ""
		agreementState.mu.Unlock()
		return struct{}{}, nil
	})
}

// agreementLoad computes the statistics of a freshly parsed file and, when
// that works, makes it the loaded file.
func agreementLoad(ctx context.Context, t *dataset.Table, in agreementRequest, progress protocol.Progress) (*agreementResult, error) {
	s := in.Settings
	if in.Guess {
		s = agreementGuess(t, s)
	}
	r, err := agreementRun(ctx, t, in.Name, s, in.Bootstrap, progress)
	if err != nil {
		return nil, err
	}
	agreementState.mu.Lock()
	agreementState.table, agreementState.name = t, in.Name
	agreementState.mu.Unlock()
	return r, nil
}

// agreementParse reads a coder file with the data set reader (encodings,
// delimiters) and rejects files that cannot hold coder data.
func agreementParse(ctx context.Context, name string, data []byte) (*dataset.Table, error) {
	t, err := dataset.Parse(ctx, data, dataset.Options{Name: name})
	switch {
	case errors.Is(err, dataset.ErrEmpty):
		return nil, errors.New("the file is empty: pick a CSV with a header line (the unit column and one column per coder) and one row per unit")
	case errors.Is(err, dataset.ErrHeaderOnly):
		return nil, fmt.Errorf("line 1: %v: add one row per unit", err)
	case err != nil:
		return nil, err
	}
	if len(t.Problems) > 0 {
		p := t.Problems[0]
		more := ""
		if len(t.Problems) > 1 {
			more = fmt.Sprintf(" (and %d more rows like it)", len(t.Problems)-1)
		}
		msg := p.String()
		if p.Detail != "" && !strings.Contains(msg, p.Detail) {
			msg += ": " + p.Detail
		}
		return nil, fmt.Errorf("%s%s; fix the row so it has one field per column", msg, more)
	}
	if len(t.Columns) < 2 {
		return nil, fmt.Errorf("line 1: the file has only one column (%s): a wide file needs one column per coder (at least two), a long file a unit, a coder and a code column", strings.Join(t.Columns, ", "))
	}
	return t, nil
}

var (
	agreementIDName    = regexp.MustCompile(`(?i)^(id|unit|units|item|items|doc|docs|document|case|segment|row|no|nr|#|index|idx|text_?id|doc_?id|unit_?id|item_?id|case_?id)$|(?i)[_ -]id$`)
	agreementCoderName = regexp.MustCompile(`(?i)^(coder|coders|rater|raters|annotator|annotators|observer|observers|judge|judges|reader|readers)([_ -]?(id|name))?$`)
	agreementCodeName  = regexp.MustCompile(`(?i)^(code|codes|label|labels|value|values|rating|ratings|category|categories|score|scores|annotation|answer)$`)
)

// agreementGuess proposes the format and the columns of t, keeping the
// level, weights and missing markers of s.
func agreementGuess(t *dataset.Table, s agreementSettings) agreementSettings {
	out := agreementSettings{Level: s.Level, Weights: s.Weights, Missing: s.Missing, Format: "wide"}
	find := func(re *regexp.Regexp, skip ...string) string {
		for _, c := range t.Columns {
			if re.MatchString(strings.TrimSpace(c)) && !agreementContains(skip, c) {
				return c
			}
		}
		return ""
	}
	coder := find(agreementCoderName)
	code := find(agreementCodeName, coder)
	if coder != "" && code != "" && len(t.Columns) >= 3 {
		out.Format, out.Coder, out.Code = "long", coder, code
		out.Unit = find(agreementIDName, coder, code)
		if out.Unit == "" {
			for _, c := range t.Columns {
				if c != coder && c != code {
					out.Unit = c
					break
				}
			}
		}
		return out
	}
	out.Unit = find(agreementIDName)
	for _, c := range t.Columns {
		if c != out.Unit {
			out.Coders = append(out.Coders, c)
		}
	}
	return out
}

func agreementContains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// agreementRun builds the reliability data of t with settings s and
// renders every statistic.
func agreementRun(ctx context.Context, t *dataset.Table, name string, s agreementSettings, boot *agreementBootstrap, progress protocol.Progress) (*agreementResult, error) {
	if s.Level == "" {
		s.Level = "nominal"
	}
	if s.Weights == "" {
		s.Weights = "unweighted"
	}
	level, err := agreement.ParseLevel(s.Level)
	if err != nil {
		return nil, protocol.BadRequest("%v", err)
	}
	weights, err := agreement.ParseWeights(s.Weights)
	if err != nil {
		return nil, protocol.BadRequest("%v", err)
	}
	d, err := agreementData(t, s)
	if err != nil {
		return nil, err
	}
	cfg := agreement.SummaryConfig{Alpha: agreement.AlphaConfig{Level: level}, Weights: weights}
	var report func(float64, string)
	if boot != nil {
		if boot.Resamples < 1 || boot.Resamples > agreement.MaxResamples {
			return nil, fmt.Errorf("the number of resamples must be between 1 and %d, not %d", agreement.MaxResamples, boot.Resamples)
		}
		cfg.Bootstrap = &agreement.BootstrapConfig{Resamples: boot.Resamples, Seed: boot.Seed}
		n := boot.Resamples
		report = func(f float64, _ string) {
			progress(f, fmt.Sprintf("resample %d of %d", int(f*float64(n)), n))
		}
	}
	sum, err := agreement.Summarize(ctx, d, cfg, report)
	if err != nil {
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		msg := err.Error()
		if level != agreement.Nominal && strings.Contains(msg, "is not a number") {
			msg += "; pick the nominal level for codes that are categories"
		}
		return nil, errors.New(msg)
	}
	frag, err := render(ctx, ui.AgreementResults(ui.AgreementView{Summary: sum, Level: s.Level, Weights: weights.String(), Bootstrap: boot != nil}))
	if err != nil {
		return nil, err
	}
	r := &agreementResult{HTML: frag.HTML, Name: name, Rows: len(t.Rows), Columns: t.Columns, Settings: s, Notes: append([]string{}, t.Warnings...)}
	if sum.Alpha != nil {
		a := sum.Alpha.Alpha
		r.Alpha = &a
	}
	if name == agreementExampleName {
		r.Notes = append(r.Notes, "The paper reports alpha = 0.743 (nominal), 0.815 (ordinal), 0.849 (interval) and 0.797 (ratio): switch the level to compare.")
	}
	if n := len(sum.Unpairable); n > 0 {
		u := sum.Unpairable[0]
		note := fmt.Sprintf("line %d: unit %q has %s, so it is left out as unpairable", u.Line, u.ID, agreementCodes(u.NumCodes()))
		if n > 1 {
			note += fmt.Sprintf(" (and %d more units; see the list below)", n-1)
		}
		r.Notes = append(r.Notes, note+".")
	}
	return r, nil
}

// agreementData turns the table's rows into a reliability data matrix with
// the chosen columns. Units and messages carry the file's physical lines
// (the header is line 1; dataset.Parse gives each row's first line).
func agreementData(t *dataset.Table, s agreementSettings) (*agreement.Data, error) {
	records := make([][]string, 0, len(t.Rows)+1)
	records = append(records, t.Columns)
	lines := make([]int, 0, len(t.Rows)+1)
	lines = append(lines, 1)
	for _, r := range t.Rows {
		records = append(records, r.Fields)
		lines = append(lines, r.Line)
	}
	missing := strings.Fields(s.Missing)
	var (
		d   *agreement.Data
		err error
	)
	switch s.Format {
	case "wide", "":
		if len(s.Coders) < 2 {
			return nil, fmt.Errorf("line 1: pick at least two coder columns (picked: %s)", agreementList(s.Coders))
		}
		d, err = agreement.FromWide(records, agreement.WideOptions{Unit: s.Unit, Coders: s.Coders, Missing: missing, Lines: lines})
	case "long":
		if s.Unit == "" || s.Coder == "" || s.Code == "" {
			return nil, errors.New("line 1: a long file needs a unit, a coder and a code column: pick all three")
		}
		if s.Unit == s.Coder || s.Unit == s.Code || s.Coder == s.Code {
			return nil, errors.New("line 1: the unit, coder and code columns must be three different columns")
		}
		d, err = agreement.FromLong(records, agreement.LongOptions{Unit: s.Unit, Coder: s.Coder, Code: s.Code, Missing: missing, Lines: lines})
		if err == nil && len(d.Units) == 0 {
			err = errors.New("the file has no units")
		}
	default:
		return nil, protocol.BadRequest("format must be \"wide\" or \"long\", not %q", s.Format)
	}
	if err != nil {
		if s.Format == "long" && strings.HasPrefix(err.Error(), "need at least two coders") {
			return nil, fmt.Errorf("column %q: %v", s.Coder, err)
		}
		return nil, err
	}
	return d, nil
}

// agreementList joins names, or says "none".
func agreementList(names []string) string {
	if len(names) == 0 {
		return "none"
	}
	return strings.Join(names, ", ")
}

// agreementCodes writes "no code", "only 1 code" or "3 codes".
func agreementCodes(n int) string {
	switch n {
	case 0:
		return "no code"
	case 1:
		return "only 1 code"
	}
	return strconv.Itoa(n) + " codes"
}

// agreementUndefinedKey marks, in a run's metrics, that κ and α were
// computed but are not defined for its labels (JSON has no NaN).
const agreementUndefinedKey = "agreement_undefined"

// agreementUndefinedNote is the board's reason for a run whose κ and α are
// not defined.
const agreementUndefinedNote = "not defined for this run: the predicted and the human labels are all one and the same label, so chance alone explains the agreement"

// agreementNotComputedNote is the board's reason for a run without κ and α.
const agreementNotComputedNote = "not computed for this run (it was added to the board before κ and α were)"

// labelAgreement compares a run's predicted labels with the gold labels
// (agreement.CompareLabels). It adds "kappa" and "alpha" to m when they are
// defined, or agreementUndefinedKey when they are not, and returns what the
// page's summary shows; class is the class of the page's headline list.
func labelAgreement(predicted, gold []string, m map[string]float64, class string) (ui.GoldAgreementView, error) {
	v := ui.GoldAgreementView{Kappa: math.NaN(), Alpha: math.NaN(), Class: class}
	la, err := agreement.CompareLabels(predicted, gold)
	switch {
	case errors.Is(err, agreement.ErrUndefined):
		m[agreementUndefinedKey] = 1
		v.Note = "not defined: " + strings.TrimPrefix(strings.ReplaceAll(err.Error(), "both coders", "the predictions and the human labels"), agreement.ErrUndefined.Error()+": ")
		return v, nil
	case err != nil:
		return v, err
	}
	v.Kappa, v.Alpha, v.Units = la.Kappa, la.Alpha, la.Units
	m["kappa"], m["alpha"] = la.Kappa, la.Alpha
	return v, nil
}
