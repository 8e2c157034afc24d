package app

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base32"
	"image/png"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/pquerna/otp"
	"github.com/pquerna/otp/totp"

	"termgoal"
)

// The second factor (S1): TOTP (RFC 6238: SHA-1, 6 digits, 30 s steps, as every authenticator
// app reads it) with ten single-use recovery codes. Once an account has confirmed its
// enrollment, signing in takes a code after the password, on the pages and for an API token,
// and every session and token from before ends: each of its ways in has passed the second
// factor. Administrators are asked to enroll (their security page says so); any account may.

const (
	totpIssuer    = "termgoal"
	totpPeriod    = 30
	recoveryCodes = 10
)

// ErrSecondFactor is the refusal of a sign-in whose password was right when the account's
// code is missing: the client asks for it. AccountID names the account to the page that asks.
type ErrSecondFactor struct{ AccountID int64 }

func (e *ErrSecondFactor) Error() string { return "a code from the authenticator app is needed" }

// Unwrap gives the error's code and message (401 code_required).
func (e *ErrSecondFactor) Unwrap() error {
	return termgoal.Errorf(termgoal.ECODEREQUIRED, "auth.code_required", "enter the code from your authenticator app (or a recovery code)")
}

// invalidCode makes a wrong code of a signed-in caller a form's error (422), not a failed
// sign-in (401, which would tell the client its token no longer works).
func invalidCode(err error) error {
	if termgoal.ErrorCode(err) == termgoal.EUNAUTHORIZED {
		return termgoal.Errorf(termgoal.EINVALID, "auth.bad_code", "the code is wrong or was used already")
	}
	return err
}

func errBadCode() error {
	return termgoal.Errorf(termgoal.EUNAUTHORIZED, "auth.bad_code", "the code is wrong or was used already")
}

// SecondFactorStatus is what an account's security page shows.
type SecondFactorStatus struct {
	Enabled      bool `json:"enabled"`
	Enrolling    bool `json:"enrolling"`
	RecoveryLeft int  `json:"recovery_codes_left"`
	Recommended  bool `json:"recommended"` // an administrator without it
}

// SecondFactor answers the caller's second-factor status.
func (s *Service) SecondFactor(ctx context.Context, acc *termgoal.Account) (SecondFactorStatus, error) {
	f, err := s.Store.SecondFactor(ctx, acc.ID)
	if err != nil && termgoal.ErrorCode(err) != termgoal.ENOTFOUND {
		return SecondFactorStatus{}, err
	}
	st := SecondFactorStatus{Enabled: f.EnabledAt != nil, Enrolling: err == nil && f.EnabledAt == nil, RecoveryLeft: f.RecoveryLeft}
	st.Recommended = !st.Enabled && IsAnyAdmin(acc)
	return st, nil
}

// Enrollment is a new secret for the authenticator app: its text, its otpauth:// URL and that
// URL as a QR code (PNG).
type Enrollment struct {
	Secret string `json:"secret"`
	URL    string `json:"otpauth_url"`
	QR     []byte `json:"-"`
}

// EnrollSecondFactor makes a new secret for the caller, in force once ConfirmSecondFactor
// sees a code of it. An account whose second factor is on turns it off first.
func (s *Service) EnrollSecondFactor(ctx context.Context, acc *termgoal.Account, actor termgoal.Actor) (Enrollment, error) {
	key, err := totp.Generate(totp.GenerateOpts{Issuer: totpIssuer, AccountName: acc.Username, Period: totpPeriod, Digits: otp.DigitsSix, Algorithm: otp.AlgorithmSHA1})
	if err != nil {
		return Enrollment{}, err
	}
	ok, err := s.Store.EnrollSecondFactor(ctx, acc.ID, key.Secret())
	if err != nil {
		return Enrollment{}, err
	}
	if !ok {
		return Enrollment{}, termgoal.Errorf(termgoal.ECONFLICT, "account.second_factor_on", "two-step sign-in is on already; turn it off first to set up another app")
	}
	if err := s.Audit(ctx, actor, termgoal.Audit{Action: "second_factor_enrolling", Detail: map[string]any{"account_id": acc.ID}}); err != nil {
		return Enrollment{}, err
	}
	return enrollment(key)
}

// PendingEnrollment answers the caller's secret not yet confirmed, to show it again.
func (s *Service) PendingEnrollment(ctx context.Context, acc *termgoal.Account) (Enrollment, error) {
	f, err := s.Store.SecondFactor(ctx, acc.ID)
	if err != nil || f.EnabledAt != nil {
		return Enrollment{}, errNoEnrollment()
	}
	key, err := otp.NewKeyFromURL((&url.URL{Scheme: "otpauth", Host: "totp", Path: "/" + totpIssuer + ":" + acc.Username,
		RawQuery: url.Values{"secret": {f.Secret}, "issuer": {totpIssuer}, "period": {strconv.Itoa(totpPeriod)}, "digits": {"6"}, "algorithm": {"SHA1"}}.Encode()}).String())
	if err != nil {
		return Enrollment{}, err
	}
	return enrollment(key)
}

