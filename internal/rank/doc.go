// Package rank turns star-rating counts into scores, a ranking and a verdict on
// which item of a product line to recommend.
//
// Each item's ratings are combined with a prior (pseudo-counts per star) into a
// posterior mean μ and standard deviation σ, as in Evan Miller's "Ranking Items
// With Star Ratings". Items are ranked by μ, so one 5-star review cannot beat
// 4.7 stars from 500 reviews. The verdict judges the items with at least
// MinReviews reviews and recommends the top one only when it is at least
// PickConfidence likely to be the best of them all (ChanceBest); docs/verdict.md
// shows how often that claim holds on simulated lines of known truth.
//
// Everything here is a pure function of its arguments: no I/O, no state, and
// only the standard library.
package rank
