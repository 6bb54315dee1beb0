package vader

// The constants and word lists below are those of the JavaScript port
// vader-sentiment 1.1.3 (src/vaderSentiment.js), which follows Hutto and
// Gilbert (2014).

const (
	// bIncr is the valence a booster word ("very") adds.
	bIncr = 0.293
	// bDecr is the valence a dampener word ("slightly") adds.
	bDecr = -0.293
	// cIncr is the emphasis of a word in ALL CAPS among words that are not.
	cIncr = 0.733
	// nScalar multiplies the valence of a negated word.
	nScalar = -0.74
	// alpha approximates the largest expected sum of valences; see normalize.
	alpha = 15
)

// puncList holds the punctuation that may be stripped from the front or the
// back of a token ("good!" counts as "good").
var puncList = []string{
	".", "!", "?", ",", ";", ":", "-", "'", "\"",
	"!!", "!!!", "??", "???", "?!?", "!?!", "?!?!", "!?!?",
}

// negations are the words that negate the next one to three words. The match
// is case-sensitive, as in the reference; any word containing "n't" negates too.
var negations = setOf(
	"aint", "arent", "cannot", "cant", "couldnt", "darent", "didnt", "doesnt",
	"ain't", "aren't", "can't", "couldn't", "daren't", "didn't", "doesn't",
	"dont", "hadnt", "hasnt", "havent", "isnt", "mightnt", "mustnt", "neither",
	"don't", "hadn't", "hasn't", "haven't", "isn't", "mightn't", "mustn't",
	"neednt", "needn't", "never", "none", "nope", "nor", "not", "nothing",
	"nowhere", "oughtnt", "shant", "shouldnt", "uhuh", "wasnt", "werent",
	"oughtn't", "shan't", "shouldn't", "uh-uh", "wasn't", "weren't", "without",
	"wont", "wouldnt", "won't", "wouldn't", "rarely", "seldom", "despite",
)

// boosters maps degree adverbs (looked up in lower case) to the valence they
// add to a following sentiment word: bIncr for boosters, bDecr for dampeners.
var boosters = map[string]float64{
	"absolutely": bIncr, "amazingly": bIncr, "awfully": bIncr, "completely": bIncr,
	"considerably": bIncr, "decidedly": bIncr, "deeply": bIncr, "effing": bIncr,
	"enormously": bIncr, "entirely": bIncr, "especially": bIncr, "exceptionally": bIncr,
	"extremely": bIncr, "fabulously": bIncr, "flipping": bIncr, "flippin": bIncr,
	"fricking": bIncr, "frickin": bIncr, "frigging": bIncr, "friggin": bIncr,
	"fully": bIncr, "fucking": bIncr, "greatly": bIncr, "hella": bIncr,
	"highly": bIncr, "hugely": bIncr, "incredibly": bIncr, "intensely": bIncr,
	"majorly": bIncr, "more": bIncr, "most": bIncr, "particularly": bIncr,
	"purely": bIncr, "quite": bIncr, "really": bIncr, "remarkably": bIncr,
	"so": bIncr, "substantially": bIncr, "thoroughly": bIncr, "totally": bIncr,
	"tremendously": bIncr, "uber": bIncr, "unbelievably": bIncr, "unusually": bIncr,
	"utterly": bIncr, "very": bIncr,
	"almost": bDecr, "barely": bDecr, "hardly": bDecr, "just enough": bDecr,
	"kind of": bDecr, "kinda": bDecr, "kindof": bDecr, "kind-of": bDecr,
	"less": bDecr, "little": bDecr, "marginally": bDecr, "occasionally": bDecr,
	"partly": bDecr, "scarcely": bDecr, "slightly": bDecr, "somewhat": bDecr,
	"sort of": bDecr, "sorta": bDecr, "sortof": bDecr, "sort-of": bDecr,
}

// idioms are phrases whose valence replaces that of the sentiment word they
// contain. The match is case-sensitive, as in the reference.
var idioms = map[string]float64{
	"the shit":        3,
	"the bomb":        3,
	"bad ass":         1.5,
	"yeah right":      -2,
	"cut the mustard": 2,
	"kiss of death":   -1.5,
	"hand to mouth":   -2,
}

func setOf(words ...string) map[string]bool {
	m := make(map[string]bool, len(words))
	for _, w := range words {
		m[w] = true
	}
	return m
}
