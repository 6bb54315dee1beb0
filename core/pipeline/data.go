package pipeline

import (
	"sort"

	"textlab/core/dataset"
)

// FromExamples turns the usable rows of a labeled file into Data: the texts
// in file order, and each label as an index into the distinct label names
// sorted in byte order (as scikit-learn orders classes). The command line,
// the engine and the benchmarks all number classes through it, so a class
// index means the same everywhere.
func FromExamples(name string, examples []dataset.Example) Data {
	d := Data{Name: name, Texts: make([]string, len(examples)), Labels: make([]int, len(examples))}
	index := map[string]int{}
	for _, ex := range examples {
		if _, ok := index[ex.Label]; !ok {
			index[ex.Label] = 0
			d.LabelNames = append(d.LabelNames, ex.Label)
		}
	}
	sort.Strings(d.LabelNames)
	for c, label := range d.LabelNames {
		index[label] = c
	}
	for i, ex := range examples {
		d.Texts[i] = ex.Text
		d.Labels[i] = index[ex.Label]
	}
	return d
}
