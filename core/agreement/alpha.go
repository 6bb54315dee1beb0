package agreement

import (
	"fmt"
	"math"
	"sort"
	"strconv"
	"strings"
)

// Level is the level of measurement of the codes; it picks alpha's
// difference function.
type Level int

// The levels of measurement Krippendorff's alpha supports.
const (
	Nominal  Level = iota // categories: any two different codes differ by 1
	Ordinal               // ranks: differences count the values in between
	Interval              // numbers: squared difference
	Ratio                 // non-negative numbers: squared relative difference
)

var levelNames = [...]string{"nominal", "ordinal", "interval", "ratio"}

// String returns the level's lower-case name.
func (l Level) String() string {
	if l >= 0 && int(l) < len(levelNames) {
		return levelNames[l]
	}
	return fmt.Sprintf("Level(%d)", int(l))
}

// ParseLevel returns the Level named s ("nominal", "ordinal", "interval" or
// "ratio", any case).
func ParseLevel(s string) (Level, error) {
	for i, n := range levelNames {
		if strings.EqualFold(strings.TrimSpace(s), n) {
			return Level(i), nil
		}
	}
	return 0, fmt.Errorf("unknown level of measurement %q (want nominal, ordinal, interval or ratio)", s)
}

// AlphaConfig configures KrippendorffAlpha. The zero value computes nominal
// alpha.
type AlphaConfig struct {
	// Level is the level of measurement; the zero value is Nominal.
	// Interval and Ratio need numeric codes (Ratio non-negative ones).
	Level Level
	// Order lists the codes from lowest to highest rank, for the Ordinal
	// level only. If nil, ordinal codes must be numbers and are ranked by
	// value.
	Order []string
}

// Coincidence is Krippendorff's coincidence matrix: Counts[c][k] is o_ck,
// the number of c-k pairs of values within units, each unit's pairs weighted
// by 1/(m_u-1) where m_u is its number of codes, so that a unit contributes
// m_u values in all.
type Coincidence struct {
	// Values labels the rows and columns. Numeric codes are ordered by
	// value and written in shortest form ("1.0" becomes "1"); ordinal codes
	// with an Order follow it; nominal codes that are not all numbers are
	// sorted as strings.
	Values []string
	// Counts holds o_ck; it is symmetric.
	Counts [][]float64
	// Marginals holds n_c, the row sums of Counts.
	Marginals []float64
	// Total is n, the number of pairable values.
	Total float64
}

// AlphaResult is Krippendorff's alpha with the numbers behind it.
type AlphaResult struct {
	Level Level
	// Alpha is 1 - Observed/Expected: 1 for perfect agreement, 0 for
	// agreement at chance level, negative for systematic disagreement.
	Alpha float64
	// Observed and Expected are the disagreements D_o and D_e.
	Observed, Expected float64
	// Coincidence is the coincidence matrix the disagreements come from.
	Coincidence Coincidence
	// Units and Values count the pairable units and pairable values (n).
	Units, Values int
	// Excluded lists the IDs of units with fewer than two codes; they are
	// not pairable and take no part in alpha.
	Excluded []string
}

// valueCount is how many times value index v occurs in one unit.
type valueCount struct {
	v int
	n float64
}

// unitValues is one pairable unit: its value counts and its number of codes.
type unitValues struct {
	counts []valueCount
	m      float64
}

// alphaTable is the data reduced to value indices, ready for the
// coincidence matrix.
type alphaTable struct {
	level    Level
	labels   []string
	nums     []float64 // numeric value of each label (ranks for ordinal with Order)
	units    []unitValues
	excluded []string
}

// parseNumber parses a numeric code, rejecting NaN and infinities.
func parseNumber(s string) (float64, bool) {
	f, err := strconv.ParseFloat(s, 64)
	if err != nil || math.IsNaN(f) || math.IsInf(f, 0) {
		return 0, false
	}
	return f, true
}

