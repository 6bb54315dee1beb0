package tokentrain

import (
	"cmp"
	"slices"
)

// charCount is one character of the training words and how often it occurs.
type charCount struct {
	unit  string // the character's UTF-8 bytes (for llama: run.c's unit)
	count int64
}

// chooseAlphabet returns the characters that become pieces of their own:
// every character of extra, and the most frequent characters of counts
// until they cover at least coverage of all character occurrences. Ties in
// count are broken by byte order; the result is ordered by count (largest
// first), then byte order.
func chooseAlphabet(counts map[string]int64, coverage float64, extra string) []charCount {
	all := make([]charCount, 0, len(counts))
	var total int64
	for u, n := range counts {
		all = append(all, charCount{u, n})
		total += n
	}
	slices.SortFunc(all, func(a, b charCount) int {
		if c := cmp.Compare(b.count, a.count); c != 0 {
			return c
		}
		return cmp.Compare(a.unit, b.unit)
	})
	keep := map[string]bool{}
	for _, r := range extra {
		keep[string(r)] = true
	}
	var covered int64
	var out []charCount
	for _, c := range all {
		if float64(covered) < coverage*float64(total) || keep[c.unit] {
			out = append(out, c)
			delete(keep, c.unit)
		}
		covered += c.count
	}
	// Characters of extra that the words do not have.
	var rest []string
	for u := range keep {
		rest = append(rest, u)
	}
	slices.Sort(rest)
	for _, u := range rest {
		out = append(out, charCount{u, 0})
	}
	return out
}

// printableASCII returns the ASCII characters from '!' to '~', with
// upper-case letters only if upper is set, plus a space if space is set.
func printableASCII(upper, space bool) string {
	var b []byte
	if space {
		b = append(b, ' ')
	}
	for c := byte('!'); c <= '~'; c++ {
		if !upper && c >= 'A' && c <= 'Z' {
			continue
		}
		b = append(b, c)
	}
	return string(b)
}
