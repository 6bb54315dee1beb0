//go:build browser

package e2e

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"textlab/core/lexicon"
	"textlab/core/vader"
)

// openDictionary opens the app at the dictionary tab and waits until the
// page has loaded its dictionary and scored the example text.
func openDictionary(t *testing.T, width, height int64) (*tab, string) {
	t.Helper()
	app := startApp(t)
	tb := openTab(t, app, width, height)
	tb.open(app + "#dictionary")
	tb.waitFor(`document.getElementById("dictionary").dataset.ready === "true"`)
	return tb, app
}

// tryText types text into the textarea and scores it.
func (tb *tab) dictTry(text string) {
	tb.t.Helper()
	tb.eval(fmt.Sprintf(`(() => { const r = document.getElementById("dict-try-result"); r.replaceChildren(); document.getElementById("dict-text").value = %q; return true })()`, text))
	tb.click("#dict-try")
	tb.waitFor(`document.querySelector("#dict-try-result .dict-try") !== null`)
}

func TestDictionaryVADERText(t *testing.T) {
	const text = "The food was not good, but the service was GREAT!!!"
	want := vader.Score(text) // the reference: core/vader itself
	for _, size := range []struct {
		name          string
		width, height int64
	}{{"desktop", 1280, 800}, {"mobile", 390, 844}} {
		t.Run(size.name, func(t *testing.T) {
			tb, _ := openDictionary(t, size.width, size.height)
			if name := tb.evalString(`document.getElementById("dictionary").dataset.dictionary`); name != "VADER" {
				t.Fatalf("active dictionary %q, want VADER by default", name)
			}
			tb.dictTry(text)
			got := map[string]string{}
			for _, k := range []string{"compound", "pos", "neu", "neg"} {
				got[k] = tb.evalString(`document.querySelector('#dict-try-result [data-score="` + k + `"]').textContent`)
			}
			wantS := map[string]string{
				"compound": fmt.Sprintf("%.4f", want.Compound), "pos": fmt.Sprintf("%.3f", want.Pos),
				"neu": fmt.Sprintf("%.3f", want.Neu), "neg": fmt.Sprintf("%.3f", want.Neg),
			}
			for k, w := range wantS {
				if got[k] != w {
					t.Errorf("%s = %q, want %q (vader.Score)", k, got[k], w)
				}
			}
			marks := tb.evalString(`[...document.querySelectorAll("#dict-try-result mark")].map(m => m.firstChild.textContent).join("|")`)
			if marks != "good|GREAT" {
				t.Errorf("highlighted words %q, want good|GREAT", marks)
			}
			if title := tb.evalString(`document.querySelector("#dict-try-result mark.neg")?.title ?? ""`); !strings.Contains(title, "good: lexicon +1.9") {
				t.Errorf("negated good: title %q", title)
			}
			if size.name == "mobile" {
				if w := tb.eval(`document.documentElement.scrollWidth`); w.(float64) > 390 {
					t.Errorf("page is %v px wide on a 390 px screen", w)
				}
			}
			tb.eval(`window.scrollTo(0, 0)`)
			tb.screenshot(size.name + "-dictionary-try")

			// User text is shown as text, never run as HTML.
			tb.dictTry(`<img src=x onerror=alert(1)> good`)
			if n := tb.eval(`document.querySelectorAll("#dictionary img").length`); n.(float64) != 0 {
				t.Errorf("user text became an element")
			}
			if s := tb.evalString(`document.querySelector("#dict-try-result .dict-highlight").textContent`); !strings.HasPrefix(s, "<img src=x onerror=alert(1)> good") {
				t.Errorf("highlighted text %q", s)
			}
		})
	}
}

