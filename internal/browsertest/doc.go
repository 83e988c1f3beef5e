// Package browsertest holds Starboard's browser tests: they start the real server on a
// throwaway SQLite database with the demo data, and drive Debian's Chromium through chromedp
// (and Firefox for screenshots) against it. Without Chromium they skip, unless
// STARBOARD_BROWSER_TESTS=1 (set by CI), when they fail instead.
package browsertest
