package data

import (
	"textlab/core/dataset"
	"textlab/core/pipeline"
	"textlab/wasm/protocol"
)

// storeKey is where the loaded data set lives in the engine's store; the
// version counter lives beside it so that it keeps increasing across clears.
const (
	storeKey   = "data.loaded"
	versionKey = "data.version"
)

// Loaded is the data set the user loaded on the Data page, validated
// for the chosen columns. It is never modified after it is stored: a new
// load or a new column choice replaces it with a new value, so a page may
// keep the pointer while it works.
type Loaded struct {
	// Version increases every time the data set or its columns change, so
	// a page can tell that what it computed earlier is stale.
	Version int
	// Name is the file name the user loaded ("reviews.csv").
	Name string
	// Columns is the column choice: text, label and optional id and group.
	Columns dataset.Columns
	// Table is the parsed file with every column. Use Examples below, not
	// Table.Examples (which are for the columns of the first load).
	Table *dataset.Table
	// Report is the validation report for Columns.
	Report *dataset.Report
	// Examples are the usable rows, in file order.
	Examples []dataset.Example
	// Texts[i] is the text of Examples[i].
	Texts []string
	// Labels[i] is the class of Examples[i], an index into LabelNames.
	Labels []int
	// LabelNames are the distinct labels, sorted (byte order).
	LabelNames []string
	// Groups[i] is the group of Examples[i]; all "" when no group column
	// was chosen.
	Groups []string
	// IDs[i] is the id of Examples[i]; all "" when no id column was chosen.
	IDs []string

	size int64 // the bytes the store counts for it (the file's size)
}

// newLoaded builds the Loaded of a validated table.
func newLoaded(name string, t *dataset.Table, rep *dataset.Report, cols dataset.Columns, examples []dataset.Example) *Loaded {
	d := &Loaded{Name: name, Columns: cols, Table: t, Report: rep, Examples: examples}
	pd := pipeline.FromExamples(name, examples)
	d.Texts, d.Labels, d.LabelNames = pd.Texts, pd.Labels, pd.LabelNames
	d.Groups = make([]string, len(examples))
	d.IDs = make([]string, len(examples))
	for i, ex := range examples {
		d.Groups[i] = ex.Group
		d.IDs[i] = ex.ID
	}
	return d
}

// Current returns the data set loaded on the Data page, and false when
// none is loaded. Other pages read it; only the data methods replace it.
// The value must not be modified.
func Current(s *protocol.Store) (*Loaded, bool) {
	return protocol.Lookup[*Loaded](s, storeKey)
}

// Put makes examples (the usable rows of table t for the columns cols, as
// dataset.Read or dataset.Validate return them with their report rep) the
// loaded data set, as a load on the Data page does, and returns it. size
// is the bytes the store counts for it (the file's size). Pages that build
// a data set (Annotate) hand it to the other pages this way.
func Put(s *protocol.Store, name string, t *dataset.Table, rep *dataset.Report, cols dataset.Columns, examples []dataset.Example, size int64) (*Loaded, error) {
	d := newLoaded(name, t, rep, cols, examples)
	if err := set(s, d, size); err != nil {
		return nil, err
	}
	return d, nil
}

// set stores d as the loaded data set, giving it the next version.
func set(s *protocol.Store, d *Loaded, size int64) error {
	err := s.Update(versionKey, func(old any) (any, int64) {
		v, _ := old.(int)
		d.Version = v + 1
		return d.Version, 8
	})
	if err != nil {
		return err
	}
	d.size = size
	return s.Keep(storeKey, d, size)
}

// Clear forgets the loaded data set; the next one still gets a new version.
func Clear(s *protocol.Store) {
	s.Update(versionKey, func(old any) (any, int64) {
		v, _ := old.(int)
		return v + 1, 8
	})
	s.Delete(storeKey)
}
