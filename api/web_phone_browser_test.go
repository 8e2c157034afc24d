package api_test

import (
	"context"
	"fmt"
	"net/url"
	"slices"
	"strings"
	"termgoal/demo"
	"testing"

	"github.com/chromedp/chromedp"
)

// pageAudit is what one page shows at one width: how far it scrolls sideways, and the
// controls without a label or a name.
type pageAudit struct {
	Overflow  int      `json:"overflow"`
	Unlabeled []string `json:"unlabeled"`
	Wide      []string `json:"wide"` // the innermost elements that reach past the window
	Raw       []string `json:"raw"`  // message keys shown as they are, untranslated
}

// auditScript measures the page: the document's width beyond the window, and every visible
// control a screen reader could not name (an input, select or textarea without a label,
// aria-label or title; a button without text, aria-label or title).
const auditScript = `(() => {
  const named = el => (el.labels && el.labels.length) || el.getAttribute('aria-label') || el.getAttribute('aria-labelledby') || el.title;
  const shown = el => el.offsetParent !== null || el.closest('details:not([open])');
  const fields = Array.from(document.querySelectorAll('input:not([type=hidden]), select, textarea'))
    .filter(el => shown(el) && !named(el)).map(el => el.tagName.toLowerCase() + '#' + (el.id || el.name));
  const buttons = Array.from(document.querySelectorAll('button'))
    .filter(b => shown(b) && !b.textContent.trim() && !b.getAttribute('aria-label') && !b.title).map(b => 'button#' + (b.id || b.name));
  const width = document.documentElement.clientWidth;
  const wide = Array.from(document.querySelectorAll('body *')).filter(el => el.getBoundingClientRect().right > width + 1 && !el.closest('.scroll, table'))
    .filter(el => !Array.from(el.children).some(c => c.getBoundingClientRect().right > width + 1)).slice(0, 3)
    .map(el => el.tagName.toLowerCase() + (el.id ? '#' + el.id : '') + (el.className ? '.' + String(el.className).split(' ')[0] : ''));
  const raw = (document.body.innerText.match(/\b(?:ui|web|steps|actions|audit_actions|process_kinds|roles|task_kinds|grades|dispositions|choices|signer_status|process_status|appraisal_status|task_status|consequences|rater_groups|notice_status|resolutions|pledges|cycles|sales_rules|error|langs|result_uses|plan_changes)\.[a-z][a-z_]+\b/g) || []).slice(0, 5);
  return {overflow: document.documentElement.scrollWidth - width, unlabeled: fields.concat(buttons), wide: wide, raw: raw};
})()`

// menuPages lists the pages reachable from the signed-in account's menu: each link of the
// header, and on each of those pages the first link of its content to a page of its own (a
// process, a task, a template, an org …).
func (b *browser) menuPages() []string {
	b.t.Helper()
	b.open("/inbox")
	nav, err := chromedp.Run(b.ctx, chromedp.Evaluate[[]string](`Array.from(document.querySelectorAll('header nav a[href^="/"]')).map(a => a.getAttribute('href'))`))
	if err != nil {
		b.t.Fatal(err)
	}
	var pages []string
	add := func(p string) {
		u, err := url.Parse(p)
		if err != nil || u.Query().Has("lang") || strings.HasPrefix(u.Path, "/api/") || strings.HasSuffix(u.Path, ".xlsx") || strings.HasSuffix(u.Path, ".pdf") ||
			strings.HasPrefix(u.Path, "/notifications/open") || slices.Contains(pages, u.Path) {
			return
		}
		pages = append(pages, u.Path)
	}
	for _, p := range nav {
		add(p)
	}
	for _, p := range slices.Clone(pages) {
		b.open(p)
		first, err := chromedp.Run(b.ctx, chromedp.Evaluate[string](`(() => { const a = Array.from(document.querySelectorAll('main a[href^="/"]'))
			.map(a => a.getAttribute('href')).find(h => !document.querySelector('header nav a[href="' + h + '"]') && !h.includes('?') && !h.includes('#'));
			return a || ''; })()`))
		if err == nil && first != "" {
			add(first)
		}
	}
	return pages
}

