package starboard

import (
	"context"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"os"
	"regexp"
	"strings"
	"testing"
)

// TestFlow drives a real Starboard server through the generated client: the server named by
// STARBOARD_URL, serving the demo data, with a member whose email and password are in
// STARBOARD_EMAIL and STARBOARD_PASSWORD (check.sh sets all three up). It reads, pages, asks
// again with If-None-Match, then posts a review with an Idempotency-Key, replays it, patches it
// and deletes it.
func TestFlow(t *testing.T) {
	base := os.Getenv("STARBOARD_URL")
	if base == "" {
		t.Skip("STARBOARD_URL is not set: run clients/go/check.sh")
	}
	ctx := context.Background()
	token := signInForToken(t, base, os.Getenv("STARBOARD_EMAIL"), os.Getenv("STARBOARD_PASSWORD"))
	c, err := NewClientWithResponses(base+"/api/v1", WithRequestEditorFn(func(_ context.Context, r *http.Request) error {
		r.Header.Set("Authorization", "Bearer "+token)
		return nil
	}))
	if err != nil {
		t.Fatal(err)
	}

	// Read: one line per page, then a line's ranking.
	limit, pageTwo := Limit(1), PageNumber(2)
	lines, err := c.ListCategoriesWithResponse(ctx, &ListCategoriesParams{Limit: &limit, Page: &pageTwo})
	if err != nil || lines.JSON200 == nil {
		t.Fatalf("list lines: %v %s", err, body(lines.Body))
	}
	if len(lines.JSON200.Categories) != 1 || lines.JSON200.Page.Total != 3 || lines.JSON200.Page.Page != 2 {
		t.Errorf("lines page 2 of 1 each: %+v", lines.JSON200)
	}
	ipads, err := c.GetCategoryWithResponse(ctx, "ipads", nil)
	if err != nil || ipads.JSON200 == nil || len(ipads.JSON200.Ranking) == 0 {
		t.Fatalf("ranking: %v %s", err, body(ipads.Body))
	}
	if ipads.JSON200.Verdict.Kind != Pick || ipads.JSON200.Ranking[0].Score <= 0 {
		t.Errorf("iPads verdict %q, top score %v", ipads.JSON200.Verdict.Kind, ipads.JSON200.Ranking[0].Score)
	}
	itemID := ipads.JSON200.Ranking[len(ipads.JSON200.Ranking)-1].Item.Id
	item, err := c.GetItemWithResponse(ctx, itemID, nil)
	if err != nil || item.JSON200 == nil || item.Headers200 == nil || item.Headers200.ETag == nil {
		t.Fatalf("item %d: %v %s", itemID, err, body(item.Body))
	}
	again, err := c.GetItemWithResponse(ctx, itemID, &GetItemParams{IfNoneMatch: item.Headers200.ETag})
	if err != nil || again.StatusCode() != http.StatusNotModified {
		t.Errorf("item with If-None-Match: %v %d", err, again.StatusCode())
	}

	// Write: post, replay, patch, delete.
	key := "check-" + strings.ReplaceAll(base, "/", "-")
	review := CreateReviewJSONRequestBody{Rating: 4, Summary: "Does what it says"}
	created, err := c.CreateReviewWithResponse(ctx, itemID, &CreateReviewParams{IdempotencyKey: &key}, review)
	if err != nil || created.JSON201 == nil || created.Headers201 == nil || created.Headers201.Location == nil {
		t.Fatalf("post review: %v %d %s", err, created.StatusCode(), body(created.Body))
	}
	replayed, err := c.CreateReviewWithResponse(ctx, itemID, &CreateReviewParams{IdempotencyKey: &key}, review)
	if err != nil || replayed.JSON201 == nil || replayed.Headers201.IdempotentReplayed == nil ||
		*replayed.Headers201.Location != *created.Headers201.Location || replayed.JSON201.Id != created.JSON201.Id {
		t.Fatalf("replayed post: %v %d %s", err, replayed.StatusCode(), body(replayed.Body))
	}
	id := created.JSON201.Id
	if want := "/api/v1/reviews/"; !strings.Contains(*created.Headers201.Location, want) {
		t.Errorf("Location %q", *created.Headers201.Location)
	}
	bad, err := c.UpdateReviewWithResponse(ctx, id, UpdateReviewJSONRequestBody{Rating: ptr(6)})
	if err != nil || bad.ApplicationproblemJSON422 == nil || bad.ApplicationproblemJSON422.Title != "Unprocessable Content" {
		t.Errorf("patch rating 6: %v %d %s", err, bad.StatusCode(), body(bad.Body))
	}
	patched, err := c.UpdateReviewWithResponse(ctx, id, UpdateReviewJSONRequestBody{Rating: ptr(2), Summary: ptr("Worse than I thought")})
	if err != nil || patched.JSON200 == nil || patched.JSON200.Rating != 2 || patched.JSON200.Summary != "Worse than I thought" {
		t.Fatalf("patch review: %v %s", err, body(patched.Body))
	}
	deleted, err := c.DeleteReviewWithResponse(ctx, id)
	if err != nil || deleted.StatusCode() != http.StatusNoContent {
		t.Fatalf("delete review: %v %d %s", err, deleted.StatusCode(), body(deleted.Body))
	}
	gone, err := c.GetReviewWithResponse(ctx, id)
	if err != nil || gone.ApplicationproblemJSON404 == nil || gone.ApplicationproblemJSON404.Status != 404 {
		t.Errorf("deleted review: %v %d %s", err, gone.StatusCode(), body(gone.Body))
	}
}

// signInForToken signs in through the HTML form and creates an API token on the account page,
// as a person would: the server has no other way to make one.
func signInForToken(t *testing.T, base, email, password string) string {
	t.Helper()
	jar, _ := cookiejar.New(nil)
	hc := &http.Client{Jar: jar}
	post := func(path string, form url.Values) string {
		t.Helper()
		res, err := hc.PostForm(base+path, form)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		var b strings.Builder
		if _, err := io.Copy(&b, res.Body); err != nil || res.StatusCode != http.StatusOK {
			t.Fatalf("POST %s = %d, %v", path, res.StatusCode, err)
		}
		return b.String()
	}
	post("/login", url.Values{"email": {email}, "password": {password}})
	page := post("/account/tokens", url.Values{"name": {"clients/go check"}})
	token := regexp.MustCompile(`sb_[A-Za-z0-9_-]{43}`).FindString(page)
	if token == "" {
		t.Fatalf("no token on the account page after creating one:\n%s", page)
	}
	return token
}

func ptr[T any](v T) *T { return &v }

// body shortens an answer's body for a failure message.
func body(b []byte) string {
	if len(b) > 500 {
		return string(b[:500]) + "…"
	}
	return string(b)
}
