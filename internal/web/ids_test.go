package web

import (
	"testing"

	"github.com/starboard/starboard/internal/store"
	"github.com/starboard/starboard/internal/store/storetest"
)

// TestAPIReplayAfterDeleteNamesNoOtherReview is issue 18's sequence: Ann posts a review with an
// idempotency key and deletes it (the newest review); Bob posts one; Ann's retry replays her
// first answer, whose review is gone (404), and Bob's review has an id of its own.
func TestAPIReplayAfterDeleteNamesNoOtherReview(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		f := newAPIFixture(t, s)
		review := `{"rating": 5, "summary": "Eh-oh, lovely"}`
		code, h, first := f.ts.call(t, f.annTok, "POST", f.poPath+"/reviews", review, "Idempotency-Key", "K")
		loc := h.Get("Location")
		if code != 201 || loc == "" {
			t.Fatalf("first post = %d %s", code, first)
		}
		if code, _, body := f.ts.call(t, f.annTok, "DELETE", loc, ""); code != 204 {
			t.Fatalf("delete %s = %d %s", loc, code, body)
		}
		code, h, body := f.ts.call(t, f.bobTok, "POST", f.poPath+"/reviews", `{"rating": 1, "summary": "Not for me"}`)
		if code != 201 || h.Get("Location") == loc {
			t.Errorf("Bob's review after Ann's was deleted = %d at %s, the deleted review's address", code, h.Get("Location"))
		}
		code, h, again := f.ts.call(t, f.annTok, "POST", f.poPath+"/reviews", review, "Idempotency-Key", "K")
		if code != 201 || again != first || h.Get("Location") != loc || h.Get("Idempotent-Replayed") != "true" {
			t.Errorf("replay = %d %s at %s, want the first answer", code, again, h.Get("Location"))
		}
		if code, _, got := f.ts.call(t, "", "GET", loc, ""); code != 404 {
			t.Errorf("GET %s after the replay = %d %s, want 404 (Bob's review is %s)", loc, code, got, body)
		}
	})
}
