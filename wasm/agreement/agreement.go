// Package agreement is the Agreement page's part of the engine: it reads a
// coder file, guesses its layout, computes the reliability statistics with
// core/agreement and renders them with web/ui. The loaded file is kept in
// the engine's store, so new settings recompute without a new upload.
package agreement

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"strconv"
	"strings"

	"textlab/core/agreement"
	"textlab/core/dataset"
	"textlab/wasm/protocol"
	"textlab/web/ui"
)

// The agreement page's methods (all on the primary worker, which keeps the
// loaded coder file between calls):
//
//	agreement.load     {name, guess, settings} + file bytes → result
//	agreement.example  {settings}                           → result
//	agreement.compute  {settings, bootstrap?}               → result
//	agreement.clear    {}                                   → {}
//
// load parses the file, guesses the format and columns when guess is true,
// computes every statistic and only then replaces the loaded file, so a
// file that cannot be used leaves the previous one in place. compute runs
// on the loaded file with new settings; with bootstrap it reports progress
// and can be cancelled.

// settings are the page's choices.
type settings struct {
	Format  string   `json:"format"`  // "wide" or "long"
	Unit    string   `json:"unit"`    // unit column; "" numbers the rows (wide only)
	Coders  []string `json:"coders"`  // coder columns (wide)
	Coder   string   `json:"coder"`   // coder column (long)
	Code    string   `json:"code"`    // code column (long)
	Level   string   `json:"level"`   // nominal, ordinal, interval or ratio
	Weights string   `json:"weights"` // unweighted, linear or quadratic
	Missing string   `json:"missing"` // extra missing markers, space separated
}

// bootstrap asks for a bootstrap interval for alpha.
type bootstrap struct {
	Resamples int    `json:"resamples"`
	Seed      uint64 `json:"seed"`
}

// request is the payload of every agreement method.
type request struct {
	Name      string     `json:"name"`
	Guess     bool       `json:"guess"`
	Settings  settings   `json:"settings"`
	Bootstrap *bootstrap `json:"bootstrap"`
}

// result is what the page gets back: the rendered results, the
// file's columns and the settings actually used (guessed or given).
type result struct {
	HTML     string   `json:"html"`
	Name     string   `json:"name"`
	Rows     int      `json:"rows"`
	Columns  []string `json:"columns"`
	Settings settings `json:"settings"`
	// Alpha is Krippendorff's alpha, null when undefined.
	Alpha *float64 `json:"alpha"`
	// Notes are warnings about the file (a guessed encoding, units left
	// out), one sentence each.
	Notes []string `json:"notes"`
}

// fileKey is where the loaded coder file lives in the engine's store.
const fileKey = "agreement.file"

// loadedFile is the loaded coder file.
type loadedFile struct {
	table *dataset.Table
	name  string
	size  int64
}

// exampleName names the worked example in the page.
const exampleName = "Krippendorff (2011) worked example"

// exampleCSV is the reliability data of Krippendorff (2011),
// "Computing Krippendorff's Alpha-Reliability": four observers, twelve
// units, empty cells for missing values. The paper reports alpha = 0.743
// (nominal), 0.815 (ordinal), 0.849 (interval) and 0.797 (ratio).
const exampleCSV = `unit,A,B,C,D
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

// Register adds the Agreement page's methods to e.
func Register(e *protocol.Engine) {
	store := e.Store()
	e.Register("agreement.load", func(ctx context.Context, req protocol.Request, progress protocol.Progress) (any, error) {
		var in request
		if err := protocol.Decode(req, &in); err != nil {
			return nil, err
		}
		t, err := parse(ctx, in.Name, req.Data)
		if err != nil {
			return nil, err
		}
		return load(ctx, store, t, int64(len(req.Data)), in, progress)
	})

	e.Register("agreement.example", func(ctx context.Context, req protocol.Request, progress protocol.Progress) (any, error) {
		var in request
		if err := protocol.Decode(req, &in); err != nil {
			return nil, err
		}
		t, err := parse(ctx, "example.csv", []byte(exampleCSV))
		if err != nil {
			return nil, err
		}
		in.Name, in.Guess = exampleName, true
		return load(ctx, store, t, int64(len(exampleCSV)), in, progress)
	})

	e.Register("agreement.compute", func(ctx context.Context, req protocol.Request, progress protocol.Progress) (any, error) {
		var in request
		if err := protocol.Decode(req, &in); err != nil {
			return nil, err
		}
		f, ok := protocol.Lookup[*loadedFile](store, fileKey)
		if !ok {
			return nil, errors.New("no coder file is loaded: choose a file or load the worked example first")
		}
		return compute(ctx, f.table, f.name, in.Settings, in.Bootstrap, progress)
	})

	e.Register("agreement.clear", func(ctx context.Context, req protocol.Request, _ protocol.Progress) (any, error) {
		store.Delete(fileKey)
		return struct{}{}, nil
	})
}

// load computes the statistics of a freshly parsed file and, when
// that works, makes it the loaded file.
func load(ctx context.Context, store *protocol.Store, t *dataset.Table, size int64, in request, progress protocol.Progress) (*result, error) {
	s := in.Settings
	if in.Guess {
		s = guess(t, s)
	}
	r, err := compute(ctx, t, in.Name, s, in.Bootstrap, progress)
	if err != nil {
		return nil, err
	}
	if err := store.Keep(fileKey, &loadedFile{table: t, name: in.Name, size: size}, size); err != nil {
		return nil, err
	}
	return r, nil
}

// parse reads a coder file with the data set reader (encodings,
// delimiters) and rejects files that cannot hold coder data.
func parse(ctx context.Context, name string, data []byte) (*dataset.Table, error) {
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
	idName    = regexp.MustCompile(`(?i)^(id|unit|units|item|items|doc|docs|document|case|segment|row|no|nr|#|index|idx|text_?id|doc_?id|unit_?id|item_?id|case_?id)$|(?i)[_ -]id$`)
	coderName = regexp.MustCompile(`(?i)^(coder|coders|rater|raters|annotator|annotators|observer|observers|judge|judges|reader|readers)([_ -]?(id|name))?$`)
	codeName  = regexp.MustCompile(`(?i)^(code|codes|label|labels|value|values|rating|ratings|category|categories|score|scores|annotation|answer)$`)
)

