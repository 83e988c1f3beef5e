package auth

import (
	"errors"
	"strings"
	"testing"
	"time"
	"unicode"
	"unicode/utf8"
)

func TestValidatePassword(t *testing.T) {
	t.Parallel()
	tests := []struct {
		pw      string
		account []string
		want    error
	}{
		{"correct horse battery staple", nil, nil},
		{"short", nil, ErrPasswordTooShort},
		{"", nil, ErrPasswordTooShort},
		{"ñandú-ñandú", nil, nil},             // 11 characters, 13 bytes
		{"ñandúñ", nil, ErrPasswordTooShort},  // 6 characters, 9 bytes: characters count
		{strings.Repeat("x9", 128), nil, nil}, // exactly 256
		{strings.Repeat("x9", 128) + "z", nil, ErrPasswordTooLong},
		{"password", nil, ErrPasswordCommon},
		{"PassWord", nil, ErrPasswordCommon}, // case does not help
		{"12345678", nil, ErrPasswordCommon},
		{"baseball", nil, ErrPasswordCommon},
		{"dragon2024!", nil, ErrPasswordCommon},  // a listed word plus digits
		{"Starboard1", nil, ErrPasswordCommon},   // the site's name
		{"zzzzzzzzzzzz", nil, ErrPasswordCommon}, // one character repeated
		{"ann@example.com", []string{"ann@example.com", "Ann"}, ErrPasswordIsAccount},
		{"bad\xffbytes-here", nil, ErrPasswordBadText},
		{"tab\tinside-it", nil, ErrPasswordBadText},
	}
	for _, tt := range tests {
		if got := ValidatePassword(tt.pw, tt.account...); !errors.Is(got, tt.want) {
			t.Errorf("ValidatePassword(%q) = %v, want %v", tt.pw, got, tt.want)
		}
	}
	if n := CommonPasswordCount(); n < 3000 {
		t.Errorf("common password list has %d entries, want a few thousand", n)
	}
}

func TestHashAndVerify(t *testing.T) {
	t.Parallel()
	h := HashPassword("correct horse battery staple")
	if !strings.HasPrefix(h, "$argon2id$v=19$m=19456,t=2,p=1$") {
		t.Errorf("hash %q is not PHC argon2id with the default parameters", h)
	}
	if h2 := HashPassword("correct horse battery staple"); h2 == h {
		t.Error("two hashes of one password are equal: no salt")
	}
	if !VerifyPassword("correct horse battery staple", h) {
		t.Error("right password refused")
	}
	if VerifyPassword("correct horse battery stapler", h) || VerifyPassword("", h) {
		t.Error("wrong password accepted")
	}
	if NeedsRehash(h) {
		t.Error("a fresh hash needs a rehash")
	}
	// A hash made with other parameters still verifies, and asks to be redone.
	old := Params{Memory: 8 * 1024, Time: 1, Threads: 2, SaltLen: 16, KeyLen: 32}.Hash("hunter2hunter2")
	if !VerifyPassword("hunter2hunter2", old) || !NeedsRehash(old) {
		t.Errorf("older parameters: verify %v, rehash %v", VerifyPassword("hunter2hunter2", old), NeedsRehash(old))
	}
	for _, bad := range []string{"", "!demo-member", "x", "$argon2i$v=19$m=19456,t=2,p=1$c2FsdHNhbHQ$a2V5a2V5a2V5a2V5a2V5aw",
		"$argon2id$v=19$m=4194304,t=2,p=1$c2FsdHNhbHQ$a2V5a2V5a2V5a2V5a2V5aw", // 4 GiB: refused, not allocated
		"$argon2id$v=16$m=19456,t=2,p=1$c2FsdHNhbHQ$a2V5a2V5a2V5a2V5a2V5aw",
		"$argon2id$v=19$m=19456,t=2,p=1$!!$a2V5a2V5a2V5a2V5a2V5aw",
		strings.Replace(h, "$argon2id$", "$argon2id$$", 1)} {
		if VerifyPassword("anything", bad) {
			t.Errorf("unreadable hash %q matched", bad)
		}
		if !NeedsRehash(bad) {
			t.Errorf("unreadable hash %q does not need a rehash", bad)
		}
	}
	SpendVerifyTime("anything") // must not panic
}

