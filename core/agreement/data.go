// Package agreement measures inter-coder reliability: how far several coders
// (people, or a model and the people) agree when they assign codes to the
// same units.
//
// The input is a reliability data matrix (Data): units in rows, coders in
// columns, with missing codes allowed. From it the package computes
//
//   - percent agreement over pairable values (PercentAgreement),
//   - Cohen's kappa for two coders, unweighted or with linear or quadratic
//     weights, exactly as scikit-learn's cohen_kappa_score (CohenKappa),
//   - Fleiss' kappa for units coded by the same number of coders
//     (FleissKappa, FleissKappaTable),
//   - Krippendorff's alpha for nominal, ordinal, interval and ratio data with
//     missing values, by the coincidence-matrix method of Krippendorff (2011),
//     "Computing Krippendorff's Alpha-Reliability" (KrippendorffAlpha), with a
//     bootstrap confidence interval (BootstrapAlpha),
//   - the list of units the coders disagree on, so they can discuss them
//     (Disagreements).
//
// A statistic that is undefined for the data (a single category, so the
// expected disagreement is 0; fewer than two pairable values) is reported as
// an *UndefinedError (matching ErrUndefined), never as NaN. Errors are
// values that carry their facts (*UndefinedError, *TooFewCodersError,
// *NotNumericError, *UnpairableError), so callers word them with errors.As
// instead of reading the text.
//
// Data comes from already-split CSV records in wide format (one column per
// coder, FromWide) or long format (unit, coder, code, FromLong), or straight
// from CSV bytes (ReadWide, ReadLong). A Layout names the columns of either
// format; GuessLayout proposes one from a header and FromRecords builds Data
// with it.
package agreement

import (
	"errors"
	"fmt"
)

// Data is a reliability data matrix: one Unit per coded item, each holding
// one code per coder.
type Data struct {
	// Coders names the coders, in column order.
	Coders []string
	// Units are the coded items, in input order.
	Units []Unit
}

// Unit is one row of the reliability data matrix.
type Unit struct {
	// ID names the unit in messages and results.
	ID string
	// Line is the input line the unit came from (in long format, its first
	// record); 0 when unknown.
	Line int
	// Codes holds one code per coder, aligned with Data.Coders; the empty
	// string means the coder did not code the unit (missing).
	Codes []string
}

// where names the unit for error messages: `line 5: unit "u3"`.
func (u Unit) where() string { return where(u.Line, u.ID) }

// where names a unit by its line (when known) and ID.
func where(line int, id string) string {
	if line > 0 {
		return fmt.Sprintf("line %d: unit %q", line, id)
	}
	return fmt.Sprintf("unit %q", id)
}

// NumCodes returns how many coders coded the unit.
func (u Unit) NumCodes() int {
	n := 0
	for _, c := range u.Codes {
		if c != "" {
			n++
		}
	}
	return n
}

// Pairable reports whether the unit holds at least two codes, so that its
// codes can be paired with each other. Units with fewer codes carry no
// information about agreement and are left out of every statistic.
func (u Unit) Pairable() bool { return u.NumCodes() >= 2 }

// Check reports the first structural problem of d: fewer than two coders
// (*TooFewCodersError), duplicate coder names, or a unit whose number of
// codes differs from the number of coders.
func (d *Data) Check() error {
	if d == nil {
		return errors.New("no data")
	}
	if len(d.Coders) < 2 {
		return &TooFewCodersError{Coders: d.Coders}
	}
	seen := make(map[string]bool, len(d.Coders))
	for _, c := range d.Coders {
		if seen[c] {
			return fmt.Errorf("coder %q appears twice", c)
		}
		seen[c] = true
	}
	for _, u := range d.Units {
		if len(u.Codes) != len(d.Coders) {
			return fmt.Errorf("%s: has %d codes for %d coders", u.where(), len(u.Codes), len(d.Coders))
		}
	}
	return nil
}

// Unpairable returns the units with fewer than two codes. They are excluded
// from all statistics; callers may report them or treat them as errors.
func (d *Data) Unpairable() []Unit {
	var out []Unit
	for _, u := range d.Units {
		if !u.Pairable() {
			out = append(out, u)
		}
	}
	return out
}

// NumPairable returns the number of pairable units and the number of
// pairable values (codes in pairable units; Krippendorff's n).
func (d *Data) NumPairable() (units, values int) {
	for _, u := range d.Units {
		if m := u.NumCodes(); m >= 2 {
			units++
			values += m
		}
	}
	return units, values
}

// Disagreement is a pairable unit whose codes are not all the same.
type Disagreement struct {
	Unit string // the unit's ID
	Line int    // the unit's input line, 0 when unknown
	// Codes holds the unit's codes aligned with Data.Coders; "" is missing.
	Codes []string
}

// Disagreements lists the pairable units whose codes differ (compared as
// strings), in input order, so the coders can discuss them.
func Disagreements(d *Data) ([]Disagreement, error) {
	if err := d.Check(); err != nil {
		return nil, err
	}
	var out []Disagreement
	for _, u := range d.Units {
		if !u.Pairable() {
			continue
		}
		first := ""
		for _, c := range u.Codes {
			if c == "" {
				continue
			}
			if first == "" {
				first = c
			} else if c != first {
				out = append(out, Disagreement{Unit: u.ID, Line: u.Line, Codes: append([]string(nil), u.Codes...)})
				break
			}
		}
	}
	return out, nil
}
