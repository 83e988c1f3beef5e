// Package demo builds Starboard's deterministic demo data: three product lines (Tellytubbies,
// Books, iPads) with members and reviews, either the small hand-tuned set that shows every kind of
// verdict or a generated set of any size for benchmarks.
package demo

import (
	"context"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"strconv"
	"time"

	"github.com/starboard/starboard/internal/store"
)

// Size asks for a generated data set; the zero Size means the small hand-tuned one.
type Size struct {
	Items   int
	Reviews int
	// NoPictures loads no pictures, for a database migrated only to a schema before them
	// (migration tests).
	NoPictures bool
}

// Summary says what was loaded.
type Summary struct {
	Categories, Items, Users, Reviews, Pictures int
}

// ErrNotEmpty is returned when the database already holds data and force was not given.
var ErrNotEmpty = errors.New("the database already holds data; use --force to replace it with the demo data")

// Base is the moment the demo's timeline ends; review dates count back from it, so every load
// gives the same rows whatever the day.
var Base = time.Date(2026, 11, 1, 12, 0, 0, 0, time.UTC)

// unusablePassword is a password hash no password matches: demo members cannot sign in.
const unusablePassword = "!demo-member"

// Load fills an empty database with the demo data set. With force it first deletes everything
// in the database; without it a non-empty database is refused with ErrNotEmpty, so running it
// twice never duplicates rows. progress, when not nil, is told what is happening.
func Load(ctx context.Context, s *store.Store, size Size, force bool, progress func(string)) (Summary, error) {
	if progress == nil {
		progress = func(string) {}
	}
	empty, err := s.IsEmpty(ctx)
	if err != nil {
		return Summary{}, err
	}
	if !empty {
		if !force {
			return Summary{}, ErrNotEmpty
		}
		progress("deleting existing data")
		if err := s.DeleteAll(ctx); err != nil {
			return Summary{}, err
		}
	}
	var set dataset
	if size.Items == 0 && size.Reviews == 0 {
		set = handMade()
	} else {
		if set, err = generated(size); err != nil {
			return Summary{}, err
		}
	}
	if size.NoPictures {
		set.drawn = nil
	}
	return set.load(ctx, s, progress)
}

// line is one product line with its items and each item's wanted star counts.
type line struct {
	cat   store.Category
	items []demoItem
}

type demoItem struct {
	item   store.Item
	counts [5]int // 1-star first
}

type dataset struct {
	lines   []line
	members int
	seed    uint64
	// drawn names the lines whose items get drawn pictures (pictures.go).
	drawn map[string]bool
}

func (d dataset) load(ctx context.Context, s *store.Store, progress func(string)) (Summary, error) {
	var sum Summary
	for li := range d.lines {
		l := &d.lines[li]
		if err := s.CreateCategory(ctx, &l.cat); err != nil {
			return sum, err
		}
		items := make([]store.Item, len(l.items))
		for i := range l.items {
			items[i] = l.items[i].item
			items[i].CategoryID = l.cat.ID
		}
		if err := s.CreateItems(ctx, items); err != nil {
			return sum, err
		}
		for i := range items {
			l.items[i].item = items[i]
		}
		sum.Categories++
		sum.Items += len(items)
	}
	progress(fmt.Sprintf("%d product lines, %d items", sum.Categories, sum.Items))
	for _, l := range d.lines {
		if d.drawn[l.cat.Slug] {
			n, err := addPictures(ctx, s, l)
			if err != nil {
				return sum, err
			}
			sum.Pictures += n
		}
	}
	if sum.Pictures > 0 {
		progress(fmt.Sprintf("%d pictures", sum.Pictures))
	}

	users := make([]store.User, d.members)
	for i := range users {
		users[i] = store.User{
			Email:        fmt.Sprintf("member%d@demo.starboard.test", i+1),
			DisplayName:  memberName(i),
			PasswordHash: unusablePassword,
		}
	}
	for start := 0; start < len(users); start += 5000 {
		if err := s.CreateUsers(ctx, users[start:min(start+5000, len(users))]); err != nil {
			return sum, err
		}
	}
	sum.Users = len(users)
	progress(fmt.Sprintf("%d members", sum.Users))

	rng := rand.New(rand.NewPCG(d.seed, 0x57a7b0a7d))
	stride := coprimeStride(len(users))
	var batch []store.Review
	flush := func() error {
		if err := s.CreateReviews(ctx, batch); err != nil {
			return err
		}
		sum.Reviews += len(batch)
		batch = batch[:0]
		return nil
	}
	serial := 0
	for _, l := range d.lines {
		for _, di := range l.items {
			ratings := shuffledRatings(rng, di.counts)
			first := int(rng.Uint64N(uint64(len(users))))
			for j, rating := range ratings {
				serial++
				u := users[(first+j*stride)%len(users)]
				batch = append(batch, store.Review{
					ItemID:       di.item.ID,
					UserID:       u.ID,
					Rating:       rating,
					Summary:      summaryFor(rng, rating),
					Details:      detailsFor(rng, rating, di.item.Name),
					HelpfulCount: int(rng.Uint64N(uint64(rating*2 + 1))),
					CreatedAt:    Base.Add(-time.Duration(rng.Uint64N(uint64(365*24*time.Hour/time.Second))) * time.Second),
				})
				if len(batch) == 20000 {
					if err := flush(); err != nil {
						return sum, err
					}
					progress(fmt.Sprintf("%d reviews", sum.Reviews))
				}
			}
		}
	}
	if err := flush(); err != nil {
		return sum, err
	}
	progress(fmt.Sprintf("%d reviews", sum.Reviews))
	return sum, nil
}

