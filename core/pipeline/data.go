package pipeline

import (
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"sort"
	"strconv"

	"textlab/core/dataset"
)

// FromExamples turns the usable rows of a labeled file into Data: the texts
// in file order with their lines and groups, and each label as an index
// into the distinct label names sorted in byte order (as scikit-learn
// orders classes). The command line,
// the engine and the benchmarks all number classes through it, so a class
// index means the same everywhere.
func FromExamples(name string, examples []dataset.Example) Data {
	d := Data{Name: name, Texts: make([]string, len(examples)), Labels: make([]int, len(examples)), Lines: make([]int, len(examples)), Groups: make([]string, len(examples))}
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
		d.Lines[i] = ex.Line
		d.Groups[i] = ex.Group
	}
	return d
}

// Checksum identifies the documents of d (and of its separate test set):
// the hex SHA-256 of every document's text, label name and group, each
// length-prefixed, in order. Two Data with the same documents have the same
// checksum, whatever their Name or Lines; the results board uses it to
// tell a run on the same data from one on data that only shares a file
// name.
func (d Data) Checksum() string {
	h := sha256.New()
	var n [8]byte
	field := func(s string) {
		binary.LittleEndian.PutUint64(n[:], uint64(len(s)))
		h.Write(n[:])
		h.Write([]byte(s))
	}
	for part := &d; part != nil; part = part.Test {
		field(strconv.Itoa(len(part.Texts)))
		for i, text := range part.Texts {
			label := ""
			if i < len(part.Labels) && part.Labels[i] >= 0 && part.Labels[i] < len(part.LabelNames) {
				label = part.LabelNames[part.Labels[i]]
			} else if i < len(part.Labels) {
				label = "#" + strconv.Itoa(part.Labels[i])
			}
			group := ""
			if i < len(part.Groups) {
				group = part.Groups[i]
			}
			field(text)
			field(label)
			field(group)
		}
	}
	return hex.EncodeToString(h.Sum(nil))
}
