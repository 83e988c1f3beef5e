package web

import (
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/starboard/starboard/internal/auth"
	"github.com/starboard/starboard/internal/store"
)

// Reporting a review: a signed-in member who is not its author reports it once, with a reason and
// an optional note, from a page of its own (/reviews/{id}/report); the admins' queue is in
// admin_reports.go, the API's in api_reports.go. The same rules (checkReport) and the same rate
// limit (allowReport) serve the form and the API.

// ReportNoteMax is the longest note a report may carry, in characters.
const ReportNoteMax = 500

// defaultReportLimit bounds how many reports one member sends: enough for someone cleaning up a
// page of spam, too few to flood the queue.
var defaultReportLimit = auth.Limit{Attempts: 20, Window: time.Hour}

// reasonLabels say each reason in the words the form and the queue use.
var reasonLabels = map[store.ReportReason]string{
	store.ReasonSpam:     "Spam or advertising",
	store.ReasonAbuse:    "Abusive, hateful or harassing",
	store.ReasonOffTopic: "Not about this item",
	store.ReasonOther:    "Something else",
}

// reportForm is what a member chose and typed in the report form, and what is wrong with it.
type reportForm struct {
	Reason string
	Note   string
	Errors fieldErrors // by field: "reason", "note"
}

// reasonOption is one radio button of the report form.
type reasonOption struct {
	Value   store.ReportReason
	Label   string
	Checked bool
}

// Options returns the reasons as radio buttons, the chosen one checked.
func (f reportForm) Options() []reasonOption {
	var out []reasonOption
	for _, r := range store.ReportReasons() {
		out = append(out, reasonOption{Value: r, Label: reasonLabels[r], Checked: string(r) == f.Reason})
	}
	return out
}

// checkReport normalises a report (the note trimmed, line breaks as \n) and says what is wrong
// with it, for the form and the API alike.
func checkReport(reason, note string) (reportForm, fieldErrors) {
	f := reportForm{Reason: strings.TrimSpace(reason), Note: strings.TrimSpace(strings.ReplaceAll(note, "\r\n", "\n"))}
	var errs fieldErrors
	switch {
	case f.Reason == "":
		errs.add("reason", "Choose why you are reporting this review.")
	case !store.ReportReason(f.Reason).Valid():
		errs.add("reason", "Choose one of the reasons listed: spam, abuse, off-topic or other.")
	}
	switch n := utf8.RuneCountInString(f.Note); {
	case !storable(f.Note):
		errs.add("note", "The note contains characters that cannot be saved. Please retype it.")
	case n > ReportNoteMax:
		errs.add("note", fmt.Sprintf("Keep the note to %d characters or fewer; it has %s.", ReportNoteMax, thousands(n)))
	}
	return f, errs
}

// reportView is what templates/report.html shows.
type reportView struct {
	Item     store.Item
	Review   reviewView
	Action   string // where the form posts
	Back     string // the review on its item's page
	Form     reportForm
	Reported bool // the member has reported it already: no form
	NoteMax  int
}

// errOwnReport is the answer to an author reporting their own review.
var errOwnReport = problemOf(http.StatusForbidden, "",
	"That is your own review: you can edit or delete it, but not report it. Other members can report it.")

// reportableReview loads the {id} review and its item for the signed-in member, refusing their
// own review with a 403.
func (srv *Server) reportableReview(r *http.Request) (store.Review, store.Item, error) {
	rv, err := srv.reviewByPathID(r)
	if err != nil {
		return rv, store.Item{}, err
	}
	if rv.UserID == userFrom(r.Context()).ID {
		return rv, store.Item{}, errOwnReport
	}
	it, err := srv.store.Item(r.Context(), rv.ItemID)
	return rv, it, err
}

// newReportView prepares the report page for a review.
func (srv *Server) newReportView(r *http.Request, rv store.Review, it store.Item, f reportForm) reportView {
	id := strconv.FormatInt(rv.ID, 10)
	return reportView{Item: it, Review: srv.viewOf(rv, userFrom(r.Context()), false), Action: "/reviews/" + id + "/report",
		Back: itemPath(it) + "#review-" + id, Form: f, NoteMax: ReportNoteMax}
}