// shuffledRatings lists counts[k-1] ratings of k stars in a random order.
func shuffledRatings(rng *rand.Rand, counts [5]int) []int {
	var out []int
	for k, n := range counts {
		for range n {
			out = append(out, k+1)
		}
	}
	rng.Shuffle(len(out), func(i, j int) { out[i], out[j] = out[j], out[i] })
	return out
}

// coprimeStride returns a step that visits every member once as j runs over 0..n-1, so one
// item's reviewers are all different people.
func coprimeStride(n int) int {
	if n <= 1 {
		return 1
	}
	for _, p := range []int{7919, 104729, 1299709, 15485863} {
		if s := p % n; s != 0 && gcd(s, n) == 1 {
			return s
		}
	}
	return 1
}

func gcd(a, b int) int {
	for b != 0 {
		a, b = b, a%b
	}
	return a
}

// handMade is the small demo: iPads with a clear pick, Books too close to call, Tellytubbies with
// too few reviews. Counts are 1-star first.
func handMade() dataset {
	item := func(slug, name, desc string, attrs store.Attributes, counts [5]int) demoItem {
		return demoItem{item: store.Item{Slug: slug, Name: name, Description: desc, Attributes: attrs}, counts: counts}
	}
	return dataset{seed: 1, members: 120, drawn: map[string]bool{"ipads": true, "books": true, "tellytubbies": true}, lines: []line{
		{cat: store.Category{Slug: "ipads", Name: "iPads", Description: "Apple's tablets, from the mini to the 13-inch Pro.", Currency: "USD"},
			items: []demoItem{
				item("ipad-air-11", `iPad Air 11"`, "The M-series Air in the 11-inch size: light, fast, fair price.",
					store.Attributes{"price": "599", "display": `11"`, "chip": "M3"}, [5]int{2, 2, 6, 25, 70}),
				item("ipad-pro-11", `iPad Pro 11"`, "Tandem OLED display and the newest chip, in the smaller size.",
					store.Attributes{"price": "999", "display": `11"`, "chip": "M5"}, [5]int{4, 5, 10, 25, 30}),
				item("ipad-pro-13", `iPad Pro 13"`, "The biggest, brightest iPad.",
					store.Attributes{"price": "1299", "display": `13"`, "chip": "M5"}, [5]int{3, 4, 8, 18, 22}),
				item("ipad-air-13", `iPad Air 13"`, "The Air with room for two apps side by side.",
					store.Attributes{"price": "799", "display": `13"`, "chip": "M3"}, [5]int{3, 4, 10, 20, 20}),
				item("ipad", "iPad", "The everyday iPad.",
					store.Attributes{"price": "349", "display": `11"`, "chip": "A16"}, [5]int{4, 6, 15, 30, 25}),
				item("ipad-mini", "iPad mini", "The one that fits in a coat pocket.",
					store.Attributes{"price": "499", "display": `8.3"`, "chip": "A17 Pro"}, [5]int{3, 5, 9, 18, 15}),
			}},
		{cat: store.Category{Slug: "books", Name: "Books", Description: "Novels people keep recommending."},
			items: []demoItem{
				item("pride-and-prejudice", "Pride and Prejudice", "Elizabeth Bennet meets Mr Darcy.",
					store.Attributes{"author": "Jane Austen", "year": "1813"}, [5]int{1, 2, 5, 15, 30}),
				item("nineteen-eighty-four", "Nineteen Eighty-Four", "Big Brother is watching.",
					store.Attributes{"author": "George Orwell", "year": "1949"}, [5]int{1, 2, 5, 16, 28}),
				item("the-hobbit", "The Hobbit", "There and back again.",
					store.Attributes{"author": "J. R. R. Tolkien", "year": "1937"}, [5]int{2, 3, 8, 14, 18}),
				item("to-kill-a-mockingbird", "To Kill a Mockingbird", "Scout, Atticus and a trial in Alabama.",
					store.Attributes{"author": "Harper Lee", "year": "1960"}, [5]int{2, 3, 6, 12, 20}),
				item("dune", "Dune", "Spice, sandworms and politics on Arrakis.",
					store.Attributes{"author": "Frank Herbert", "year": "1965"}, [5]int{3, 4, 8, 12, 15}),
			}},
		{cat: store.Category{Slug: "tellytubbies", Name: "Tellytubbies", Description: "Time for Tubby bye-bye."},
			items: []demoItem{
				item("tinky-winky", "Tinky Winky", "The big purple one with the bag.",
					store.Attributes{"colour": "Purple"}, [5]int{0, 0, 0, 1, 2}),
				item("dipsy", "Dipsy", "The green one with the hat.",
					store.Attributes{"colour": "Green"}, [5]int{0, 0, 1, 1, 1}),
				item("laa-laa", "Laa-Laa", "The yellow one with the ball.",
					store.Attributes{"colour": "Yellow"}, [5]int{0, 0, 1, 0, 1}),
				item("po", "Po", "The small red one with the scooter.",
					store.Attributes{"colour": "Red"}, [5]int{1, 0, 0, 0, 3}),
			}},
	}}
}

