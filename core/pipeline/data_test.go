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