func enrollment(key *otp.Key) (Enrollment, error) {
	img, err := key.Image(240, 240)
	if err != nil {
		return Enrollment{}, err
	}
	var qr bytes.Buffer
	if err := png.Encode(&qr, img); err != nil {
		return Enrollment{}, err
	}
	return Enrollment{Secret: key.Secret(), URL: key.URL(), QR: qr.Bytes()}, nil
}

func errNoEnrollment() error {
	return termgoal.Errorf(termgoal.ECONFLICT, "account.no_enrollment", "set up two-step sign-in first: there is no new secret to confirm")
}

// Confirmed is what turning the second factor on gives: the recovery codes, shown once, and
// the sign-ins that ended.
type Confirmed struct {
	RecoveryCodes []string `json:"recovery_codes"`
	Ended
}

// ConfirmSecondFactor puts the caller's enrollment in force with a first code of it, makes the
// recovery codes, and ends the caller's other sessions (keep goes on) and its API tokens.
func (s *Service) ConfirmSecondFactor(ctx context.Context, acc *termgoal.Account, actor termgoal.Actor, code, keep string) (Confirmed, error) {
	f, err := s.Store.SecondFactor(ctx, acc.ID)
	if err != nil || f.EnabledAt != nil {
		return Confirmed{}, errNoEnrollment()
	}
	if err := s.useTOTP(ctx, acc.ID, f.Secret, code, true); err != nil {
		return Confirmed{}, invalidCode(err)
	}
	codes, err := s.newRecoveryCodes(ctx, acc.ID)
	if err != nil {
		return Confirmed{}, err
	}
	ended, err := s.endSignIns(ctx, actor, acc.ID, keep, "second_factor_enabled")
	return Confirmed{RecoveryCodes: codes, Ended: ended}, err
}

// NewRecoveryCodes replaces the caller's recovery codes, after a code of theirs.
func (s *Service) NewRecoveryCodes(ctx context.Context, acc *termgoal.Account, actor termgoal.Actor, code string) ([]string, error) {
	if err := s.checkSecondFactor(ctx, acc.ID, code, actor.IP); err != nil {
		return nil, invalidCode(err)
	}
	codes, err := s.newRecoveryCodes(ctx, acc.ID)
	if err != nil {
		return nil, err
	}
	return codes, s.Audit(ctx, actor, termgoal.Audit{Action: "recovery_codes_renewed", Detail: map[string]any{"account_id": acc.ID}})
}

// TurnOffSecondFactor turns the caller's second factor off, after their password and a code.
func (s *Service) TurnOffSecondFactor(ctx context.Context, acc *termgoal.Account, actor termgoal.Actor, password, code string) error {
	if _, err := s.checkPassword(ctx, acc.Username, password, actor.IP); err != nil {
		if termgoal.ErrorCode(err) == termgoal.EUNAUTHORIZED {
			err = termgoal.Errorf(termgoal.EINVALID, "account.current_password", "the current password is wrong")
		}
		return err
	}
	if err := s.checkSecondFactor(ctx, acc.ID, code, actor.IP); err != nil {
		return invalidCode(err)
	}
	return s.dropSecondFactor(ctx, actor, acc.ID, "second_factor_disabled")
}

// ResetSecondFactor turns off the second factor of account id, which acc manages (a lost
// phone); its sessions and tokens end.
func (s *Service) ResetSecondFactor(ctx context.Context, acc *termgoal.Account, actor termgoal.Actor, id int64) (Ended, error) {
	if _, err := s.managedAccount(ctx, acc, id, false); err != nil {
		return Ended{}, err
	}
	if err := s.dropSecondFactor(ctx, actor, id, "second_factor_reset"); err != nil {
		return Ended{}, err
	}
	return s.endSignIns(ctx, actor, id, "", "second_factor_reset_signins_ended")
}

func (s *Service) dropSecondFactor(ctx context.Context, actor termgoal.Actor, id int64, action string) error {
	ok, err := s.Store.DropSecondFactor(ctx, id)
	if err != nil {
		return err
	}
	if !ok {
		return termgoal.Errorf(termgoal.ECONFLICT, "account.second_factor_off", "two-step sign-in is not on")
	}
	return s.Audit(ctx, actor, termgoal.Audit{Action: action, Detail: map[string]any{"account_id": id}})
}

// secondFactorOn tells whether account signs in with a code.
func (s *Service) secondFactorOn(ctx context.Context, account int64) (bool, error) {
	f, err := s.Store.SecondFactor(ctx, account)
	if termgoal.ErrorCode(err) == termgoal.ENOTFOUND {
		return false, nil
	}
	return err == nil && f.EnabledAt != nil, err
}

