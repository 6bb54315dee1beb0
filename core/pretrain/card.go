package pretrain

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"
)

// Manifest is the corpus manifest tools/corpus writes beside train.txt
// and valid.txt (build/corpus/manifest.json): where every text came from.
type Manifest struct {
	Description  string           `json:"description"`
	Seed         int64            `json:"seed"`
	ValidPercent float64          `json:"valid_percent"`
	Sources      []ManifestSource `json:"sources"`
	TotalWords   int64            `json:"total_words"`
	Outputs      []ManifestFile   `json:"outputs"`
}

// ManifestSource is one source of the corpus: its package and license,
// the files read, and its counts.
type ManifestSource struct {
	Name       string           `json:"name"`
	Registry   string           `json:"registry"`
	Package    string           `json:"package"`
	Version    string           `json:"version"`
	License    string           `json:"license"`
	What       string           `json:"what"`
	Inputs     []ManifestFile   `json:"inputs"`
	Documents  int64            `json:"documents"`
	Words      int64            `json:"words"`
	TrainWords int64            `json:"train_words"`
	ValidWords int64            `json:"valid_words"`
	Dropped    map[string]int64 `json:"dropped,omitempty"` // reason → documents left out
}

// ManifestFile is a file the corpus script read or wrote.
type ManifestFile struct {
	Path   string `json:"path"`
	SHA256 string `json:"sha256"`
	Bytes  int64  `json:"bytes"`
	Lines  int64  `json:"lines,omitempty"`
	Words  int64  `json:"words,omitempty"`
}

// ReadManifest reads a corpus manifest.json.
func ReadManifest(path string) (*Manifest, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var m Manifest
	if err := json.Unmarshal(b, &m); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return &m, nil
}

// Card is what a model card says about an exported model. WriteCard
// renders it.
type Card struct {
	// Name is the model's name, the card's title ("textlab-encoder").
	Name string `json:"name"`
	// State is the checkpoint's: every setting, the steps taken, the
	// training time and sittings, the loss history and the inputs' sha256.
	State State `json:"state"`
	// Params is the model's number of parameters.
	Params int `json:"params"`
	// Export is what was exported, in the folder the card is written to.
	Export *Exported `json:"export"`
	// Corpus is the corpus manifest (nil when not known).
	Corpus *Manifest `json:"corpus,omitempty"`
	// Inputs are every file the model was made from, with its path: the
	// corpus, its manifest, the tokenizer, the checkpoint.
	Inputs []FileSum `json:"inputs"`
	// TrainTokens and ValidTokens are the lengths of the token streams.
	TrainTokens int `json:"train_tokens"`
	ValidTokens int `json:"valid_tokens"`
	// Encoder or Decoder is the held-out evaluation of the exported model.
	Encoder *EncoderEval `json:"encoder,omitempty"`
	Decoder *DecoderEval `json:"decoder,omitempty"`
	// Commit is the git commit of the recipe (`git rev-parse HEAD`), and
	// Command the command lines that made the model.
	Commit  string   `json:"commit"`
	Command []string `json:"command,omitempty"`
	// KeptOut says which labeled samples were kept out of pretraining,
	// one sentence each; nil means DefaultKeptOut (with the manifest's
	// counts of dropped documents).
	KeptOut []string `json:"kept_out"`
	// License is the card's license section (Markdown); "" means
	// DefaultLicense.
	License string `json:"license"`
	// Outputs are the files of the folder the card describes, with their
	// sha256 (filled in by WriteCard: the export, loss.svg, card.json).
	Outputs []FileSum `json:"outputs"`
}

// DefaultKeptOut says which labeled samples Textlab's corpus
// (tools/corpus/make-corpus.sh) keeps out of pretraining, and how.
var DefaultKeptOut = []string{
	"State of the Union addresses from 1900 on, from which the sample `static/data/sotu-party.csv` is cut: only the addresses of 1790-1899 were read.",
	"SpamAssassin (`static/data/spam-assassin.csv`): not read.",
	"The Brown corpus (`static/data/brown-genre.csv`) and the UCI Sentiment Labelled Sentences (`static/data/uci-sentiment.csv`): not read as text.",
	"nlp-corpus sentences that repeat them: a sentence was dropped when its lowercased words equal a UCI sentence, or when its first and last 8 words both occur in the 1900-2021 addresses or in the Brown corpus (counts below).",
}

