package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"strings"
	"text/tabwriter"

	"textlab/core/agreement"
)

func init() {
	register(command{
		name:    "agree",
		summary: "inter-coder reliability: Krippendorff's alpha, Cohen's and Fleiss' kappa, percent agreement",
		run:     runAgree,
	})
}

// agreeJSON is the --json output of textlab agree. A statistic that the data
// do not define is null, with the reason in the matching *_error field.
type agreeJSON struct {
	Level            string          `json:"level"`
	Alpha            *float64        `json:"alpha"`
	AlphaError       string          `json:"alpha_error,omitempty"`
	AlphaCI          *agreeCI        `json:"alpha_ci,omitempty"`
	AlphaCIError     string          `json:"alpha_ci_error,omitempty"`
	PercentAgreement *float64        `json:"percent_agreement"`
	PercentError     string          `json:"percent_agreement_error,omitempty"`
	FleissKappa      *float64        `json:"fleiss_kappa"`
	FleissError      string          `json:"fleiss_kappa_error,omitempty"`
	CohenKappa       any             `json:"cohen_kappa,omitempty"` // a *float64: null when undefined; absent unless there are two coders
	CohenError       string          `json:"cohen_kappa_error,omitempty"`
	CohenWeights     string          `json:"cohen_kappa_weights,omitempty"`
	Coders           []string        `json:"coders"`
	NUnits           int             `json:"n_units"`
	NPairableUnits   int             `json:"n_pairable_units"`
	NPairable        int             `json:"n_pairable"`
	Excluded         []string        `json:"excluded,omitempty"`
	Disagreements    []agreeDisagree `json:"disagreements"`
}

type agreeCI struct {
	Low        float64 `json:"low"`
	High       float64 `json:"high"`
	Confidence float64 `json:"confidence"`
	Resamples  int     `json:"resamples"`
	Undefined  int     `json:"undefined_resamples"`
	Seed       uint64  `json:"seed"`
}

type agreeDisagree struct {
	Unit  string            `json:"unit"`
	Line  int               `json:"line"`
	Codes map[string]string `json:"codes"` // coder -> code; missing codes left out
}

