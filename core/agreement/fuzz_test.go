package agreement

import (
	"bytes"
	"context"
	"errors"
	"math"
	"testing"
)

// checkStats runs every statistic on d and fails on a panic (by crashing),
// on a NaN or infinite value, or on alpha outside its range.
func checkStats(t *testing.T, d *Data, level Level) {
	if err := d.Check(); err != nil {
		t.Fatalf("parser returned data that fails Check: %v", err)
	}
	bs := BootstrapConfig{Resamples: 5}
	s, err := Summarize(context.Background(), d, SummaryConfig{Alpha: AlphaConfig{Level: level}, Bootstrap: &bs, Weights: Weights(level % 3)}, nil)
	if err != nil {
		if errors.Is(err, ErrUndefined) {
			t.Fatalf("Summarize returned an undefined statistic as a failure: %v", err)
		}
		return // codes that do not fit the level
	}
	bad := func(x float64) bool { return math.IsNaN(x) || math.IsInf(x, 0) }
	if s.Alpha != nil && (bad(s.Alpha.Alpha) || s.Alpha.Alpha > 1+1e-9) {
		t.Fatalf("alpha = %v", s.Alpha.Alpha)
	}
	if s.Interval != nil && (bad(s.Interval.Low) || bad(s.Interval.High) || s.Interval.Low > s.Interval.High) {
		t.Fatalf("interval = %+v", s.Interval)
	}
	if s.Percent != nil && (bad(s.Percent.Percent) || s.Percent.Percent < 0 || s.Percent.Percent > 100) {
		t.Fatalf("percent = %v", s.Percent.Percent)
	}
	if s.Fleiss != nil && (bad(s.Fleiss.Kappa) || s.Fleiss.Kappa > 1+1e-9) {
		t.Fatalf("fleiss = %v", s.Fleiss.Kappa)
	}
	if s.Cohen != nil && (bad(s.Cohen.Kappa) || s.Cohen.Kappa > 1+1e-9) {
		t.Fatalf("cohen = %v", s.Cohen.Kappa)
	}
}

func FuzzReadWide(f *testing.F) {
	f.Add([]byte(workedWide), uint8(0))
	f.Add([]byte(workedWide), uint8(3))
	f.Add([]byte("a,b\n1,1\n2,2\n"), uint8(1))
	f.Add([]byte("a,b\n0,0\n0,\n-1,2\n"), uint8(3))
	f.Add([]byte("a,b,c\nx,y,\"z\"\"\"\n"), uint8(0))
	f.Add([]byte("a,b\n1e200,-1e200\n1,2\n"), uint8(2))
	f.Fuzz(func(t *testing.T, in []byte, lv uint8) {
		d, err := ReadWide(bytes.NewReader(in), WideOptions{Missing: []string{"."}})
		if err != nil {
			return
		}
		checkStats(t, d, Level(lv%4))
	})
}

func FuzzReadLong(f *testing.F) {
	f.Add([]byte("unit,coder,code\n1,a,1\n1,b,2\n2,a,1\n2,b,1\n"), uint8(0))
	f.Add([]byte("coder,unit,code,extra\na,1,1,x\nb,1,,y\nc,1,3,z\n"), uint8(2))
	f.Fuzz(func(t *testing.T, in []byte, lv uint8) {
		d, err := ReadLong(bytes.NewReader(in), LongOptions{})
		if err != nil {
			return
		}
		checkStats(t, d, Level(lv%4))
	})
}

// FuzzGuessed reads a file the way the page and the command line do when
// no columns are given: GuessLayout on the header, then FromRecords.
func FuzzGuessed(f *testing.F) {
	f.Add([]byte(workedWide), uint8(0))
	f.Add([]byte("doc_id,rater,label\nd1,ann,x\nd1,ben,y\nd2,ann,x\n"), uint8(0))
	f.Add([]byte("coder,code,coder\n1,2,3\n"), uint8(1))
	f.Add([]byte("id\n1\n"), uint8(2))
	f.Fuzz(func(t *testing.T, in []byte, lv uint8) {
		records, lines, err := ReadRecords(bytes.NewReader(in))
		if err != nil || len(records) == 0 {
			return
		}
		l := GuessLayout(records[0])
		if c := l.Complete(records[0]); l.Format != c.Format {
			t.Fatalf("Complete changed the format: %v, %v", l, c)
		}
		d, err := FromRecords(records, lines, l, []string{"."})
		if err != nil {
			return
		}
		checkStats(t, d, Level(lv%4))
	})
}
