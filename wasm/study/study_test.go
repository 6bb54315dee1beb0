package study

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"

	core "textlab/core/study"
	"textlab/internal/enginetest"
	"textlab/wasm/protocol"
)

// TestExportImport: study.export's file reads back through study.import
// with every item as it went in.
func TestExportImport(t *testing.T) {
	_, call := enginetest.New(t, Register)
	csv := []byte("text,label\na,x\nb,y\n")
	model := []byte{0, 1, 2, 3}
	items := []ExportItem{
		{Page: "data", Key: "file", Kind: "bytes", Name: "good.csv", Size: int64(len(csv))},
		{Page: "data", Key: "columns", Kind: "json", Value: json.RawMessage(`{"text":"text","label":"label"}`)},
		{Page: "classic", Key: "model", Kind: "bytes", Name: "model.bin", Size: int64(len(model))},
	}
	m := call.JSON(t, "study.export", map[string]any{"items": items}, append(bytes.Clone(csv), model...))
	if m.Type != "result" {
		t.Fatalf("export: %+v", m.Error)
	}
	ex := m.Result.(Export)
	if !strings.HasPrefix(ex.Name, "textlab-study-") || !strings.HasSuffix(ex.Name, ".zip") || len(ex.Name) != len("textlab-study-2026-12-04.zip") {
		t.Errorf("name = %q", ex.Name)
	}
	// The JSON the page receives carries the zip as base64.
	if b, _ := json.Marshal(ex); !bytes.Contains(b, []byte(`"zip":"UEsDB`)) {
		t.Errorf("zip is not base64 in JSON: %.60s", b)
	}
	m = call("study.import", "", ex.Zip)
	if m.Type != "result" {
		t.Fatalf("import: %+v", m.Error)
	}
	im := m.Result.(Import)
	if im.Version != core.Version || len(im.Items) != 3 {
		t.Fatalf("import = %+v", im)
	}
	if !bytes.Equal(im.Items[0].Bytes, csv) || im.Items[0].Name != "good.csv" || im.Items[0].Size != len(csv) {
		t.Errorf("item 0 = %+v", im.Items[0])
	}
	if string(im.Items[1].Value) != `{"text":"text","label":"label"}` || im.Items[1].Kind != "json" {
		t.Errorf("item 1 = %+v", im.Items[1])
	}
	if !bytes.Equal(im.Items[2].Bytes, model) {
		t.Errorf("item 2 = %+v", im.Items[2])
	}
	b, _ := json.Marshal(im)
	if !bytes.Contains(b, []byte(`"bytes":"AAECAw=="`)) {
		t.Errorf("bytes are not base64 in JSON: %s", b)
	}
}

// TestExportRefuses: sizes that do not add up, unknown kinds and missing
// values are bad requests.
func TestExportRefuses(t *testing.T) {
	_, call := enginetest.New(t, Register)
	for name, tc := range map[string]struct {
		items []ExportItem
		data  []byte
	}{
		"size too big":  {[]ExportItem{{Page: "data", Key: "f", Kind: "bytes", Size: 10}}, []byte("abc")},
		"bytes left":    {[]ExportItem{{Page: "data", Key: "f", Kind: "bytes", Size: 1}}, []byte("abc")},
		"negative size": {[]ExportItem{{Page: "data", Key: "f", Kind: "bytes", Size: -1}}, nil},
		"unknown kind":  {[]ExportItem{{Page: "data", Key: "f", Kind: "text"}}, nil},
		"no value":      {[]ExportItem{{Page: "data", Key: "f", Kind: "json"}}, nil},
		"no page":       {[]ExportItem{{Key: "f", Kind: "json", Value: json.RawMessage(`1`)}}, nil},
	} {
		m := call.JSON(t, "study.export", map[string]any{"items": tc.items}, tc.data)
		if m.Type != "error" || m.Error.Code != protocol.CodeBadRequest {
			t.Errorf("%s: %+v", name, m)
		}
	}
}

// TestImportRefuses: a damaged file is an error naming the problem.
func TestImportRefuses(t *testing.T) {
	_, call := enginetest.New(t, Register)
	good, _ := core.Bytes(core.Study{Items: []core.Item{{Page: "data", Key: "f", Kind: "bytes", Bytes: []byte("text,label\n")}}})
	for name, tc := range map[string]struct {
		data []byte
		want string
	}{
		"not a zip": {[]byte("text,label\n"), "study file: this is not a Textlab study"},
		"truncated": {good[:len(good)-10], "study file: this is not a Textlab study"},
	} {
		m := call("study.import", "", tc.data)
		if m.Type != "error" || m.Error.Code != protocol.CodeFailed || !strings.HasPrefix(m.Error.Message, tc.want) {
			t.Errorf("%s: %+v", name, m.Error)
		}
	}
	if m := call("study.import", "", nil); m.Type != "error" || m.Error.Code != protocol.CodeBadRequest {
		t.Errorf("no file: %+v", m)
	}
}
