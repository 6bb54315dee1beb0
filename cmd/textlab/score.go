package main

import (
	"bufio"
	"encoding/csv"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"text/tabwriter"

	"textlab/core/lexicon"
	"textlab/core/vader"
)

func init() {
	register(command{
		name:    "score",
		summary: "score texts with VADER, AFINN, Bing or your own dictionary; with --rule, evaluate the scores as a classifier",
		run:     runScore,
	})
}

// maxScoreLine is the longest stdin line `textlab score` accepts.
const maxScoreLine = 16 << 20

func runScore(args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	fs := newFlags("score", stderr)
	dict := fs.String("dict", "vader", "vader, afinn, bing, or a dictionary FILE (LIWC .dic or CSV term,category[,weight])")
	data := fs.String("data", "", "a CSV file to score (default: score each line of standard input)")
	textCol := fs.String("text", "text", "with --data: the text column, by header name or 1-based number (when evaluating: by name, default guessed)")
	asJSON := fs.Bool("json", false, "print one JSON object per text instead of a table (with --rule: one object with accuracy, macro_f1, weighted_f1, per_class, confusion, kappa, alpha)")
	var ev evalFlags
	fs.StringVar(&ev.label, "label", "", "evaluate: the label `column` of --data (default: guessed)")
	fs.StringVar(&ev.rule, "rule", "", "evaluate a rule that turns the scores into labels: compound, share, score or majority (default: compound for VADER, majority for a word list)")
	fs.StringVar(&ev.category, "category", "", "share rule: the `category` (default: positive, or the dictionary's first)")
	fs.Float64Var(&ev.threshold, "threshold", 0, "compound, share and score rules: the cut-off (default: 0.05 for compound and share, 0 for score)")
	fs.BoolVar(&ev.neutral, "neutral", false, "compound and score rules: a neutral band from -threshold to +threshold (default: on for compound; --neutral=false turns it off)")
	fs.StringVar(&ev.mapping, "map", "", "the label each outcome predicts: `pairs` like above=pos,below=neg,neutral=neu (majority: category=label, \"no match\"=label); outcomes left out get the label that names them, as the page pre-selects; outcome= gives none")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	ev.set = map[string]bool{}
	fs.Visit(func(f *flag.Flag) { ev.set[f.Name] = true })

	var dic *lexicon.Dictionary
	name := "VADER" // as the Dictionary page names it
	switch *dict {
	case "vader":
	case "afinn":
		dic, name = lexicon.AFINN(), "AFINN-111"
	case "bing":
		dic, name = lexicon.Bing(), "Bing opinion lexicon"
	case "":
		return fmt.Errorf("%w: --dict is empty", errUsage)
	default:
		b, err := os.ReadFile(*dict)
		if err != nil {
			return err
		}
		name = filepath.Base(*dict)
		if dic, err = lexicon.Parse(name, b); err != nil {
			return fmt.Errorf("%s: %w", *dict, err)
		}
	}
	if ev.evalMode() {
		text := ""
		if ev.set["text"] {
			text = *textCol
		}
		return runScoreEval(stdout, stderr, dic, name, *data, text, &ev, *asJSON)
	}

	var texts []string
	var err error
	if *data == "" {
		texts, err = readLines(stdin)
	} else {
		texts, err = readCSVColumn(*data, *textCol)
	}
	if err != nil {
		return err
	}

	if *asJSON {
		enc := json.NewEncoder(stdout)
		for _, t := range texts {
			if dic == nil {
				err = enc.Encode(vader.Score(t))
			} else {
				err = enc.Encode(dictJSON(dic, dic.Score(t)))
			}
			if err != nil {
				return err
			}
		}
		return nil
	}
	return scoreTable(stdout, dic, texts)
}

// dictScore is the JSON form of one dictionary result.
type dictScore struct {
	Words  int            `json:"words"`
	Counts map[string]int `json:"counts"`
	Score  *float64       `json:"score,omitempty"`
}

