package reliability

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"net"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/starboard/starboard/internal/store"
)

// Hostile strings the corpus uses.
const (
	htmlAttack = `<script>alert("xss")</script>`
	attrAttack = `"><img src=x onerror=alert(1)>'`
	sqlAttack  = `'; DROP TABLE reviews; --`
	emojiRTL   = "Rocks 🚀🎉👍🏽 مرحبا بالعالم שלום \u202eevil\u202c"
)

// hostileCase is one request the server must refuse with a 4xx and a message, changing nothing.
type hostileCase struct {
	name     string
	method   string
	path     string
	ctype    string // Content-Type; "" for none
	body     string
	header   http.Header
	signedIn bool
	want     int    // the status wanted; 0 for any 4xx
	follow   bool   // follow redirects (the router's redirect to a cleaned path)
	wantBody string // a substring of the answer's message; "" for no check
}

// TestHostileInput sends a corpus of hostile values through the real server on both databases.
// Text in accepted reviews and names is kept exactly and escaped on every page and in JSON;
// every hostile request is answered with a 4xx and a message, never a 5xx, and leaves every
// table's checksum as it was.
func TestHostileInput(t *testing.T) {
	if testing.Short() {
		t.Skip("skipped in -short mode")
	}
	for _, d := range []store.Dialect{store.SQLite, store.Postgres} {
		t.Run(string(d), func(t *testing.T) { runHostile(t, newDatabase(t, d)) })
	}
}