func TestTokens(t *testing.T) {
	t.Parallel()
	tok, hash := NewToken()
	if !strings.HasPrefix(tok, TokenPrefix) || len(tok) != len(TokenPrefix)+43 {
		t.Errorf("token %q: want %s and 43 base64url characters (32 bytes)", tok, TokenPrefix)
	}
	if len(hash) != 64 || hash != HashToken(tok) || hash != HashToken(" "+tok+"\n") {
		t.Errorf("hash %q does not match HashToken", hash)
	}
	if tok2, hash2 := NewToken(); tok2 == tok || hash2 == hash {
		t.Error("two tokens are equal")
	}
}

func TestLimitCheck(t *testing.T) {
	t.Parallel()
	l := Limit{Attempts: 10, Window: 5 * time.Minute}
	start := time.Date(2026, 1, 1, 12, 0, 0, 0, time.UTC)
	if ok, _ := l.Check(10, start, start.Add(time.Minute)); !ok {
		t.Error("the 10th attempt refused")
	}
	ok, wait := l.Check(11, start, start.Add(time.Minute))
	if ok || wait != 4*time.Minute {
		t.Errorf("11th attempt: ok %v, wait %v; want refused, 4m", ok, wait)
	}
	if _, wait := l.Check(11, start, start.Add(5*time.Minute)); wait != time.Second {
		t.Errorf("wait at the window's end = %v, want at least 1s", wait)
	}
}

