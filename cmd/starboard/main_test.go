package main

import (
	"bytes"
	"context"
	"net"
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/starboard/starboard/internal/auth"
	"github.com/starboard/starboard/internal/store"
	"github.com/starboard/starboard/internal/store/storetest"
)

// runCmd runs the command in-process with the given environment and returns its exit status and
// output.
func runCmd(t *testing.T, ctx context.Context, environ map[string]string, args ...string) (int, string, string) {
	t.Helper()
	var stdout, stderr bytes.Buffer
	code := run(ctx, append([]string{"starboard"}, args...), strings.NewReader(""), &stdout, &stderr,
		func(k string) string { return environ[k] })
	return code, stdout.String(), stderr.String()
}

func TestBadDatabaseURLs(t *testing.T) {
	t.Parallel()
	tests := []struct {
		url  string
		want string
	}{
		{"mysql://root@localhost/x", `unsupported scheme "mysql"`},
		{"postgres://postgres@127.0.0.1:1/nothing", "connection refused"},
		{"postgres://nobody@127.0.0.1:5432/nothing?sslmode=disable", "cannot use the database"},
		{"postgres://postgres:hunter2@127.0.0.1:1/nothing?sslmode=disable", "cannot use the database"},
		{"sqlite:/nonexistent-dir/deeper/x.db", "cannot use the database"},
	}
	for _, tt := range tests {
		code, _, stderr := runCmd(t, context.Background(), map[string]string{"DATABASE_URL": tt.url}, "migrate")
		if code != exitUsage {
			t.Errorf("%s: exit %d, want 2; stderr: %s", tt.url, code, stderr)
		}
		if !strings.Contains(stderr, tt.want) || !strings.Contains(stderr, "accepted forms") {
			t.Errorf("%s: stderr %q lacks %q and the accepted forms", tt.url, stderr, tt.want)
		}
		if strings.Count(strings.TrimSpace(stderr), "\n") > 0 || strings.Contains(stderr, "goroutine") {
			t.Errorf("%s: want one line, got %q", tt.url, stderr)
		}
		if strings.Contains(stderr, "hunter2") {
			t.Errorf("%s: the password leaked: %q", tt.url, stderr)
		}
	}
	if code, _, stderr := runCmd(t, context.Background(), map[string]string{"DYNO": "web.1"}, "migrate"); code != exitUsage ||
		!strings.Contains(stderr, "ephemeral") {
		t.Errorf("SQLite on Heroku: exit %d, stderr %q; want 2 and a refusal explaining the ephemeral filesystem", code, stderr)
	}
	for _, environ := range []map[string]string{{"TRUST_PROXY": "1"}, {"DYNO": "web.1", "DATABASE_URL": "postgres://u@127.0.0.1:1/x"}} {
		if code, _, stderr := runCmd(t, context.Background(), environ, "serve"); code != exitUsage ||
			!strings.Contains(stderr, "set BASE_URL") {
			t.Errorf("serve with %v and no BASE_URL: exit %d, stderr %q; want 2 saying to set BASE_URL", environ, code, stderr)
		}
	}
	if code, _, stderr := runCmd(t, context.Background(), nil, "serve", "--base-url", "example.com"); code != exitUsage ||
		!strings.Contains(stderr, "--base-url") {
		t.Errorf("serve --base-url example.com: exit %d, stderr %q; want 2 naming --base-url", code, stderr)
	}
	if code, _, _ := runCmd(t, context.Background(), nil, "launch"); code != exitUsage {
		t.Errorf("unknown command: exit %d, want 2", code)
	}
	if code, _, _ := runCmd(t, context.Background(), nil, "serve", "--port", "1"); code != exitUsage {
		t.Errorf("unknown flag: exit %d, want 2", code)
	}
}

