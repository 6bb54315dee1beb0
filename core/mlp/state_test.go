package mlp

import (
	"context"
	"math"
	"reflect"
	"strings"
	"testing"

	"textlab/internal/classifytest"
)

func TestStateRoundTrip(t *testing.T) {
	for _, classes := range []int{2, 3} {
		Xtr, ytr, Xte, _ := classifytest.Split(t, 7, 200, classes)
		m := Model{Hidden: 8, MaxIter: 20, Seed: 3}
		if err := m.Fit(context.Background(), Xtr, ytr, classes, nil); err != nil {
			t.Fatal(err)
		}
		s, err := m.State()
		if err != nil {
			t.Fatal(err)
		}
		if len(s.Coefs[0]) != Xtr.Cols || len(s.Coefs[0][0]) != 8 {
			t.Fatalf("%d classes: coefs[0] is %dx%d, want %dx8", classes, len(s.Coefs[0]), len(s.Coefs[0][0]), Xtr.Cols)
		}
		s2 := classifytest.ThroughJSON(t, s)
		var back Model
		if err := back.SetState(s2); err != nil {
			t.Fatal(err)
		}
		want, _ := m.PredictProba(Xte)
		got, err := back.PredictProba(Xte)
		if err != nil || !reflect.DeepEqual(got, want) {
			t.Fatalf("%d classes: probabilities differ after SetState (err %v)", classes, err)
		}
	}
}

func TestSetStateRejects(t *testing.T) {
	valid := func() State {
		return State{NClasses: 2, Coefs: [2][][]float64{{{1, 2}, {3, 4}, {5, 6}}, {{1}, {2}}}, Intercepts: [2][]float64{{0, 0}, {0}}}
	}
	for _, tc := range []struct {
		name string
		edit func(*State)
		want string
	}{
		{"valid", func(s *State) {}, ""},
		{"one class", func(s *State) { s.NClasses = 1 }, "at least 2"},
		{"no inputs", func(s *State) { s.Coefs[0] = nil }, "at least 1 of each"},
		{"three classes need three outputs", func(s *State) { s.NClasses = 3 }, "need 3 output biases"},
		{"ragged input row", func(s *State) { s.Coefs[0][1] = []float64{1} }, "input weights row 1"},
		{"output rows", func(s *State) { s.Coefs[1] = s.Coefs[1][:1] }, "output weight rows"},
		{"NaN weight", func(s *State) { s.Coefs[1][1][0] = math.NaN() }, "NaN"},
		{"infinite bias", func(s *State) { s.Intercepts[0][1] = math.Inf(-1) }, "intercepts 0"},
	} {
		s := valid()
		tc.edit(&s)
		var m Model
		err := m.SetState(s)
		if tc.want == "" {
			if err != nil {
				t.Errorf("%s: %v", tc.name, err)
			}
			continue
		}
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: error %v, want %q", tc.name, err, tc.want)
		}
	}
	var m Model
	if _, err := m.State(); err == nil {
		t.Error("State of an unfitted network: no error")
	}
}
