package protocol

import (
	"errors"
	"strings"
	"testing"
)

func TestStore(t *testing.T) {
	s := NewStore(100)
	steps := []struct {
		name    string
		do      func() error
		wantErr error
		keys    string // sorted, after the step
		used    int64
	}{
		{"keep", func() error { return s.Keep("data.loaded", "d", 40) }, nil, "data.loaded", 40},
		{"cache a", func() error { return s.Cache("gen.model/a", "a", 30) }, nil, "data.loaded gen.model/a", 70},
		{"cache b", func() error { return s.Cache("gen.model/b", "b", 30) }, nil, "data.loaded gen.model/a gen.model/b", 100},
		{"use a, then c evicts b (least recently used)", func() error {
			Lookup[string](s, "gen.model/a")
			return s.Cache("gen.model/c", "c", 30)
		}, nil, "data.loaded gen.model/a gen.model/c", 100},
		{"replacing counts the new size only", func() error { return s.Keep("data.loaded", "d2", 10) }, nil, "data.loaded gen.model/a gen.model/c", 70},
		{"user state evicts caches but never other user state", func() error { return s.Keep("classic.last", "r", 90) }, nil, "classic.last data.loaded", 100},
		{"too big for what is kept", func() error { return s.Keep("agreement.file", "f", 20) }, ErrStoreFull, "classic.last data.loaded", 100},
		{"delete by prefix", func() error { s.Delete("classic."); return nil }, nil, "data.loaded", 10},
		{"update is atomic read-modify-write", func() error {
			for range 3 {
				if err := s.Update("data.version", func(old any) (any, int64) { v, _ := old.(int); return v + 1, 8 }); err != nil {
					return err
				}
			}
			return nil
		}, nil, "data.loaded data.version", 18},
	}
	for _, st := range steps {
		err := st.do()
		if !errors.Is(err, st.wantErr) {
			t.Fatalf("%s: error %v, want %v", st.name, err, st.wantErr)
		}
		if got := strings.Join(s.Keys(), " "); got != st.keys || s.Used() != st.used {
			t.Fatalf("%s: keys %q used %d, want %q used %d", st.name, got, s.Used(), st.keys, st.used)
		}
	}
	if v, ok := Lookup[int](s, "data.version"); !ok || v != 3 {
		t.Errorf("version %v %v, want 3", v, ok)
	}
	if _, ok := Lookup[int](s, "data.loaded"); ok {
		t.Error("Lookup with the wrong type found a value")
	}
}

func TestLoadModel(t *testing.T) {
	s := NewStore(0)
	loads := 0
	load := func(b []byte) (string, error) {
		loads++
		if string(b) == "bad" {
			return "", errors.New("not a model")
		}
		return "model:" + string(b), nil
	}
	missing := func() error { return errors.New("send the model") }
	if _, _, err := LoadModel(s, "m/x", nil, load, missing); err == nil || err.Error() != "send the model" {
		t.Fatalf("before loading: %v", err)
	}
	if m, _, err := LoadModel(s, "m/x", []byte("abc"), load, missing); err != nil || m != "model:abc" {
		t.Fatalf("load: %q %v", m, err)
	}
	if m, secs, err := LoadModel(s, "m/x", nil, load, missing); err != nil || m != "model:abc" || secs != 0 || loads != 1 {
		t.Fatalf("by name: %q %v %v (%d loads)", m, secs, err, loads)
	}
	if _, _, err := LoadModel(s, "m/x", []byte("bad"), load, missing); err == nil {
		t.Fatal("a bad model loaded")
	}
	if m, _, _ := LoadModel(s, "m/x", nil, load, missing); m != "model:abc" {
		t.Errorf("a failed load replaced the model: %q", m)
	}
	if s.Used() != 3 {
		t.Errorf("used %d, want 3 (the model's bytes)", s.Used())
	}
}
