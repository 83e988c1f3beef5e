package main

import (
	"errors"
	"log/slog"

	"github.com/starboard/starboard/internal/config"
	"github.com/starboard/starboard/internal/mail"
)

// newMailer returns the sender SMTP_URL configures, or nil when it is unset. Mail needs
// BASE_URL: a link built from a request's Host header could point a reset link at another site.
func newMailer(cfg config.Config, log *slog.Logger) (*mail.Sender, error) {
	if cfg.SMTPURL == "" {
		if cfg.MailFrom != "" {
			log.Warn("MAIL_FROM is set but SMTP_URL is not: this site sends no mail")
		}
		return nil, nil
	}
	switch {
	case cfg.BaseURL == "":
		return nil, usageError{errors.New("SMTP_URL is set but BASE_URL is not: links in mail must point at the site's " +
			"public address, so set BASE_URL to it, e.g. BASE_URL=https://reviews.example.com (or serve --base-url)")}
	case cfg.MailFrom == "":
		return nil, usageError{errors.New("SMTP_URL is set but MAIL_FROM is not: set it to the sender your mail " +
			"provider accepts, e.g. MAIL_FROM=\"Starboard <reviews@example.com>\"")}
	}
	m, err := mail.New(mail.Options{URL: cfg.SMTPURL, From: cfg.MailFrom, Logger: log})
	if err != nil {
		return nil, usageError{err}
	}
	log.Info("mail on", "smtp", mail.Redact(cfg.SMTPURL), "from", cfg.MailFrom)
	return m, nil
}
