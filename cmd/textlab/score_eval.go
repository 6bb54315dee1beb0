package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"

	"textlab/core/agreement"
	"textlab/core/dataset"
	"textlab/core/lexicon"
)

// scoreEvalJSON is the --json output of textlab score in evaluation mode:
// the numbers the Dictionary page shows after "Evaluate".
type scoreEvalJSON struct {
	Dictionary   string                `json:"dictionary"`
	Settings     string                `json:"settings"` // the rule in words, as the page names it
	Rule         lexicon.RuleSettings  `json:"rule"`     // the rule with every outcome's label
	Documents    int                   `json:"documents"`
	Accuracy     float64               `json:"accuracy"`
	MacroF1      float64               `json:"macro_f1"`
	WeightedF1   float64               `json:"weighted_f1"`
	PerClass     map[string]trainClass `json:"per_class"`
	Confusion    trainConfusion        `json:"confusion"`
	Kappa        *float64              `json:"kappa,omitempty"` // absent when not defined
	Alpha        *float64              `json:"alpha,omitempty"`
	NoMatch      int                   `json:"no_match"` // texts in which no word of the dictionary matched
	ZeroDivision []string              `json:"zero_division"`
}

// evalFlags are the flags of textlab score's evaluation mode.
type evalFlags struct {
	label, rule, category, mapping string
	threshold                      float64
	neutral                        bool
	set                            map[string]bool // the flags given
}

// evalMode reports whether the flags ask for an evaluation.
func (f *evalFlags) evalMode() bool {
	for _, n := range []string{"label", "rule", "category", "threshold", "neutral", "map"} {
		if f.set[n] {
			return true
		}
	}
	return false
}

// settings builds the rule the flags describe for the scores of dic (nil:
// VADER): the page's starting rule for the dictionary or for --rule, with
// the flags given on top, and a label for each outcome --map leaves out
// (lexicon.RuleSettings.GuessLabels, as the page pre-selects them).
func (f *evalFlags) settings(dic *lexicon.Dictionary, labels []string) (lexicon.RuleSettings, error) {
	s := lexicon.DefaultSettings(dic, labels)
	if f.set["rule"] {
		k := lexicon.RuleKind(f.rule)
		if !slices.Contains(lexicon.AllKinds(), k) {
			return s, fmt.Errorf("%w: --rule must be compound, share, score or majority, not %q", errUsage, f.rule)
		}
		s = s.WithKind(k, labels)
	}
	if f.set["category"] {
		s.Category = f.category
	}
	if f.set["threshold"] {
		s.Threshold = f.threshold
	}
	if f.set["neutral"] {
		s.Neutral = f.neutral
	}
	s.Mapping = map[string]string{}
	if f.mapping != "" {
		for _, pair := range strings.Split(f.mapping, ",") {
			outcome, label, ok := strings.Cut(pair, "=")
			outcome, label = strings.TrimSpace(outcome), strings.TrimSpace(label)
			if !ok || outcome == "" {
				return s, fmt.Errorf("%w: --map wants outcome=label pairs like above=pos,below=neg, not %q", errUsage, pair)
			}
			if label != "" && !slices.Contains(labels, label) {
				return s, fmt.Errorf("%w: --map %s=%s: the data has no label %q (labels: %s)", errUsage, outcome, label, label, strings.Join(labels, ", "))
			}
			s.Mapping[outcome] = label
		}
	}
	return s.GuessLabels(dic, labels), nil
}

// runScoreEval evaluates a rule on the labeled file path scored with dic
// (nil: VADER), named name, as the Dictionary page does.
func runScoreEval(stdout, stderr io.Writer, dic *lexicon.Dictionary, name, path, textCol string, f *evalFlags, asJSON bool) error {
	if path == "" {
		return fmt.Errorf("%w: evaluating a rule needs --data FILE with a label column", errUsage)
	}
	d, _, err := readLabeled(path, dataset.Columns{Text: textCol, Label: f.label}, stderr)
	if err != nil {
		return err
	}
	s, err := f.settings(dic, d.LabelNames)
	if err != nil {
		return err
	}
	scores, err := lexicon.ScoreTexts(context.Background(), dic, d.Texts, nil)
	if err != nil {
		return err
	}
	gold := make([]string, len(d.Labels))
	for i, l := range d.Labels {
		gold[i] = d.LabelNames[l]
	}
	ev, err := lexicon.Evaluate(scores, gold, s)
	if err != nil {
		return ruleUsage(err)
	}
	out, err := scoreEvalOutput(name, s, ev, gold)
	if err != nil {
		return err
	}
	if asJSON {
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(out)
	}
	return printScoreEval(stdout, path, dic, s, ev, out)
}

