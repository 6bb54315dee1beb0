package storage

import (
	"encoding/json"
	"strings"
	"testing"

	"textlab/internal/enginetest"
	"textlab/wasm/protocol"
)

func TestRenderAndClear(t *testing.T) {
	e, call := enginetest.New(t, Register)
	m := call("storage.render", `{"pages":[{"id":"data","title":"Data","items":[{"key":"data.file","what":"The data file","bytes":1500,"where":"IndexedDB"}]},{"id":"classic","title":"Classic ML","items":[]}],"usage":2500000,"quota":1000000000}`, nil)
	if m.Error != nil {
		t.Fatal(m.Error)
	}
	html := result(m)
	for _, want := range []string{`data-storage-key=\"data.file\"`, "1.5 KB", "2.5 MB", "1.0 GB", `data-delete-page=\"data\"`} {
		if !strings.Contains(html, want) {
			t.Errorf("storage.render: no %s in %s", want, html)
		}
	}
	if strings.Contains(html, "Classic ML") {
		t.Errorf("a page without items is listed: %s", html)
	}
	if m := call("storage.render", `{"pages":[]}`, nil); !strings.Contains(result(m), "data-storage-empty") {
		t.Errorf("empty listing: %s", m.Result)
	}
	if m := call("storage.render", `{"pages":"x"}`, nil); m.Error == nil || m.Error.Code != protocol.CodeBadRequest {
		t.Errorf("bad payload: %+v", m)
	}

	if err := e.Store().Keep("data.loaded", 1, 10); err != nil {
		t.Fatal(err)
	}
	if err := e.Store().Keep("classic.last", 2, 10); err != nil {
		t.Fatal(err)
	}
	m = call("store.clear", "", nil)
	if m.Error != nil || !strings.Contains(result(m), `"keys":2`) {
		t.Errorf("store.clear: %+v", m)
	}
	if keys := e.Store().Keys(); len(keys) != 0 || e.Store().Used() != 0 {
		t.Errorf("after store.clear the store holds %v (%d bytes)", keys, e.Store().Used())
	}
}

// result is a message's result as JSON.
func result(m protocol.Message) string {
	b, _ := json.Marshal(m.Result)
	return string(b)
}

func TestStudy(t *testing.T) {
	_, call := enginetest.New(t, Register)
	pages := `[{"id":"data","title":"Data","items":[{"key":"data.file","bytes":1500},{"key":"data.file","bytes":80}]},{"id":"board","title":"Results board","items":[{"key":"board.runs","bytes":900}]}]`
	m := call("storage.study", `{"action":"export","name":"textlab-study-2026-12-04.zip","size":2100,"pages":`+pages+`}`, nil)
	if m.Error != nil {
		t.Fatal(m.Error)
	}
	if html := result(m); !strings.Contains(html, "Exported textlab-study-2026-12-04.zip: 3 items, 2.1 KB.") {
		t.Errorf("export summary: %s", html)
	}
	m = call("storage.study", `{"action":"import","name":"s.zip","size":2100,"version":1,"created":"2026-12-04T20:00:00Z","textlab":"dev","pages":`+pages+`,"left_out":["x/y"]}`, nil)
	html := result(m)
	for _, want := range []string{`data-study-page=\"data\" data-items=\"2\"`, "Data: 2 items, 1.6 KB", "format version 1", "Not imported", "x/y"} {
		if !strings.Contains(html, want) {
			t.Errorf("import contents: no %s in %s", want, html)
		}
	}
	if m := call("storage.study", `{"action":"other"}`, nil); m.Error == nil || m.Error.Code != protocol.CodeBadRequest {
		t.Errorf("bad action: %+v", m)
	}
}
