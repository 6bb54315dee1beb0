//go:build browser

package e2e

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// agrValue is the JS expression for a statistic's value on the agreement page.
func agrValue(stat string) string {
	return `(document.querySelector('#agreement-results [data-stat="` + stat + `"] .agr-value')?.dataset.value ?? "")`
}

// agrUpload writes content to a file called name and uploads it with the
// page's file picker.
func agrUpload(t *testing.T, tb *tab, name, content string) {
	t.Helper()
	path := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := chromedp.Do(tb.ctx, chromedp.SetUploadFiles(chromedp.CSS("#agreement-file"), []string{path})); err != nil {
		t.Fatalf("uploading %s: %v", name, err)
	}
}

// agrSelect picks a value in a select of the page and fires its change event.
func agrSelect(tb *tab, id, value string) {
	tb.t.Helper()
	tb.eval(`(() => { const s = document.getElementById("` + id + `"); s.value = "` + value + `"; s.dispatchEvent(new Event("change", {bubbles: true})); return true })()`)
}

// agrText is the visible text of the agreement results.
func agrText(tb *tab) string {
	return tb.evalString(`document.getElementById("agreement-results").innerText`)
}

// agrOpen opens the agreement page and waits for its engine.
func agrOpen(t *testing.T, width, height int64) (*tab, string) {
	app := startApp(t)
	tb := openTab(t, app, width, height)
	tb.open(app + "#agreement")
	tb.waitFor(`!document.getElementById("agreement").hidden`)
	return tb, app
}

// The worked example of Krippendorff (2011) shows the published alphas:
// 0.743 nominal, 0.849 interval.
func TestAgreementWorkedExample(t *testing.T) {
	tb, _ := agrOpen(t, 1280, 800)
	tb.click("#agreement-example")
	tb.waitFor(agrValue("alpha") + ` === "0.743"`)
	text := agrText(tb)
	for _, want := range []string{
		"Needs exactly two coders; this file has 4",
		"Units with disagreement (3)",
		"Units left out as unpairable (1)",
		"line 13: unit 12 has 1 code",
		"Coincidence matrix",
	} {
		if !strings.Contains(text, want) {
			t.Errorf("results lack %q", want)
		}
	}
	if strings.Contains(text, "NaN") {
		t.Errorf("NaN on screen: %s", text)
	}
	if n := tb.eval(`document.querySelectorAll("#agreement-results svg[role=img] title").length`); n.(float64) < 1 {
		t.Errorf("heatmap has no accessible title")
	}
	if rows := tb.eval(`document.querySelectorAll("#agreement-disagreements tbody tr").length`); rows.(float64) != 3 {
		t.Errorf("disagreement rows = %v, want 3", rows)
	}
	tb.eval(`window.scrollTo(0, 0)`)
	tb.screenshot("agreement-desktop-example")

	agrSelect(tb, "agreement-level", "interval")
	tb.waitFor(agrValue("alpha") + ` === "0.849"`)
	agrSelect(tb, "agreement-level", "ordinal")
	tb.waitFor(agrValue("alpha") + ` === "0.815"`)
	agrSelect(tb, "agreement-level", "ratio")
	tb.waitFor(agrValue("alpha") + ` === "0.797"`)
}

