package reliability

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"

	"github.com/starboard/starboard/internal/store"
)

// TestTwoInstancesOnePostgres runs two servers on one PostgreSQL database. Members sign in on
// A and are signed in on B too; then every member posts a review of the same few items on both
// instances at once, edits it on the other and some delete it, all members together. Exactly
// one review per member and item is stored, item_stats matches a fresh count, and it matches
// the counts the clients' acknowledged writes add up to: no update was lost.
func TestTwoInstancesOnePostgres(t *testing.T) {
	if testing.Short() {
		t.Skip("skipped in -short mode")
	}
	const nMembers, nItems = 24, 4
	db := newDatabase(t, store.Postgres)
	paths, emails := seed(t, db, 30, nMembers)
	paths = paths[:nItems]
	a := startServer(t, db, freeAddr(t))
	b := startServer(t, db, freeAddr(t))
	instances := []*server{a, b}

	members := make([]*member, nMembers)
	for i, e := range emails {
		members[i] = newMember(e)
		members[i].login(t, a.origin)
		// The cookie jar keys cookies by host, not port: the session cookie from A goes to B.
		res, err := members[i].client.Get(b.origin + "/account")
		if err != nil {
			t.Fatal(err)
		}
		io.Copy(io.Discard, res.Body)
		res.Body.Close()
		if res.StatusCode != http.StatusOK {
			t.Fatalf("%s signed in on A, /account on B: %d (Location %q), want 200", e, res.StatusCode, res.Header.Get("Location"))
		}
	}

	raw := db.raw(t)
	// want[path][k-1] counts the k-star reviews the acknowledged writes leave.
	want := make(map[string]*[5]int, nItems)
	for _, p := range paths {
		want[p] = new([5]int)
	}
	var mu sync.Mutex
	var errs []string
	fail := func(format string, args ...any) {
		mu.Lock()
		defer mu.Unlock()
		errs = append(errs, fmt.Sprintf(format, args...))
	}
	post := func(m *member, origin, path string, form url.Values) (*http.Response, bool) {
		res, err := m.client.PostForm(origin+path, form)
		if err != nil {
			fail("POST %s%s: %v", origin, path, err)
			return nil, false
		}
		io.Copy(io.Discard, res.Body)
		res.Body.Close()
		return res, true
	}
	var wg sync.WaitGroup
	for mi, m := range members {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for pi, path := range paths {
				// The same member posts the same item on both instances at once: one wins.
				var twice sync.WaitGroup
				oks := make([]bool, 2)
				for k, inst := range instances {
					twice.Add(1)
					go func() {
						defer twice.Done()
						form := url.Values{"review[rating]": {fmt.Sprint(1 + (mi+pi+k)%5)},
							"review[summary]": {fmt.Sprintf("two instances m%d i%d on %c", mi, pi, 'A'+k)}}
						res, ok := post(m, inst.origin, path+"/reviews", form)
						switch {
						case !ok:
						case res.StatusCode == http.StatusSeeOther && res.Header.Get("Location") == path:
							oks[k] = true
						case res.StatusCode == http.StatusSeeOther && res.Header.Get("Location") == path+"#your-review":
						default:
							fail("post %s on %c: %d %q", path, 'A'+k, res.StatusCode, res.Header.Get("Location"))
						}
					}()
				}
				twice.Wait()
				if oks[0] == oks[1] {
					fail("member %d, %s: %v acknowledged, want exactly one of the two posts", mi, path, oks)
					continue
				}
				winner := 0
				if oks[1] {
					winner = 1
				}
				var id int64
				var rating int
				if err := raw.QueryRow(`SELECT r.id, r.rating FROM reviews r JOIN users u ON u.id = r.user_id
					WHERE u.email = $1 AND r.summary = $2`, m.email,
					fmt.Sprintf("two instances m%d i%d on %c", mi, pi, 'A'+winner)).Scan(&id, &rating); err != nil {
					fail("member %d, %s: the acknowledged review: %v", mi, path, err)
					continue
				}
				// Edit on the other instance.
				other := instances[1-winner]
				newRating := 1 + (rating+mi)%5
				res, ok := post(m, other.origin, fmt.Sprintf("/reviews/%d/edit", id), url.Values{
					"review[rating]": {fmt.Sprint(newRating)}, "review[summary]": {"edited on the other instance"}})
				if !ok || res.StatusCode != http.StatusSeeOther {
					if ok {
						fail("edit %d: %d", id, res.StatusCode)
					}
					continue
				}
				rating = newRating
				if (mi+pi)%3 == 0 {
					res, ok := post(m, instances[winner].origin, fmt.Sprintf("/reviews/%d/delete", id), nil)
					if ok && res.StatusCode == http.StatusSeeOther {
						continue
					}
					if ok {
						fail("delete %d: %d", id, res.StatusCode)
					}
				}
				mu.Lock()
				want[path][rating-1]++
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	for _, e := range errs {
		t.Error(e)
	}

	var dups int
	if err := raw.QueryRow(`SELECT COUNT(*) FROM (SELECT item_id, user_id FROM reviews GROUP BY item_id, user_id
		HAVING COUNT(*) > 1) d`).Scan(&dups); err != nil {
		t.Fatal(err)
	}
	if dups > 0 {
		t.Errorf("%d (member, item) pairs have more than one review", dups)
	}
	s := db.open(t)
	ctx := context.Background()
	if drift, err := s.StatsDrift(ctx); err != nil {
		t.Fatal(err)
	} else if len(drift) > 0 {
		t.Errorf("item_stats differs from a fresh count for items %v", drift)
	}
	total := 0
	for _, p := range paths {
		parts := strings.Split(p, "/")
		line, _ := url.PathUnescape(parts[2])
		slug, _ := url.PathUnescape(parts[3])
		it, err := s.ItemBySlug(ctx, line, slug)
		if err != nil {
			t.Fatal(err)
		}
		if it.Stats.Counts != *want[p] {
			t.Errorf("%s: item_stats %v, the acknowledged writes add up to %v", p, it.Stats.Counts, *want[p])
		}
		for _, n := range want[p] {
			total += n
		}
	}
	t.Logf("2 instances, %d members, %d items: %d concurrent posts (one of each pair acknowledged), %d edits across instances, "+
		"%d reviews left; item_stats exact, no duplicates", nMembers, nItems, 2*nMembers*nItems, nMembers*nItems, total)
}
