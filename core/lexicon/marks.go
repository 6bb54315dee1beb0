package lexicon

import (
	"bytes"
	"strings"

	"textlab/core/vader"
)

// Mark is a span of a text that VADER or a dictionary matched, with the
// match's direction, for highlighting.
type Mark struct {
	// Start and End are the span's byte offsets in the text.
	Start, End int
	// Text is the span as written.
	Text string
	// Sign is the match's direction: +1, -1, or 0 when it has none (see
	// Dictionary.Marks).
	Sign int
	// Score is the match's contribution to the text's score: for VADER the
	// word's valence after VADER's rules (negation, boosters, "but", ...),
	// for a dictionary the summed weights of its entries.
	Score float64
	// Lexicon is the word's rating in VADER's lexicon (VADER only).
	Lexicon float64
	// Term is the dictionary term that matched ("happi*"); dictionaries only.
	Term string
	// Categories are the term's categories; dictionaries only.
	Categories []string
}

// VADERMarks returns the words of an analysed text that are in VADER's
// lexicon, in text order.
func VADERMarks(r vader.Result) []Mark {
	var out []Mark
	for _, w := range r.Words {
		if w.InLexicon {
			out = append(out, Mark{Start: w.Start, End: w.End, Text: w.Text, Sign: sign(w.Valence), Score: w.Valence, Lexicon: w.Lexicon})
		}
	}
	return out
}

// Marks returns the matches of a document d scored (its Result, with
// Matches). In a weighted dictionary a match's sign is its score's; in an
// unweighted one, it is the sign CategorySign gives its only category (0
// for a term in several categories).
func (d *Dictionary) Marks(r Result) []Mark {
	out := make([]Mark, 0, len(r.Matches))
	for _, m := range r.Matches {
		k := Mark{Start: m.Start, End: m.End, Text: m.Text, Score: m.Score, Term: m.Term, Categories: m.Categories}
		switch {
		case d.Weighted:
			k.Sign = sign(m.Score)
		case len(m.Categories) == 1:
			k.Sign = CategorySign(m.Categories[0])
		}
		out = append(out, k)
	}
	return out
}

// CategorySign is the direction a category's name says: +1 for names
// starting with "pos" (Bing's "positive", LIWC's "posemo"), -1 for "neg",
// else 0.
func CategorySign(name string) int {
	name = strings.ToLower(name)
	switch {
	case strings.HasPrefix(name, "pos"):
		return 1
	case strings.HasPrefix(name, "neg"):
		return -1
	}
	return 0
}

func sign(x float64) int {
	switch {
	case x > 0:
		return 1
	case x < 0:
		return -1
	}
	return 0
}

// Forms counts the entries whose term is a prefix ("happi*") and those
// whose term is a phrase of several words.
func (d *Dictionary) Forms() (prefixes, phrases int) {
	for _, e := range d.Entries {
		if e.Prefix {
			prefixes++
		}
		if strings.Contains(e.Term, " ") {
			phrases++
		}
	}
	return prefixes, phrases
}

// Format names the format Parse reads data in: "LIWC .dic" or "CSV".
func Format(data []byte) string {
	if isDic(data) {
		return "LIWC .dic"
	}
	return "CSV"
}

// isDic reports whether data is a LIWC .dic file: its first line, after a
// byte-order mark and blank space, starts with "%".
func isDic(data []byte) bool {
	trimmed := bytes.TrimLeft(bytes.TrimPrefix(data, []byte("\xef\xbb\xbf")), " \t\r\n")
	return bytes.HasPrefix(trimmed, []byte("%"))
}
