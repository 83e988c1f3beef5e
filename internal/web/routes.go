package web

import (
	"net/http"
	"strings"
)

// routes returns the site's map: every HTML page, the JSON API, the feeds, health checks and
// static files, inside the middleware every request passes through.
func (srv *Server) routes() http.Handler {
	mux := &siteMux{ServeMux: http.NewServeMux()}
	page := srv.handle
	member := func(h handlerFunc) http.HandlerFunc { return srv.handle(srv.requireUser(h)) }
	admin := func(h handlerFunc) http.HandlerFunc { return srv.handle(srv.requireAdmin(h)) }

	// The process and its files.
	mux.HandleFunc("GET /healthz", srv.healthz)
	mux.HandleFunc("GET /readyz", srv.readyz)
	mux.HandleFunc("GET /metrics", page(srv.scrape)) // with METRICS_TOKEN only (metrics.go)
	mux.Handle("GET /static/", srv.static)
	mux.HandleFunc("GET /pictures/{name}", page(srv.servePicture)) // items' pictures (picture.go)

	// For search engines (seo.go).
	mux.HandleFunc("GET /robots.txt", srv.robots)
	mux.HandleFunc("GET /favicon.ico", srv.favicon)
	mux.HandleFunc("GET /sitemap.xml", page(srv.sitemap))

	// Product lines and items, for everyone.
	mux.HandleFunc("GET /{$}", page(srv.home))
	mux.HandleFunc("GET /c/{line}", page(srv.line))
	mux.HandleFunc("GET /c/{line}/compare", page(srv.comparePage))
	mux.HandleFunc("GET /c/{line}/{item}", page(srv.itemPage))
	mux.HandleFunc("GET /c/{line}/feed.atom", page(srv.lineFeed))
	mux.HandleFunc("GET /c/{line}/{item}/feed.atom", page(srv.itemFeed))
	mux.HandleFunc("GET /search", page(srv.search))

	// Reviews, by members.
	mux.HandleFunc("POST /c/{line}/{item}/reviews", member(srv.createReview))
	mux.HandleFunc("GET /reviews/{id}/edit", member(srv.editReview))
	mux.HandleFunc("POST /reviews/{id}/edit", member(srv.updateReview))
	mux.HandleFunc("GET /reviews/{id}/delete", member(srv.confirmDeleteReview))
	mux.HandleFunc("POST /reviews/{id}/delete", member(srv.deleteReview))
	mux.HandleFunc("POST /reviews/{id}/helpful", member(srv.markHelpful))
	mux.HandleFunc("GET /reviews/{id}/report", member(srv.reportPage))
	mux.HandleFunc("POST /reviews/{id}/report", member(srv.reportReview))

	// Accounts: sign-up, sign-in, sign-out and the account page. The API's /me is below.
	mux.HandleFunc("GET /signup", page(srv.signupPage))
	mux.HandleFunc("POST /signup", page(srv.signup))
	mux.HandleFunc("GET /login", page(srv.loginPage))
	mux.HandleFunc("POST /login", page(srv.login))
	mux.HandleFunc("POST /logout", page(srv.logout))
	mux.HandleFunc("GET /setup", page(srv.setupPage))
	mux.HandleFunc("POST /setup", page(srv.setup))
	mux.HandleFunc("GET /account", member(srv.accountPage))
	mux.HandleFunc("POST /account/name", member(srv.changeDisplayName))
	mux.HandleFunc("POST /account/password", member(srv.changePassword))
	mux.HandleFunc("POST /account/tokens", member(srv.createToken))
	mux.HandleFunc("POST /account/tokens/{id}/revoke", member(srv.revokeToken))

	// Forgotten passwords and mailed links (account_password.go, account_verify.go).
	mux.HandleFunc("GET /password/forgot", page(srv.forgotPage))
	mux.HandleFunc("POST /password/forgot", page(srv.forgot))
	mux.HandleFunc("GET /password/reset/{token}", page(srv.resetPage))
	mux.HandleFunc("POST /password/reset/{token}", page(srv.reset))
	mux.HandleFunc("GET /email/verify/{token}", page(srv.verifyPage))
	mux.HandleFunc("POST /email/verify/{token}", page(srv.verify))
	mux.HandleFunc("POST /account/verify", member(srv.resendVerification))

	// Admin: product lines, items, review removal, the queue of reported reviews, members and the
	// audit log.
	mux.HandleFunc("GET /admin", admin(srv.adminHome))
	mux.HandleFunc("GET /admin/lines/new", admin(srv.adminNewLine))
	mux.HandleFunc("POST /admin/lines", admin(srv.adminCreateLine))
	mux.HandleFunc("GET /admin/lines/{line}", admin(srv.adminLine))
	mux.HandleFunc("POST /admin/lines/{line}", admin(srv.adminUpdateLine))
	mux.HandleFunc("GET /admin/lines/{line}/delete", admin(srv.adminConfirmDeleteLine))
	mux.HandleFunc("POST /admin/lines/{line}/delete", admin(srv.adminDeleteLine))
	mux.HandleFunc("GET /admin/lines/{line}/items/new", admin(srv.adminNewItem))
	mux.HandleFunc("POST /admin/lines/{line}/items", admin(srv.adminCreateItem))
	mux.HandleFunc("GET /admin/items/{id}", admin(srv.adminItem))
	mux.HandleFunc("POST /admin/items/{id}", admin(srv.adminUpdateItem))
	mux.HandleFunc("GET /admin/items/{id}/delete", admin(srv.adminConfirmDeleteItem))
	mux.HandleFunc("POST /admin/items/{id}/delete", admin(srv.adminDeleteItem))
	mux.HandleFunc("GET /admin/items/{id}/pictures", admin(srv.adminPictures))
	mux.HandleFunc("POST /admin/items/{id}/pictures", admin(srv.adminAddPicture))
	mux.HandleFunc("POST /admin/pictures/{id}/move", admin(srv.adminMovePicture))
	mux.HandleFunc("GET /admin/pictures/{id}/delete", admin(srv.adminConfirmDeletePicture))
	mux.HandleFunc("POST /admin/pictures/{id}/delete", admin(srv.adminDeletePicture))
	mux.HandleFunc("GET /admin/reviews/{id}/remove", admin(srv.adminConfirmRemoveReview))
	mux.HandleFunc("POST /admin/reviews/{id}/remove", admin(srv.adminRemoveReview))
	mux.HandleFunc("GET /admin/reports", admin(srv.adminReports))
	mux.HandleFunc("POST /admin/reports/{id}/dismiss", admin(srv.adminDismissReports))
	mux.HandleFunc("GET /admin/members", admin(srv.adminMembers))
	mux.HandleFunc("POST /admin/members/{id}/role", admin(srv.adminSetRole))
	mux.HandleFunc("POST /admin/members/{id}/status", admin(srv.adminSetStatus))
	mux.HandleFunc("GET /admin/log", admin(srv.adminLog))
	mux.HandleFunc("POST /admin/members/{id}/reset-link", admin(srv.adminResetLink))

	// The JSON API (its table is below); 405 naming the methods a known HTML address takes, and
	// 404 for any other path.
	srv.apiRoutes(mux.ServeMux)
	srv.htmlPatterns = mux.patterns
	mux.HandleFunc("/", srv.noRoute(mux.ServeMux))

	cop := http.NewCrossOriginProtection()
	cop.SetDenyHandler(http.HandlerFunc(srv.crossOriginDenied))
	return srv.logRequests(srv.metrics.countRequests(srv.secureHeaders(srv.compressAnswers(limitBody(srv.recoverPanics(srv.loadSession(srv.loadUser(cop.Handler(srv.metrics.notePattern(mux))))))))))
}