func TestMigrateAndDemo(t *testing.T) {
	t.Parallel()
	for _, d := range []store.Dialect{store.SQLite, store.Postgres} {
		t.Run(string(d), func(t *testing.T) {
			opt := storetest.Options(t, d)
			db := opt.DSN
			if d == store.SQLite {
				db = "sqlite:" + db
			}
			env := map[string]string{"DATABASE_URL": db}
			ctx := context.Background()
			if code, out, errOut := runCmd(t, ctx, env, "migrate"); code != 0 || !strings.Contains(out, "schema version ") {
				t.Fatalf("migrate: %d %s %s", code, out, errOut)
			}
			if code, out, errOut := runCmd(t, ctx, env, "demo"); code != 0 || !strings.Contains(out, "loaded 3 product lines, 15 items") {
				t.Fatalf("demo: %d %s %s", code, out, errOut)
			}
			if code, _, errOut := runCmd(t, ctx, env, "demo"); code != exitUsage || !strings.Contains(errOut, "--force") {
				t.Errorf("second demo: %d %s, want a refusal naming --force", code, errOut)
			}
			code, out, errOut := runCmd(t, ctx, env, "demo", "--force", "--items", "30", "--reviews", "500")
			if code != 0 || !strings.Contains(out, "30 items") || !strings.Contains(out, "500 reviews") {
				t.Errorf("demo --force --items: %d %s %s", code, out, errOut)
			}
			s, err := store.Open(ctx, opt)
			if err != nil {
				t.Fatal(err)
			}
			defer s.Close()
			cats, _ := s.Categories(ctx)
			n := 0
			for _, c := range cats {
				n += c.ReviewCount
			}
			if len(cats) != 3 || n != 500 {
				t.Errorf("after forced reload: %d lines, %d reviews; want 3, 500", len(cats), n)
			}
		})
	}
}

func TestServeStopsCleanly(t *testing.T) {
	t.Parallel()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	ctx, cancel := context.WithCancel(context.Background())
	opt := storetest.Options(t, store.SQLite)
	env := map[string]string{"DATABASE_URL": "sqlite:" + opt.DSN, "LOG_FORMAT": "json"}
	done := make(chan struct {
		code   int
		stderr string
	})
	go func() {
		code, _, stderr := runCmd(t, ctx, env, "serve", "--demo", "--addr", addr)
		done <- struct {
			code   int
			stderr string
		}{code, stderr}
	}()
	var res *http.Response
	for range 100 {
		if res, err = http.Get("http://" + addr + "/api/v1/categories"); err == nil {
			break
		}
		time.Sleep(50 * time.Millisecond)
	}
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != 200 {
		t.Errorf("categories: %d", res.StatusCode)
	}
	cancel()
	got := <-done
	if got.code != 0 {
		t.Errorf("exit %d after cancel; stderr: %s", got.code, got.stderr)
	}
	for _, want := range []string{`"msg":"request"`, `"path":"/api/v1/categories"`, `"status":200`, `"duration":`, `"msg":"stopped"`} {
		if !strings.Contains(got.stderr, want) {
			t.Errorf("log lacks %s:\n%s", want, got.stderr)
		}
	}

	// The demo site has members but no admin: serve logged a setup address, and printed it for
	// a person too, whose token the database knows (hashed).
	m := regexp.MustCompile(`"setup_url":"(http://` + regexp.QuoteMeta(addr) + `/setup\?token=([A-Za-z0-9_-]{43}))"`).FindStringSubmatch(got.stderr)
	if m == nil {
		t.Fatalf("no setup address logged:\n%s", got.stderr)
	}
	if !strings.Contains(got.stderr, "\n    "+m[1]+"\n") {
		t.Errorf("the setup address is not printed on a line of its own:\n%s", got.stderr)
	}
	s, err := store.Open(context.Background(), opt)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if ok, err := s.SetupTokenValid(context.Background(), auth.HashToken(m[2]), time.Now().Add(-time.Hour)); err != nil || !ok {
		t.Errorf("the logged setup token is not valid: %v, %v", ok, err)
	}
}
