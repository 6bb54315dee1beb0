// Package study writes and reads a study file: everything a user did in
// Textlab (data sets, splits, runs, models, settings, ...) in one zip
// archive that a browser tab exports and imports, and that the command line
// opens (textlab study show, textlab study run).
//
// A study file is a zip archive (archive/zip, deflate) with
//
//	manifest.json     the Manifest: format "textlab-study", format version,
//	                  creation time, Textlab version, and one entry per item:
//	                  page, key, kind ("json" or "bytes"), name, size, sha256
//	                  and the archive entry that holds it
//	items/0001.json   one entry per item, in manifest order: a JSON value
//	items/0002.bin    (kind json) or raw bytes (kind bytes)
//
// Read checks everything before it returns anything, so importing a damaged
// or hostile file returns an error and changes nothing:
//
//   - the format and its version: versions 1 to Version are read (1 is the
//     only one so far); a newer version asks for a newer Textlab;
//   - the archive's own directory before decompressing anything: at most
//     Limits.MaxEntries entries, each entry's declared size at most
//     Limits.MaxItem, all of them together at most Limits.MaxTotal, and no
//     entry larger than 1 MB that expands more than Limits.MaxRatio times
//     (a zip bomb);
//   - every name: relative, no "..", no backslash, no drive letter, no
//     duplicates, and no entry the manifest does not list;
//   - every item: its size and sha256 as the manifest says, JSON items valid
//     JSON; decompression stops at the declared size.
//
// Errors match the Err* sentinels with errors.Is.
package study

import (
	"archive/zip"
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"path"
	"strings"
	"time"

	"textlab/core/buildinfo"
)

// Format is the manifest's format name.
const Format = "textlab-study"

// Version is the newest format version this package writes and reads.
const Version = 1

// ManifestName is the archive entry that holds the manifest.
const ManifestName = "manifest.json"

// Kinds of item.
const (
	KindJSON  = "json"  // a JSON value (settings, runs, annotations)
	KindBytes = "bytes" // raw bytes (a data set file, a model)
)

// Default limits of Read.
const (
	DefaultMaxTotal    = 1 << 30   // 1 GiB, all items together
	DefaultMaxItem     = 512 << 20 // 512 MiB, one item
	DefaultMaxEntries  = 10000
	DefaultMaxRatio    = 200
	DefaultMaxManifest = 16 << 20 // 16 MiB
)

// ratioFloor is the size below which an entry's compression ratio is not
// checked: small, repetitive JSON compresses well and harms no one.
const ratioFloor = 1 << 20

// Limits bound what Read accepts. The zero value uses the defaults.
type Limits struct {
	// MaxTotal is the most bytes all items may hold once decompressed.
	// 0 means DefaultMaxTotal (1 GiB).
	MaxTotal int64
	// MaxItem is the most bytes one item may hold. 0 means DefaultMaxItem
	// (512 MiB).
	MaxItem int64
	// MaxEntries is the most entries the archive may have (manifest
	// included). 0 means DefaultMaxEntries (10,000).
	MaxEntries int
	// MaxRatio is the largest uncompressed/compressed ratio of an entry
	// over 1 MB. 0 means DefaultMaxRatio (200; deflate reaches about 1,000
	// on a zip bomb, real data a few dozen at most).
	MaxRatio int64
}

func (l Limits) withDefaults() Limits {
	if l.MaxTotal <= 0 {
		l.MaxTotal = DefaultMaxTotal
	}
	if l.MaxItem <= 0 {
		l.MaxItem = DefaultMaxItem
	}
	if l.MaxEntries <= 0 {
		l.MaxEntries = DefaultMaxEntries
	}
	if l.MaxRatio <= 0 {
		l.MaxRatio = DefaultMaxRatio
	}
	return l
}

// Item is one stored thing of a page.
type Item struct {
	Page string // the page that stored it ("data", "classic", "dictionary", "board", ...)
	Key  string // its key within the page
	Kind string // KindJSON or KindBytes
	Name string // what the user calls it (a file name), may be empty
	// Value is the item's JSON (KindJSON); Bytes its bytes (KindBytes).
	Value json.RawMessage
	Bytes []byte
}

