package forest

import (
	"context"
	"math"
	"reflect"
	"strings"
	"testing"

	"textlab/internal/classifytest"
)

func TestStateRoundTrip(t *testing.T) {
	for _, tc := range []struct {
		name    string
		classes int
		depth   int
	}{{"binary", 2, 0}, {"three classes, depth 3", 3, 3}} {
		t.Run(tc.name, func(t *testing.T) {
			Xtr, ytr, Xte, _ := classifytest.Split(t, 5, 300, tc.classes)
			m := Model{NEstimators: 10, MaxDepth: tc.depth, Seed: 2}
			if err := m.Fit(context.Background(), Xtr, ytr, tc.classes, nil); err != nil {
				t.Fatal(err)
			}
			s, err := m.State()
			if err != nil {
				t.Fatal(err)
			}
			// Through JSON, as a saved model goes.
			s2 := classifytest.ThroughJSON(t, s)
			var back Model
			if err := back.SetState(s2); err != nil {
				t.Fatal(err)
			}
			want, _ := m.PredictProba(Xte)
			got, err := back.PredictProba(Xte)
			if err != nil || !reflect.DeepEqual(got, want) {
				t.Fatalf("probabilities differ after SetState (err %v)", err)
			}
			if !reflect.DeepEqual(back.FeatureImportances(), m.FeatureImportances()) {
				t.Error("feature importances differ")
			}
		})
	}
}

func TestStateBeforeFit(t *testing.T) {
	var m Model
	if _, err := m.State(); err == nil {
		t.Error("State of an unfitted forest: no error")
	}
}

func TestSetStateRejects(t *testing.T) {
	leaf := func() Tree {
		return Tree{Feature: []int{-1}, Threshold: []float64{0}, ChildrenLeft: []int{-1}, ChildrenRight: []int{-1}, Value: [][]float64{{0.5, 0.5}}}
	}
	split := func() Tree {
		return Tree{
			Feature: []int{0, -1, -1}, Threshold: []float64{0.5, 0, 0},
			ChildrenLeft: []int{1, -1, -1}, ChildrenRight: []int{2, -1, -1},
			Value: [][]float64{{0.5, 0.5}, {1, 0}, {0, 1}},
		}
	}
	for _, tc := range []struct {
		name   string
		edit   func(*State)
		wantOK bool
		want   string
	}{
		{"valid", func(s *State) {}, true, ""},
		{"one class", func(s *State) { s.NClasses = 1 }, false, "at least 2"},
		{"no features", func(s *State) { s.NFeatures = 0 }, false, "at least 1"},
		{"no trees", func(s *State) { s.Trees = nil }, false, "no trees"},
		{"importances", func(s *State) { s.Importances = []float64{1} }, false, "importances"},
		{"empty tree", func(s *State) { s.Trees[0] = Tree{} }, false, "0 nodes"},
		{"short arrays", func(s *State) { s.Trees[0].Threshold = nil }, false, "one of each per node"},
		{"feature out of range", func(s *State) { s.Trees[1].Feature[0] = 2 }, false, "feature 2"},
		{"NaN threshold", func(s *State) { s.Trees[1].Threshold[0] = math.NaN() }, false, "threshold"},
		{"cycle", func(s *State) { s.Trees[1].ChildrenLeft[0] = 0 }, false, "must come after it"},
		{"shared child", func(s *State) { s.Trees[1].ChildrenRight[0] = 1 }, false, "another parent"},
		{"leaf with child", func(s *State) { s.Trees[1].ChildrenLeft[1] = 2 }, false, "is a leaf"},
		{"orphan", func(s *State) {
			s.Trees[0] = split()
			s.Trees[0].Feature[0] = -1
			s.Trees[0].ChildrenLeft[0], s.Trees[0].ChildrenRight[0] = -1, -1
		}, false, "no node's child"},
		{"value width", func(s *State) { s.Trees[0].Value[0] = []float64{1} }, false, "class values"},
		{"negative value", func(s *State) { s.Trees[0].Value[0][1] = -1 }, false, "value of class 1"},
	} {
		s := State{NClasses: 2, NFeatures: 2, Trees: []Tree{leaf(), split()}, Importances: []float64{1, 0}}
		tc.edit(&s)
		var m Model
		err := m.SetState(s)
		if tc.wantOK {
			if err != nil {
				t.Errorf("%s: %v", tc.name, err)
			}
			continue
		}
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: error %v, want %q", tc.name, err, tc.want)
		}
	}
}
