package pipeline

import (
	"reflect"
	"testing"

	"textlab/core/dataset"
)

func TestFromExamples(t *testing.T) {
	tests := []struct {
		name       string
		examples   []dataset.Example
		wantNames  []string
		wantLabels []int
	}{
		{"empty", nil, nil, []int{}},
		{"sorted by byte order", []dataset.Example{{Text: "a", Label: "spam"}, {Text: "b", Label: "ham"}, {Text: "c", Label: "Zed"}, {Text: "d", Label: "spam"}},
			[]string{"Zed", "ham", "spam"}, []int{2, 1, 0, 2}},
		{"one class", []dataset.Example{{Text: "x", Label: "only"}}, []string{"only"}, []int{0}},
	}
	for _, tc := range tests {
		d := FromExamples("f.csv", tc.examples)
		if d.Name != "f.csv" || !reflect.DeepEqual(d.LabelNames, tc.wantNames) || !reflect.DeepEqual(d.Labels, tc.wantLabels) {
			t.Errorf("%s: got names %q labels %v, want %q %v", tc.name, d.LabelNames, d.Labels, tc.wantNames, tc.wantLabels)
		}
		for i, ex := range tc.examples {
			if d.Texts[i] != ex.Text {
				t.Errorf("%s: text %d = %q, want %q", tc.name, i, d.Texts[i], ex.Text)
			}
		}
	}
}

func TestChecksum(t *testing.T) {
	base := Data{Name: "a.csv", Texts: []string{"x y", "z"}, Labels: []int{0, 1}, LabelNames: []string{"neg", "pos"}}
	same := base
	same.Name, same.Lines = "b.csv", []int{2, 3}
	renumbered := Data{Texts: []string{"x y", "z"}, Labels: []int{1, 0}, LabelNames: []string{"pos", "neg"}}
	relabeled := base
	relabeled.Labels = []int{1, 1}
	grouped := base
	grouped.Groups = []string{"g1", "g2"}
	shifted := Data{Texts: []string{"x", "y z"}, Labels: []int{0, 1}, LabelNames: []string{"neg", "pos"}}
	withTest := base
	withTest.Test = &Data{Texts: []string{"t"}, Labels: []int{0}, LabelNames: []string{"neg"}}
	tests := []struct {
		name string
		d    Data
		same bool
	}{
		{"other name and lines", same, true},
		{"labels numbered otherwise", renumbered, true},
		{"other labels", relabeled, false},
		{"groups", grouped, false},
		{"text boundaries moved", shifted, false},
		{"a separate test set", withTest, false},
	}
	want := base.Checksum()
	if len(want) != 64 {
		t.Fatalf("checksum %q", want)
	}
	for _, tc := range tests {
		if got := tc.d.Checksum(); (got == want) != tc.same {
			t.Errorf("%s: checksum %s, base %s, want equal: %v", tc.name, got, want, tc.same)
		}
	}
}
