package store

import (
	"context"
	"sync"
)

// A batcher answers many concurrent reads of small rows by key (change counters) with one query
// at a time. A caller joins the batch that has not started yet, and that batch's query starts
// only after every caller in it asked: it sees every write committed before any of them asked,
// exactly as a query of their own would. While one query runs, the callers arriving meanwhile
// gather in the next batch, so under load a single round trip answers many requests; alone, a
// caller runs its query at once, in its own goroutine.
//
// PostgreSQL uses it: there each read is a round trip to another process. SQLite reads in
// process, where the read is cheaper than the coordination.
type batcher[K comparable, V any] struct {
	read func(ctx context.Context, keys []K) (map[K]V, error)

	mu      sync.Mutex
	running bool         // a batch's query is running
	next    *batch[K, V] // the batch gathering callers, not started
}

type batch[K comparable, V any] struct {
	keys    []K
	seen    map[K]struct{}
	callers int
	done    chan struct{} // closed when got and err are set
	got     map[K]V
	err     error
}

func newBatcher[K comparable, V any](read func(context.Context, []K) (map[K]V, error)) *batcher[K, V] {
	return &batcher[K, V]{read: read}
}

// get returns key's value, false if the read found no row for it.
func (b *batcher[K, V]) get(ctx context.Context, key K) (V, bool, error) {
	b.mu.Lock()
	bt := b.next
	if bt == nil {
		bt = &batch[K, V]{seen: map[K]struct{}{}, done: make(chan struct{})}
		b.next = bt
	}
	bt.callers++
	if _, ok := bt.seen[key]; !ok {
		bt.seen[key] = struct{}{}
		bt.keys = append(bt.keys, key)
	}
	lead := !b.running
	if lead {
		b.running, b.next = true, nil
	}
	b.mu.Unlock()

	if lead {
		b.run(ctx, bt)
		if following := b.finish(); following != nil {
			go b.loop(context.WithoutCancel(ctx), following)
		}
	}
	select {
	case <-bt.done:
	case <-ctx.Done():
		var zero V
		return zero, false, ctx.Err()
	}
	if bt.err != nil {
		var zero V
		return zero, false, bt.err
	}
	v, ok := bt.got[key]
	return v, ok, nil
}

// run reads one batch for every caller in it: one caller's cancelled request must not fail the
// others, so the query does not stop when that request ends (statement_timeout still bounds it).
func (b *batcher[K, V]) run(ctx context.Context, bt *batch[K, V]) {
	bt.got, bt.err = b.read(context.WithoutCancel(ctx), bt.keys)
	close(bt.done)
}

// finish ends the running batch and returns the batch gathered meanwhile, now running, or nil.
func (b *batcher[K, V]) finish() *batch[K, V] {
	b.mu.Lock()
	defer b.mu.Unlock()
	bt := b.next
	b.next = nil
	if bt == nil {
		b.running = false
	}
	return bt
}

// loop runs batches until none is waiting.
func (b *batcher[K, V]) loop(ctx context.Context, bt *batch[K, V]) {
	for bt != nil {
		b.run(ctx, bt)
		bt = b.finish()
	}
}
