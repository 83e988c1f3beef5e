package browsertest

import (
	"context"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"

	"github.com/starboard/starboard/internal/store"
)

// box is an element's border box in CSS pixels.
type box struct{ X, Y, W, H float64 }

func (b box) String() string { return fmt.Sprintf("%.1f×%.1f at (%.1f, %.1f)", b.W, b.H, b.X, b.Y) }

// boxes returns the border boxes of the elements a CSS selector finds, in document order.
func boxes(t *testing.T, ctx context.Context, selector string) []box {
	t.Helper()
	return eval[[]box](t, ctx, `[...document.querySelectorAll(`+jsString(selector)+`)].map(e => {
		const r = e.getBoundingClientRect(); return {X: r.x, Y: r.y, W: r.width, H: r.height} })`)
}

// reviewed signs a new member up and gives them a review of Po with the given stars; it returns
// the address of the review's edit form.
func reviewed(t *testing.T, ctx context.Context, s *site, stars int) string {
	t.Helper()
	signUp(t, ctx, s, member{"sam@example.com", "Sam", "tubby custard scooter 5"}, "/c/tellytubbies/po")
	u, err := s.store.UserByEmail(context.Background(), "sam@example.com")
	if err != nil {
		t.Fatal(err)
	}
	po, err := s.store.ItemBySlug(context.Background(), "tellytubbies", "po")
	if err != nil {
		t.Fatal(err)
	}
	rv := store.Review{ItemID: po.ID, UserID: u.ID, Rating: stars, Summary: "Squeaky, red and fast", Details: "Rides the scooter every day."}
	if err := s.store.CreateReview(context.Background(), &rv); err != nil {
		t.Fatal(err)
	}
	return fmt.Sprintf("/reviews/%d/edit", rv.ID)
}

// focusRating puts the keyboard focus on the checked star radio, by tabbing back from the summary.
func focusRating(t *testing.T, ctx context.Context) {
	t.Helper()
	do(t, ctx, chromedp.Focus(chromedp.CSS(`#summary`)), chromedp.KeyEvent(kb.Tab, chromedp.KeyModifiers(chromedp.ModifierShift)))
	if got := active(t, ctx); !strings.HasPrefix(got, "radio review[rating]") {
		t.Fatalf("Shift+Tab from the summary focuses %q", got)
	}
}

func TestStarInputForcedColors(t *testing.T) {
	t.Parallel()
	s := startSite(t)
	ctx := newTab(t)
	edit := reviewed(t, ctx, s, 3)
	for _, scheme := range []string{"light", "dark"} {
		if _, err := chromedp.Call(ctx, emulation.SetEmulatedMedia, emulation.SetEmulatedMediaParams{Features: []*emulation.MediaFeature{
			{Name: "forced-colors", Value: "active"}, {Name: "prefers-color-scheme", Value: scheme}}}); err != nil {
			t.Fatal(err)
		}
		open(t, ctx, s, edit)
		if !eval[bool](t, ctx, `matchMedia('(forced-colors: active)').matches`) {
			t.Fatal("forced colours are not emulated")
		}
		focusRating(t, ctx)
		if got := litStars(t, ctx); got != "***.." {
			t.Errorf("%s forced colours: 3 stars lit as %q", scheme, got)
		}
		paint := eval[[]string](t, ctx, `(() => {
			const s = k => getComputedStyle(document.querySelector('label[for="rating-' + k + '"] svg'));
			const canvas = getComputedStyle(document.body).backgroundColor;
			return [s(1).fill, s(5).stroke, canvas] })()`)
		if paint[0] == paint[2] || paint[1] == paint[2] || paint[1] == "rgba(0, 0, 0, 0)" {
			t.Errorf("%s forced colours: lit fill %s, unlit stroke %s, on %s: a star is invisible", scheme, paint[0], paint[1], paint[2])
		}
		ring := eval[[]string](t, ctx, `(() => { const c = getComputedStyle(document.querySelector('label[for="rating-3"]'));
			return [c.outlineStyle, c.outlineWidth, c.outlineColor] })()`)
		if width, _ := strconv.ParseFloat(strings.TrimSuffix(ring[1], "px"), 64); ring[0] == "none" || width < 2 || ring[2] == "rgba(0, 0, 0, 0)" {
			t.Errorf("%s forced colours: focus ring %v", scheme, ring)
		}
		saveScreenshot(t, ctx, "chromium-forced-colors-"+scheme+"-star-input")
		// The stars that show ratings keep full, half and empty apart: empty ones are outlines.
		open(t, ctx, s, "/c/ipads/ipad-air-11")
		if got := eval[string](t, ctx, `getComputedStyle(document.querySelector('.score-stars .stars use')).color`); got == eval[string](t, ctx, `getComputedStyle(document.body).backgroundColor`) {
			t.Errorf("%s forced colours: display stars are the background colour", scheme)
		}
		saveScreenshot(t, ctx, "chromium-forced-colors-"+scheme+"-item")
	}
}

