package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"

	"textlab/core/dataset"
	"textlab/core/pipeline"
)

func init() {
	register(command{
		name:    "predict",
		summary: "label the texts of a file with a model saved by textlab train --save",
		run:     runPredict,
	})
}

func runPredict(args []string, _ io.Reader, stdout, stderr io.Writer) error {
	fs := newFlags("predict", stderr)
	modelPath := fs.String("model", "", "the model `file` written by textlab train --save")
	dataPath := fs.String("data", "", "the `file` of texts to label (CSV, TSV or JSON Lines; labels not needed)")
	textCol := fs.String("text", "text", "the text `column`")
	idCol := fs.String("id", "", "an id `column` to copy into the output (default: the row number, 1-based)")
	outPath := fs.String("out", "", "write the predictions CSV to this `file` (default: standard output)")
	vectorsPath := fs.String("vectors", defaultVectors, "for a model trained with --features embed: the same word-vector `file`")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if *modelPath == "" || *dataPath == "" {
		return fmt.Errorf("%w: --model FILE and --data FILE are required", errUsage)
	}
	info, err := os.Stat(*modelPath)
	if err != nil {
		return err
	}
	if info.Size() > pipeline.MaxFileBytes {
		return fmt.Errorf("%s: %d bytes, larger than the %d bytes a model file may have", *modelPath, info.Size(), pipeline.MaxFileBytes)
	}
	modelBytes, err := os.ReadFile(*modelPath)
	if err != nil {
		return err
	}
	model, err := pipeline.Load(bytes.NewReader(modelBytes))
	if errors.Is(err, pipeline.ErrNeedsVectors) {
		vectors, verr := readVectors(*vectorsPath, *modelPath+": this model (trained with --features embed)")
		if verr != nil {
			return verr
		}
		model, err = pipeline.LoadWithVectors(bytes.NewReader(modelBytes), vectors)
	}
	if err != nil {
		return fmt.Errorf("%s: %w", *modelPath, err)
	}

	opts := dataset.Options{Name: *dataPath}
	info, err = os.Stat(*dataPath)
	if err != nil {
		return err
	}
	if err := dataset.CheckSize(info.Size(), opts); err != nil {
		return fmt.Errorf("%s: %w", *dataPath, err)
	}
	raw, err := os.ReadFile(*dataPath)
	if err != nil {
		return err
	}
	tab, err := dataset.Parse(context.Background(), raw, opts)
	if err != nil {
		return fmt.Errorf("%s: %w", *dataPath, err)
	}
	ids, texts, err := pipeline.Unlabeled(tab, *textCol, *idCol)
	if err != nil {
		return fmt.Errorf("%s: %w", *dataPath, err)
	}
	for _, p := range tab.Problems {
		fmt.Fprintf(stderr, "%s: skipped %s\n", *dataPath, p)
	}
	preds, err := model.Predict(context.Background(), texts)
	if err != nil {
		return err
	}
	w := stdout
	var f *os.File
	if *outPath != "" {
		if f, err = os.Create(*outPath); err != nil {
			return err
		}
		w = f
	}
	err = pipeline.WritePredictionsCSV(w, ids, texts, preds, model.LabelNames())
	if f != nil {
		if cerr := f.Close(); err == nil {
			err = cerr
		}
	}
	if err == nil && *outPath != "" {
		fmt.Fprintf(stderr, "wrote %d predictions to %s\n", len(preds), *outPath)
	}
	return err
}
