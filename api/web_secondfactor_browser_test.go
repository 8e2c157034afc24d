package api_test

import (
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/pquerna/otp/totp"
)

// TestWebTwoStepSignInInABrowser: in Chromium an administrator is asked to set up two-step
// sign-in, scans (reads) the secret, turns it on with a code and sees the recovery codes once;
// signing in again takes the password, then a code; a wrong code is refused in Chinese.
func TestWebTwoStepSignInInABrowser(t *testing.T) {
	s := startBrowserSys(t)
	b := newBrowser(t, s.srv.URL)
	b.login("adm")
	b.open("/settings/security")
	expectText(t, "the security page", b.text("#second-factor"), "两步登录", "管理员")
	b.submit("#second-factor-enroll")
	secret := strings.TrimSpace(b.text("#second-factor-secret"))
	code, err := totp.GenerateCode(secret, time.Now())
	if err != nil {
		t.Fatalf("the secret %q: %v", secret, err)
	}
	b.do("type the first code", chromedp.SendKeys(chromedp.CSS("#confirm-code"), code))
	b.submit("#second-factor-confirm")
	codes := b.text("#recovery-codes")
	if strings.Count(codes, "-") < 10 {
		t.Fatalf("the recovery codes: %q", codes)
	}
	expectText(t, "after turning it on", b.text("#second-factor-on"), "两步登录已开启", "10")
	b.screenshot("recovery-codes.png")
	b.logout()

	b.loginWith("adm", "secret-adm")
	expectText(t, "the code step", b.text("#code-form"), "验证码")
	b.do("type a wrong code", chromedp.SendKeys(chromedp.CSS("#code"), "000000"))
	b.submit("#code-submit")
	expectText(t, "a wrong code", b.text("#error"), "验证码错误")
	next, err := totp.GenerateCode(secret, time.Now().Add(30*time.Second))
	if err != nil {
		t.Fatal(err)
	}
	b.do("type the code", chromedp.SendKeys(chromedp.CSS("#code"), next))
	b.submit("#code-submit")
	if loc := b.location(); strings.Contains(loc, "/login") {
		t.Fatalf("still signing in at %s: %s", loc, b.body())
	}
	b.open("/settings/security")
	expectText(t, "signed in with the code", b.text("#second-factor-on"), "两步登录已开启")
}
