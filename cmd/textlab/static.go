package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"textlab/static"
	"textlab/web"
)

func init() {
	register(command{
		name:    "static",
		summary: "write the app's index.html for static hosting (beside static/), and static/manifest.json for offline use",
		run: func(args []string, _ io.Reader, stdout, stderr io.Writer) error {
			fs := newFlags("static", stderr)
			out := fs.String("out", "index.html", "file to write")
			if err := parseFlags(fs, args); err != nil {
				return err
			}
			page, err := web.RenderPage(context.Background())
			if err != nil {
				return err
			}
			if err := os.WriteFile(*out, page, 0o644); err != nil {
				return err
			}
			fmt.Fprintf(stdout, "wrote %s (%d bytes); serve it together with static/ from any file server\n", *out, len(page))
			// The service worker (static/sw.js) saves the files this
			// manifest lists for offline use; the Go server builds the same
			// list itself.
			m, err := web.BuildManifest(context.Background(), static.FS)
			if err != nil {
				return err
			}
			body, err := json.MarshalIndent(m, "", " ")
			if err != nil {
				return err
			}
			manifest := filepath.Join(filepath.Dir(*out), "static", "manifest.json")
			if err := os.MkdirAll(filepath.Dir(manifest), 0o755); err != nil {
				return err
			}
			if err := os.WriteFile(manifest, body, 0o644); err != nil {
				return err
			}
			fmt.Fprintf(stdout, "wrote %s (version %s, %d files, %d bytes)\n", manifest, m.Version, len(m.Files), m.Bytes)
			return nil
		},
	})
}
