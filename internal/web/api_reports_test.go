package web

import (
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/starboard/starboard/internal/store"
	"github.com/starboard/starboard/internal/store/storetest"
)

// TestAPIReports: members report through the API once, not their own review; admins read the
// queue, dismiss and remove; anyone else gets 401 or 403. Every answer is checked against the
// OpenAPI document (ts.call).
func TestAPIReports(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		f := newAPIFixture(t, s)
		annReview := store.Review{ItemID: f.po.ID, UserID: f.ann.ID, Rating: 1, Summary: "Buy cheap pills"}
		if err := s.CreateReview(ctx, &annReview); err != nil {
			t.Fatal(err)
		}
		bobReports := "/api/v1/reviews/" + itoa(f.bobReview.ID) + "/reports"
		annReports := "/api/v1/reviews/" + itoa(annReview.ID) + "/reports"

		code, h, body := f.ts.call(t, f.annTok, "POST", bobReports, `{"reason": "abuse", "note": "  Calls Dipsy names\r\n"}`)
		var rep apiReport
		if err := json.Unmarshal([]byte(body), &rep); err != nil || code != http.StatusCreated || rep.ReviewID != f.bobReview.ID ||
			rep.Reason != "abuse" || rep.Note != "Calls Dipsy names" || h.Get("Location") != "/api/v1/reports/"+itoa(f.bobReview.ID) {
			t.Fatalf("report = %d %s, Location %q", code, body, h.Get("Location"))
		}
		for _, c := range []struct {
			name, token, path, body string
			want                    int
			field                   string
		}{
			{"twice", f.annTok, bobReports, `{"reason": "spam"}`, http.StatusConflict, "review"},
			{"own review", f.bobTok, bobReports, `{"reason": "spam"}`, http.StatusForbidden, ""},
			{"no token", "", bobReports, `{"reason": "spam"}`, http.StatusUnauthorized, ""},
			{"no review", f.annTok, "/api/v1/reviews/999999/reports", `{"reason": "spam"}`, http.StatusNotFound, ""},
			{"no reason", f.bobTok, annReports, `{"note": "x"}`, http.StatusUnprocessableEntity, "reason"},
			{"unknown reason", f.bobTok, annReports, `{"reason": "rude"}`, http.StatusUnprocessableEntity, "reason"},
			{"reason not text", f.bobTok, annReports, `{"reason": 1}`, http.StatusUnprocessableEntity, "reason"},
			{"long note", f.bobTok, annReports, `{"reason": "spam", "note": "` + strings.Repeat("x", ReportNoteMax+1) + `"}`, http.StatusUnprocessableEntity, "note"},
			{"unknown field", f.bobTok, annReports, `{"reason": "spam", "mood": "cross"}`, http.StatusUnprocessableEntity, "mood"},
			{"not JSON", f.bobTok, annReports, `reason=spam`, http.StatusBadRequest, ""},
		} {
			code, _, body := f.ts.call(t, c.token, "POST", c.path, c.body)
			if code != c.want || (c.field != "" && !strings.Contains(body, `"field":"`+c.field+`"`)) {
				t.Errorf("%s: %d %s; want %d naming %q", c.name, code, body, c.want, c.field)
			}
		}
		for _, tok := range []string{f.bobTok, f.adminTok} {
			if code, _, body := f.ts.call(t, tok, "POST", annReports, `{"reason": "spam"}`); code != http.StatusCreated {
				t.Fatalf("report of Ann's review = %d %s", code, body)
			}
		}

		// The queue: admins only, oldest first, paged.
		for tok, want := range map[string]int{"": http.StatusUnauthorized, f.annTok: http.StatusForbidden} {
			for _, p := range []string{"/api/v1/reports", "/api/v1/reports/" + itoa(f.bobReview.ID)} {
				if code, _, _ := f.ts.call(t, tok, "GET", p, ""); code != want {
					t.Errorf("GET %s with token %q = %d, want %d", p, tok, code, want)
				}
			}
			if code, _, _ := f.ts.call(t, tok, "DELETE", "/api/v1/reports/"+itoa(f.bobReview.ID), ""); code != want {
				t.Errorf("DELETE with token %q = %d, want %d", tok, code, want)
			}
		}
		var list struct {
			Reports []apiReportedReview `json:"reports"`
			Page    page                `json:"page"`
		}
		code, _, body = f.ts.call(t, f.adminTok, "GET", "/api/v1/reports?limit=1", "")
		if err := json.Unmarshal([]byte(body), &list); err != nil || code != 200 || list.Page != (page{Total: 2, Page: 1, Limit: 1}) ||
			len(list.Reports) != 1 || list.Reports[0].Review.ID != f.bobReview.ID || list.Reports[0].ReportCount != 1 ||
			list.Reports[0].Reports[0].Reporter != "ann" || list.Reports[0].Item.Category != "tubbies" {
			t.Fatalf("GET /reports?limit=1 = %d %s", code, body)
		}
		code, _, body = f.ts.call(t, f.adminTok, "GET", "/api/v1/reports?limit=1&page=2", "")
		if err := json.Unmarshal([]byte(body), &list); err != nil || code != 200 || len(list.Reports) != 1 ||
			list.Reports[0].Review.ID != annReview.ID || list.Reports[0].ReportCount != 2 ||
			len(list.Reports[0].Reasons) != 1 || list.Reports[0].Reasons[0] != (apiReasonCount{"spam", 2}) {
			t.Errorf("GET /reports page 2 = %d %s", code, body)
		}
		if code, _, body := f.ts.call(t, f.adminTok, "GET", "/api/v1/reports?limit=101", ""); code != http.StatusBadRequest || !strings.Contains(body, `"field":"limit"`) {
			t.Errorf("limit=101 = %d %s", code, body)
		}
		if code, _, body := f.ts.call(t, f.adminTok, "GET", "/api/v1/reports/"+itoa(annReview.ID), ""); code != 200 || !strings.Contains(body, `"report_count":2`) {
			t.Errorf("GET /reports/{id} = %d %s", code, body)
		}

		// Dismiss keeps the review; a second dismissal finds nothing open.
		dismiss := "/api/v1/reports/" + itoa(f.bobReview.ID)
		if code, _, body := f.ts.call(t, f.adminTok, "DELETE", dismiss, ""); code != http.StatusNoContent || body != "" {
			t.Errorf("dismiss = %d %s", code, body)
		}
		if log, _, err := s.AuditLog(context.Background(), store.AuditQuery{Limit: 5}); err != nil || len(log) == 0 ||
			log[0].Action != store.ActionReportDismiss || log[0].Target.ID != f.bobReview.ID {
			t.Errorf("audit log after the API's dismiss: %+v, %v", log, err)
		}
		for _, m := range []string{"DELETE", "GET"} {
			if code, _, _ := f.ts.call(t, f.adminTok, m, dismiss, ""); code != http.StatusNotFound {
				t.Errorf("%s after dismissal = %d", m, code)
			}
		}
		if code, _, _ := f.ts.call(t, "", "GET", f.revPath, ""); code != 200 {
			t.Errorf("the dismissed review is gone: %d", code)
		}

		// Remove is the review's DELETE: stars recounted, reports gone.
		wantItemCounts(t, s, f.po.ID, [5]int{1, 0, 0, 0, 0})
		if code, _, _ := f.ts.call(t, f.adminTok, "DELETE", "/api/v1/reviews/"+itoa(annReview.ID), ""); code != http.StatusNoContent {
			t.Errorf("remove = %d", code)
		}
		wantItemCounts(t, s, f.po.ID, [5]int{})
		code, _, body = f.ts.call(t, f.adminTok, "GET", "/api/v1/reports", "")
		if code != 200 || !strings.Contains(body, `"reports":[]`) || !strings.Contains(body, `"total":0`) {
			t.Errorf("queue after removal = %d %s", code, body)
		}
	})
}