// DefaultLicense is the license section of a card whose License is empty.
const DefaultLicense = `The weights are derived from the texts listed under Data, under the
licenses listed there; among them GPL-2+ (GCIDE) and GFDL-1.1+ (FOLDOC)
texts, and nlp-corpus, whose README asks that its texts not be
republished commercially (the model ships no text of it). Textlab has not
chosen a license for its own code and models yet; until it does, treat the
weights as carrying the obligations of the most restrictive source.`

// CardFiles are the files WriteCard writes.
const (
	CardReadme = "README.md"
	CardSVG    = "loss.svg"
	CardJSON   = "card.json"
)

// WriteCard writes the model card of the model exported to dir: loss.svg
// (the loss curve, from State.Log and State.Evals), card.json (c as JSON)
// and README.md, which lists every file of dir it describes with its
// sha256.
func WriteCard(dir string, c Card) error {
	if c.Export == nil {
		return fmt.Errorf("pretrain: a card needs the export it describes")
	}
	if c.KeptOut == nil {
		c.KeptOut = DefaultKeptOut
	}
	if c.License == "" {
		c.License = DefaultLicense
	}
	svg := LossSVG(c.State.Log, c.State.Evals)
	if err := os.WriteFile(filepath.Join(dir, CardSVG), svg, 0o644); err != nil {
		return err
	}
	c.Outputs = append(append([]FileSum(nil), c.Export.Files...), sumOf(CardSVG, svg))
	js, err := json.MarshalIndent(c, "", "  ")
	if err != nil {
		return err
	}
	js = append(js, '\n')
	if err := os.WriteFile(filepath.Join(dir, CardJSON), js, 0o644); err != nil {
		return err
	}
	c.Outputs = append(c.Outputs, sumOf(CardJSON, js))
	return os.WriteFile(filepath.Join(dir, CardReadme), c.markdown(), 0o644)
}

func sumOf(name string, data []byte) FileSum {
	s := sha256.Sum256(data)
	return FileSum{Name: name, Bytes: int64(len(data)), SHA256: hex.EncodeToString(s[:])}
}

