package app

import (
	"errors"
	"strings"
	"testing"
	"time"

	"termgoal"
)

func TestPasswordHashing(t *testing.T) {
	h1, err := HashPassword("correct horse")
	if err != nil {
		t.Fatal(err)
	}
	h2, _ := HashPassword("correct horse")
	if !strings.HasPrefix(h1, "$argon2id$v=19$m=19456,t=2,p=1$") || h1 == h2 {
		t.Errorf("hashes %q %q: want argon2id PHC strings with distinct salts", h1, h2)
	}
	if !CheckPassword(h1, "correct horse") || !CheckPassword(h2, "correct horse") {
		t.Error("the right password is refused")
	}
	for _, bad := range []string{"correct horsE", "", "correct horse "} {
		if CheckPassword(h1, bad) {
			t.Errorf("%q accepted", bad)
		}
	}
	for _, hash := range []string{"", "plain", "$2a$10$abc", strings.Replace(h1, "m=19456", "m=0", 1), h1[:len(h1)-10]} {
		if CheckPassword(hash, "correct horse") {
			t.Errorf("malformed hash %q accepted", hash)
		}
	}
}

func TestLimiter(t *testing.T) {
	now := time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)
	l := newLimiter(5, 5*time.Minute, func() time.Time { return now })
	for i := range 5 {
		if l.blocked("alice") {
			t.Fatalf("blocked after %d failures", i)
		}
		l.fail("alice")
		now = now.Add(time.Second)
	}
	if !l.blocked("alice") || l.blocked("bob") {
		t.Error("want alice blocked, bob not")
	}
	now = now.Add(5 * time.Minute)
	if l.blocked("alice") {
		t.Error("still blocked after the window")
	}
	l.fail("alice")
	l.reset("alice")
	if len(l.fails) != 0 {
		t.Errorf("reset left %v", l.fails)
	}
}

// TestNewPasswordRules: length from 8 to 256 characters counted as characters, any characters,
// and neither the username nor a password on the shipped list, in any case.
func TestNewPasswordRules(t *testing.T) {
	if n := len(commonPasswords()); n < 95_000 {
		t.Errorf("the common-password list holds %d distinct passwords", n)
	}
	long := strings.Repeat("长", MaxPasswordLength)
	for pw, want := range map[string]string{
		"correct horse battery":   "",
		"密码是八个汉字字符":               "",                 // 9 characters, 27 bytes
		"短密码七个字符":                 "account.password", // 7 characters, 21 bytes
		"tab\there and ✓ emoji 🙂": "",
		long:                      "",
		long + "x":                "account.password_long",
		"Password123":             "account.password_common",
		"QWERTYUIOP":              "account.password_common",
		"iloveyou2":               "account.password_common",
		"liu.zhang":               "account.password_username",
		"bad\xffutf8x":            "account.password_encoding",
	} {
		got := ""
		var e *termgoal.Error
		if err := CheckNewPassword(pw, "Liu.Zhang"); errors.As(err, &e) {
			got = e.Key
		} else if err != nil {
			got = err.Error()
		}
		if got != want {
			t.Errorf("%.20q: %q, want %q", pw, got, want)
		}
	}
}
