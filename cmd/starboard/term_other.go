//go:build !linux

package main

import (
	"bufio"
	"os"
	"strings"
)

// readHidden reads one line from f. Off Linux echo is not turned off, so pipe the password in
// (`starboard user create --email E < file`) where that matters.
func readHidden(f *os.File) (string, error) {
	line, err := bufio.NewReader(f).ReadString('\n')
	if err != nil && line == "" {
		return "", err
	}
	return strings.TrimRight(line, "\r\n"), nil
}