// newAlphaTable checks the codes against the level and maps them to value
// indices ordered as described on Coincidence.Values.
func newAlphaTable(d *Data, cfg AlphaConfig) (*alphaTable, error) {
	if err := d.Check(); err != nil {
		return nil, err
	}
	if cfg.Level < Nominal || cfg.Level > Ratio {
		return nil, fmt.Errorf("unknown level of measurement %v", cfg.Level)
	}
	t := &alphaTable{level: cfg.Level}
	rank := map[string]float64{}
	useOrder := cfg.Level == Ordinal && cfg.Order != nil
	if useOrder {
		for i, c := range cfg.Order {
			c = strings.TrimSpace(c)
			if _, dup := rank[c]; dup {
				return nil, fmt.Errorf("ordinal order lists %q twice", c)
			}
			rank[c] = float64(i)
		}
	}
	// key identifies a value: the code itself (nominal, ordinal with Order)
	// or its number's shortest form (numeric levels).
	keyIdx := map[string]int{}
	keyNum := map[string]float64{}
	allNumeric := true
	var raw [][]string // keys per pairable unit
	for _, u := range d.Units {
		if !u.Pairable() {
			t.excluded = append(t.excluded, u.ID)
			continue
		}
		keys := make([]string, 0, len(u.Codes))
		for j, c := range u.Codes {
			if c == "" {
				continue
			}
			key := c
			switch {
			case useOrder:
				r, ok := rank[c]
				if !ok {
					return nil, fmt.Errorf("%s, coder %q: code %q is not in the ordinal order (%s)", u.where(), d.Coders[j], c, strings.Join(cfg.Order, ", "))
				}
				keyNum[key] = r
			case cfg.Level == Nominal:
				if f, ok := parseNumber(c); ok {
					keyNum[key] = f
				} else {
					allNumeric = false
				}
			default:
				f, ok := parseNumber(c)
				if !ok {
					return nil, &NotNumericError{Line: u.Line, Unit: u.ID, Coder: d.Coders[j], Value: c, Level: cfg.Level}
				}
				if cfg.Level == Ratio && f < 0 {
					return nil, fmt.Errorf("%s, coder %q: code %q is negative (the ratio level needs codes >= 0)", u.where(), d.Coders[j], c)
				}
				key = strconv.FormatFloat(f, 'g', -1, 64)
				keyNum[key] = f
			}
			keys = append(keys, key)
			keyIdx[key] = -1
		}
		raw = append(raw, keys)
	}
	for k := range keyIdx {
		t.labels = append(t.labels, k)
	}
	if cfg.Level == Nominal && !allNumeric {
		sort.Strings(t.labels)
	} else {
		sort.Slice(t.labels, func(i, j int) bool {
			a, b := keyNum[t.labels[i]], keyNum[t.labels[j]]
			if a != b {
				return a < b
			}
			return t.labels[i] < t.labels[j] // "1" and "1.0" at nominal level
		})
	}
	t.nums = make([]float64, len(t.labels))
	for i, k := range t.labels {
		keyIdx[k] = i
		t.nums[i] = keyNum[k]
	}
	for _, keys := range raw {
		uv := unitValues{m: float64(len(keys))}
		for _, k := range keys {
			v := keyIdx[k]
			found := false
			for i := range uv.counts {
				if uv.counts[i].v == v {
					uv.counts[i].n++
					found = true
					break
				}
			}
			if !found {
				uv.counts = append(uv.counts, valueCount{v, 1})
			}
		}
		t.units = append(t.units, uv)
	}
	return t, nil
}

// coincidence adds up the coincidence matrix of the given units (indices
// into t.units; nil means all of them, once each).
func (t *alphaTable) coincidence(sample []int) Coincidence {
	k := len(t.labels)
	o := make([][]float64, k)
	for i := range o {
		o[i] = make([]float64, k)
	}
	add := func(u unitValues) {
		for _, a := range u.counts {
			for _, b := range u.counts {
				pairs := a.n * b.n
				if a.v == b.v {
					pairs = a.n * (a.n - 1)
				}
				o[a.v][b.v] += pairs / (u.m - 1)
			}
		}
	}
	if sample == nil {
		for _, u := range t.units {
			add(u)
		}
	} else {
		for _, i := range sample {
			add(t.units[i])
		}
	}
	c := Coincidence{Values: t.labels, Counts: o, Marginals: make([]float64, k)}
	for i := range o {
		for j := range o[i] {
			c.Marginals[i] += o[i][j]
		}
		c.Total += c.Marginals[i]
	}
	return c
}

