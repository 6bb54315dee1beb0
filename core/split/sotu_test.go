package split

import (
	"encoding/csv"
	"os"
	"testing"
)

// sotuSample is static/data/sotu-party.csv's party labels and presidents.
type sotuSample struct {
	labels, groups []string
}

// readSOTU reads the State of the Union sample: the label (party) and the
// president (the group) of each of its 4,000 passages.
func readSOTU(t testing.TB) sotuSample {
	t.Helper()
	f, err := os.Open("../../static/data/sotu-party.csv")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	col := map[string]int{}
	for i, name := range rows[0] {
		col[name] = i
	}
	var s sotuSample
	for _, r := range rows[1:] {
		s.labels = append(s.labels, r[col["label"]])
		s.groups = append(s.groups, r[col["president"]])
	}
	return s
}