func TestStarInputZoomAndFontSize(t *testing.T) {
	t.Parallel()
	s := startSite(t)
	ctx := newTab(t)
	edit := reviewed(t, ctx, s, 4)
	open(t, ctx, s, edit)
	base := boxes(t, ctx, `.star-row label:not(.no-rating)`)
	if len(base) != 5 {
		t.Fatalf("%d star labels", len(base))
	}
	// 200% zoom of a 1280 px window (640 CSS px at two device pixels each), and 400% (320 CSS px),
	// where WCAG asks content to reflow without scrolling sideways.
	for _, zoom := range []struct {
		name  string
		width int64
	}{{"200", 640}, {"400", 320}} {
		if _, err := chromedp.Call(ctx, emulation.SetDeviceMetricsOverride, emulation.SetDeviceMetricsOverrideParams{
			Width: zoom.width, Height: 900 * zoom.width / 1280, DeviceScaleFactor: 1280 / float64(zoom.width)}); err != nil {
			t.Fatal(err)
		}
		open(t, ctx, s, edit)
		focusRating(t, ctx)
		layout := eval[[]float64](t, ctx, `[document.documentElement.scrollWidth, innerWidth]`)
		if layout[0] > layout[1] {
			t.Errorf("%s%% zoom: the page is %v CSS px wide in a %v px viewport", zoom.name, layout[0], layout[1])
		}
		stars := boxes(t, ctx, `.star-row label:not(.no-rating)`)
		for i, b := range stars {
			if b.W < 24 || b.H < 24 || b.X < 0 || b.X+b.W > layout[1] {
				t.Errorf("%s%% zoom: star %d is %v", zoom.name, i+1, b)
			}
			if i > 0 && b.X < stars[i-1].X+stars[i-1].W-0.5 {
				t.Errorf("%s%% zoom: star %d overlaps star %d", zoom.name, i+1, i)
			}
		}
		name := boxes(t, ctx, `.star-row input:checked + label .star-name`)
		if len(name) != 1 || name[0].W < 20 || name[0].X < 0 || name[0].X+name[0].W > layout[1] {
			t.Errorf("%s%% zoom: the rating's name is at %v, outside the %v px viewport", zoom.name, name, layout[1])
		}
		saveScreenshot(t, ctx, "chromium-zoom-"+zoom.name+"-edit-form")
	}
	if _, err := chromedp.Call(ctx, emulation.ClearDeviceMetricsOverride, cdp.Empty{}); err != nil {
		t.Fatal(err)
	}
	// Sized in em: twice the font size, twice the stars.
	open(t, ctx, s, edit)
	do(t, ctx, chromedp.Evaluate[chromedp.Void](`document.documentElement.style.fontSize = '200%'`))
	big := boxes(t, ctx, `.star-row label:not(.no-rating)`)
	for i := range big {
		if r := big[i].W / base[i].W; r < 1.95 || r > 2.05 {
			t.Errorf("at twice the font size star %d is %.2f times as wide (%v → %v)", i+1, r, base[i], big[i])
		}
	}
}

func TestStarInputRightToLeft(t *testing.T) {
	t.Parallel()
	s := startSite(t)
	ctx := newTab(t)
	edit := reviewed(t, ctx, s, 2)
	open(t, ctx, s, edit)
	do(t, ctx, chromedp.Evaluate[chromedp.Void](`document.documentElement.dir = 'rtl'`))
	stars := boxes(t, ctx, `.star-row label:not(.no-rating)`)
	for i := 1; i < len(stars); i++ {
		if stars[i].X >= stars[i-1].X {
			t.Errorf("right to left: star %d (%v) is not left of star %d (%v)", i+1, stars[i], i, stars[i-1])
		}
	}
	name := boxes(t, ctx, `.star-row input:checked + label .star-name`)
	if len(name) != 1 || name[0].X+name[0].W > stars[4].X {
		t.Errorf("right to left: the rating's name %v is not left of the stars", name)
	}
	if got := litStars(t, ctx); got != "**..." {
		t.Errorf("right to left: 2 stars lit as %q", got)
	}
	focusRating(t, ctx)
	// Mirrored, the arrow pointing towards the higher stars (left) raises the rating.
	press(t, ctx, kb.ArrowLeft)
	if got := active(t, ctx); got != "radio review[rating]=3 checked" {
		t.Errorf("right to left: ArrowLeft from 2 stars gives %q, want 3 stars", got)
	}
	saveScreenshot(t, ctx, "chromium-rtl-edit-form")
}