// A two-coder CSV shows Cohen's kappa; a cell with markup is shown as text.
func TestAgreementTwoCoders(t *testing.T) {
	tb, _ := agrOpen(t, 1280, 800)
	agrUpload(t, tb, "two-coders.csv", "id,alice,bob\n1,pos,pos\n2,neg,neg\n3,pos,neg\n4,neu,neu\n5,neg,neg\n6,pos,pos\n7,<img src=x onerror=alert(1)>,pos\n")
	tb.waitFor(agrValue("cohen") + ` !== ""`)
	// sklearn's cohen_kappa_score on the seven pairs.
	if got := tb.evalString(agrValue("cohen")); got != "0.576" {
		t.Errorf("Cohen's kappa = %s, want 0.576", got)
	}
	if n := tb.eval(`document.querySelectorAll("#agreement-results img").length`); n.(float64) != 0 {
		t.Errorf("a CSV cell became an <img> element")
	}
	if text := agrText(tb); !strings.Contains(text, "<img src=x onerror=alert(1)>") {
		t.Errorf("the markup cell is not shown as text: %s", text)
	}
	if s := tb.evalString(`document.getElementById("agreement-file-status").textContent`); !strings.HasPrefix(s, "two-coders.csv: 7 rows") {
		t.Errorf("file status %q", s)
	}
	if coders := tb.evalString(`[...document.querySelectorAll("#agreement-coders input:checked")].map(b => b.value).join(",")`); coders != "alice,bob" {
		t.Errorf("guessed coders %q, want alice,bob (id is the unit column)", coders)
	}
	tb.eval(`window.scrollTo(0, 0)`)
	tb.screenshot("agreement-desktop-two-coders")
	// sklearn: cohen_kappa_score(a, b, weights="quadratic") = 0.1333 (labels in string order).
	agrSelect(tb, "agreement-weights", "quadratic")
	tb.waitFor(agrValue("cohen") + ` === "0.133"`)
	if card := tb.evalString(`document.querySelector('#agreement-results [data-stat="cohen"]').textContent`); !strings.Contains(card, "quadratic") {
		t.Errorf("Cohen card %q does not name the weights", card)
	}
}

// Bad files get a message naming the line; what was loaded before stays.
func TestAgreementBadFiles(t *testing.T) {
	tb, _ := agrOpen(t, 1280, 800)
	tb.click("#agreement-example")
	tb.waitFor(agrValue("alpha") + ` === "0.743"`)
	tests := []struct {
		name, content, level, want string
	}{
		{"one-coder.csv", "id,alice\n1,a\n2,b\n", "", "line 1: pick at least two coder columns"},
		{"empty.csv", "", "", "the file is empty"},
		{"words.csv", "id,a,b\n1,1,2\n2,3,3\n3,2,high\n", "interval", `line 4: unit "3", coder "b": code "high" is not a number`},
		{"ragged.csv", "id,a,b\n1,x,y\n2,x\n", "", "line 3"},
	}
	for _, tc := range tests {
		if tc.level != "" {
			agrSelect(tb, "agreement-level", tc.level)
			tb.waitFor(`document.querySelector("#agreement .agr").dataset.state === "done"`)
		}
		agrUpload(t, tb, tc.name, tc.content)
		tb.waitFor(`document.getElementById("agreement-error").textContent.startsWith("` + tc.name + `: ")`)
		msg := tb.evalString(`document.getElementById("agreement-error").textContent`)
		if !strings.HasPrefix(msg, tc.name+": ") || !strings.Contains(msg, tc.want) {
			t.Errorf("%s: message %q, want %q", tc.name, msg, tc.want)
		}
		if s := tb.evalString(`document.getElementById("agreement-file-status").textContent`); !strings.HasPrefix(s, "Krippendorff (2011) worked example") {
			t.Errorf("%s: the loaded file changed: %q", tc.name, s)
		}
		if v := tb.evalString(agrValue("alpha")); v == "" {
			t.Errorf("%s: the results are gone", tc.name)
		}
	}
	tb.eval(`window.scrollTo(0, 0)`)
	tb.screenshot("agreement-desktop-error")
	// A unit with one code is listed with its line, not hidden.
	agrSelect(tb, "agreement-level", "nominal")
	agrUpload(t, tb, "single.csv", "id,a,b\n1,x,x\n2,y,\n3,y,x\n")
	tb.waitFor(`document.getElementById("agreement-file-status").textContent.startsWith("single.csv")`)
	if s := tb.evalString(`document.getElementById("agreement-file-status").textContent`); !strings.Contains(s, `line 3: unit "2" has only 1 code, so it is left out`) {
		t.Errorf("status %q does not name the unpairable unit", s)
	}
	if !strings.Contains(agrText(tb), "line 3: unit 2 has 1 code") {
		t.Errorf("unpairable unit not listed")
	}
}

