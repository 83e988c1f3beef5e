//go:build pprof

package main

import (
	"log"
	"net/http"
	_ "net/http/pprof" // the profiles, on their own listener
	"os"
)

// Built with -tags pprof, serve also answers the runtime profiles (/debug/pprof/) on
// $STARBOARD_PPROF (e.g. 127.0.0.1:6060), for profiling under load. Release builds have no
// such listener.
func init() {
	if addr := os.Getenv("STARBOARD_PPROF"); addr != "" {
		go func() { log.Println(http.ListenAndServe(addr, nil)) }()
	}
}
