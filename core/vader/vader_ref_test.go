//go:build ref && !js

package vader

import (
	"encoding/json"
	"fmt"
	"math"
	"strings"
	"testing"

	"textlab/internal/reftest"
)

// refScript scores every text of a JSON array on stdin with the npm package
// vader-sentiment 1.1.3 (its published build) and prints the scores as JSON.
const refScript = `
const {SentimentIntensityAnalyzer} = require("vader-sentiment");
let buf = "";
process.stdin.on("data", d => buf += d);
process.stdin.on("end", () => {
  const texts = JSON.parse(buf);
  process.stdout.write(JSON.stringify(texts.map(t => SentimentIntensityAnalyzer.polarity_scores(t))));
});
`

// handWritten exercise each rule of the port at least once.
var handWritten = []string{
	"", " ", "!!!", "???", "?!?!", ".", "a", "I", ":)", ":(", ":-)", ";)", ":D", "<3", "</3", "D:",
	"VADER is smart, handsome, and funny.",
	"VADER is smart, handsome, and funny!",
	"VADER is very smart, handsome, and funny.",
	"VADER is VERY SMART, handsome, and FUNNY.",
	"VADER is VERY SMART, handsome, and FUNNY!!!",
	"VADER is VERY SMART, uber handsome, and FRIGGIN FUNNY!!!",
	"VADER is not smart, handsome, nor funny.",
	"The book was good.", "At least it isn't a horrible book.",
	"The book was only kind of good.", "The book was kind of good.", "The book was sort of good.",
	"The plot was good, but the characters are uncompelling and the dialog is not great.",
	"Today SUX!", "Today only kinda sux! But I'll get by, lol",
	"Make sure you :) or :D today!", "Catch utf-8 emoji such as 💘 and 💋 and 😁",
	"Not bad at all", "not bad at all", "NOT bad at all", "Not BAD",
	"It isn't good", "It isnt good", "It wasn't very good", "It doesn't seem good", "It aint good",
	"never so good", "never this good", "never so very good", "this is never so bad", "never good", "never really good",
	"so good", "this good", "so so good", "it is this very good", "never this bad at all",
	"without doubt good", "without a doubt it was good", "good without doubt", "without good",
	"least good", "the least good idea", "at least good", "at the very least good", "very least good", "Least good",
	"AT LEAST GOOD", "the LEAST good",
	"good but bad", "bad but good", "good BUT bad", "Good But bad", "but good", "good but", "good but but bad",
	"I love it but BUT I hate it", "it was great, but, well, boring",
	"the shit", "this is the shit", "this movie is the shit", "you are the bomb", "man this is the bomb",
	"this is bad ass", "what a bad ass movie", "yeah right", "oh yeah right sure", "well yeah right",
	"he can cut the mustard", "that can't cut the mustard", "this is the kiss of death", "a real kiss of death for us",
	"living hand to mouth", "we are living hand to mouth now", "The Shit", "THE BOMB is good",
	"kind of good", "it was kind of bad", "it kind of sucks", "they sort of like it", "just enough good",
	"it is just enough fun", "kinda good", "sorta bad", "kind-of nice", "sort-of nice",
	"good!", "good!!", "good!!!", "good!!!!", "good!!!!!", "good?", "good??", "good???", "good????", "good?!?", "good!?!?",
	"bad!", "bad!!!!!!", "bad??", "bad???????", "ok", "ok?", "meh.", "?good", "!!good", "(good)", "\"good\"", "'good'",
	"good,bad", "good...", "...good", "-good-", "good;", ";good", ":good", "good:",
	"I don't know.", "I can't stand this", "can't stand it", "fed up", "I'm fed up", "Don't worry",
	"HAPPY", "HAPPY day", "HAPPY DAY", "very HAPPY day", "VERY happy day", "VERY HAPPY day", "EXTREMELY bad day",
	"the party was EXTREMELY fun", "SO GOOD", "so GOOD movie", "NOT good movie", "NEVER so good movie",
	"I hate", "I HATE it", "hate hate hate", "love love love!!!", "LOVE love",
	"Sentiment analysis has never been good.", "Sentiment analysis has never been this good!",
	"Most automated sentiment analysis tools are shit.", "With VADER, sentiment analysis is the shit!",
	"Other sentiment analysis tools can be quite bad.", "On the other hand, VADER is quite bad ass",
	"VADER is such a badass!", "Without a doubt, excellent idea.", "Roger Dodger is one of the most compelling variations on this theme.",
	"Roger Dodger is at least compelling as a variation on the theme.", "Roger Dodger is one of the least compelling variations on this theme.",
	"Not such a badass after all.", "Without a doubt, an excellent idea.",
	"Ca va bien", "¡Qué bueno!", "très bien", "güt", "KİND of good", "İyi", "ünïcödé good", "naïve happy",
	"good\u00a0bad", "good\u3000great", "good\u2003bad", "good\u0085bad", "good\ufeffbad", "good\tbad\nugly\r\nnice",
	"🙂 good 🙁", "😀", "👍👍", "good 💯", "emoji😀good", "good😀", "x😀", "é", "éé good",
	"A really really really good day", "a very very bad day", "extremely very slightly good",
	"hardly good", "barely bad", "scarcely happy at all", "almost perfect", "slightly annoying",
	"marginally better", "partly cloudy but nice", "somewhat good", "a little good", "less bad",
	"more good", "most good", "really really good", "REALLY good", "really GOOD", "hella good", "uber good",
	"absolutely not good", "not absolutely good", "not very good", "not so good", "never very good", "nor good",
	"nothing good", "nowhere good", "none good", "nope good", "rarely good", "seldom good", "despite good",
	"cannot good", "cant good", "uh-uh good", "uhuh good", "neither good", "wont good", "won't good",
	"shouldn't be bad", "Shouldn't be bad", "NOT never good", "Never good", "NEVER good",
	"no good", "No good", "no problem", "nothing bad", "not not good",
	"I am not happy about it, but it is not terrible", "I am kind of happy, but not really",
	"great great great great great great great great great great great great great great great great",
	"terrible horrible awful bad worst hate sad angry",
	strings.Repeat("This is a long text that is good and then bad, but mostly fine! ", 40),
	strings.Repeat("word ", 500) + "happy",
	"👍 good", ":) :) :)", ":( sad", "=)", "=(", ":'(", ":-D", "xD", "XD", "<3 <3",
	"The food here is GREAT", "THE FOOD HERE IS GREAT", "the food here is great",
	"lol", "LOL", "lmao", "rofl", "wtf", "omg", "smh", "fml",
	"it's not that great", "It's not bad", "its not BAD", "Good. Bad. Ugly.",
}