// The bootstrap runs with a progress bar, can be cancelled, and then runs
// to the end.
func TestAgreementBootstrap(t *testing.T) {
	tb, _ := agrOpen(t, 1280, 800)
	tb.click("#agreement-example")
	tb.waitFor(agrValue("alpha") + ` === "0.743"`)
	tb.click("#agreement-boot-on")
	tb.waitFor(`!document.getElementById("agreement-boot-fields").hidden`)
	job := `document.querySelector('[data-job="agreement-bootstrap"]')`
	tb.eval(`document.getElementById("agreement-resamples").value = "1000000"`)
	tb.click(`[data-job="agreement-bootstrap"] [data-action="start"]`)
	tb.waitFor(job + `.querySelector("progress").value > 0`)
	if msg := tb.evalString(job + `.querySelector(".job-message").textContent`); !strings.HasPrefix(msg, "resample ") {
		t.Errorf("progress message %q", msg)
	}
	tb.eval(`window.scrollTo(0, 0)`)
	tb.screenshot("agreement-desktop-bootstrap-running")
	tb.click(`[data-job="agreement-bootstrap"] [data-action="cancel"]`)
	tb.waitFor(job + `.dataset.state === "cancelled"`)
	if !tb.eval(`document.getElementById("agreement-error").hidden`).(bool) {
		t.Errorf("cancelling showed an error")
	}

	tb.eval(`document.getElementById("agreement-resamples").value = "2000"`)
	tb.click(`[data-job="agreement-bootstrap"] [data-action="start"]`)
	tb.waitFor(job + `.dataset.state === "done"`)
	iv := tb.evalString(`document.querySelector("#agreement-results .agr-interval")?.textContent ?? ""`)
	if !strings.Contains(iv, "95% interval [") || !strings.Contains(iv, "from 2000 resamples") {
		t.Errorf("interval %q", iv)
	}
}

// The uploaded file and the settings survive a reload.
func TestAgreementReloadRestores(t *testing.T) {
	tb, _ := agrOpen(t, 1280, 800)
	agrUpload(t, tb, "scores.csv", "unit,c1,c2,c3\na,1,2,1\nb,3,3,3\nc,2,2,1\nd,4,4,4\ne,1,1,1\n")
	tb.waitFor(agrValue("alpha") + ` !== ""`)
	agrSelect(tb, "agreement-level", "interval")
	tb.waitFor(`document.getElementById("agreement-level").value === "interval" && document.querySelector("#agreement-results [data-stat=alpha] p.muted")?.textContent.startsWith("interval")`)
	tb.click("#agreement-boot-on")
	tb.eval(`(() => { const s = document.getElementById("agreement-seed"); s.value = "7"; s.dispatchEvent(new Event("change")); return true })()`)
	want := tb.evalString(agrValue("alpha"))
	tb.waitFor(`new Promise(r => setTimeout(() => r(true), 300))`) // let IndexedDB settle

	if err := chromedp.Do(tb.ctx, chromedp.Reload()); err != nil {
		t.Fatal(err)
	}
	tb.waitFor(`document.body.dataset.engine === "ready"`)
	tb.waitFor(agrValue("alpha") + ` !== ""`)
	if got := tb.evalString(agrValue("alpha")); got != want {
		t.Errorf("alpha after reload %s, want %s", got, want)
	}
	checks := map[string]string{
		`document.getElementById("agreement-level").value`:                           "interval",
		`document.getElementById("agreement-file-status").textContent.split(":")[0]`: "scores.csv",
		`String(document.getElementById("agreement-boot-on").checked)`:               "true",
		`document.getElementById("agreement-seed").value`:                            "7",
	}
	for expr, want := range checks {
		if got := tb.evalString(expr); got != want {
			t.Errorf("after reload %s = %q, want %q", expr, got, want)
		}
	}
	// Moving the unit column onto a coder takes it out of the coders.
	agrSelect(tb, "agreement-unit", "c1")
	tb.waitFor(`document.getElementById("agreement-unit").value === "c1" && document.querySelector('#agreement-coders input[value="c1"]').disabled`)
	if coders := tb.evalString(`[...document.querySelectorAll("#agreement-coders input:checked")].map(b => b.value).join(",")`); coders != "c2,c3" {
		t.Errorf("coders after moving the unit %q, want c2,c3", coders)
	}
	// Forgetting the file empties the page, also after a reload.
	tb.click("#agreement-clear")
	tb.waitFor(`document.querySelector("#agreement .agr").dataset.state === "idle"`)
	if err := chromedp.Do(tb.ctx, chromedp.Reload()); err != nil {
		t.Fatal(err)
	}
	tb.waitFor(`document.body.dataset.engine === "ready"`)
	if v := tb.evalString(agrValue("alpha")); v != "" {
		t.Errorf("a forgotten file came back: alpha %s", v)
	}
}