// markdown renders the card's README.md.
func (c *Card) markdown() []byte {
	var b bytes.Buffer
	p := func(format string, args ...any) { fmt.Fprintf(&b, format, args...) }
	cfg := c.State.Config
	what := "BERT encoder (masked language model)"
	if cfg.Kind == Decoder {
		what = "Llama-style decoder (next-token language model)"
	}
	p("# %s\n\n", c.Name)
	p("A %d-layer, %d-wide %s with %s parameters, pretrained by Textlab's own Go code",
		cfg.Layers, cfg.Dim, what, thousands(int64(c.Params)))
	if c.Corpus != nil {
		p(" on %s words of public English text", thousands(c.Corpus.TotalWords))
	}
	p(", exported in the %q format: %s bytes in all.\n\n", c.Export.Format, thousands(c.Export.Total))
	p("Made from commit `%s` of Textlab's recipe (`make models`).\n", c.Commit)
	if len(c.Command) > 0 {
		p("\n```sh\n%s\n```\n", strings.Join(c.Command, "\n"))
	}
	p("\n## Files\n\n| file | bytes | sha256 |\n| --- | ---: | --- |\n")
	for _, f := range c.Outputs {
		p("| %s | %s | `%s` |\n", code(f.Name), thousands(f.Bytes), f.SHA256)
	}
	p("\n`README.md` (this card) is not listed: it holds the list. `card.json` holds everything on this card as JSON.\n")

	p("\n## Data\n\n")
	if m := c.Corpus; m != nil {
		p("%s\n\n", m.Description)
		p("| source | package (registry) | version | license | what | words | held out |\n| --- | --- | --- | --- | --- | ---: | ---: |\n")
		var dropped []string
		for _, s := range m.Sources {
			p("| %s | %s (%s) | %s | %s | %s | %s | %s |\n", cell(s.Name), cell(s.Package), s.Registry, cell(s.Version), cell(s.License), cell(s.What),
				thousands(s.Words), thousands(s.ValidWords))
			reasons := make([]string, 0, len(s.Dropped))
			for r := range s.Dropped {
				reasons = append(reasons, r)
			}
			sort.Strings(reasons)
			for _, r := range reasons {
				dropped = append(dropped, fmt.Sprintf("%s: %s documents dropped (%s)", s.Name, thousands(s.Dropped[r]), r))
			}
		}
		p("| **total** | | | | | **%s** | |\n\n", thousands(m.TotalWords))
		p("Held out for evaluation: %g%% of the documents (seeded hash, seed %d), never trained on.\n\n", m.ValidPercent, m.Seed)
		p("**Kept out of pretraining** (the labeled sample data sets' texts):\n\n")
		for _, k := range c.KeptOut {
			p("- %s\n", k)
		}
		for _, d := range dropped {
			p("- %s\n", d)
		}
		files := 0
		for _, s := range m.Sources {
			files += len(s.Inputs)
		}
		p("\n<details><summary>The %d files the corpus script read, with their sha256</summary>\n\n| source | file | bytes | sha256 |\n| --- | --- | ---: | --- |\n", files)
		for _, s := range m.Sources {
			for _, f := range s.Inputs {
				p("| %s | `%s` | %s | `%s` |\n", cell(s.Name), f.Path, thousands(f.Bytes), f.SHA256)
			}
		}
		p("\n</details>\n\nThe corpus it wrote:\n\n| file | bytes | lines | words | sha256 |\n| --- | ---: | ---: | ---: | --- |\n")
		for _, f := range m.Outputs {
			p("| `%s` | %s | %s | %s | `%s` |\n", f.Path, thousands(f.Bytes), thousands(f.Lines), thousands(f.Words), f.SHA256)
		}
	} else {
		p("No corpus manifest was given.\n\n**Kept out of pretraining:**\n\n")
		for _, k := range c.KeptOut {
			p("- %s\n", k)
		}
	}
	if c.TrainTokens > 0 {
		p("\nTokenized: %s training tokens, %s held-out tokens.\n", thousands(int64(c.TrainTokens)), thousands(int64(c.ValidTokens)))
	}

	p("\n## Settings\n\n| setting | value |\n| --- | --- |\n")
	for _, kv := range flatten(cfg) {
		p("| `%s` | %s |\n", kv[0], kv[1])
	}
	p("\nParameters: %s (%s bytes in float32).\n", thousands(int64(c.Params)), thousands(4*int64(c.Params)))

	st := c.State
	seen := int64(st.Step) * int64(cfg.TokensPerStep())
	p("\n## Training\n\n")
	p("- Steps: %s of %s, %s tokens each: **%s tokens seen**", thousands(int64(st.Step)), thousands(int64(cfg.Steps)),
		thousands(int64(cfg.TokensPerStep())), thousands(seen))
	if c.TrainTokens > 0 {
		p(" (%.2f passes over the training tokens)", float64(seen)/float64(c.TrainTokens))
	}
	sittings := "sitting"
	if st.Sittings != 1 {
		sittings += "s"
	}
	p(".\n- Training time: %s in %d %s (a run checkpoints every 10 minutes and resumes where it stopped).\n",
		(time.Duration(st.Seconds) * time.Second).String(), st.Sittings, sittings)
	if n := len(st.Log); n > 0 {
		p("- Last logged training loss: %.4f at step %d.\n", st.Log[n-1].Loss, st.Log[n-1].Step)
	}
	if n := len(st.Evals); n > 0 {
		p("- Held-out loss during training: %.4f at step %d (%d windows).\n", st.Evals[n-1].Loss, st.Evals[n-1].Step, cfg.EvalWindows)
	}
	p("\n![Training and held-out loss by step](%s)\n", CardSVG)

	p("\n## Evaluation\n\n")
	switch {
	case c.Encoder != nil:
		e := c.Encoder
		p("Masked-token prediction on %s held-out windows: %.0f%% of each window's non-special tokens replaced by [MASK] (all of them; seed %d), %s tokens predicted.\n\n",
			thousands(int64(e.Windows)), 100*e.MaskProb, e.Seed, thousands(int64(e.Masked)))
		p("| | top-1 | top-5 |\n| --- | ---: | ---: |\n")
		p("| this model | %.1f%% | %.1f%% |\n", 100*e.Top1, 100*e.Top5)
		var freq []string
		for _, f := range e.Frequent {
			freq = append(freq, code(f))
		}
		p("| most frequent training tokens (%s) | %.1f%% | %.1f%% |\n\n", cell(strings.Join(freq, " ")), 100*e.BaselineTop1, 100*e.BaselineTop5)
		p("Mean cross-entropy of the masked tokens: %.4f nats.\n\n", e.Loss)
		p("Fill-mask examples (five most likely tokens for each [MASK]):\n\n| sentence | predictions |\n| --- | --- |\n")
		for _, ex := range e.Fill {
			var masks []string
			for _, m := range ex.Masks {
				var gs []string
				for _, g := range m {
					gs = append(gs, fmt.Sprintf("%s %.3f", code(g.Token), g.Prob))
				}
				masks = append(masks, strings.Join(gs, " · "))
			}
			p("| %s | %s |\n", cell(ex.Text), cell(strings.Join(masks, " / ")))
		}
	case c.Decoder != nil:
		e := c.Decoder
		p("Next-token prediction on %s held-out windows of %d tokens: %s tokens predicted, each from the tokens before it in its window.\n\n",
			thousands(int64(e.Windows)), cfg.SeqLen, thousands(int64(e.Tokens)))
		p("| model | cross-entropy (nats) | perplexity |\n| --- | ---: | ---: |\n")
		p("| this model | %.4f | %.2f |\n", e.Loss, e.Perplexity)
		p("| %s | %.4f | %.2f |\n", cell(e.Bigram.Method), e.Bigram.Loss, e.Bigram.Perplexity)
		p("| %s | %.4f | %.2f |\n\n", cell(e.Unigram.Method), e.Unigram.Loss, e.Unigram.Perplexity)
		p("The n-gram baselines are counted on the same training tokens and predict the same held-out tokens.\n\n")
		p("Samples (core/sample, temperature only, %d positions with the prompt):\n\n| prompt | temperature | seed | text |\n| --- | ---: | ---: | --- |\n", c.sampleSteps())
		for _, s := range e.Samples {
			temp := fmt.Sprintf("%g", s.Temperature)
			if s.Temperature == 0 {
				temp = "0 (greedy)"
			}
			p("| %s | %s | %d | %s |\n", cell(s.Prompt), temp, s.Seed, cell(s.Text))
		}
	default:
		p("Not evaluated.\n")
	}

	p("\n## Inputs\n\nEvery file the model was made from, with its sha256:\n\n| file | bytes | sha256 |\n| --- | ---: | --- |\n")
	for _, f := range c.Inputs {
		p("| `%s` | %s | `%s` |\n", f.Name, thousands(f.Bytes), f.SHA256)
	}
	if len(st.Inputs) > 0 {
		p("\nThe checkpoint records the sha256 of the inputs it was trained on, and refuses to resume from others:\n\n")
		names := make([]string, 0, len(st.Inputs))
		for n := range st.Inputs {
			names = append(names, n)
		}
		sort.Strings(names)
		for _, n := range names {
			p("- `%s`: `%s`\n", n, st.Inputs[n])
		}
	}
	p("\n## License\n\n%s\n", strings.TrimSpace(c.License))
	return b.Bytes()
}

