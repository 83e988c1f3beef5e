package browsertest

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"
)

// EnvVnuJar names the W3C Nu HTML Checker's vnu.jar (the npm package vnu-jar), which .ci/run
// installs and sets. Unset, the HTML validity check is skipped with a log line, except when CI is
// set, when it fails instead.
const EnvVnuJar = "STARBOARD_VNU_JAR"

// vnuJar returns the checker's jar, or "" after logging why the check is skipped; under CI a
// missing jar fails the test.
func vnuJar(t *testing.T) string {
	t.Helper()
	jar := os.Getenv(EnvVnuJar)
	if jar == "" {
		if os.Getenv("CI") != "" {
			t.Fatalf("%s is unset under CI: the HTML validity check cannot run (.ci/run installs vnu-jar and sets it)", EnvVnuJar)
		}
		if _, logged := vnuSkipLogged.LoadOrStore(t.Name(), true); !logged {
			t.Logf("HTML validity not checked: %s is unset (CI sets it)", EnvVnuJar)
		}
	}
	return jar
}

var vnuSkipLogged sync.Map

// lastDocument is the HTML document a tab loaded last, as the network domain saw its response.
type lastDocument struct {
	mu  sync.Mutex
	id  network.RequestID
	url string
}

type lastDocumentKey struct{}

// see is a chromedp listener that keeps the request of every document response.
func (d *lastDocument) see(ev any) {
	if ev, ok := ev.(*network.EventResponseReceived); ok && ev.Type == network.ResourceTypeDocument {
		d.mu.Lock()
		d.id, d.url = ev.RequestID, ev.Response.URL
		d.mu.Unlock()
	}
}

// keepHTML keeps the bytes the server sent for the open page (before the browser parsed them,
// so a parser error is not hidden by the DOM's re-serialisation), to be validated with every
// other page when the test binary ends.
func keepHTML(t *testing.T, ctx context.Context, label string, res *network.Response) {
	t.Helper()
	if vnuJar(t) == "" {
		return
	}
	doc, _ := ctx.Value(lastDocumentKey{}).(*lastDocument)
	if doc == nil {
		t.Fatal("keepHTML: the tab was not opened by newTab")
	}
	doc.mu.Lock()
	id, url := doc.id, doc.url
	doc.mu.Unlock()
	if url != res.URL {
		t.Fatalf("%s: the last document loaded is %s, not the page checked (%s)", label, url, res.URL)
	}
	body, err := chromedp.Call(ctx, network.GetResponseBody, network.GetResponseBodyParams{RequestID: id})
	if err != nil {
		t.Fatalf("%s: the HTML the server sent: %v", label, err)
	}
	servedHTML.add(t.Name()+" "+label, body.Body)
}

// checkedDoc is one document to validate (a page, a stylesheet or an SVG image), with every label
// it was seen under.
type checkedDoc struct {
	labels []string
	body   []byte
}

// servedHTML is every distinct page the tests of this binary checked.
var servedHTML checkedDocs

type checkedDocs struct {
	mu     sync.Mutex
	byHash map[[32]byte]*checkedDoc
	docs   []*checkedDoc
}

// add keeps body under label, once per distinct body.
func (d *checkedDocs) add(label string, body []byte) {
	sum := sha256.Sum256(body)
	d.mu.Lock()
	defer d.mu.Unlock()
	if doc, ok := d.byHash[sum]; ok {
		doc.labels = append(doc.labels, label)
		return
	}
	if d.byHash == nil {
		d.byHash = map[[32]byte]*checkedDoc{}
	}
	doc := &checkedDoc{labels: []string{label}, body: slices.Clone(body)}
	d.byHash[sum] = doc
	d.docs = append(d.docs, doc)
}

// htmlProblem is one finding of the checker in one document.
type htmlProblem struct {
	Doc          *checkedDoc
	Line, Column int
	Kind         string // "error", "warning", "info" or "fatal" (the checker could not read the file)
	Message      string
	Extract      string
}

// failing tells whether a problem fails the check: errors, and warnings too, since every one the
// checker gives for our pages (a needless role, a section without a heading, a lang that does not
// match the text) names something we can fix, and one left alone hides the next. Plain info
// messages (such as "trailing slash on void elements") are notes on style, not on validity.
func (p htmlProblem) failing() bool { return p.Kind != "info" }

func (p htmlProblem) String() string {
	labels := p.Doc.labels
	more := ""
	if len(labels) > 3 {
		more = fmt.Sprintf(" (and %d more)", len(labels)-3)
		labels = labels[:3]
	}
	return fmt.Sprintf("%s%s, line %d column %d: %s: %s\n\t%s",
		strings.Join(labels, "; "), more, p.Line, p.Column, p.Kind, p.Message, strings.TrimSpace(p.Extract))
}

