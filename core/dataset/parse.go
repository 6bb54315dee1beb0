package dataset

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"path"
	"slices"
	"strings"
)

// delimiters are the separators Parse detects, in order of preference when
// they fit the first lines equally well.
var delimiters = []rune{',', '\t', ';', '|'}

// sniffBytes and sniffRecords bound the part of a file that delimiter
// detection looks at.
const (
	sniffBytes   = 64 << 10
	sniffRecords = 50
)

// Parse decodes data and reads it as CSV/TSV or JSON Lines into a Table.
// Records that cannot become rows are listed in Table.Problems. NUL and
// other control bytes in a text file are removed (the rows are kept) and
// their lines listed in Table.ControlLines and a warning. It returns
// an error (matching one of the Err* sentinels) for an empty, binary (see
// BinarySample) or too
// large input, a header without rows, and a row with more than
// opts.MaxColumns fields.
func Parse(ctx context.Context, data []byte, opts Options) (*Table, error) {
	if err := CheckSize(int64(len(data)), opts); err != nil {
		return nil, err
	}
	d, err := decode(data)
	if err != nil {
		return nil, err
	}
	text, ctl := stripControls(normalizeNewlines(d.text))
	if strings.TrimSpace(text) == "" {
		return nil, errorf(ErrEmpty, "the file is empty; pick a file with a header line and one row per text")
	}
	t := &Table{Encoding: d.encoding, Warnings: d.warnings, replaced: d.replaced, ctl: ctl}
	format := opts.Format
	if format == FormatAuto {
		format = detectFormat(opts.Name, text)
	}
	switch format {
	case FormatJSONL:
		t.Format = FormatJSONL
		err = parseJSONL(ctx, t, text, opts)
	case FormatCSV:
		t.Format = FormatCSV
		err = parseCSV(ctx, t, text, opts)
	default:
		return nil, fmt.Errorf("dataset: unknown format %q", format)
	}
	if err != nil {
		return nil, err
	}
	// JSON Lines may also hold control characters as escapes ("\u0000").
	slices.Sort(t.ctl.Lines)
	t.ControlLines = slices.Compact(t.ctl.Lines)
	t.ctl.Lines = t.ControlLines
	if w := t.ctl.warning(); w != "" {
		t.Warnings = append(t.Warnings, w)
	}
	opts.progress(1, "read")
	return t, nil
}

// normalizeNewlines turns \r\n and lone \r into \n. Every line ending stays
// one line ending, so line numbers are unchanged.
func normalizeNewlines(s string) string {
	if !strings.Contains(s, "\r") {
		return s
	}
	s = strings.ReplaceAll(s, "\r\n", "\n")
	return strings.ReplaceAll(s, "\r", "\n")
}

// detectFormat picks JSON Lines for a .jsonl/.ndjson/.json name or for
// content that starts with "{", and CSV otherwise.
func detectFormat(name, text string) Format {
	switch strings.ToLower(path.Ext(name)) {
	case ".jsonl", ".ndjson", ".json":
		return FormatJSONL
	case ".csv", ".tsv", ".tab", ".txt":
		return FormatCSV
	}
	if strings.HasPrefix(strings.TrimLeft(text, " \t\n"), "{") {
		return FormatJSONL
	}
	return FormatCSV
}

// DetectDelimiter returns the separator among comma, tab, semicolon and
// pipe that splits the first lines of text into the most consistent number
// of fields (more than one), honouring double quotes. Ties go to the first
// in that order, or to tab when name ends in .tsv or .tab. It returns comma
// when no candidate splits the lines.
func DetectDelimiter(text, name string) rune {
	order := delimiters
	if ext := strings.ToLower(path.Ext(name)); ext == ".tsv" || ext == ".tab" {
		order = []rune{'\t', ',', ';', '|'}
	}
	text = normalizeNewlines(text)
	truncated := false
	if len(text) > sniffBytes {
		text, truncated = text[:sniffBytes], true
	}
	best, bestScore, bestFields := ',', 0.0, 0
	for _, d := range order {
		counts := fieldCounts(text, byte(d), truncated)
		score, fields := consistency(counts)
		if fields < 2 {
			continue
		}
		if score > bestScore || (score == bestScore && fields > bestFields) {
			best, bestScore, bestFields = d, score, fields
		}
	}
	return best
}

