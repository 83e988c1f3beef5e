package store

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// TestBatcherReadStartsAfterAsking: whatever the interleaving, the read that answers a caller
// started after the caller asked, so it sees every write committed before that; and callers
// arriving while a read runs share the next one.
func TestBatcherReadStartsAfterAsking(t *testing.T) {
	t.Parallel()
	var clock atomic.Int64
	var reads atomic.Int64
	release := make(chan struct{})
	b := newBatcher(func(ctx context.Context, keys []int) (map[int]int64, error) {
		started := clock.Add(1)
		if reads.Add(1) == 1 {
			<-release // hold the first read until the others have gathered
		}
		out := map[int]int64{}
		seen := map[int]bool{}
		for _, k := range keys {
			if seen[k] {
				return nil, errors.New("a key read twice in one batch")
			}
			seen[k] = true
			if k >= 0 {
				out[k] = started
			}
		}
		return out, nil
	})
	ctx := context.Background()

	// The first caller leads: its read runs at once, and is held.
	firstDone := make(chan error, 1)
	go func() {
		asked := clock.Add(1)
		v, ok, err := b.get(ctx, 1)
		if err == nil && (!ok || v <= asked) {
			err = errors.New("first caller answered by a read that started before it asked")
		}
		firstDone <- err
	}()
	for reads.Load() == 0 {
		time.Sleep(time.Millisecond)
	}

	// Twenty callers arrive while it runs, some asking for the same key, one for a missing one.
	const n = 20
	var wg sync.WaitGroup
	errs := make(chan error, n)
	for i := range n {
		wg.Go(func() {
			key := i % 5
			if i == 7 {
				key = -1
			}
			asked := clock.Add(1)
			v, ok, err := b.get(ctx, key)
			switch {
			case err != nil:
				errs <- err
			case key < 0 && ok:
				errs <- errors.New("a missing key was found")
			case key >= 0 && (!ok || v <= asked):
				errs <- errors.New("answered by a read that started before the caller asked")
			}
		})
	}
	waitGathered(t, b, n)
	close(release)
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	if err := <-firstDone; err != nil {
		t.Error(err)
	}
	if got := reads.Load(); got != 2 {
		t.Errorf("%d reads for 21 callers, want 2 (the first, then one for everyone who came meanwhile)", got)
	}

	// Alone again, a caller reads at once.
	asked := clock.Add(1)
	if v, ok, err := b.get(ctx, 3); err != nil || !ok || v <= asked {
		t.Errorf("lone caller: %d %v %v (asked at %d)", v, ok, err, asked)
	}
}

// waitGathered waits until n callers have joined the batch gathering callers.
func waitGathered[K comparable, V any](t *testing.T, b *batcher[K, V], n int) {
	t.Helper()
	for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(time.Millisecond) {
		b.c.mu.Lock()
		got := 0
		if b.c.next != nil {
			got = len(b.c.next.items)
		}
		b.c.mu.Unlock()
		if got == n {
			return
		}
	}
	t.Fatalf("callers did not gather: want %d", n)
}

// TestBatcherErrorsAndCancel: a failed read fails every caller it was for; a caller whose
// request ends stops waiting without failing the others in its batch.
func TestBatcherErrorsAndCancel(t *testing.T) {
	t.Parallel()
	boom := errors.New("database unavailable")
	release := make(chan struct{})
	var reads atomic.Int64
	b := newBatcher(func(ctx context.Context, keys []string) (map[string]int, error) {
		n := reads.Add(1)
		if n == 1 {
			<-release
			return nil, boom
		}
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		return map[string]int{"a": 1, "b": 2}, nil
	})
	first := make(chan error, 1)
	go func() { _, _, err := b.get(context.Background(), "a"); first <- err }()
	for reads.Load() == 0 {
		time.Sleep(time.Millisecond)
	}
	cancelled, cancel := context.WithCancel(context.Background())
	gone := make(chan error, 1)
	go func() { _, _, err := b.get(cancelled, "a"); gone <- err }()
	stays := make(chan error, 1)
	go func() {
		v, ok, err := b.get(context.Background(), "b")
		if err == nil && (!ok || v != 2) {
			err = errors.New("wrong answer after another caller left")
		}
		stays <- err
	}()
	waitGathered(t, b, 2)
	cancel()
	if err := <-gone; !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled caller: %v, want context.Canceled", err)
	}
	close(release)
	if err := <-first; !errors.Is(err, boom) {
		t.Errorf("caller of the failed read: %v, want its error", err)
	}
	if err := <-stays; err != nil {
		t.Error(err)
	}
}
