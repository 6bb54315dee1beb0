package tokentrain

import (
	"container/heap"
	"context"
	"math"
)

// merger learns byte-pair-encoding merges over a word-frequency table.
//
// Every word is kept segmented exactly as run.c's encode segments it with
// the pieces learned so far: repeatedly, of all adjacent pairs whose join is
// a piece, the one whose piece was learned first (the leftmost on ties) is
// merged, until no pair joins into a piece. Each step adds the most
// frequent join of an adjacent pair (the byte-smallest on ties) as a new
// piece. Since the new piece is the last learned, encoding a word with it
// is encoding with the old pieces (the word's current segmentation) and then
// going on with the same loop; only the words holding a pair that joins
// into the new piece change.
//
// Counting joins rather than pairs matters when two different pairs join
// into the same string ("ab"+"c" and "a"+"bc"): run.c forms the piece from
// either, so the piece is worth their sum.
type merger struct {
	pieces []string
	ids    map[string]int32
	rank   []int32 // when each piece was learned; math.MaxInt32 for the initial ones
	fixed  []bool  // pieces that never join (byte fallback)
	join   func(dst []byte, a, b string) []byte

	words [][]int32 // current segmentation of each distinct word
	freq  []int64   // how often each word occurs

	// Candidates: the joins of adjacent pairs, interned.
	cands  map[string]int32
	cand   []string
	counts []int64   // weighted occurrences of each candidate
	where  [][]int32 // words that held it when it was counted (may be stale or repeat)
	heap   candHeap

	buf   []byte
	stamp []int32 // per word: the last step that re-encoded it
	steps int32
}

func newMerger(pieces []string, fixed []bool, join func(dst []byte, a, b string) []byte, words [][]int32, freq []int64) *merger {
	m := &merger{
		pieces: pieces,
		ids:    make(map[string]int32, len(pieces)),
		fixed:  fixed,
		join:   join,
		words:  words,
		freq:   freq,
		cands:  map[string]int32{},
		stamp:  make([]int32, len(words)),
	}
	m.heap.m = m
	for i, p := range pieces {
		m.ids[p] = int32(i)
		m.rank = append(m.rank, math.MaxInt32)
	}
	for wi, w := range words {
		m.countPairs(int32(wi), w, freq[wi], nil)
	}
	for c, n := range m.counts {
		if n > 0 {
			m.heap.items = append(m.heap.items, candEntry{n, int32(c)})
		}
	}
	heap.Init(&m.heap)
	return m
}

// countPairs adds delta to the count of each adjacent pair's join in w,
// recording word wi under it when delta > 0. The first count a candidate
// had in this step is kept in before (nil: not needed).
func (m *merger) countPairs(wi int32, w []int32, delta int64, before map[int32]int64) {
	for i := 0; i+1 < len(w); i++ {
		a, b := w[i], w[i+1]
		if m.fixed[a] || m.fixed[b] {
			continue
		}
		m.buf = m.join(m.buf[:0], m.pieces[a], m.pieces[b])
		c, ok := m.cands[string(m.buf)]
		if !ok {
			c = int32(len(m.cand))
			s := string(m.buf)
			m.cands[s] = c
			m.cand = append(m.cand, s)
			m.counts = append(m.counts, 0)
			m.where = append(m.where, nil)
		}
		if before != nil {
			if _, seen := before[c]; !seen {
				before[c] = m.counts[c]
			}
		}
		m.counts[c] += delta
		if delta > 0 {
			m.where[c] = append(m.where[c], wi)
		}
	}
}

// encode continues run.c's merge loop on the segmentation w with the
// pieces learned so far.
func (m *merger) encode(w []int32) []int32 {
	for {
		best, bestRank, at := int32(-1), int32(math.MaxInt32), -1
		for i := 0; i+1 < len(w); i++ {
			if m.fixed[w[i]] || m.fixed[w[i+1]] {
				continue
			}
			m.buf = m.join(m.buf[:0], m.pieces[w[i]], m.pieces[w[i+1]])
			if id, ok := m.ids[string(m.buf)]; ok && m.rank[id] < bestRank {
				best, bestRank, at = id, m.rank[id], i
			}
		}
		if at < 0 {
			return w
		}
		w[at] = best
		w = append(w[:at+1], w[at+2:]...)
	}
}

// next returns the best candidate, or false when none occurs at least
// minFreq times.
func (m *merger) next(minFreq int64) (int32, bool) {
	for m.heap.Len() > 0 {
		top := heap.Pop(&m.heap).(candEntry)
		cur := m.counts[top.cand]
		if cur != top.count {
			// Stale: the count fell since it was pushed (a rise pushes a
			// new entry).
			if cur > 0 {
				heap.Push(&m.heap, candEntry{cur, top.cand})
			}
			continue
		}
		if cur < minFreq {
			return 0, false
		}
		return top.cand, true
	}
	return 0, false
}

// learn adds candidate c as the next piece and re-encodes the words that
// hold a pair joining into it. It returns the new piece's id.
func (m *merger) learn(c int32) int32 {
	m.steps++
	s := m.cand[c]
	id := int32(len(m.pieces))
	m.pieces = append(m.pieces, s)
	m.fixed = append(m.fixed, false)
	m.ids[s] = id
	m.rank = append(m.rank, m.steps)
	list := m.where[c]
	m.where[c] = nil
	before := map[int32]int64{}
	for _, wi := range list {
		if m.stamp[wi] == m.steps {
			continue
		}
		m.stamp[wi] = m.steps
		w := m.words[wi]
		m.countPairs(wi, w, -m.freq[wi], before)
		w = m.encode(w)
		m.words[wi] = w
		m.countPairs(wi, w, m.freq[wi], before)
	}
	// No word holds a pair joining into a piece any more.
	m.counts[c] = 0
	for k, was := range before {
		if m.counts[k] > was {
			heap.Push(&m.heap, candEntry{m.counts[k], k})
		}
	}
	return id
}

// train learns pieces until there are size of them, or no candidate occurs
// at least minFreq times, checking ctx and reporting progress between steps.
func (m *merger) train(ctx context.Context, size int, minFreq int64, progress Progress) error {
	start := len(m.pieces)
	total := size - start
	step := max(total/100, 1)
	for len(m.pieces) < size {
		done := len(m.pieces) - start
		if done%step == 0 {
			if err := ctx.Err(); err != nil {
				return err
			}
			progress.report(float64(done)/float64(total), "learning merge %d of %d", done+1, total)
		}
		c, ok := m.next(minFreq)
		if !ok {
			break
		}
		m.learn(c)
	}
	progress.report(1, "learned %d merges", len(m.pieces)-start)
	return nil
}

// candEntry is a heap entry: a candidate with the count it had when pushed.
type candEntry struct {
	count int64
	cand  int32
}

// candHeap orders candidates by count (largest first), then by their
// string (byte order), so training is deterministic.
type candHeap struct {
	items []candEntry
	m     *merger
}

func (h *candHeap) Len() int { return len(h.items) }
func (h *candHeap) Less(i, j int) bool {
	a, b := h.items[i], h.items[j]
	if a.count != b.count {
		return a.count > b.count
	}
	return h.m.cand[a.cand] < h.m.cand[b.cand]
}
func (h *candHeap) Swap(i, j int) { h.items[i], h.items[j] = h.items[j], h.items[i] }
func (h *candHeap) Push(x any)    { h.items = append(h.items, x.(candEntry)) }
func (h *candHeap) Pop() any {
	x := h.items[len(h.items)-1]
	h.items = h.items[:len(h.items)-1]
	return x
}
