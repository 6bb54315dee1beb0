package pretrain

import (
	"bytes"
	"context"
	"encoding/json"
	"encoding/xml"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

// testManifest is a corpus manifest of two sources, one with dropped
// documents.
var testManifest = &Manifest{
	Description: "a test corpus", Seed: 7, ValidPercent: 1, TotalWords: 1500,
	Sources: []ManifestSource{
		{Name: "stories", Registry: "npm", Package: "stories", Version: "1.0.0", License: "MIT", What: "short | stories",
			Inputs: []ManifestFile{{Path: "/usr/share/stories.txt", SHA256: "aa11", Bytes: 900}}, Words: 1000, ValidWords: 10},
		{Name: "rain", Registry: "debian", Package: "rain-text", Version: "2", License: "public domain", What: "weather",
			Inputs: []ManifestFile{{Path: "/usr/share/rain.txt", SHA256: "bb22", Bytes: 400}}, Words: 500, ValidWords: 5,
			Dropped: map[string]int64{"uci-sentiment exact": 3}},
	},
}

// A card lists every file it describes with the sha256 the file has, every
// setting, the data with its licenses and what was kept out, the training
// history as a picture, and the evaluation.
func TestWriteCard(t *testing.T) {
	for _, kind := range []Kind{Encoder, Decoder} {
		t.Run(string(kind), func(t *testing.T) {
			f := getFixture(t, kind)
			ck := f.open(t)
			dir := t.TempDir()
			ex, err := ck.Export(dir, ExportOptions{Tokenizer: f.tokPath})
			if err != nil {
				t.Fatal(err)
			}
			params := 0
			for _, p := range ck.Model.Params() {
				params += len(p.Value)
			}
			card := Card{Name: "textlab-" + string(kind), State: ck.State, Params: params, Export: ex, Corpus: testManifest,
				Inputs:      []FileSum{{Name: f.tokPath, Bytes: 10, SHA256: "cc33"}, {Name: filepath.Join(f.dir, CheckpointFile), Bytes: ck.Bytes, SHA256: ck.SHA256}},
				TrainTokens: len(f.train), ValidTokens: len(f.valid), Commit: "0123abcd", Command: []string{"make models"}}
			opt := EvalOptions{Windows: 4, Prompts: []string{"the cat"}, Sentences: []string{"the [MASK] sat ."}, SampleSteps: 12}
			var want []string
			if kind == Encoder {
				m, _ := ck.Encoder()
				if card.Encoder, err = EvaluateEncoder(context.Background(), m, f.wp, f.train, f.valid, f.cfg, opt); err != nil {
					t.Fatal(err)
				}
				want = append(want, fmt.Sprintf("| this model | %.1f%% | %.1f%% |", 100*card.Encoder.Top1, 100*card.Encoder.Top5),
					"| the [MASK] sat . | ")
			} else {
				m, _ := ck.Decoder()
				if card.Decoder, err = EvaluateDecoder(context.Background(), m, f.llama, f.train, f.valid, f.cfg, opt); err != nil {
					t.Fatal(err)
				}
				want = append(want, fmt.Sprintf("| this model | %.4f | %.2f |", card.Decoder.Loss, card.Decoder.Perplexity),
					"Witten-Bell", "add-one", "| the cat | 0 (greedy) | 1 | ", "12 positions")
			}
			if err := WriteCard(dir, card); err != nil {
				t.Fatal(err)
			}
			readme := string(readExport(t, dir, CardReadme))
			want = append(want, "# textlab-"+string(kind), "commit `0123abcd`", "![Training and held-out loss by step](loss.svg)",
				"| stories | stories (npm) | 1.0.0 | MIT | short \\| stories | 1,000 | 10 |", "**total** | | | | | **1,500**",
				"rain: 3 documents dropped (uci-sentiment exact)", DefaultKeptOut[1], "`/usr/share/rain.txt` | 400 | `bb22`",
				fmt.Sprintf("**%s tokens seen**", thousands(int64(f.cfg.Steps*f.cfg.TokensPerStep()))),
				"in 1 sitting", "`cc33`", "`"+ck.SHA256+"`", "## License",
				fmt.Sprintf("| `seq_len` | %d |", f.cfg.SeqLen), "| `Special.Mask` | 4 |", "| `peak_lr` | 0.01 |")
			for _, w := range want {
				if !strings.Contains(readme, w) {
					t.Errorf("README.md lacks %q", w)
				}
			}
			// Every file of the folder but the README is listed with its sha256.
			entries, _ := os.ReadDir(dir)
			for _, e := range entries {
				if e.Name() == CardReadme {
					continue
				}
				sum, size, err := FileSHA256(filepath.Join(dir, e.Name()))
				if err != nil {
					t.Fatal(err)
				}
				if row := fmt.Sprintf("| `%s` | %s | `%s` |", e.Name(), thousands(size), sum); !strings.Contains(readme, row) {
					t.Errorf("README.md lacks the row %q", row)
				}
			}
			var back Card
			if err := json.Unmarshal(readExport(t, dir, CardJSON), &back); err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(back.State, card.State) || back.Commit != card.Commit || len(back.Outputs) != len(ex.Files)+1 {
				t.Errorf("card.json does not hold the card")
			}
			if kind == Decoder && !reflect.DeepEqual(back.Decoder, card.Decoder) {
				t.Errorf("card.json: decoder evaluation %+v, want %+v", back.Decoder, card.Decoder)
			}
		})
	}
}

// The loss curve is well-formed SVG with one training point per log entry
// and one dot per held-out evaluation.
func TestLossSVG(t *testing.T) {
	for _, tc := range []struct {
		name  string
		log   []Point
		evals []Eval
	}{
		{"run", []Point{{Step: 10, Loss: 9.1}, {Step: 20, Loss: 7.5}, {Step: 30, Loss: 6.2}}, []Eval{{Step: 20, Loss: 7.9}, {Step: 30, Loss: 6.6}}},
		{"no evaluation", []Point{{Step: 1, Loss: 3}}, nil},
		{"flat", []Point{{Step: 1, Loss: 2}, {Step: 2, Loss: 2}}, []Eval{{Step: 2, Loss: 2}}},
		{"empty", nil, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			svg := LossSVG(tc.log, tc.evals)
			d := xml.NewDecoder(bytes.NewReader(svg))
			counts := map[string]int{}
			points := 0
			for {
				tok, err := d.Token()
				if err != nil {
					if err.Error() != "EOF" {
						t.Fatalf("not XML: %v\n%s", err, svg)
					}
					break
				}
				if se, ok := tok.(xml.StartElement); ok {
					counts[se.Name.Local]++
					for _, a := range se.Attr {
						if se.Name.Local == "polyline" && a.Name.Local == "points" && points == 0 {
							points = len(strings.Fields(a.Value))
						}
						if strings.Contains(a.Value, "NaN") || strings.Contains(a.Value, "Inf") {
							t.Errorf("%s %s=%q", se.Name.Local, a.Name.Local, a.Value)
						}
					}
				}
			}
			if counts["svg"] != 1 || counts["circle"] != len(tc.evals)+1 || len(tc.log) > 0 && points != len(tc.log) {
				t.Errorf("elements %v, %d training points", counts, points)
			}
		})
	}
}

func TestCardFormatting(t *testing.T) {
	for _, tc := range []struct{ got, want string }{
		{thousands(0), "0"},
		{thousands(999), "999"},
		{thousands(1000), "1,000"},
		{thousands(12099419), "12,099,419"},
		{thousands(-1234), "-1,234"},
		{cell("a|b\nc\xff"), `a\|b c` + "\uFFFD"},
		{code("the"), "`the`"},
		{code("`"), "`` ` ``"},
		{code("a`b"), "``a`b``"},
		{fmt.Sprint(ticks(2.9, 9.4)), "[2 4 6 8 10]"},
		{fmt.Sprint(ticks(0, 10000)), "[0 2000 4000 6000 8000 10000]"},
		{fmt.Sprint(ticks(3, 3)), "[3 3.2 3.4 3.6 3.8 4]"},
		{fmt.Sprint(ticks(0.0123, 0.0456)), "[0.01 0.02 0.03 0.04 0.05]"},
		{fmt.Sprint(ticks(-1, 1)), "[-1 -0.5 0 0.5 1]"},
	} {
		if tc.got != tc.want {
			t.Errorf("got %q, want %q", tc.got, tc.want)
		}
	}
}