// ruleUsage words a rule that does not fit for the command line.
func ruleUsage(err error) error {
	hint := ""
	switch {
	case errors.Is(err, lexicon.ErrNeedsVADER):
		hint = ": use --dict vader, or another --rule"
	case errors.Is(err, lexicon.ErrNeedsList):
		hint = ": use --rule compound, or a word list with --dict"
	case errors.Is(err, lexicon.ErrNeedsWeights):
		hint = ": use --rule share or majority"
	case errors.Is(err, lexicon.ErrUnknownCategory):
		hint = ": choose one with --category"
	case errors.Is(err, lexicon.ErrNoBand):
		hint = ": drop --neutral"
	}
	var re *lexicon.RuleError
	if errors.As(err, &re) {
		return fmt.Errorf("%w: %v%s", errUsage, err, hint)
	}
	return err
}

func scoreEvalOutput(name string, s lexicon.RuleSettings, ev lexicon.Evaluation, gold []string) (scoreEvalJSON, error) {
	r := ev.Report
	out := scoreEvalJSON{
		Dictionary: name, Settings: s.Describe(name), Rule: s, Documents: len(gold),
		Accuracy: r.Accuracy, MacroF1: r.Macro.F1, WeightedF1: r.Weighted.F1,
		PerClass:     map[string]trainClass{},
		Confusion:    trainConfusion{Labels: ev.Classes, Matrix: ev.Confusion},
		NoMatch:      ev.Unmatched,
		ZeroDivision: []string{},
	}
	for i, c := range r.Labels {
		p := r.PerClass[i]
		out.PerClass[ev.Classes[c]] = trainClass{Precision: p.Precision, Recall: p.Recall, F1: p.F1, Support: r.Support[i]}
	}
	for _, z := range r.ZeroDivisions {
		if z.Label >= 0 {
			out.ZeroDivision = append(out.ZeroDivision, fmt.Sprintf("%s of %q", z.Metric, ev.Classes[z.Label]))
		} else {
			out.ZeroDivision = append(out.ZeroDivision, z.Average+" "+z.Metric)
		}
	}
	la, err := agreement.CompareLabels(ev.Predicted, gold)
	switch {
	case errors.Is(err, agreement.ErrUndefined):
	case err != nil:
		return out, err
	default:
		out.Kappa, out.Alpha = &la.Kappa, &la.Alpha
	}
	return out, nil
}

// printScoreEval writes the evaluation for people.
func printScoreEval(w io.Writer, path string, dic *lexicon.Dictionary, s lexicon.RuleSettings, ev lexicon.Evaluation, out scoreEvalJSON) error {
	fmt.Fprintf(w, "%s on %s (%d texts", out.Settings, path, out.Documents)
	if out.NoMatch > 0 {
		fmt.Fprintf(w, ", %d without a match", out.NoMatch)
	}
	fmt.Fprintln(w, ")")
	for _, o := range s.Outcomes(dic) {
		label := s.Mapping[o.Key]
		if label == "" {
			label = "(no label: predicted \"" + o.Key + "\")"
		}
		fmt.Fprintf(w, "  %s → %s\n", o.Text, label)
	}
	fmt.Fprintf(w, "\naccuracy %.4f  macro-F1 %.4f  weighted-F1 %.4f\n", out.Accuracy, out.MacroF1, out.WeightedF1)
	if out.Kappa != nil {
		fmt.Fprintf(w, "Cohen's kappa %.4f  Krippendorff's alpha %.4f (against the labels)\n", *out.Kappa, *out.Alpha)
	}
	fmt.Fprintln(w)
	if err := writeClassReport(w, ev.Classes, out.PerClass, ev.Confusion, out.ZeroDivision); err != nil {
		return err
	}
	return nil
}