// content returns the bytes stored for it.
func (it Item) content() []byte {
	if it.Kind == KindJSON {
		return it.Value
	}
	return it.Bytes
}

// Study is a study file's content.
type Study struct {
	Version int       // format version of the file read (Write writes Version)
	Created time.Time // when it was written
	Textlab string    // the Textlab version that wrote it
	Items   []Item
}

// Manifest is manifest.json.
type Manifest struct {
	Format  string          `json:"format"`
	Version int             `json:"version"`
	Created string          `json:"created"` // RFC 3339, UTC
	Textlab string          `json:"textlab"`
	Items   []ManifestEntry `json:"items"`
}

// ManifestEntry describes one item of a study file.
type ManifestEntry struct {
	Page   string `json:"page"`
	Key    string `json:"key"`
	Kind   string `json:"kind"`
	Name   string `json:"name,omitempty"`
	Size   int64  `json:"size"`
	SHA256 string `json:"sha256"` // hex
	Entry  string `json:"entry"`  // the archive entry holding it
}

// Sentinel errors, matched with errors.Is.
var (
	ErrNotStudy   = errors.New("not a study file")
	ErrVersion    = errors.New("unsupported study format version")
	ErrDamaged    = errors.New("damaged study file")
	ErrChecksum   = errors.New("checksum mismatch")
	ErrTooBig     = errors.New("study too big")
	ErrZipBomb    = errors.New("zip bomb")
	ErrTooMany    = errors.New("too many entries")
	ErrUnsafeName = errors.New("unsafe entry name")
	ErrItem       = errors.New("bad item")
)

// Error is a study file problem: Kind is the sentinel, Msg says what and
// where for the user.
type Error struct {
	Kind error
	Msg  string
}

func (e *Error) Error() string { return "study file: " + e.Msg }
func (e *Error) Unwrap() error { return e.Kind }

func errorf(kind error, format string, args ...any) error {
	return &Error{Kind: kind, Msg: fmt.Sprintf(format, args...)}
}

// checkItem reports what is wrong with an item's description, or nil.
func checkItem(i int, page, key, kind string) error {
	switch {
	case page == "" || key == "":
		return errorf(ErrItem, "item %d has no page or key", i+1)
	case len(page) > 200 || len(key) > 1000:
		return errorf(ErrItem, "item %d: page or key too long", i+1)
	case kind != KindJSON && kind != KindBytes:
		return errorf(ErrItem, "item %d (%s/%s): kind must be json or bytes, not %q", i+1, page, key, kind)
	}
	return nil
}

// entryName is the archive entry of the i-th item (0-based).
func entryName(i int, kind string) string {
	ext := ".bin"
	if kind == KindJSON {
		ext = ".json"
	}
	return fmt.Sprintf("items/%04d%s", i+1, ext)
}

// Write writes s as a study file to w, with format Version, s.Created (now
// when zero) and this Textlab's version. JSON items must hold valid JSON.
func Write(w io.Writer, s Study) error {
	created := s.Created
	if created.IsZero() {
		created = time.Now()
	}
	m := Manifest{Format: Format, Version: Version, Created: created.UTC().Format(time.RFC3339), Textlab: buildinfo.Version,
		Items: make([]ManifestEntry, 0, len(s.Items))}
	for i, it := range s.Items {
		if err := checkItem(i, it.Page, it.Key, it.Kind); err != nil {
			return err
		}
		if it.Kind == KindJSON && !json.Valid(it.Value) {
			return errorf(ErrItem, "item %d (%s/%s) is not valid JSON", i+1, it.Page, it.Key)
		}
		b := it.content()
		sum := sha256.Sum256(b)
		m.Items = append(m.Items, ManifestEntry{Page: it.Page, Key: it.Key, Kind: it.Kind, Name: it.Name,
			Size: int64(len(b)), SHA256: hex.EncodeToString(sum[:]), Entry: entryName(i, it.Kind)})
	}
	zw := zip.NewWriter(w)
	mb, err := json.MarshalIndent(m, "", "  ")
	if err != nil {
		return err
	}
	if err := writeEntry(zw, ManifestName, mb, created); err != nil {
		return err
	}
	for i, it := range s.Items {
		if err := writeEntry(zw, m.Items[i].Entry, it.content(), created); err != nil {
			return err
		}
	}
	return zw.Close()
}