// The page fits a phone screen.
func TestAgreementMobile(t *testing.T) {
	tb, _ := agrOpen(t, 390, 844)
	tb.click("#agreement-example")
	tb.waitFor(agrValue("alpha") + ` === "0.743"`)
	if w := tb.eval(`document.documentElement.scrollWidth`); w.(float64) > 390 {
		t.Errorf("agreement page is %v px wide on a 390 px screen", w)
	}
	tb.eval(`window.scrollTo(0, 0)`)
	tb.screenshot("agreement-mobile-example")
}

// A long file (unit, coder, code) is recognised and its columns picked.
func TestAgreementLongFormat(t *testing.T) {
	tb, _ := agrOpen(t, 1280, 800)
	agrUpload(t, tb, "long.csv", "doc_id,rater,label\nd1,ann,spam\nd1,ben,spam\nd2,ann,ham\nd2,ben,spam\nd3,ann,ham\nd3,ben,ham\nd4,ann,spam\n")
	tb.waitFor(agrValue("cohen") + ` !== ""`)
	checks := map[string]string{
		`document.getElementById("agreement-format").value`:                              "long",
		`document.getElementById("agreement-unit").value`:                                "doc_id",
		`document.getElementById("agreement-coder").value`:                               "rater",
		`document.getElementById("agreement-code").value`:                                "label",
		`String(document.querySelectorAll(".agr-long-only:not([hidden])").length)`:       "2",
		`String(document.querySelector(".agr-wide-only") === null)`:                      "true",
		`document.querySelector("#agreement-results [data-stat=counts] dd").textContent`: "2: ann, ben",
	}
	for expr, want := range checks {
		if got := tb.evalString(expr); got != want {
			t.Errorf("%s = %q, want %q", expr, got, want)
		}
	}
	// d4 has one code: listed as unpairable with its line.
	if text := agrText(tb); !strings.Contains(text, "line 8: unit d4 has 1 code") {
		t.Errorf("unpairable d4 not listed: %s", text)
	}
	// Switching the format shows the other pickers, with the columns the
	// engine fills in; switching back finds the long columns again.
	agrSelect(tb, "agreement-format", "wide")
	tb.waitFor(`document.querySelector("#agreement-coders") !== null && document.querySelector("#agreement .agr").dataset.state === "done"`)
	if coders := tb.evalString(`[...document.querySelectorAll("#agreement-coders input:checked")].map(b => b.value).join(",")`); coders != "rater,label" {
		t.Errorf("wide coders after the switch %q, want rater,label", coders)
	}
	agrSelect(tb, "agreement-format", "long")
	tb.waitFor(`document.getElementById("agreement-coder")?.value === "rater" && document.getElementById("agreement-code")?.value === "label"`)
	if got := tb.evalString(agrValue("cohen")); got == "" {
		t.Errorf("no Cohen's kappa after switching back to long")
	}

	// Dropping a file on the drop zone loads it too.
	tb.eval(`(() => {
		const dt = new DataTransfer();
		dt.items.add(new File(["id,x,y\n1,a,a\n2,b,a\n3,b,b\n"], "dropped.csv", {type: "text/csv"}));
		document.getElementById("agreement-drop").dispatchEvent(new DragEvent("drop", {dataTransfer: dt, bubbles: true, cancelable: true}));
		return true;
	})()`)
	tb.waitFor(`document.getElementById("agreement-file-status").textContent.startsWith("dropped.csv: 3 rows")`)
	if f := tb.evalString(`document.getElementById("agreement-format").value`); f != "wide" {
		t.Errorf("dropped wide file read as %q", f)
	}
}

