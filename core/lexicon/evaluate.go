package lexicon

import (
	"fmt"

	"textlab/core/dataset"
	"textlab/core/metrics"
)

// Evaluation is a rule's labels for scored documents compared with the
// human (gold) labels, with the same metrics as the trained classifiers.
type Evaluation struct {
	// Rule is the rule as applied, its outcomes mapped to labels.
	Rule Rule
	// Predicted is the rule's label of each document.
	Predicted []string
	// Classes are the labels in the order of Report and Confusion: the
	// gold labels in the order people read them (dataset.SortLabels: by
	// value when all are numbers, "2" before "10" otherwise too), then the
	// labels only the rule predicts, in order of first prediction.
	Classes []string
	// GoldClasses is how many of Classes are gold labels (the first ones).
	GoldClasses int
	// Report holds accuracy, precision, recall and F1 per class and their
	// averages (core/metrics, scikit-learn's definitions), over indices
	// into Classes.
	Report *metrics.Report
	// Confusion counts documents by gold class (rows) and predicted class
	// (columns), in the order of Classes.
	Confusion [][]int
	// Unmatched is the number of documents in which no word of the
	// dictionary matched (0 for VADER).
	Unmatched int
}

// Evaluate labels every scored document with the rule s and compares the
// labels with gold, the human label of each document. An outcome that s
// maps to no label is predicted as itself, a class no document has. The
// errors wrap ErrMismatch or those of RuleSettings.Rule.
func Evaluate(sc *Scored, gold []string, s RuleSettings) (Evaluation, error) {
	if sc.Len() != len(gold) {
		return Evaluation{}, fmt.Errorf("%w: %d scored documents, %d gold labels", ErrMismatch, sc.Len(), len(gold))
	}
	rule, err := s.Rule(sc.Dict)
	if err != nil {
		return Evaluation{}, err
	}
	e := Evaluation{Rule: rule, Predicted: make([]string, len(gold)), Unmatched: sc.Unmatched()}
	index := map[string]int{}
	for _, g := range gold {
		if _, ok := index[g]; !ok {
			index[g] = 0
			e.Classes = append(e.Classes, g)
		}
	}
	dataset.SortLabels(e.Classes)
	e.GoldClasses = len(e.Classes)
	for i, c := range e.Classes {
		index[c] = i
	}
	yTrue, yPred := make([]int, len(gold)), make([]int, len(gold))
	for i, g := range gold {
		label, err := sc.Label(rule, i)
		if err != nil {
			return Evaluation{}, fmt.Errorf("document %d: %w", i+1, err)
		}
		k, ok := index[label]
		if !ok {
			k = len(e.Classes)
			e.Classes = append(e.Classes, label)
			index[label] = k
		}
		e.Predicted[i], yTrue[i], yPred[i] = label, index[g], k
	}
	classes := make([]int, len(e.Classes))
	for i := range classes {
		classes[i] = i
	}
	if e.Report, err = metrics.Evaluate(yTrue, yPred, classes); err != nil {
		return Evaluation{}, err
	}
	if e.Confusion, err = metrics.ConfusionMatrix(yTrue, yPred, classes); err != nil {
		return Evaluation{}, err
	}
	return e, nil
}
