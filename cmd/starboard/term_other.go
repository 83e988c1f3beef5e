//go:build !linux

package main

import (
	"errors"
	"os"
)

// isTerminal reports false off Linux: the password is then read as the first line of standard
// input, so pipe it in (`starboard user create --email E < file`).
func isTerminal(*os.File) bool { return false }

func readHidden(*os.File) (string, error) {
	return "", errors.New("no terminal support on this system")
}
