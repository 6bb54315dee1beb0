// Package study is the engine's part of "a whole study in one file": it
// writes the items the page hands it into a study file (core/study) and
// reads one back, checked whole, for the page to store. It keeps nothing:
// the page's storage layer (static/store.js) owns the items.
//
// Methods:
//
//	study.export  payload {items: [{page, key, kind, name?, value?, size?}]}
//	              data    the bytes of the kind "bytes" items, concatenated in
//	                      item order; each such item's size says how many are
//	                      its own (sizes must add up to the data's length)
//	              → Export {name: "textlab-study-YYYY-MM-DD.zip", zip: the file
//	                (bytes; base64 in JSON), size: its length in bytes,
//	                items: the number of items}
//	              A "json" item carries its JSON in value (any JSON value);
//	              kind is "json" or "bytes"; page and key must not be empty.
//
//	study.import  payload {} (may be empty)
//	              data    the study file
//	              → Import {version, created (RFC 3339), textlab (the version
//	                that wrote it), items: [{page, key, kind, name, size,
//	                value (kind "json") | bytes (kind "bytes", base64 in
//	                JSON; absent when the item is empty)}]}
//
// A stored record that holds bytes (a file's contents, a saved model) goes
// in as a "bytes" item and, when it has other fields, a "json" item with the
// same page and key for them. textlab study run (cmd/textlab/study.go) finds
// what it reruns by these conventions, which are the store's
// (static/store.js) keys: the data set is a "bytes" item of page "data"
// whose name is the file's name, with a "json" item of page "data" whose
// value has that "name" and the "columns" ({text, label, id, group});
// Classic ML's saved run is an item of page "classic" (json or bytes) holding
// classic.train's saved.run (format "textlab-classic-run"); the results
// board is a "json" item of page "board" holding the array of runs; an
// uploaded dictionary is a "bytes" item of page "dictionary" named as the
// dictionary is.
//
// study.import checks the whole file first (format and version, names,
// declared sizes and compression ratios before decompressing, entry count,
// every item's sha256) and answers with an error naming the problem (code
// "failed", message starting "study file: ") when anything is wrong; the page
// then stores nothing. In the engine a study holds at most MaxTotal bytes
// once decompressed.
package study

import (
	"context"
	"encoding/json"
	"errors"
	"time"

	"textlab/core/study"
	"textlab/wasm/protocol"
)

// MaxTotal is the most bytes a study's items may hold in the engine (their
// JSON answer doubles them again in the worker's memory).
const MaxTotal = 256 << 20

// ExportItem is one item of study.export's payload.
type ExportItem struct {
	Page  string          `json:"page"`
	Key   string          `json:"key"`
	Kind  string          `json:"kind"` // "json" or "bytes"
	Name  string          `json:"name,omitempty"`
	Value json.RawMessage `json:"value,omitempty"` // kind "json"
	Size  int64           `json:"size,omitempty"`  // kind "bytes": its share of Request.Data
}

// Export is study.export's result.
type Export struct {
	Name  string `json:"name"`
	Zip   []byte `json:"zip"`
	Size  int    `json:"size"`
	Items int    `json:"items"`
}

// ImportItem is one item of study.import's result.
type ImportItem struct {
	Page  string          `json:"page"`
	Key   string          `json:"key"`
	Kind  string          `json:"kind"`
	Name  string          `json:"name,omitempty"`
	Size  int             `json:"size"`
	Value json.RawMessage `json:"value,omitempty"` // kind "json"
	Bytes []byte          `json:"bytes,omitempty"` // kind "bytes"
}

// Import is study.import's result.
type Import struct {
	Version int          `json:"version"`
	Created string       `json:"created"`
	Textlab string       `json:"textlab"`
	Items   []ImportItem `json:"items"`
}

// Register adds study.export and study.import to e.
func Register(e *protocol.Engine) {
	e.Register("study.export", func(ctx context.Context, req protocol.Request, _ protocol.Progress) (any, error) {
		var in struct {
			Items []ExportItem `json:"items"`
		}
		if err := protocol.Decode(req, &in); err != nil {
			return nil, err
		}
		now := time.Now().UTC()
		s, err := ExportStudy(in.Items, req.Data, now)
		if err != nil {
			return nil, err
		}
		b, err := study.Bytes(s)
		if err != nil {
			var se *study.Error
			if errors.As(err, &se) {
				return nil, protocol.BadRequest("study.export: %s", se.Msg)
			}
			return nil, err
		}
		return Export{Name: "textlab-study-" + now.Format("2006-01-02") + ".zip", Zip: b, Size: len(b), Items: len(s.Items)}, nil
	})
	e.Register("study.import", func(ctx context.Context, req protocol.Request, _ protocol.Progress) (any, error) {
		if len(req.Data) == 0 {
			return nil, protocol.BadRequest("study.import: no file (the study file goes in data)")
		}
		s, err := study.Read(req.Data, study.Limits{MaxTotal: MaxTotal, MaxItem: MaxTotal})
		if err != nil {
			return nil, err
		}
		return ImportOf(s), nil
	})
}

// ExportStudy builds the study of study.export from its items and data.
func ExportStudy(items []ExportItem, data []byte, created time.Time) (study.Study, error) {
	s := study.Study{Created: created, Items: make([]study.Item, 0, len(items))}
	var off int64
	for i, it := range items {
		si := study.Item{Page: it.Page, Key: it.Key, Kind: it.Kind, Name: it.Name}
		switch it.Kind {
		case study.KindJSON:
			if len(it.Value) == 0 {
				return s, protocol.BadRequest("study.export: item %d (%s/%s) of kind json has no value", i+1, it.Page, it.Key)
			}
			si.Value = it.Value
		case study.KindBytes:
			if it.Size < 0 || it.Size > int64(len(data))-off {
				return s, protocol.BadRequest("study.export: item %d (%s/%s) has size %d but only %d bytes of data are left", i+1, it.Page, it.Key, it.Size, int64(len(data))-off)
			}
			si.Bytes = data[off : off+it.Size]
			off += it.Size
		default:
			return s, protocol.BadRequest("study.export: item %d (%s/%s): kind must be json or bytes, not %q", i+1, it.Page, it.Key, it.Kind)
		}
		s.Items = append(s.Items, si)
	}
	if off != int64(len(data)) {
		return s, protocol.BadRequest("study.export: the items' sizes add up to %d bytes but data holds %d", off, len(data))
	}
	return s, nil
}

// ImportOf is study.import's answer for s.
func ImportOf(s *study.Study) Import {
	out := Import{Version: s.Version, Created: s.Created.UTC().Format(time.RFC3339), Textlab: s.Textlab, Items: make([]ImportItem, 0, len(s.Items))}
	for _, it := range s.Items {
		ii := ImportItem{Page: it.Page, Key: it.Key, Kind: it.Kind, Name: it.Name}
		if it.Kind == study.KindJSON {
			ii.Value, ii.Size = it.Value, len(it.Value)
		} else {
			ii.Bytes, ii.Size = it.Bytes, len(it.Bytes)
			if ii.Bytes == nil {
				ii.Bytes = []byte{}
			}
		}
		out.Items = append(out.Items, ii)
	}
	return out
}
