// Package reftest runs the reference implementations that Textlab's parity
// tests compare against: scikit-learn and PyTorch under Debian's
// /usr/bin/python3, and npm packages (tools/node_modules) under Node.
//
// Tests that run a reference program carry the build tag "ref" and exist
// only natively:
//
//	//go:build ref && !js
//
// Root and Shared, which only find folders, work in any test (package
// runc uses them under js/wasm too).
// `make test` installs the references (`make deps`) and runs with -tags ref,
// so a missing reference fails the test run instead of skipping it.
package reftest

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
)

// Python is Debian's interpreter, the one that sees python3-sklearn,
// python3-torch and python3-onnx (the python3 first on PATH may not).
const Python = "/usr/bin/python3"

// Root returns the module root (the folder holding go.mod), found by walking
// up from the test's working directory.
func Root(t testing.TB) string {
	t.Helper()
	dir, err := os.Getwd()
	if err != nil {
		t.Fatalf("reftest: %v", err)
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			t.Fatal("reftest: no go.mod above the working directory")
		}
		dir = parent
	}
}

// Shared returns the path of the shared reference folder (../shared/reference
// beside the checkout), failing the test when it is missing.
func Shared(t testing.TB, elem ...string) string {
	t.Helper()
	p := filepath.Join(append([]string{Root(t), "..", "shared", "reference"}, elem...)...)
	if _, err := os.Stat(p); err != nil {
		t.Fatalf("reftest: reference data missing: %v", err)
	}
	return p
}

// RunPython runs script with Debian's python3, feeding stdin, and returns its
// standard output. The test fails with the script's stderr when it exits
// non-zero (for example when python3-sklearn is not installed: run `make deps`).
func RunPython(t testing.TB, script string, stdin []byte, args ...string) []byte {
	t.Helper()
	return run(t, exec.Command(Python, append([]string{"-c", script}, args...)...), stdin, nil)
}

// RunNode runs a JavaScript program with node, with NODE_PATH set to the
// project's tools/node_modules so `require("vader-sentiment")` and
// `require("@huggingface/tokenizers")` resolve. It returns standard output.
func RunNode(t testing.TB, script string, stdin []byte, args ...string) []byte {
	t.Helper()
	mods := filepath.Join(Root(t), "tools", "node_modules")
	if _, err := os.Stat(mods); err != nil {
		t.Fatalf("reftest: %s missing: run `make deps`", mods)
	}
	cmd := exec.Command("node", append([]string{"-e", script, "--"}, args...)...)
	return run(t, cmd, stdin, []string{"NODE_PATH=" + mods})
}

// RunNodeModule is RunNode for an ES module program (import syntax), written
// to a temporary .mjs file inside tools/ so bare imports resolve.
func RunNodeModule(t testing.TB, script string, stdin []byte, args ...string) []byte {
	t.Helper()
	tools := filepath.Join(Root(t), "tools")
	if _, err := os.Stat(filepath.Join(tools, "node_modules")); err != nil {
		t.Fatalf("reftest: %s/node_modules missing: run `make deps`", tools)
	}
	f, err := os.CreateTemp(tools, ".reftest-*.mjs")
	if err != nil {
		t.Fatalf("reftest: %v", err)
	}
	defer os.Remove(f.Name())
	if _, err := f.WriteString(script); err != nil {
		t.Fatalf("reftest: %v", err)
	}
	f.Close()
	return run(t, exec.Command("node", append([]string{f.Name()}, args...)...), stdin, nil)
}

func run(t testing.TB, cmd *exec.Cmd, stdin []byte, env []string) []byte {
	t.Helper()
	var stdout, stderr bytes.Buffer
	cmd.Stdin = bytes.NewReader(stdin)
	cmd.Stdout = &stdout
	cmd.Stderr = &stderr
	cmd.Env = append(os.Environ(), env...)
	if err := cmd.Run(); err != nil {
		t.Fatalf("reftest: %s failed: %v\n%s", cmd.Path, err, stderr.String())
	}
	return stdout.Bytes()
}
