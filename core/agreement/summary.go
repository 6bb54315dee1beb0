package agreement

import (
	"context"
	"errors"
	"strconv"
)

// SummaryConfig configures Summarize. The zero value computes nominal alpha,
// unweighted Cohen's kappa and no bootstrap interval.
type SummaryConfig struct {
	// Alpha configures Krippendorff's alpha (the zero value: nominal).
	Alpha AlphaConfig
	// Bootstrap, if not nil, asks for a bootstrap interval for alpha.
	Bootstrap *BootstrapConfig
	// Weights are Cohen's kappa weights (the zero value: unweighted).
	Weights Weights
	// Strict makes a unit with fewer than two codes an error
	// (*UnpairableError). By default (false) such units are not pairable:
	// they are left out of every statistic, as Krippendorff's alpha
	// defines, and listed in Summary.Unpairable.
	Strict bool
}

// Summary is every agreement statistic of one data matrix, as a page or the
// command line shows them. A statistic the data do not define has a nil
// result and its reason in the matching error field.
type Summary struct {
	Coders []string
	// Units counts all units; PairableUnits and PairableValues count the
	// units with at least two codes and the codes in them.
	Units, PairableUnits, PairableValues int
	// Unpairable lists the units with fewer than two codes, in input
	// order; they are excluded from every statistic.
	Unpairable []Unit

	Alpha    *AlphaResult
	AlphaErr error
	// Interval is the bootstrap interval for alpha, when asked for.
	Interval    *ConfidenceInterval
	IntervalErr error
	Percent     *PercentResult
	PercentErr  error
	Fleiss      *FleissResult
	FleissErr   error
	// Cohen is computed only when there are exactly two coders.
	Cohen    *KappaResult
	CohenErr error
	// Disagreements lists the pairable units whose codes differ.
	Disagreements []Disagreement
}

// Summarize computes all statistics of d. It returns an error for data that
// cannot be used at all (a structural problem, codes that do not fit the
// level of measurement such as a *NotNumericError, an *UnpairableError with
// cfg.Strict, cancellation); a statistic that is merely undefined (an
// *UndefinedError) or not applicable (Fleiss' kappa with missing codes) is
// recorded in the Summary instead. Progress (nil allowed) covers the
// bootstrap.
func Summarize(ctx context.Context, d *Data, cfg SummaryConfig, progress func(fraction float64, message string)) (*Summary, error) {
	if err := d.Check(); err != nil {
		return nil, err
	}
	s := &Summary{Coders: d.Coders, Units: len(d.Units), Unpairable: d.Unpairable()}
	if cfg.Strict && len(s.Unpairable) > 0 {
		return nil, &UnpairableError{Units: s.Unpairable, Coders: d.Coders}
	}
	s.PairableUnits, s.PairableValues = d.NumPairable()
	s.Alpha, s.AlphaErr = KrippendorffAlpha(d, cfg.Alpha)
	if s.AlphaErr != nil && !errors.Is(s.AlphaErr, ErrUndefined) {
		return nil, s.AlphaErr
	}
	if cfg.Bootstrap != nil && s.AlphaErr == nil {
		s.Interval, s.IntervalErr = BootstrapAlpha(ctx, d, cfg.Alpha, *cfg.Bootstrap, progress)
		if s.IntervalErr != nil && !errors.Is(s.IntervalErr, ErrUndefined) {
			return nil, s.IntervalErr
		}
	}
	s.Percent, s.PercentErr = PercentAgreement(d)
	s.Fleiss, s.FleissErr = FleissKappa(d)
	if len(d.Coders) == 2 {
		s.Cohen, s.CohenErr = CohenKappa(d, cfg.Weights)
	}
	var err error
	if s.Disagreements, err = Disagreements(d); err != nil {
		return nil, err
	}
	return s, nil
}

// LabelAgreement is the agreement between a model's predicted labels and
// the human (gold) labels.
type LabelAgreement struct {
	// Kappa is unweighted Cohen's kappa; Alpha is nominal Krippendorff's
	// alpha; Percent is the percentage of equal labels.
	Kappa, Alpha, Percent float64
	// Units counts the items with both labels.
	Units int
	// Dropped lists the indices of items where either label is empty.
	Dropped []int
}

// CompareLabels measures how far predicted labels agree with gold labels,
// treating the model and the humans as two coders. An empty label is
// missing; such items are dropped and listed.
func CompareLabels(predicted, gold []string) (*LabelAgreement, error) {
	if len(predicted) != len(gold) {
		return nil, errors.New("predicted and gold labels differ in length: " + strconv.Itoa(len(predicted)) + " and " + strconv.Itoa(len(gold)))
	}
	d := &Data{Coders: []string{"predicted", "gold"}}
	r := &LabelAgreement{}
	for i := range gold {
		u := Unit{ID: strconv.Itoa(i), Codes: []string{predicted[i], gold[i]}}
		if predicted[i] == "" || gold[i] == "" {
			r.Dropped = append(r.Dropped, i)
		}
		d.Units = append(d.Units, u)
	}
	k, err := CohenKappa(d, Unweighted)
	if err != nil {
		return nil, err
	}
	a, err := KrippendorffAlpha(d, AlphaConfig{Level: Nominal})
	if err != nil {
		return nil, err
	}
	p, err := PercentAgreement(d)
	if err != nil {
		return nil, err
	}
	r.Kappa, r.Alpha, r.Percent, r.Units = k.Kappa, a.Alpha, p.Percent, k.Units
	return r, nil
}
