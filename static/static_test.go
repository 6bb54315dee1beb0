package static

import (
	"io/fs"
	"path"
	"testing"
)

// FS serves what the browser loads and nothing else: no Go sources, tests
// or READMEs.
func TestFSServesOnlyBrowserFiles(t *testing.T) {
	served := map[string]bool{".js": true, ".css": true, ".svg": true, ".wasm": true, ".csv": true, ".bin": true}
	seen := map[string]bool{}
	err := fs.WalkDir(FS, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		seen[p] = true
		if !served[path.Ext(p)] {
			t.Errorf("%s is embedded and would be served", p)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"app.js", "engine.js", "worker.js", "sw.js", "offline.js", "app.css", "simd.wasm", "pages/data.js", "data/sotu-party.csv", "models/wink-glove-100d-int8.bin"} {
		if !seen[want] {
			t.Errorf("%s is not embedded", want)
		}
	}
}
