package reliability

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	mrand "math/rand/v2"
	"net/http"
	"os"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/starboard/starboard/internal/store"
)

// EnvLedgerKills sets how many times the ledger test kills the server (default 20; the long
// form is 200).
const EnvLedgerKills = "STARBOARD_LEDGER_KILLS"

// outcome is what a client learnt about one review it posted.
type outcome uint8

const (
	pending outcome = iota // recorded before sending, no answer yet
	ok                     // 303 to the item page: the server said it is saved
	refused                // 4xx, or 303 saying the member already reviewed the item
	unknown                // transport error or 5xx: it may or may not be saved
)

// entry is one review in the ledger.
type entry struct {
	email   string
	rating  int
	outcome outcome
}

// ledger records every review the clients post, keyed by its unique summary.
type ledger struct {
	mu      sync.Mutex
	entries map[string]*entry
}

func (l *ledger) record(summary string, e *entry) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.entries[summary] = e
}

func (l *ledger) answer(summary string, o outcome) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.entries[summary].outcome = o
}

// TestAcknowledgedWritesSurviveKills is the acknowledged-write ledger: clients sign in and post
// reviews with unique summaries, recording each before sending it and again on its answer,
// while the server is killed with SIGKILL at random moments and restarted. Afterwards every
// acknowledged review is stored exactly once, every refused one is absent, every one whose
// answer was lost is stored at most once, item_stats matches a fresh count, and SQLite's
// integrity check passes.
func TestAcknowledgedWritesSurviveKills(t *testing.T) {
	if testing.Short() {
		t.Skip("skipped in -short mode")
	}
	kills := 20
	if v := os.Getenv(EnvLedgerKills); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 {
			t.Fatalf("%s=%q: want a positive whole number", EnvLedgerKills, v)
		}
		kills = n
	}
	for _, d := range []store.Dialect{store.SQLite, store.Postgres} {
		t.Run(string(d), func(t *testing.T) { runLedger(t, newDatabase(t, d), kills) })
	}
}