// delta2 returns the squared difference function of the level for the
// values of c (the ordinal one depends on c's marginals).
func (t *alphaTable) delta2(c Coincidence) [][]float64 {
	k := len(t.labels)
	d := make([][]float64, k)
	for i := range d {
		d[i] = make([]float64, k)
	}
	// below[i] is the sum of the marginals of values 0..i-1 (ordinal).
	below := make([]float64, k+1)
	for i, n := range c.Marginals {
		below[i+1] = below[i] + n
	}
	for i := 0; i < k; i++ {
		for j := i + 1; j < k; j++ {
			var v float64
			switch t.level {
			case Nominal:
				v = 1
			case Ordinal:
				s := below[j+1] - below[i] - (c.Marginals[i]+c.Marginals[j])/2
				v = s * s
			case Interval:
				x := t.nums[i] - t.nums[j]
				v = x * x
			case Ratio:
				// i != j and both >= 0, so the sum is positive.
				x := (t.nums[i] - t.nums[j]) / (t.nums[i] + t.nums[j])
				v = x * x
			}
			d[i][j], d[j][i] = v, v
		}
	}
	return d
}

// alpha computes alpha from a coincidence matrix.
func (t *alphaTable) alpha(c Coincidence) (a, observed, expected float64, err error) {
	n := c.Total
	if n < 2 {
		return 0, 0, 0, &UndefinedError{Statistic: StatAlpha, Reason: NoPairs}
	}
	d := t.delta2(c)
	var do, de float64
	for i := range d {
		for j := range d[i] {
			do += c.Counts[i][j] * d[i][j]
			de += c.Marginals[i] * c.Marginals[j] * d[i][j]
		}
	}
	if de == 0 {
		return 0, 0, 0, &UndefinedError{Statistic: StatAlpha, Reason: OneValue, Value: t.labels[0]}
	}
	a = 1 - (n-1)*do/de
	if math.IsNaN(a) || math.IsInf(a, 0) || math.IsInf(de, 0) {
		return 0, 0, 0, fmt.Errorf("the codes are too large to compute alpha at the %v level (the squared differences overflow)", t.level)
	}
	return a, do / n, de / (n * (n - 1)), nil
}

// KrippendorffAlpha computes Krippendorff's alpha of d at the configured
// level of measurement by the coincidence-matrix method: with o_ck the
// coincidence matrix, n_c its marginals, n the number of pairable values and
// δ² the level's difference function,
//
//	alpha = 1 - D_o/D_e = 1 - (n-1) Σ o_ck δ²_ck / Σ n_c n_k δ²_ck.
//
// Units with fewer than two codes are excluded and listed in the result. The
// ordinal difference between values c < k is (Σ_{g=c..k} n_g - (n_c+n_k)/2)²,
// from the marginals of the coincidence matrix. Alpha is undefined (an
// *UndefinedError with Reason NoPairs or OneValue) with fewer than two
// pairable values or when all of them are the same value. A code that is
// not a number at a level that needs numbers is a *NotNumericError.
func KrippendorffAlpha(d *Data, cfg AlphaConfig) (*AlphaResult, error) {
	t, err := newAlphaTable(d, cfg)
	if err != nil {
		return nil, err
	}
	c := t.coincidence(nil)
	r := &AlphaResult{Level: cfg.Level, Coincidence: c, Units: len(t.units), Values: int(math.Round(c.Total)), Excluded: t.excluded}
	r.Alpha, r.Observed, r.Expected, err = t.alpha(c)
	if err != nil {
		return nil, err
	}
	return r, nil
}