// 200 units with disagreement are paged (20 at a time), so a phone shows
// a page of bounded height; the pager walks through all of them.
func TestAgreementPagesDisagreements(t *testing.T) {
	var b strings.Builder
	b.WriteString("unit,ann,ben,cy\n")
	for i := range 260 {
		switch {
		case i%13 == 0: // agreement
			fmt.Fprintf(&b, "u%d,yes,yes,yes\n", i+1)
		case i < 210:
			fmt.Fprintf(&b, "u%d,yes,no,yes\n", i+1)
		default: // one code only: unpairable
			fmt.Fprintf(&b, "u%d,no,,\n", i+1)
		}
	}
	tb, _ := agrOpen(t, 390, 844)
	agrUpload(t, tb, "many.csv", b.String())
	tb.waitFor(`document.querySelector("#agreement .agr").dataset.state === "done" && ` + agrValue("alpha") + ` !== ""`)
	title := tb.evalString(`document.getElementById("agreement-disagree-title").textContent`)
	if title != "Units with disagreement (193)" {
		t.Errorf("title %q", title)
	}
	rows := `document.querySelectorAll("#agreement-disagreements tbody tr").length`
	if n := tb.eval(rows); n.(float64) != 20 {
		t.Errorf("%v rows on the first page, want 20", n)
	}
	height := tb.eval(`document.documentElement.scrollHeight`).(float64)
	t.Logf("agreement page with 193 disagreements and 47 unpairable units: %.0f px high at 390x844", height)
	if height > 5000 {
		t.Errorf("the page is %.0f px high on a phone, want at most 5000", height)
	}
	if w := tb.eval(`document.documentElement.scrollWidth`); w.(float64) > 390 {
		t.Errorf("agreement page is %v px wide on a 390 px screen", w)
	}
	tb.screenshot("agreement-mobile-paged")
	pager := `document.querySelector("#agreement-disagree-page .pager span").textContent`
	if p := tb.evalString(pager); p != "units 1–20 of 193" {
		t.Errorf("pager %q", p)
	}
	tb.click(`#agreement-disagree-page button[data-disagree-offset="20"]`)
	tb.waitFor(pager + ` === "units 21–40 of 193"`)
	if first := tb.evalString(`document.querySelector("#agreement-disagreements tbody th").textContent`); first != "u23" {
		t.Errorf("first unit of page 2 is %q, want u23 (the 21st with disagreement)", first)
	}
	if focused := tb.evalString(`document.activeElement.textContent`); focused != "Next" {
		t.Errorf("after Next the focus is on %q", focused)
	}
	for from := 41; from <= 181; from += 20 {
		tb.click(`#agreement-disagree-page .pager button:last-of-type`)
		tb.waitFor(pager + fmt.Sprintf(" === \"units %d–%d of 193\"", from, min(from+19, 193)))
	}
	if disabled := tb.eval(`document.querySelector("#agreement-disagree-page .pager button:last-of-type").disabled`); disabled != true {
		t.Errorf("Next is not disabled on the last page")
	}
	if n := tb.eval(rows); n.(float64) != 13 {
		t.Errorf("%v rows on the last page, want 13", n)
	}
	// The unpairable units are paged the same way.
	up := `document.querySelector("#agreement-unpairable-page .pager span").textContent`
	if p := tb.evalString(up); p != "units 1–20 of 47" {
		t.Errorf("unpairable pager %q", p)
	}
	tb.click(`#agreement-unpairable-page button[data-unpairable-offset="20"]`)
	tb.waitFor(up + ` === "units 21–40 of 47"`)
	if n := tb.eval(`document.querySelectorAll("#agreement-unpairable li").length`); n.(float64) != 20 {
		t.Errorf("%v unpairable units on page 2", n)
	}
}
