package pretrain

import "strings"

// WordCache turns encodeWord, the encoder of a llama2.c tokenizer applied
// to one word (which run.c's encode prefixes with a space, as it does a
// whole text), into an encoder of a line of single-space-separated words
// that encodes each distinct word once. It gives the ids of the whole line
// encoded at once whenever no vocabulary piece spans a space inside it,
// which holds for vocabularies learned from words (core/tokentrain): the
// merges of one word never depend on another word, and scores are
// distinct. Runs of spaces and other white space are taken as one space.
func WordCache(encodeWord func(string) ([]int, error)) func(string) ([]int, error) {
	cache := map[string][]int{}
	return func(line string) ([]int, error) {
		var ids []int
		for _, w := range strings.Fields(line) {
			got, ok := cache[w]
			if !ok {
				var err error
				if got, err = encodeWord(w); err != nil {
					return nil, err
				}
				cache[w] = got
			}
			ids = append(ids, got...)
		}
		return ids, nil
	}
}
