//go:build !race

package main

// raceDetector reports whether the tests run with -race, which slows the pure-Go SQLite driver
// about tenfold.
const raceDetector = false
