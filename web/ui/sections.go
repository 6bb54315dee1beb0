// Package ui holds Textlab's templ components: the page layout, the
// curriculum sections and the result fragments. Components are functions of
// plain data; they neither fetch nor compute, so the server, the static-site
// generator and the WebAssembly engine all render them.
package ui

// Section is one stop of the curriculum, a tab in the navigation.
type Section struct {
	ID    string // URL fragment and element id, e.g. "data"
	Title string // navigation label
	Step  string // where it sits in the course, e.g. "Step 1"
	Lead  string // one sentence saying what the student does here
	// Ready reports whether the section's tools are in this build; a section
	// that is not ready says so plainly instead of showing dead controls.
	Ready bool
}

// Sections lists the curriculum in the order a methods course teaches it:
// build and check a labeled set (Data, Agreement), dictionaries, classic
// machine learning, then BERT and the generative models. The navigation and
// the page show the sections that are Ready; the others are listed on the
// About page as coming.
var Sections = []Section{
	{ID: "data", Title: "Data", Step: "Step 1", Lead: "Bring a labeled data set: import a CSV, TSV or JSON Lines file, check every row, and look at the classes before training anything.", Ready: true},
	{ID: "agreement", Title: "Agreement", Step: "Step 1", Lead: "Check that human coders agree before training on their labels: percent agreement, Cohen's and Fleiss' kappa, Krippendorff's alpha.", Ready: true},
	{ID: "dictionary", Title: "Dictionary", Step: "Step 2", Lead: "Score texts with a lexicon (VADER, AFINN, opinion words or your own LIWC-style dictionary) and evaluate the scores as a classifier.", Ready: true},
	{ID: "classic", Title: "Classic ML", Step: "Step 3", Lead: "Turn texts into counts, TF-IDF or word-vector features and train logistic regression, naive Bayes, a linear SVM, a random forest or a small neural network.", Ready: true},
	{ID: "bert", Title: "BERT", Step: "Step 4", Lead: "Encode texts with a quantized BERT, train a classifier on the embeddings, look at attention weights per layer and head, and fill in masked words."},
	{ID: "generate", Title: "Generate", Step: "Step 5", Lead: "Watch a small language model pick its next token, and see what temperature, top-k and top-p do to the distribution."},
	{ID: "prompting", Title: "Prompting", Step: "Step 5", Lead: "Classify by prompting a generative model zero- or few-shot, and validate its labels against the human ones."},
	{ID: "about", Title: "About", Step: "", Lead: "What Textlab is, how it keeps your data on your machine, and the state of its engine.", Ready: true},
}

// ReadySections returns the sections whose tools are in this build, in
// course order: the navigation and the page show these.
func ReadySections() []Section {
	var out []Section
	for _, s := range Sections {
		if s.Ready {
			out = append(out, s)
		}
	}
	return out
}

// ComingSections returns the sections that are not built yet, in course
// order: the About page lists them as coming.
func ComingSections() []Section {
	var out []Section
	for _, s := range Sections {
		if !s.Ready {
			out = append(out, s)
		}
	}
	return out
}

// EngineInfo describes the running WebAssembly engine, as the status card
// shows it.
type EngineInfo struct {
	Version   string   // Textlab version compiled into the engine
	GoVersion string   // e.g. "Go 1.26"
	Workers   int      // engine workers in the pool
	Isolated  bool     // whether the page is cross-origin isolated
	Methods   []string // the engine methods this build offers
	SIMD      bool     // whether the WebAssembly SIMD kernels are in use
}
