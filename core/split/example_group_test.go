package split_test

import (
	"encoding/csv"
	"fmt"
	"os"

	"textlab/core/split"
)

// readParties reads the party (label) and president (group) of each
// passage of the State of the Union sample.
func readParties() (parties, presidents []string, err error) {
	f, err := os.Open("../../static/data/sotu-party.csv")
	if err != nil {
		return nil, nil, err
	}
	defer f.Close()
	rows, err := csv.NewReader(f).ReadAll() // id, text, label, president, year
	if err != nil {
		return nil, nil, err
	}
	for _, r := range rows[1:] {
		parties = append(parties, r[2])
		presidents = append(presidents, r[3])
	}
	return parties, presidents, nil
}

// republican returns the share of Republican passages among idx.
func republican(parties []string, idx []int) float64 {
	n := 0
	for _, i := range idx {
		if parties[i] == "Republican" {
			n++
		}
	}
	return float64(n) / float64(len(idx))
}

// distinct counts the different values among vals[idx].
func distinct(vals []string, idx []int) int {
	seen := map[string]bool{}
	for _, i := range idx {
		seen[vals[i]] = true
	}
	return len(seen)
}

// An 8:2 split of the State of the Union passages that keeps each
// president's passages together, so a classifier of party cannot score by
// recognising presidents it has already read.
func ExampleGroupHoldOut() {
	parties, presidents, err := readParties()
	if err != nil {
		fmt.Println(err)
		return
	}
	s, err := split.GroupHoldOut(parties, presidents, split.Config{TestFraction: 0.2, Seed: 1})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("%d passages by %d presidents\n", len(parties), distinct(presidents, append(s.Train, s.Test...)))
	fmt.Printf("train: %d passages by %d presidents, %.1f%% Republican\n", len(s.Train), distinct(presidents, s.Train), 100*republican(parties, s.Train))
	fmt.Printf("test:  %d passages by %d presidents, %.1f%% Republican (%.1f%% of all passages)\n", len(s.Test), distinct(presidents, s.Test), 100*republican(parties, s.Test), 100*float64(len(s.Test))/float64(len(parties)))
	// Output:
	// 4000 passages by 22 presidents
	// train: 3174 passages by 14 presidents, 59.3% Republican
	// test:  826 passages by 8 presidents, 59.2% Republican (20.6% of all passages)
}

// Five-fold cross-validation over the State of the Union passages with
// presidents as groups: stratified, the folds are scikit-learn's
// StratifiedGroupKFold(n_splits=5); with NoStratify, GroupKFold(n_splits=5),
// which evens out the fold sizes and ignores the parties.
func ExampleGroupKFold() {
	parties, presidents, err := readParties()
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, noStratify := range []bool{false, true} {
		folds, err := split.GroupKFold(parties, presidents, split.Config{K: 5, NoStratify: noStratify})
		if err != nil {
			fmt.Println(err)
			return
		}
		fmt.Println("NoStratify:", noStratify)
		for i, f := range folds {
			fmt.Printf("fold %d: test %d passages by %d presidents, %.1f%% Republican\n", i+1, len(f.Test), distinct(presidents, f.Test), 100*republican(parties, f.Test))
		}
	}
	// Output:
	// NoStratify: false
	// fold 1: test 1033 passages by 3 presidents, 65.4% Republican
	// fold 2: test 711 passages by 4 presidents, 57.8% Republican
	// fold 3: test 758 passages by 5 presidents, 55.9% Republican
	// fold 4: test 763 passages by 5 presidents, 56.9% Republican
	// fold 5: test 735 passages by 5 presidents, 58.1% Republican
	// NoStratify: true
	// fold 1: test 814 passages by 3 presidents, 100.0% Republican
	// fold 2: test 769 passages by 4 presidents, 14.6% Republican
	// fold 3: test 801 passages by 5 presidents, 69.5% Republican
	// fold 4: test 808 passages by 5 presidents, 100.0% Republican
	// fold 5: test 808 passages by 5 presidents, 10.0% Republican
}