func TestDictionaryUpload(t *testing.T) {
	dir := t.TempDir()
	good := filepath.Join(dir, "mine.dic")
	os.WriteFile(good, []byte("%\n1\tposemo\n2\tnegemo\n%\nhapp*\t1\nthank you\t1\nsad\t2\n"), 0o644)
	bad := filepath.Join(dir, "broken.dic")
	os.WriteFile(bad, []byte("%\n1\tposemo\n%\nhappy\t1\nsad\t9\n"), 0o644)

	tb, app := openDictionary(t, 1280, 800)
	upload := func(path string) {
		t.Helper()
		if err := chromedp.Do(tb.ctx, chromedp.SetUploadFiles(chromedp.CSS("#dict-file"), []string{path})); err != nil {
			t.Fatal(err)
		}
	}
	upload(good)
	tb.waitFor(`document.getElementById("dictionary").dataset.dictionary === "mine.dic"`)
	if info := tb.evalString(`document.getElementById("dict-info").textContent`); !strings.Contains(info, "1 with a wildcard, 1 phrase") || !strings.Contains(info, "posemo, negemo") {
		t.Errorf("info %q", info)
	}
	if checked := tb.evalString(`document.querySelector('input[name="dict-source"]:checked').value`); checked != "upload" {
		t.Errorf("checked source %q", checked)
	}
	tb.dictTry("Happiness! Thank you, I was so happy and a bit sad.")
	counts := tb.evalString(`[...document.querySelectorAll("#dict-try-result tr[data-category]")].map(r => r.dataset.category + "=" + r.querySelector("[data-count]").textContent).join(" ")`)
	if counts != "posemo=3 negemo=1" {
		t.Errorf("counts %q, want posemo=3 negemo=1", counts)
	}
	marks := tb.evalString(`[...document.querySelectorAll("#dict-try-result mark")].map(m => m.firstChild.textContent).join("|")`)
	if marks != "Happiness|Thank you|happy|sad" {
		t.Errorf("marks %q", marks)
	}
	tb.eval(`window.scrollTo(0, 0)`)
	tb.screenshot("desktop-dictionary-upload")

	// A malformed file: a line-numbered error; the previous dictionary stays.
	upload(bad)
	tb.waitFor(`!document.getElementById("dict-error").hidden`)
	msg := tb.evalString(`document.getElementById("dict-error").textContent`)
	if !strings.Contains(msg, "broken.dic: line 5") || !strings.Contains(msg, "still active") {
		t.Errorf("error %q", msg)
	}
	if name := tb.evalString(`document.getElementById("dictionary").dataset.dictionary`); name != "mine.dic" {
		t.Errorf("after a bad upload the active dictionary is %q", name)
	}
	tb.dictTry("so happy")
	if c := tb.evalString(`document.querySelector('#dict-try-result tr[data-category="posemo"] [data-count]').textContent`); c != "1" {
		t.Errorf("the previous dictionary no longer scores: posemo=%q", c)
	}
	tb.eval(`window.scrollTo(0, 0)`)
	tb.screenshot("desktop-dictionary-error")

	// The uploaded dictionary survives a reload.
	if err := chromedp.Do(tb.ctx, chromedp.Navigate(app+"#dictionary")); err != nil {
		t.Fatal(err)
	}
	tb.waitFor(`document.getElementById("dictionary").dataset.ready === "true"`)
	if name := tb.evalString(`document.getElementById("dictionary").dataset.dictionary`); name != "mine.dic" {
		t.Errorf("after a reload the active dictionary is %q", name)
	}
	if text := tb.evalString(`document.getElementById("dict-text").value`); text != "so happy" {
		t.Errorf("after a reload the text is %q", text)
	}
	// Back to a built-in list.
	tb.click(`input[name="dict-source"][value="afinn"]`)
	tb.waitFor(`document.getElementById("dictionary").dataset.dictionary === "AFINN-111"`)
}