func runHostile(t *testing.T, db database) {
	paths, emails := seed(t, db, 12, 2)
	srv := startServer(t, db, freeAddr(t))
	writer, attacker := newMember(emails[0]), newMember(emails[1])
	writer.login(t, srv.origin)
	attacker.login(t, srv.origin)
	item := paths[0]
	line := item[:strings.LastIndexByte(item, '/')]
	ctx := context.Background()
	check := db.open(t)

	// Accepted: hostile text in a display name and a review is kept exactly and escaped.
	name := `Zoë "><b>bold</b> 🚀 שלום`
	visitor := newMember("hostile@example.com")
	res, err := visitor.client.PostForm(srv.origin+"/signup", url.Values{"email": {"hostile@example.com"},
		"display_name": {name}, "password": {memberPassword}, "password_confirm": {memberPassword}})
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("sign-up with a hostile display name: %d, want 303", res.StatusCode)
	}
	summary := attrAttack + " " + emojiRTL
	details := htmlAttack + "\n" + sqlAttack + "\n" + emojiRTL + "\n" + strings.Repeat("é", 10_000)
	details = string([]rune(details)[:10_000]) // exactly the limit
	res, err = visitor.client.PostForm(srv.origin+item+"/reviews", url.Values{"review[rating]": {"5"},
		"review[summary]": {summary}, "review[details]": {details}})
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != item {
		t.Fatalf("review with hostile text: %d to %q, want 303 to %s", res.StatusCode, res.Header.Get("Location"), item)
	}
	var gotSummary, gotDetails, gotName string
	var id int64
	if err := db.raw(t).QueryRow(`SELECT r.id, r.summary, r.details, u.display_name FROM reviews r
		JOIN users u ON u.id = r.user_id WHERE u.email = 'hostile@example.com'`).Scan(&id, &gotSummary, &gotDetails, &gotName); err != nil {
		t.Fatal(err)
	}
	if gotSummary != summary || gotDetails != details || gotName != name {
		t.Errorf("hostile text not kept exactly:\nsummary %q\n   want %q\nname %q want %q\ndetails equal: %v",
			gotSummary, summary, gotName, name, gotDetails == details)
	}
	raws := []string{htmlAttack, attrAttack, `<b>bold</b>`, `"><b>`}
	for _, page := range []string{"/", line, item, item + "?sort=highest", line + "/feed.atom", item + "/feed.atom",
		"/reviews/" + fmt.Sprint(id) + "/edit", "/reviews/" + fmt.Sprint(id) + "/delete", "/account"} {
		body := get(t, visitor, srv.origin+page)
		for _, r := range raws {
			if strings.Contains(body, r) {
				t.Errorf("%s shows %q unescaped", page, r)
			}
		}
	}
	if body := get(t, visitor, srv.origin+item); !strings.Contains(body, "🚀🎉👍🏽 مرحبا بالعالم שלום") {
		t.Errorf("%s lost the emoji and right-to-left text", item)
	}
	var api struct {
		Reviews []struct {
			Summary, Details, Author string
		} `json:"reviews"`
	}
	itemID := apiItemID(t, srv.origin, item)
	if err := json.Unmarshal([]byte(get(t, visitor, fmt.Sprintf("%s/api/v1/items/%d/reviews", srv.origin, itemID))), &api); err != nil {
		t.Fatal(err)
	}
	if len(api.Reviews) != 1 || api.Reviews[0].Summary != summary || api.Reviews[0].Details != details || api.Reviews[0].Author != name {
		t.Errorf("the JSON API does not give the text back exactly: %+.300v", api.Reviews)
	}

	// Refused: the corpus. Each answer is a 4xx with a message, and nothing changes.
	form := func(rating, summary, details string) string {
		return url.Values{"review[rating]": {rating}, "review[summary]": {summary}, "review[details]": {details}}.Encode()
	}
	const fc = "application/x-www-form-urlencoded"
	other := paths[1] // an item the attacker has not reviewed: refusals are about the input
	big := strings.Repeat("a", 1<<20+1)
	var cases []hostileCase
	for _, rating := range []string{"0", "6", "4.5", "five", "1e309", "-1", "", "99999999999999999999", "５", "0x5", "+5e0"} {
		cases = append(cases, hostileCase{name: "rating " + rating, method: "POST", path: other + "/reviews", ctype: fc,
			body: form(rating, "A fine summary", ""), signedIn: true, want: 422, wantBody: "Choose a rating from 1 to 5 stars"})
	}
	cases = append(cases,
		hostileCase{name: "body over 1 MiB", method: "POST", path: other + "/reviews", ctype: fc,
			body: form("5", "Too long", big), signedIn: true, want: 413, wantBody: "1 MiB"},
		hostileCase{name: "sign-in body over 1 MiB", method: "POST", path: "/login", ctype: fc,
			body: "email=a%40b.c&password=" + big, want: 413, wantBody: "1 MiB"},
		hostileCase{name: "sign-up body over 1 MiB", method: "POST", path: "/signup", ctype: fc,
			body: "email=a%40b.c&display_name=" + big, want: 413, wantBody: "1 MiB"},
		hostileCase{name: "invalid UTF-8 summary", method: "POST", path: other + "/reviews", ctype: fc,
			body: form("4", "Good \xff\xfe stuff", ""), signedIn: true, want: 422, wantBody: "cannot be saved"},
		hostileCase{name: "NUL in summary", method: "POST", path: other + "/reviews", ctype: fc,
			body: form("4", "Good\x00stuff", ""), signedIn: true, want: 422, wantBody: "cannot be saved"},
		hostileCase{name: "NUL in details", method: "POST", path: other + "/reviews", ctype: fc,
			body: form("4", "Good stuff", "a\x00b"), signedIn: true, want: 422, wantBody: "cannot be saved"},
		hostileCase{name: "10,000-character summary", method: "POST", path: other + "/reviews", ctype: fc,
			body: form("4", strings.Repeat("ß", 10_000), ""), signedIn: true, want: 422, wantBody: "120 characters or fewer"},
		hostileCase{name: "10,001-character details", method: "POST", path: other + "/reviews", ctype: fc,
			body: form("4", "Good stuff", strings.Repeat("🚀", 10_001)), signedIn: true, want: 422, wantBody: "10,000 characters or fewer"},
		hostileCase{name: "summary of spaces and tabs", method: "POST", path: other + "/reviews", ctype: fc,
			body: form("4", " \t \r\n ", ""), signedIn: true, want: 422, wantBody: "Write a summary"},
		hostileCase{name: "duplicate rating fields, first bad", method: "POST", path: other + "/reviews", ctype: fc,
			body: "review[rating]=five&review[rating]=5&review[summary]=Dup+fields", signedIn: true, want: 422},
		hostileCase{name: "duplicate summary fields, first empty", method: "POST", path: other + "/reviews", ctype: fc,
			body: "review[rating]=5&review[summary]=&review[summary]=Second+one", signedIn: true, want: 422},
		hostileCase{name: "JSON body to a form", method: "POST", path: other + "/reviews", ctype: "application/json",
			body: `{"review[rating]":5,"review[summary]":"JSON here"}`, signedIn: true, want: 422},
		hostileCase{name: "text/plain body", method: "POST", path: other + "/reviews", ctype: "text/plain",
			body: form("5", "Plain text", ""), signedIn: true, want: 422},
		hostileCase{name: "multipart without a boundary", method: "POST", path: other + "/reviews", ctype: "multipart/form-data",
			body: form("5", "Multipart", ""), signedIn: true, want: 422},
		hostileCase{name: "broken content type", method: "POST", path: other + "/reviews", ctype: "application/x-www-form-urlencoded; ;;=",
			body: form("5", "Broken type", ""), signedIn: true, want: 400, wantBody: "could not be read"},
		hostileCase{name: "bad escape in the body", method: "POST", path: other + "/reviews", ctype: fc,
			body: "review[rating]=5&review[summary]=%zz%", signedIn: true, want: 400, wantBody: "could not be read"},
		hostileCase{name: "bad escape in the query", method: "POST", path: other + "/reviews?%zz", ctype: fc,
			body: form("5", "Query escape", ""), signedIn: true, want: 400},
		hostileCase{name: "SQL in the sign-in email", method: "POST", path: "/login", ctype: fc,
			body: url.Values{"email": {"' OR '1'='1"}, "password": {sqlAttack}}.Encode(), want: 422, wantBody: "do not match"},
		hostileCase{name: "invalid UTF-8 in the sign-in email", method: "POST", path: "/login", ctype: fc,
			body: url.Values{"email": {"ann\xff@example.com"}, "password": {memberPassword}}.Encode(), want: 422, wantBody: "do not match"},
		hostileCase{name: "NUL in the sign-in email", method: "POST", path: "/login", ctype: fc,
			body: url.Values{"email": {"ann\x00@example.com"}, "password": {memberPassword}}.Encode(), want: 422, wantBody: "do not match"},
		hostileCase{name: "invalid UTF-8 in the sign-up email", method: "POST", path: "/signup", ctype: fc,
			body: url.Values{"email": {"ann\xff@example.com"}, "display_name": {"Ann"}, "password": {memberPassword},
				"password_confirm": {memberPassword}}.Encode(), want: 422},
		hostileCase{name: "attribute breaking in the sign-in email", method: "POST", path: "/login", ctype: fc,
			body: url.Values{"email": {attrAttack + htmlAttack + "@example.com"}, "password": {"x"}}.Encode(), want: 422},
		hostileCase{name: "HTML in the sign-up fields", method: "POST", path: "/signup", ctype: fc,
			body: url.Values{"email": {htmlAttack}, "display_name": {attrAttack}, "password": {"x"}}.Encode(), want: 422},
		hostileCase{name: "NUL in the sign-up name", method: "POST", path: "/signup", ctype: fc,
			body: url.Values{"email": {"nul@example.com"}, "display_name": {"a\x00b"}, "password": {memberPassword},
				"password_confirm": {memberPassword}}.Encode(), want: 422},
		hostileCase{name: "cross-site post", method: "POST", path: other + "/reviews", ctype: fc, body: form("5", "Cross site", ""),
			header: http.Header{"Sec-Fetch-Site": {"cross-site"}}, signedIn: true, want: 403, wantBody: "another website"},
		// The catch-all route answers 404 for any method on a path it does not know.
		hostileCase{name: "API token of 10,000 characters", method: "GET", path: "/api/v1/me",
			header: http.Header{"Authorization": {"Bearer " + strings.Repeat("x", 10_000)}}, want: 401, wantBody: "not valid"},
		hostileCase{name: "API token with SQL", method: "GET", path: "/api/v1/categories",
			header: http.Header{"Authorization": {"Bearer sb_" + sqlAttack}}, want: 401, wantBody: "not valid"},
		hostileCase{name: "API token with invalid UTF-8", method: "GET", path: "/api/v1/categories",
			header: http.Header{"Authorization": {"Bearer \xff\xfe"}}, want: 401},
		hostileCase{name: "API basic auth", method: "GET", path: "/api/v1/me",
			header: http.Header{"Authorization": {"Basic YTpi"}}, want: 401, wantBody: "Bearer"},
		hostileCase{name: "wrong method", method: "PUT", path: item, want: 405},
		// net/http counts the limit loosely (64 KiB plus a read buffer), so well over it.
		hostileCase{name: "header of 256 KiB", method: "GET", path: "/", header: http.Header{"X-Big": {strings.Repeat("h", 256<<10)}}, want: 431},
	)
	for _, id := range []string{"abc", "-1", "0", "99999999999999999999", "1e309", "4.5", "%00", "1%20OR%201=1", "%3Cscript%3E"} {
		cases = append(cases,
			hostileCase{name: "review id " + id, method: "GET", path: "/reviews/" + id + "/edit", signedIn: true, want: 404},
			hostileCase{name: "delete review id " + id, method: "POST", path: "/reviews/" + id + "/delete", signedIn: true, want: 404},
			hostileCase{name: "helpful review id " + id, method: "POST", path: "/reviews/" + id + "/helpful", signedIn: true, want: 404},
			hostileCase{name: "API item id " + id, method: "GET", path: "/api/v1/items/" + id, want: 404},
			hostileCase{name: "API reviews item id " + id, method: "GET", path: "/api/v1/items/" + id + "/reviews", want: 404},
		)
	}
	for _, p := range []string{"limit=0", "limit=101", "limit=-1", "limit=abc", "limit=1e309", "page=0", "page=-5",
		"page=99999999999999999999", "page=4.5", "sort=" + url.QueryEscape(htmlAttack), "sort=%ff", "stars=0", "stars=6",
		"stars=4.5", "stars=five", "stars=" + url.QueryEscape(sqlAttack)} {
		cases = append(cases,
			hostileCase{name: "API " + p, method: "GET", path: fmt.Sprintf("/api/v1/items/%d/reviews?%s", itemID, p), want: 400},
		)
		if !strings.HasPrefix(p, "limit=") { // the item page shows 20 a page and has no limit
			cases = append(cases, hostileCase{name: "page " + p, method: "GET", path: item + "?" + p, want: 400})
		}
	}
	for _, p := range []string{"/c/" + url.PathEscape(htmlAttack) + "/x", "/c/ipads'%20OR%201=1--/x", "/c/%ff%fe/x", "/c/%00",
		"/api/v1/categories/" + url.PathEscape(sqlAttack), "/api/v1/categories/%ff/items", "/c/" + url.PathEscape(attrAttack) + "/feed.atom",
		"/static/%2e%2e/go.mod"} {
		cases = append(cases, hostileCase{name: "path " + p, method: "GET", path: p, want: 0})
	}
	// Dot segments: the router redirects to the cleaned path, which is not found.
	for _, p := range []string{"/reviews/1/edit/../../admin", "/static/../../etc/passwd", "/c/x/../../../go.mod"} {
		cases = append(cases, hostileCase{name: "path " + p, method: "GET", path: p, want: 404, follow: true})
	}
	for _, q := range []string{"items=", "items=a", "items=a,b,c,d,e", "items=" + url.QueryEscape(htmlAttack) + ",x",
		"items=%ff,%fe", "items=" + strings.Repeat("a,", 5000)} {
		cases = append(cases,
			hostileCase{name: "API compare " + q, method: "GET", path: "/api/v1/categories/" + strings.TrimPrefix(line, "/c/") + "/compare?" + q, want: 0},
			hostileCase{name: "compare " + q, method: "GET", path: line + "/compare?" + q, want: 0})
	}

	before, err := check.Checksums(ctx)
	if err != nil {
		t.Fatal(err)
	}
	anon := newMember("")
	follower := &http.Client{Timeout: 30 * time.Second}
	for _, c := range cases {
		client := anon.client
		if c.follow {
			client = follower
		}
		if c.signedIn {
			client = attacker.client
		}
		req, err := http.NewRequest(c.method, srv.origin+c.path, strings.NewReader(c.body))
		if err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		if c.ctype != "" {
			req.Header.Set("Content-Type", c.ctype)
		}
		maps.Copy(req.Header, c.header)
		res, err := client.Do(req)
		if err != nil {
			t.Errorf("%s: %v", c.name, err)
			continue
		}
		b, _ := io.ReadAll(res.Body)
		res.Body.Close()
		body := string(b)
		switch {
		case c.want != 0 && res.StatusCode != c.want:
			t.Errorf("%s: %s %.80s → %d, want %d\n%.300s", c.name, c.method, c.path, res.StatusCode, c.want, body)
		case res.StatusCode < 400 || res.StatusCode >= 500:
			t.Errorf("%s: %s %.80s → %d, want a 4xx\n%.300s", c.name, c.method, c.path, res.StatusCode, body)
		case c.wantBody != "" && !strings.Contains(body, c.wantBody):
			t.Errorf("%s: the answer lacks %q\n%.500s", c.name, c.wantBody, body)
		case len(strings.TrimSpace(body)) < 10:
			t.Errorf("%s: %d with no message: %q", c.name, res.StatusCode, body)
		}
		if strings.HasPrefix(c.path, "/api/") && res.StatusCode != 431 {
			var p struct{ Status int }
			if res.Header.Get("Content-Type") != "application/problem+json" || json.Unmarshal(b, &p) != nil || p.Status != res.StatusCode {
				t.Errorf("%s: API answer %q is not a problem document: %.200s", c.name, res.Header.Get("Content-Type"), body)
			}
		}
		for _, r := range raws {
			if strings.Contains(body, r) {
				t.Errorf("%s: the answer shows %q unescaped", c.name, r)
			}
		}
		after, err := check.Checksums(ctx)
		if err != nil {
			t.Fatal(err)
		}
		for _, table := range slices.Sorted(maps.Keys(before)) {
			if before[table] != after[table] {
				t.Errorf("%s changed table %s: %s → %s", c.name, table, before[table], after[table])
			}
		}
		before = after
	}

	slow := slowLoris(t, srv, 20)
	t.Logf("%s: hostile text kept exactly and escaped on 9 pages and in JSON; %d hostile requests refused with a 4xx "+
		"and nothing changed; %s", db.dialect, len(cases), slow)
}

