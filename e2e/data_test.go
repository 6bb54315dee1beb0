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