func dictJSON(d *lexicon.Dictionary, r lexicon.Result) dictScore {
	out := dictScore{Words: r.Words, Counts: map[string]int{}}
	for _, c := range r.Counts {
		out.Counts[c.Category] = c.Count
	}
	if d.Weighted {
		s := r.Score
		out.Score = &s
	}
	return out
}

// scoreTable prints one row per text.
func scoreTable(w io.Writer, dic *lexicon.Dictionary, texts []string) error {
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', tabwriter.AlignRight)
	if dic == nil {
		fmt.Fprintln(tw, "#\tcompound\tpos\tneu\tneg\t  text")
		for i, t := range texts {
			s := vader.Score(t)
			fmt.Fprintf(tw, "%d\t%.4f\t%.3f\t%.3f\t%.3f\t  %s\n", i+1, s.Compound, s.Pos, s.Neu, s.Neg, preview(t))
		}
		return tw.Flush()
	}
	fmt.Fprint(tw, "#\twords\t")
	for _, c := range dic.Categories {
		fmt.Fprintf(tw, "%s\t", c)
	}
	if dic.Weighted {
		fmt.Fprint(tw, "score\t")
	}
	fmt.Fprintln(tw, "  text")
	for i, t := range texts {
		r := dic.Score(t)
		fmt.Fprintf(tw, "%d\t%d\t", i+1, r.Words)
		for _, c := range r.Counts {
			fmt.Fprintf(tw, "%d\t", c.Count)
		}
		if dic.Weighted {
			fmt.Fprintf(tw, "%g\t", r.Score)
		}
		fmt.Fprintf(tw, "  %s\n", preview(t))
	}
	return tw.Flush()
}

// preview shortens a text to one line of at most 60 characters.
func preview(t string) string {
	t = strings.Join(strings.Fields(t), " ")
	if r := []rune(t); len(r) > 60 {
		return string(r[:57]) + "..."
	}
	return t
}

// readLines returns the lines of r, without line endings.
func readLines(r io.Reader) ([]string, error) {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 64*1024), maxScoreLine)
	var lines []string
	for sc.Scan() {
		lines = append(lines, strings.TrimSuffix(sc.Text(), "\r"))
	}
	if err := sc.Err(); err != nil {
		if errors.Is(err, bufio.ErrTooLong) {
			return nil, fmt.Errorf("standard input: line %d is longer than %d bytes", len(lines)+1, maxScoreLine)
		}
		return nil, fmt.Errorf("standard input: %w", err)
	}
	return lines, nil
}

// readCSVColumn reads the CSV file path (with a header row) and returns
// column col of each data row; col is a header name or a 1-based number.
func readCSVColumn(path, col string) ([]string, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	cr := csv.NewReader(f)
	cr.FieldsPerRecord = -1
	header, err := cr.Read()
	if err == io.EOF {
		return nil, fmt.Errorf("%s: the file is empty", path)
	}
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	if len(header) > 0 {
		header[0] = strings.TrimPrefix(header[0], "\ufeff")
	}
	idx := -1
	for i, h := range header {
		if strings.TrimSpace(h) == col {
			idx = i
			break
		}
	}
	if idx < 0 {
		n, err := strconv.Atoi(col)
		if err != nil || n < 1 || n > len(header) {
			return nil, fmt.Errorf("%w: %s has no column %q (columns: %s)", errUsage, path, col, strings.Join(header, ", "))
		}
		idx = n - 1
	}
	var texts []string
	for {
		rec, err := cr.Read()
		if err == io.EOF {
			return texts, nil
		}
		if err != nil {
			return nil, fmt.Errorf("%s: %w", path, err)
		}
		if idx >= len(rec) {
			line, _ := cr.FieldPos(0)
			return nil, fmt.Errorf("%s: line %d has %d fields, no column %d (%s)", path, line, len(rec), idx+1, col)
		}
		texts = append(texts, rec[idx])
	}
}
