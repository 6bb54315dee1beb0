package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"strings"

	"textlab/core/dataset"
)

func init() {
	register(command{
		name:    "inspect",
		summary: "check a labeled CSV/TSV/JSON Lines file and summarise it",
		run:     runInspect,
	})
}

// inspectOutput is what `textlab inspect --json` prints.
type inspectOutput struct {
	File     string            `json:"file"`
	Error    string            `json:"error,omitempty"`
	Report   *dataset.Report   `json:"report,omitempty"`
	Overview *dataset.Overview `json:"overview,omitempty"`
	Sample   *dataset.Page     `json:"sample,omitempty"`
}

func runInspect(args []string, _ io.Reader, stdout, stderr io.Writer) error {
	fs := newFlags("inspect", stderr)
	file := fs.String("data", "", "the labeled file to read (CSV, TSV or JSON Lines)")
	text := fs.String("text", "", "the text column (default: guessed)")
	label := fs.String("label", "", "the label column (default: guessed)")
	id := fs.String("id", "", "an id column (default: guessed, may be none)")
	group := fs.String("group", "", "a group column (default: guessed, may be none)")
	unit := fs.String("unit", dataset.UnitWords, "text length unit of the histogram: words or characters")
	rows := fs.Int("rows", 5, "how many rows to show as a sample")
	asJSON := fs.Bool("json", false, "print the report and overview as JSON")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if *file == "" {
		return fmt.Errorf("%w: --data FILE is required", errUsage)
	}
	if *unit != dataset.UnitWords && *unit != dataset.UnitCharacters {
		return fmt.Errorf("%w: --unit must be words or characters, not %q", errUsage, *unit)
	}
	opts := dataset.Options{
		Name:    *file,
		Columns: dataset.Columns{Text: *text, Label: *label, ID: *id, Group: *group},
	}
	// Refuse a file over the limit before reading it.
	info, err := os.Stat(*file)
	if err != nil {
		return err
	}
	if err := dataset.CheckSize(info.Size(), opts); err != nil {
		return err
	}
	data, err := os.ReadFile(*file)
	if err != nil {
		return err
	}
	tab, rep, readErr := dataset.Read(context.Background(), data, opts)
	out := inspectOutput{File: *file, Report: rep}
	if readErr != nil {
		out.Error = readErr.Error()
	} else {
		ov := dataset.Summarise(tab.Examples, dataset.OverviewOptions{Unit: *unit})
		page := dataset.Browse(tab.Examples, 0, max(*rows, 1))
		out.Overview, out.Sample = &ov, &page
	}
	if *asJSON {
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		if err := enc.Encode(out); err != nil {
			return err
		}
	} else if rep != nil {
		printInspect(stdout, out, *rows > 0)
	}
	return readErr
}

// printInspect writes the report and overview for people.
func printInspect(w io.Writer, o inspectOutput, sample bool) {
	r := o.Report
	format := strings.ToUpper(string(r.Format))
	if r.Delimiter != "" {
		format += fmt.Sprintf(", delimiter %q", r.Delimiter)
	}
	fmt.Fprintf(w, "file:      %s (%s, %s)\n", o.File, format, r.Encoding)
	fmt.Fprintf(w, "columns:   %s\n", strings.Join(r.Columns, ", "))
	chosen := fmt.Sprintf("text=%q label=%q", r.Chosen.Text, r.Chosen.Label)
	if r.Chosen.ID != "" {
		chosen += fmt.Sprintf(" id=%q", r.Chosen.ID)
	}
	if r.Chosen.Group != "" {
		chosen += fmt.Sprintf(" group=%q", r.Chosen.Group)
	}
	fmt.Fprintf(w, "using:     %s\n", chosen)
	fmt.Fprintf(w, "rows:      %d read, %d usable, %d not usable\n", r.RowsRead, r.RowsUsable, len(r.Problems))
	for _, m := range r.Warnings {
		fmt.Fprintf(w, "warning:   %s\n", m)
	}
	if len(r.Problems) > 0 {
		fmt.Fprintf(w, "\nrows not used (%d):\n", len(r.Problems))
		for _, p := range r.Problems {
			fmt.Fprintf(w, "  %s\n", p)
		}
	}
	if len(r.Duplicates) > 0 {
		fmt.Fprintf(w, "\nduplicated texts (%d):\n", len(r.Duplicates))
		for _, d := range r.Duplicates {
			note := ""
			if len(d.Labels) > 1 {
				note = " (labels differ: " + strings.Join(d.Labels, ", ") + ")"
			}
			fmt.Fprintf(w, "  lines %s: %q%s\n", joinInts(d.Lines), d.Text, note)
		}
	}
	if len(r.RareLabels) > 0 {
		var parts []string
		for _, c := range r.RareLabels {
			parts = append(parts, fmt.Sprintf("%q (%d)", c.Label, c.Count))
		}
		fmt.Fprintf(w, "\nlabels with fewer than two examples: %s\n", strings.Join(parts, ", "))
	}
	if o.Overview == nil {
		return
	}
	ov := o.Overview
	fmt.Fprintf(w, "\nclasses (%d):\n", len(ov.Classes))
	width := 0
	for _, c := range ov.Classes {
		width = max(width, len(c.Label))
	}
	for _, c := range ov.Classes {
		fmt.Fprintf(w, "  %-*s %7d  %5.1f%%\n", width, c.Label, c.Count, 100*float64(c.Count)/float64(ov.Examples))
	}
	h := ov.Lengths
	fmt.Fprintf(w, "\ntext length in %s: min %d, median %g, mean %.1f, max %d\n", h.Unit, h.Min, h.Median, h.Mean, h.Max)
	most := 0
	for _, b := range h.Bins {
		most = max(most, b.Count)
	}
	for _, b := range h.Bins {
		bar := 0
		if most > 0 {
			bar = (b.Count*40 + most - 1) / most
		}
		fmt.Fprintf(w, "  %6d-%-6d %7d %s\n", b.Lo, b.Hi-1, b.Count, strings.Repeat("#", bar))
	}
	if sample && o.Sample != nil && len(o.Sample.Rows) > 0 {
		fmt.Fprintf(w, "\nfirst %d of %d rows:\n", len(o.Sample.Rows), o.Sample.Total)
		for _, e := range o.Sample.Rows {
			text := strings.Join(strings.Fields(e.Text), " ")
			if r := []rune(text); len(r) > 70 {
				text = string(r[:69]) + "…"
			}
			fmt.Fprintf(w, "  line %d [%s] %s\n", e.Line, e.Label, text)
		}
	}
}

func joinInts(xs []int) string {
	s := make([]string, len(xs))
	for i, x := range xs {
		s[i] = fmt.Sprint(x)
	}
	return strings.Join(s, ", ")
}
