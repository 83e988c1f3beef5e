package reliability

import (
	"fmt"
	"log/slog"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// pgCluster is a private PostgreSQL server this test starts, stops and restarts itself, on its
// own port and data directory, so killing it disturbs nothing else on the machine.
type pgCluster struct {
	bin  string // folder holding initdb, pg_ctl
	dir  string // data directory, owned by the postgres user
	port int
	t    testing.TB
}

// newPGCluster initialises and starts a private cluster, stopped and removed when the test ends.
// It skips the test (fails under CI) when PostgreSQL's server binaries are not installed.
func newPGCluster(t testing.TB) *pgCluster {
	t.Helper()
	bins, _ := filepath.Glob("/usr/lib/postgresql/*/bin/pg_ctl")
	if len(bins) == 0 {
		if os.Getenv("CI") != "" {
			t.Fatal("PostgreSQL server binaries not found under /usr/lib/postgresql")
		}
		t.Skip("private PostgreSQL cluster skipped: no /usr/lib/postgresql/*/bin/pg_ctl")
	}
	c := &pgCluster{bin: filepath.Dir(bins[len(bins)-1]), t: t, port: freePort(t)}
	parent, err := os.MkdirTemp("", "starboard-pg-")
	if err != nil {
		t.Fatal(err)
	}
	c.dir = filepath.Join(parent, "data")
	t.Cleanup(func() {
		c.ctl("stop", "-m", "immediate")
		os.RemoveAll(parent)
	})
	if os.Geteuid() == 0 {
		// initdb refuses to run as root: the cluster belongs to the postgres user.
		if err := exec.Command("chown", "postgres:", parent).Run(); err != nil {
			t.Fatalf("chown: %v", err)
		}
	}
	if out, err := c.command("initdb", "-D", c.dir, "-A", "trust", "-U", "postgres", "--no-sync").CombinedOutput(); err != nil {
		t.Fatalf("initdb: %v\n%s", err, out)
	}
	c.start()
	return c
}

// URL returns the cluster's connection URL for the given database.
func (c *pgCluster) URL(db string) string {
	return fmt.Sprintf("postgres://postgres@127.0.0.1:%d/%s?sslmode=disable", c.port, db)
}

func (c *pgCluster) command(name string, args ...string) *exec.Cmd {
	path := filepath.Join(c.bin, name)
	if os.Geteuid() == 0 {
		return exec.Command("runuser", append([]string{"-u", "postgres", "--", path}, args...)...)
	}
	return exec.Command(path, args...)
}

func (c *pgCluster) ctl(args ...string) ([]byte, error) {
	return c.command("pg_ctl", append([]string{"-D", c.dir, "-w", "-t", "30"}, args...)...).CombinedOutput()
}

// start starts the server and waits until it accepts connections.
func (c *pgCluster) start() {
	c.t.Helper()
	opts := fmt.Sprintf("-p %d -c listen_addresses=127.0.0.1 -k %s -c fsync=off", c.port, c.dir)
	if out, err := c.ctl("start", "-l", filepath.Join(c.dir, "server.log"), "-o", opts); err != nil {
		c.t.Fatalf("pg_ctl start: %v\n%s", err, out)
	}
}

// crash stops the server the hard way, as a crash or an operator's kill would.
func (c *pgCluster) crash() {
	c.t.Helper()
	if out, err := c.ctl("stop", "-m", "immediate"); err != nil && !strings.Contains(string(out), "not running") {
		c.t.Fatalf("pg_ctl stop: %v\n%s", err, out)
	}
}

func freePort(t testing.TB) int {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port
}

// waitFor polls cond every 50 ms until it holds or the deadline passes, and returns how long it
// took.
func waitFor(t testing.TB, deadline time.Duration, what string, cond func() bool) time.Duration {
	t.Helper()
	start := time.Now()
	for !cond() {
		if time.Since(start) > deadline {
			t.Fatalf("%s: not within %s", what, deadline)
		}
		time.Sleep(50 * time.Millisecond)
	}
	return time.Since(start)
}

var discard = slog.New(slog.DiscardHandler)
