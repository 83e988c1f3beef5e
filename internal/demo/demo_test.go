package demo_test

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"testing"

	"github.com/starboard/starboard/internal/demo"
	"github.com/starboard/starboard/internal/rank"
	"github.com/starboard/starboard/internal/store"
	"github.com/starboard/starboard/internal/store/storetest"
)

func entries(t *testing.T, s *store.Store, slug string) []rank.Entry {
	t.Helper()
	ctx := context.Background()
	c, err := s.CategoryBySlug(ctx, slug)
	if err != nil {
		t.Fatal(err)
	}
	items, err := s.ItemsByCategory(ctx, c.ID)
	if err != nil {
		t.Fatal(err)
	}
	var out []rank.Entry
	for _, it := range items {
		out = append(out, rank.Entry{ID: it.ID, Name: it.Name, Counts: rank.Counts(it.Stats.Counts)})
	}
	return out
}

func TestHandMadeShowsEveryVerdict(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		sum, err := demo.Load(ctx, s, demo.Size{}, false, nil)
		if err != nil {
			t.Fatal(err)
		}
		if sum.Categories != 3 || sum.Items != 15 || sum.Reviews < 300 {
			t.Errorf("loaded %+v, want 3 lines, 15 items, a few hundred reviews", sum)
		}
		po, err := s.ItemBySlug(ctx, "tellytubbies", "po")
		if err != nil || po.Attributes["colour"] != "Red" {
			t.Errorf("Po = %+v, %v", po, err)
		}
		want := map[string]rank.Kind{"ipads": rank.KindPick, "books": rank.KindTooClose, "tellytubbies": rank.KindNotEnough}
		for slug, kind := range want {
			v := rank.Decide(entries(t, s, slug))
			if v.Kind != kind {
				t.Errorf("%s: verdict %s (%s), want %s", slug, v.Kind, v.Reason, kind)
			}
		}
		if ids, err := s.StatsDrift(ctx); err != nil || len(ids) > 0 {
			t.Errorf("stats drift %v, %v", ids, err)
		}

		if _, err := demo.Load(ctx, s, demo.Size{}, false, nil); !errors.Is(err, demo.ErrNotEmpty) {
			t.Errorf("second load without force: %v, want ErrNotEmpty", err)
		}
		again, err := demo.Load(ctx, s, demo.Size{}, true, nil)
		if err != nil || again != sum {
			t.Errorf("forced reload = %+v, %v; want %+v", again, err, sum)
		}
		cats, _ := s.Categories(ctx)
		total := 0
		for _, c := range cats {
			total += c.ReviewCount
		}
		if len(cats) != 3 || total != sum.Reviews {
			t.Errorf("after forced reload: %d lines, %d reviews; want 3 and %d (no duplicates)", len(cats), total, sum.Reviews)
		}
	})
}

func TestGeneratedIsExactAndDeterministic(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	load := func(d store.Dialect) []store.Item {
		s := storetest.Open(t, d)
		sum, err := demo.Load(ctx, s, demo.Size{Items: 40, Reviews: 3000}, false, nil)
		if err != nil {
			t.Fatal(err)
		}
		if sum.Items != 40 || sum.Reviews != 3000 || sum.Categories != 3 {
			t.Fatalf("loaded %+v", sum)
		}
		cats, _ := s.Categories(ctx)
		var items []store.Item
		for _, c := range cats {
			its, _ := s.ItemsByCategory(ctx, c.ID)
			items = append(items, its...)
		}
		return items
	}
	a, b := load(store.SQLite), load(store.SQLite)
	if len(a) != 40 {
		t.Fatalf("%d items", len(a))
	}
	for i := range a {
		if a[i].Name != b[i].Name || a[i].Stats.Counts != b[i].Stats.Counts || a[i].Attributes["price"] != b[i].Attributes["price"] {
			t.Fatalf("item %d differs between loads: %+v vs %+v", i, a[i], b[i])
		}
	}
	for _, bad := range []demo.Size{{Items: 2, Reviews: 10}, {Items: 10, Reviews: -1}} {
		if _, err := demo.Load(ctx, storetest.Open(t, store.SQLite), bad, false, nil); err == nil {
			t.Errorf("Load(%+v) accepted it", bad)
		}
	}
}

// BenchmarkLoad100k loads the benchmark data set (1,000 items, 100,000 reviews) through the
// store. Run: go test -run x -bench Load100k -benchtime 1x ./internal/demo
func BenchmarkLoad100k(b *testing.B) {
	for _, d := range []store.Dialect{store.SQLite, store.Postgres} {
		b.Run(string(d), func(b *testing.B) {
			for b.Loop() {
				b.StopTimer()
				s := storetest.Open(b, d)
				b.StartTimer()
				if _, err := demo.Load(context.Background(), s, demo.Size{Items: 1000, Reviews: 100000}, false, nil); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// TestDemoPictures wants every hand-made item drawn, the same bytes on every load, and a
// generated set drawing only its Tellytubbies.
func TestDemoPictures(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	files := func(s *store.Store) map[string]string {
		t.Helper()
		out := map[string]string{}
		for _, line := range []string{"ipads", "books", "tellytubbies"} {
			c, err := s.CategoryBySlug(ctx, line)
			if err != nil {
				t.Fatal(err)
			}
			items, _ := s.ItemsByCategory(ctx, c.ID)
			for _, it := range items {
				pics, err := s.ItemPictures(ctx, it.ID)
				if err != nil || len(pics) != 1 || pics[0].Alt == "" || len(pics[0].Files) < 2 {
					t.Errorf("%s: pictures %+v, %v", it.Slug, pics, err)
					continue
				}
				for _, f := range pics[0].Files {
					out[it.Slug+"@"+itoa(f.Width)] = f.SHA256
				}
			}
		}
		return out
	}
	a, b := storetest.Open(t, store.SQLite), storetest.Open(t, store.SQLite)
	for _, s := range []*store.Store{a, b} {
		sum, err := demo.Load(ctx, s, demo.Size{}, false, nil)
		if err != nil || sum.Pictures != 15 {
			t.Fatalf("load: %+v, %v", sum, err)
		}
	}
	fa, fb := files(a), files(b)
	if len(fa) < 30 || fmt.Sprint(fa) != fmt.Sprint(fb) {
		t.Errorf("two loads differ or lack files:\n%v\n%v", fa, fb)
	}
	po, _ := a.ItemBySlug(ctx, "tellytubbies", "po")
	if pics, _ := a.ItemPictures(ctx, po.ID); len(pics) == 1 && !strings.Contains(pics[0].Alt, "red Tellytubby with a circle") {
		t.Errorf("Po's alt text %q", pics[0].Alt)
	}

	g := storetest.Open(t, store.SQLite)
	sum, err := demo.Load(ctx, g, demo.Size{Items: 30, Reviews: 200}, false, nil)
	if err != nil || sum.Pictures != 4 {
		t.Errorf("generated load: %+v, %v", sum, err)
	}
}

func itoa(n int) string { return strconv.Itoa(n) }