// apiPrefix starts every API path.
const apiPrefix = "/api/v1"

// apiRoute is one route of the JSON API. The table of them is what the mux registers and what
// the OpenAPI test compares with the served document, so the two cannot drift apart.
type apiRoute struct {
	Method  string
	Path    string // under apiPrefix, with {name} wildcards
	handler handlerFunc
}

// apiRouteTable returns every route of the JSON API. A member is known by an API token here.
func (srv *Server) apiRouteTable() []apiRoute {
	member := srv.requireUser
	admin := srv.requireAPIAdmin
	moderator := func(h handlerFunc) handlerFunc { return srv.requireAPIAdminTo("read and settle reports", h) }
	return []apiRoute{
		{"GET", "/categories", srv.apiCategories},
		{"POST", "/categories", admin(srv.apiCreateCategory)},
		{"GET", "/categories/{line}", srv.apiCategory},
		{"PATCH", "/categories/{line}", admin(srv.apiUpdateCategory)},
		{"DELETE", "/categories/{line}", admin(srv.apiDeleteCategory)},
		{"GET", "/categories/{line}/items", srv.apiCategoryItems},
		{"GET", "/categories/{line}/compare", srv.apiCompare},
		{"POST", "/items", admin(srv.apiCreateItem)},
		{"GET", "/items/{id}", srv.apiItem},
		{"PATCH", "/items/{id}", admin(srv.apiUpdateItem)},
		{"DELETE", "/items/{id}", admin(srv.apiDeleteItem)},
		{"GET", "/items/{id}/reviews", srv.apiItemReviews},
		{"GET", "/items/{id}/pictures", srv.apiItemPictures},
		{"POST", "/items/{id}/pictures", admin(srv.apiAddPicture)},
		{"GET", "/pictures/{id}", srv.apiPicture},
		{"PATCH", "/pictures/{id}", admin(srv.apiMovePicture)},
		{"DELETE", "/pictures/{id}", admin(srv.apiDeletePicture)},
		{"POST", "/items/{id}/reviews", member(srv.apiCreateReview)},
		{"GET", "/reviews/{id}", srv.apiReview},
		{"PATCH", "/reviews/{id}", member(srv.apiUpdateReview)},
		{"DELETE", "/reviews/{id}", member(srv.apiDeleteReview)},
		{"POST", "/reviews/{id}/reports", member(srv.apiReportReview)},
		{"GET", "/reports", moderator(srv.apiReports)},
		{"GET", "/reports/{id}", moderator(srv.apiReportedReview)},
		{"DELETE", "/reports/{id}", moderator(srv.apiDismissReports)},
		{"GET", "/me", member(srv.apiMe)},
		{"GET", "/search", srv.apiSearch},
		{"GET", "/openapi.json", srv.apiOpenAPI},
	}
}