// guess proposes the format and the columns of t, keeping the
// level, weights and missing markers of s.
func guess(t *dataset.Table, s settings) settings {
	out := settings{Level: s.Level, Weights: s.Weights, Missing: s.Missing, Format: "wide"}
	find := func(re *regexp.Regexp, skip ...string) string {
		for _, c := range t.Columns {
			if re.MatchString(strings.TrimSpace(c)) && !contains(skip, c) {
				return c
			}
		}
		return ""
	}
	coder := find(coderName)
	code := find(codeName, coder)
	if coder != "" && code != "" && len(t.Columns) >= 3 {
		out.Format, out.Coder, out.Code = "long", coder, code
		out.Unit = find(idName, coder, code)
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
	out.Unit = find(idName)
	for _, c := range t.Columns {
		if c != out.Unit {
			out.Coders = append(out.Coders, c)
		}
	}
	return out
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// compute builds the reliability data of t with settings s and
// renders every statistic.
func compute(ctx context.Context, t *dataset.Table, name string, s settings, boot *bootstrap, progress protocol.Progress) (*result, error) {
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
	d, err := codingData(t, s)
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
	frag, err := protocol.Render(ctx, ui.AgreementResults(ui.AgreementView{Summary: sum, Level: s.Level, Weights: weights.String(), Bootstrap: boot != nil}))
	if err != nil {
		return nil, err
	}
	r := &result{HTML: frag.HTML, Name: name, Rows: len(t.Rows), Columns: t.Columns, Settings: s, Notes: append([]string{}, t.Warnings...)}
	if sum.Alpha != nil {
		a := sum.Alpha.Alpha
		r.Alpha = &a
	}
	if name == exampleName {
		r.Notes = append(r.Notes, "The paper reports alpha = 0.743 (nominal), 0.815 (ordinal), 0.849 (interval) and 0.797 (ratio): switch the level to compare.")
	}
	if n := len(sum.Unpairable); n > 0 {
		u := sum.Unpairable[0]
		note := fmt.Sprintf("line %d: unit %q has %s, so it is left out as unpairable", u.Line, u.ID, codes(u.NumCodes()))
		if n > 1 {
			note += fmt.Sprintf(" (and %d more units; see the list below)", n-1)
		}
		r.Notes = append(r.Notes, note+".")
	}
	return r, nil
}

// codingData turns the table's rows into a reliability data matrix with
// the chosen columns. Units and messages carry the file's physical lines
// (the header is line 1; dataset.Parse gives each row's first line).
func codingData(t *dataset.Table, s settings) (*agreement.Data, error) {
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
			return nil, fmt.Errorf("line 1: pick at least two coder columns (picked: %s)", list(s.Coders))
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

// list joins names, or says "none".
func list(names []string) string {
	if len(names) == 0 {
		return "none"
	}
	return strings.Join(names, ", ")
}

// codes writes "no code", "only 1 code" or "3 codes".
func codes(n int) string {
	switch n {
	case 0:
		return "no code"
	case 1:
		return "only 1 code"
	}
	return strconv.Itoa(n) + " codes"
}
