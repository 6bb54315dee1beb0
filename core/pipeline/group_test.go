package pipeline

import (
	"context"
	"errors"
	"reflect"
	"slices"
	"strconv"
	"testing"

	"textlab/core/split"
)

// groupedCorpus is corpus(seed, n, k) with groups: document i belongs to
// group "g<i mod groups>", except every ungroupedEvery-th document
// (0: none), whose group is empty or blank.
func groupedCorpus(seed uint64, n, k, groups, ungroupedEvery int) Data {
	d := corpus(seed, n, k)
	d.Groups = make([]string, n)
	for i := range d.Groups {
		d.Groups[i] = "g" + string(rune('a'+i%groups))
		if ungroupedEvery > 0 && i%ungroupedEvery == 0 {
			d.Groups[i] = []string{"", "  "}[i/ungroupedEvery%2]
		}
	}
	return d
}

func TestRunGrouped(t *testing.T) {
	tests := []struct {
		name           string
		data           Data
		eval           EvalConfig
		groups, ungrpd int
	}{
		{"hold-out, stratified", groupedCorpus(1, 240, 2, 12, 0), EvalConfig{Group: "author"}, 12, 0},
		{"hold-out, not stratified, 30%", groupedCorpus(2, 240, 3, 9, 0), EvalConfig{Group: "author", NoStratify: true, TestFraction: 0.3}, 9, 0},
		{"hold-out, empty groups each their own", groupedCorpus(3, 200, 2, 6, 10), EvalConfig{Group: "author"}, 6 + 20, 20},
		{"5-fold, stratified", groupedCorpus(4, 240, 2, 12, 0), EvalConfig{Kind: EvalKFold, Group: "author"}, 12, 0},
		{"3-fold, not stratified, empty groups", groupedCorpus(5, 180, 3, 7, 9), EvalConfig{Kind: EvalKFold, Folds: 3, Group: "author", NoStratify: true}, 7 + 20, 20},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			res, err := Run(context.Background(), tc.data, Config{Eval: tc.eval, Seed: 7}, nil)
			if err != nil {
				t.Fatal(err)
			}
			if res.Groups != tc.groups || res.Ungrouped != tc.ungrpd {
				t.Errorf("%d groups, %d ungrouped; want %d and %d", res.Groups, res.Ungrouped, tc.groups, tc.ungrpd)
			}
			// The split is core/split's group split of the same labels and
			// groups, an empty group a name of its own (Run's).
			keys := make([]string, len(tc.data.Groups))
			for i, g := range tc.data.Groups {
				keys[i] = g
				if g == "" || g == "  " {
					keys[i] = "\x00ungrouped " + strconv.Itoa(i)
				}
			}
			cfg := split.Config{TestFraction: tc.eval.TestFraction, K: tc.eval.Folds, Seed: 7, NoStratify: tc.eval.NoStratify}
			if cfg.TestFraction == 0 {
				cfg.TestFraction = DefaultTestFraction
			}
			var want []split.Split
			if tc.eval.Kind == EvalKFold {
				want, err = split.GroupKFold(splitLabels(tc.data), keys, cfg)
			} else {
				var s split.Split
				s, err = split.GroupHoldOut(splitLabels(tc.data), keys, cfg)
				want = []split.Split{s}
			}
			if err != nil {
				t.Fatal(err)
			}
			var tested []int
			for _, p := range res.Test {
				tested = append(tested, p.Index)
			}
			if tc.eval.Kind != EvalKFold {
				if !reflect.DeepEqual(tested, want[0].Test) {
					t.Errorf("tested %v, core/split's test set %v", tested, want[0].Test)
				}
			} else {
				for f, fold := range res.Folds {
					n := 0
					for _, s := range fold.Support {
						n += s
					}
					if n != len(want[f].Test) {
						t.Errorf("fold %d has %d test documents, core/split's %d", f+1, n, len(want[f].Test))
					}
				}
			}
			// No group on both sides: every hold-out test group (or, for
			// k-fold, every fold's) is absent from the training part.
			for _, s := range want {
				inTest := map[string]bool{}
				for _, i := range s.Test {
					inTest[keys[i]] = true
				}
				for _, i := range s.Train {
					if inTest[keys[i]] {
						t.Fatalf("group %q is on both sides", keys[i])
					}
				}
			}
		})
	}
}

// Without a group the same data is split document by document, so the
// grouped run tests other documents.
func TestRunGroupedDiffers(t *testing.T) {
	d := groupedCorpus(6, 240, 2, 12, 0)
	test := func(group string) []int {
		res, err := Run(context.Background(), d, Config{Eval: EvalConfig{Group: group}, Seed: 42}, nil)
		if err != nil {
			t.Fatal(err)
		}
		var idx []int
		for _, p := range res.Test {
			idx = append(idx, p.Index)
		}
		return idx
	}
	if slices.Equal(test(""), test("author")) {
		t.Error("the grouped and the ungrouped split test the same documents")
	}
}

