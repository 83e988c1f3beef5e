package demo

import (
	"math/rand/v2"
	"strconv"
	"strings"
)

var firstNames = []string{"Ada", "Ben", "Chloé", "Dev", "Emeka", "Fatima", "Gus", "Hana", "Ivan", "Jo", "Kai",
	"Lena", "Mateo", "Nia", "Omar", "Priya", "Quinn", "Rosa", "Sam", "Tomás", "Uma", "Vik", "Wen", "Yusuf", "Zoë"}

var lastInitials = "ABCDEFGHJKLMNPRSTVWZ"

// memberName returns a readable, distinct display name for member i.
func memberName(i int) string {
	name := firstNames[i%len(firstNames)] + " " + string(lastInitials[(i/len(firstNames))%len(lastInitials)]) + "."
	if round := i / (len(firstNames) * len(lastInitials)); round > 0 {
		name += " " + strconv.Itoa(round+1)
	}
	return name
}

// summaries per star, 1-star first. Some carry <, & and " so pages prove their escaping.
var summaries = [5][]string{
	{"Sucks big time", "Broke in a week", "Not worth it", "Returned it", "Avoid"},
	{"Kinda bad", "Disappointing", "Expected more", "Meh & then some", "Not for me"},
	{"Meh", "It's fine", "Does the job", "Average at best", "Okay for the price"},
	{"Pretty good", "Would buy again", "Solid choice", "Happy with it", `Better than the "reviews" said`},
	{"Rocks!", "Love it", "Best I've had", "5 stars & no regrets", "Tell your friends <3"},
}

var openers = [5][]string{
	{"I really wanted to like this.", "Save your money.", "What a letdown."},
	{"It has its moments, but not many.", "Not terrible, not good.", "I expected more."},
	{"It does what it says.", "Middle of the road.", "Some good, some bad."},
	{"Very nice overall.", "A few small niggles, nothing serious.", "Good value."},
	{"Absolutely brilliant.", "Exceeded every expectation.", "I use it every day."},
}

var middles = []string{
	"Compared with the last one I had, %s is a step up in some ways & a step down in others.",
	"The family had opinions about %s, as families do.",
	"I gave %s a fair try over a few weeks before writing this.",
	`A friend told me "get %s", so I did.`,
	"If you are choosing between %s and the rest, read the spread, not just the average.",
}

// summaryFor returns a short headline for a review of the given stars.
func summaryFor(rng *rand.Rand, stars int) string {
	s := summaries[stars-1]
	return s[rng.IntN(len(s))]
}

// detailsFor returns a few sentences of review text about the named item, sometimes none.
func detailsFor(rng *rand.Rand, stars int, item string) string {
	if rng.IntN(6) == 0 {
		return ""
	}
	o := openers[stars-1]
	parts := []string{o[rng.IntN(len(o))]}
	if rng.IntN(2) == 0 {
		parts = append(parts, strings.Replace(middles[rng.IntN(len(middles))], "%s", item, 1))
	}
	return strings.Join(parts, " ")
}

var titleAdjectives = []string{"Silent", "Crimson", "Last", "Hidden", "Golden", "Broken", "Distant", "Quiet", "Northern", "Wild"}
var titleNouns = []string{"River", "Garden", "Letter", "Harbour", "Winter", "Orchard", "Lighthouse", "Kingdom", "Station", "Map"}
var surnames = []string{"Achebe", "Brontë", "Calvino", "Dickens", "Eliot", "Flaubert", "García", "Hughes", "Ishiguro",
	"Joyce", "Kafka", "Le Guin", "Morrison", "Nabokov", "Orwell", "Pratchett", "Rushdie", "Smith", "Tolstoy", "Woolf"}

// bookTitle returns a generated title, made unique by its number.
func bookTitle(rng *rand.Rand, i int) string {
	return "The " + titleAdjectives[rng.IntN(len(titleAdjectives))] + " " + titleNouns[rng.IntN(len(titleNouns))] +
		" (vol. " + strconv.Itoa(i+1) + ")"
}

// authorName returns a generated author.
func authorName(rng *rand.Rand) string {
	return firstNames[rng.IntN(len(firstNames))] + " " + surnames[rng.IntN(len(surnames))]
}