func runAgree(args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	fs := newFlags("agree", stderr)
	dataPath := fs.String("data", "", "CSV `file` of codes (\"-\" for standard input); wide by default: a header, one row per unit, one column per coder")
	codersFlag := fs.String("coders", "", "comma-separated coder `names`: the coder columns (wide; default every column but --unit) or the coders to expect (long)")
	unitCol := fs.String("unit", "", "wide format: `column` holding unit ids (default: units are numbered by row)")
	longFlag := fs.String("long", "", "long format: the unit, coder and code `columns`, e.g. unit,coder,code")
	missingFlag := fs.String("missing", "", "comma-separated `values` meaning \"not coded\" besides an empty cell, e.g. .,NA")
	levelFlag := fs.String("level", "nominal", "alpha's level of measurement: nominal, ordinal, interval or ratio (ordinal, interval and ratio need numeric codes)")
	orderFlag := fs.String("order", "", "ordinal level: comma-separated codes from lowest to highest `rank` (default: numeric codes ranked by value)")
	weightsFlag := fs.String("weights", "unweighted", "Cohen's kappa weights (two coders): unweighted, linear or quadratic")
	resamples := fs.Int("bootstrap", 0, "bootstrap `N` resamples of units for a 95% interval for alpha (0: none)")
	seed := fs.Uint64("seed", 0, "seed of the bootstrap's random generator")
	skip := fs.Bool("skip-unpairable", false, "exclude units with fewer than two codes instead of failing on them")
	asJSON := fs.Bool("json", false, "print JSON: alpha, percent_agreement (0-100), fleiss_kappa, cohen_kappa (two coders), alpha_ci, n_units (all units), n_pairable (pairable values), disagreements")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if *dataPath == "" {
		return fmt.Errorf("%w: --data is required", errUsage)
	}
	level, err := agreement.ParseLevel(*levelFlag)
	if err != nil {
		return fmt.Errorf("%w: --level: %v", errUsage, err)
	}
	weights, err := agreement.ParseWeights(*weightsFlag)
	if err != nil {
		return fmt.Errorf("%w: --weights: %v", errUsage, err)
	}
	if *resamples < 0 || *resamples > agreement.MaxResamples {
		return fmt.Errorf("%w: --bootstrap %d out of range [0, %d]", errUsage, *resamples, agreement.MaxResamples)
	}
	coders := agreeList(*codersFlag)
	missing := agreeList(*missingFlag)

	var raw []byte
	if *dataPath == "-" {
		raw, err = io.ReadAll(stdin)
	} else {
		raw, err = os.ReadFile(*dataPath)
	}
	if err != nil {
		return err
	}
	var d *agreement.Data
	if *longFlag != "" {
		cols := agreeList(*longFlag)
		if len(cols) != 3 {
			return fmt.Errorf("%w: --long wants three column names (unit,coder,code), got %q", errUsage, *longFlag)
		}
		d, err = agreement.ReadLong(bytes.NewReader(raw), agreement.LongOptions{Unit: cols[0], Coder: cols[1], Code: cols[2], Coders: coders, Missing: missing})
	} else {
		d, err = agreement.ReadWide(bytes.NewReader(raw), agreement.WideOptions{Coders: coders, Unit: *unitCol, Missing: missing})
	}
	if err != nil {
		return fmt.Errorf("%s: %w", *dataPath, err)
	}
	if !*skip {
		for _, u := range d.Unpairable() {
			where := fmt.Sprintf("unit %q", u.ID)
			if u.Line > 0 {
				where = fmt.Sprintf("line %d: %s", u.Line, where)
			}
			what := "has no codes"
			for j, c := range u.Codes {
				if c != "" {
					what = fmt.Sprintf("has only one code (%q from coder %q)", c, d.Coders[j])
				}
			}
			return fmt.Errorf("%s: %s %s; agreement needs at least two codes per unit (--skip-unpairable excludes such units)", *dataPath, where, what)
		}
	}

	order := agreeList(*orderFlag)
	if order != nil && level != agreement.Ordinal {
		return fmt.Errorf("%w: --order applies to --level ordinal only", errUsage)
	}
	cfg := agreement.SummaryConfig{Alpha: agreement.AlphaConfig{Level: level, Order: order}, Weights: weights}
	if *resamples > 0 {
		cfg.Bootstrap = &agreement.BootstrapConfig{Resamples: *resamples, Seed: *seed}
	}
	s, err := agreement.Summarize(context.Background(), d, cfg, nil)
	if err != nil {
		return fmt.Errorf("%s: %w", *dataPath, err)
	}
	out := agreeSummaryJSON(s, level, weights, *seed)
	if *asJSON {
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(out)
	}
	return printAgreeTable(stdout, s, out)
}

// agreeList splits a comma-separated flag value, trimming spaces; "" is nil.
func agreeList(s string) []string {
	if strings.TrimSpace(s) == "" {
		return nil
	}
	parts := strings.Split(s, ",")
	for i := range parts {
		parts[i] = strings.TrimSpace(parts[i])
	}
	return parts
}

// agreeErrText returns err's message, "" for nil.
func agreeErrText(err error) string {
	if err == nil {
		return ""
	}
	return err.Error()
}

