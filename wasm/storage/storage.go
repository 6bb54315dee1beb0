// Package storage is the storage panel's part of the engine. The browser
// side (static/store.js) knows what is stored; the engine renders the
// panel's list with the templ component, and forgets what a worker holds
// when the user deletes everything:
//
//	storage.render {pages, usage, quota, app_cache} → Fragment: the list
//	store.clear {}                                   → {keys}: this worker's
//	                                                   Store emptied (data set,
//	                                                   runs, models, caches)
//	storage.study {action, name, size, version,      → Fragment: an exported
//	  created, textlab, pages, left_out}               study's one-line summary
//	                                                   (action "export") or what
//	                                                   a file to import holds,
//	                                                   by page ("import")
package storage

import (
	"context"

	"textlab/wasm/protocol"
	"textlab/web/ui"
)

// Item is one stored thing, as static/store.js lists it.
type Item struct {
	Key   string `json:"key"`
	What  string `json:"what"`
	Bytes int64  `json:"bytes"`
	Where string `json:"where"`
}

// Page is one page's items.
type Page struct {
	ID    string `json:"id"`
	Title string `json:"title"`
	Items []Item `json:"items"`
}

// Listing is storage.render's payload.
type Listing struct {
	Pages    []Page `json:"pages"`
	Usage    int64  `json:"usage"`
	Quota    int64  `json:"quota"`
	AppCache int64  `json:"app_cache"`
}

// Study is storage.study's payload: a study file described by page (the
// pages and items as in a Listing; an item's bytes its size in the study).
type Study struct {
	Action  string   `json:"action"` // "export" or "import"
	Name    string   `json:"name"`
	Size    int64    `json:"size"`
	Version int      `json:"version"`
	Created string   `json:"created"`
	Textlab string   `json:"textlab"`
	Pages   []Page   `json:"pages"`
	LeftOut []string `json:"left_out"`
}

// StudyView turns storage.study's payload into the components' view.
func StudyView(s Study) ui.StudyView {
	return ui.StudyView{Name: s.Name, Size: max(s.Size, 0), Version: s.Version, Created: s.Created, Textlab: s.Textlab,
		Pages: View(Listing{Pages: s.Pages}).Pages, LeftOut: s.LeftOut}
}

// View turns a listing into the component's view, leaving out pages with
// no items.
func View(l Listing) ui.StorageView {
	v := ui.StorageView{Usage: l.Usage, Quota: l.Quota, AppCache: l.AppCache}
	for _, p := range l.Pages {
		if len(p.Items) == 0 {
			continue
		}
		sp := ui.StoragePage{ID: p.ID, Title: p.Title}
		for _, it := range p.Items {
			sp.Items = append(sp.Items, ui.StorageItem{Key: it.Key, What: it.What, Bytes: max(it.Bytes, 0), Where: it.Where})
		}
		v.Pages = append(v.Pages, sp)
	}
	return v
}

// Register adds storage.render and store.clear to e.
func Register(e *protocol.Engine) {
	store := e.Store()
	e.Register("storage.render", func(ctx context.Context, req protocol.Request, _ protocol.Progress) (any, error) {
		var in Listing
		if err := protocol.Decode(req, &in); err != nil {
			return nil, err
		}
		return protocol.Render(ctx, ui.StorageList(View(in)))
	})
	e.Register("storage.study", func(ctx context.Context, req protocol.Request, _ protocol.Progress) (any, error) {
		var in Study
		if err := protocol.Decode(req, &in); err != nil {
			return nil, err
		}
		switch in.Action {
		case "export":
			return protocol.Render(ctx, ui.StudyExported(StudyView(in)))
		case "import":
			return protocol.Render(ctx, ui.StudyContents(StudyView(in)))
		}
		return nil, protocol.BadRequest("storage.study: action must be export or import, not %q", in.Action)
	})
	e.Register("store.clear", func(ctx context.Context, req protocol.Request, _ protocol.Progress) (any, error) {
		n := len(store.Keys())
		store.Delete("")
		return map[string]int{"keys": n}, nil
	})
}
