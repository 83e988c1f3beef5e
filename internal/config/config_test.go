package config

import (
	"strings"
	"testing"

	"github.com/starboard/starboard/internal/store"
)

func TestDatabase(t *testing.T) {
	t.Parallel()
	tests := []struct {
		raw         string
		wantDialect store.Dialect
		wantDSN     string
		wantErr     string
	}{
		{"", store.SQLite, "starboard.db", ""},
		{"sqlite:/tmp/x.db", store.SQLite, "/tmp/x.db", ""},
		{"sqlite:///tmp/x.db", store.SQLite, "/tmp/x.db", ""},
		{"file:data/x.db", store.SQLite, "data/x.db", ""},
		{"my.db", store.SQLite, "my.db", ""},
		{"postgres://u:p@localhost/db", store.Postgres, "postgres://u:p@localhost/db", ""},
		{"postgresql://u@127.0.0.1:5432/db?sslmode=disable", store.Postgres, "postgresql://u@127.0.0.1:5432/db?sslmode=disable", ""},
		{"postgres://u:p@ec2-1-2-3-4.compute.amazonaws.com:5432/d1", store.Postgres,
			"postgres://u:p@ec2-1-2-3-4.compute.amazonaws.com:5432/d1?sslmode=require", ""},
		{"postgres://u:p@db.example.com/d?sslmode=verify-full", store.Postgres, "postgres://u:p@db.example.com/d?sslmode=verify-full", ""},
		{"mysql://u@h/db", "", "", `unsupported scheme "mysql"`},
		{"redis://h", "", "", "accepted forms"},
		{"sqlite:", "", "", "no usable SQLite file path"},
		{"postgres://", "", "", "names no host"},
		{"postgres://u:secret@h:notaport/db", "", "", "not a valid URL"},
	}
	for _, tt := range tests {
		got, err := Database(tt.raw)
		if tt.wantErr != "" {
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Errorf("Database(%q) error = %v, want it to contain %q", tt.raw, err, tt.wantErr)
			}
			if err != nil && strings.Contains(err.Error(), "secret") {
				t.Errorf("Database(%q) error leaks the password: %v", tt.raw, err)
			}
			continue
		}
		if err != nil || got.Dialect != tt.wantDialect || got.DSN != tt.wantDSN {
			t.Errorf("Database(%q) = %+v, %v; want %s %q", tt.raw, got, err, tt.wantDialect, tt.wantDSN)
		}
	}
}

func TestLoad(t *testing.T) {
	t.Parallel()
	env := func(m map[string]string) func(string) string { return func(k string) string { return m[k] } }
	c, err := Load(env(nil), Flags{})
	if err != nil || c.Addr != "localhost:8080" || c.LogFormat != "text" || c.Database.Dialect != store.SQLite {
		t.Errorf("defaults = %+v, %v", c, err)
	}
	c, err = Load(env(map[string]string{"PORT": "5000", "LOG_FORMAT": "json", "TRUST_PROXY": "1",
		"DATABASE_URL": "postgres://u@localhost/x", "DATABASE_POOL": "7"}), Flags{})
	if err != nil || c.Addr != "0.0.0.0:5000" || c.LogFormat != "json" || !c.TrustProxy || c.Database.MaxConns != 7 {
		t.Errorf("from env = %+v, %v", c, err)
	}
	c, err = Load(env(map[string]string{"PORT": "5000"}), Flags{Addr: "127.0.0.1:9", Database: "x.db", Pool: 3})
	if err != nil || c.Addr != "127.0.0.1:9" || c.Database.DSN != "x.db" || c.Database.MaxConns != 3 {
		t.Errorf("flags win = %+v, %v", c, err)
	}
	for _, bad := range []map[string]string{
		{"PORT": "http"}, {"PORT": "70000"}, {"LOG_FORMAT": "xml"}, {"DATABASE_POOL": "lots"},
		{"DATABASE_URL": "mongodb://x"},
	} {
		if _, err := Load(env(bad), Flags{}); err == nil {
			t.Errorf("Load(%v) accepted it", bad)
		}
	}
	if _, err := Load(env(map[string]string{"DYNO": "web.1"}), Flags{}); err == nil || !strings.Contains(err.Error(), "ephemeral") {
		t.Errorf("SQLite on Heroku: %v, want a refusal explaining the ephemeral filesystem", err)
	}
	if _, err := Load(env(map[string]string{"DYNO": "web.1", "DATABASE_URL": "postgres://u@h/d"}), Flags{}); err != nil {
		t.Errorf("Postgres on Heroku: %v", err)
	}
}

func FuzzDatabase(f *testing.F) {
	for _, s := range []string{"", "postgres://u:p@h/d", "sqlite:x.db", "file:/a", "x://", "postgres://[::1", "\x00"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, raw string) {
		opt, err := Database(raw)
		if err != nil {
			if !strings.Contains(err.Error(), "accepted forms") {
				t.Errorf("error without the accepted forms: %v", err)
			}
			return
		}
		if opt.Dialect != store.SQLite && opt.Dialect != store.Postgres {
			t.Errorf("dialect %q", opt.Dialect)
		}
		if opt.DSN == "" {
			t.Error("empty DSN accepted")
		}
	})
}
