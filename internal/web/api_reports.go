package web

import (
	"errors"
	"net/http"
	"strconv"
	"time"

	"github.com/starboard/starboard/internal/store"
)

// The API's reports: a member reports another's review (POST /reviews/{id}/reports); admins read
// the queue (GET /reports, GET /reports/{id}, the id being the review's) and dismiss a review's
// reports (DELETE /reports/{id}); removing the review is DELETE /reviews/{id}, which takes its
// reports along. The form's rules (checkReport) and rate limit (allowReport) apply.

// apiReport is one report as its reporter sends and gets it back.
type apiReport struct {
	ID        int64     `json:"id"`
	ReviewID  int64     `json:"review_id"`
	Reason    string    `json:"reason"`
	Note      string    `json:"note"`
	CreatedAt time.Time `json:"created_at"`
}

// apiReportEntry is one open report in the queue, with who sent it.
type apiReportEntry struct {
	ID        int64     `json:"id"`
	Reporter  string    `json:"reporter"`
	Reason    string    `json:"reason"`
	Note      string    `json:"note"`
	CreatedAt time.Time `json:"created_at"`
}

// apiReasonCount is how many open reports of a review give one reason.
type apiReasonCount struct {
	Reason string `json:"reason"`
	Count  int    `json:"count"`
}

// apiReportedItem names the item a reported review is about.
type apiReportedItem struct {
	ID       int64  `json:"id"`
	Slug     string `json:"slug"`
	Name     string `json:"name"`
	Category string `json:"category"`
}

// apiReportedReview is one entry of the moderation queue.
type apiReportedReview struct {
	Review        apiReview        `json:"review"`
	Item          apiReportedItem  `json:"item"`
	ReportCount   int              `json:"report_count"`
	Reasons       []apiReasonCount `json:"reasons"`
	Reports       []apiReportEntry `json:"reports"`
	FirstReported time.Time        `json:"first_reported_at"`
}

func toAPIReportedReview(rr store.ReportedReview) apiReportedReview {
	out := apiReportedReview{Review: toAPIReview(rr.Review), ReportCount: rr.Count(), FirstReported: rr.FirstReported,
		Item:    apiReportedItem{ID: rr.Review.ItemID, Slug: rr.ItemSlug, Name: rr.ItemName, Category: rr.LineSlug},
		Reasons: make([]apiReasonCount, len(rr.Reasons)), Reports: make([]apiReportEntry, len(rr.Reports))}
	for i, rc := range rr.Reasons {
		out.Reasons[i] = apiReasonCount{Reason: string(rc.Reason), Count: rc.Count}
	}
	for i, p := range rr.Reports {
		out.Reports[i] = apiReportEntry{ID: p.ID, Reporter: p.UserName, Reason: string(p.Reason), Note: p.Note, CreatedAt: p.CreatedAt}
	}
	return out
}

var reportFields = []string{"reason", "note"}

// decodeReport reads a report from a JSON body and checks it with checkReport.
func decodeReport(data []byte) (reportForm, error) {
	f, err := parseJSONFields(data, "a report", reportFields)
	if err != nil {
		return reportForm{}, err
	}
	f.require("reason")
	var reason, note string
	f.text("reason", &reason)
	f.text("note", &note)
	if p := f.problems(); p != nil {
		return reportForm{}, p
	}
	in, errs := checkReport(reason, note)
	if len(errs) > 0 {
		return reportForm{}, invalidFields(errs)
	}
	return in, nil
}

// apiReportReview records the token owner's report of a review: 201 with the report, 403 for
// their own review, 409 for a second report, 429 when they have sent too many.
func (srv *Server) apiReportReview(w http.ResponseWriter, r *http.Request) error {
	u := userFrom(r.Context())
	id, err := pathID(r)
	if err != nil {
		return err
	}
	locate := func(createdRef) string { return apiPrefix + "/reports/" + strconv.FormatInt(id, 10) }
	err = srv.create(w, r, locate, func(body []byte) (creation, error) {
		rv, err := srv.store.Review(r.Context(), id)
		if err != nil {
			return creation{}, err
		}
		if rv.UserID == u.ID {
			return creation{}, errOwnReport
		}
		in, err := decodeReport(body)
		if err != nil {
			return creation{}, err
		}
		ok, wait, err := srv.allowReport(r, u.ID)
		if err != nil {
			return creation{}, err
		}
		if !ok {
			secs := int((wait + time.Second - 1) / time.Second)
			return creation{}, problemOf(http.StatusTooManyRequests, "",
				"Too many reports from this account: please wait "+waitText(secs)+", then send it again.").with("Retry-After", strconv.Itoa(secs))
		}
		rep := store.Report{ReviewID: id, UserID: u.ID, Reason: store.ReportReason(in.Reason), Note: in.Note}
		return creation{write: func(tx *store.Tx) error { return tx.ReportReview(&rep) }, answer: func() any {
			return apiReport{ID: rep.ID, ReviewID: rep.ReviewID, Reason: string(rep.Reason), Note: rep.Note, CreatedAt: rep.CreatedAt}
		}}, nil
	})
	switch {
	case errors.Is(err, store.ErrConflict):
		return &httpError{Status: http.StatusConflict, Detail: "You have already reported this review; an admin will look at it.",
			Errors: fieldErrors{{"review", "already reported by you; one report per member and review"}}}
	case errors.Is(err, store.ErrOwnReview):
		return errOwnReport
	}
	return err
}

// apiReports returns one page of the moderation queue, the review first reported longest ago
// first.
func (srv *Server) apiReports(w http.ResponseWriter, r *http.Request) error {
	pg, err := parsePage(r)
	if err != nil {
		return err
	}
	queue, total, err := srv.store.ReportQueue(r.Context(), pg.Limit, pg.offset())
	if err != nil {
		return err
	}
	pg.Total = total
	out := make([]apiReportedReview, len(queue))
	for i, rr := range queue {
		out[i] = toAPIReportedReview(rr)
	}
	return writeJSON(w, http.StatusOK, map[string]any{"reports": out, "page": pg})
}

// apiReportedReview returns one review's entry in the queue; a review without open reports is
// a 404.
func (srv *Server) apiReportedReview(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	rr, err := srv.store.ReportedReview(r.Context(), id)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, toAPIReportedReview(rr))
}

// apiDismissReports closes a review's open reports, keeping the review: 204, or 404 when it has
// none.
func (srv *Server) apiDismissReports(w http.ResponseWriter, r *http.Request) error {
	rv, it, err := srv.adminReviewByPath(r)
	if err == nil {
		_, err = srv.dismissReportsAudited(r, rv, it)
	}
	return noContent(w, err)
}