// TestChromiumAndFirefoxDrawTheSameStars renders the item page and the review form in Chromium
// and in Firefox at the same window size and finds the stars in both screenshots by their colour:
// the same stars, the same size, to the pixel.
//
// It does not run in parallel: under load a screenshot once showed another test's tab (another
// member's review), so this test has the browser to itself.
func TestChromiumAndFirefoxDrawTheSameStars(t *testing.T) {
	firefox := need(t, "firefox-esr", "firefox")
	s := startSite(t)
	ctx := newTab(t)
	edit := reviewed(t, ctx, s, 5)

	// Firefox runs on its own and cannot sign in through a form here, so it reaches the server
	// through a front that adds the Chromium member's session cookie to each request.
	cookies := run(t, ctx, func(ctx context.Context, tg *chromedp.Target) ([]*network.Cookie, error) {
		res, err := chromedp.Call(ctx, network.GetCookies, network.GetCookiesParams{URLs: []string{s.URL}})
		return res.Cookies, err
	})
	var jar []string
	for _, c := range cookies {
		jar = append(jar, c.Name+"="+c.Value)
	}
	front := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		r.Header.Set("Cookie", strings.Join(jar, "; "))
		s.handler.ServeHTTP(w, r)
	}))
	t.Cleanup(front.Close)

	// The same viewport as Firefox's 1280×900 window (Chromium's window leaves 813 px for the page),
	// so both screenshots show the same reviews however dense they are.
	do(t, ctx, chromedp.EmulateViewport(1280, 900))
	for _, page := range []struct{ name, path string }{{"edit-form", edit}, {"item", "/c/ipads/ipad-air-11"}} {
		open(t, ctx, s, page.path)
		do(t, ctx, chromedp.MouseEvent(chromedp.MouseMoved, 1279, 899)) // no hover over a star
		chromePNG := run(t, ctx, chromedp.CaptureScreenshot())
		chromePath := filepath.Join(screenshotDir(t), "chromium-"+page.name+".png")
		if err := os.WriteFile(chromePath, chromePNG, 0o644); err != nil {
			t.Fatal(err)
		}
		firefoxPath := filepath.Join(screenshotDir(t), "firefox-"+page.name+".png")
		firefoxScreenshot(t, firefox, front.URL+page.path, firefoxPath)
		t.Logf("screenshots: %s %s", chromePath, firefoxPath)

		inChrome, inFirefox := starsIn(t, chromePath), starsIn(t, firefoxPath)
		if len(inChrome) < 5 || len(inChrome) != len(inFirefox) {
			t.Errorf("%s: found %d stars in Chromium and %d in Firefox", page.name, len(inChrome), len(inFirefox))
			continue
		}
		for i := range inChrome {
			c, f := inChrome[i].Size(), inFirefox[i].Size()
			if abs(c.X-f.X) > 1 || abs(c.Y-f.Y) > 1 {
				t.Errorf("%s: star %d is %v in Chromium and %v in Firefox", page.name, i+1, c, f)
			}
		}
		if page.name == "edit-form" {
			// The five stars of the input are the large ones; check them against the DOM too.
			dom := boxes(t, ctx, `.star-row label:not(.no-rating) svg`)
			input, inputFirefox := large(inChrome), large(inFirefox)
			if len(input) != 5 || len(inputFirefox) != 5 {
				t.Fatalf("found %d large stars in Chromium, %d in Firefox, want the star input's 5", len(input), len(inputFirefox))
			}
			for i, b := range dom {
				px := input[i]
				if float64(px.Min.X) < b.X-1 || float64(px.Max.X) > b.X+b.W+1 || float64(px.Dx()) < b.W*0.75 {
					t.Errorf("star %d: drawn at %v, its box is %v", i+1, px, b)
				}
			}
			t.Logf("star input: boxes %v; drawn %v (Chromium), %v (Firefox)", dom[0], input[0].Size(), inputFirefox[0].Size())
		}
	}
}

