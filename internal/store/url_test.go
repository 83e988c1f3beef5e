package store_test

import (
	"strings"
	"testing"

	"github.com/starboard/starboard/internal/store"
)

func TestParseURL(t *testing.T) {
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
		{"x.db?mode=ro", "", "", "accepted forms"},
		{"postgres://", "", "", "names no host"},
		{"postgres://u:secret@h:notaport/db", "", "", "not a valid URL"},
	}
	for _, tt := range tests {
		got, err := store.ParseURL(tt.raw)
		if tt.wantErr != "" {
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Errorf("ParseURL(%q) error = %v, want it to contain %q", tt.raw, err, tt.wantErr)
			}
			if err != nil && strings.Contains(err.Error(), "secret") {
				t.Errorf("ParseURL(%q) error leaks the password: %v", tt.raw, err)
			}
			continue
		}
		if err != nil || got.Dialect != tt.wantDialect || got.DSN != tt.wantDSN {
			t.Errorf("ParseURL(%q) = %+v, %v; want %s %q", tt.raw, got, err, tt.wantDialect, tt.wantDSN)
		}
	}
}

func FuzzParseURL(f *testing.F) {
	for _, s := range []string{"", "postgres://u:p@h/d", "sqlite:x.db", "file:/a", "x://", "postgres://[::1", "\x00"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, raw string) {
		opt, err := store.ParseURL(raw)
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
