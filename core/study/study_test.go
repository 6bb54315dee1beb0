package study

import (
	"archive/zip"
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"runtime"
	"strings"
	"testing"
	"time"
)

func sample() Study {
	return Study{
		Created: time.Date(2026, 12, 4, 10, 0, 0, 0, time.UTC),
		Items: []Item{
			{Page: "data", Key: "file", Kind: KindBytes, Name: "good.csv", Bytes: []byte("text,label\na,x\nb,y\n")},
			{Page: "data", Key: "columns", Kind: KindJSON, Value: json.RawMessage(`{"text":"text","label":"label"}`)},
			{Page: "board", Key: "runs", Kind: KindJSON, Value: json.RawMessage(`[]`)},
			{Page: "classic", Key: "empty", Kind: KindBytes, Bytes: nil},
		},
	}
}

func TestRoundTrip(t *testing.T) {
	s := sample()
	b, err := Bytes(s)
	if err != nil {
		t.Fatal(err)
	}
	got, err := Read(b, Limits{})
	if err != nil {
		t.Fatal(err)
	}
	if got.Version != Version || !got.Created.Equal(s.Created) || got.Textlab == "" {
		t.Errorf("header: version %d, created %v, textlab %q", got.Version, got.Created, got.Textlab)
	}
	if len(got.Items) != len(s.Items) {
		t.Fatalf("%d items, want %d", len(got.Items), len(s.Items))
	}
	for i, it := range s.Items {
		g := got.Items[i]
		if g.Page != it.Page || g.Key != it.Key || g.Kind != it.Kind || g.Name != it.Name ||
			!bytes.Equal(g.Value, it.Value) || !bytes.Equal(g.Bytes, it.Bytes) {
			t.Errorf("item %d = %+v, want %+v", i, g, it)
		}
	}
}

func TestWriteRefuses(t *testing.T) {
	for name, it := range map[string]Item{
		"no page":      {Key: "k", Kind: KindJSON, Value: json.RawMessage(`1`)},
		"bad kind":     {Page: "p", Key: "k", Kind: "text"},
		"invalid JSON": {Page: "p", Key: "k", Kind: KindJSON, Value: json.RawMessage(`{`)},
	} {
		if _, err := Bytes(Study{Items: []Item{it}}); !errors.Is(err, ErrItem) {
			t.Errorf("%s: err = %v, want ErrItem", name, err)
		}
	}
}

// entry is one archive entry of a hand-made study file.
type entry struct {
	name string
	data []byte
	raw  *zip.FileHeader // written with CreateRaw (data is then the compressed bytes)
}

