package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"strconv"
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
	dataPath := fs.String("data", "", "CSV `file` of codes (\"-\" for standard input): wide (a header, one row per unit, one column per coder) or long (one row per unit, coder and code); without --unit, --coders or --long the layout is guessed from the header and reported")
	codersFlag := fs.String("coders", "", "comma-separated coder `names`: the coder columns (wide; default every column but --unit) or the coders to expect (long)")
	unitCol := fs.String("unit", "", "wide format: `column` holding unit ids (default: units are numbered by row)")
	longFlag := fs.String("long", "", "long format: the unit, coder and code `columns`, e.g. unit,coder,code")
	missingFlag := fs.String("missing", "", "comma-separated `values` meaning \"not coded\" besides an empty cell, e.g. .,NA")
	levelFlag := fs.String("level", "nominal", "alpha's level of measurement: nominal, ordinal, interval or ratio (ordinal, interval and ratio need numeric codes)")
	orderFlag := fs.String("order", "", "ordinal level: comma-separated codes from lowest to highest `rank` (default: numeric codes ranked by value)")
	weightsFlag := fs.String("weights", "unweighted", "Cohen's kappa weights (two coders): unweighted, linear or quadratic")
	resamples := fs.Int("bootstrap", 0, "bootstrap `N` resamples of units for a 95% interval for alpha (0: none)")
	seed := fs.Uint64("seed", 0, "seed of the bootstrap's random generator")
	strict := fs.Bool("strict", false, "fail on a unit with fewer than two codes instead of excluding it (by default such units are not pairable: they are left out, as Krippendorff's alpha defines, and listed)")
	fs.Bool("skip-unpairable", false, "accepted for compatibility and ignored: units with fewer than two codes are excluded and listed unless --strict is given")
	asJSON := fs.Bool("json", false, "print JSON: alpha, percent_agreement (0-100), fleiss_kappa, cohen_kappa (two coders), alpha_ci, n_units (all units), n_pairable (pairable values), excluded (units with fewer than two codes), disagreements")
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
	layout := agreement.Layout{Unit: *unitCol, Coders: agreeList(*codersFlag)}
	if *longFlag != "" {
		cols := agreeList(*longFlag)
		if len(cols) != 3 {
			return fmt.Errorf("%w: --long wants three column names (unit,coder,code), got %q", errUsage, *longFlag)
		}
		layout = agreement.Layout{Format: agreement.Long, Unit: cols[0], Coder: cols[1], Code: cols[2], Coders: layout.Coders}
	}
	order := agreeList(*orderFlag)
	if order != nil && level != agreement.Ordinal {
		return fmt.Errorf("%w: --order applies to --level ordinal only", errUsage)
	}

	var raw []byte
	if *dataPath == "-" {
		raw, err = io.ReadAll(stdin)
	} else {
		raw, err = os.ReadFile(*dataPath)
	}
	if err != nil {
		return err
	}
	records, lines, err := agreement.ReadRecords(bytes.NewReader(raw))
	if err != nil {
		return fmt.Errorf("%s: %w", *dataPath, err)
	}
	if len(records) > 0 && *unitCol == "" && *codersFlag == "" && *longFlag == "" {
		layout = agreement.GuessLayout(records[0])
		fmt.Fprintf(stderr, "textlab agree: guessed the layout from the header: %v (choose with --unit and --coders, or --long)\n", layout)
	}
	d, err := agreement.FromRecords(records, lines, layout, agreeList(*missingFlag))
	if err != nil {
		return fmt.Errorf("%s: %w", *dataPath, err)
	}

	cfg := agreement.SummaryConfig{Alpha: agreement.AlphaConfig{Level: level, Order: order}, Weights: weights, Strict: *strict}
	if *resamples > 0 {
		cfg.Bootstrap = &agreement.BootstrapConfig{Resamples: *resamples, Seed: *seed}
	}
	s, err := agreement.Summarize(context.Background(), d, cfg, nil)
	if up := (*agreement.UnpairableError)(nil); errors.As(err, &up) {
		return fmt.Errorf("%s: %w (--strict stops here; without it such units are excluded and listed)", *dataPath, err)
	}
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
	// value writes a statistic, or why it is missing: an undefined one
	// says so itself ("undefined: ..."), any other reason gets the prefix.
	value := func(x *float64, format string, err error) string {
		switch {
		case x != nil:
			return fmt.Sprintf(format, *x)
		case errors.Is(err, agreement.ErrUndefined):
			return err.Error()
		case err != nil:
			return "undefined: " + err.Error()
		}
		return "undefined"
	}
	alpha := value(out.Alpha, "%.3f", s.AlphaErr)
	if ci := out.AlphaCI; ci != nil {
		alpha += fmt.Sprintf("\t%.0f%% CI [%.3f, %.3f] (%d resamples of units, seed %d)", 100*ci.Confidence, ci.Low, ci.High, ci.Resamples, ci.Seed)
	} else if s.IntervalErr != nil {
		alpha += "\tinterval " + value(nil, "", s.IntervalErr)
	}
	fmt.Fprintf(tw, "Krippendorff's alpha (%s)\t%s\n", out.Level, alpha)
	pct := value(out.PercentAgreement, "%.1f%%", s.PercentErr)
	if s.Percent != nil {
		pct += fmt.Sprintf("\t%d of %d pairs of codes agree", s.Percent.Agreeing, s.Percent.Pairs)
	}
	fmt.Fprintf(tw, "Percent agreement\t%s\n", pct)
	fmt.Fprintf(tw, "Fleiss' kappa\t%s\n", value(out.FleissKappa, "%.3f", s.FleissErr))
	if len(s.Coders) == 2 {
		ck := value(out.CohenKappa.(*float64), "%.3f", s.CohenErr)
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
	if len(s.Unpairable) > 0 {
		// The units alpha leaves out, as the Agreement page lists them.
		fmt.Fprintf(w, "\nUnits left out as unpairable (%d):\n", len(s.Unpairable))
		for _, u := range s.Unpairable {
			line := "-"
			if u.Line > 0 {
				line = strconv.Itoa(u.Line)
			}
			codes := "no codes"
			if n := u.NumCodes(); n == 1 {
				codes = "1 code"
			} else if n > 1 {
				codes = strconv.Itoa(n) + " codes"
			}
			fmt.Fprintf(w, "  line %s: unit %s has %s\n", line, u.ID, codes)
		}
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