// slowLoris opens n connections that send their headers a byte at a time and checks that the
// server still answers others meanwhile and closes the slow ones once its read-header timeout
// (5 s) has passed.
func slowLoris(t *testing.T, srv *server, n int) string {
	t.Helper()
	u, _ := url.Parse(srv.origin)
	start := time.Now()
	var wg sync.WaitGroup
	closedAfter := make([]time.Duration, n)
	for i := range n {
		conn, err := net.Dial("tcp", u.Host)
		if err != nil {
			t.Fatal(err)
		}
		defer conn.Close()
		wg.Add(1)
		go func() {
			defer wg.Done()
			partial := "GET / HTTP/1.1\r\nHost: " + u.Host + "\r\nX-Slow: "
			for j := 0; ; j++ {
				b := []byte{'a'}
				if j < len(partial) {
					b = []byte{partial[j]}
				}
				if _, err := conn.Write(b); err != nil {
					break
				}
				// Poll for the server's close between bytes.
				conn.SetReadDeadline(time.Now().Add(200 * time.Millisecond))
				var buf [512]byte
				if _, err := conn.Read(buf[:]); err != nil {
					if ne, ok := err.(net.Error); ok && ne.Timeout() {
						if time.Since(start) > 20*time.Second {
							break
						}
						continue
					}
					break
				}
				// The server answered (408 or 400) before closing: read on until it closes.
			}
			closedAfter[i] = time.Since(start)
		}()
	}
	// Meanwhile everyone else is served.
	for range 10 {
		res, err := http.Get(srv.origin + "/healthz")
		if err != nil || res.StatusCode != 200 {
			t.Errorf("during the slow-loris attack /healthz: %v", err)
		}
		if res != nil {
			res.Body.Close()
		}
		time.Sleep(50 * time.Millisecond)
	}
	wg.Wait()
	slowest := slices.Max(closedAfter)
	// The functional deadline: ReadHeaderTimeout is 5 s; a second of slack for the polling.
	if slowest > 7*time.Second {
		t.Errorf("slow-loris connections were held %s; the read-header timeout is 5 s", slowest.Round(time.Millisecond))
	}
	return fmt.Sprintf("%d slow-loris connections closed by the server within %s while others were served",
		n, slowest.Round(100*time.Millisecond))
}

// get returns the body of a GET that must answer 200.
func get(t *testing.T, m *member, u string) string {
	t.Helper()
	res, err := m.client.Get(u)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(res.Body)
	res.Body.Close()
	if res.StatusCode != 200 {
		t.Fatalf("GET %s: %d\n%.300s", u, res.StatusCode, b)
	}
	return string(b)
}

// apiItemID returns the id of the item whose page is at path, from the JSON API.
func apiItemID(t *testing.T, origin, path string) int64 {
	t.Helper()
	parts := strings.Split(path, "/")
	var items struct {
		Items []struct {
			ID   int64
			Slug string
		}
	}
	if err := json.Unmarshal([]byte(get(t, newMember(""), origin+"/api/v1/categories/"+parts[2]+"/items")), &items); err != nil {
		t.Fatal(err)
	}
	for _, it := range items.Items {
		if it.Slug == parts[3] {
			return it.ID
		}
	}
	t.Fatalf("no item %s in the API", path)
	return 0
}
