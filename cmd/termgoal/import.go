package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"

	"github.com/schollz/progressbar/v3"

	"termgoal"
	"termgoal/app"
	"termgoal/catalog"
	"termgoal/postgres"
)

// runImport imports orgs, people, posts and terms from an XLSX or CSV file (A7); see
// importFile.
func runImport(ctx context.Context, cfg config, _ *slog.Logger) error {
	s, err := openStore(ctx, cfg)
	if err != nil {
		return err
	}
	defer s.Close()
	return importFile(ctx, s, os.Args[2:], os.Stdout, progress())
}

// importFile runs `termgoal import` with args on s, as an administrator of a root org (--as),
// who the audit log names; --dry-run only checks the file. Wrong cells are listed on out (in
// --lang) and nothing is written; the error then makes the exit status 1.
func importFile(ctx context.Context, s *postgres.Store, args []string, out io.Writer, progress func(done, total int)) error {
	flags := flag.NewFlagSet("import", flag.ContinueOnError)
	dryRun := flags.Bool("dry-run", false, "check the file and say what the import would do, writing nothing")
	as := flags.String("as", "admin", "the account that imports: an administrator of a root org")
	lang := flags.String("lang", catalog.LangZH, "the language of the messages: zh-CN or en")
	if err := flags.Parse(args); err != nil {
		return err
	}
	if flags.NArg() != 1 {
		return fmt.Errorf("usage: termgoal import [--dry-run] [--as USER] [--lang zh-CN|en] FILE.xlsx|FILE.csv")
	}
	path := flags.Arg(0)
	f, err := os.Open(path) // #nosec G304 -- the operator's own file, named on the command line
	if err != nil {
		return err
	}
	defer f.Close()
	acc, _, err := s.AccountByUsername(ctx, *as)
	if err != nil {
		return fmt.Errorf("the account %q: %w", *as, err)
	}
	ops := app.New(app.Service{Store: s})
	res, errs, err := ops.ImportFile(ctx, acc, termgoal.Actor{AccountID: acc.ID, Name: acc.DisplayName, IP: "termgoal import"}, f, path, *dryRun, progress)
	if err != nil {
		return err
	}
	if len(errs) > 0 {
		for _, p := range app.ImportProblems(*lang, errs) {
			fmt.Fprintf(out, "%s row %d %s: %s\n", p.Sheet, p.Row, p.Column, p.Message)
		}
		return fmt.Errorf("%d wrong cells or rows; nothing was imported", len(errs))
	}
	verb := "imported"
	if *dryRun {
		verb = "would import (nothing written)"
	}
	fmt.Fprintf(out, "%s %s:\n", path, verb)
	for _, k := range []struct {
		kind string
		c    postgres.ImportCount
	}{{"orgs", res.Orgs}, {"people", res.People}, {"posts", res.Posts}, {"terms", res.Terms}} {
		fmt.Fprintf(out, "  %-7s created %d, updated %d, unchanged %d\n", k.kind, k.c.Created, k.c.Updated, k.c.Unchanged)
	}
	return nil
}

// progress shows the rows written: a bar on a terminal, a line every 1,000 rows otherwise.
func progress() func(done, total int) {
	if st, err := os.Stderr.Stat(); err == nil && st.Mode()&os.ModeCharDevice != 0 {
		var bar *progressbar.ProgressBar
		return func(done, total int) {
			if bar == nil {
				bar = progressbar.Default(int64(total), "rows")
			}
			_ = bar.Set(done)
		}
	}
	return func(done, total int) {
		if done%1000 == 0 || done == total {
			fmt.Fprintf(os.Stderr, "%d of %d rows\n", done, total)
		}
	}
}