// generated builds a data set of the asked size over the same three lines: the four
// Tellytubbies, then 60% of the remaining items as books and the rest as iPads, with a skewed
// popularity and a J-shaped spread of ratings per item.
func generated(size Size) (dataset, error) {
	if size.Items < 3 {
		return dataset{}, fmt.Errorf("demo: --items must be at least 3 (one per product line), got %d", size.Items)
	}
	if size.Reviews < 0 {
		return dataset{}, fmt.Errorf("demo: --reviews must not be negative, got %d", size.Reviews)
	}
	rng := rand.New(rand.NewPCG(uint64(size.Items), uint64(size.Reviews)))
	base := handMade()
	ipads, books, tubbies := base.lines[0], base.lines[1], base.lines[2]
	nTubbies := min(4, size.Items-2)
	rest := size.Items - nTubbies
	nBooks := max(1, rest*6/10)
	nIPads := rest - nBooks
	if nIPads == 0 {
		nBooks, nIPads = nBooks-1, 1
	}
	tubbies.items = tubbies.items[:nTubbies]
	books.items = nil
	for i := range nBooks {
		title := bookTitle(rng, i)
		books.items = append(books.items, demoItem{item: store.Item{
			Slug: "book-" + strconv.Itoa(i+1), Name: title,
			Description: "A novel: " + title + ".",
			Attributes:  store.Attributes{"author": authorName(rng), "year": strconv.Itoa(1800 + rng.IntN(225))},
		}})
	}
	ipads.items = nil
	for i := range nIPads {
		ipads.items = append(ipads.items, demoItem{item: store.Item{
			Slug: "ipad-" + strconv.Itoa(i+1), Name: fmt.Sprintf("iPad model %d", i+1),
			Description: "A tablet of the generated line-up.",
			Attributes:  store.Attributes{"price": strconv.Itoa(299 + 50*rng.IntN(20))},
		}})
	}
	lines := []line{tubbies, books, ipads}

	// Popularity: a Zipf-like weight per item, in a shuffled order, then exact shares of the
	// reviews by largest remainder.
	var all []*demoItem
	for li := range lines {
		for i := range lines[li].items {
			all = append(all, &lines[li].items[i])
		}
	}
	weights := make([]float64, len(all))
	var total float64
	for i := range weights {
		weights[i] = 1 / math.Pow(float64(i+1), 0.7)
		total += weights[i]
	}
	rng.Shuffle(len(weights), func(i, j int) { weights[i], weights[j] = weights[j], weights[i] })
	given := 0
	most := 0
	type share struct {
		i    int
		frac float64
	}
	fracs := make([]share, len(all))
	n := make([]int, len(all))
	for i, w := range weights {
		exact := float64(size.Reviews) * w / total
		n[i] = int(exact)
		fracs[i] = share{i, exact - float64(n[i])}
		given += n[i]
	}
	// Hand out the remainder to the largest fractions, ties by position: deterministic.
	for left := size.Reviews - given; left > 0; left-- {
		best := 0
		for j := range fracs {
			if fracs[j].frac > fracs[best].frac {
				best = j
			}
		}
		n[fracs[best].i]++
		fracs[best].frac = -1
	}
	for i, it := range all {
		q := rng.Float64()
		w := [5]float64{0.6*(1-q) + 0.08, 0.4*(1-q) + 0.05, 0.5, 0.6 + 0.4*q, 0.3 + 1.4*q}
		it.counts = spread(rng, n[i], w)
		most = max(most, n[i])
	}
	// Of a generated set only the Tellytubbies are drawn: a picture per book would make a bench
	// database of a thousand items some 100 MB larger and its load several seconds slower,
	// and the pages show a placeholder for the rest.
	return dataset{lines: lines, members: max(100, most), seed: uint64(size.Items)<<32 ^ uint64(size.Reviews),
		drawn: map[string]bool{"tellytubbies": true}}, nil
}

// spread draws n ratings with the given weights (1-star first) and returns their counts.
func spread(rng *rand.Rand, n int, w [5]float64) [5]int {
	var sum float64
	for _, x := range w {
		sum += x
	}
	var c [5]int
	for range n {
		r := rng.Float64() * sum
		k := 0
		for ; k < 4 && r >= w[k]; k++ {
			r -= w[k]
		}
		c[k]++
	}
	return c
}