func writeEntry(zw *zip.Writer, name string, b []byte, t time.Time) error {
	f, err := zw.CreateHeader(&zip.FileHeader{Name: name, Method: zip.Deflate, Modified: t.UTC()})
	if err != nil {
		return err
	}
	_, err = f.Write(b)
	return err
}

// Bytes returns s written as a study file.
func Bytes(s Study) ([]byte, error) {
	var b bytes.Buffer
	if err := Write(&b, s); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

// Read reads a study file from data, checking it whole (see the package
// doc) before returning it. On error it returns nil and an error that
// matches one of the Err* sentinels.
func Read(data []byte, lim Limits) (*Study, error) {
	lim = lim.withDefaults()
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		return nil, errorf(ErrNotStudy, "this is not a Textlab study (not a readable zip archive: %v)", err)
	}
	// The archive's directory, before anything is decompressed.
	if len(zr.File) > lim.MaxEntries {
		return nil, errorf(ErrTooMany, "the archive has %d entries; a study has at most %d", len(zr.File), lim.MaxEntries)
	}
	files := make(map[string]*zip.File, len(zr.File))
	var total uint64
	for _, f := range zr.File {
		if err := checkName(f.Name); err != nil {
			return nil, err
		}
		if files[f.Name] != nil {
			return nil, errorf(ErrDamaged, "the entry %q appears twice", f.Name)
		}
		files[f.Name] = f
		if f.Name == ManifestName {
			if f.UncompressedSize64 > DefaultMaxManifest {
				return nil, errorf(ErrTooBig, "the manifest declares %d bytes; at most %d", f.UncompressedSize64, DefaultMaxManifest)
			}
			continue
		}
		if f.UncompressedSize64 > uint64(lim.MaxItem) {
			return nil, errorf(ErrTooBig, "the entry %q declares %s; an item may hold at most %s", f.Name, size(f.UncompressedSize64), size(uint64(lim.MaxItem)))
		}
		total += f.UncompressedSize64
		if total > uint64(lim.MaxTotal) {
			return nil, errorf(ErrTooBig, "the entries declare more than %s in all; a study may hold at most %s", size(uint64(lim.MaxTotal)), size(uint64(lim.MaxTotal)))
		}
		if f.UncompressedSize64 > ratioFloor && f.UncompressedSize64/max(f.CompressedSize64, 1) > uint64(lim.MaxRatio) {
			return nil, errorf(ErrZipBomb, "the entry %q expands %d times (%s from %s): refused as a zip bomb", f.Name,
				f.UncompressedSize64/max(f.CompressedSize64, 1), size(f.UncompressedSize64), size(f.CompressedSize64))
		}
	}
	mf := files[ManifestName]
	if mf == nil {
		return nil, errorf(ErrNotStudy, "this is not a Textlab study (the zip archive has no %s)", ManifestName)
	}
	mb, err := readEntry(mf, int64(mf.UncompressedSize64))
	if err != nil {
		return nil, err
	}
	var m Manifest
	if err := json.Unmarshal(mb, &m); err != nil {
		return nil, errorf(ErrDamaged, "%s is not valid JSON: %v", ManifestName, err)
	}
	if m.Format != Format {
		return nil, errorf(ErrNotStudy, "this is not a Textlab study (the manifest's format is %q, not %q)", m.Format, Format)
	}
	switch {
	case m.Version > Version:
		return nil, errorf(ErrVersion, "format version %d was written by a newer Textlab (%s); this Textlab (%s) reads versions 1 to %d: update Textlab to open it",
			m.Version, m.Textlab, buildinfo.Version, Version)
	case m.Version < 1:
		return nil, errorf(ErrVersion, "format version %d does not exist; versions start at 1", m.Version)
	}
	s := &Study{Version: m.Version, Textlab: m.Textlab}
	if s.Created, err = time.Parse(time.RFC3339, m.Created); err != nil {
		return nil, errorf(ErrDamaged, "the manifest's creation time %q is not a time", m.Created)
	}
	if len(m.Items)+1 != len(zr.File) {
		for name := range files {
			if name != ManifestName && !listed(m.Items, name) {
				return nil, errorf(ErrDamaged, "the entry %q is not in the manifest", name)
			}
		}
		return nil, errorf(ErrDamaged, "the manifest lists %d items but the archive holds %d", len(m.Items), len(zr.File)-1)
	}
	used := make(map[string]bool, len(m.Items))
	s.Items = make([]Item, 0, len(m.Items))
	for i, e := range m.Items {
		if err := checkItem(i, e.Page, e.Key, e.Kind); err != nil {
			return nil, err
		}
		f := files[e.Entry]
		if f == nil || e.Entry == ManifestName || used[e.Entry] {
			return nil, errorf(ErrDamaged, "item %d (%s/%s): the archive has no entry %q for it", i+1, e.Page, e.Key, e.Entry)
		}
		used[e.Entry] = true
		if e.Size < 0 || uint64(e.Size) != f.UncompressedSize64 {
			return nil, errorf(ErrDamaged, "item %d (%s/%s): the manifest says %d bytes, the archive %d", i+1, e.Page, e.Key, e.Size, f.UncompressedSize64)
		}
		b, err := readEntry(f, e.Size)
		if err != nil {
			return nil, err
		}
		sum := sha256.Sum256(b)
		if !strings.EqualFold(hex.EncodeToString(sum[:]), e.SHA256) {
			return nil, errorf(ErrChecksum, "item %d (%s/%s, %s): its sha256 does not match the manifest: the file is damaged", i+1, e.Page, e.Key, e.Entry)
		}
		it := Item{Page: e.Page, Key: e.Key, Kind: e.Kind, Name: e.Name}
		if e.Kind == KindJSON {
			if !json.Valid(b) {
				return nil, errorf(ErrItem, "item %d (%s/%s) is not valid JSON", i+1, e.Page, e.Key)
			}
			it.Value = b
		} else {
			it.Bytes = b
		}
		s.Items = append(s.Items, it)
	}
	return s, nil
}