// fieldCounts returns the number of fields of each of the first
// sniffRecords records of text split at delim, where double quotes protect
// delimiters and newlines (a quote opens quoting only at the start of a
// field, as RFC 4180 has it). When text was cut short, its last, possibly
// incomplete record is left out.
func fieldCounts(text string, delim byte, truncated bool) []int {
	var counts []int
	fields := 1
	inQuotes := false
	started := false // the record has content
	atStart := true  // at the start of a field, where a quote opens quoting
	for i := 0; i < len(text) && len(counts) < sniffRecords; i++ {
		c := text[i]
		if inQuotes {
			if c == '"' {
				if i+1 < len(text) && text[i+1] == '"' {
					i++ // a doubled quote stands for one quote
				} else {
					inQuotes = false
				}
			}
			continue
		}
		switch {
		case c == '"' && atStart:
			inQuotes, started, atStart = true, true, false
		case c == delim:
			fields++
			started, atStart = true, true
		case c == '\n':
			if started {
				counts = append(counts, fields)
			}
			fields, started, atStart = 1, false, true
		default:
			started, atStart = true, false
		}
	}
	if started && !truncated && len(counts) < sniffRecords {
		counts = append(counts, fields)
	}
	return counts
}

// consistency returns the share of records that have the most common field
// count, and that count.
func consistency(counts []int) (float64, int) {
	if len(counts) == 0 {
		return 0, 0
	}
	freq := map[int]int{}
	mode := 0
	for _, c := range counts {
		freq[c]++
		if freq[c] > freq[mode] || (freq[c] == freq[mode] && c > mode) {
			mode = c
		}
	}
	return float64(freq[mode]) / float64(len(counts)), mode
}

// parseCSV reads delimiter-separated text (RFC 4180 quoting) into t.
func parseCSV(ctx context.Context, t *Table, text string, opts Options) error {
	delim := opts.Delimiter
	if delim == 0 {
		delim = DetectDelimiter(text, opts.Name)
	}
	t.Delimiter = string(delim)
	r := csv.NewReader(strings.NewReader(text))
	r.Comma = delim
	r.FieldsPerRecord = -1
	r.LazyQuotes = true
	maxCols := opts.maxColumns()
	header := true
	lastErrLine := -1
	for n := 0; ; n++ {
		if n%1024 == 0 {
			if err := ctx.Err(); err != nil {
				return err
			}
			if n%65536 == 0 && n > 0 {
				opts.progress(float64(r.InputOffset())/float64(len(text)), "reading rows")
			}
		}
		rec, err := r.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			// LazyQuotes makes parse errors rare; list one and go on,
			// unless the reader is stuck on the same line.
			line := 0
			var pe *csv.ParseError
			if errors.As(err, &pe) {
				line = pe.StartLine
			}
			if line == lastErrLine {
				return fmt.Errorf("line %d: %v", line, err)
			}
			lastErrLine = line
			t.Problems = append(t.Problems, Problem{Line: line, Reason: ReasonFieldCount, Detail: err.Error()})
			continue
		}
		line, _ := r.FieldPos(0)
		if len(rec) > maxCols {
			return errorf(ErrTooManyColumns, "line %d: the row has %s fields; Textlab reads at most %s columns; is the delimiter right?",
				line, thousands(len(rec)), thousands(maxCols))
		}
		if header {
			t.Columns = headerNames(rec, t)
			header = false
			continue
		}
		if len(rec) == 1 && strings.TrimSpace(rec[0]) == "" && len(t.Columns) > 1 {
			continue // a line of blanks, like the empty lines csv skips
		}
		if len(rec) != len(t.Columns) {
			detail := fmt.Sprintf("%d fields, the header has %d", len(rec), len(t.Columns))
			end := line
			for _, f := range rec {
				end += strings.Count(f, "\n")
			}
			if end > line {
				detail += fmt.Sprintf("; the record runs from line %d to line %d: is a quote left open?", line, end)
			}
			t.Problems = append(t.Problems, Problem{Line: line, Reason: ReasonFieldCount, Detail: detail})
			continue
		}
		t.Rows = append(t.Rows, Row{Line: line, Fields: rec})
	}
	if header {
		return errorf(ErrEmpty, "the file is empty; pick a file with a header line and one row per text")
	}
	if len(t.Rows) == 0 && len(t.Problems) == 0 {
		return errorf(ErrHeaderOnly, "the file has a header (%s) but no rows below it", strings.Join(t.Columns, ", "))
	}
	return nil
}

// headerNames cleans the header cells: trimmed, empty ones named
// "column N", repeated ones suffixed " (2)", " (3)"; each change is noted in
// t.Warnings.
func headerNames(rec []string, t *Table) []string {
	names := make([]string, len(rec))
	seen := make(map[string]bool, len(rec))
	for i, h := range rec {
		name := strings.TrimSpace(h)
		if name == "" {
			name = fmt.Sprintf("column %d", i+1)
			t.Warnings = append(t.Warnings, fmt.Sprintf("header cell %d is empty; it is called %q", i+1, name))
		}
		if seen[name] {
			base := name
			for k := 2; seen[name]; k++ {
				name = fmt.Sprintf("%s (%d)", base, k)
			}
			t.Warnings = append(t.Warnings, fmt.Sprintf("header %q appears more than once; column %d is called %q", base, i+1, name))
		}
		seen[name] = true
		names[i] = name
	}
	return names
}

