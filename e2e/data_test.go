//go:build browser

package e2e

import (
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// dataFile writes content to a file called name in a temporary folder and
// returns its path.
func dataFile(t *testing.T, name, content string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// dataUpload gives the Data page's file input a file, as a user picking it.
func dataUpload(tb *tab, path string) {
	tb.t.Helper()
	if err := chromedp.Do(tb.ctx, chromedp.SetUploadFiles(chromedp.CSS("#data-file"), []string{path})); err != nil {
		tb.t.Fatalf("uploading %s: %v", path, err)
	}
}

// dataWaitLoaded waits until the page shows the data set called name.
func dataWaitLoaded(tb *tab, name string) {
	tb.t.Helper()
	tb.waitFor(`document.getElementById("data").dataset.loaded === ` + strconv.Quote(name) + ` && document.getElementById("data-progress").hidden`)
}

// dataCount reads one of the report's counts (read, usable, unusable, ...).
func dataCount(tb *tab, which string) int {
	tb.t.Helper()
	s := tb.evalString(`document.querySelector('#data-result [data-count="` + which + `"]')?.textContent ?? ""`)
	n, err := strconv.Atoi(strings.ReplaceAll(s, ",", ""))
	if err != nil {
		tb.t.Fatalf("count %s = %q", which, s)
	}
	return n
}

// dataGood is a small valid file with one unusable row and a duplicate.
const dataGood = "id,text,label,speaker\n" +
	"1,The service was quick and friendly,pos,ann\n" +
	"2,Cold food and a long wait,neg,bob\n" +
	"3,,neg,bob\n" +
	"4,Lovely garden and kind staff,pos,cy\n" +
	"5,Cold food and a long wait,neg,ann\n" +
	"6,Never again,neg,cy\n"

func TestDataSample(t *testing.T) {
	app := startApp(t)
	tb := openTab(t, app, 1280, 800)
	tb.open(app)
	tb.click(`#data [data-sample="sotu-party.csv"]`)
	dataWaitLoaded(tb, "sotu-party.csv")

	if got := dataCount(tb, "read"); got != 4000 {
		t.Errorf("rows read = %d, want 4000", got)
	}
	if got := dataCount(tb, "usable"); got != 4000 {
		t.Errorf("rows usable = %d, want 4000", got)
	}
	// The engine's guess is pre-selected.
	cols := tb.evalString(`["text","label","id","group"].map(n => document.querySelector("#data-columns [name=" + n + "]").value).join("|")`)
	if cols != "text|label|id|president" {
		t.Errorf("columns = %q, want text|label|id|president", cols)
	}
	bars := tb.evalString(`document.querySelector("#data-result .bar-chart svg")?.textContent ?? ""`)
	for _, want := range []string{"Republican", "2372", "Democratic", "1628"} {
		if !strings.Contains(bars, want) {
			t.Errorf("bar chart %q lacks %q", bars, want)
		}
	}
	if n := tb.eval(`document.querySelectorAll("#data-result .histogram svg rect").length`); n.(float64) < 3 {
		t.Errorf("histogram has %v bars", n)
	}
	if n := tb.eval(`document.querySelectorAll("#data-sample tbody tr").length`); n.(float64) != 10 {
		t.Errorf("sample shows %v rows, want 10", n)
	}
	tb.click(`#data-sample button[data-sample-offset="10"]`)
	tb.waitFor(`document.querySelector("#data-sample .pager span").textContent.includes("rows 11–20 of 4,000")`)
	tb.screenshot("desktop-data-sample")

	// The other sample replaces it.
	tb.click(`#data [data-sample="spam-assassin.csv"]`)
	dataWaitLoaded(tb, "spam-assassin.csv")
	if got := dataCount(tb, "usable"); got != 3000 {
		t.Errorf("spam rows usable = %d, want 3000", got)
	}
}

func TestDataMobile(t *testing.T) {
	app := startApp(t)
	tb := openTab(t, app, 390, 844)
	tb.open(app)
	tb.click(`#data [data-sample="spam-assassin.csv"]`)
	dataWaitLoaded(tb, "spam-assassin.csv")
	if w := tb.eval(`document.documentElement.scrollWidth`); w.(float64) > 390 {
		t.Errorf("data page is %v px wide on a 390 px screen", w)
	}
	tb.screenshot("mobile-data-loaded")
	dataUpload(tb, dataFile(t, "good.csv", dataGood))
	dataWaitLoaded(tb, "good.csv")
	if w := tb.eval(`document.documentElement.scrollWidth`); w.(float64) > 390 {
		t.Errorf("data page is %v px wide on a 390 px screen", w)
	}
	tb.screenshot("mobile-data-small")
}

func TestDataEscapesCells(t *testing.T) {
	app := startApp(t)
	tb := openTab(t, app, 1280, 800)
	tb.open(app)
	csv := "text,label\n" +
		"\"<script>window.__pwned = 1</script>hello\",a\n" +
		"\"<img src=x onerror=\"\"window.__pwned = 2\"\">\",b\n" +
		"plain,a\n" +
		"other,b\n"
	dataUpload(tb, dataFile(t, "xss<b>.csv", csv))
	dataWaitLoaded(tb, "xss<b>.csv")
	if n := tb.eval(`document.querySelectorAll("img[src=x], #data-result script, #data b").length`); n.(float64) != 0 {
		t.Errorf("%v elements were created from cell text", n)
	}
	if v := tb.eval(`typeof window.__pwned`); v != "undefined" {
		t.Errorf("window.__pwned is %v: a cell was executed", v)
	}
	text := tb.evalString(`document.getElementById("data-sample").textContent`)
	for _, want := range []string{"<script>window.__pwned = 1</script>hello", `<img src=x onerror="window.__pwned = 2">`} {
		if !strings.Contains(text, want) {
			t.Errorf("sample %q does not show %q as text", text, want)
		}
	}
	if name := tb.evalString(`document.getElementById("data-name").textContent`); name != "xss<b>.csv" {
		t.Errorf("file name shown as %q", name)
	}
}

func TestDataBadFiles(t *testing.T) {
	app := startApp(t)
	tb := openTab(t, app, 1280, 800)
	tb.open(app)
	dataUpload(tb, dataFile(t, "good.csv", dataGood))
	dataWaitLoaded(tb, "good.csv")
	if got := dataCount(tb, "unusable"); got != 1 {
		t.Errorf("unusable = %d, want 1", got)
	}
	if got := tb.evalString(`document.querySelector("#data-problems td")?.textContent`); got != "4" {
		t.Errorf("first unusable line = %q, want 4", got)
	}
	if got := dataCount(tb, "duplicates"); got != 1 {
		t.Errorf("duplicates = %d, want 1", got)
	}

	// A 200 MB file is rejected by its size, before the page reads it.
	big := filepath.Join(t.TempDir(), "huge.csv")
	if f, err := os.Create(big); err != nil {
		t.Fatal(err)
	} else {
		if err := f.Truncate(200_000_000); err != nil {
			t.Fatal(err)
		}
		f.Close()
	}
	tb.eval(`(() => {
		window.__readBytes = 0;
		for (const proto of [Blob.prototype, File.prototype]) {
			const orig = proto.arrayBuffer;
			proto.arrayBuffer = function () { window.__readBytes += this.size; return orig.call(this); };
		}
		return true;
	})()`)

	var labels5000, wide strings.Builder
	labels5000.WriteString("text,label\n")
	for i := range 5000 {
		fmt.Fprintf(&labels5000, "text number %d,label%d\n", i, i)
	}
	wide.WriteString("text,label\nfirst,a\n")
	wide.WriteString(strings.Repeat("x,", 9999) + "y\n")

	tests := []struct {
		name, file, content string
		path                string // instead of content
		want                []string
	}{
		{"empty", "empty.csv", "", "", []string{"empty.csv", "the file is empty"}},
		{"header only", "header.csv", "text,label\n", "", []string{"header.csv", "no rows"}},
		{"one class", "one.csv", "text,label\nyes,spam\nno,spam\n", "", []string{"only one class", "pick another column"}},
		{"binary", "picture.csv", "\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x01\x00\x00\x00\x01\x00\x08\x06\x00\x00\x00\x5c\x72\xa8\x66\x00\x00\x00\x00", "", []string{"binary file", "export the data as CSV"}},
		{"200 MB", "huge.csv", "", big, []string{"huge.csv", "200 MB", "at most 100 MB"}},
		{"5000 labels", "labels.csv", labels5000.String(), "", []string{"5,000 distinct values", "pick another column"}},
		{"10000 columns", "wide.csv", wide.String(), "", []string{"line 3", "10,000 fields", "delimiter"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			tb.eval(`(() => { const e = document.getElementById("data-error"); e.hidden = true; e.textContent = ""; return true })()`)
			path := tc.path
			if path == "" {
				path = dataFile(t, tc.file, tc.content)
			}
			dataUpload(tb, path)
			tb.waitFor(`!document.getElementById("data-error").hidden && document.getElementById("data-progress").hidden`)
			msg := tb.evalString(`document.getElementById("data-error").textContent`)
			for _, want := range append(tc.want, "good.csv) is still loaded") {
				if !strings.Contains(msg, want) {
					t.Errorf("message %q lacks %q", msg, want)
				}
			}
			// The data set loaded before is still shown and still in the engine.
			if loaded := tb.evalString(`document.getElementById("data").dataset.loaded`); loaded != "good.csv" {
				t.Errorf("loaded data set is %q", loaded)
			}
			if got := dataCount(tb, "usable"); got != 5 {
				t.Errorf("usable = %d after the bad file, want 5", got)
			}
			if got := tb.evalString(`textlab.engine.call("data.browse", {offset: 0}).then(f => f.html.includes("Never again") ? "ok" : f.html)`); got != "ok" {
				t.Errorf("the engine no longer holds good.csv: %s", got)
			}
		})
		if tc.name == "binary" {
			tb.screenshot("desktop-data-error")
		}
	}
	if n := tb.eval(`window.__readBytes`); n.(float64) >= 100_000_000 {
		t.Errorf("the page read %v bytes: the 200 MB file was read before its size was checked", n)
	}

	// Mixed line endings are not an error: every row is read, with its
	// physical line number.
	dataUpload(tb, dataFile(t, "mixed.csv", "text,label\r\nfirst,a\nsecond,b\r\n,a\rfourth,b\n"))
	dataWaitLoaded(tb, "mixed.csv")
	if got := dataCount(tb, "read"); got != 4 {
		t.Errorf("mixed line endings: rows read = %d, want 4", got)
	}
	if got := tb.evalString(`document.querySelector("#data-problems td")?.textContent`); got != "4" {
		t.Errorf("mixed line endings: unusable line = %q, want 4", got)
	}
}

func TestDataWindows1252Warning(t *testing.T) {
	app := startApp(t)
	tb := openTab(t, app, 1280, 800)
	tb.open(app)
	dataUpload(tb, dataFile(t, "latin.csv", "text,label\ncaf\xe9 cr\xe8me,a\nna\xefve \x93quote\x94,b\n"))
	dataWaitLoaded(tb, "latin.csv")
	warn := tb.evalString(`document.querySelector("#data-result .data-warnings")?.innerText ?? ""`)
	if !strings.Contains(warn, "Windows-1252") {
		t.Errorf("encoding warning not shown: %q", warn)
	}
	if text := tb.evalString(`document.getElementById("data-sample").textContent`); !strings.Contains(text, "café crème") || !strings.Contains(text, "naïve “quote”") {
		t.Errorf("sample text %q", text)
	}
}

// TestDataNULByte: a stray NUL byte in one row (scraped text often has
// them) does not reject the file: the data set loads with the byte removed,
// and the report's warnings name the line.
func TestDataNULByte(t *testing.T) {
	app := startApp(t)
	tb := openTab(t, app, 1280, 800)
	tb.open(app)
	csv := "text,label\nfirst row,a\nsecond row,b\nscraped\x00 text,a\nfourth row,b\n"
	dataUpload(tb, dataFile(t, "nul.csv", csv))
	dataWaitLoaded(tb, "nul.csv")
	if got := dataCount(tb, "usable"); got != 4 {
		t.Errorf("rows usable = %d, want 4", got)
	}
	warn := tb.evalString(`document.querySelector("#data-result .data-warnings")?.innerText ?? ""`)
	if !strings.Contains(warn, "removed from 1 line: 4") {
		t.Errorf("warnings %q do not name line 4", warn)
	}
	if text := tb.evalString(`document.getElementById("data-sample").textContent`); !strings.Contains(text, "scraped text") {
		t.Errorf("sample text %q lacks the cleaned row", text)
	}
}

func TestDataReloadRestores(t *testing.T) {
	app := startApp(t)
	tb := openTab(t, app, 1280, 800)
	tb.open(app)
	dataUpload(tb, dataFile(t, "good.csv", dataGood))
	dataWaitLoaded(tb, "good.csv")
	if g := tb.evalString(`document.querySelector("#data-columns [name=group]").value`); g != "speaker" {
		t.Errorf("group pre-selected as %q, want the guess speaker", g)
	}
	// Choose no group column: the file is validated again without re-sending it.
	version := tb.evalString(`document.getElementById("data").dataset.version`)
	tb.eval(`(() => { const s = document.querySelector("#data-columns [name=group]"); s.value = ""; s.dispatchEvent(new Event("change", {bubbles: true})); return true })()`)
	tb.waitFor(`document.getElementById("data").dataset.version !== ` + strconv.Quote(version))
	if h := tb.evalString(`document.querySelector("#data-sample thead").textContent`); strings.Contains(h, "speaker") {
		t.Errorf("sample header %q still has the group column", h)
	}
	// A column choice that cannot work is refused and the old one stays.
	tb.eval(`(() => { const s = document.querySelector("#data-columns [name=label]"); s.value = "text"; s.dispatchEvent(new Event("change", {bubbles: true})); return true })()`)
	tb.waitFor(`!document.getElementById("data-error").hidden`)
	if l := tb.evalString(`document.querySelector("#data-columns [name=label]").value`); l != "label" {
		t.Errorf("label column after a refused choice = %q", l)
	}

	if err := chromedp.Do(tb.ctx, chromedp.Reload()); err != nil {
		t.Fatal(err)
	}
	tb.waitFor(`document.body.dataset.engine === "ready"`)
	dataWaitLoaded(tb, "good.csv")
	if g := tb.evalString(`document.querySelector("#data-columns [name=group]").value`); g != "" {
		t.Errorf("after reload the group column is %q, want none (the saved choice)", g)
	}
	if got := dataCount(tb, "usable"); got != 5 {
		t.Errorf("after reload usable = %d", got)
	}

	// Clear data forgets it, also after a reload.
	tb.click("#data-clear")
	tb.waitFor(`document.getElementById("data-loaded").hidden && !document.getElementById("data").dataset.loaded`)
	if err := chromedp.Do(tb.ctx, chromedp.Reload()); err != nil {
		t.Fatal(err)
	}
	tb.waitFor(`document.body.dataset.engine === "ready"`)
	if v := tb.eval(`document.getElementById("data-loaded").hidden && !document.getElementById("data").dataset.loaded`); v != true {
		t.Errorf("data still shown after Clear data and reload")
	}
}

// dataSelect picks a column in one of the Data page's pickers, as a user.
func dataSelect(tb *tab, role, column string) {
	tb.t.Helper()
	tb.eval(`(() => { const s = document.querySelector("#data-columns [name=` + role + `]"); s.value = ` + strconv.Quote(column) + `; s.dispatchEvent(new Event("change", {bubbles: true})); return true })()`)
}

// dataBarLabels lists the class labels of the bar chart, top to bottom.
const dataBarLabels = `[...document.querySelectorAll("#data-result .bar-chart svg g")].map(g => g.querySelector("svg.bar-label text").textContent).join("|")`

// Numeric labels are listed by value (1, 2, 10, 100), not as strings
// (1, 10, 100, 2); other labels in natural order.
func TestDataNumericLabelOrder(t *testing.T) {
	app := startApp(t)
	tb := openTab(t, app, 1280, 800)
	tb.open(app)
	var b strings.Builder
	b.WriteString("text,stars,item\n")
	for _, l := range []string{"100", "10", "2", "1"} {
		for i := range 3 {
			fmt.Fprintf(&b, "text %d rated %s,%s,item %s\n", i, l, l, l)
		}
	}
	dataUpload(tb, dataFile(t, "stars.csv", b.String()))
	dataWaitLoaded(tb, "stars.csv")
	if got := tb.evalString(dataBarLabels); got != "1|2|10|100" {
		t.Errorf("bar chart order %q, want 1|2|10|100", got)
	}
	// The column pickers come from the engine (templ), the file's columns
	// in each, the guess selected.
	if got := tb.evalString(`[...document.querySelectorAll("#data-column-pickers select[name=label] option")].map(o => o.value + (o.selected ? "*" : "")).join(",")`); got != "text,stars*,item" {
		t.Errorf("label picker %q, want text,stars*,item", got)
	}
	if got := tb.evalString(`[...document.querySelectorAll("#data-column-pickers select[name=id] option")].map(o => o.value).join(",")`); got != ",text,stars,item" {
		t.Errorf("id picker %q, want (none),text,stars,item", got)
	}
	dataSelect(tb, "label", "item")
	tb.waitFor(`document.querySelector("#data-columns [name=label]").value === "item" && document.querySelector("#data-result .bar-chart svg")?.getAttribute("aria-label").includes("4 classes")`)
	tb.waitFor(dataBarLabels + ` === "item 1|item 2|item 10|item 100"`)
}

// A long class label stays inside the chart, cut with an ellipsis, on a
// desktop and on a phone; the tooltip has it in full.
func TestDataLongLabelNotClipped(t *testing.T) {
	long := "A remarkably long class label that no chart column could hold"
	for _, size := range layoutSizes {
		t.Run(size.name, func(t *testing.T) {
			app := startApp(t)
			tb := openTab(t, app, size.width, size.height)
			tb.open(app)
			content := "text,label\n"
			for i := range 4 {
				content += fmt.Sprintf("text %d,%s\ntext %d b,short\nanother %d,WWWWWWWWWWWWWWWWWWWWWWWWWWWW\n", i, long, i, i)
			}
			dataUpload(tb, dataFile(t, "long.csv", content))
			dataWaitLoaded(tb, "long.csv")
			outside := tb.evalString(`(() => {
				const svg = document.querySelector("#data-result .bar-chart svg"), box = svg.getBoundingClientRect();
				return [...svg.querySelectorAll("text")].filter(t => { const r = t.getBoundingClientRect();
					return r.left < box.left - 0.5 || r.right > box.right + 0.5 || r.top < box.top - 0.5 || r.bottom > box.bottom + 0.5 }).map(t => t.textContent).join("|") })()`)
			if outside != "" {
				t.Errorf("chart texts outside the chart: %q", outside)
			}
			// The labels do not run into their bars either: the long label
			// fits its column, and every label is clipped to it.
			overlap := tb.evalString(`[...document.querySelectorAll("#data-result .bar-chart svg g")].filter(g => {
				const bar = g.querySelector("rect").getBoundingClientRect().left + 0.5;
				return +g.querySelector("svg.bar-label").getAttribute("width") > +g.querySelector("rect").getAttribute("x") ||
					(!g.textContent.includes("WWW") && g.querySelector("text").getBoundingClientRect().right > bar) }).map(g => g.querySelector("text").textContent).join("|")`)
			if overlap != "" {
				t.Errorf("labels overlapping their bars: %q", overlap)
			}
			labels := tb.evalString(dataBarLabels)
			if !strings.Contains(labels, "A remarkably long") || !strings.Contains(labels, "…") {
				t.Errorf("bar labels %q: the long label is not shown cut with an ellipsis", labels)
			}
			if title := tb.evalString(`[...document.querySelectorAll("#data-result .bar-chart svg g title")].map(t => t.textContent).join("|")`); !strings.Contains(title, long+": 4") {
				t.Errorf("bar tooltips %q lack the full label", title)
			}
			tb.screenshot(size.name + "-data-long-label")
		})
	}
}

// An id column chosen as the label gets an alert (not a note) that says
// what to do, with a button for each column that looks like a label.
func TestDataManyLabelsAlert(t *testing.T) {
	app := startApp(t)
	tb := openTab(t, app, 1280, 800)
	tb.open(app)
	var b strings.Builder
	b.WriteString("doc,text,sentiment\n")
	for i := range 300 {
		fmt.Fprintf(&b, "d%d,text number %d,%s\n", i+1, i, []string{"negative", "neutral", "positive"}[i%3])
	}
	dataUpload(tb, dataFile(t, "ids.csv", b.String()))
	dataWaitLoaded(tb, "ids.csv")
	if n := tb.eval(`document.querySelectorAll("#data-result .data-alert").length`); n.(float64) != 0 {
		t.Errorf("an alert for a good label column")
	}
	version := tb.evalString(`document.getElementById("data").dataset.version`)
	dataSelect(tb, "label", "doc")
	tb.waitFor(`document.getElementById("data").dataset.version !== ` + strconv.Quote(version))
	alert := tb.evalString(`document.querySelector('#data-result .data-alert[role="alert"]')?.innerText ?? ""`)
	for _, want := range []string{"Is “doc” really the label column?", "300 different labels in 300 rows", "Choose another label column", "Use “sentiment” as the label"} {
		if !strings.Contains(alert, want) {
			t.Errorf("alert %q lacks %q", alert, want)
		}
	}
	// It comes before the report, and the rare-label list stays short.
	if first := tb.evalString(`document.querySelector("#data-result .data-result").firstElementChild.className`); first != "data-alert" {
		t.Errorf("the first thing in the result is %q, not the alert", first)
	}
	if n := tb.eval(`document.querySelectorAll("#data-result .data-rare li").length`); n.(float64) > 20 {
		t.Errorf("%v rare labels listed", n)
	}
	tb.screenshot("desktop-data-many-labels")
	tb.click(`#data-result button[data-label-column="sentiment"]`)
	tb.waitFor(`document.querySelector("#data-columns [name=label]").value === "sentiment" && document.querySelector("#data-result .data-alert") === null`)
	if got := tb.evalString(dataBarLabels); got != "negative|neutral|positive" {
		t.Errorf("after choosing sentiment the classes are %q", got)
	}
}