func runLedger(t *testing.T, db database, kills int) {
	const clients = 6
	// Enough (member, item) pairs that the clients do not run out before the last kill.
	membersPerClient := max(10, kills/2)
	paths, emails := seed(t, db, 300, clients*membersPerClient)
	addr := freeAddr(t)
	start := time.Now()
	srv := startServer(t, db, addr)
	origin := srv.origin

	members := make([]*member, len(emails))
	for i, e := range emails {
		members[i] = newMember(e)
		members[i].login(t, origin)
	}

	run := strings.ToLower(rand.Text()[:6])
	led := &ledger{entries: map[string]*entry{}}
	var stop atomic.Bool
	var notSent, conflicts, lostSession atomic.Int64
	var wg sync.WaitGroup
	for c := range clients {
		wg.Add(1)
		go func() {
			defer wg.Done()
			rng := mrand.New(mrand.NewPCG(uint64(c), uint64(time.Now().UnixNano())))
			mine := members[c*membersPerClient : (c+1)*membersPerClient]
			// Every (member, item) pair once, in a random order: a pair is never reused, so a
			// lost answer cannot turn a later post into a conflict.
			pairs := make([][2]int, 0, len(mine)*len(paths))
			for m := range mine {
				for p := range paths {
					pairs = append(pairs, [2]int{m, p})
				}
			}
			rng.Shuffle(len(pairs), func(i, j int) { pairs[i], pairs[j] = pairs[j], pairs[i] })
			for n, pair := range pairs {
				if stop.Load() {
					return
				}
				time.Sleep(time.Duration(rng.IntN(5)) * time.Millisecond) // a crowd, not a flood
				m, path := mine[pair[0]], paths[pair[1]]
				summary := fmt.Sprintf("ledger %s c%d n%d", run, c, n)
				rating := 1 + rng.IntN(5)
				if rng.IntN(10) == 0 {
					rating = []int{0, 6}[rng.IntN(2)] // refused with 422
				}
				led.record(summary, &entry{email: m.email, rating: rating})
				for {
					res, err := m.postReview(origin, path, rating, summary)
					switch {
					case errors.Is(err, syscall.ECONNREFUSED):
						// The server is down: nothing was sent, so the same post is tried again.
						notSent.Add(1)
						if stop.Load() {
							led.answer(summary, refused)
							return
						}
						time.Sleep(10 * time.Millisecond)
						continue
					case err != nil:
						led.answer(summary, unknown)
					case res.StatusCode == http.StatusSeeOther && res.Header.Get("Location") == path:
						led.answer(summary, ok)
					case res.StatusCode == http.StatusSeeOther && res.Header.Get("Location") == path+"#your-review":
						conflicts.Add(1)
						led.answer(summary, refused)
					case res.StatusCode == http.StatusSeeOther:
						// Sent to sign in: the session did not survive.
						lostSession.Add(1)
						led.answer(summary, refused)
					case res.StatusCode >= 400 && res.StatusCode < 500:
						led.answer(summary, refused)
					default:
						led.answer(summary, unknown)
					}
					break
				}
			}
		}()
	}

	rng := mrand.New(mrand.NewPCG(uint64(time.Now().UnixNano()), 8))
	for range kills {
		time.Sleep(time.Duration(50+rng.IntN(450)) * time.Millisecond)
		srv.kill(t)
		srv = startServer(t, db, addr)
	}
	time.Sleep(300 * time.Millisecond)
	stop.Store(true)
	wg.Wait()
	if err := srv.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	if err := srv.wait(t, 30*time.Second); err != nil {
		t.Errorf("last server after SIGTERM: %v, want exit 0", err)
	}

	// What the database holds.
	type stored struct {
		email  string
		rating int
	}
	got := map[string][]stored{}
	rows, err := db.raw(t).Query(`SELECT r.summary, u.email, r.rating FROM reviews r JOIN users u ON u.id = r.user_id
		WHERE r.summary LIKE 'ledger %'`)
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var summary string
		var s stored
		if err := rows.Scan(&summary, &s.email, &s.rating); err != nil {
			t.Fatal(err)
		}
		got[summary] = append(got[summary], s)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	rows.Close()

	counts := map[outcome]int{}
	unknownStored := 0
	for summary, e := range led.entries {
		counts[e.outcome]++
		rows := got[summary]
		for _, r := range rows {
			if r.email != e.email || r.rating != e.rating {
				t.Errorf("%q stored as (%s, %d★), posted as (%s, %d★)", summary, r.email, r.rating, e.email, e.rating)
			}
		}
		switch e.outcome {
		case ok:
			if len(rows) != 1 {
				t.Errorf("acknowledged review %q stored %d times, want exactly once", summary, len(rows))
			}
		case refused:
			if len(rows) != 0 {
				t.Errorf("refused review %q stored %d times, want never", summary, len(rows))
			}
		case unknown, pending:
			if len(rows) > 1 {
				t.Errorf("review %q with a lost answer stored %d times, want at most once", summary, len(rows))
			}
			unknownStored += len(rows)
		}
	}
	for summary := range got {
		if led.entries[summary] == nil {
			t.Errorf("review %q is stored but was never posted", summary)
		}
	}
	if n := lostSession.Load(); n > 0 {
		t.Errorf("%d posts were sent to sign in again: a session did not survive a kill", n)
	}
	if n := conflicts.Load(); n > 0 {
		t.Errorf("%d posts were answered 'already reviewed' for a pair never posted before", n)
	}
	if counts[ok] < kills {
		t.Errorf("only %d writes acknowledged over %d kills: the test did not exercise the server", counts[ok], kills)
	}

	check := db.open(t)
	ctx := context.Background()
	if drift, err := check.StatsDrift(ctx); err != nil {
		t.Fatal(err)
	} else if len(drift) > 0 {
		t.Errorf("item_stats differs from a fresh count for items %v", drift)
	}
	if db.dialect == store.SQLite {
		var res string
		if err := db.raw(t).QueryRow(`PRAGMA integrity_check`).Scan(&res); err != nil {
			t.Fatal(err)
		}
		if res != "ok" {
			t.Errorf("PRAGMA integrity_check: %s", res)
		}
	}
	t.Logf("%s: %d kills in %s; %d reviews posted: %d acknowledged, %d refused, %d unknown (%d of them stored); "+
		"%d posts retried while the server was down",
		db.dialect, kills, time.Since(start).Round(time.Millisecond), len(led.entries), counts[ok], counts[refused],
		counts[unknown]+counts[pending], unknownStored, notSent.Load())
}
