package methods

import (
	"sync"

	"textlab/core/dataset"
	"textlab/core/pipeline"
)

// session is what the primary engine worker keeps between requests: the
// user's loaded data set and what was computed from it. Pages other than
// Data read it (state.Dataset()); only the data methods replace it.
type session struct {
	mu      sync.Mutex
	data    *LoadedData
	version int
}

// state is the engine's one session (one engine instance per worker).
var state = &session{}

// LoadedData is the data set the user loaded on the Data page, validated
// for the chosen columns. It is never modified after it is stored: a new
// load or a new column choice replaces it with a new value, so a page may
// keep the pointer while it works.
type LoadedData struct {
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
}

// newLoadedData builds the LoadedData of a validated table.
func newLoadedData(name string, t *dataset.Table, rep *dataset.Report, cols dataset.Columns, examples []dataset.Example) *LoadedData {
	d := &LoadedData{Name: name, Columns: cols, Table: t, Report: rep, Examples: examples}
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

// Dataset returns the loaded data set, and false when none is loaded. The
// value must not be modified.
func (s *session) Dataset() (*LoadedData, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.data, s.data != nil
}

// setDataset stores d as the loaded data set, giving it the next version.
func (s *session) setDataset(d *LoadedData) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.version++
	d.Version = s.version
	s.data = d
}

// clearDataset forgets the loaded data set.
func (s *session) clearDataset() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.version++
	s.data = nil
}
