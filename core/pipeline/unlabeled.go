package pipeline

import (
	"fmt"
	"strconv"
	"strings"

	"textlab/core/dataset"
)

// ColumnError is a column that a file lacks.
type ColumnError struct {
	Role    string   // the column's role: "text" or "id"
	Name    string   // the column asked for
	Columns []string // the file's columns
}

// Error names the missing column and lists the file's columns.
func (e *ColumnError) Error() string {
	return fmt.Sprintf("no column %q (columns: %s)", e.Name, strings.Join(e.Columns, ", "))
}

// Unlabeled returns the ids and the texts of the rows of an unlabeled
// table: the texts of column textCol, and the ids of column idCol or, when
// idCol is "", the rows' numbers (1-based). A column t lacks is a
// *ColumnError. The page's "label new texts" and `textlab predict` read
// their files through it.
func Unlabeled(t *dataset.Table, textCol, idCol string) (ids, texts []string, err error) {
	ti := t.Column(textCol)
	if ti < 0 {
		return nil, nil, &ColumnError{Role: "text", Name: textCol, Columns: t.Columns}
	}
	ii := -1
	if idCol != "" {
		if ii = t.Column(idCol); ii < 0 {
			return nil, nil, &ColumnError{Role: "id", Name: idCol, Columns: t.Columns}
		}
	}
	ids, texts = make([]string, len(t.Rows)), make([]string, len(t.Rows))
	for i, r := range t.Rows {
		texts[i] = r.Field(ti)
		if ii >= 0 {
			ids[i] = r.Field(ii)
		} else {
			ids[i] = strconv.Itoa(i + 1)
		}
	}
	return ids, texts, nil
}
