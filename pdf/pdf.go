// Package pdf prints an HTML document to PDF with the Chromium installed on the machine
// (headless, through the DevTools protocol): the printable forms (A6) become files that look
// as they print from the browser, A4 as their CSS asks, Chinese in the Noto CJK fonts.
package pdf

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"
)

// ErrNoChromium is returned when no Chromium is installed: the caller says how to install
// it (`apt-get install chromium fonts-noto-cjk`, or CHROMIUM naming the program).
var ErrNoChromium = errors.New("pdf: no Chromium found; install chromium and fonts-noto-cjk or set CHROMIUM")

// Chromium finds the browser: $CHROMIUM, then chromium, chromium-browser or google-chrome on
// the PATH.
func Chromium() (string, error) {
	if p := os.Getenv("CHROMIUM"); p != "" {
		if _, err := os.Stat(p); err == nil { // #nosec G703 -- the operator names the program in CHROMIUM
			return p, nil
		}
	}
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome"} {
		if p, err := exec.LookPath(name); err == nil {
			return p, nil
		}
	}
	return "", ErrNoChromium
}

// browsers bounds the browsers printing at once (each takes some 100 MB); a print waits for
// a free one.
var browsers = make(chan struct{}, 2)

// Print renders html, a whole document that needs nothing from the network (its styles
// inline), and prints it as PDF with the page size its CSS @page rule gives. Each call starts
// its own browser, which exits when the PDF is made: forms are printed one at a time by hand,
// so a resident browser would cost memory for nothing; at most two print at once.
func Print(ctx context.Context, html string) ([]byte, error) {
	path, err := Chromium()
	if err != nil {
		return nil, err
	}
	select {
	case browsers <- struct{}{}:
		defer func() { <-browsers }()
	case <-ctx.Done():
		return nil, ctx.Err()
	}
	dir, err := os.MkdirTemp("", "termgoal-pdf-")
	if err != nil {
		return nil, fmt.Errorf("pdf: %w", err)
	}
	defer os.RemoveAll(dir)
	opts := append(chromedp.DefaultExecAllocatorOptions[:], chromedp.ExecPath(path), chromedp.Headless,
		chromedp.NoSandbox, chromedp.DisableGPU, chromedp.NoFirstRun, chromedp.UserDataDir(dir),
		chromedp.Flag("disable-background-networking", true), chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true))
	ctx, cancel := context.WithTimeout(ctx, 60*time.Second)
	defer cancel()
	actx, cancelAlloc := chromedp.NewExecAllocator(ctx, opts...)
	defer cancelAlloc()
	bctx, cancelBrowser := chromedp.NewContext(actx)
	defer cancelBrowser()
	var out []byte
	err = chromedp.Do(bctx,
		chromedp.Navigate("about:blank"),
		chromedp.Func(func(ctx context.Context, _ *chromedp.Target) error {
			tree, err := chromedp.Call(ctx, page.GetFrameTree, cdp.Empty{})
			if err != nil {
				return err
			}
			_, err = chromedp.Call(ctx, page.SetDocumentContent, page.SetDocumentContentParams{FrameID: tree.FrameTree.Frame.ID, HTML: html})
			return err
		}),
		chromedp.Func(func(ctx context.Context, _ *chromedp.Target) error {
			yes := true
			res, err := chromedp.Call(ctx, page.PrintToPDF, page.PrintToPDFParams{PreferCSSPageSize: &yes, PrintBackground: &yes})
			out = res.Data
			return err
		}))
	if err != nil {
		return nil, fmt.Errorf("pdf: print: %w", err)
	}
	return out, nil
}
