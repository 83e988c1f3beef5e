package reliability

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/starboard/starboard/internal/demo"
	"github.com/starboard/starboard/internal/store"
	"github.com/starboard/starboard/internal/web"
)

// TestPostgresRestartUnderLoad crashes PostgreSQL while clients read, checks that requests during
// the outage fail fast with 503 and /readyz says not ready, then restarts it and checks that every
// request succeeds again within 5 s without restarting Starboard.
func TestPostgresRestartUnderLoad(t *testing.T) {
	if testing.Short() {
		t.Skip("skipped in -short mode")
	}
	pg := newPGCluster(t)
	ctx := context.Background()
	s, err := store.Open(ctx, store.Options{Dialect: store.Postgres, DSN: pg.URL("postgres"), MaxConns: 8})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if err := s.Migrate(ctx, discard); err != nil {
		t.Fatal(err)
	}
	if _, err := demo.Load(ctx, s, demo.Size{}, false, nil); err != nil {
		t.Fatal(err)
	}
	h, err := web.New(s, web.Options{})
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(h)
	defer ts.Close()
	client := &http.Client{Timeout: 10 * time.Second}
	status := func(path string) int {
		res, err := client.Get(ts.URL + path)
		if err != nil {
			return -1
		}
		io.Copy(io.Discard, res.Body)
		res.Body.Close()
		return res.StatusCode
	}

	// Load: four clients reading the ranking API and the home page, counting answers by status.
	var stop atomic.Bool
	var counts sync.Map // status → *atomic.Int64
	var slowest atomic.Int64
	var wg sync.WaitGroup
	for i := range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			paths := []string{"/api/v1/categories/ipads", "/"}
			for n := 0; !stop.Load(); n++ {
				start := time.Now()
				code := status(paths[(i+n)%2])
				if d := time.Since(start); int64(d) > slowest.Load() {
					slowest.Store(int64(d))
				}
				v, _ := counts.LoadOrStore(code, new(atomic.Int64))
				v.(*atomic.Int64).Add(1)
			}
		}()
	}
	time.Sleep(500 * time.Millisecond)
	if status("/readyz") != 200 {
		t.Fatal("not ready before the crash")
	}

	pg.crash()
	waitFor(t, 5*time.Second, "readyz reports the outage", func() bool { return status("/readyz") == 503 })
	outageStart := time.Now()
	var during []int
	for range 20 {
		during = append(during, status("/api/v1/categories/ipads"))
	}
	outageRequestsTook := time.Since(outageStart)
	for _, code := range during {
		if code != http.StatusServiceUnavailable {
			t.Errorf("during the outage a request got %d, want 503: %v", code, during)
			break
		}
	}
	time.Sleep(time.Second)

	pg.start()
	recovered := waitFor(t, 5*time.Second, "every request succeeds after the restart", func() bool {
		for _, p := range []string{"/readyz", "/api/v1/categories/ipads", "/", "/api/v1/categories/books"} {
			if status(p) != 200 {
				return false
			}
		}
		return true
	})
	time.Sleep(500 * time.Millisecond)
	stop.Store(true)
	wg.Wait()

	// After recovery, a burst of requests all succeed (no poisoned pooled connections).
	for range 50 {
		if code := status("/api/v1/categories/ipads"); code != 200 {
			t.Fatalf("after recovery: %d", code)
		}
	}
	summary := map[int]int64{}
	counts.Range(func(k, v any) bool { summary[k.(int)] = v.(*atomic.Int64).Load(); return true })
	if summary[-1] > 0 {
		t.Errorf("%d requests failed at the transport level (hung or dropped), want 0", summary[-1])
	}
	for code := range summary {
		if code != 200 && code != 503 {
			t.Errorf("%d answers with status %d during the restart; want only 200 and 503", summary[code], code)
		}
	}
	t.Logf("answers by status %v; 20 requests during the outage took %s; recovered %s after restart; slowest request %s",
		summary, outageRequestsTook.Round(time.Millisecond), recovered.Round(time.Millisecond),
		time.Duration(slowest.Load()).Round(time.Millisecond))
}