func TestRunGroupErrors(t *testing.T) {
	short := corpus(7, 60, 2)
	short.Groups = []string{"a"}
	one := groupedCorpus(8, 60, 2, 1, 0)
	three := groupedCorpus(9, 60, 2, 3, 0)
	tests := []struct {
		name string
		data Data
		eval EvalConfig
		want error
	}{
		{"groups of another length", short, EvalConfig{Group: "author"}, split.ErrGroupsLength},
		{"no groups at all", corpus(7, 60, 2), EvalConfig{Kind: EvalKFold, Group: "author"}, split.ErrGroupsLength},
		{"one group for a hold-out split", one, EvalConfig{Group: "author"}, split.ErrTooFewGroups},
		{"3 groups for 5 folds", three, EvalConfig{Kind: EvalKFold, Group: "author"}, split.ErrTooFewGroups},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Run(context.Background(), tc.data, Config{Eval: tc.eval}, nil)
			if !errors.Is(err, tc.want) {
				t.Fatalf("error %v, want %v", err, tc.want)
			}
		})
	}
	// A separate test set ignores the group.
	withTest := one
	withTest.Test = &Data{Texts: one.Texts[:10], Labels: one.Labels[:10]}
	if _, err := Run(context.Background(), withTest, Config{Eval: EvalConfig{Kind: EvalTestset, Group: "author"}}, nil); err != nil {
		t.Errorf("separate test set with a group: %v", err)
	}
}

// A separate test set's labels the training data lacks are scored as
// errors (a class of their own that no prediction matches, as
// scikit-learn's metrics count a true label never predicted) or left out.
func TestRunUnseenLabels(t *testing.T) {
	all := corpus(10, 260, 2)
	train := Data{Texts: all.Texts[:200], Labels: all.Labels[:200], LabelNames: all.LabelNames}
	// 60 test documents; documents 3, 10 and 11 get labels the training
	// data lacks, on lines 5, 12 and 13.
	test := Data{Texts: all.Texts[200:], LabelNames: append(slices.Clone(all.LabelNames), "z-new", "m-new")}
	for i, y := range all.Labels[200:] {
		test.Labels = append(test.Labels, y)
		test.Lines = append(test.Lines, i+2)
	}
	test.Labels[3], test.Labels[10], test.Labels[11] = 2, 3, 2
	train.Test = &test
	wantUnseen := []UnseenDoc{{3, 5, "z-new"}, {10, 12, "m-new"}, {11, 13, "z-new"}}

	run := func(unseen string) *Result {
		t.Helper()
		res, err := Run(context.Background(), train, Config{Eval: EvalConfig{Kind: EvalTestset, Unseen: unseen}}, nil)
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(res.Unseen, wantUnseen) {
			t.Errorf("unseen %+v, want %+v", res.Unseen, wantUnseen)
		}
		return res
	}
	asErrors := run("")
	left := run(UnseenExclude)

	if want := append(slices.Clone(all.LabelNames), "m-new", "z-new"); !reflect.DeepEqual(asErrors.LabelNames, want) {
		t.Errorf("labels %v, want %v", asErrors.LabelNames, want)
	}
	if !reflect.DeepEqual(asErrors.Model.LabelNames(), all.LabelNames) || !reflect.DeepEqual(left.LabelNames, all.LabelNames) {
		t.Errorf("model labels %v, labels when left out %v", asErrors.Model.LabelNames(), left.LabelNames)
	}
	if len(asErrors.Test) != 60 || len(left.Test) != 57 || asErrors.ROC != nil {
		t.Fatalf("%d and %d test predictions, ROC %v", len(asErrors.Test), len(left.Test), asErrors.ROC)
	}
	// The same 57 documents predicted alike; the 3 others all wrong.
	correct := 0
	for _, p := range asErrors.Test {
		if p.True >= 2 && p.Pred == p.True {
			t.Errorf("document %d of an unseen label predicted right", p.Index)
		}
		if p.Pred == p.True {
			correct++
		}
	}
	if want := float64(correct) / 60; asErrors.Report.Accuracy != want {
		t.Errorf("accuracy %v, want %v", asErrors.Report.Accuracy, want)
	}
	if want := float64(correct) / 57; left.Report.Accuracy != want {
		t.Errorf("accuracy with the 3 left out %v, want %v", left.Report.Accuracy, want)
	}
	// Macro-F1 averages over 4 classes, the two unseen ones at 0.
	if len(asErrors.Report.Labels) != 4 || asErrors.Report.PerClass[2].F1 != 0 || asErrors.Report.Support[3] != 2 {
		t.Errorf("report labels %v, per class %+v, support %v", asErrors.Report.Labels, asErrors.Report.PerClass, asErrors.Report.Support)
	}
	if asErrors.Report.Macro.F1 >= left.Report.Macro.F1 {
		t.Errorf("macro-F1 %v with the unseen labels as errors, %v without", asErrors.Report.Macro.F1, left.Report.Macro.F1)
	}
}

func TestUnusualTestShare(t *testing.T) {
	tests := []struct {
		eval EvalConfig
		want bool
	}{
		{EvalConfig{}, false},
		{EvalConfig{TestFraction: 0.1}, false},
		{EvalConfig{TestFraction: 0.5}, false},
		{EvalConfig{TestFraction: 0.09}, true},
		{EvalConfig{Kind: EvalHoldout, TestFraction: 0.6}, true},
		{EvalConfig{Kind: EvalKFold, TestFraction: 0.9}, false},
		{EvalConfig{Kind: EvalTestset, TestFraction: 0.01}, false},
	}
	for _, tc := range tests {
		if got := (Config{Eval: tc.eval}).UnusualTestShare(); got != tc.want {
			t.Errorf("%+v: %v, want %v", tc.eval, got, tc.want)
		}
	}
}
