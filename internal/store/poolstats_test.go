package store_test

import (
	"context"
	"slices"
	"testing"

	"github.com/starboard/starboard/internal/store"
	"github.com/starboard/starboard/internal/store/storetest"
)

func TestPoolStats(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		if err := s.Ping(context.Background()); err != nil {
			t.Fatal(err)
		}
		var names []string
		for _, p := range s.Stats() {
			names = append(names, p.Pool)
			if p.MaxOpenConnections < 1 || p.OpenConnections < 1 || p.InUse+p.Idle != p.OpenConnections {
				t.Errorf("pool %s: %+v", p.Pool, p.DBStats)
			}
		}
		want := []string{"main"}
		if s.Dialect() == store.SQLite {
			want = []string{"reader", "writer"}
		}
		if !slices.Equal(names, want) {
			t.Errorf("pools %v; want %v", names, want)
		}
	})
}
