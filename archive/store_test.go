package archive_test

import (
	"bytes"
	"context"
	"errors"
	"io"
	"io/fs"
	"os"
	"slices"
	"strings"
	"testing"
	"testing/iotest"

	"termgoal/archive"
	"termgoal/archive/archivetest"
)

// TestStores: a directory and an S3-compatible bucket keep bundles alike: a bundle is stored
// once (a second under its name is refused and changes nothing), read whole and in ranges,
// listed by prefix; a missing one is fs.ErrNotExist; a write that fails leaves nothing
// behind; names that would leave the store are refused.
func TestStores(t *testing.T) {
	s3, err := archive.NewS3Store(archivetest.S3(t, "termgoal/"))
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	for _, c := range []struct {
		name  string
		store archive.Store
	}{{"dir", archive.DirStore(dir)}, {"s3", s3}} {
		t.Run(c.name, func(t *testing.T) {
			ctx := context.Background()
			st := c.store
			one, two := []byte("PK first bundle"), []byte("PK second bundle, longer")
			if err := st.Create(ctx, "term-1-a.zip", bytes.NewReader(one), int64(len(one))); err != nil {
				t.Fatal(err)
			}
			if err := st.Create(ctx, "term-1-a.zip", bytes.NewReader(two), int64(len(two))); !errors.Is(err, archive.ErrExists) {
				t.Fatalf("a second bundle under one name: %v", err)
			}
			if err := st.Create(ctx, "term-12-b.zip", bytes.NewReader(two), int64(len(two))); err != nil {
				t.Fatal(err)
			}
			// A write that fails half-way leaves no bundle.
			broken := io.MultiReader(bytes.NewReader(two[:5]), iotest.ErrReader(errors.New("disk gone")))
			if err := st.Create(ctx, "term-1-c.zip", broken, int64(len(two))); err == nil {
				t.Fatal("a failed write succeeded")
			}
			o, err := st.Open(ctx, "term-1-a.zip")
			if err != nil {
				t.Fatal(err)
			}
			defer o.Close()
			part := make([]byte, 5)
			if _, err := o.ReadAt(part, 3); err != nil || string(part) != "first" || o.Size() != int64(len(one)) {
				t.Errorf("ReadAt: %q, %v, size %d", part, err, o.Size())
			}
			var whole bytes.Buffer
			if _, err := o.WriteTo(&whole); err != nil || !bytes.Equal(whole.Bytes(), one) {
				t.Errorf("the bundle read back: %q, %v (the first one stays)", whole.Bytes(), err)
			}
			names, err := st.List(ctx, "term-1-")
			slices.Sort(names)
			if err != nil || strings.Join(names, " ") != "term-1-a.zip" {
				t.Errorf("List(term-1-) = %v, %v", names, err)
			}
			if _, err := st.Open(ctx, "term-1-missing.zip"); !errors.Is(err, fs.ErrNotExist) {
				t.Errorf("a missing bundle: %v", err)
			}
			for _, bad := range []string{"../term-1-a.zip", "x/term-1-a.zip", ".writing-1", ""} {
				if err := st.Create(ctx, bad, bytes.NewReader(one), int64(len(one))); err == nil {
					t.Errorf("Create(%q) succeeded", bad)
				}
				if _, err := st.Open(ctx, bad); err == nil {
					t.Errorf("Open(%q) succeeded", bad)
				}
			}
		})
	}
	if left, _ := os.ReadDir(dir); len(left) != 2 {
		t.Errorf("the directory holds %d files, want the two bundles (no temporary file left)", len(left))
	}
}
