package browsertest

import (
	"context"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"

	"github.com/starboard/starboard/internal/auth"
	"github.com/starboard/starboard/internal/demo"
	"github.com/starboard/starboard/internal/store"
	"github.com/starboard/starboard/internal/store/storetest"
	"github.com/starboard/starboard/internal/web"
)

// EnvBrowserTests, set to 1 (CI does), makes a missing browser a failure instead of a skip.
const EnvBrowserTests = "STARBOARD_BROWSER_TESTS"

// site is a running Starboard with the demo data on a throwaway SQLite database.
type site struct {
	URL     string
	store   *store.Store
	handler http.Handler
}

// startSite starts the real server on 127.0.0.1 over a fresh database with the demo data.
func startSite(t *testing.T) *site {
	t.Helper()
	s := storetest.Open(t, store.SQLite)
	if _, err := demo.Load(context.Background(), s, demo.Size{}, false, nil); err != nil {
		t.Fatal(err)
	}
	srv, err := web.New(s, web.Options{})
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(srv)
	t.Cleanup(ts.Close)
	return &site{URL: ts.URL, store: s, handler: srv}
}

// need skips the test when a browser is missing, or fails it when EnvBrowserTests says the
// browser tests must run.
func need(t *testing.T, names ...string) string {
	t.Helper()
	for _, name := range names {
		if path, err := exec.LookPath(name); err == nil {
			return path
		}
	}
	if os.Getenv(EnvBrowserTests) == "1" {
		t.Fatalf("%s is not installed, and %s=1 requires the browser tests", names[0], EnvBrowserTests)
	}
	t.Skipf("%s is not installed: browser test skipped (set %s=1 to make this a failure)", names[0], EnvBrowserTests)
	return ""
}

// One Chromium serves every test; each test gets its own tab in its own browser context
// (cookies included).
var chromium struct {
	once   sync.Once
	ctx    context.Context
	cancel context.CancelFunc
	err    error
}

func TestMain(m *testing.M) {
	code := m.Run()
	if chromium.cancel != nil {
		chromium.cancel()
	}
	// Every page the tests checked is validated at once: one JVM start instead of one per page.
	if !checkServedHTML() {
		code = 1
	}
	os.Exit(code)
}

// newTab returns a chromedp context for a new tab with its own cookies, closed when the test ends.
// The tab keeps track of the last document it loaded, for keepHTML.
func newTab(t *testing.T) context.Context {
	t.Helper()
	path := need(t, "chromium", "chromium-browser", "google-chrome")
	chromium.once.Do(func() {
		profile, err := os.MkdirTemp("", "starboard-chromium-")
		if err != nil {
			chromium.err = err
			return
		}
		opts := []chromedp.ExecAllocatorOption{
			chromedp.ExecPath(path), chromedp.Headless, chromedp.NoSandbox, chromedp.DisableGPU, chromedp.NoFirstRun,
			chromedp.NoDefaultBrowserCheck,
			chromedp.Flag("disable-background-networking", true), chromedp.Flag("disable-component-update", true),
			chromedp.Flag("disable-sync", true), chromedp.Flag("disable-dev-shm-usage", true),
			chromedp.Flag("force-color-profile", "srgb"), chromedp.Flag("font-render-hinting", "none"),
			chromedp.UserDataDir(profile),
			chromedp.WindowSize(1280, 900),
		}
		actx, acancel := chromedp.NewExecAllocator(context.Background(), opts...)
		bctx, bcancel := chromedp.NewContext(actx)
		chromium.ctx = bctx
		chromium.cancel = func() { bcancel(); acancel(); os.RemoveAll(profile) }
		chromium.err = chromedp.Do(bctx)
	})
	if chromium.err != nil {
		t.Fatalf("start chromium: %v", chromium.err)
	}
	tab, cancel := chromedp.NewContext(chromium.ctx, chromedp.WithNewBrowserContext())
	t.Cleanup(cancel)
	if err := chromedp.Do(tab); err != nil {
		t.Fatalf("open a tab: %v", err)
	}
	doc := &lastDocument{}
	if err := chromedp.Listen(tab, doc.see); err != nil {
		t.Fatalf("listen to the tab: %v", err)
	}
	// A whole test runs in one tab: the page tours check some thirty pages each (screenshot, two
	// widths, axe in two colour schemes), which on a busy two-core machine takes over two minutes.
	ctx, cancelTimeout := context.WithTimeout(context.WithValue(tab, lastDocumentKey{}, doc), 6*time.Minute)
	t.Cleanup(cancelTimeout)
	return ctx
}

// do runs browser steps, failing the test on an error.
func do(t *testing.T, ctx context.Context, steps ...chromedp.Action[chromedp.Void]) {
	t.Helper()
	if err := chromedp.Do(ctx, steps...); err != nil {
		t.Fatal(err)
	}
}