// TestPhoneAndLabels visits every page reachable from the menus of an administrator, a holder,
// a superior and a committee member at 390 px (a phone, where DingTalk and Feishu approvers read) and 1280 px, in both
// languages: no page scrolls sideways (wide tables scroll inside their own box), every control
// has a label and every button a name, and no message key shows untranslated (issue 26).
// Screenshots at 390 px are kept.
func TestPhoneAndLabels(t *testing.T) {
	s := startBrowserSys(t)
	for _, f := range phoneAudit(t, s.srv.URL, []string{"adm", "holder", "sup", "mem1"}, (*browser).login) {
		t.Error(f)
	}
}

// TestPhoneAndLabelsOverTheDemoData does the same over the data `make run` starts with, as each
// of its demo accounts: the pages a new user sees first, with processes at every step.
func TestPhoneAndLabelsOverTheDemoData(t *testing.T) {
	s := newBrowserSys(t)
	ctx := context.Background()
	if seeded, err := demo.Seed(ctx, s.store, s.temporal); err != nil || !seeded {
		t.Fatalf("seed: %v %v", seeded, err)
	}
	// The demo appraisals start beside the seed; their pages are part of what is visited.
	until(t, "the demo appraisals written", func() bool {
		n := 0
		err := s.store.DB().QueryRow(`SELECT count(*) FROM appraisals`).Scan(&n)
		return err == nil && n == 2
	})
	var users []string
	for _, u := range demo.Users {
		users = append(users, u.Username)
	}
	login := func(b *browser, user string) { b.loginWith(user, demo.Password) }
	for _, f := range phoneAudit(t, s.srv.URL, users, login) {
		t.Error(f)
	}
}

// phoneAudit visits every page reachable from the menu of each of users (signed in by login)
// at 390 and 1280 px in both languages and answers what fails: a page that scrolls sideways, a
// message key shown untranslated, a control without a label. Screenshots at 390 px are kept.
// Each user has a browser of their own, and with it the browser's time limit.
func phoneAudit(t *testing.T, base string, users []string, login func(b *browser, user string)) []string {
	t.Helper()
	var failures []string
	for _, user := range users {
		b := newBrowser(t, base)
		login(b, user)
		pages := b.menuPages()
		if len(pages) < 4 {
			t.Fatalf("%s reaches only %v", user, pages)
		}
		for _, width := range []int64{390, 1280} {
			b.do("viewport", chromedp.EmulateViewport(width, 844))
			for _, lang := range []string{"zh-CN", "en"} {
				for _, p := range pages {
					b.open(p + "?lang=" + lang)
					a, err := chromedp.Run(b.ctx, chromedp.Evaluate[pageAudit](auditScript))
					if err != nil {
						t.Fatal(err)
					}
					if a.Overflow > 1 {
						failures = append(failures, fmt.Sprintf("%s %s %s at %d px scrolls sideways by %d px (%v)", user, p, lang, width, a.Overflow, a.Wide))
					}
					if len(a.Raw) > 0 && width == 1280 {
						failures = append(failures, fmt.Sprintf("%s %s %s shows message keys: %v", user, p, lang, a.Raw))
					}
					if len(a.Unlabeled) > 0 && width == 1280 && lang == "zh-CN" {
						failures = append(failures, fmt.Sprintf("%s %s: unlabeled %v", user, p, a.Unlabeled))
					}
					if width == 390 && lang == "zh-CN" {
						b.screenshot(fmt.Sprintf("%s%s.png", user, strings.ReplaceAll(p, "/", "_")))
					}
				}
			}
		}
		if err := chromedp.Cancel(b.ctx); err != nil { // the next user's browser starts afresh
			t.Fatal(err)
		}
	}
	return failures
}
