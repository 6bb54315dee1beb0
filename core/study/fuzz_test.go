package study

import (
	"archive/zip"
	"encoding/json"
	"errors"
	"testing"
)

// FuzzRead feeds arbitrary bytes to Read: it must never panic, every error
// must be a *Error, and what it accepts must survive a round trip.
func FuzzRead(f *testing.F) {
	good, _ := Bytes(sample())
	f.Add(good)
	f.Add(good[:len(good)/2])
	f.Add([]byte{})
	f.Add([]byte("PK\x05\x06" + string(make([]byte, 18))))
	f.Add(archive(f, manifest(2, entry{name: "items/0001.bin", data: []byte("x")}), entry{name: "items/0001.bin", data: []byte("x")}))
	f.Add(archive(f, manifest(1), entry{raw: &zip.FileHeader{Name: "items/0001.bin", Method: zip.Store, CompressedSize64: 1, UncompressedSize64: 100e9}, data: []byte("x")}))
	f.Fuzz(func(t *testing.T, data []byte) {
		s, err := Read(data, Limits{MaxTotal: 1 << 20, MaxItem: 1 << 20, MaxEntries: 100})
		if err != nil {
			var se *Error
			if !errors.As(err, &se) {
				t.Fatalf("error %T is not a *Error: %v", err, err)
			}
			return
		}
		b, err := Bytes(*s)
		if err != nil {
			t.Fatalf("an accepted study does not write: %v", err)
		}
		again, err := Read(b, Limits{})
		if err != nil {
			t.Fatalf("a written study does not read: %v", err)
		}
		if len(again.Items) != len(s.Items) {
			t.Fatalf("%d items, then %d", len(s.Items), len(again.Items))
		}
		for _, it := range s.Items {
			if it.Kind == KindJSON && !json.Valid(it.Value) {
				t.Fatalf("accepted invalid JSON")
			}
		}
	})
}