// sampleSteps is the positions of the card's samples, read from how the
// evaluation was run (the default when unknown).
func (c *Card) sampleSteps() int {
	if c.Decoder != nil && c.Decoder.SampleSteps > 0 {
		return c.Decoder.SampleSteps
	}
	return 48
}

// cell makes s safe inside a Markdown table cell: valid UTF-8, one line,
// pipes escaped.
func cell(s string) string {
	s = strings.ToValidUTF8(s, "\uFFFD")
	s = strings.NewReplacer("|", `\|`, "\r", " ", "\n", " ", "\t", " ").Replace(s)
	return s
}

// code returns s as a Markdown code span, with enough backticks around it
// that one inside does not end it.
func code(s string) string {
	fence := "`"
	for strings.Contains(s, fence) {
		fence += "`"
	}
	if strings.HasPrefix(s, "`") || strings.HasSuffix(s, "`") {
		s = " " + s + " "
	}
	return fence + s + fence
}

// thousands formats n with commas: 12,099,419.
func thousands(n int64) string {
	s := fmt.Sprint(n)
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	var b strings.Builder
	for i, r := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(r)
	}
	if neg {
		return "-" + b.String()
	}
	return b.String()
}

// flatten lists every field of cfg as its JSON name and value, nested
// objects as "parent.child".
func flatten(cfg Config) [][2]string {
	js, _ := json.Marshal(cfg)
	var m map[string]any
	json.Unmarshal(js, &m)
	var out [][2]string
	var walk func(prefix string, m map[string]any)
	walk = func(prefix string, m map[string]any) {
		keys := make([]string, 0, len(m))
		for k := range m {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			if sub, ok := m[k].(map[string]any); ok {
				walk(prefix+k+".", sub)
				continue
			}
			out = append(out, [2]string{prefix + k, fmt.Sprint(m[k])})
		}
	}
	walk("", m)
	return out
}