// run runs one browser action and returns its value, failing the test on an error.
func run[T any](t *testing.T, ctx context.Context, a chromedp.Action[T]) T {
	t.Helper()
	v, err := chromedp.Run(ctx, a)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

// eval evaluates a JavaScript expression in the page (through DevTools, not the page's own
// script, which the site has none of) and returns its value.
func eval[T any](t *testing.T, ctx context.Context, expr string) T {
	t.Helper()
	return run(t, ctx, chromedp.Evaluate[T](expr))
}

// open navigates to a path of the site and returns the response of the page.
func open(t *testing.T, ctx context.Context, s *site, path string) *network.Response {
	t.Helper()
	if strings.Contains(path, "#") {
		// From the same page, a fragment would only scroll: load the page afresh.
		do(t, ctx, chromedp.Navigate("about:blank"))
	}
	res := run(t, ctx, chromedp.NavigateResponse(s.URL+path))
	if res == nil {
		t.Fatalf("no response for %s", path)
	}
	return res
}

// submit runs steps that send a form and waits for the page that answers it.
func submit(t *testing.T, ctx context.Context, steps ...chromedp.Action[chromedp.Void]) *network.Response {
	t.Helper()
	res, err := chromedp.RunResponse(ctx, steps...)
	if err != nil {
		t.Fatal(err)
	}
	if res == nil {
		t.Fatal("the form sent nothing")
	}
	return res
}

// screenshotDir is where screenshots are kept for people (and CI artefacts) to look at.
func screenshotDir(t *testing.T) string {
	t.Helper()
	dir := filepath.Join(os.TempDir(), "starboard-screenshots")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	return dir
}

// saveScreenshot writes a PNG of the whole page and returns its path.
func saveScreenshot(t *testing.T, ctx context.Context, name string) string {
	t.Helper()
	do(t, ctx, chromedp.Evaluate[chromedp.Void](`document.getAnimations().forEach(a => a.finish())`))
	png := run(t, ctx, chromedp.FullScreenshot(100))
	path := filepath.Join(screenshotDir(t), name+".png")
	if err := os.WriteFile(path, png, 0o644); err != nil {
		t.Fatal(err)
	}
	t.Logf("screenshot: %s", path)
	return path
}

// member is an account made through the sign-up form.
type member struct {
	Email, Name, Password string
}

// signUp creates an account through the real sign-up form, which signs the browser in, and
// comes back to next.
func signUp(t *testing.T, ctx context.Context, s *site, m member, next string) {
	t.Helper()
	open(t, ctx, s, "/signup?next="+url.QueryEscape(next))
	fillAccountForm(t, ctx, m, next)
}

// setUp makes the site's first admin through the setup page, as its operator would with the
// address serve logs, which signs the browser in and lands on /admin.
func setUp(t *testing.T, ctx context.Context, s *site, m member) {
	t.Helper()
	token, hash := auth.NewSetupToken()
	now := time.Now()
	if _, err := s.store.CreateSetupToken(context.Background(), hash, now, now.Add(-time.Hour)); err != nil {
		t.Fatal(err)
	}
	checkPage(t, ctx, "/setup", open(t, ctx, s, web.SetupPath(token)))
	fillAccountForm(t, ctx, m, "/admin")
}

// fillAccountForm fills in and submits the open sign-up or setup form, and wants to land on next
// signed in as m.
func fillAccountForm(t *testing.T, ctx context.Context, m member, next string) {
	t.Helper()
	res := submit(t, ctx,
		chromedp.SendKeys(chromedp.CSS(`input[name="email"]`), m.Email),
		chromedp.SendKeys(chromedp.CSS(`input[name="display_name"]`), m.Name),
		chromedp.SendKeys(chromedp.CSS(`input[name="password"]`), m.Password),
		chromedp.SendKeys(chromedp.CSS(`input[name="password_confirm"]`), m.Password),
		chromedp.Submit(chromedp.CSS(`input[name="email"]`)),
	)
	if res.Status != 200 || !strings.HasSuffix(strings.TrimSuffix(res.URL, "#"), next) {
		t.Fatalf("the account form answered %d at %s, want 200 at %s", res.Status, res.URL, next)
	}
	if signedIn := eval[bool](t, ctx, `document.body.textContent.includes(`+jsString(m.Name)+`)`); !signedIn {
		t.Fatalf("after creating the account the page does not name %s", m.Name)
	}
}

// jsString quotes s as a JavaScript string literal.
func jsString(s string) string {
	r := strings.NewReplacer(`\`, `\\`, `"`, `\"`, "\n", `\n`, "\r", `\r`, "\u2028", `\u2028`, "\u2029", `\u2029`)
	return `"` + r.Replace(s) + `"`
}
