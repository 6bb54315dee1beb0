package lexicon

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"
)

// maxLine is the longest line the .dic parser accepts.
const maxLine = 1 << 20

// Parse reads a user dictionary, choosing the format by its content: a
// LIWC .dic file starts with a line holding only "%"; anything else is read
// as CSV. name becomes the dictionary's Name.
func Parse(name string, data []byte) (*Dictionary, error) {
	if isDic(data) {
		return ParseDic(name, bytes.NewReader(data))
	}
	return ParseCSV(name, bytes.NewReader(data))
}

// ParseDic reads a dictionary in LIWC's .dic format: a header of category
// lines ("number<TAB>name") between two lines holding "%", then one line per
// term with the numbers of its categories ("happ*<TAB>1<TAB>3"). Fields may
// be separated by tabs or spaces; a term may be a phrase ("thank you 12"),
// and a term ending in "*" is a prefix. Blank lines are skipped.
func ParseDic(name string, r io.Reader) (*Dictionary, error) {
	d := &Dictionary{Name: name}
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 64*1024), maxLine)
	const (
		before = iota // before the opening %
		header        // between the two %
		terms         // after the closing %
	)
	state := before
	catByNum := map[string]int{} // category number as written → index
	catLine := map[string]int{}  // category number → line that defined it
	termLine := map[string]int{} // normalised term → line that defined it
	names := map[string]int{}    // category name → line
	line := 0
	for sc.Scan() {
		line++
		text := sc.Text()
		if line == 1 {
			text = strings.TrimPrefix(text, "\ufeff")
		}
		text = strings.TrimSpace(text)
		if text == "" {
			continue
		}
		switch state {
		case before:
			if text != "%" {
				return nil, lineError(line, "a .dic file must start with a line holding only %%, found %q", clip(text))
			}
			state = header
		case header:
			if text == "%" {
				if len(d.Categories) == 0 {
					return nil, lineError(line, "the header defines no categories")
				}
				state = terms
				continue
			}
			num, catName, ok := strings.Cut(strings.Replace(text, "\t", " ", 1), " ")
			catName = strings.TrimSpace(catName)
			if !ok || catName == "" {
				return nil, lineError(line, "header line %q is not \"number<TAB>name\"", clip(text))
			}
			if _, err := strconv.ParseUint(num, 10, 32); err != nil {
				return nil, lineError(line, "category number %q is not a whole number", clip(num))
			}
			key := canonNum(num)
			if prev, dup := catLine[key]; dup {
				return nil, lineError(line, "category number %s is already defined on line %d", num, prev)
			}
			if prev, dup := names[catName]; dup {
				return nil, lineError(line, "category name %q is already defined on line %d", clip(catName), prev)
			}
			catLine[key], names[catName] = line, line
			catByNum[key] = len(d.Categories)
			d.Categories = append(d.Categories, catName)
		case terms:
			fields := strings.Fields(text)
			k := len(fields)
			for k > 1 && isNumber(fields[k-1]) {
				k--
			}
			if k == len(fields) {
				return nil, lineError(line, "term %q has no category numbers", clip(text))
			}
			words, prefix, err := normalizeTerm(strings.Join(fields[:k], " "))
			if err != nil {
				return nil, lineError(line, "%v", err)
			}
			term := strings.Join(words, " ")
			key := term
			if prefix {
				key += "*"
			}
			if prev, dup := termLine[key]; dup {
				return nil, lineError(line, "term %q is already listed on line %d", clip(key), prev)
			}
			termLine[key] = line
			seen := map[int]bool{}
			for _, f := range fields[k:] {
				c, ok := catByNum[canonNum(f)]
				if !ok {
					return nil, lineError(line, "term %q has category %s, which the header does not define", clip(key), f)
				}
				if seen[c] {
					return nil, lineError(line, "term %q lists category %s twice", clip(key), f)
				}
				seen[c] = true
				d.Entries = append(d.Entries, Entry{Term: term, Prefix: prefix, Category: c, Weight: 1, Line: line})
			}
		}
	}
	if err := sc.Err(); err != nil {
		if errors.Is(err, bufio.ErrTooLong) {
			return nil, lineError(line+1, "line longer than %d bytes", maxLine)
		}
		return nil, lineError(line+1, "%v", err)
	}
	switch state {
	case before:
		return nil, fmt.Errorf("%w (a .dic file starts with a %% line)", ErrEmpty)
	case header:
		return nil, lineError(line, "the header has no closing %% line")
	}
	if len(d.Entries) == 0 {
		return nil, &ParseError{Line: line, Msg: ErrNoTerms.Error(), Err: ErrNoTerms}
	}
	d.build()
	return d, nil
}