func agreeSummaryJSON(s *agreement.Summary, level agreement.Level, w agreement.Weights, seed uint64) agreeJSON {
	num := func(x float64) *float64 { return &x }
	out := agreeJSON{
		Level:          level.String(),
		Coders:         s.Coders,
		NUnits:         s.Units,
		NPairableUnits: s.PairableUnits,
		NPairable:      s.PairableValues,
		AlphaError:     agreeErrText(s.AlphaErr),
		AlphaCIError:   agreeErrText(s.IntervalErr),
		PercentError:   agreeErrText(s.PercentErr),
		FleissError:    agreeErrText(s.FleissErr),
		CohenError:     agreeErrText(s.CohenErr),
		Disagreements:  []agreeDisagree{},
	}
	if s.Alpha != nil {
		out.Alpha = num(s.Alpha.Alpha)
	}
	if s.Interval != nil {
		out.AlphaCI = &agreeCI{Low: s.Interval.Low, High: s.Interval.High, Confidence: s.Interval.Confidence, Resamples: s.Interval.Resamples, Undefined: s.Interval.Undefined, Seed: seed}
	}
	if s.Percent != nil {
		out.PercentAgreement = num(s.Percent.Percent)
	}
	if s.Fleiss != nil {
		out.FleissKappa = num(s.Fleiss.Kappa)
	}
	if len(s.Coders) == 2 {
		out.CohenWeights = w.String()
		out.CohenKappa = (*float64)(nil)
		if s.Cohen != nil {
			out.CohenKappa = num(s.Cohen.Kappa)
		}
	}
	for _, u := range s.Unpairable {
		out.Excluded = append(out.Excluded, u.ID)
	}
	for _, dis := range s.Disagreements {
		codes := map[string]string{}
		for j, c := range dis.Codes {
			if c != "" {
				codes[s.Coders[j]] = c
			}
		}
		out.Disagreements = append(out.Disagreements, agreeDisagree{Unit: dis.Unit, Line: dis.Line, Codes: codes})
	}
	return out
}

// printAgreeTable writes the readable report: one statistic per line, then
// the units the coders disagree on.
func printAgreeTable(w io.Writer, s *agreement.Summary, out agreeJSON) error {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	value := func(x *float64, format, reason string) string {
		if x == nil {
			if strings.HasPrefix(reason, "undefined") {
				return reason
			}
			return "undefined: " + reason
		}
		return fmt.Sprintf(format, *x)
	}
	alpha := value(out.Alpha, "%.3f", out.AlphaError)
	if ci := out.AlphaCI; ci != nil {
		alpha += fmt.Sprintf("\t%.0f%% CI [%.3f, %.3f] (%d resamples of units, seed %d)", 100*ci.Confidence, ci.Low, ci.High, ci.Resamples, ci.Seed)
	} else if out.AlphaCIError != "" {
		alpha += "\tinterval undefined: " + out.AlphaCIError
	}
	fmt.Fprintf(tw, "Krippendorff's alpha (%s)\t%s\n", out.Level, alpha)
	pct := value(out.PercentAgreement, "%.1f%%", out.PercentError)
	if s.Percent != nil {
		pct += fmt.Sprintf("\t%d of %d pairs of codes agree", s.Percent.Agreeing, s.Percent.Pairs)
	}
	fmt.Fprintf(tw, "Percent agreement\t%s\n", pct)
	fmt.Fprintf(tw, "Fleiss' kappa\t%s\n", value(out.FleissKappa, "%.3f", out.FleissError))
	if len(s.Coders) == 2 {
		ck := value(out.CohenKappa.(*float64), "%.3f", out.CohenError)
		if s.Cohen != nil && len(s.Cohen.Dropped) > 0 {
			ck += fmt.Sprintf("\t%d units with a missing code dropped", len(s.Cohen.Dropped))
		}
		fmt.Fprintf(tw, "Cohen's kappa (%s)\t%s\n", out.CohenWeights, ck)
	}
	units := fmt.Sprintf("%d (%d pairable, %d pairable values)", out.NUnits, out.NPairableUnits, out.NPairable)
	if len(out.Excluded) > 0 {
		units += fmt.Sprintf("\texcluded with fewer than two codes: %s", strings.Join(out.Excluded, ", "))
	}
	fmt.Fprintf(tw, "Units\t%s\n", units)
	if err := tw.Flush(); err != nil {
		return err
	}
	if len(s.Disagreements) == 0 {
		_, err := fmt.Fprintln(w, "\nNo disagreements.")
		return err
	}
	fmt.Fprintf(w, "\nDisagreements (%d units):\n", len(s.Disagreements))
	tw = tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintf(tw, "line\tunit\t%s\n", strings.Join(s.Coders, "\t"))
	for _, dis := range s.Disagreements {
		codes := make([]string, len(dis.Codes))
		for j, c := range dis.Codes {
			codes[j] = c
			if c == "" {
				codes[j] = "."
			}
		}
		fmt.Fprintf(tw, "%d\t%s\t%s\n", dis.Line, dis.Unit, strings.Join(codes, "\t"))
	}
	return tw.Flush()
}
