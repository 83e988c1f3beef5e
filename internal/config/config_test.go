package config

import (
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
	for _, bad := range []map[string]string{
		{"PORT": "http"}, {"PORT": "70000"}, {"LOG_FORMAT": "xml"}, {"DATABASE_POOL": "lots"},
	} {
		if _, err := Load(env(bad), Flags{}); err == nil {
			t.Errorf("Load(%v) accepted it", bad)
		}
	}
}