func TestDictionaryDataset(t *testing.T) {
	for _, size := range []struct {
		name          string
		width, height int64
	}{{"desktop", 1280, 800}, {"mobile", 390, 844}} {
		t.Run(size.name, func(t *testing.T) {
			tb, app := openDictionary(t, size.width, size.height)
			tb.click(`nav.tabs a[data-tab="data"]`)
			tb.waitFor(`!document.getElementById("data").hidden`)
			tb.click(`#data [data-sample="sotu-party.csv"]`)
			tb.waitFor(`document.getElementById("data").dataset.loaded === "sotu-party.csv"`)
			tb.click(`nav.tabs a[data-tab="dictionary"]`)
			tb.waitFor(`!document.getElementById("dictionary").hidden`)
			if s := tb.evalString(`document.getElementById("dict-data-status").textContent`); !strings.Contains(s, "sotu-party.csv") {
				t.Errorf("data status %q", s)
			}
			tb.click(`[data-job="dict-score"] [data-action="start"]`)
			tb.waitFor(`document.querySelector('[data-job="dict-score"]').dataset.state === "done"`)
			if n := tb.evalString(`document.querySelector("#dict-score-result .dict-scored").dataset.total`); n == "" || n == "0" {
				t.Fatalf("scored %q texts", n)
			}
			if rows := tb.eval(`document.querySelectorAll("#dict-score-result .dict-rows tbody tr").length`); rows.(float64) != 10 {
				t.Errorf("%v rows shown, want 10", rows)
			}
			means := tb.evalString(`document.querySelector("#dict-score-result .dict-means tbody").textContent`)
			if !strings.Contains(means, "Democratic") || !strings.Contains(means, "Republican") {
				t.Errorf("means per label: %q", means)
			}
			// The labels are not sentiments: the default rule (no neutral
			// label, so two sides at 0) says which outcomes have no label.
			tb.waitFor(`document.querySelector("#dict-mapping .dict-unmapped")?.textContent.includes("compound ≥ 0")`)
			if neutral := tb.eval(`document.getElementById("dict-rule-neutral").checked`); neutral != false {
				t.Errorf("neutral band %v by default on a file without a neutral label", neutral)
			}
			// Rule: compound ≥ 0 → Democratic, otherwise Republican.
			tb.eval(`(() => {
				const set = (outcome, label) => { const s = document.querySelector('#dict-mapping select[data-outcome="' + outcome + '"]'); s.value = label; s.dispatchEvent(new Event("change")); };
				set("above", "Democratic"); set("below", "Republican");
				return true })()`)
			tb.click("#dict-evaluate")
			tb.waitFor(`document.querySelector("#dict-eval-result .dict-eval") !== null`)
			method := tb.evalString(`document.querySelector("#dict-eval-result .dict-method strong").textContent`)
			if method != "VADER compound ≥ 0" {
				t.Errorf("method %q", method)
			}
			if n := tb.eval(`document.querySelectorAll("#dict-eval-result svg.heatmap-svg").length`); n.(float64) != 1 {
				t.Errorf("%v confusion matrices", n)
			}
			if size.name == "mobile" {
				if w := tb.eval(`document.documentElement.scrollWidth`); w.(float64) > 390 {
					t.Errorf("page is %v px wide on a 390 px screen", w)
				}
			}
			before := tb.eval(`import("./static/store.js").then(m => m.listRuns()).then(r => r.length)`).(float64)
			tb.click("#dict-add-board")
			tb.waitFor(`document.getElementById("dict-board-msg").textContent.startsWith("Added")`)
			run := tb.evalString(`import("./static/store.js").then(m => m.listRuns()).then(r => JSON.stringify(r[r.length - 1]))`)
			after := tb.eval(`import("./static/store.js").then(m => m.listRuns()).then(r => r.length)`).(float64)
			if after != before+1 || !strings.Contains(run, `"method":"VADER compound ≥ 0"`) || !strings.Contains(run, `"dataset":"sotu-party.csv"`) || !strings.Contains(run, `"accuracy":`) {
				t.Errorf("board %v → %v runs, last %s", before, after, run)
			}
			tb.eval(`window.scrollTo(0, 0)`)
			tb.screenshot(size.name + "-dictionary-evaluate")

			// The rule survives a reload, its threshold shown as set.
			tb.eval(`(() => { const th = document.getElementById("dict-rule-threshold"); th.value = "0.3"; th.dispatchEvent(new Event("input", {bubbles: true})); return true })()`)
			tb.waitFor(`import("./static/store.js").then(m => m.get("dictionary.rules")).then(r => r?.VADER?.threshold === 0.3)`)
			if err := chromedp.Do(tb.ctx, chromedp.Navigate(app+"#dictionary")); err != nil {
				t.Fatal(err)
			}
			tb.waitFor(`document.getElementById("dictionary").dataset.ready === "true"`)
			if neutral := tb.eval(`document.getElementById("dict-rule-neutral").checked`); neutral != false {
				t.Errorf("after reload the neutral band is %v", neutral)
			}
			if th := tb.evalString(`document.getElementById("dict-rule-threshold").value`); th != "0.3" {
				t.Errorf("after reload the threshold shows %q, want the 0.3 that was set", th)
			}

			// The engine fits the rule form to the dictionary: Bing offers
			// share and majority; back on VADER the saved rule returns.
			ruleForm := `(() => { const k = document.getElementById("dict-rule-kind"); return [k.value,
				[...k.options].filter(o => o.disabled).map(o => o.value).join("+"),
				[...document.querySelectorAll(".dict-rule .dict-field[id]")].filter(f => !f.hidden).map(f => f.id).join("+"),
				document.getElementById("dict-rule-neutral").checked].join(" ") })()`
			tb.click(`input[name="dict-source"][value="bing"]`)
			tb.waitFor(`document.getElementById("dictionary").dataset.dictionary === "Bing opinion lexicon"`)
			tb.waitFor(`document.getElementById("dict-rule-kind").value === "majority"`)
			if got := tb.evalString(ruleForm); got != "majority compound+score  false" {
				t.Errorf("Bing rule form: %q", got)
			}
			tb.click(`input[name="dict-source"][value="vader"]`)
			tb.waitFor(`document.getElementById("dictionary").dataset.dictionary === "VADER"`)
			tb.waitFor(`document.getElementById("dict-rule-kind").value === "compound"`)
			if got := tb.evalString(ruleForm); got != "compound share+score+majority dict-rule-threshold-field+dict-rule-neutral-field false" {
				t.Errorf("VADER rule form: %q", got)
			}
		})
	}
}

