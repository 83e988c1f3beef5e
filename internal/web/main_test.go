package web

import (
	"flag"
	"fmt"
	"os"
	"slices"
	"sync"
	"testing"
)

// rendered records which page templates the tests rendered.
var rendered sync.Map

// TestMain runs the tests and then, when the whole package ran (no -run, -skip or -short), fails
// if some page template was never rendered by any test: a page nobody looks at is a page nobody
// tested.
func TestMain(m *testing.M) {
	renderHook = func(name string) { rendered.Store(name, true) }
	code := m.Run()
	if code == 0 && wholeSuite() {
		static := mustStatic()
		stars, err := newStarPainter(static)
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
		p, err := parsePages(static, stars)
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
		var never []string
		for _, name := range p.names() {
			if _, ok := rendered.Load(name); !ok {
				never = append(never, name)
			}
		}
		if len(never) > 0 {
			slices.Sort(never)
			fmt.Fprintf(os.Stderr, "FAIL: no test renders these page templates: %v\n", never)
			code = 1
		}
	}
	os.Exit(code)
}

func wholeSuite() bool {
	for _, name := range []string{"test.run", "test.skip"} {
		if f := flag.Lookup(name); f != nil && f.Value.String() != "" {
			return false
		}
	}
	return !testing.Short()
}

func mustStatic() *staticFiles {
	sf, err := loadStatic()
	if err != nil {
		panic(err)
	}
	return sf
}
