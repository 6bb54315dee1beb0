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
