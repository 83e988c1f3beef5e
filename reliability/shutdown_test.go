package reliability

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/starboard/starboard/internal/store"
)

// TestGracefulShutdownUnderLoad sends SIGTERM to the real server while clients read pages and
// post reviews, and while several posts are half sent. Every request the server started gets a
// complete answer (the server's request log and the clients' complete answers agree one for
// one), the half-sent posts are answered and saved, and the process exits 0.
func TestGracefulShutdownUnderLoad(t *testing.T) {
	if testing.Short() {
		t.Skip("skipped in -short mode")
	}
	const loaders, slow = 6, 6
	db := newDatabase(t, store.SQLite)
	paths, emails := seed(t, db, 60, loaders+slow)
	srv := startServer(t, db, freeAddr(t))
	members := make([]*member, len(emails))
	for i, e := range emails {
		members[i] = newMember(e)
		members[i].login(t, srv.origin)
		// One connection per request: a keep-alive connection the server closes as idle while
		// a client sends on it would blur what "a request that started" means.
		members[i].client.Transport = &http.Transport{DisableKeepAlives: true}
	}

	var (
		answered, refusedConn, broken atomic.Int64
		mu                            sync.Mutex
		brokenErrs                    []string
		acked                         []string // summaries answered 303 to the item page
	)
	var stop atomic.Bool
	var wg sync.WaitGroup
	for i := range loaders {
		wg.Add(1)
		go func() {
			defer wg.Done()
			m := members[i]
			for n := 0; !stop.Load(); n++ {
				path := paths[n%len(paths)]
				var res *http.Response
				var err error
				summary := fmt.Sprintf("shutdown load %d-%d", i, n)
				switch {
				case n%3 == 2 && n < len(paths):
					res, err = m.client.PostForm(srv.origin+path+"/reviews", url.Values{"review[rating]": {"4"},
						"review[summary]": {summary}})
				case n%3 == 1:
					res, err = m.client.Get(srv.origin + path + "?sort=highest")
				default:
					res, err = m.client.Get(srv.origin + "/api/v1/items/" + fmt.Sprint(1+n%len(paths)))
				}
				if err == nil {
					_, err = io.Copy(io.Discard, res.Body)
					res.Body.Close()
					if err == nil {
						answered.Add(1)
						if res.StatusCode == http.StatusSeeOther && res.Header.Get("Location") == path {
							mu.Lock()
							acked = append(acked, summary)
							mu.Unlock()
						}
						continue
					}
					// An answer cut short: always a failure.
					broken.Add(1)
					mu.Lock()
					brokenErrs = append(brokenErrs, fmt.Sprintf("%s: status %d, body cut: %v", path, res.StatusCode, err))
					mu.Unlock()
					continue
				}
				if errors.Is(err, syscall.ECONNREFUSED) {
					refusedConn.Add(1)
					time.Sleep(5 * time.Millisecond)
					continue
				}
				// No answer at all: fine only if the server never started the request, which
				// the comparison with its log below decides.
				mu.Lock()
				brokenErrs = append(brokenErrs, fmt.Sprintf("%s: %v", path, err))
				mu.Unlock()
			}
		}()
	}

	// Half-sent review posts: headers and part of the body now, the rest after SIGTERM.
	type slowPost struct {
		conn    net.Conn
		body    string
		summary string
		path    string
	}
	posts := make([]slowPost, slow)
	for i := range posts {
		m := members[loaders+i]
		path := paths[len(paths)-1-i]
		summary := fmt.Sprintf("shutdown slow %d", i)
		body := url.Values{"review[rating]": {"5"}, "review[summary]": {summary},
			"review[details]": {strings.Repeat("Worth every penny. ", 20)}}.Encode()
		u, _ := url.Parse(srv.origin)
		var cookies []string
		for _, c := range m.client.Jar.Cookies(u) {
			cookies = append(cookies, c.Name+"="+c.Value)
		}
		conn, err := net.Dial("tcp", u.Host)
		if err != nil {
			t.Fatal(err)
		}
		defer conn.Close()
		fmt.Fprintf(conn, "POST %s/reviews HTTP/1.1\r\nHost: %s\r\nContent-Type: application/x-www-form-urlencoded\r\n"+
			"Cookie: %s\r\nContent-Length: %d\r\n\r\n%s", path, u.Host, strings.Join(cookies, "; "), len(body), body[:len(body)/2])
		posts[i] = slowPost{conn: conn, body: body[len(body)/2:], summary: summary, path: path}
	}

	time.Sleep(700 * time.Millisecond) // the load runs for a while; not a measurement
	if err := srv.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	signalled := time.Now()
	// The rest of each slow body, a piece at a time.
	for piece := 0; piece < 4; piece++ {
		time.Sleep(150 * time.Millisecond)
		for _, p := range posts {
			n := (len(p.body) + 3) / 4
			lo, hi := min(piece*n, len(p.body)), min((piece+1)*n, len(p.body))
			if _, err := io.WriteString(p.conn, p.body[lo:hi]); err != nil {
				t.Fatalf("slow post %s: the server dropped it in flight: %v", p.summary, err)
			}
		}
	}
	for _, p := range posts {
		p.conn.SetReadDeadline(time.Now().Add(30 * time.Second))
		res, err := http.ReadResponse(bufio.NewReader(p.conn), nil)
		if err != nil {
			t.Errorf("slow post %s: no answer: %v", p.summary, err)
			continue
		}
		_, err = io.Copy(io.Discard, res.Body)
		res.Body.Close()
		if err != nil || res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != p.path {
			t.Errorf("slow post %s: %d to %q, body %v; want a complete 303 to %s", p.summary, res.StatusCode,
				res.Header.Get("Location"), err, p.path)
			continue
		}
		acked = append(acked, p.summary)
	}
	exitErr := srv.wait(t, 30*time.Second)
	exitedAfter := time.Since(signalled)
	stop.Store(true)
	wg.Wait()
	if exitErr != nil {
		t.Errorf("exit after SIGTERM: %v, want status 0", exitErr)
	}

	// The server's log: one line per request it handled. Count the load's and the slow posts'.
	handled := 0
	for _, line := range strings.Split(srv.logs.String(), "\n") {
		if strings.Contains(line, `"msg":"request"`) && strings.Contains(line, `"path":"/`) &&
			(strings.Contains(line, `"path":"/c/`) || strings.Contains(line, `"path":"/api/v1/items/`)) {
			handled++
		}
	}
	if n := broken.Load(); n > 0 {
		t.Errorf("%d answers were cut short", n)
	}
	if want := int(answered.Load()) + slow; handled != want {
		t.Errorf("the server handled %d requests but clients got %d complete answers; errors: %v",
			handled, want, brokenErrs)
	}
	if answered.Load() < 50 {
		t.Errorf("only %d requests answered: the load did not run", answered.Load())
	}
	for _, line := range []string{`"msg":"shutting down`, `"msg":"stopped"`} {
		if !strings.Contains(srv.logs.String(), line) {
			t.Errorf("the log lacks %s", line)
		}
	}

	// Every acknowledged review is stored.
	raw := db.raw(t)
	for _, s := range acked {
		var n int
		if err := raw.QueryRow(`SELECT COUNT(*) FROM reviews WHERE summary = $1`, s).Scan(&n); err != nil {
			t.Fatal(err)
		}
		if n != 1 {
			t.Errorf("acknowledged review %q stored %d times, want once", s, n)
		}
	}
	t.Logf("SIGTERM with %d posts half sent and %d clients busy: %d complete answers (%d reviews acknowledged and stored), "+
		"%d connections refused after the listener closed, %d requests never started; exit 0 %s after SIGTERM",
		slow, loaders, answered.Load()+slow, len(acked), refusedConn.Load(), len(brokenErrs), exitedAfter.Round(time.Millisecond))
}