// dictMoods are short texts with a neutral label: a third of them have no
// sentiment word at all.
var dictMoods = [][2]string{
	{"I love this wonderful film", "positive"}, {"great acting and a happy ending", "positive"},
	{"what a fantastic day", "positive"}, {"good food and nice people", "positive"},
	{"I hate this awful film", "negative"}, {"terrible acting and a sad ending", "negative"},
	{"what a horrible day", "negative"}, {"bad food and rude people", "negative"},
	{"the film starts at eight", "neutral"}, {"the table is made of wood", "neutral"},
	{"we took the train to work", "neutral"}, {"it was a Tuesday", "neutral"},
}

// dictLoadData loads a labeled CSV on the Data page and comes back to the
// dictionary page.
func dictLoadData(t *testing.T, tb *tab, name string, rows [][2]string) {
	t.Helper()
	content := "text,label\n"
	for _, r := range rows {
		content += r[0] + "," + r[1] + "\n"
	}
	tb.click(`nav.tabs a[data-tab="data"]`)
	tb.waitFor(`!document.getElementById("data").hidden`)
	dataUpload(tb, dataFile(t, name, content))
	dataWaitLoaded(tb, name)
	tb.click(`nav.tabs a[data-tab="dictionary"]`)
	tb.waitFor(`!document.getElementById("dictionary").hidden`)
}

// dictRuleForm describes the rule form: kind, threshold, band, and each
// outcome's label ("above=positive ...").
const dictRuleForm = `(() => [document.getElementById("dict-rule-kind").value,
	document.getElementById("dict-rule-threshold-field").hidden ? "-" : document.getElementById("dict-rule-threshold").value,
	document.getElementById("dict-rule-neutral-field").hidden ? "-" : String(document.getElementById("dict-rule-neutral").checked),
	...[...document.querySelectorAll("#dict-mapping select")].map(s => s.dataset.outcome + "=" + s.value)].join(" "))()`

// dictChoose makes a built-in dictionary the active one.
func dictChoose(tb *tab, source, name string) {
	tb.t.Helper()
	tb.click(`input[name="dict-source"][value="` + source + `"]`)
	tb.waitFor(`document.getElementById("dictionary").dataset.dictionary === "` + name + `"`)
}