// CodeAttempts is how many codes one account may try in the sign-in window, from anywhere: a
// code has a million values, and whoever tries them knows the password already.
const CodeAttempts = 10

// SignInCode is a sign-in's second step (after SignIn answered *ErrSecondFactor): account's
// code, under a limit of its own per account. The sign-in page calls it with the account it
// keeps in the session between the two steps.
func (s *Service) SignInCode(ctx context.Context, account int64, code, ip string) (*termgoal.Account, error) {
	key, now := "code:"+strconv.FormatInt(account, 10), s.Now()
	attempts, since, err := s.Store.CountSignIn(ctx, key, now, signInWindow)
	if err != nil {
		return nil, err
	}
	if attempts > CodeAttempts {
		return nil, errTooMany(since.Add(signInWindow).Sub(now))
	}
	if err := s.checkSecondFactor(ctx, account, code, ip); err != nil {
		if termgoal.ErrorCode(err) == termgoal.ECONFLICT { // turned off meanwhile
			err = errBadCode()
		}
		return nil, err
	}
	if err := s.Store.ForgetSignIn(ctx, key); err != nil {
		return nil, err
	}
	acc, err := s.Store.Account(ctx, account)
	if err == nil && acc.Disabled { // disabled between the two steps
		return nil, errBadCredentials()
	}
	return acc, err
}

// checkSecondFactor accepts a code of account's authenticator app or one of its recovery
// codes, once each; a wrong code is audited.
func (s *Service) checkSecondFactor(ctx context.Context, account int64, code, ip string) error {
	f, err := s.Store.SecondFactor(ctx, account)
	if err != nil || f.EnabledAt == nil {
		return termgoal.Errorf(termgoal.ECONFLICT, "account.second_factor_off", "two-step sign-in is not on")
	}
	code = strings.Join(strings.Fields(code), "")
	if len(code) == 6 {
		err = s.useTOTP(ctx, account, f.Secret, code, false)
	} else {
		err = s.useRecoveryCode(ctx, account, code)
	}
	if err != nil {
		s.auditQuietly(ctx, termgoal.Actor{AccountID: account, Name: "anonymous", IP: ip}, "signin_failed", map[string]any{"account_id": account, "factor": "code"})
	}
	return err
}

// useTOTP accepts code when it is the code of the step now or of the steps either side (the
// phone's clock may be off by one) and no code of that step or a later one was used.
func (s *Service) useTOTP(ctx context.Context, account int64, secret, code string, confirm bool) error {
	now := s.Now()
	for _, skew := range []int64{0, -1, 1} {
		step := now.Unix()/totpPeriod + skew
		want, err := totp.GenerateCodeCustom(secret, time.Unix(step*totpPeriod, 0), totp.ValidateOpts{Period: totpPeriod, Digits: otp.DigitsSix, Algorithm: otp.AlgorithmSHA1})
		if err != nil {
			return err
		}
		if subtle.ConstantTimeCompare([]byte(want), []byte(code)) == 1 {
			ok, err := s.Store.UseTOTPStep(ctx, account, step, confirm)
			if err != nil {
				return err
			}
			if !ok {
				return errBadCode()
			}
			return nil
		}
	}
	return errBadCode()
}

func (s *Service) useRecoveryCode(ctx context.Context, account int64, code string) error {
	ok, err := s.Store.UseRecoveryCode(ctx, account, recoveryHash(code))
	if err != nil {
		return err
	}
	if !ok {
		return errBadCode()
	}
	return nil
}

// recoveryEncoding writes recovery codes in base32 (shown in lower case: a-z and 2-7, no 0, 1
// or 8 to mistake for a letter).
var recoveryEncoding = base32.StdEncoding.WithPadding(base32.NoPadding)

// newRecoveryCodes makes and stores account's recovery codes: ten of 10 symbols (50 bits),
// shown as xxxxx-xxxxx.
func (s *Service) newRecoveryCodes(ctx context.Context, account int64) ([]string, error) {
	codes := make([]string, recoveryCodes)
	hashes := make([][]byte, recoveryCodes)
	for i := range codes {
		raw := make([]byte, 7)
		if _, err := rand.Read(raw); err != nil {
			return nil, err
		}
		c := strings.ToLower(recoveryEncoding.EncodeToString(raw))[:10]
		codes[i] = c[:5] + "-" + c[5:]
		hashes[i] = recoveryHash(codes[i])
	}
	return codes, s.Store.SetRecoveryCodes(ctx, account, hashes)
}

// recoveryHash is the stored form of a recovery code, read in any case and with or without its
// dash and spaces.
func recoveryHash(code string) []byte {
	code = strings.ToLower(strings.NewReplacer("-", "", " ", "").Replace(code))
	sum := sha256.Sum256([]byte(code))
	return sum[:]
}
