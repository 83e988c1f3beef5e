package store

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
)

// Backing up a running site (starboard backup): Copy's machinery writes every table, read in one
// snapshot of the source, into a new SQLite file migrated by this version, and checks the rows
// read back against the checksums taken in that same snapshot. The file is then closed, opened
// again, checked by SQLite (integrity and foreign keys) and summed once more, and only then given
// its name. One path serves both databases: the verification compares the backup with the source
// as it was at the snapshot, which a page-level copy (SQLite's backup API, VACUUM INTO) cannot
// offer while writers go on.

// ErrBackupInvalid: the backup file, opened again after writing, failed SQLite's checks or no
// longer gave the source's checksums. The file was removed.
var ErrBackupInvalid = errors.New("the backup file did not pass its checks")

// BackupOptions say how Backup reports.
type BackupOptions struct {
	// Progress, when set, is told how far each table has got, as Copy tells it.
	Progress func(CopyProgress)
}

// BackupReport says what Backup wrote.
type BackupReport struct {
	CopyReport
	Path          string
	Bytes         int64 // the size of the finished file
	SchemaVersion int64
}

// Backup writes a consistent copy of the database from into a new SQLite file at path, while
// from goes on serving writes: every table Copy knows, sessions included (rate-limit counters are
// transient and left out), read in one snapshot. The rows are verified twice against the
// checksums taken in that snapshot: read back before the file's transaction commits, and read
// again after the file is closed and reopened, beside SQLite's integrity and foreign-key checks.
// The file is built under a temporary name in the same folder and renamed when it has passed. A
// path (or its -wal or -shm file) that already exists is fs.ErrExist: Backup never overwrites.
// from must be at this version's schema (else ErrSchemaMismatch).
func Backup(ctx context.Context, from *Store, path string, opt BackupOptions) (rep BackupReport, err error) {
	rep.Path = path
	cur, latest, err := from.Version(ctx)
	if err != nil {
		return rep, fmt.Errorf("store: backup: schema version: %w", err)
	}
	if cur != latest {
		return rep, fmt.Errorf("store: backup: %w: the database is at schema version %d, this starboard's is %d",
			ErrSchemaMismatch, cur, latest)
	}
	rep.SchemaVersion = cur
	if !sqlitePathOK(path) {
		return rep, fmt.Errorf("store: backup: invalid SQLite path %q", path)
	}
	for _, p := range sqliteFiles(path) {
		if _, err := os.Lstat(p); err == nil {
			return rep, fmt.Errorf("store: backup: %s: %w", p, fs.ErrExist)
		}
	}
	// The name is taken first, so two backups to one name cannot both go ahead.
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return rep, fmt.Errorf("store: backup: %w", err)
	}
	f.Close()
	tmp := filepath.Join(filepath.Dir(path), "."+filepath.Base(path)+".partial")
	removeFiles(tmp)
	// The file holds password hashes and sessions: only its owner may read it. SQLite gives the
	// -wal and -shm files the main file's mode.
	if err := os.WriteFile(tmp, nil, 0o600); err != nil {
		os.Remove(path)
		return rep, fmt.Errorf("store: backup: %w", err)
	}
	defer func() {
		removeFiles(tmp)
		if err != nil {
			os.Remove(path)
		}
	}()

	if err := writeBackup(ctx, from, tmp, opt, &rep); err != nil {
		return rep, err
	}
	if err := checkBackup(ctx, tmp, rep.Tables); err != nil {
		return rep, err
	}
	if err := os.Rename(tmp, path); err != nil {
		return rep, fmt.Errorf("store: backup: %w", err)
	}
	fi, err := os.Stat(path)
	if err != nil {
		return rep, fmt.Errorf("store: backup: %w", err)
	}
	rep.Bytes = fi.Size()
	return rep, nil
}

// writeBackup copies from into a new SQLite file at path and closes it, leaving one file.
func writeBackup(ctx context.Context, from *Store, path string, opt BackupOptions, rep *BackupReport) error {
	to, err := Open(ctx, Options{Dialect: SQLite, DSN: path, MaxConns: 1})
	if err != nil {
		return fmt.Errorf("store: backup: %w", err)
	}
	defer to.Close()
	if err := to.Migrate(ctx, slog.New(slog.DiscardHandler)); err != nil {
		return fmt.Errorf("store: backup: %w", err)
	}
	rep.CopyReport, err = Copy(ctx, from, to, CopyOptions{Sessions: true, Progress: opt.Progress})
	if err != nil {
		return fmt.Errorf("store: backup: %w", err)
	}
	// Everything into the main file, so the closed backup is that one file.
	if _, err := to.w.ExecContext(ctx, `PRAGMA wal_checkpoint(TRUNCATE)`); err != nil {
		return wrap("backup: checkpoint", err)
	}
	return wrap("backup: close", to.Close())
}

// checkBackup opens the written file again and returns ErrBackupInvalid unless SQLite finds it
// sound and every table gives the checksum the source gave in its snapshot.
func checkBackup(ctx context.Context, path string, want []TableCheck) error {
	s, err := Open(ctx, Options{Dialect: SQLite, DSN: path, MaxConns: 1})
	if err != nil {
		return fmt.Errorf("store: backup: reopen: %w", err)
	}
	defer s.Close()
	var problems []string
	rows, err := s.r.QueryContext(ctx, `PRAGMA integrity_check`)
	if err != nil {
		return wrap("backup: integrity check", err)
	}
	for rows.Next() {
		var msg string
		if err := rows.Scan(&msg); err != nil {
			rows.Close()
			return wrap("backup: integrity check", err)
		}
		if msg != "ok" {
			problems = append(problems, "integrity: "+msg)
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return wrap("backup: integrity check", err)
	}
	var orphans int
	if err := s.r.QueryRowContext(ctx, `SELECT COUNT(*) FROM pragma_foreign_key_check`).Scan(&orphans); err != nil {
		return wrap("backup: foreign key check", err)
	}
	if orphans > 0 {
		problems = append(problems, fmt.Sprintf("%d rows refer to rows that are not there", orphans))
	}
	byName := map[string]copyTable{}
	for _, t := range copyTables {
		byName[t.name] = t
	}
	for _, c := range want {
		n, sum, err := s.checksum(ctx, s.r, byName[c.Table], func(int64) {})
		if err != nil {
			return wrap("backup: verify "+c.Table, err)
		}
		if n != c.SourceRows || sum != c.SourceSum {
			problems = append(problems, fmt.Sprintf("%s: %d rows in the file, %d in the source", c.Table, n, c.SourceRows))
		}
	}
	if len(problems) > 0 {
		return fmt.Errorf("store: backup: %w: %s", ErrBackupInvalid, strings.Join(problems, "; "))
	}
	return nil
}

// sqliteFiles returns the files a SQLite database at path may consist of.
func sqliteFiles(path string) []string { return []string{path, path + "-wal", path + "-shm"} }

func removeFiles(path string) {
	for _, p := range sqliteFiles(path) {
		os.Remove(p)
	}
}