// apiRoutes registers the API table, a 405 naming the allowed methods for a known path asked
// with another method, and a 404 problem for every other path under /api/.
func (srv *Server) apiRoutes(mux *http.ServeMux) {
	allowed := map[string][]string{}
	var paths []string
	for _, rt := range srv.apiRouteTable() {
		mux.HandleFunc(rt.Method+" "+apiPrefix+rt.Path, srv.handle(rt.handler))
		if allowed[rt.Path] == nil {
			paths = append(paths, rt.Path)
		}
		allowed[rt.Path] = append(allowed[rt.Path], rt.Method)
		if rt.Method == http.MethodGet {
			allowed[rt.Path] = append(allowed[rt.Path], http.MethodHead)
		}
	}
	for _, p := range paths {
		mux.HandleFunc(apiPrefix+p, srv.methodNotAllowed(allowed[p]))
	}
	mux.HandleFunc("/api/", srv.notFound)
}

// siteMux is the router, remembering the patterns it registers (the HTML pages', for tests).
type siteMux struct {
	*http.ServeMux
	patterns []string
}

// Handle registers h for pattern.
func (m *siteMux) Handle(pattern string, h http.Handler) {
	m.patterns = append(m.patterns, pattern)
	m.ServeMux.Handle(pattern, h)
}

// HandleFunc registers h for pattern.
func (m *siteMux) HandleFunc(pattern string, h http.HandlerFunc) { m.Handle(pattern, h) }

// routeMethods are the methods asked of the router to learn which ones an address takes.
var routeMethods = []string{http.MethodGet, http.MethodPost, http.MethodPut, http.MethodPatch, http.MethodDelete}

// noRoute answers a request no route took: 405 with Allow when the path is that of an HTML page
// asked with a method it does not take (the catch-all "/" would otherwise swallow it, since the
// router's own 405 applies only when no pattern matches), else 404.
func (srv *Server) noRoute(mux *http.ServeMux) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		var allow []string
		for _, m := range routeMethods {
			probe := r.WithContext(r.Context())
			probe.Method = m
			// Method patterns hold a space; the catch-all and the router's trailing-slash
			// redirects do not.
			if _, pattern := mux.Handler(probe); strings.Contains(pattern, " ") {
				allow = append(allow, m)
				if m == http.MethodGet {
					allow = append(allow, http.MethodHead)
				}
			}
		}
		if len(allow) == 0 {
			srv.notFound(w, r)
			return
		}
		srv.methodNotAllowed(allow)(w, r)
	}
}