// isNumber reports whether s is a whole number (a category reference).
func isNumber(s string) bool {
	_, err := strconv.ParseUint(s, 10, 32)
	return err == nil
}

// canonNum writes a category number without leading zeros ("01" is 1).
func canonNum(s string) string {
	n, err := strconv.ParseUint(s, 10, 32)
	if err != nil {
		return s
	}
	return strconv.FormatUint(n, 10)
}

// ParseCSV reads a dictionary as CSV rows "term,category" or
// "term,category,weight" (all rows alike), with an optional header row whose
// first two fields are "term" and "category". A term may be listed in
// several categories, one row each; a category appears in the order of
// first use. With a weight column the dictionary is weighted.
func ParseCSV(name string, r io.Reader) (*Dictionary, error) {
	cr := csv.NewReader(r)
	cr.TrimLeadingSpace = true
	d := &Dictionary{Name: name}
	cats := map[string]int{}
	seen := map[string]int{} // term + "\x00" + category → line
	first := true
	for {
		rec, err := cr.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			var pe *csv.ParseError
			if errors.As(err, &pe) {
				return nil, lineError(pe.Line, "%v", pe.Err)
			}
			return nil, err
		}
		line, _ := cr.FieldPos(0)
		if first {
			first = false
			if len(rec) > 0 {
				rec[0] = strings.TrimPrefix(rec[0], "\ufeff")
			}
			if len(rec) < 2 || len(rec) > 3 {
				return nil, lineError(line, "a dictionary row is term,category or term,category,weight; found %d fields", len(rec))
			}
			d.Weighted = len(rec) == 3
			if strings.EqualFold(strings.TrimSpace(rec[0]), "term") && strings.EqualFold(strings.TrimSpace(rec[1]), "category") {
				continue
			}
		}
		words, prefix, err := normalizeTerm(rec[0])
		if err != nil {
			return nil, lineError(line, "%v", err)
		}
		cat := strings.TrimSpace(rec[1])
		if cat == "" {
			return nil, lineError(line, "the category is empty")
		}
		weight := 1.0
		if d.Weighted {
			weight, err = strconv.ParseFloat(strings.TrimSpace(rec[2]), 64)
			if err != nil || math.IsInf(weight, 0) || math.IsNaN(weight) {
				return nil, lineError(line, "weight %q is not a number", clip(rec[2]))
			}
		}
		term := strings.Join(words, " ")
		key := term
		if prefix {
			key += "*"
		}
		if prev, dup := seen[key+"\x00"+cat]; dup {
			return nil, lineError(line, "term %q is already in category %q on line %d", clip(key), clip(cat), prev)
		}
		seen[key+"\x00"+cat] = line
		c, ok := cats[cat]
		if !ok {
			c = len(d.Categories)
			cats[cat] = c
			d.Categories = append(d.Categories, cat)
		}
		d.Entries = append(d.Entries, Entry{Term: term, Prefix: prefix, Category: c, Weight: weight, Line: line})
	}
	if len(d.Entries) == 0 {
		return nil, ErrNoTerms
	}
	d.build()
	return d, nil
}

// clip shortens s for an error message.
func clip(s string) string {
	if len(s) <= 60 {
		return s
	}
	r := []rune(s)
	if len(r) <= 60 {
		return s
	}
	return string(r[:57]) + "..."
}
