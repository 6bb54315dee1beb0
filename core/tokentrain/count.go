package tokentrain

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"maps"
	"slices"
)

// Progress receives how far a long task is (0 to 1) and what it is doing.
// A nil Progress is allowed wherever one is taken.
type Progress func(fraction float64, message string)

func (p Progress) report(fraction float64, format string, args ...any) {
	if p != nil {
		p(fraction, fmt.Sprintf(format, args...))
	}
}

// Counter builds a word-frequency table: the trainers learn from how often
// each word occurs, not from the running text, so a corpus of millions of
// words is read once. The zero Counter splits with SplitBERT.
type Counter struct {
	// Split cuts text into words. If nil, it is SplitBERT.
	Split Splitter

	index map[string]int // word -> position in words and counts
	words []string
	count []int64
	total int64
}

// Add counts the words of text.
func (c *Counter) Add(text string) {
	if c.index == nil {
		c.index = map[string]int{}
	}
	split := c.Split
	if split == nil {
		split = SplitBERT
	}
	split(text, func(w []byte) {
		c.total++
		if i, ok := c.index[string(w)]; ok {
			c.count[i]++
			return
		}
		s := string(w)
		c.index[s] = len(c.words)
		c.words = append(c.words, s)
		c.count = append(c.count, 1)
	})
}

// maxLineBytes bounds one line read by AddLines.
const maxLineBytes = 64 << 20

// AddLines counts the words of every line of r (one paragraph or document
// a line, as a corpus file has them), checking ctx and reporting progress
// about every 1% of size bytes (size <= 0: every 1 MB, with fraction 0).
func (c *Counter) AddLines(ctx context.Context, r io.Reader, size int64, progress Progress) error {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 1<<20), maxLineBytes)
	step := int64(1 << 20)
	if size > 0 {
		step = max(size/100, 1)
	}
	var done, next int64
	line := 0
	for sc.Scan() {
		line++
		done += int64(len(sc.Bytes())) + 1
		if done >= next {
			if err := ctx.Err(); err != nil {
				return err
			}
			fraction := 0.0
			if size > 0 {
				fraction = min(float64(done)/float64(size), 1)
			}
			progress.report(fraction, "counting words: line %d, %d words so far", line, c.total)
			next = done + step
		}
		c.Add(sc.Text())
	}
	if err := sc.Err(); err != nil {
		return fmt.Errorf("tokentrain: line %d: %w", line+1, err)
	}
	progress.report(1, "counted %d words (%d distinct) in %d lines", c.total, len(c.words), line)
	return nil
}

// Total returns the number of words counted (with repeats).
func (c *Counter) Total() int64 { return c.total }

// Words returns the word-frequency table.
func (c *Counter) Words() map[string]int64 {
	m := make(map[string]int64, len(c.words))
	for i, w := range c.words {
		m[w] = c.count[i]
	}
	return m
}

// sortedWords returns the words of a table in byte order with their
// counts, so that training does not depend on map order.
func sortedWords(words map[string]int64) ([]string, []int64) {
	keys := slices.Sorted(maps.Keys(words))
	counts := make([]int64, len(keys))
	for i, k := range keys {
		counts[i] = words[k]
	}
	return keys, counts
}
