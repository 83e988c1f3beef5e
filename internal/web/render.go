package web

import (
	"context"
	"io"
	"net/url"
	"strconv"

	"bytes"
	"embed"
	"fmt"
	"github.com/a-h/templ"
	"html/template"
	"io/fs"
	"net/http"
	"strings"

	"github.com/starboard/starboard/internal/store"
)

//go:embed templates
var templateFS embed.FS

// pages holds every page template, each parsed together with the layout and the partials.
type pages struct {
	byName map[string]*template.Template
}

// view is what every page template receives: the page's own data in Data, and what the layout
// needs around it.
type view struct {
	Title string
	Data  any
	User  *store.User // the signed-in member, nil for a visitor
	Flash string      // a one-time message from the previous request
	Path  string      // the request path, for "sign in and come back here" links
	// Canonical is the page's canonical address (canonicalURL), for pages whose address has
	// variants; "" for none.
	Canonical string
	// OpenReports is the length of the moderation queue, for the admin nav on admin pages; -1
	// when it could not be read.
	OpenReports int
	// Search is the text of the header's search box: the search a results page answers.
	Search string
	files  *staticFiles // for static, set by executeInto
	stars  *starPainter // for templ pages that draw averages, set by executeInto
}

// static returns the fingerprinted address of a static file; "" for a name that is none, which
// TestMain's run of every page would show.
func (v view) static(name string) string {
	u, _ := v.files.URL(name)
	return u
}

// templPages are the pages written in templ (*.templ, generated into *_templ.go): each takes
// the view and returns the whole page, layout included. executeInto prefers them to the
// html/template pages of the same name.
var templPages = map[string]func(v view) templ.Component{
	"item": func(v view) templ.Component {
		d := v.Data.(itemPageView)
		return withLayout(v, itemHead(d), itemContent(v, d))
	},
	"lines": func(v view) templ.Component {
		d := v.Data.(linePage)
		return withLayout(v, lineHead(d), lineContent(v, d))
	},
	"compare": func(v view) templ.Component {
		return withLayout(v, nil, compareContent(v, v.Data.(comparePage)))
	},
	"home": func(v view) templ.Component {
		return withLayout(v, nil, homeContent(v, v.Data.([]lineSummary)))
	},
	"login": func(v view) templ.Component {
		return withLayout(v, nil, loginContent(v.Data.(loginForm)))
	},
	"signup": func(v view) templ.Component {
		return withLayout(v, nil, signupContent(v.Data.(signupForm)))
	},
	"review_form": func(v view) templ.Component {
		return withLayout(v, nil, reviewEditContent(v, v.Data.(reviewFormView)))
	},
	"review_delete": func(v view) templ.Component {
		return withLayout(v, nil, reviewDeleteContent(v.Data.(reviewDeleteView)))
	},
	"error": func(v view) templ.Component {
		msg, _ := v.Data.(string)
		return withLayout(v, nil, errorContent(v, msg))
	},
}

// withLayout returns the page: content inside the layout, head added to <head>.
func withLayout(v view, head, content templ.Component) templ.Component {
	return templ.ComponentFunc(func(ctx context.Context, w io.Writer) error {
		return layout(v, head).Render(templ.WithChildren(ctx, content), w)
	})
}

// nextParam returns a path as the value of a next= query parameter.
func nextParam(path string) string { return url.QueryEscape(path) }

// starFilterValue is the star filter's option value: "" for all ratings.
func starFilterValue(k int) string {
	if k == 0 {
		return ""
	}
	return strconv.Itoa(k)
}

// hintAndError returns the aria-describedby of a field with a hint: the hint, and its error if any.
func hintAndError(field string, errs fieldErrors) string {
	return describedBy(field, errs.For(field))
}

// describedBy returns the aria-describedby of a form field: its hint, and its error if any.
func describedBy(name, err string) string {
	if err == "" {
		return name + "-hint"
	}
	return name + "-hint " + name + "-error"
}

// templateFuncs are the functions every template may call. {{template "stars" (stars mean count)}}
// draws an average rating.
func templateFuncs(static *staticFiles, stars *starPainter) template.FuncMap {
	return template.FuncMap{
		"static": static.URL,
		// {{breadcrumb name href name href …}}: the trail, its last step this page (layout.templ).
		"breadcrumb": breadcrumbHTML,
		"stars":      stars.average,
		// The item page and the review forms (page_item.go).
		"itemPath": itemPath,
		"plural":   plural,
		// The admin pages' nav (admin_reports.go).
		"adminNav": adminNav,
	}
}