// LossSVG draws the training loss (State.Log, a line) and the held-out
// loss (State.Evals, dots joined by a line) against the step, as a
// 640×360 SVG image with labelled axes.
func LossSVG(log []Point, evals []Eval) []byte {
	const (
		W, H                   = 640, 360
		left, right, top, bott = 64, 20, 36, 48
	)
	maxStep := 1
	lo, hi := math.Inf(1), math.Inf(-1)
	for _, p := range log {
		maxStep = max(maxStep, p.Step)
		lo, hi = math.Min(lo, p.Loss), math.Max(hi, p.Loss)
	}
	for _, e := range evals {
		maxStep = max(maxStep, e.Step)
		lo, hi = math.Min(lo, e.Loss), math.Max(hi, e.Loss)
	}
	if math.IsInf(lo, 0) || math.IsNaN(lo) || math.IsNaN(hi) {
		lo, hi = 0, 1
	}
	yTicks := ticks(lo, hi)
	lo, hi = math.Min(lo, yTicks[0]), math.Max(hi, yTicks[len(yTicks)-1])
	if hi == lo {
		hi = lo + 1
	}
	xTicks := ticks(0, float64(maxStep))
	xMax := math.Max(float64(maxStep), xTicks[len(xTicks)-1])
	x := func(step float64) float64 { return left + (W-left-right)*step/xMax }
	y := func(loss float64) float64 { return top + (H-top-bott)*(hi-loss)/(hi-lo) }
	var b bytes.Buffer
	p := func(format string, args ...any) { fmt.Fprintf(&b, format, args...) }
	p(`<svg xmlns="http://www.w3.org/2000/svg" width="%d" height="%d" viewBox="0 0 %d %d" font-family="sans-serif" font-size="12">`+"\n", W, H, W, H)
	p(`<rect width="%d" height="%d" fill="white"/>`+"\n", W, H)
	p(`<text x="%d" y="20" font-size="14">Loss by optimisation step</text>`+"\n", left)
	for _, t := range yTicks {
		p(`<line x1="%d" x2="%d" y1="%.1f" y2="%.1f" stroke="#ddd"/><text x="%d" y="%.1f" text-anchor="end">%s</text>`+"\n",
			left, W-right, y(t), y(t), left-6, y(t)+4, fmtTick(t))
	}
	for _, t := range xTicks {
		p(`<line x1="%.1f" x2="%.1f" y1="%d" y2="%d" stroke="#ddd"/><text x="%.1f" y="%d" text-anchor="middle">%s</text>`+"\n",
			x(t), x(t), top, H-bott, x(t), H-bott+16, fmtTick(t))
	}
	p(`<line x1="%d" x2="%d" y1="%d" y2="%d" stroke="black"/><line x1="%d" x2="%d" y1="%d" y2="%d" stroke="black"/>`+"\n",
		left, W-right, H-bott, H-bott, left, left, top, H-bott)
	p(`<text x="%d" y="%d" text-anchor="middle">step</text>`+"\n", (left+W-right)/2, H-10)
	p(`<text x="16" y="%d" text-anchor="middle" transform="rotate(-90 16 %d)">cross-entropy (nats)</text>`+"\n", (top+H-bott)/2, (top+H-bott)/2)
	if len(log) > 0 {
		var pts []string
		for _, pt := range log {
			pts = append(pts, fmt.Sprintf("%.1f,%.1f", x(float64(pt.Step)), y(pt.Loss)))
		}
		p(`<polyline fill="none" stroke="#1f77b4" stroke-width="1.5" points="%s"/>`+"\n", strings.Join(pts, " "))
	}
	if len(evals) > 0 {
		var pts []string
		for _, e := range evals {
			pts = append(pts, fmt.Sprintf("%.1f,%.1f", x(float64(e.Step)), y(e.Loss)))
		}
		p(`<polyline fill="none" stroke="#d62728" stroke-width="1.5" stroke-dasharray="4 3" points="%s"/>`+"\n", strings.Join(pts, " "))
		for _, e := range evals {
			p(`<circle cx="%.1f" cy="%.1f" r="3" fill="#d62728"/>`+"\n", x(float64(e.Step)), y(e.Loss))
		}
	}
	lx := W - right - 170
	p(`<line x1="%d" x2="%d" y1="%d" y2="%d" stroke="#1f77b4" stroke-width="1.5"/><text x="%d" y="%d">training (mean of logged steps)</text>`+"\n",
		lx-24, lx-4, top+8, top+8, lx, top+12)
	p(`<line x1="%d" x2="%d" y1="%d" y2="%d" stroke="#d62728" stroke-width="1.5" stroke-dasharray="4 3"/><circle cx="%d" cy="%d" r="3" fill="#d62728"/><text x="%d" y="%d">held out</text>`+"\n",
		lx-24, lx-4, top+26, top+26, lx-14, top+26, lx, top+30)
	p("</svg>\n")
	return b.Bytes()
}

// ticks returns about five round values covering [lo, hi]: multiples of
// 1, 2, 2.5 or 5 times a power of ten, computed as k·m·10^e or k·m/10^-e
// so that each is the double nearest its decimal.
func ticks(lo, hi float64) []float64 {
	if hi <= lo {
		hi = lo + 1
	}
	raw := (hi - lo) / 5
	e := math.Floor(math.Log10(raw))
	pow := math.Pow(10, math.Abs(e))
	at := func(units float64) float64 { // units·10^e
		if e < 0 {
			return units / pow
		}
		return units * pow
	}
	m := 10.0
	for _, c := range []float64{1, 2, 2.5, 5, 10} {
		if at(c) >= raw {
			m = c
			break
		}
	}
	var out []float64
	for k := math.Floor(lo / at(m)); ; k++ {
		v := at(k * m)
		out = append(out, v)
		if v >= hi-at(m)*1e-9 {
			break
		}
	}
	return out
}

func fmtTick(v float64) string {
	if v == math.Trunc(v) && math.Abs(v) < 1e15 {
		return thousands(int64(v))
	}
	return fmt.Sprintf("%.3g", v)
}
