package web

import (
	"database/sql"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/starboard/starboard/internal/store"
	"github.com/starboard/starboard/internal/store/storetest"
)

// refuseSessionWrites makes the database refuse every write to the sessions table from now on,
// while reads go on: a session that loads and then cannot be saved.
func refuseSessionWrites(t *testing.T, opt store.Options) {
	t.Helper()
	driver, ddl := "sqlite", []string{
		`CREATE TRIGGER refuse_insert BEFORE INSERT ON sessions BEGIN SELECT RAISE(ABORT, 'sessions refused'); END`,
		`CREATE TRIGGER refuse_update BEFORE UPDATE ON sessions BEGIN SELECT RAISE(ABORT, 'sessions refused'); END`,
	}
	if opt.Dialect == store.Postgres {
		driver, ddl = "pgx", []string{
			`CREATE FUNCTION refuse() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'sessions refused'; END $$`,
			`CREATE TRIGGER refuse BEFORE INSERT OR UPDATE ON sessions FOR EACH ROW EXECUTE FUNCTION refuse()`,
		}
	}
	db, err := sql.Open(driver, opt.DSN)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	for _, q := range ddl {
		if _, err := db.Exec(q); err != nil {
			t.Fatal(err)
		}
	}
}

// A session that cannot be saved once the page is rendered gets one answer, the error page:
// not the error page followed by the page (scs reports the failure from inside the first write,
// and then goes on with that write).
func TestSessionSaveFailsOneAnswer(t *testing.T) {
	t.Parallel()
	for _, d := range []store.Dialect{store.SQLite, store.Postgres} {
		t.Run(string(d), func(t *testing.T) {
			opt := storetest.Options(t, d)
			s := storetest.OpenWith(t, opt)
			withDemo(t, s)
			ts := newTestServer(t, s)
			ts.signInAs(t, newMember(t, s, "flash@example.com"))

			// A one-time message waits in the session; showing it changes the session.
			req := httptest.NewRequest(http.MethodGet, "/", nil)
			req.AddCookie(&http.Cookie{Name: ts.srv.sessions.Cookie.Name, Value: ts.sessionCookie(ts.client)})
			ts.srv.loadSession(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				ts.srv.setFlash(r, "A message to show once.")
			})).ServeHTTP(httptest.NewRecorder(), req)

			refuseSessionWrites(t, opt)
			code, _, body := ts.get(t, "/account")
			if code < 500 {
				t.Errorf("status %d when the session could not be saved, want a server error", code)
			}
			if n := strings.Count(strings.ToLower(body), "<!doctype html>"); n != 1 {
				t.Errorf("the answer holds %d HTML documents, want 1:\n%s", n, body)
			}
			if strings.Contains(body, "A message to show once.") {
				t.Error("the page was sent after the error page")
			}
		})
	}
}