// generated builds sentences from templates: every booster and dampener at
// distance 1 to 3 from a positive and a negative word, every negation at
// distance 1 to 3, and ALL CAPS variants.
func generated() []string {
	var out []string
	words := []string{"good", "bad"}
	mods := []string{"very", "extremely", "slightly", "barely", "kinda", "so", "VERY", "Very", "totally", "somewhat", "kind of", "sort of", "just enough"}
	for _, w := range words {
		for _, m := range mods {
			out = append(out,
				fmt.Sprintf("It is %s %s", m, w),
				fmt.Sprintf("It is %s movie %s", m, w),
				fmt.Sprintf("It is %s movie plot %s", m, w),
				fmt.Sprintf("It is %s %s ok", m, strings.ToUpper(w)),
			)
		}
		for _, n := range []string{"not", "never", "isn't", "without", "NOT", "didnt", "nothing", "wasn't", "least"} {
			out = append(out,
				fmt.Sprintf("this %s %s", n, w),
				fmt.Sprintf("this %s the %s", n, w),
				fmt.Sprintf("this %s the movie %s", n, w),
				fmt.Sprintf("this %s very %s", n, w),
				fmt.Sprintf("this %s the very %s!", n, w),
				fmt.Sprintf("%s %s", n, w),
			)
		}
	}
	return out
}

func compare(t *testing.T, texts []string) {
	t.Helper()
	in, err := json.Marshal(texts)
	if err != nil {
		t.Fatal(err)
	}
	var want []Scores
	if err := json.Unmarshal(reftest.RunNode(t, refScript, in), &want); err != nil {
		t.Fatal(err)
	}
	if len(want) != len(texts) {
		t.Fatalf("reference returned %d scores for %d texts", len(want), len(texts))
	}
	maxDiff, bad := 0.0, 0
	for i, text := range texts {
		got := Score(text)
		d := max(math.Abs(got.Compound-want[i].Compound), math.Abs(got.Pos-want[i].Pos),
			math.Abs(got.Neu-want[i].Neu), math.Abs(got.Neg-want[i].Neg))
		maxDiff = max(maxDiff, d)
		if d > 1e-4 {
			if bad++; bad <= 20 {
				t.Errorf("%q: got %+v, vader-sentiment %+v", text, got, want[i])
			}
		}
	}
	t.Logf("%d texts, %d differ, max difference %.3g", len(texts), bad, maxDiff)
}

// TestParity compares Score with vader-sentiment 1.1.3 on sentences that
// exercise every rule; all four scores must agree within 1e-4.
func TestParity(t *testing.T) {
	texts := append(append([]string{}, handWritten...), generated()...)
	if len(texts) < 300 {
		t.Fatalf("only %d sentences", len(texts))
	}
	compare(t, texts)
}

// TestParityLexicon scores every lexicon entry alone, negated and boosted,
// which checks the embedded lexicon entry by entry against the package's.
func TestParityLexicon(t *testing.T) {
	var texts []string
	for w := range lex() {
		texts = append(texts, w, "not "+w, "very "+w+"!", "It is "+strings.ToUpper(w))
	}
	compare(t, texts)
}
