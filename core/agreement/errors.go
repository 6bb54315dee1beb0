package agreement

import (
	"errors"
	"fmt"
	"strings"
)

// ErrUndefined is matched (errors.Is) by every *UndefinedError: a statistic
// the data do not define, such as alpha when every pairable code is the
// same value. Callers that want to say why use errors.As.
var ErrUndefined = errors.New("undefined")

// ErrTooFewCoders is matched (errors.Is) by every *TooFewCodersError.
var ErrTooFewCoders = errors.New("need at least two coders")

// Statistic names an agreement statistic in an UndefinedError.
type Statistic int

// The statistics of the package.
const (
	StatAlpha    Statistic = iota // Krippendorff's alpha
	StatInterval                  // the bootstrap interval for alpha
	StatCohen                     // Cohen's kappa
	StatFleiss                    // Fleiss' kappa
	StatPercent                   // percent agreement
)

var statNames = [...]string{"Krippendorff's alpha", "the bootstrap interval for alpha", "Cohen's kappa", "Fleiss' kappa", "percent agreement"}

// String returns the statistic's name as a sentence uses it
// ("Cohen's kappa").
func (s Statistic) String() string {
	if s >= 0 && int(s) < len(statNames) {
		return statNames[s]
	}
	return fmt.Sprintf("Statistic(%d)", int(s))
}

// Reason says why a statistic is undefined.
type Reason int

// The reasons a statistic can be undefined.
const (
	// NoPairs: no unit holds two codes to compare (for Fleiss' kappa from
	// a table: fewer than two ratings per subject).
	NoPairs Reason = iota + 1
	// OneValue: every code is the same value, so the expected
	// disagreement is 0.
	OneValue
	// AllResamplesUndefined: alpha was undefined in every bootstrap
	// resample.
	AllResamplesUndefined
)

var reasonNames = [...]string{NoPairs: "no pairs", OneValue: "one value", AllResamplesUndefined: "all resamples undefined"}

// String returns the reason's short name ("one value").
func (r Reason) String() string {
	if r > 0 && int(r) < len(reasonNames) {
		return reasonNames[r]
	}
	return fmt.Sprintf("Reason(%d)", int(r))
}

// UndefinedError reports a statistic that the data do not define. It
// carries the facts, so that a page or a command can say it in its own
// words ("both coders", "the predictions and the human labels"); Error
// says it without naming who coded.
type UndefinedError struct {
	// Statistic is the statistic that is undefined.
	Statistic Statistic
	// Reason says why.
	Reason Reason
	// Value is the one value every code has (Reason OneValue); "" when
	// unknown (FleissKappaTable has no category names).
	Value string
	// Resamples is the number of bootstrap resamples drawn (Reason
	// AllResamplesUndefined).
	Resamples int
}

// Error describes the situation, starting with "undefined: ".
func (e *UndefinedError) Error() string {
	var why string
	switch e.Reason {
	case NoPairs:
		switch e.Statistic {
		case StatAlpha, StatInterval:
			why = "alpha needs at least two pairable values (a unit with two or more codes)"
		case StatCohen:
			why = "Cohen's kappa needs at least one unit with two codes"
		case StatFleiss:
			why = "Fleiss' kappa needs at least one unit with two or more codes"
		case StatPercent:
			why = "percent agreement needs a unit coded by at least two coders"
		}
	case OneValue:
		switch e.Statistic {
		case StatAlpha, StatInterval:
			why = "every pairable code has the same value, so the expected disagreement is 0 and alpha is not defined"
		case StatCohen:
			why = fmt.Sprintf("every code is the label %q, so the expected disagreement is 0 and kappa is not defined", e.Value)
		case StatFleiss:
			why = "every rating is in one category, so Fleiss' kappa is not defined"
		}
	case AllResamplesUndefined:
		why = fmt.Sprintf("alpha was undefined in all %d bootstrap resamples", e.Resamples)
	}
	if why == "" {
		why = e.Statistic.String() + " is not defined for these data"
	}
	return "undefined: " + why
}

// Is reports whether target is ErrUndefined.
func (e *UndefinedError) Is(target error) bool { return target == ErrUndefined }

// TooFewCodersError reports reliability data with fewer than two coders.
type TooFewCodersError struct {
	// Line is the header's line, 0 when unknown.
	Line int
	// Wide reports that the coders are the columns of a wide file.
	Wide bool
	// Column is the coder column of a long file; "" otherwise.
	Column string
	// Coders are the coders found (the coder columns of a wide file).
	Coders []string
}

// Error says how many coders were found and where.
func (e *TooFewCodersError) Error() string {
	what := "coders"
	if e.Wide {
		what = "coder columns"
	}
	msg := fmt.Sprintf("need at least two %s, found %d (%s)", what, len(e.Coders), strings.Join(e.Coders, ", "))
	if e.Column != "" {
		msg = fmt.Sprintf("column %q: %s", e.Column, msg)
	}
	if e.Line > 0 {
		msg = fmt.Sprintf("line %d: %s", e.Line, msg)
	}
	return msg
}

// Is reports whether target is ErrTooFewCoders.
func (e *TooFewCodersError) Is(target error) bool { return target == ErrTooFewCoders }

// NotNumericError reports a code that is not a number at a level of
// measurement that needs numbers (ordinal without an order, interval,
// ratio).
type NotNumericError struct {
	// Line is the unit's input line, 0 when unknown.
	Line int
	// Unit is the unit's ID and Coder the coder (in a wide file, the
	// coder column) who gave the code.
	Unit, Coder string
	// Value is the code as written.
	Value string
	// Level is the level of measurement that needs numbers.
	Level Level
}

// Error names the unit, the coder and the code.
func (e *NotNumericError) Error() string {
	need := "numeric codes"
	if e.Level == Ordinal {
		need = "numeric codes or an explicit order"
	}
	return fmt.Sprintf("%s, coder %q: code %q is not a number (the %v level needs %s)", where(e.Line, e.Unit), e.Coder, e.Value, e.Level, need)
}

// UnpairableError reports units with fewer than two codes when they are
// not allowed (SummaryConfig.Strict). Without Strict such units are left
// out of every statistic and listed in Summary.Unpairable.
type UnpairableError struct {
	// Units are the units with fewer than two codes, in input order; there
	// is at least one.
	Units []Unit
	// Coders names the coders, aligned with each unit's Codes.
	Coders []string
}

// Error names the first unit and its lone code, and counts the others.
func (e *UnpairableError) Error() string {
	if len(e.Units) == 0 {
		return "a unit has fewer than two codes"
	}
	u := e.Units[0]
	what := "has no codes"
	for j, c := range u.Codes {
		if c != "" && j < len(e.Coders) {
			what = fmt.Sprintf("has only one code (%q from coder %q)", c, e.Coders[j])
		}
	}
	msg := fmt.Sprintf("%s %s; agreement needs at least two codes per unit", u.where(), what)
	if n := len(e.Units) - 1; n == 1 {
		msg += " (and 1 more unit like it)"
	} else if n > 1 {
		msg += fmt.Sprintf(" (and %d more units like it)", n)
	}
	return msg
}