func listed(items []ManifestEntry, name string) bool {
	for _, e := range items {
		if e.Entry == name {
			return true
		}
	}
	return false
}

// readEntry decompresses f, reading at most n bytes (its checked declared
// size) and failing when it holds more, fewer, or fails its CRC.
func readEntry(f *zip.File, n int64) ([]byte, error) {
	rc, err := f.Open()
	if err != nil {
		return nil, errorf(ErrDamaged, "the entry %q cannot be opened: %v", f.Name, err)
	}
	defer rc.Close()
	// The buffer grows with what actually comes out, never to a size a
	// header only claims.
	buf := bytes.NewBuffer(make([]byte, 0, min(n, 1<<20)))
	got, err := io.Copy(buf, io.LimitReader(rc, n+1))
	if err != nil {
		return nil, errorf(ErrDamaged, "the entry %q is damaged: %v", f.Name, err)
	}
	if got != n {
		return nil, errorf(ErrDamaged, "the entry %q holds %d bytes, not the %d it declares", f.Name, got, n)
	}
	return buf.Bytes(), nil
}

// checkName refuses entry names that could point outside the archive
// (absolute, "..", backslashes, drive letters) or are not clean.
func checkName(name string) error {
	bad := name == "" || strings.HasPrefix(name, "/") || strings.Contains(name, "\\") ||
		strings.ContainsRune(name, 0) || (len(name) >= 2 && name[1] == ':') ||
		path.Clean(name) != name || name == ".." || strings.HasPrefix(name, "../")
	if bad {
		return errorf(ErrUnsafeName, "the entry name %q is not a plain relative path: refused", name)
	}
	return nil
}

// size formats n bytes for a message ("1.5 GB", "200 KB", "12 bytes").
func size(n uint64) string {
	switch {
	case n >= 1e9:
		return fmt.Sprintf("%.1f GB", float64(n)/1e9)
	case n >= 1e6:
		return fmt.Sprintf("%.1f MB", float64(n)/1e6)
	case n >= 1e3:
		return fmt.Sprintf("%.1f KB", float64(n)/1e3)
	}
	return fmt.Sprintf("%d bytes", n)
}
