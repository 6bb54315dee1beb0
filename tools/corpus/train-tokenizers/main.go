// Command train-tokenizers learns Textlab's two tokenizers from the
// pretraining corpus that tools/corpus/make-corpus.sh writes, and measures
// them on its held-out part:
//
//	build/tokenizers/vocab.txt      WordPiece vocabulary for a BERT encoder
//	build/tokenizers/tokenizer.bin  BPE with byte fallback for a Llama-style decoder (llama2.c format)
//
// Run from the repository root:
//
//	go run ./tools/corpus/train-tokenizers [-size 8192]
package main

import (
	"bufio"
	"bytes"
	"context"
	"flag"
	"fmt"
	"log"
	"os"
	"os/signal"
	"path/filepath"
	"strings"
	"time"

	"textlab/core/llama2c"
	"textlab/core/tokenize/wordpiece"
	"textlab/core/tokentrain"
)

var (
	train = flag.String("train", "build/corpus/train.txt", "training text, one paragraph a line")
	valid = flag.String("valid", "build/corpus/valid.txt", "held-out text, one paragraph a line")
	out   = flag.String("out", "build/tokenizers", "output folder")
	size  = flag.Int("size", 8192, "vocabulary size of both tokenizers")
)

func main() {
	log.SetFlags(0)
	flag.Parse()
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	if err := os.MkdirAll(*out, 0o755); err != nil {
		log.Fatal(err)
	}
	progress := func(what string) tokentrain.Progress {
		last := -1
		return func(f float64, msg string) {
			if p := int(f * 10); p != last {
				last = p
				fmt.Fprintf(os.Stderr, "%s: %3.0f%% %s\n", what, f*100, msg)
			}
		}
	}
	heldOut := readLines(*valid)

	// WordPiece.
	start := time.Now()
	bert := countFile(ctx, tokentrain.SplitBERT, progress("count (BERT)"))
	countTime := time.Since(start)
	start = time.Now()
	vocab, err := tokentrain.TrainWordPiece(ctx, bert.Words(), tokentrain.WordPieceConfig{VocabSize: *size}, progress("WordPiece"))
	if err != nil {
		log.Fatal(err)
	}
	trainTime := time.Since(start)
	var buf bytes.Buffer
	if err := tokentrain.WriteVocab(&buf, vocab); err != nil {
		log.Fatal(err)
	}
	write("vocab.txt", buf.Bytes())
	tok, err := wordpiece.LoadVocab(bytes.NewReader(buf.Bytes()), wordpiece.Options{})
	if err != nil {
		log.Fatal(err)
	}
	unkID, _ := tok.ID(tokentrain.Unk)
	var words, pieces, unks int
	for _, line := range heldOut {
		enc, err := tok.Encode(line, false)
		if err != nil {
			log.Fatal(err)
		}
		tokentrain.SplitBERT(line, func([]byte) { words++ })
		pieces += enc.Len()
		for _, id := range enc.IDs {
			if id == unkID {
				unks++
			}
		}
	}
	fmt.Printf("WordPiece: %d tokens from %d words (%d distinct); counting %.1fs, training %.1fs\n", len(vocab), bert.Total(), len(bert.Words()), countTime.Seconds(), trainTime.Seconds())
	fmt.Printf("  held-out: %d BERT words, %d pieces (%.3f a word), %d [UNK] (%.4f%% of words)\n", words, pieces, float64(pieces)/float64(words), unks, 100*float64(unks)/float64(words))

	// Llama BPE.
	start = time.Now()
	llama := countFile(ctx, tokentrain.SplitLlama, progress("count (Llama)"))
	countTime = time.Since(start)
	start = time.Now()
	v, err := tokentrain.TrainLlama(ctx, llama.Words(), tokentrain.LlamaConfig{VocabSize: *size}, progress("Llama BPE"))
	if err != nil {
		log.Fatal(err)
	}
	trainTime = time.Since(start)
	buf.Reset()
	if _, err := v.WriteTo(&buf); err != nil {
		log.Fatal(err)
	}
	write("tokenizer.bin", buf.Bytes())
	ltok, err := llama2c.ReadTokenizer(bytes.NewReader(buf.Bytes()))
	if err != nil {
		log.Fatal(err)
	}
	var tokens, fields, bytesFallback, mismatches int
	for _, line := range heldOut {
		enc, err := ltok.Encode(line, false)
		if err != nil {
			log.Fatal(err)
		}
		if ltok.Decode(enc.IDs) != line {
			mismatches++
		}
		tokens += enc.Len()
		fields += len(strings.Fields(line))
		for _, id := range enc.IDs {
			if id >= tokentrain.LlamaFirstByte && id < tokentrain.LlamaFirstPiece {
				bytesFallback++
			}
		}
	}
	fmt.Printf("Llama BPE: %d pieces (%d merges, %d characters), max piece %d bytes, from %d words (%d distinct); counting %.1fs, training %.1fs\n",
		len(v.Pieces), v.Merges, len(v.Pieces)-tokentrain.LlamaFirstPiece-v.Merges, v.MaxTokenLength(), llama.Total(), len(llama.Words()), countTime.Seconds(), trainTime.Seconds())
	fmt.Printf("  held-out: %d words (white-space separated), %d tokens (%.3f a word), %d byte-fallback tokens, %d of %d lines not round-tripped\n",
		fields, tokens, float64(tokens)/float64(fields), bytesFallback, mismatches, len(heldOut))
}

func countFile(ctx context.Context, split tokentrain.Splitter, progress tokentrain.Progress) *tokentrain.Counter {
	f, err := os.Open(*train)
	if err != nil {
		log.Fatalf("%v (run tools/corpus/make-corpus.sh first)", err)
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		log.Fatal(err)
	}
	c := &tokentrain.Counter{Split: split}
	if err := c.AddLines(ctx, bufio.NewReaderSize(f, 1<<20), st.Size(), progress); err != nil {
		log.Fatal(err)
	}
	return c
}

func readLines(path string) []string {
	data, err := os.ReadFile(path)
	if err != nil {
		log.Fatalf("%v (run tools/corpus/make-corpus.sh first)", err)
	}
	return strings.Split(strings.TrimSuffix(string(data), "\n"), "\n")
}

func write(name string, data []byte) {
	path := filepath.Join(*out, name)
	if err := os.WriteFile(path, data, 0o644); err != nil {
		log.Fatal(err)
	}
	fmt.Printf("wrote %s (%d bytes)\n", path, len(data))
}
