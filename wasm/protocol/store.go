package protocol

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/a-h/templ"
)

// DefaultStoreLimit is the byte budget of an engine's Store: WebAssembly
// memory is 32-bit, and the engine needs room to compute beside what it
// keeps.
const DefaultStoreLimit = 1 << 30

// Store keeps what one engine worker holds between requests: the loaded
// data set, a page's last run, loaded models and other caches. Every
// capability keeps its state here, under keys it prefixes with its own
// name ("data.loaded", "classic.last", "generate.model/stories"), so there
// is one lock, one eviction policy and one byte count for the whole engine.
//
// Items put with Keep are the user's state and are never evicted; items put
// with Cache are recomputable (a model the page can send again) and are
// evicted least recently used first when the byte budget is exceeded.
// Sizes are the caller's estimate of the bytes an item holds.
type Store struct {
	mu    sync.Mutex
	limit int64
	used  int64
	clock uint64
	items map[string]*storeItem
}

type storeItem struct {
	value     any
	size      int64
	lastUse   uint64
	evictable bool
}

// NewStore returns an empty store with a budget of limit bytes (if limit
// is 0 or less, DefaultStoreLimit).
func NewStore(limit int64) *Store {
	if limit <= 0 {
		limit = DefaultStoreLimit
	}
	return &Store{limit: limit, items: map[string]*storeItem{}}
}

// ErrStoreFull is wrapped by the error Keep and Cache return when an item
// does not fit in the store's budget even after evicting every cache.
var ErrStoreFull = errors.New("the engine's memory budget is used up")

// Keep stores value under key as user state (never evicted), replacing
// any earlier item under key.
func (s *Store) Keep(key string, value any, size int64) error {
	return s.put(key, value, size, false)
}

// Cache stores value under key as a recomputable cache entry, evicted
// least recently used first when the budget is exceeded.
func (s *Store) Cache(key string, value any, size int64) error {
	return s.put(key, value, size, true)
}

func (s *Store) put(key string, value any, size int64, evictable bool) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.putLocked(key, value, size, evictable)
}

// putLocked is put with s.mu held.
func (s *Store) putLocked(key string, value any, size int64, evictable bool) error {
	size = max(size, 0)
	var replaced int64
	if old, ok := s.items[key]; ok {
		replaced = old.size
	}
	for s.used-replaced+size > s.limit {
		if !s.evictOne(key) {
			return fmt.Errorf("%w: %s needs %d MB, %d MB of %d MB are in use by what the pages keep", ErrStoreFull, key, size>>20, (s.used-replaced)>>20, s.limit>>20)
		}
	}
	if old, ok := s.items[key]; ok {
		s.used -= old.size
	}
	s.clock++
	s.items[key] = &storeItem{value: value, size: size, lastUse: s.clock, evictable: evictable}
	s.used += size
	return nil
}

// evictOne removes the least recently used cache entry other than keep,
// reporting whether there was one.
func (s *Store) evictOne(keep string) bool {
	var victim string
	var oldest uint64
	for k, it := range s.items {
		if it.evictable && k != keep && (victim == "" || it.lastUse < oldest) {
			victim, oldest = k, it.lastUse
		}
	}
	if victim == "" {
		return false
	}
	s.used -= s.items[victim].size
	delete(s.items, victim)
	return true
}

// Lookup returns the value kept under key, if there is one of type T.
func Lookup[T any](s *Store, key string) (T, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	it, ok := s.items[key]
	if !ok {
		var zero T
		return zero, false
	}
	s.clock++
	it.lastUse = s.clock
	v, ok := it.value.(T)
	return v, ok
}

// Update replaces the value under key by f(old) under the store's lock, so
// read-modify-write sequences (a version counter, "replace only if still
// current") are atomic. f receives the old value (nil if none) and returns
// the new value and its size; the item is kept as user state.
func (s *Store) Update(key string, f func(old any) (value any, size int64)) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	var old any
	if it, ok := s.items[key]; ok {
		old = it.value
	}
	value, size := f(old)
	return s.putLocked(key, value, size, false)
}

// Delete removes the items whose keys start with prefix (one key, or a
// whole capability's items with "classic.").
func (s *Store) Delete(prefix string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for k, it := range s.items {
		if strings.HasPrefix(k, prefix) {
			s.used -= it.size
			delete(s.items, k)
		}
	}
}

// Used returns the bytes the store's items hold, by their sizes.
func (s *Store) Used() int64 {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.used
}

// Keys returns the stored keys, sorted.
func (s *Store) Keys() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	keys := make([]string, 0, len(s.items))
	for k := range s.items {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// LoadModel returns the model cached under key. With data, it loads the
// model from data with load, caches it under key (replacing any before; its
// size counted as len(data)) and also returns the seconds loading took;
// without data, it returns the cached model, or the error missing() when
// there is none (never loaded, or evicted: the page sends it again). A call
// sends a model's bytes once and later calls name it, so a pool of workers
// can each be loaded once.
func LoadModel[M any](s *Store, key string, data []byte, load func([]byte) (M, error), missing func() error) (M, float64, error) {
	var zero M
	if len(data) == 0 {
		m, ok := Lookup[M](s, key)
		if !ok {
			return zero, 0, missing()
		}
		return m, 0, nil
	}
	start := time.Now()
	m, err := load(data)
	if err != nil {
		return zero, 0, err
	}
	if err := s.Cache(key, m, int64(len(data))); err != nil {
		return zero, 0, err
	}
	return m, time.Since(start).Seconds(), nil
}

// Fragment is the result of a method that renders HTML for the page.
type Fragment struct {
	HTML string `json:"html"`
}

// Render renders a templ component (from web/ui) to a Fragment.
func Render(ctx context.Context, c templ.Component) (Fragment, error) {
	var buf bytes.Buffer
	if err := c.Render(ctx, &buf); err != nil {
		return Fragment{}, err
	}
	return Fragment{HTML: buf.String()}, nil
}
