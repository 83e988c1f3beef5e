package main

import (
	"bufio"
	"bytes"
	"context"
	"crypto/rand"
	"database/sql"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/starboard/starboard/internal/store/storetest"
)

// TestHerokuRelease plays a Heroku deploy on this machine with the real binary: the release
// phase (starboard migrate) against a fresh PostgreSQL database named by a Heroku-shaped
// DATABASE_URL (no sslmode), a one-off dyno loading the demo data, then the web dyno on $PORT:
// /readyz and a page answer, the container health check passes, and SIGTERM during a slow
// request lets that request finish with its full answer before the process exits 0 (Heroku
// allows 30 s).
func TestHerokuRelease(t *testing.T) {
	base := os.Getenv(storetest.EnvPostgres)
	if base == "" {
		if os.Getenv("CI") != "" {
			t.Fatalf("%s is not set: under CI the deploy test must run", storetest.EnvPostgres)
		}
		t.Skipf("deploy test skipped: set %s=postgres://... to run it", storetest.EnvPostgres)
	}
	t.Parallel()
	dbURL := freshDatabase(t, base)
	bin := filepath.Join(t.TempDir(), "starboard")
	build := exec.Command("go", "build", "-o", bin, ".")
	build.Env = append(os.Environ(), "CGO_ENABLED=0")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	port := freePort(t)
	heroku := []string{"DATABASE_URL=" + dbURL, "PORT=" + port, "TRUST_PROXY=1", "LOG_FORMAT=json",
		"BASE_URL=https://starboard.example"}
	dyno := func(name string, args ...string) *exec.Cmd {
		cmd := exec.Command(bin, args...)
		cmd.Env = append([]string{"DYNO=" + name}, heroku...)
		return cmd
	}

	// Release phase, then a one-off dyno.
	if out, err := dyno("release.1", "migrate").CombinedOutput(); err != nil || !strings.Contains(string(out), "schema version") {
		t.Fatalf("release (starboard migrate): %v\n%s", err, out)
	}
	if out, err := dyno("run.1", "demo").CombinedOutput(); err != nil {
		t.Fatalf("starboard demo: %v\n%s", err, out)
	}

	// The web dyno.
	web := dyno("web.1", "serve")
	var logs syncBuffer
	web.Stdout, web.Stderr = &logs, &logs
	if err := web.Start(); err != nil {
		t.Fatal(err)
	}
	exited := make(chan error, 1)
	go func() { exited <- web.Wait() }()
	t.Cleanup(func() {
		web.Process.Kill()
		if t.Failed() {
			t.Logf("web dyno log:\n%s", logs.String())
		}
	})
	origin := "http://127.0.0.1:" + port
	waitReady(t, origin+"/readyz", exited)

	res, err := http.Get(origin + "/")
	if err != nil {
		t.Fatal(err)
	}
	page, _ := io.ReadAll(res.Body)
	res.Body.Close()
	if res.StatusCode != 200 || !bytes.Contains(page, []byte("iPads")) || !bytes.Contains(page, []byte("</html>")) {
		t.Errorf("GET /: %d\n%.500s", res.StatusCode, page)
	}
	if out, err := dyno("web.1", "healthcheck").CombinedOutput(); err != nil {
		t.Errorf("starboard healthcheck: %v\n%s", err, out)
	}

	// A slow request: a form whose body the client sends a little at a time. The server cannot
	// answer before the body has all arrived, so the request is in flight when SIGTERM comes.
	body := "email=slow%40example.com&password=" + strings.Repeat("x", 40)
	conn, err := net.Dial("tcp", "127.0.0.1:"+port)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	fmt.Fprintf(conn, "POST /login HTTP/1.1\r\nHost: 127.0.0.1:%s\r\nContent-Type: application/x-www-form-urlencoded\r\n"+
		"Content-Length: %d\r\n\r\n%s", port, len(body), body[:10])
	time.Sleep(300 * time.Millisecond) // lets the server read the headers; not a measurement
	if err := web.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	signalled := time.Now()
	for rest := body[10:]; rest != ""; {
		n := min(5, len(rest))
		if n == len(rest) {
			// Before the last piece the request cannot be complete: a server that did not wait
			// for requests in flight would be gone by now.
			select {
			case err := <-exited:
				t.Fatalf("the web dyno exited (%v) while a request was in flight", err)
			default:
			}
		}
		if _, err := io.WriteString(conn, rest[:n]); err != nil {
			t.Fatalf("the server dropped the request in flight: %v", err)
		}
		rest = rest[n:]
		time.Sleep(150 * time.Millisecond)
	}
	conn.SetReadDeadline(time.Now().Add(30 * time.Second))
	slow, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if err != nil {
		t.Fatalf("no answer to the request in flight: %v", err)
	}
	answer, err := io.ReadAll(slow.Body)
	slow.Body.Close()
	if err != nil || slow.StatusCode >= 500 || len(answer) == 0 ||
		(slow.ContentLength >= 0 && int64(len(answer)) != slow.ContentLength) {
		t.Errorf("request in flight: status %d, %d of %d bytes, %v", slow.StatusCode, len(answer), slow.ContentLength, err)
	}

	select {
	case err := <-exited:
		if err != nil {
			t.Errorf("web dyno exit after SIGTERM: %v, want status 0", err)
		}
		t.Logf("web dyno exited %s after SIGTERM", time.Since(signalled).Round(time.Millisecond))
	case <-time.After(30*time.Second - time.Since(signalled)):
		t.Fatal("the web dyno was still running 30 s after SIGTERM (Heroku would kill it)")
	}
	log := logs.String()
	for _, want := range []string{`"msg":"shutting down`, `"method":"POST","path":"/login"`, `"msg":"stopped"`} {
		if !strings.Contains(log, want) {
			t.Errorf("the web dyno's log lacks %s:\n%s", want, log)
		}
	}
}

