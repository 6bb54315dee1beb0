package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"textlab/web"
)

func runCLI(args ...string) (code int, stdout, stderr string) {
	var out, errb bytes.Buffer
	code = run(args, strings.NewReader(""), &out, &errb)
	return code, out.String(), errb.String()
}

func TestCommands(t *testing.T) {
	tests := []struct {
		args     []string
		wantCode int
		wantOut  string // substring of stdout
		wantErr  string // substring of stderr
	}{
		{[]string{"version"}, 0, runtime.Version(), ""},
		{[]string{"version", "extra"}, 2, "", "unexpected argument"},
		{[]string{}, 2, "", "usage: textlab COMMAND"},
		{[]string{"help"}, 0, "", "serve"},
		{[]string{"nonsense"}, 2, "", `unknown command "nonsense"`},
		{[]string{"serve", "--bogus"}, 2, "", "flag provided but not defined"},
	}
	for _, tc := range tests {
		code, out, errOut := runCLI(tc.args...)
		if code != tc.wantCode || !strings.Contains(out, tc.wantOut) || !strings.Contains(errOut, tc.wantErr) {
			t.Errorf("textlab %v: code %d, stdout %q, stderr %q; want %d, %q, %q", tc.args, code, out, errOut, tc.wantCode, tc.wantOut, tc.wantErr)
		}
	}
}

func TestStaticWritesPage(t *testing.T) {
	out := filepath.Join(t.TempDir(), "index.html")
	if code, _, errOut := runCLI("static", "--out", out); code != 0 {
		t.Fatalf("static failed: %s", errOut)
	}
	got, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	want, _ := web.RenderPage(context.Background())
	if !bytes.Equal(got, want) {
		t.Fatal("index.html differs from the page the server renders")
	}
}

// The committed index.html must be what `make static` writes today.
func TestCommittedIndexIsCurrent(t *testing.T) {
	got, err := os.ReadFile("../../index.html")
	if err != nil {
		t.Fatalf("%v (run `make static`)", err)
	}
	want, _ := web.RenderPage(context.Background())
	if !bytes.Equal(got, want) {
		t.Fatal("index.html is out of date: run `make static` and commit it")
	}
}
