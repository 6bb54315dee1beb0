package dataset

import (
	"cmp"
	"math"
	"slices"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// SortLabels sorts labels in the order people read them: by numeric value
// when every label is a number ("1", "2", "10", "100", "-0.5"), otherwise
// in natural order, where a run of digits counts by its value ("item 2"
// before "item 10") and everything else by its bytes. Equal values keep a
// fixed order ("1" before "1.0", "item 02" before "item 2").
func SortLabels(labels []string) {
	slices.SortFunc(labels, LabelOrder(labels))
}

// LabelOrder returns the comparison SortLabels uses for this set of labels:
// numeric when every one of them is a number, natural otherwise. Use it to
// break ties between labels in any list built from the set (class counts
// sorted by size, for example).
func LabelOrder(labels []string) func(a, b string) int {
	numeric := len(labels) > 0
	for _, l := range labels {
		if _, ok := labelNumber(l); !ok {
			numeric = false
			break
		}
	}
	if !numeric {
		return CompareNatural
	}
	return func(a, b string) int {
		x, _ := labelNumber(a)
		y, _ := labelNumber(b)
		switch {
		case x < y:
			return -1
		case x > y:
			return 1
		}
		return strings.Compare(a, b)
	}
}

// labelNumber reads a label that is a finite number.
func labelNumber(s string) (float64, bool) {
	f, err := strconv.ParseFloat(strings.TrimSpace(s), 64)
	if err != nil || math.IsNaN(f) || math.IsInf(f, 0) {
		return 0, false
	}
	return f, true
}

// CompareNatural compares a and b in natural order: runs of ASCII digits
// by their value, letters without regard to case ("neutral" between
// "Negative" and "Positive"), everything else by code point; strings that
// compare equal that way (leading zeros, case) fall back to their bytes.
func CompareNatural(a, b string) int {
	i, j := 0, 0
	for i < len(a) && j < len(b) {
		if isDigit(a[i]) && isDigit(b[j]) {
			si, sj := i, j
			for i < len(a) && isDigit(a[i]) {
				i++
			}
			for j < len(b) && isDigit(b[j]) {
				j++
			}
			x := strings.TrimLeft(a[si:i], "0")
			y := strings.TrimLeft(b[sj:j], "0")
			if len(x) != len(y) {
				return cmp.Compare(len(x), len(y))
			}
			if c := strings.Compare(x, y); c != 0 {
				return c
			}
			continue
		}
		r, n := utf8.DecodeRuneInString(a[i:])
		q, m := utf8.DecodeRuneInString(b[j:])
		if c := cmp.Compare(unicode.ToLower(r), unicode.ToLower(q)); c != 0 {
			return c
		}
		i += n
		j += m
	}
	if c := cmp.Compare(len(a)-i, len(b)-j); c != 0 {
		return c
	}
	return strings.Compare(a, b)
}

func isDigit(c byte) bool { return '0' <= c && c <= '9' }

// sortClasses orders class counts most frequent first, ties in the order
// of SortLabels.
func sortClasses(classes []ClassCount) {
	labels := make([]string, len(classes))
	for i, c := range classes {
		labels[i] = c.Label
	}
	order := LabelOrder(labels)
	slices.SortFunc(classes, func(a, b ClassCount) int {
		if a.Count != b.Count {
			return b.Count - a.Count
		}
		return order(a.Label, b.Label)
	})
}