func TestKeys(t *testing.T) {
	t.Parallel()
	if AccountKey("login", " Ann@Example.com") != AccountKey("login", "ann@example.com") {
		t.Error("account key depends on case or spaces")
	}
	if strings.Contains(AccountKey("login", "ann@example.com"), "ann") {
		t.Error("account key holds the email")
	}
	if AccountKey("login", "a@x.io") == AccountKey("signup", "a@x.io") {
		t.Error("actions share a key")
	}
	for in, want := range map[string]string{
		"203.0.113.9":          "login:ip:203.0.113.9",
		"::ffff:203.0.113.9":   "login:ip:203.0.113.9",
		"2001:db8:1:2:3:4:5:6": "login:ip:2001:db8:1:2::/64",
		"2001:db8:1:2:ff::1":   "login:ip:2001:db8:1:2::/64",
		"fe80::1%eth0":         "login:ip:fe80::/64",
		"not-an-ip":            "login:ip:h" + "f5f62736e24bd225db003180430b11ba", // hashed: no key grows with its input
	} {
		if got := AddressKey("login", in); got != want {
			t.Errorf("AddressKey(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestCheckAccountFields(t *testing.T) {
	t.Parallel()
	emails := map[string]error{
		"ann@example.com":                  nil,
		"  Ann@Example.COM ":               nil,
		"":                                 ErrEmailMissing,
		"ann":                              ErrEmailInvalid,
		"ann@localhost":                    ErrEmailInvalid,
		"@example.com":                     ErrEmailInvalid,
		"ann@@example.com":                 ErrEmailInvalid,
		"ann smith@example.com":            ErrEmailInvalid,
		"ann@example..com":                 ErrEmailInvalid,
		"a\xff@example.com":                ErrEmailInvalid,
		strings.Repeat("a", 250) + "@x.io": ErrEmailTooLong,
	}
	for in, want := range emails {
		got, err := CheckEmail(in)
		if !errors.Is(err, want) {
			t.Errorf("CheckEmail(%q) error %v, want %v", in, err, want)
		}
		if err == nil && got != "ann@example.com" {
			t.Errorf("CheckEmail(%q) = %q", in, got)
		}
	}
	names := map[string]error{
		"Ann":                   nil,
		"  Ann  ":               nil,
		"":                      ErrDisplayNameMissing,
		"   ":                   ErrDisplayNameMissing,
		strings.Repeat("é", 50): nil,
		strings.Repeat("é", 51): ErrDisplayNameTooLong,
		"An\x00n":               ErrDisplayNameBadText,
		"An\xffn":               ErrDisplayNameBadText,
	}
	for in, want := range names {
		if _, err := CheckDisplayName(in); !errors.Is(err, want) {
			t.Errorf("CheckDisplayName(%q) error %v, want %v", in, err, want)
		}
	}
	if got, err := CheckTokenName("  laptop script "); err != nil || got != "laptop script" {
		t.Errorf("CheckTokenName = %q, %v", got, err)
	}
	if _, err := CheckTokenName(strings.Repeat("x", 101)); !errors.Is(err, ErrTokenNameTooLong) {
		t.Errorf("long token name: %v", err)
	}
}

func BenchmarkHashPassword(b *testing.B) {
	for b.Loop() {
		HashPassword("correct horse battery staple")
	}
}

// FuzzAccountFields feeds any text to the checks on what people type into account forms: the
// email, display name and API token name, and the password rules. None may panic; accepted text
// is trimmed, valid UTF-8 without control characters, within its length, and checking it again
// gives it back unchanged.
func FuzzAccountFields(f *testing.F) {
	for _, s := range []string{"ann@example.com", "  Ann@Example.COM ", "", "a\xff@example.com", "An\x00n",
		"Zoë \"><b>x</b> 🚀 שלום", "\u202eevil\u202c", strings.Repeat("é", 51), "password1", "correct horse battery staple"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		checks := []struct {
			name  string
			check func(string) (string, error)
			max   int
		}{
			{"email", CheckEmail, MaxEmailLen},
			{"display name", CheckDisplayName, MaxDisplayNameLen},
			{"token name", CheckTokenName, MaxTokenNameLen},
		}
		for _, c := range checks {
			got, err := c.check(s)
			if err != nil {
				if err.Error() == "" {
					t.Errorf("%s %q: an error without a message", c.name, s)
				}
				continue
			}
			if !utf8.ValidString(got) || strings.TrimSpace(got) != got || got == "" || utf8.RuneCountInString(got) > c.max ||
				strings.ContainsFunc(got, unicode.IsControl) {
				t.Errorf("%s %q accepted as %q", c.name, s, got)
			}
			if again, err := c.check(got); err != nil || again != got {
				t.Errorf("%s %q: accepted as %q, which checks again as %q, %v", c.name, s, got, again, err)
			}
		}
		if err := ValidatePassword(s); err == nil {
			if n := utf8.RuneCountInString(s); n < MinPasswordLen || n > MaxPasswordLen || IsCommonPassword(s) {
				t.Errorf("password %q accepted", s)
			}
		}
	})
}

func TestDeviceCookie(t *testing.T) {
	t.Parallel()
	key, other := []byte("a key of the site, 32 bytes long"), []byte("another site's key, also 32 long")
	v := NewDeviceCookie(key, "Ann@Example.com")
	id, ok := KnownDevice(key, v, " ann@example.com")
	if !ok || len(id) != 32 {
		t.Fatalf("KnownDevice of a fresh cookie = %q, %v", id, ok)
	}
	if again, _ := KnownDevice(key, NewDeviceCookie(key, "ann@example.com"), "ann@example.com"); again == id {
		t.Error("two devices got one id")
	}
	tampered := []byte(v)
	tampered[5] ^= 1
	for name, c := range map[string]struct {
		key          []byte
		value, email string
	}{
		"another account": {key, v, "bob@example.com"},
		"another key":     {other, v, "ann@example.com"},
		"tampered":        {key, string(tampered), "ann@example.com"},
		"truncated":       {key, v[:len(v)-1], "ann@example.com"},
		"empty":           {key, "", "ann@example.com"},
		"long":            {key, v + v, "ann@example.com"},
	} {
		if _, ok := KnownDevice(c.key, c.value, c.email); ok {
			t.Errorf("%s: accepted", name)
		}
	}
}
