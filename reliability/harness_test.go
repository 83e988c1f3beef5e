package reliability

import (
	"bytes"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/starboard/starboard/internal/auth"
	"github.com/starboard/starboard/internal/demo"
	"github.com/starboard/starboard/internal/store"
	"github.com/starboard/starboard/internal/store/storetest"
)

// The tests here drive the real binary: built once per test run, started as `starboard serve`
// on 127.0.0.1, killed and restarted by the test.

var (
	buildOnce sync.Once
	binPath   string
	buildErr  error
	buildDir  string
)

func TestMain(m *testing.M) {
	code := m.Run()
	if buildDir != "" {
		os.RemoveAll(buildDir)
	}
	os.Exit(code)
}

// starboardBinary builds cmd/starboard once and returns its path.
func starboardBinary(t testing.TB) string {
	t.Helper()
	buildOnce.Do(func() {
		buildDir, buildErr = os.MkdirTemp("", "starboard-bin-")
		if buildErr != nil {
			return
		}
		binPath = filepath.Join(buildDir, "starboard")
		cmd := exec.Command("go", "build", "-o", binPath, "github.com/starboard/starboard/cmd/starboard")
		cmd.Env = append(os.Environ(), "CGO_ENABLED=0")
		if out, err := cmd.CombinedOutput(); err != nil {
			buildErr = fmt.Errorf("go build: %v\n%s", err, out)
		}
	})
	if buildErr != nil {
		t.Fatal(buildErr)
	}
	return binPath
}

// database is one throwaway database the binary serves: its --db argument and its dialect.
type database struct {
	dialect store.Dialect
	dsn     string // a SQLite file path or a PostgreSQL URL
}

// newDatabase returns a fresh, empty database: a SQLite file in a temporary folder, or a
// PostgreSQL schema on STARBOARD_TEST_POSTGRES (skipped without it, failed under CI).
func newDatabase(t *testing.T, d store.Dialect) database {
	t.Helper()
	opt := storetest.Options(t, d)
	return database{dialect: d, dsn: opt.DSN}
}