// freshDatabase creates an empty database on the test server, dropped when the test ends, and
// returns a URL to it shaped like Heroku's: postgres://USER@HOST:PORT/NAME, no parameters.
func freshDatabase(t *testing.T, base string) string {
	t.Helper()
	admin, err := sql.Open("pgx", base)
	if err != nil {
		t.Fatal(err)
	}
	defer admin.Close()
	name := "sbdeploy_" + strings.ToLower(rand.Text()[:12])
	if _, err := admin.Exec(`CREATE DATABASE ` + name); err != nil {
		t.Fatalf("create database: %v", err)
	}
	t.Cleanup(func() {
		db, err := sql.Open("pgx", base)
		if err != nil {
			t.Error(err)
			return
		}
		defer db.Close()
		if _, err := db.Exec(`DROP DATABASE IF EXISTS ` + name + ` WITH (FORCE)`); err != nil {
			t.Errorf("drop database %s: %v", name, err)
		}
	})
	u, err := url.Parse(base)
	if err != nil {
		t.Fatal(err)
	}
	return (&url.URL{Scheme: "postgres", User: u.User, Host: u.Host, Path: "/" + name}).String()
}

func freePort(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return strconv.Itoa(ln.Addr().(*net.TCPAddr).Port)
}

// waitReady polls url until it answers 200, failing if the process exits first or 30 s pass.
func waitReady(t *testing.T, url string, exited <-chan error) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	for {
		res, err := http.Get(url)
		if err == nil {
			res.Body.Close()
			if res.StatusCode == 200 {
				return
			}
		}
		select {
		case err := <-exited:
			t.Fatalf("the web dyno exited before it was ready: %v", err)
		case <-ctx.Done():
			t.Fatalf("%s not ready after 30 s (last: %v)", url, err)
		case <-time.After(100 * time.Millisecond):
		}
	}
}

// syncBuffer is a bytes.Buffer safe for a process's output and the test to share.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}
