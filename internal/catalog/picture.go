package catalog

import "strings"

// PictureAltMax is the longest alt text of a picture, in characters: a sentence saying what the
// picture shows, not a description.
const PictureAltMax = 250

// PictureAlt returns a picture's alt text trimmed, or why it cannot be one. It is required:
// every picture says what it shows to those who cannot see it.
func PictureAlt(s string) (string, *Problem) {
	s = strings.TrimSpace(s)
	return s, text(s, PictureAltMax, printable, Invisible)
}
