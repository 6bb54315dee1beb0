// Package tokentrain learns tokenizer vocabularies from a text corpus: a
// WordPiece vocabulary (vocab.txt) for a BERT encoder and a byte-pair
// encoding with byte fallback (llama2.c's tokenizer.bin) for a Llama-style
// decoder. The results load with core/tokenize/wordpiece and core/llama2c.
//
// Training reads the corpus once into a word-frequency table (Counter, with
// SplitBERT or SplitLlama as the pre-tokenizer) and learns from the table,
// so a corpus of millions of words trains in seconds. Both trainers follow
// the same byte-pair-encoding procedure: start from single characters and
// repeatedly add the most frequent join of two adjacent pieces as a new
// piece. They keep every word segmented the way run.c's encode segments it
// (of all adjacent pairs that join into a piece, merge the one learned
// first), so for the Llama vocabulary, whose scores are minus the learning
// order, run.c and core/llama2c tokenize exactly as the trainer did.
//
// Training is deterministic (ties go to the byte-smallest string), takes a
// context.Context for cancellation and reports progress through a callback.
package tokentrain