// The default rule fits the data set's labels, and shows its mapping before
// scoring: with a neutral label, texts without a sentiment word are
// predicted neutral (not "no label", always wrong); without one, they get
// the positive side of a split at 0.
func TestDictionaryDefaultsFollowLabels(t *testing.T) {
	tb, _ := openDictionary(t, 1280, 800)
	dictLoadData(t, tb, "moods.csv", dictMoods)
	steps := []struct{ source, name, want string }{
		{"vader", "VADER", "compound 0.05 true above=positive below=negative neutral=neutral"},
		{"afinn", "AFINN-111", "score 1 true above=positive below=negative neutral=neutral"},
		{"bing", "Bing opinion lexicon", "majority - - negative=negative positive=positive no match=neutral"},
		{"afinn", "AFINN-111", "score 1 true above=positive below=negative neutral=neutral"},
	}
	for _, st := range steps {
		dictChoose(tb, st.source, st.name)
		tb.waitFor(dictRuleForm + ` === ` + fmt.Sprintf("%q", st.want))
	}
	if n := tb.eval(`document.querySelectorAll("#dict-mapping .dict-unmapped").length`); n.(float64) != 0 {
		t.Errorf("an outcome without a label by default")
	}

	// AFINN's default on these texts: the page computes what core/lexicon
	// computes for the same default rule, and predicts no label outside
	// the data set's.
	texts, gold := make([]string, len(dictMoods)), make([]string, len(dictMoods))
	for i, r := range dictMoods {
		texts[i], gold[i] = r[0], r[1]
	}
	labels := []string{"negative", "neutral", "positive"}
	scored, err := lexicon.ScoreTexts(context.Background(), lexicon.AFINN(), texts, nil)
	if err != nil {
		t.Fatal(err)
	}
	want, err := lexicon.Evaluate(scored, gold, lexicon.DefaultSettings(lexicon.AFINN(), labels).GuessLabels(lexicon.AFINN(), labels))
	if err != nil {
		t.Fatal(err)
	}
	tb.click(`[data-job="dict-score"] [data-action="start"]`)
	tb.waitFor(`document.querySelector('[data-job="dict-score"]').dataset.state === "done" && !document.getElementById("dict-evaluate").disabled`)
	tb.click("#dict-evaluate")
	tb.waitFor(`document.querySelector("#dict-eval-result .dict-eval") !== null`)
	acc := tb.evalString(`document.querySelector("#dict-eval-result .dict-eval").dataset.accuracy`)
	t.Logf("AFINN default on moods.csv: %s, accuracy %s", want.Rule.Kind, acc)
	if w := fmt.Sprintf("%.4f", want.Report.Accuracy); acc != w || want.Report.Accuracy < 0.9 {
		t.Errorf("AFINN default accuracy %s, want %s (at least 0.9)", acc, w)
	}
	if n := tb.eval(`[...document.querySelectorAll("#dict-eval-result .dict-report tbody th")].filter(th => th.textContent.includes("predicted only")).length`); n.(float64) != 0 {
		t.Errorf("the default rule predicts labels the data set does not have")
	}
	tb.screenshot("desktop-dictionary-defaults")

	// Two labels, no neutral: the defaults follow the new data set.
	var twoLabels [][2]string
	for _, r := range dictMoods {
		if r[1] != "neutral" {
			twoLabels = append(twoLabels, r)
		}
	}
	twoLabels = append(twoLabels, [2]string{"the film starts at eight", "negative"}, [2]string{"we took the train", "positive"})
	dictLoadData(t, tb, "two.csv", twoLabels)
	tb.waitFor(dictRuleForm + ` === "score 0 false above=positive below=negative"`)
	for _, st := range []struct{ source, name, want string }{
		{"bing", "Bing opinion lexicon", "majority - - negative=negative positive=positive no match=positive"},
		{"vader", "VADER", "compound 0 false above=positive below=negative"},
	} {
		dictChoose(tb, st.source, st.name)
		tb.waitFor(dictRuleForm + ` === ` + fmt.Sprintf("%q", st.want))
	}
}