// archive writes entries into a zip archive as they are.
func archive(t testing.TB, entries ...entry) []byte {
	t.Helper()
	var b bytes.Buffer
	zw := zip.NewWriter(&b)
	for _, e := range entries {
		var w interface{ Write([]byte) (int, error) }
		var err error
		if e.raw != nil {
			w, err = zw.CreateRaw(e.raw)
		} else {
			w, err = zw.CreateHeader(&zip.FileHeader{Name: e.name, Method: zip.Deflate})
		}
		if err != nil {
			t.Fatal(err)
		}
		if _, err := w.Write(e.data); err != nil {
			t.Fatal(err)
		}
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// manifest returns a manifest.json entry listing entries as bytes items.
func manifest(version int, entries ...entry) entry {
	m := Manifest{Format: Format, Version: version, Created: "2026-12-04T10:00:00Z", Textlab: "test"}
	for i, e := range entries {
		sum := sha256.Sum256(e.data)
		m.Items = append(m.Items, ManifestEntry{Page: "data", Key: fmt.Sprint("k", i), Kind: KindBytes, Size: int64(len(e.data)),
			SHA256: hex.EncodeToString(sum[:]), Entry: e.name})
	}
	b, _ := json.Marshal(m)
	return entry{name: ManifestName, data: b}
}

// TestReadRefuses: every kind of damaged or hostile file gets an error that
// names the problem, and Read returns nothing.
func TestReadRefuses(t *testing.T) {
	good, err := Bytes(sample())
	if err != nil {
		t.Fatal(err)
	}
	item := entry{name: "items/0001.bin", data: []byte("text,label\na,x\n")}

	// A byte flipped inside the first item's compressed data.
	flipped := bytes.Clone(good)
	zr, _ := zip.NewReader(bytes.NewReader(good), int64(len(good)))
	off, _ := zr.File[1].DataOffset()
	flipped[off+2] ^= 0x40

	// A manifest whose sha256 is wrong for its item.
	wrongSum := manifest(1, item)
	wrongSum.data = bytes.Replace(wrongSum.data, []byte(`"sha256":"`), []byte(`"sha256":"00`), 1)
	wrongSum.data = bytes.Replace(wrongSum.data, []byte(`","entry"`), []byte(`"entry"`), 1)
	var ms Manifest
	json.Unmarshal(manifest(1, item).data, &ms)
	ms.Items[0].SHA256 = strings.Repeat("ab", 32)
	wrongSum.data, _ = json.Marshal(ms)

	// A 2 MB entry of zeros compresses about 1,000 times.
	var zeros bytes.Buffer
	{
		zw := zip.NewWriter(&zeros)
		w, _ := zw.Create("x")
		w.Write(make([]byte, 2<<20))
		zw.Close()
	}
	zzr, _ := zip.NewReader(bytes.NewReader(zeros.Bytes()), int64(zeros.Len()))
	bombHeader := zzr.File[0].FileHeader
	bombHeader.Name = "items/0001.bin"
	bombData, _ := zzr.File[0].OpenRaw()
	bombRaw := new(bytes.Buffer)
	bombRaw.ReadFrom(bombData)
	bomb := entry{name: "items/0001.bin", data: make([]byte, 2<<20)}
	bombManifest := manifest(1, bomb)

	// 100 GB declared in a 1 KB file.
	huge := entry{name: "items/0001.bin", raw: &zip.FileHeader{Name: "items/0001.bin", Method: zip.Deflate,
		CompressedSize64: 4, UncompressedSize64: 100e9, CRC32: 0}, data: []byte{1, 2, 3, 4}}

	many := []entry{}
	for i := range 10001 {
		many = append(many, entry{name: fmt.Sprintf("items/%05d.bin", i), data: []byte{byte(i)}})
	}

	tests := []struct {
		name string
		in   []byte
		want error
	}{
		{"empty", nil, ErrNotStudy},
		{"not a zip", []byte("text,label\na,x\n"), ErrNotStudy},
		{"truncated", good[:len(good)/2], ErrNotStudy},
		{"truncated end", good[:len(good)-1], ErrNotStudy},
		{"flipped byte", flipped, ErrDamaged},
		{"wrong checksum", archive(t, wrongSum, item), ErrChecksum},
		{"unknown version", archive(t, manifest(2, item), item), ErrVersion},
		{"version 0", archive(t, manifest(0, item), item), ErrVersion},
		{"no manifest", archive(t, item), ErrNotStudy},
		{"other format", archive(t, entry{name: ManifestName, data: []byte(`{"format":"other","version":1}`)}), ErrNotStudy},
		{"manifest not JSON", archive(t, entry{name: ManifestName, data: []byte(`{`)}), ErrDamaged},
		{"path traversal", archive(t, manifest(1, entry{name: "../evil", data: item.data}), entry{name: "../evil", data: item.data}), ErrUnsafeName},
		{"absolute path", archive(t, manifest(1), entry{name: "/etc/passwd", data: item.data}), ErrUnsafeName},
		{"backslash", archive(t, manifest(1), entry{name: `items\..\..\x`, data: item.data}), ErrUnsafeName},
		{"drive letter", archive(t, manifest(1), entry{name: `C:/x`, data: item.data}), ErrUnsafeName},
		{"unlisted entry", archive(t, manifest(1, item), item, entry{name: "extra", data: []byte("x")}), ErrDamaged},
		{"missing entry", archive(t, manifest(1, item)), ErrDamaged},
		{"duplicate entry", archive(t, manifest(1, item, item), item, item), ErrDamaged},
		{"zip bomb", archive(t, bombManifest, entry{raw: &bombHeader, data: bombRaw.Bytes()}), ErrZipBomb},
		{"100 GB declared", archive(t, manifest(1), huge), ErrTooBig},
		{"too many entries", archive(t, append([]entry{manifest(1)}, many...)...), ErrTooMany},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, err := Read(tt.in, Limits{})
			if !errors.Is(err, tt.want) {
				t.Fatalf("err = %v, want %v", err, tt.want)
			}
			if s != nil {
				t.Errorf("Read returned a study with its error")
			}
			var se *Error
			if !errors.As(err, &se) {
				t.Errorf("error %T is not a *Error", err)
			}
		})
	}
}

// TestReadLimits: the per-item and total limits come from the headers.
func TestReadLimits(t *testing.T) {
	b, _ := Bytes(Study{Items: []Item{
		{Page: "p", Key: "a", Kind: KindBytes, Bytes: make([]byte, 600)},
		{Page: "p", Key: "b", Kind: KindBytes, Bytes: make([]byte, 600)},
	}})
	if _, err := Read(b, Limits{MaxItem: 500}); !errors.Is(err, ErrTooBig) {
		t.Errorf("item limit: %v", err)
	}
	if _, err := Read(b, Limits{MaxTotal: 1000}); !errors.Is(err, ErrTooBig) {
		t.Errorf("total limit: %v", err)
	}
	if _, err := Read(b, Limits{MaxTotal: 1200, MaxItem: 600}); err != nil {
		t.Errorf("at the limits: %v", err)
	}
}

// TestHugeDeclaredSizeAllocatesNothing: a 1 KB file whose header declares a
// 100 GB item fails before allocating it.
func TestHugeDeclaredSizeAllocatesNothing(t *testing.T) {
	m := manifest(1, entry{name: "items/0001.bin", data: []byte("x")})
	m.data = bytes.Replace(m.data, []byte(`"size":1,`), []byte(`"size":100000000000,`), 1)
	in := archive(t, m,
		entry{raw: &zip.FileHeader{Name: "items/0001.bin", Method: zip.Store, CompressedSize64: 1, UncompressedSize64: 100e9}, data: []byte("x")})
	if len(in) > 1024 {
		t.Fatalf("test file is %d bytes", len(in))
	}
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	_, err := Read(in, Limits{MaxItem: 200e9, MaxTotal: 200e9, MaxRatio: 1e12})
	runtime.ReadMemStats(&after)
	if !errors.Is(err, ErrDamaged) {
		t.Fatalf("err = %v, want ErrDamaged (the entry holds 1 byte, not 100 GB)", err)
	}
	if grew := after.TotalAlloc - before.TotalAlloc; grew > 10<<20 {
		t.Errorf("Read allocated %d bytes for a 1 KB file", grew)
	}
}
