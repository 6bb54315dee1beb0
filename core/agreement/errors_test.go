package agreement

import (
	"context"
	"errors"
	"strings"
	"testing"
)

// Every statistic that the data do not define returns an *UndefinedError
// that matches ErrUndefined and names the statistic, the reason and, where
// there is one, the single value.
func TestUndefinedErrors(t *testing.T) {
	tests := []struct {
		name string
		err  func() error
		want UndefinedError
		text string // the whole message
	}{
		{"alpha, one value", func() error {
			_, err := KrippendorffAlpha(wide("1111", "1111"), AlphaConfig{})
			return err
		}, UndefinedError{Statistic: StatAlpha, Reason: OneValue, Value: "1"},
			"undefined: every pairable code has the same value, so the expected disagreement is 0 and alpha is not defined"},
		{"alpha, every unit coded once", func() error {
			_, err := KrippendorffAlpha(wide("1.2.", ".3.4"), AlphaConfig{Level: Interval})
			return err
		}, UndefinedError{Statistic: StatAlpha, Reason: NoPairs},
			"undefined: alpha needs at least two pairable values (a unit with two or more codes)"},
		{"cohen, one label", func() error {
			_, err := CohenKappa(wide("xx", "xx"), Unweighted)
			return err
		}, UndefinedError{Statistic: StatCohen, Reason: OneValue, Value: "x"},
			`undefined: every code is the label "x", so the expected disagreement is 0 and kappa is not defined`},
		{"cohen, no unit coded by both", func() error {
			_, err := CohenKappa(wide("1.", ".2"), Unweighted)
			return err
		}, UndefinedError{Statistic: StatCohen, Reason: NoPairs},
			"undefined: Cohen's kappa needs at least one unit with two codes"},
		{"fleiss, one category", func() error {
			_, err := FleissKappa(wide("aa", "aa", "aa"))
			return err
		}, UndefinedError{Statistic: StatFleiss, Reason: OneValue, Value: "a"},
			"undefined: every rating is in one category, so Fleiss' kappa is not defined"},
		{"fleiss table, one rater", func() error {
			_, err := FleissKappaTable([][]int{{1, 0}, {0, 1}})
			return err
		}, UndefinedError{Statistic: StatFleiss, Reason: NoPairs},
			"undefined: Fleiss' kappa needs at least one unit with two or more codes"},
		{"fleiss, no pairable unit", func() error {
			_, err := FleissKappa(wide("1.", ".2"))
			return err
		}, UndefinedError{Statistic: StatFleiss, Reason: NoPairs}, ""},
		{"percent, no pairable unit", func() error {
			_, err := PercentAgreement(wide("1.", ".2"))
			return err
		}, UndefinedError{Statistic: StatPercent, Reason: NoPairs},
			"undefined: percent agreement needs a unit coded by at least two coders"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.err()
			if !errors.Is(err, ErrUndefined) {
				t.Fatalf("err = %v, does not match ErrUndefined", err)
			}
			var ue *UndefinedError
			if !errors.As(err, &ue) {
				t.Fatalf("err = %T, want *UndefinedError", err)
			}
			if *ue != tt.want {
				t.Errorf("got %+v, want %+v", *ue, tt.want)
			}
			if tt.text != "" && err.Error() != tt.text {
				t.Errorf("message %q, want %q", err.Error(), tt.text)
			}
			if strings.Contains(err.Error(), "both coders") {
				t.Errorf("message %q names the coders", err.Error())
			}
		})
	}
}

// Two pairable units, one disagreeing and one agreeing: a resample that
// draws the agreeing unit twice has one value, so its alpha is undefined.
// With one resample, some seed draws exactly that, and the interval is
// undefined in all (one) resamples.
func TestBootstrapAllUndefined(t *testing.T) {
	d := &Data{Coders: []string{"A", "B"}, Units: []Unit{{ID: "1", Codes: []string{"x", "y"}}, {ID: "2", Codes: []string{"z", "z"}}}}
	for seed := uint64(0); seed < 100; seed++ {
		_, err := BootstrapAlpha(context.Background(), d, AlphaConfig{}, BootstrapConfig{Resamples: 1, Seed: seed}, nil)
		if err == nil {
			continue
		}
		var ue *UndefinedError
		if !errors.As(err, &ue) || *ue != (UndefinedError{Statistic: StatInterval, Reason: AllResamplesUndefined, Resamples: 1}) {
			t.Fatalf("seed %d: err = %v", seed, err)
		}
		if err.Error() != "undefined: alpha was undefined in all 1 bootstrap resamples" {
			t.Errorf("message %q", err.Error())
		}
		return
	}
	t.Fatal("no seed out of 100 drew the agreeing unit twice")
}