// vnuMessage is one message of the checker's JSON output (--format json).
type vnuMessage struct {
	Type        string `json:"type"`    // "error", "info" or "non-document-error"
	SubType     string `json:"subType"` // "warning" for a warning; for an error, "fatal" and so on
	URL         string `json:"url"`
	FirstLine   int    `json:"firstLine"` // absent when the message is on one line
	LastLine    int    `json:"lastLine"`
	FirstColumn int    `json:"firstColumn"`
	Message     string `json:"message"`
	Extract     string `json:"extract"`
}

// validate runs the checker once, in one JVM, on documents of one kind ("html", "css" or "svg"),
// and returns its findings, each mapped back to its document. The documents are written to dir as
// 1.html, 2.html... One kind per run: the checker's --also-check-css and --also-check-svg count the
// lines of HTML and SVG from 0 (vnu 26.9.27), so each kind is checked as itself (--html, --css, --svg).
func validate(ctx context.Context, jar, dir, kind string, docs []*checkedDoc) ([]htmlProblem, error) {
	if len(docs) == 0 {
		return nil, nil
	}
	files := make([]string, len(docs))
	byName := make(map[string]*checkedDoc, len(docs))
	for i, doc := range docs {
		name := fmt.Sprintf("%d.%s", i+1, kind)
		files[i] = filepath.Join(dir, name)
		byName[name] = doc
		if err := os.WriteFile(files[i], doc.body, 0o644); err != nil {
			return nil, err
		}
	}
	// A big stack: the schema check recurses deep, and on a busy machine (code still interpreted)
	// the default one overflowed now and then. The quick compiler alone and the serial collector
	// start it in a third of the time on two busy cores. The JSON goes to stderr; --stdout would
	// mix it with the JVM's own complaints.
	args := []string{"-Xss16m", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-jar", jar,
		"--format", "json", "--exit-zero-always", "--" + kind}
	cmd := exec.CommandContext(ctx, "java", append(args, files...)...)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Run(); err != nil {
		return nil, fmt.Errorf("vnu: %w: %s", err, stderr.Bytes())
	}
	return parseVnu(stderr.Bytes(), byName)
}

// parseVnu reads the checker's JSON output and maps each message back to its document by file
// name.
func parseVnu(out []byte, byName map[string]*checkedDoc) ([]htmlProblem, error) {
	var report struct {
		Messages *[]vnuMessage `json:"messages"`
	}
	if err := json.Unmarshal(out, &report); err != nil {
		return nil, fmt.Errorf("vnu output: %w: %.500s", err, out)
	}
	if report.Messages == nil {
		return nil, fmt.Errorf("vnu output has no messages list: %.500s", out)
	}
	var problems []htmlProblem
	for _, m := range *report.Messages {
		doc := byName[path.Base(m.URL)]
		if doc == nil {
			return nil, fmt.Errorf("vnu reports on %q, which is none of the documents: %s", m.URL, m.Message)
		}
		kind := m.Type
		switch {
		case m.Type == "info" && m.SubType == "warning":
			kind = "warning"
		case m.Type == "non-document-error":
			kind = "fatal"
		}
		line := m.FirstLine
		if line == 0 {
			line = m.LastLine
		}
		problems = append(problems, htmlProblem{Doc: doc, Line: line, Column: m.FirstColumn, Kind: kind, Message: m.Message, Extract: m.Extract})
	}
	return problems, nil
}

// checkServedHTML validates every page the tests kept, prints what fails, and tells whether the
// pages are valid. It runs once, from TestMain, after the tests.
func checkServedHTML() bool {
	servedHTML.mu.Lock()
	docs := servedHTML.docs
	servedHTML.mu.Unlock()
	jar := os.Getenv(EnvVnuJar)
	if jar == "" || len(docs) == 0 {
		return true
	}
	dir, err := os.MkdirTemp("", "starboard-html-")
	if err != nil {
		fmt.Println("FAIL: HTML validity:", err)
		return false
	}
	problems, err := validate(context.Background(), jar, dir, "html", docs)
	if err != nil {
		fmt.Println("FAIL: HTML validity:", err)
		return false
	}
	var failing []string
	for _, p := range problems {
		if p.failing() {
			failing = append(failing, p.String())
		}
	}
	if len(failing) == 0 {
		os.RemoveAll(dir)
		fmt.Printf("HTML validity: %d distinct pages valid (W3C Nu HTML Checker)\n", len(docs))
		return true
	}
	fmt.Printf("--- FAIL: HTML validity: %d problems in the HTML the server sent (the pages are kept in %s):\n%s\n",
		len(failing), dir, strings.Join(failing, "\n"))
	return false
}

