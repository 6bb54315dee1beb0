package forest

import (
	"errors"
	"fmt"
	"math"
)

// Tree is one fitted decision tree as scikit-learn's tree_ attribute
// stores it: parallel arrays with one entry per node, the root first.
// Node n is a leaf when Feature[n] is -1 (scikit-learn writes -2); else a
// document goes to ChildrenLeft[n] when x[Feature[n]] <= Threshold[n], and
// to ChildrenRight[n] otherwise. Value[n] holds the class frequencies of
// the training documents (bootstrap weights counted) that reached node n,
// summing to 1 (scikit-learn 1.2 stores the weighted counts; divide a row
// by its sum to compare).
type Tree struct {
	Feature       []int       `json:"feature"`
	Threshold     []float64   `json:"threshold"`
	ChildrenLeft  []int       `json:"children_left"`
	ChildrenRight []int       `json:"children_right"`
	Value         [][]float64 `json:"value"`
}

// State is everything a fitted forest predicts with, for saving it: the
// number of classes and features, the trees, and feature_importances_.
type State struct {
	NClasses    int       `json:"n_classes"`
	NFeatures   int       `json:"n_features"`
	Trees       []Tree    `json:"trees"`
	Importances []float64 `json:"feature_importances"`
}

// State returns the fitted forest as plain arrays (copies), or an error
// before Fit.
func (m *Model) State() (State, error) {
	if m.fitted() < 0 {
		return State{}, errors.New("forest: the model is not fitted")
	}
	s := State{NClasses: m.nClasses, NFeatures: m.nFeatures, Trees: make([]Tree, len(m.trees)), Importances: append([]float64(nil), m.importances...)}
	for i, t := range m.trees {
		n := len(t.feature)
		out := Tree{Feature: make([]int, n), Threshold: append([]float64(nil), t.threshold...), ChildrenLeft: make([]int, n), ChildrenRight: make([]int, n), Value: make([][]float64, n)}
		for k := 0; k < n; k++ {
			out.Feature[k], out.ChildrenLeft[k], out.ChildrenRight[k] = int(t.feature[k]), int(t.left[k]), int(t.right[k])
			out.Value[k] = append([]float64(nil), t.value[k*m.nClasses:(k+1)*m.nClasses]...)
		}
		s.Trees[i] = out
	}
	return s, nil
}

// maxNodes bounds the nodes of one tree SetState accepts.
const maxNodes = 1 << 28

// SetState makes m the fitted forest s (for example read back from a saved
// model; the slices are copied). Every tree is checked: the arrays must
// have one entry per node, each split must name a feature below
// NFeatures and a finite threshold, each node except the root must be the
// child of exactly one node with a smaller index (so the nodes form one
// tree and prediction ends), leaves have no children, and Value rows have
// NClasses finite, non-negative entries. The hyper-parameter fields of m
// are left as they are.
func (m *Model) SetState(s State) error {
	if s.NClasses < 2 {
		return fmt.Errorf("forest: %d classes, need at least 2", s.NClasses)
	}
	if s.NFeatures < 1 {
		return fmt.Errorf("forest: %d features, need at least 1", s.NFeatures)
	}
	if len(s.Trees) == 0 {
		return errors.New("forest: no trees")
	}
	if s.Importances != nil && len(s.Importances) != s.NFeatures {
		return fmt.Errorf("forest: %d feature importances for %d features", len(s.Importances), s.NFeatures)
	}
	for j, v := range s.Importances {
		if !(v >= 0) || math.IsInf(v, 0) {
			return fmt.Errorf("forest: feature importance %d is %v", j, v)
		}
	}
	trees := make([]*tree, len(s.Trees))
	for i, in := range s.Trees {
		t, err := checkTree(in, s.NClasses, s.NFeatures)
		if err != nil {
			return fmt.Errorf("forest: tree %d: %w", i, err)
		}
		trees[i] = t
	}
	m.nClasses, m.nFeatures, m.trees = s.NClasses, s.NFeatures, trees
	m.importances = append([]float64(nil), s.Importances...)
	if s.Importances == nil {
		m.importances = make([]float64, s.NFeatures)
	}
	return nil
}

// checkTree validates one tree's arrays and converts them.
func checkTree(in Tree, nClasses, nFeatures int) (*tree, error) {
	n := len(in.Feature)
	if n == 0 || n > maxNodes {
		return nil, fmt.Errorf("%d nodes, want 1 to %d", n, maxNodes)
	}
	if len(in.Threshold) != n || len(in.ChildrenLeft) != n || len(in.ChildrenRight) != n || len(in.Value) != n {
		return nil, fmt.Errorf("%d features, %d thresholds, %d left and %d right children and %d values: want one of each per node",
			n, len(in.Threshold), len(in.ChildrenLeft), len(in.ChildrenRight), len(in.Value))
	}
	t := &tree{feature: make([]int32, n), threshold: make([]float64, n), left: make([]int32, n), right: make([]int32, n), value: make([]float64, 0, n*nClasses)}
	parent := make([]bool, n)
	for k := 0; k < n; k++ {
		f, l, r := in.Feature[k], in.ChildrenLeft[k], in.ChildrenRight[k]
		if len(in.Value[k]) != nClasses {
			return nil, fmt.Errorf("node %d: %d class values, want %d", k, len(in.Value[k]), nClasses)
		}
		for c, v := range in.Value[k] {
			if !(v >= 0) || math.IsInf(v, 0) {
				return nil, fmt.Errorf("node %d: value of class %d is %v", k, c, v)
			}
		}
		t.value = append(t.value, in.Value[k]...)
		if f == -1 {
			if l != -1 || r != -1 {
				return nil, fmt.Errorf("node %d is a leaf (feature -1) but has children %d and %d", k, l, r)
			}
			t.feature[k], t.left[k], t.right[k] = -1, -1, -1
			continue
		}
		if f < 0 || f >= nFeatures {
			return nil, fmt.Errorf("node %d splits on feature %d, want -1 (leaf) or 0 to %d", k, f, nFeatures-1)
		}
		if th := in.Threshold[k]; math.IsNaN(th) || math.IsInf(th, 0) {
			return nil, fmt.Errorf("node %d: threshold is %v", k, th)
		}
		for _, c := range []int{l, r} {
			if c <= k || c >= n {
				return nil, fmt.Errorf("node %d: child %d must come after it, below %d", k, c, n)
			}
			if parent[c] {
				return nil, fmt.Errorf("node %d: child %d has another parent", k, c)
			}
			parent[c] = true
		}
		t.feature[k], t.threshold[k], t.left[k], t.right[k] = int32(f), in.Threshold[k], int32(l), int32(r)
	}
	for k := 1; k < n; k++ {
		if !parent[k] {
			return nil, fmt.Errorf("node %d is no node's child", k)
		}
	}
	return t, nil
}
