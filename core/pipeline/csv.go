package pipeline

import (
	"encoding/csv"
	"fmt"
	"io"
	"strconv"
)

// WritePredictionsCSV writes one row per prediction with the columns id,
// text, predicted (the label name) and one column per class: p_<label>
// holding the probability, or score_<label> holding the decision score
// when the predictions carry scores (Prediction.Decision). ids and texts
// belong to preds by position; a nil ids writes each prediction's Index,
// a nil texts leaves the text column empty.
//
// Every cell that comes from the user (ids, texts, label names) and starts
// with =, +, -, @, a tab or a carriage return gets a leading ' so that a
// spreadsheet shows it as text instead of running it as a formula.
func WritePredictionsCSV(w io.Writer, ids, texts []string, preds []Prediction, labelNames []string) error {
	if ids != nil && len(ids) != len(preds) {
		return fmt.Errorf("predictions CSV: %d ids for %d predictions", len(ids), len(preds))
	}
	if texts != nil && len(texts) != len(preds) {
		return fmt.Errorf("predictions CSV: %d texts for %d predictions", len(texts), len(preds))
	}
	prefix := "p_"
	if len(preds) > 0 && preds[0].Decision {
		prefix = "score_"
	}
	cw := csv.NewWriter(w)
	header := []string{"id", "text", "predicted"}
	for _, name := range labelNames {
		header = append(header, prefix+name) // safe: starts with a letter
	}
	if err := cw.Write(header); err != nil {
		return err
	}
	row := make([]string, len(header))
	for i, p := range preds {
		if p.Pred < 0 || p.Pred >= len(labelNames) || len(p.Probs) != len(labelNames) {
			return fmt.Errorf("predictions CSV: prediction %d has class %d and %d scores for %d labels", i, p.Pred, len(p.Probs), len(labelNames))
		}
		row[0] = strconv.Itoa(p.Index)
		if ids != nil {
			row[0] = EscapeCell(ids[i])
		}
		row[1] = ""
		if texts != nil {
			row[1] = EscapeCell(texts[i])
		}
		row[2] = EscapeCell(labelNames[p.Pred])
		for c, v := range p.Probs {
			row[3+c] = strconv.FormatFloat(v, 'g', -1, 64)
		}
		if err := cw.Write(row); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}

// EscapeCell prefixes a cell that a spreadsheet would read as a formula
// (one that starts with =, +, -, @, a tab or a carriage return) with a
// single quote, OWASP's advice against CSV injection. Every CSV that
// Textlab offers for download escapes the cells that come from the user
// with it.
func EscapeCell(s string) string {
	if s == "" {
		return s
	}
	switch s[0] {
	case '=', '+', '-', '@', '\t', '\r':
		return "'" + s
	}
	return s
}
