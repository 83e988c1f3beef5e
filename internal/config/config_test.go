package config

import (
	"strings"
	"testing"
)

func TestLoad(t *testing.T) {
	t.Parallel()
	env := func(m map[string]string) func(string) string { return func(k string) string { return m[k] } }
	c, err := Load(env(nil), Flags{})
	if err != nil || c.Addr != "localhost:8080" || c.LogFormat != "text" || c.DatabaseURL != "" || c.EphemeralDisk {
		t.Errorf("defaults = %+v, %v", c, err)
	}
	c, err = Load(env(map[string]string{"PORT": "5000", "LOG_FORMAT": "json", "TRUST_PROXY": "1",
		"DATABASE_URL": "postgres://u@localhost/x", "DATABASE_POOL": "7", "DYNO": "web.1"}), Flags{})
	if err != nil || c.Addr != "0.0.0.0:5000" || c.LogFormat != "json" || !c.TrustProxy ||
		c.DatabaseURL != "postgres://u@localhost/x" || c.DatabasePool != 7 || !c.EphemeralDisk {
		t.Errorf("from env = %+v, %v", c, err)
	}
	c, err = Load(env(map[string]string{"PORT": "5000", "DATABASE_URL": "postgres://u@h/d"}),
		Flags{Addr: "127.0.0.1:9", Database: "x.db", Pool: 3})
	if err != nil || c.Addr != "127.0.0.1:9" || c.DatabaseURL != "x.db" || c.DatabasePool != 3 {
		t.Errorf("flags win = %+v, %v", c, err)
	}
	if c, _ := Load(env(nil), Flags{}); c.PageCacheBytes != -1 {
		t.Errorf("page cache unset = %d, want -1 (the default)", c.PageCacheBytes)
	}
	if c, _ := Load(env(map[string]string{"PAGE_CACHE_BYTES": "0"}), Flags{}); c.PageCacheBytes != 0 {
		t.Errorf("PAGE_CACHE_BYTES=0 gives %d", c.PageCacheBytes)
	}
	if c, _ := Load(env(map[string]string{"PAGE_CACHE_BYTES": "0"}), Flags{PageCache: "8388608"}); c.PageCacheBytes != 8<<20 {
		t.Errorf("--page-cache does not win: %d", c.PageCacheBytes)
	}
	for _, bad := range []map[string]string{
		{"PORT": "http"}, {"PORT": "70000"}, {"LOG_FORMAT": "xml"}, {"DATABASE_POOL": "lots"},
		{"PAGE_CACHE_BYTES": "-1"}, {"PAGE_CACHE_BYTES": "4MiB"},
	} {
		if _, err := Load(env(bad), Flags{}); err == nil {
			t.Errorf("Load(%v) accepted it", bad)
		}
	}
}

func TestMetricsSettings(t *testing.T) {
	t.Parallel()
	env := func(m map[string]string) func(string) string { return func(k string) string { return m[k] } }
	c, err := Load(env(nil), Flags{})
	if err != nil || c.MetricsAddr != "" || c.MetricsToken != "" {
		t.Errorf("metrics on by default: %+v, %v", c, err)
	}
	c, err = Load(env(map[string]string{"METRICS_ADDR": "127.0.0.1:9090", "METRICS_TOKEN": "0123456789abcdef"}), Flags{})
	if err != nil || c.MetricsAddr != "127.0.0.1:9090" || c.MetricsToken != "0123456789abcdef" {
		t.Errorf("from env = %+v, %v", c, err)
	}
	for _, bad := range []map[string]string{
		{"METRICS_ADDR": "9090"}, {"METRICS_ADDR": "localhost"}, {"METRICS_ADDR": "localhost:"},
		{"METRICS_TOKEN": "short"}, {"METRICS_TOKEN": "0123456789 abcdef"},
	} {
		if _, err := Load(env(bad), Flags{}); err == nil || !strings.Contains(err.Error(), "METRICS_") {
			t.Errorf("Load(%v) accepted it (%v)", bad, err)
		}
	}
}

func TestBaseURL(t *testing.T) {
	t.Parallel()
	env := func(m map[string]string) func(string) string { return func(k string) string { return m[k] } }
	for in, want := range map[string]string{
		"https://reviews.example.com":      "https://reviews.example.com",
		"https://reviews.example.com/":     "https://reviews.example.com",
		"HTTP://Reviews.Example.COM:8080/": "http://reviews.example.com:8080",
		"http://localhost:8080":            "http://localhost:8080",
		"https://[2001:db8::1]:8443":       "https://[2001:db8::1]:8443",
	} {
		c, err := Load(env(map[string]string{"BASE_URL": in}), Flags{})
		if err != nil || c.BaseURL != want {
			t.Errorf("BASE_URL=%q → %q, %v; want %q", in, c.BaseURL, err, want)
		}
	}
	c, err := Load(env(map[string]string{"BASE_URL": "https://a.example"}), Flags{BaseURL: "https://b.example/"})
	if err != nil || c.BaseURL != "https://b.example" {
		t.Errorf("flag wins = %q, %v", c.BaseURL, err)
	}
	for _, bad := range []string{"reviews.example.com", "/c/books", "ftp://x.example", "https://x.example/?a=1",
		"https://x.example/#top", "https://x.example/reviews", "https://u:p@x.example", "https://", "mailto:a@b.example"} {
		if _, err := Load(env(map[string]string{"BASE_URL": bad}), Flags{}); err == nil || !strings.Contains(err.Error(), "BASE_URL") {
			t.Errorf("BASE_URL=%q accepted (%v)", bad, err)
		}
	}
	for _, tt := range []struct {
		env  map[string]string
		fail bool
	}{
		{nil, false},
		{map[string]string{"DYNO": "web.1"}, true},
		{map[string]string{"TRUST_PROXY": "1"}, true},
		{map[string]string{"TRUST_PROXY": "1", "BASE_URL": "https://x.example"}, false},
		{map[string]string{"DYNO": "web.1", "BASE_URL": "https://x.example"}, false},
	} {
		c, err := Load(env(tt.env), Flags{})
		if err != nil {
			t.Fatal(err)
		}
		err = c.RequireBaseURL()
		if (err != nil) != tt.fail || (err != nil && !strings.Contains(err.Error(), "set BASE_URL")) {
			t.Errorf("%v: RequireBaseURL() = %v", tt.env, err)
		}
	}
}
