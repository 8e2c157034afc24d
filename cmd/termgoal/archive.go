package main

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strconv"
	"time"

	"termgoal"
	"termgoal/app"
	"termgoal/archive"
	"termgoal/web"
)

// runArchive runs `archive key|write|verify` (package archive): verify needs no database and
// no Temporal, only the bundle (and the published key).
func runArchive(ctx context.Context, cfg config, log *slog.Logger) error {
	if len(os.Args) < 3 {
		return errors.New("usage: termgoal archive key [ID] | write [--supersedes BUNDLE] TERM_ID | verify [--public-key ID:BASE64]... BUNDLE")
	}
	args := os.Args[3:]
	switch os.Args[2] {
	case "key":
		id := time.Now().Format("2006-01")
		if len(args) > 0 {
			id = args[0]
		}
		secret, public, err := archive.NewSigner(id)
		if err != nil {
			return err
		}
		fmt.Printf("ARCHIVE_SIGNING_KEY=%s\n# the public key, to publish for verifiers (termgoal archive verify --public-key):\n%s\n", secret, public)
		return nil
	case "verify":
		return archiveVerify(args, os.Stdout)
	case "write":
		return archiveWrite(ctx, cfg, log, args)
	}
	return fmt.Errorf("termgoal archive %s: no such subcommand (key, write, verify)", os.Args[2])
}

// keyList is the repeated --public-key flag.
type keyList map[string]ed25519.PublicKey

func (k keyList) String() string { return fmt.Sprint(len(k), " keys") }

func (k keyList) Set(v string) error {
	id, key, err := archive.ParsePublicKey(v)
	if err == nil {
		k[id] = key
	}
	return err
}

func archiveVerify(args []string, out io.Writer) error {
	flags := flag.NewFlagSet("archive verify", flag.ContinueOnError)
	keys := keyList{}
	flags.Var(keys, "public-key", "a published public key ID:BASE64 the bundle must be signed with (repeatable)")
	if err := flags.Parse(args); err != nil {
		return err
	}
	if flags.NArg() != 1 {
		return errors.New("usage: termgoal archive verify [--public-key ID:BASE64]... BUNDLE")
	}
	b, err := os.ReadFile(flags.Arg(0))
	if err != nil {
		return err
	}
	rep := archive.Verify(bytes.NewReader(b), int64(len(b)), keys)
	if m := rep.Manifest; m != nil {
		fmt.Fprintf(out, "bundle: term %d, %s, written %s, %d files, %d audit chains\n", m.TermID, m.Title, m.CreatedAt.Format(time.RFC3339), len(m.Files), len(m.Chains))
		if m.Supersedes != "" {
			fmt.Fprintf(out, "supersedes the bundle of manifest %s\n", m.Supersedes)
		}
	}
	for _, p := range rep.Problems {
		fmt.Fprintln(out, "FAIL", p)
	}
	if !rep.OK() {
		return fmt.Errorf("the bundle does not verify: %d problems", len(rep.Problems))
	}
	fmt.Fprintf(out, "the bundle verifies: every file as listed, every audit chain unbroken, signed with %s\n", rep.SignedBy)
	return nil
}

// archiveWrite writes term TERM_ID's bundle into ARCHIVE_DIR (or the ARCHIVE_S3_* bucket), as
// a new file that is never rewritten; --supersedes names the stored bundle it corrects.
func archiveWrite(ctx context.Context, cfg config, _ *slog.Logger, args []string) error {
	flags := flag.NewFlagSet("archive write", flag.ContinueOnError)
	supersedes := flags.String("supersedes", "", "the name of the stored bundle this one corrects")
	if err := flags.Parse(args); err != nil {
		return err
	}
	id, err := strconv.ParseInt(flags.Arg(0), 10, 64)
	if flags.NArg() != 1 || err != nil {
		return errors.New("usage: termgoal archive write [--supersedes BUNDLE] TERM_ID")
	}
	archives, err := cfg.archives()
	if err != nil {
		return err
	}
	if archives.Signer == nil {
		return errors.New("no key to sign the bundle: set ARCHIVE_SIGNING_KEY or ARCHIVE_SIGNING_KEY_FILE (termgoal archive key makes one)")
	}
	s, err := openStore(ctx, cfg)
	if err != nil {
		return err
	}
	defer s.Close()
	ops := app.New(app.Service{Store: s, Log: slog.Default(), Archives: archives})
	pages, err := web.New(web.Config{Store: s, Ops: ops, Log: slog.Default()})
	if err != nil {
		return err
	}
	ops.Archives.Forms = pages // printed by Chromium, as serve prints them
	before := *supersedes
	if before != "" {
		before = filepath.Base(before) // a path to it will do
	}
	info, err := ops.StoreArchive(ctx, termgoal.Actor{Name: "termgoal archive write"}, id, before)
	if err != nil {
		return err
	}
	fmt.Printf("%s in %s\nmanifest SHA-256 %s, signed with key %q\n", info.Name, archives.Where(), info.ManifestSHA256, info.KeyID)
	return nil
}
