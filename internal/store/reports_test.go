package store_test

import (
	"context"
	"errors"
	"testing"

	"github.com/starboard/starboard/internal/store"
	"github.com/starboard/starboard/internal/store/storetest"
)

// TestReports: a member reports another's review once; the author cannot; the queue lists
// reviews with open reports, oldest first, with counts by reason; dismissing closes them and
// keeps the review; removing the review takes its reports along and uncounts its stars.
func TestReports(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		f := newFixture(t, s)
		carol := store.User{Email: "carol@example.com", DisplayName: "Carol", PasswordHash: "x"}
		if err := s.CreateUser(ctx, &carol); err != nil {
			t.Fatal(err)
		}
		older := store.Review{ItemID: f.item.ID, UserID: f.alice.ID, Rating: 1, Summary: "Buy pills here"}
		newer := store.Review{ItemID: f.other.ID, UserID: f.alice.ID, Rating: 5, Summary: "Lovely"}
		kept := store.Review{ItemID: f.item.ID, UserID: f.bob.ID, Rating: 4, Summary: "Good"}
		for _, r := range []*store.Review{&older, &newer, &kept} {
			if err := s.CreateReview(ctx, r); err != nil {
				t.Fatal(err)
			}
		}
		report := func(reviewID, userID int64, reason store.ReportReason, note string) error {
			return s.ReportReview(ctx, &store.Report{ReviewID: reviewID, UserID: userID, Reason: reason, Note: note})
		}
		// Oldest first: the first report of "older" comes before any of "newer".
		for _, c := range []struct {
			review, user int64
			reason       store.ReportReason
			note         string
		}{
			{older.ID, f.bob.ID, store.ReasonSpam, "A pharmacy advert"},
			{newer.ID, f.bob.ID, store.ReasonOffTopic, ""},
			{older.ID, carol.ID, store.ReasonSpam, ""},
			{newer.ID, carol.ID, store.ReasonAbuse, "Rude"},
			{kept.ID, carol.ID, store.ReasonOther, ""},
		} {
			if err := report(c.review, c.user, c.reason, c.note); err != nil {
				t.Fatalf("report %d by %d: %v", c.review, c.user, err)
			}
		}
		for name, c := range map[string]struct {
			fn   func() error
			want error
		}{
			"twice":        {fn: func() error { return report(older.ID, f.bob.ID, store.ReasonAbuse, "") }, want: store.ErrConflict},
			"own review":   {fn: func() error { return report(older.ID, f.alice.ID, store.ReasonSpam, "") }, want: store.ErrOwnReview},
			"no review":    {fn: func() error { return report(older.ID+1000, f.bob.ID, store.ReasonSpam, "") }, want: store.ErrNotFound},
			"no reason":    {fn: func() error { return report(kept.ID, f.alice.ID, "rude", "") }, want: store.ErrInvalid},
			"unknown user": {fn: func() error { return report(kept.ID, carol.ID+1000, store.ReasonSpam, "") }, want: store.ErrNotFound},
		} {
			if err := c.fn(); !errors.Is(err, c.want) {
				t.Errorf("%s: %v, want %v", name, err, c.want)
			}
		}

		if n, err := s.OpenReportCount(ctx); err != nil || n != 3 {
			t.Errorf("OpenReportCount = %d, %v; want 3", n, err)
		}
		queue, total, err := s.ReportQueue(ctx, 2, 0)
		if err != nil || total != 3 || len(queue) != 2 {
			t.Fatalf("ReportQueue = %d of %d, %v", len(queue), total, err)
		}
		first := queue[0]
		if first.Review.ID != older.ID || first.Count() != 2 || first.ItemName != "Po" || first.LineSlug != "tubbies" ||
			first.Review.UserName != "Alice" || len(first.Reasons) != 1 || first.Reasons[0] != (store.ReasonCount{Reason: store.ReasonSpam, Count: 2}) ||
			first.Reports[0].Note != "A pharmacy advert" || first.Reports[0].UserName != "Bob" || !first.FirstReported.Equal(first.Reports[0].CreatedAt) {
			t.Errorf("first in queue = %+v", first)
		}
		if second := queue[1]; second.Review.ID != newer.ID || len(second.Reasons) != 2 ||
			second.Reasons[0].Reason != store.ReasonAbuse || second.Reasons[1].Reason != store.ReasonOffTopic {
			t.Errorf("second in queue = %+v", second)
		}
		if page2, total, err := s.ReportQueue(ctx, 2, 2); err != nil || total != 3 || len(page2) != 1 || page2[0].Review.ID != kept.ID {
			t.Errorf("page 2 = %+v of %d, %v", page2, total, err)
		}
		if reported, err := s.ReportsBy(ctx, f.bob.ID, []int64{older.ID, newer.ID, kept.ID}); err != nil ||
			!reported[older.ID] || !reported[newer.ID] || reported[kept.ID] {
			t.Errorf("ReportsBy bob = %v, %v", reported, err)
		}

		// Dismiss: the review stays, its reports leave the queue, and its reporters cannot
		// report it again.
		if n, err := s.DismissReports(ctx, newer.ID); err != nil || n != 2 {
			t.Errorf("DismissReports = %d, %v", n, err)
		}
		if _, err := s.DismissReports(ctx, newer.ID); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("second dismiss: %v, want ErrNotFound", err)
		}
		if _, err := s.Review(ctx, newer.ID); err != nil {
			t.Errorf("dismissed review: %v", err)
		}
		if _, err := s.ReportedReview(ctx, newer.ID); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("ReportedReview after dismiss: %v", err)
		}
		if err := report(newer.ID, f.bob.ID, store.ReasonSpam, ""); !errors.Is(err, store.ErrConflict) {
			t.Errorf("report after dismiss: %v, want ErrConflict", err)
		}

		// Remove: the review, its reports and its star go in one transaction.
		if err := s.RemoveReview(ctx, older.ID); err != nil {
			t.Fatal(err)
		}
		it, err := s.Item(ctx, f.item.ID)
		if err != nil || it.Stats.Counts != [5]int{0, 0, 0, 1, 0} {
			t.Errorf("Po's stars after removal = %v, %v", it.Stats.Counts, err)
		}
		queue, total, err = s.ReportQueue(ctx, 10, 0)
		if err != nil || total != 1 || len(queue) != 1 || queue[0].Review.ID != kept.ID {
			t.Errorf("queue after removal = %+v of %d, %v", queue, total, err)
		}
		// A member deleting their own review takes its reports too.
		if err := s.DeleteReview(ctx, kept.ID, f.bob.ID); err != nil {
			t.Fatal(err)
		}
		if n, err := s.OpenReportCount(ctx); err != nil || n != 0 {
			t.Errorf("OpenReportCount after deletions = %d, %v", n, err)
		}
		if reported, err := s.ReportsBy(ctx, carol.ID, []int64{older.ID, kept.ID}); err != nil || len(reported) != 0 {
			t.Errorf("reports left of deleted reviews: %v, %v", reported, err)
		}
	})
}