// open opens the database as the test's own client, closed when the test ends.
func (db database) open(t testing.TB) *store.Store {
	t.Helper()
	s, err := store.Open(context.Background(), store.Options{Dialect: db.dialect, DSN: db.dsn, MaxConns: 4})
	if err != nil {
		t.Fatalf("open %s: %v", db.dialect, err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

// raw opens the database with database/sql, for the queries the store does not offer.
func (db database) raw(t testing.TB) *sql.DB {
	t.Helper()
	driver := "pgx"
	if db.dialect == store.SQLite {
		driver = "sqlite"
	}
	d, err := sql.Open(driver, db.dsn)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { d.Close() })
	return d
}

// memberPassword is every test member's password.
const memberPassword = "correct horse battery staple"

// seed migrates the database, loads a generated catalogue of items (no reviews) and creates
// members with memberPassword, returning the items' page paths and the members' emails.
func seed(t *testing.T, db database, items, members int) (paths []string, emails []string) {
	t.Helper()
	ctx := context.Background()
	s := db.open(t)
	if err := s.Migrate(ctx, discard); err != nil {
		t.Fatal(err)
	}
	if _, err := demo.Load(ctx, s, demo.Size{Items: items}, false, nil); err != nil {
		t.Fatalf("demo: %v", err)
	}
	cats, err := s.Categories(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range cats {
		its, err := s.ItemsByCategory(ctx, c.ID)
		if err != nil {
			t.Fatal(err)
		}
		for _, it := range its {
			paths = append(paths, "/c/"+url.PathEscape(c.Slug)+"/"+url.PathEscape(it.Slug))
		}
	}
	hash := auth.HashPassword(memberPassword)
	users := make([]store.User, members)
	for i := range users {
		users[i] = store.User{Email: fmt.Sprintf("member%d@example.com", i), DisplayName: fmt.Sprintf("Member %d", i),
			PasswordHash: hash}
		emails = append(emails, users[i].Email)
	}
	if err := s.CreateUsers(ctx, users); err != nil {
		t.Fatalf("create users: %v", err)
	}
	return paths, emails
}

// server is one `starboard serve` process.
type server struct {
	cmd    *exec.Cmd
	origin string
	logs   *syncBuffer
	exited chan error // receives Wait's result once
}

// serverEnv returns the environment a test server runs with: nothing of the test's own.
func serverEnv(extra ...string) []string {
	return append([]string{"PATH=" + os.Getenv("PATH"), "HOME=" + os.TempDir(), "LOG_FORMAT=json"}, extra...)
}

// startServer starts `starboard serve` on addr (host:port) over db and waits until /readyz
// answers 200. The process is killed when the test ends if it is still running.
func startServer(t testing.TB, db database, addr string, extra ...string) *server {
	t.Helper()
	bin := starboardBinary(t)
	cmd := exec.Command(bin, "serve", "--addr", addr, "--db", db.dsn, "--pool", "8")
	cmd.Env = serverEnv(extra...)
	logs := &syncBuffer{}
	cmd.Stdout, cmd.Stderr = logs, logs
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	s := &server{cmd: cmd, origin: "http://" + addr, logs: logs, exited: make(chan error, 1)}
	go func() { s.exited <- cmd.Wait() }()
	t.Cleanup(func() {
		cmd.Process.Kill()
		if t.Failed() {
			t.Logf("server log (last 4 KiB):\n%s", tail(logs.String(), 4096))
		}
	})
	s.waitReady(t)
	return s
}

// waitReady polls /readyz until it answers 200; the process exiting first, or 30 s, fail the test.
func (s *server) waitReady(t testing.TB) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	client := &http.Client{Timeout: 2 * time.Second}
	for {
		res, err := client.Get(s.origin + "/readyz")
		if err == nil {
			io.Copy(io.Discard, res.Body)
			res.Body.Close()
			if res.StatusCode == 200 {
				return
			}
		}
		select {
		case err := <-s.exited:
			s.exited <- err
			t.Fatalf("starboard serve exited before it was ready: %v\n%s", err, tail(s.logs.String(), 4096))
		case <-time.After(20 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s/readyz not ready after 30 s (last: %v)", s.origin, err)
		}
	}
}

// kill sends SIGKILL and waits for the process to be gone.
func (s *server) kill(t testing.TB) {
	t.Helper()
	if err := s.cmd.Process.Signal(syscall.SIGKILL); err != nil && !errors.Is(err, os.ErrProcessDone) {
		t.Fatal(err)
	}
	s.wait(t, 10*time.Second)
}

// wait returns the process's exit error, failing the test if it does not exit within d.
func (s *server) wait(t testing.TB, d time.Duration) error {
	t.Helper()
	select {
	case err := <-s.exited:
		s.exited <- err
		return err
	case <-time.After(d):
		t.Fatalf("starboard serve still running %s later", d)
		return nil
	}
}

// member is a signed-in client with its own cookie jar that does not follow redirects.
type member struct {
	email  string
	client *http.Client
}

func newMember(email string) *member {
	jar, _ := cookiejar.New(nil)
	return &member{email: email, client: &http.Client{
		Jar:           jar,
		Timeout:       30 * time.Second,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}}
}

// login signs the member in through the sign-in form.
func (m *member) login(t testing.TB, origin string) {
	t.Helper()
	res, err := m.client.PostForm(origin+"/login", url.Values{"email": {m.email}, "password": {memberPassword}})
	if err != nil {
		t.Fatalf("sign in %s: %v", m.email, err)
	}
	body, _ := io.ReadAll(res.Body)
	res.Body.Close()
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("sign in %s: %d\n%.400s", m.email, res.StatusCode, body)
	}
}

// postReview posts the review form for the item at path.
func (m *member) postReview(origin, path string, rating int, summary string) (*http.Response, error) {
	form := url.Values{"review[rating]": {strconv.Itoa(rating)}, "review[summary]": {summary},
		"review[details]": {"Written by the reliability tests."}}
	res, err := m.client.PostForm(origin+path+"/reviews", form)
	if err != nil {
		return nil, err
	}
	_, err = io.Copy(io.Discard, res.Body)
	res.Body.Close()
	if err != nil {
		return nil, err
	}
	return res, nil
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

func tail(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return "…" + s[len(s)-n:]
}

// addr returns a free 127.0.0.1 address.
func freeAddr(t testing.TB) string {
	return "127.0.0.1:" + strconv.Itoa(freePort(t))
}
