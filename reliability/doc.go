// Package reliability holds Starboard's failure tests: a database that restarts under load,
// processes killed mid-write, and hostile input. The tests drive the real server and real
// databases; see docs/reliability.md.
package reliability