// TestVnuReportsInvalidHTML holds the validity check's own plumbing: an invalid document's errors
// come back, mapped to it and its line, and a valid one has none; the same for a stylesheet.
func TestVnuReportsInvalidHTML(t *testing.T) {
	t.Parallel()
	jar := vnuJar(t)
	if jar == "" {
		t.Skip()
	}
	const head = "<!doctype html>\n<html lang=\"en\">\n<head><title>t</title></head>\n<body>\n"
	valid := &checkedDoc{labels: []string{"valid"}, body: []byte(head + "<p id=\"a\">fine</p>\n</body>\n</html>\n")}
	invalid := &checkedDoc{labels: []string{"invalid"}, body: []byte(head + "<p id=\"a\">one</p>\n<span><div>block in inline</div></span>\n<p id=\"a\">two</p>\n</body>\n</html>\n")}
	problems, err := validate(t.Context(), jar, t.TempDir(), "html", []*checkedDoc{valid, invalid})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, p := range problems {
		if p.Doc == valid {
			t.Errorf("the valid document has a problem: %s", p)
		}
		if p.failing() {
			got = append(got, fmt.Sprintf("%d %s", p.Line, p.Message))
		}
	}
	want := []string{"6 Element “div” not allowed as child of element “span”", "7 Duplicate ID “a”."}
	for _, w := range want {
		if !slices.ContainsFunc(got, func(g string) bool { return strings.HasPrefix(g, w) }) {
			t.Errorf("vnu did not report %q; it reported:\n%s", w, strings.Join(got, "\n"))
		}
	}

	badCSS := &checkedDoc{labels: []string{"bad css"}, body: []byte("p {\n  colr: red;\n}\n")}
	problems, err = validate(t.Context(), jar, t.TempDir(), "css", []*checkedDoc{badCSS})
	if err != nil {
		t.Fatal(err)
	}
	if len(problems) != 1 || problems[0].Line != 2 || !strings.Contains(problems[0].Message, "colr") {
		t.Errorf("vnu on a stylesheet with an unknown property on line 2: %v", problems)
	}
}

// TestParseVnu holds the reading of the checker's output without the checker.
func TestParseVnu(t *testing.T) {
	t.Parallel()
	a, b := &checkedDoc{labels: []string{"a"}}, &checkedDoc{labels: []string{"b"}}
	byName := map[string]*checkedDoc{"1.html": a, "2.html": b}
	out := []byte(`{"version":"x","messages":[
		{"type":"error","url":"file:/tmp/d/2.html","lastLine":7,"firstColumn":3,"message":"Duplicate ID “a”.","extract":"<p id=a>"},
		{"type":"info","subType":"warning","url":"file:/tmp/d/2.html","lastLine":5,"firstColumn":1,"message":"The first occurrence of ID “a” was here."},
		{"type":"info","url":"file:/tmp/d/1.html","firstLine":2,"lastLine":3,"firstColumn":9,"message":"Trailing slash on void elements has no effect."},
		{"type":"non-document-error","subType":"io","url":"file:/tmp/d/1.html","message":"File not found."}]}`)
	problems, err := parseVnu(out, byName)
	if err != nil {
		t.Fatal(err)
	}
	want := []htmlProblem{
		{Doc: b, Line: 7, Column: 3, Kind: "error", Message: "Duplicate ID “a”.", Extract: "<p id=a>"},
		{Doc: b, Line: 5, Column: 1, Kind: "warning", Message: "The first occurrence of ID “a” was here."},
		{Doc: a, Line: 2, Column: 9, Kind: "info", Message: "Trailing slash on void elements has no effect."},
		{Doc: a, Kind: "fatal", Message: "File not found."},
	}
	if !slices.Equal(problems, want) {
		t.Errorf("parseVnu:\n got %+v\nwant %+v", problems, want)
	}
	for i, failing := range []bool{true, true, false, true} {
		if problems[i].failing() != failing {
			t.Errorf("%s: failing() = %v, want %v", problems[i], !failing, failing)
		}
	}
	for _, bad := range []string{``, `{}`, `{"messages":[{"type":"error","url":"file:/tmp/d/9.html","message":"x"}]}`} {
		if _, err := parseVnu([]byte(bad), byName); err == nil {
			t.Errorf("parseVnu(%q) gave no error", bad)
		}
	}
}

// TestStaticFilesValid holds the stylesheet and the SVG images the server embeds to the checker:
// no error or warning.
func TestStaticFilesValid(t *testing.T) {
	t.Parallel()
	jar := vnuJar(t)
	if jar == "" {
		t.Skip()
	}
	for _, kind := range []string{"css", "svg"} {
		names, err := filepath.Glob("../web/static/*." + kind)
		if err != nil || len(names) == 0 {
			t.Fatalf("no *.%s in ../web/static: %v", kind, err)
		}
		var docs []*checkedDoc
		for _, name := range names {
			body, err := os.ReadFile(name)
			if err != nil {
				t.Fatal(err)
			}
			docs = append(docs, &checkedDoc{labels: []string{"static/" + filepath.Base(name)}, body: body})
		}
		problems, err := validate(t.Context(), jar, t.TempDir(), kind, docs)
		if err != nil {
			t.Fatal(err)
		}
		for _, p := range problems {
			if p.failing() {
				t.Error(p)
			}
		}
	}
}
