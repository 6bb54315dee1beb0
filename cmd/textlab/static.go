package main

import (
	"context"
	"fmt"
	"io"
	"os"

	"textlab/web"
)

func init() {
	register(command{
		name:    "static",
		summary: "write the app's index.html for static hosting (beside static/)",
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
			return nil
		},
	})
}
