package web

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"io/fs"
	"net/http"
	"path"
	"sort"
	"strings"
	"sync"

	"textlab/core/buildinfo"
)

// ServiceWorker is the service worker's file in the assets (served as
// /static/sw.js with the scope of the whole app, see NewHandler). It is
// not listed in the manifest: the browser keeps it up to date itself.
const ServiceWorker = "sw.js"

// Manifest lists every file the app needs offline, as the service worker
// (static/sw.js) reads it from static/manifest.json: it downloads the files
// into a cache of their own version, checks each against its SHA-256, and
// switches to that cache only when all of them are in.
type Manifest struct {
	// Version names this set of files: Textlab's version and a hash of
	// every path and file hash, so any change of any file is a new version.
	Version string `json:"version"`
	// Bytes is the total size of the files.
	Bytes int64          `json:"bytes"`
	Files []ManifestFile `json:"files"`
}

// ManifestFile is one file, with its path relative to the app's root
// ("index.html", "static/app.js").
type ManifestFile struct {
	Path   string `json:"path"`
	Size   int64  `json:"size"`
	SHA256 string `json:"sha256"`
}

// BuildManifest lists the app page (rendered as RenderPage renders it) and
// every file of assets (the files served under static/) except the service
// worker itself.
func BuildManifest(ctx context.Context, assets fs.FS) (*Manifest, error) {
	page, err := RenderPage(ctx)
	if err != nil {
		return nil, err
	}
	return NewManifest(page, assets)
}

// NewManifest lists page as index.html and every file of assets (served
// under static/) except the service worker and Go sources.
func NewManifest(page []byte, assets fs.FS) (*Manifest, error) {
	m := &Manifest{}
	m.add("index.html", page)
	err := fs.WalkDir(assets, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || p == ServiceWorker || path.Ext(p) == ".go" {
			return err
		}
		data, err := fs.ReadFile(assets, p)
		if err != nil {
			return err
		}
		m.add("static/"+p, data)
		return nil
	})
	if err != nil {
		return nil, err
	}
	sort.Slice(m.Files, func(i, j int) bool { return m.Files[i].Path < m.Files[j].Path })
	var all strings.Builder
	for _, f := range m.Files {
		all.WriteString(f.Path + " " + f.SHA256 + "\n")
	}
	sum := sha256.Sum256([]byte(all.String()))
	m.Version = buildinfo.Version + "-" + hex.EncodeToString(sum[:6])
	return m, nil
}

func (m *Manifest) add(p string, data []byte) {
	sum := sha256.Sum256(data)
	m.Files = append(m.Files, ManifestFile{Path: p, Size: int64(len(data)), SHA256: hex.EncodeToString(sum[:])})
	m.Bytes += int64(len(data))
}

// manifestServer serves static/manifest.json, built once from the assets.
type manifestServer struct {
	assets fs.FS
	once   sync.Once
	body   []byte
	err    error
}

func (s *manifestServer) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	s.once.Do(func() {
		var m *Manifest
		if m, s.err = BuildManifest(r.Context(), s.assets); s.err == nil {
			s.body, s.err = json.MarshalIndent(m, "", " ")
		}
	})
	if s.err != nil {
		http.Error(w, "could not list the app's files: "+s.err.Error(), http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	// The service worker asks for the newest manifest on every visit.
	w.Header().Set("Cache-Control", "no-store")
	w.Write(s.body)
}
