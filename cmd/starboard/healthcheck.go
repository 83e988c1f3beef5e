package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"time"
)

// healthcheck asks a running server's /healthz and succeeds (exit 0) only on a 200 answer. It is
// the container's HEALTHCHECK: the minimal image has no curl or wget.
func (e env) healthcheck(ctx context.Context, args []string) error {
	fs := e.flags("healthcheck")
	var target string
	var timeout time.Duration
	fs.StringVar(&target, "url", "", "URL to check (default http://127.0.0.1:$PORT/healthz, PORT defaulting to 8080)")
	fs.DurationVar(&timeout, "timeout", 3*time.Second, "give up after this long")
	if err := e.parse(fs, args); err != nil {
		return err
	}
	if target == "" {
		port := e.getenv("PORT")
		if port == "" {
			port = "8080"
		}
		target = "http://" + net.JoinHostPort("127.0.0.1", port) + "/healthz"
	}
	if u, err := url.Parse(target); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return usageError{fmt.Errorf("--url %q: want an http:// or https:// URL", target)}
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, target, nil)
	if err != nil {
		return usageError{err}
	}
	client := &http.Client{Transport: &http.Transport{Proxy: nil}}
	res, err := client.Do(req)
	if err != nil {
		var ue *url.Error
		if errors.As(err, &ue) {
			err = ue.Err
		}
		return fmt.Errorf("%s: %w", target, err)
	}
	defer res.Body.Close()
	io.Copy(io.Discard, io.LimitReader(res.Body, 64<<10))
	if res.StatusCode != http.StatusOK {
		return fmt.Errorf("%s answered %s", target, res.Status)
	}
	fmt.Fprintf(e.stdout, "%s: %s\n", target, res.Status)
	return nil
}
