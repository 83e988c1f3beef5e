package main

import (
	"context"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync/atomic"
	"testing"
)

func TestHealthcheck(t *testing.T) {
	t.Parallel()
	var status atomic.Int32
	status.Store(http.StatusOK)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/healthz" {
			http.NotFound(w, r)
			return
		}
		w.WriteHeader(int(status.Load()))
	}))
	defer srv.Close()
	ctx := context.Background()
	u, _ := url.Parse(srv.URL)

	// The default URL comes from PORT, as in the container.
	code, out, errOut := runCmd(t, ctx, map[string]string{"PORT": u.Port()}, "healthcheck")
	if code != 0 || !strings.Contains(out, "200 OK") {
		t.Errorf("healthy: exit %d, %q %q", code, out, errOut)
	}
	status.Store(http.StatusServiceUnavailable)
	if code, _, errOut := runCmd(t, ctx, nil, "healthcheck", "--url", srv.URL+"/healthz"); code != exitFailure ||
		!strings.Contains(errOut, "503") {
		t.Errorf("unhealthy: exit %d, %q", code, errOut)
	}
	if code, _, errOut := runCmd(t, ctx, nil, "healthcheck", "--url", "http://127.0.0.1:1/healthz"); code != exitFailure ||
		!strings.Contains(errOut, "refused") {
		t.Errorf("nothing listening: exit %d, %q", code, errOut)
	}
	if code, _, _ := runCmd(t, ctx, nil, "healthcheck", "--url", "localhost:8080"); code != exitUsage {
		t.Errorf("bad URL: exit %d, want 2", code)
	}
}