// parseJSONL reads one JSON object per line into t. The columns are the
// union of the keys in order of first appearance; a row lacks the fields of
// keys it does not have (Row.Field returns "" for them).
func parseJSONL(ctx context.Context, t *Table, text string, opts Options) error {
	maxCols := opts.maxColumns()
	index := map[string]int{}
	line := 0
	for start := 0; start < len(text); {
		end := strings.IndexByte(text[start:], '\n')
		if end < 0 {
			end = len(text)
		} else {
			end += start
		}
		s := text[start:end]
		start = end + 1
		line++
		if line%1024 == 0 {
			if err := ctx.Err(); err != nil {
				return err
			}
			if line%65536 == 0 {
				opts.progress(float64(start)/float64(len(text)), "reading rows")
			}
		}
		if strings.TrimSpace(s) == "" {
			continue
		}
		keys, vals, err := parseObject(s)
		if err != nil {
			t.Problems = append(t.Problems, Problem{Line: line, Reason: ReasonBadJSON, Detail: err.Error()})
			continue
		}
		if len(keys) > maxCols {
			return errorf(ErrTooManyColumns, "line %d: the object has %s keys; Textlab reads at most %s columns",
				line, thousands(len(keys)), thousands(maxCols))
		}
		for i, v := range vals {
			if clean, n := removeControls(v); n > 0 {
				vals[i] = clean
				t.ctl.Bytes += n
				t.ctl.Lines = append(t.ctl.Lines, line)
			}
		}
		row := Row{Line: line, Fields: make([]string, len(t.Columns), len(t.Columns)+len(keys))}
		for i, k := range keys {
			j, ok := index[k]
			if !ok {
				if len(t.Columns) >= maxCols {
					return errorf(ErrTooManyColumns, "line %d: the objects have more than %s distinct keys; Textlab reads at most %s columns",
						line, thousands(maxCols), thousands(maxCols))
				}
				j = len(t.Columns)
				index[k] = j
				t.Columns = append(t.Columns, k)
			}
			for len(row.Fields) <= j {
				row.Fields = append(row.Fields, "")
			}
			row.Fields[j] = vals[i]
		}
		t.Rows = append(t.Rows, row)
	}
	return nil
}

// parseObject parses one JSON object, keeping the order of its keys. String
// values are unquoted, null becomes "", and other values (numbers, booleans,
// arrays, objects) become their compact JSON text.
func parseObject(s string) (keys, vals []string, err error) {
	dec := json.NewDecoder(strings.NewReader(s))
	dec.UseNumber()
	tok, err := dec.Token()
	if err != nil {
		return nil, nil, fmt.Errorf("not valid JSON: %v", err)
	}
	if d, ok := tok.(json.Delim); !ok || d != '{' {
		return nil, nil, errors.New("not a JSON object (each line must be {...})")
	}
	seen := map[string]int{}
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return nil, nil, fmt.Errorf("not valid JSON: %v", err)
		}
		key, _ := tok.(string)
		var raw json.RawMessage
		if err := dec.Decode(&raw); err != nil {
			return nil, nil, fmt.Errorf("not valid JSON: %v", err)
		}
		v, err := jsonText(raw)
		if err != nil {
			return nil, nil, fmt.Errorf("not valid JSON: %v", err)
		}
		if i, dup := seen[key]; dup {
			vals[i] = v // the last of repeated keys wins
			continue
		}
		seen[key] = len(keys)
		keys = append(keys, key)
		vals = append(vals, v)
	}
	if _, err := dec.Token(); err != nil {
		return nil, nil, fmt.Errorf("not valid JSON: %v", err)
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, nil, errors.New("not valid JSON: more text after the object (one object per line)")
	}
	return keys, vals, nil
}

// jsonText turns one JSON value into a cell.
func jsonText(raw json.RawMessage) (string, error) {
	switch {
	case len(raw) == 0:
		return "", nil
	case raw[0] == '"':
		var s string
		err := json.Unmarshal(raw, &s)
		return s, err
	case string(raw) == "null":
		return "", nil
	case raw[0] == '{' || raw[0] == '[':
		var buf bytes.Buffer
		if err := json.Compact(&buf, raw); err != nil {
			return "", err
		}
		return buf.String(), nil
	default:
		return string(raw), nil
	}
}

// Field returns the i-th field of r, or "" when the row has none there
// (JSON Lines rows may lack keys other rows have).
func (r Row) Field(i int) string {
	if i < 0 || i >= len(r.Fields) {
		return ""
	}
	return r.Fields[i]
}