// renderReport shows the report page; the title says when the form has errors.
func (srv *Server) renderReport(w http.ResponseWriter, r *http.Request, status int, v reportView) error {
	title := "Report a review of " + v.Item.Name
	if len(v.Form.Errors) > 0 {
		title = "Error: " + title
	}
	return srv.render(w, r, status, "report", view{Title: title, Data: v})
}

// reportPage shows the report form for a review, or says the member has reported it already.
func (srv *Server) reportPage(w http.ResponseWriter, r *http.Request) error {
	rv, it, err := srv.reportableReview(r)
	if err != nil {
		return err
	}
	reported, err := srv.store.ReportsBy(r.Context(), userFrom(r.Context()).ID, []int64{rv.ID})
	if err != nil {
		return err
	}
	v := srv.newReportView(r, rv, it, reportForm{})
	v.Reported = reported[rv.ID]
	return srv.renderReport(w, r, http.StatusOK, v)
}

// reportReview records the signed-in member's report and goes back to the review, or shows the
// form again with what is wrong beside each field (429 when the member has sent too many).
func (srv *Server) reportReview(w http.ResponseWriter, r *http.Request) error {
	vals, err := parsePostedForm(r)
	if err != nil {
		return err
	}
	rv, it, err := srv.reportableReview(r)
	if err != nil {
		return err
	}
	f, errs := checkReport(vals.Get("reason"), vals.Get("note"))
	f.Errors = errs
	v := srv.newReportView(r, rv, it, f)
	if len(errs) > 0 {
		v.Form.Note = vals.Get("note") // as typed
		return srv.renderReport(w, r, http.StatusUnprocessableEntity, v)
	}
	u := userFrom(r.Context())
	ok, wait, err := srv.allowReport(r, u.ID)
	if err != nil {
		return err
	}
	if !ok {
		v.Form.Errors.add("form", tooManyReports(w, wait))
		return srv.renderReport(w, r, http.StatusTooManyRequests, v)
	}
	switch err := srv.store.ReportReview(r.Context(), &store.Report{ReviewID: rv.ID, UserID: u.ID,
		Reason: store.ReportReason(f.Reason), Note: f.Note}); {
	case errors.Is(err, store.ErrConflict):
		srv.setFlash(r, "You have already reported this review. Thanks, an admin will look at it.")
	case errors.Is(err, store.ErrOwnReview):
		return errOwnReport
	case err != nil:
		return err
	default:
		srv.setFlash(r, "Thanks, an admin will look at it.")
	}
	http.Redirect(w, r, v.Back, http.StatusSeeOther)
	return nil
}

// allowReport counts one report by the member, in the database so every instance shares the
// count, and reports whether it is within the limit and, when not, how long to wait.
func (srv *Server) allowReport(r *http.Request, userID int64) (bool, time.Duration, error) {
	at := time.Now()
	limit := srv.opt.ReportLimit
	windows, err := srv.store.HitRateLimits(r.Context(), at, limit.Window, "report:member:"+strconv.FormatInt(userID, 10))
	if err != nil {
		return false, 0, err
	}
	ok, wait := limit.Check(windows[0].Hits, windows[0].Start, at)
	if !ok {
		srv.log.Warn("rate limited", "action", "report", "user", userID, "retry_after", wait.Round(time.Second))
	}
	return ok, wait, nil
}

// tooManyReports sets Retry-After and returns the message for a member who has sent too many
// reports.
func tooManyReports(w http.ResponseWriter, wait time.Duration) string {
	secs := int((wait + time.Second - 1) / time.Second)
	w.Header().Set("Retry-After", strconv.Itoa(secs))
	return "You have sent a lot of reports in a short time. Thank you; please wait " + waitText(secs) +
		", then send this one again."
}
