package web

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/starboard/starboard/internal/store"
)

// The admins' moderation queue: reviews with open reports, the one first reported longest ago
// first, each to dismiss (the reports close, the review stays) or to remove (the existing review
// removal, which recounts the item's stars in its transaction and takes the reports along).

// adminReportsPerPage is how many reported reviews the queue shows at once.
const adminReportsPerPage = 20

// excerptMax is how much of a reported review's details the queue shows, in characters.
const excerptMax = 240

// reportsQueueView is one page of the moderation queue.
type reportsQueueView struct {
	Entries    []reportEntry
	Page       page
	Prev, Next string // addresses of the neighbouring pages, "" at either end
}

// reportEntry is one reported review as the queue shows it, flat and ready to print.
type reportEntry struct {
	ReviewID      int64
	Item, Line    string
	ItemHref      string // the review on its item's page
	LineHref      string
	Author        string
	Stars         starRating
	Summary       string
	Excerpt       string // the start of the details, "" when there are none
	Count         int
	Reasons       []reasonCountView
	Notes         []reportNote // the reports that carry a note, oldest first
	First         string       // when it was first reported, for datetime attributes
	FirstText     string
	DismissAction string
	RemoveHref    string
}

// reasonCountView is how many open reports give one reason.
type reasonCountView struct {
	Label string
	Count int
}

// reportNote is one report's note with who sent it and why.
type reportNote struct {
	Reporter, Reason, Note, Date, DateText string
}

// reportsHref returns the queue's address for a page.
func reportsHref(n int) string {
	if n <= 1 {
		return "/admin/reports"
	}
	return "/admin/reports?page=" + strconv.Itoa(n)
}

// adminReports shows one page of the moderation queue.
func (srv *Server) adminReports(w http.ResponseWriter, r *http.Request) error {
	pg, field, msg := parsePageValues("", r.URL.Query().Get("page"), adminReportsPerPage)
	if field != "" {
		return problemOf(http.StatusBadRequest, field, msg)
	}
	queue, total, err := srv.store.ReportQueue(r.Context(), pg.Limit, pg.offset())
	if err != nil {
		return err
	}
	pg.Total = total
	v := reportsQueueView{Page: pg}
	for _, rr := range queue {
		v.Entries = append(v.Entries, srv.reportEntryOf(rr))
	}
	if pg.Page > 1 {
		v.Prev = reportsHref(min(pg.Page-1, pg.Pages()))
	}
	if pg.Page < pg.Pages() {
		v.Next = reportsHref(pg.Page + 1)
	}
	return srv.render(w, r, http.StatusOK, "admin_reports", view{Title: "Admin: reported reviews", Data: v})
}

// reportEntryOf prepares a queue entry for the page.
func (srv *Server) reportEntryOf(rr store.ReportedReview) reportEntry {
	id := strconv.FormatInt(rr.Review.ID, 10)
	e := reportEntry{ReviewID: rr.Review.ID, Item: rr.ItemName, Line: rr.LineName,
		ItemHref: itemPath(store.Item{CategorySlug: rr.LineSlug, Slug: rr.ItemSlug}) + "#review-" + id,
		LineHref: "/c/" + url.PathEscape(rr.LineSlug),
		Author:   rr.Review.UserName, Stars: srv.stars.rating(rr.Review.Rating), Summary: rr.Review.Summary,
		Excerpt: excerpt(rr.Review.Details, excerptMax), Count: rr.Count(),
		First: rr.FirstReported.UTC().Format("2006-01-02T15:04:05Z"), FirstText: longDate(rr.FirstReported),
		DismissAction: "/admin/reports/" + id + "/dismiss", RemoveHref: "/admin/reviews/" + id + "/remove?next=/admin/reports"}
	for _, rc := range rr.Reasons {
		e.Reasons = append(e.Reasons, reasonCountView{Label: reasonLabels[rc.Reason], Count: rc.Count})
	}
	for _, p := range rr.Reports {
		if p.Note != "" {
			e.Notes = append(e.Notes, reportNote{Reporter: p.UserName, Reason: reasonLabels[p.Reason], Note: p.Note,
				Date: isoDate(p.CreatedAt), DateText: longDate(p.CreatedAt)})
		}
	}
	return e
}

// excerpt returns the first max characters of s on one line, with an ellipsis when cut.
func excerpt(s string, max int) string {
	s = strings.Join(strings.Fields(s), " ")
	if utf8.RuneCountInString(s) <= max {
		return s
	}
	cut := []rune(s)[:max]
	if i := strings.LastIndexByte(string(cut), ' '); i > max/2 {
		return string(cut)[:i] + "…"
	}
	return string(cut) + "…"
}

// adminDismissReports closes the open reports of a review and goes back to the queue.
func (srv *Server) adminDismissReports(w http.ResponseWriter, r *http.Request) error {
	rv, it, err := srv.adminReviewByPath(r)
	if err != nil {
		return err
	}
	n, err := srv.dismissReportsAudited(r, rv, it)
	if err != nil {
		return err
	}
	srv.setFlash(r, "Dismissed "+plural(n, "report", "reports")+" of "+rv.UserName+"’s review of "+it.Name+"; the review stays.")
	http.Redirect(w, r, "/admin/reports", http.StatusSeeOther)
	return nil
}

// openReports returns the length of the moderation queue for the admin nav: 0 for anyone but an
// admin on an admin page, -1 when it cannot be read (the nav then shows no number: an error
// page, perhaps saying the database is down, must still render).
func (srv *Server) openReports(r *http.Request, u *store.User) int {
	if u == nil || !u.IsAdmin || !strings.HasPrefix(r.URL.Path, "/admin") {
		return 0
	}
	n, err := srv.store.OpenReportCount(r.Context())
	if err != nil {
		srv.log.Warn("open report count", "err", err)
		return -1
	}
	return n
}

// adminNavView is what the admin nav shows: the section it is on and the queue's length.
type adminNavView struct {
	Current string
	Reports int
}

// adminNav returns the admin nav's view for a page of the section current ("lines", "members",
// "reports", or "" for none).
func adminNav(current string, v view) adminNavView {
	return adminNavView{Current: current, Reports: v.OpenReports}
}

// dismissReportsAudited closes a review's open reports and records it in the audit log, in one
// transaction, and returns how many it closed.
func (srv *Server) dismissReportsAudited(r *http.Request, rv store.Review, it store.Item) (int, error) {
	var n int
	e := auditEntry(r, store.ActionReportDismiss, reviewTarget(rv, it), "")
	err := srv.store.Audited(r.Context(), e, func(tx *store.Tx) error {
		var err error
		n, err = tx.DismissReports(rv.ID)
		e.Detail = plural(n, "report", "reports") + " dismissed; the review stays"
		return err
	})
	return n, err
}
