package dataset

import (
	"strings"
	"unicode/utf8"
)

// guessRows is how many rows Guess looks at.
const guessRows = 5000

// Names that make a column the obvious choice for a role, most telling first.
var (
	textNames  = []string{"text", "content", "body", "message", "sentence", "document", "passage", "review", "tweet", "comment", "abstract"}
	labelNames = []string{"label", "class", "category", "sentiment", "party", "target", "stance", "topic", "code", "tag", "y"}
	idNames    = []string{"id", "doc_id", "docid", "row_id", "uid", "key"}
	groupNames = []string{"group", "speaker", "author", "user", "source", "president", "document_id", "document"}
)

// columnStats describes one column over the first guessRows rows.
type columnStats struct {
	meanLen  float64 // mean length in characters
	distinct int     // distinct non-empty values
	filled   int     // non-empty values
}

// Guess proposes the columns of t: the text is a column named like a text
// ("text", "content", "body", ...) or else the one with the longest mean
// length (more distinct values break ties); the label is a column named
// like a label ("label", "class", "category", "sentiment", "party", ...) or
// else the one with the fewest distinct values (at least two) among short
// columns; the id is a column named "id" (or similar) or else one whose
// short values are all distinct; the group is a column named "group",
// "speaker", "author", "president", "document" (when it is not the text),
// ... Empty fields mean no proposal.
func Guess(t *Table) Columns {
	return guess(t, Columns{})
}

// guess is Guess with some roles already fixed: their columns keep the role
// and are not proposed for another.
func guess(t *Table, fixed Columns) Columns {
	stats := make([]columnStats, len(t.Columns))
	rows := t.Rows[:min(len(t.Rows), guessRows)]
	for j := range t.Columns {
		seen := map[string]bool{}
		total := 0
		for _, r := range rows {
			v := strings.TrimSpace(r.Field(j))
			if v == "" {
				continue
			}
			stats[j].filled++
			total += utf8.RuneCountInString(v)
			seen[v] = true
		}
		stats[j].distinct = len(seen)
		if stats[j].filled > 0 {
			stats[j].meanLen = float64(total) / float64(stats[j].filled)
		}
	}
	var g Columns
	used := map[int]bool{}
	pick := func(i int) string {
		if i < 0 {
			return ""
		}
		used[i] = true
		return t.Columns[i]
	}

	for _, name := range []string{fixed.Text, fixed.Label, fixed.ID, fixed.Group} {
		if i := t.Column(name); i >= 0 {
			used[i] = true
		}
	}
	text := byName(t.Columns, textNames, used)
	if fixed.Text != "" {
		text = -2 // keep fixed.Text
	}
	if text == -1 {
		for j, s := range stats {
			if used[j] || s.filled == 0 {
				continue
			}
			if text < 0 || s.meanLen > stats[text].meanLen ||
				(s.meanLen == stats[text].meanLen && s.distinct > stats[text].distinct) {
				text = j
			}
		}
	}
	g.Text = pick(text)

	label := byName(t.Columns, labelNames, used)
	if fixed.Label != "" {
		label = -2
	}
	if label == -1 {
		for j, s := range stats {
			if used[j] || s.distinct < 2 || s.meanLen > 40 || s.distinct*2 > s.filled+1 {
				continue
			}
			if label < 0 || s.distinct < stats[label].distinct {
				label = j
			}
		}
	}
	g.Label = pick(label)

	id := byName(t.Columns, idNames, used)
	if fixed.ID != "" {
		id = -2
	}
	if id == -1 && len(rows) > 1 {
		for j, s := range stats {
			if !used[j] && s.filled == len(rows) && s.distinct == len(rows) && s.meanLen <= 40 {
				id = j
				break
			}
		}
	}
	g.ID = pick(id)
	group := byName(t.Columns, groupNames, used)
	if fixed.Group != "" {
		group = -2
	}
	g.Group = pick(group)
	if fixed.Text != "" {
		g.Text = fixed.Text
	}
	if fixed.Label != "" {
		g.Label = fixed.Label
	}
	if fixed.ID != "" {
		g.ID = fixed.ID
	}
	if fixed.Group != "" {
		g.Group = fixed.Group
	}
	return g
}

// byName returns the first column (not yet used) whose lower-cased name is
// in names, trying names in order, or -1.
func byName(columns []string, names []string, used map[int]bool) int {
	for _, n := range names {
		for j, c := range columns {
			if !used[j] && strings.ToLower(strings.TrimSpace(c)) == n {
				return j
			}
		}
	}
	return -1
}