func TestTooFewCodersError(t *testing.T) {
	tests := []struct {
		name string
		err  func() error
		want TooFewCodersError
		text string
	}{
		{"wide, one column", func() error {
			_, err := ReadWide(strings.NewReader("a\n1\n2\n"), WideOptions{})
			return err
		}, TooFewCodersError{Line: 1, Wide: true, Coders: []string{"a"}}, "line 1: need at least two coder columns, found 1 (a)"},
		{"wide, none picked", func() error {
			_, err := FromRecords([][]string{{"id", "a", "b"}, {"1", "x", "y"}}, []int{3, 4}, Layout{Unit: "id", Coders: []string{}}, nil)
			return err
		}, TooFewCodersError{Line: 3, Wide: true, Coders: nil}, "line 3: need at least two coder columns, found 0 ()"},
		{"long, one coder", func() error {
			_, err := ReadLong(strings.NewReader("unit,who,code\n1,A,x\n2,A,y\n"), LongOptions{Coder: "who"})
			return err
		}, TooFewCodersError{Line: 1, Column: "who", Coders: []string{"A"}}, `line 1: column "who": need at least two coders, found 1 (A)`},
		{"data", func() error {
			return (&Data{Coders: []string{"A"}}).Check()
		}, TooFewCodersError{Coders: []string{"A"}}, "need at least two coders, found 1 (A)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.err()
			if !errors.Is(err, ErrTooFewCoders) {
				t.Fatalf("err = %v, does not match ErrTooFewCoders", err)
			}
			var e *TooFewCodersError
			if !errors.As(err, &e) {
				t.Fatalf("err = %T", err)
			}
			if e.Line != tt.want.Line || e.Wide != tt.want.Wide || e.Column != tt.want.Column || strings.Join(e.Coders, ",") != strings.Join(tt.want.Coders, ",") {
				t.Errorf("got %+v, want %+v", *e, tt.want)
			}
			if err.Error() != tt.text {
				t.Errorf("message %q, want %q", err.Error(), tt.text)
			}
		})
	}
}

func TestNotNumericError(t *testing.T) {
	tests := []struct {
		name  string
		d     *Data
		level Level
		want  NotNumericError
		text  string
	}{
		{"interval", wide("1x", "12"), Interval, NotNumericError{Line: 3, Unit: "2", Coder: "A", Value: "x", Level: Interval},
			`line 3: unit "2", coder "A": code "x" is not a number (the interval level needs numeric codes)`},
		{"ordinal without an order", wide("1", "y"), Ordinal, NotNumericError{Line: 2, Unit: "1", Coder: "B", Value: "y", Level: Ordinal},
			`line 2: unit "1", coder "B": code "y" is not a number (the ordinal level needs numeric codes or an explicit order)`},
		{"ratio, no line", &Data{Coders: []string{"A", "B"}, Units: []Unit{{ID: "u", Codes: []string{"1", "two"}}}}, Ratio, NotNumericError{Unit: "u", Coder: "B", Value: "two", Level: Ratio},
			`unit "u", coder "B": code "two" is not a number (the ratio level needs numeric codes)`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Summarize(context.Background(), tt.d, SummaryConfig{Alpha: AlphaConfig{Level: tt.level}}, nil)
			var e *NotNumericError
			if !errors.As(err, &e) {
				t.Fatalf("err = %v (%T), want *NotNumericError", err, err)
			}
			if *e != tt.want {
				t.Errorf("got %+v, want %+v", *e, tt.want)
			}
			if err.Error() != tt.text {
				t.Errorf("message %q, want %q", err.Error(), tt.text)
			}
		})
	}
	// Nominal codes need not be numbers.
	if _, err := Summarize(context.Background(), wide("1x", "12"), SummaryConfig{}, nil); err != nil {
		t.Errorf("nominal: %v", err)
	}
}

// By default a unit with one code is left out and listed; Strict makes it
// an *UnpairableError naming the unit, its code and its coder.
func TestSummarizeStrict(t *testing.T) {
	d := wide("1.2.", "1122")
	s, err := Summarize(context.Background(), d, SummaryConfig{}, nil)
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, u := range s.Unpairable {
		ids = append(ids, u.ID)
	}
	if strings.Join(ids, ",") != "2,4" || s.Alpha == nil || strings.Join(s.Alpha.Excluded, ",") != "2,4" {
		t.Errorf("unpairable %v, alpha %+v", ids, s.Alpha)
	}
	tests := []struct {
		d    *Data
		text string
		n    int
	}{
		{d, `line 3: unit "2" has only one code ("1" from coder "B"); agreement needs at least two codes per unit (and 1 more unit like it)`, 2},
		{wide("1.", "12"), `line 3: unit "2" has only one code ("2" from coder "B"); agreement needs at least two codes per unit`, 1},
		{wide("1..", "1.."), `line 3: unit "2" has no codes; agreement needs at least two codes per unit (and 1 more unit like it)`, 2},
		{wide("1...", "1..."), `line 3: unit "2" has no codes; agreement needs at least two codes per unit (and 2 more units like it)`, 3},
	}
	for _, tt := range tests {
		_, err := Summarize(context.Background(), tt.d, SummaryConfig{Strict: true}, nil)
		var e *UnpairableError
		if !errors.As(err, &e) {
			t.Fatalf("err = %v, want *UnpairableError", err)
		}
		if len(e.Units) != tt.n || err.Error() != tt.text {
			t.Errorf("%d units, message %q; want %d, %q", len(e.Units), err.Error(), tt.n, tt.text)
		}
	}
	if _, err := Summarize(context.Background(), wide("12", "12"), SummaryConfig{Strict: true}, nil); err != nil {
		t.Errorf("strict without unpairable units: %v", err)
	}
}

func TestStatisticAndReasonNames(t *testing.T) {
	for _, tt := range []struct{ got, want string }{
		{StatAlpha.String(), "Krippendorff's alpha"},
		{StatInterval.String(), "the bootstrap interval for alpha"},
		{StatCohen.String(), "Cohen's kappa"},
		{StatFleiss.String(), "Fleiss' kappa"},
		{StatPercent.String(), "percent agreement"},
		{Statistic(9).String(), "Statistic(9)"},
		{NoPairs.String(), "no pairs"},
		{OneValue.String(), "one value"},
		{AllResamplesUndefined.String(), "all resamples undefined"},
		{Reason(0).String(), "Reason(0)"},
		{(&UndefinedError{Statistic: StatPercent, Reason: OneValue}).Error(), "undefined: percent agreement is not defined for these data"},
	} {
		if tt.got != tt.want {
			t.Errorf("got %q, want %q", tt.got, tt.want)
		}
	}
}
