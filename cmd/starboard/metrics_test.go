package main

import (
	"context"
	"io"
	"net/http"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"
)

// TestServeMetricsAddr runs serve with METRICS_ADDR: the metrics are on that listener, without a
// token, and the site's own listener has no /metrics.
func TestServeMetricsAddr(t *testing.T) {
	t.Parallel()
	addr, metricsAddr := "127.0.0.1:"+freePort(t), "127.0.0.1:"+freePort(t)
	ctx, cancel := context.WithCancel(context.Background())
	env := map[string]string{"DATABASE_URL": "sqlite:" + filepath.Join(t.TempDir(), "s.db"), "METRICS_ADDR": metricsAddr}
	done := make(chan int)
	go func() {
		code, _, stderr := runCmd(t, ctx, env, "serve", "--addr", addr)
		if code != 0 {
			t.Errorf("serve: exit %d\n%s", code, stderr)
		}
		done <- code
	}()
	defer func() { cancel(); <-done }()

	get := func(url string) (int, string) {
		t.Helper()
		var res *http.Response
		var err error
		for range 100 {
			if res, err = http.Get(url); err == nil {
				break
			}
			time.Sleep(50 * time.Millisecond)
		}
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		b, _ := io.ReadAll(res.Body)
		return res.StatusCode, string(b)
	}
	if code, _ := get("http://" + addr + "/c/books/x"); code != http.StatusNotFound {
		t.Errorf("/c/books/x: %d", code)
	}
	if code, _ := get("http://" + addr + "/metrics"); code != http.StatusNotFound {
		t.Errorf("/metrics on the site's listener: %d; want 404", code)
	}
	if code, _ := get("http://" + metricsAddr + "/"); code != http.StatusNotFound {
		t.Errorf("/ on the metrics listener: %d; want 404", code)
	}
	code, body := get("http://" + metricsAddr + "/metrics")
	if code != http.StatusOK {
		t.Fatalf("/metrics on METRICS_ADDR: %d", code)
	}
	p := expfmt.NewTextParser(model.LegacyValidation)
	fams, err := p.TextToMetricFamilies(strings.NewReader(body))
	if err != nil {
		t.Fatalf("the exposition does not parse: %v", err)
	}
	found := false
	for _, m := range fams["starboard_http_requests_total"].GetMetric() {
		labels := map[string]string{}
		for _, l := range m.GetLabel() {
			labels[l.GetName()] = l.GetValue()
		}
		if labels["route"] == "GET /c/{line}/{item}" && labels["status"] == "404" && m.GetCounter().GetValue() == 1 {
			found = true
		}
	}
	if !found {
		t.Errorf("no request counted under GET /c/{line}/{item} with 404:\n%s", body)
	}
}
