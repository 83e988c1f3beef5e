package store

import (
	"context"
	"sync"
)

// A combiner runs one function over the work of many concurrent callers, one round at a time. A
// caller joins the round that has not started yet, and that round starts only after every caller
// in it joined; callers arriving while a round runs gather in the next one. Alone, a caller runs
// its round at once, in its own goroutine, so a combiner adds no wait when there is no crowd.
//
// Two uses: change counters read for many requests with one query on PostgreSQL (batcher,
// below), where each read is a round trip to another process; and new reviews committed
// together on SQLite (sqlite_reviewgroup.go), where each commit writes the pages it touched.
type combiner[T any] struct {
	run func(ctx context.Context, items []T)

	mu      sync.Mutex
	running bool      // a round is running
	next    *round[T] // the round gathering callers, not started
}

type round[T any] struct {
	items []T
	done  chan struct{} // closed when run has returned for the round
}

// join adds item to the round gathering callers and returns a channel closed once the round has
// run. The round runs to its end even if ctx ends: other callers depend on it.
func (c *combiner[T]) join(ctx context.Context, item T) <-chan struct{} {
	c.mu.Lock()
	r := c.next
	if r == nil {
		r = &round[T]{done: make(chan struct{})}
		c.next = r
	}
	r.items = append(r.items, item)
	lead := !c.running
	if lead {
		c.running, c.next = true, nil
	}
	c.mu.Unlock()

	if lead {
		ctx = context.WithoutCancel(ctx)
		c.runRound(ctx, r)
		if following := c.finish(); following != nil {
			go c.loop(ctx, following)
		}
	}
	return r.done
}

func (c *combiner[T]) runRound(ctx context.Context, r *round[T]) {
	defer close(r.done)
	c.run(ctx, r.items)
}

// finish ends the running round and returns the round gathered meanwhile, now running, or nil.
func (c *combiner[T]) finish() *round[T] {
	c.mu.Lock()
	defer c.mu.Unlock()
	r := c.next
	c.next = nil
	if r == nil {
		c.running = false
	}
	return r
}

// loop runs rounds until none is waiting.
func (c *combiner[T]) loop(ctx context.Context, r *round[T]) {
	for r != nil {
		c.runRound(ctx, r)
		r = c.finish()
	}
}

// A batcher reads small rows by key for concurrent callers with one query per round. The query
// answering a caller starts after the caller asked, so it sees every write committed before
// that, exactly as a query of the caller's own would.
type batcher[K comparable, V any] struct {
	c combiner[*keyRead[K, V]]
}

type keyRead[K comparable, V any] struct {
	key K
	v   V
	ok  bool
	err error
}

// newBatcher returns a batcher whose rounds call read with the distinct keys asked for; read
// returns the rows it found, by key.
func newBatcher[K comparable, V any](read func(context.Context, []K) (map[K]V, error)) *batcher[K, V] {
	b := &batcher[K, V]{}
	b.c.run = func(ctx context.Context, reads []*keyRead[K, V]) {
		keys := make([]K, 0, len(reads))
		seen := make(map[K]struct{}, len(reads))
		for _, kr := range reads {
			if _, ok := seen[kr.key]; !ok {
				seen[kr.key] = struct{}{}
				keys = append(keys, kr.key)
			}
		}
		got, err := read(ctx, keys)
		for _, kr := range reads {
			kr.v, kr.ok = got[kr.key]
			kr.err = err
		}
	}
	return b
}

// get returns key's value, false if the read found no row for it. A caller whose ctx ends stops
// waiting; the others in its round still get their answer.
func (b *batcher[K, V]) get(ctx context.Context, key K) (V, bool, error) {
	kr := &keyRead[K, V]{key: key}
	select {
	case <-b.c.join(ctx, kr):
		return kr.v, kr.ok, kr.err
	case <-ctx.Done():
		var zero V
		return zero, false, ctx.Err()
	}
}