// parsePages parses templates/layout.html and templates/partials/*.html with each other
// templates/*.html file. Any error fails start-up.
func parsePages(static *staticFiles, stars *starPainter) (*pages, error) {
	funcs := templateFuncs(static, stars)
	base, err := template.New("layout.html").Funcs(funcs).ParseFS(templateFS, "templates/layout.html")
	if err != nil {
		return nil, fmt.Errorf("web: parse layout: %w", err)
	}
	if partials, _ := fs.Glob(templateFS, "templates/partials/*.html"); len(partials) > 0 {
		if base, err = base.ParseFS(templateFS, "templates/partials/*.html"); err != nil {
			return nil, fmt.Errorf("web: parse partials: %w", err)
		}
	}
	names, err := fs.Glob(templateFS, "templates/*.html")
	if err != nil {
		return nil, err
	}
	p := &pages{byName: map[string]*template.Template{}}
	for _, file := range names {
		name := strings.TrimSuffix(strings.TrimPrefix(file, "templates/"), ".html")
		if name == "layout" {
			continue
		}
		t, err := template.Must(base.Clone()).ParseFS(templateFS, file)
		if err != nil {
			return nil, fmt.Errorf("web: parse %s: %w", file, err)
		}
		p.byName[name] = t
	}
	return p, nil
}

// names returns the page template names, for tests that check each is rendered somewhere.
func (p *pages) names() []string {
	var out []string
	for n := range p.byName {
		out = append(out, n)
	}
	for n := range templPages {
		out = append(out, n)
	}
	return out
}

// renderHook, when set (by tests, before any request), is told the name of every page rendered.
var renderHook func(name string)

// render executes a page into a buffer first, so a template error becomes a clean 500 page
// rather than half a page with a 200 status; that error is returned unanswered.
func (srv *Server) render(w http.ResponseWriter, r *http.Request, status int, name string, v view) error {
	if v.User == nil {
		v.User = userFrom(r.Context())
	}
	if v.Flash == "" {
		v.Flash = srv.popFlash(r)
	}
	v.Path = r.URL.RequestURI()
	v.OpenReports = srv.openReports(r, v.User)
	buf := bufPool.Get().(*bytes.Buffer)
	buf.Reset()
	defer bufPool.Put(buf)
	if err := srv.executeInto(buf, name, v); err != nil {
		return err
	}
	h := w.Header()
	h.Set("Content-Type", "text/html; charset=utf-8")
	if h.Get("Cache-Control") == "" {
		switch {
		case v.User != nil:
			h.Set("Cache-Control", privateCache)
		case status == http.StatusOK && (r.Method == http.MethodGet || r.Method == http.MethodHead) &&
			v.Flash == "" && srv.anonymous(r):
			h.Set("Cache-Control", publicCache)
		default:
			h.Set("Cache-Control", "no-cache")
		}
	}
	w.WriteHeader(status)
	w.Write(buf.Bytes())
	return nil
}

// executeInto executes the page name with the layout into buf.
func (srv *Server) executeInto(buf *bytes.Buffer, name string, v view) error {
	if renderHook != nil {
		renderHook(name)
	}
	if page, ok := templPages[name]; ok {
		v.files, v.stars = srv.static, srv.stars
		if err := page(v).Render(context.Background(), buf); err != nil {
			return fmt.Errorf("web: render %s: %w", name, err)
		}
		return nil
	}
	t, ok := srv.pages.byName[name]
	if !ok {
		return fmt.Errorf("web: no template %q", name)
	}
	if err := t.ExecuteTemplate(buf, "layout.html", v); err != nil {
		return fmt.Errorf("web: render %s: %w", name, err)
	}
	return nil
}

// execute renders a page for a visitor who is not signed in and has no message waiting, into a
// byte slice of its own that may be kept. v.Path must be set.
func (srv *Server) execute(name string, v view) ([]byte, error) {
	buf := bufPool.Get().(*bytes.Buffer)
	buf.Reset()
	defer bufPool.Put(buf)
	if err := srv.executeInto(buf, name, v); err != nil {
		return nil, err
	}
	return bytes.Clone(buf.Bytes()), nil
}

// errorPage renders the error page with a message for a person; when that page cannot be
// rendered, a plain-text 500.
func (srv *Server) errorPage(w http.ResponseWriter, r *http.Request, status int, msg string) {
	if err := srv.render(w, r, status, "error", view{Title: statusTitle(status), Data: msg}); err != nil {
		srv.log.Error("render", "template", "error", "err", err)
		http.Error(w, "Internal Server Error", http.StatusInternalServerError)
	}
}

// breadcrumbHTML renders the breadcrumb component for the templates: name and href pairs, the
// last pair the page itself.
func breadcrumbHTML(pairs ...string) (template.HTML, error) {
	if len(pairs)%2 != 0 {
		return "", fmt.Errorf("breadcrumb: %d arguments, want name and href pairs", len(pairs))
	}
	trail := make([]crumb, 0, len(pairs)/2)
	for i := 0; i < len(pairs); i += 2 {
		trail = append(trail, crumb{Name: pairs[i], Href: pairs[i+1], Here: i == len(pairs)-2})
	}
	var b strings.Builder
	if err := breadcrumb(trail).Render(context.Background(), &b); err != nil {
		return "", err
	}
	return template.HTML(b.String()), nil
}