// firefoxScreenshot has headless Firefox, with a fresh profile, save a 1280×900 screenshot of url.
func firefoxScreenshot(t *testing.T, firefox, url, out string) {
	t.Helper()
	profile := t.TempDir()
	prefs := `user_pref("browser.shell.checkDefaultBrowser", false);
user_pref("datareporting.policy.dataSubmissionEnabled", false);
user_pref("toolkit.telemetry.reportingpolicy.firstRun", false);
user_pref("browser.startup.homepage_override.mstone", "ignore");
user_pref("ui.systemUsesDarkTheme", 0);
user_pref("layout.css.prefers-color-scheme.content-override", 1);
`
	if err := os.WriteFile(filepath.Join(profile, "user.js"), []byte(prefs), 0o644); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, firefox, "--headless", "--no-remote", "--profile", profile,
		"--window-size", "1280,900", "--screenshot", out, url)
	cmd.Env = append(os.Environ(), "MOZ_HEADLESS=1")
	if output, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("firefox: %v\n%s", err, output)
	}
	if _, err := os.Stat(out); err != nil {
		t.Fatalf("firefox saved no screenshot: %v", err)
	}
}

// starColour is the light scheme's --star, the colour of lit stars.
var starColour = color.RGBA{0xc2, 0x65, 0x0a, 0xff}

// starsIn finds the lit stars in a screenshot: connected areas of the star colour at least 12
// pixels across and about as wide as tall, in reading order.
func starsIn(t *testing.T, path string) []image.Rectangle {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	img, err := png.Decode(f)
	if err != nil {
		t.Fatal(err)
	}
	b := img.Bounds()
	near := func(x, y int) bool {
		r, g, bl, _ := img.At(x, y).RGBA()
		d := func(a uint32, c uint8) int { return abs(int(a>>8) - int(c)) }
		return d(r, starColour.R) <= 40 && d(g, starColour.G) <= 40 && d(bl, starColour.B) <= 40
	}
	seen := make([]bool, b.Dx()*b.Dy())
	var found []image.Rectangle
	for y := b.Min.Y; y < b.Max.Y; y++ {
		for x := b.Min.X; x < b.Max.X; x++ {
			if seen[(y-b.Min.Y)*b.Dx()+x-b.Min.X] || !near(x, y) {
				continue
			}
			r := image.Rect(x, y, x+1, y+1)
			stack := []image.Point{{x, y}}
			seen[(y-b.Min.Y)*b.Dx()+x-b.Min.X] = true
			for len(stack) > 0 {
				p := stack[len(stack)-1]
				stack = stack[:len(stack)-1]
				r = r.Union(image.Rect(p.X, p.Y, p.X+1, p.Y+1))
				for _, n := range []image.Point{{p.X + 1, p.Y}, {p.X - 1, p.Y}, {p.X, p.Y + 1}, {p.X, p.Y - 1}} {
					if !n.In(b) || seen[(n.Y-b.Min.Y)*b.Dx()+n.X-b.Min.X] || !near(n.X, n.Y) {
						continue
					}
					seen[(n.Y-b.Min.Y)*b.Dx()+n.X-b.Min.X] = true
					stack = append(stack, n)
				}
			}
			if w, h := r.Dx(), r.Dy(); w >= 12 && h >= 12 && w*4 <= h*5 && h*4 <= w*5 {
				found = append(found, r)
			}
		}
	}
	// Reading order: by line (stars on one line share their middle within a few pixels), then left to right.
	slices.SortFunc(found, func(a, b image.Rectangle) int {
		if ay, by := (a.Min.Y+a.Max.Y)/2, (b.Min.Y+b.Max.Y)/2; abs(ay-by) > 4 {
			return ay - by
		}
		return a.Min.X - b.Min.X
	})
	return found
}

// large keeps the stars at least 20 pixels across: the star input's.
func large(stars []image.Rectangle) []image.Rectangle {
	var out []image.Rectangle
	for _, r := range stars {
		if r.Dx() >= 20 {
			out = append(out, r)
		}
	}
	return out
}

func abs(n int) int {
	if n < 0 {
		return -n
	}
	return n
}
