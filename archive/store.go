package archive

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
)

// Store keeps bundles by name, each written once and never rewritten: a directory
// (DirStore) or a bucket of an S3-compatible object store (S3Store).
type Store interface {
	// Create stores the size bytes of r as name; it fails with ErrExists when name is taken,
	// and leaves nothing under name when it fails.
	Create(ctx context.Context, name string, r io.Reader, size int64) error
	// Open opens name for reading; a missing one is fs.ErrNotExist.
	Open(ctx context.Context, name string) (Object, error)
	// List names the bundles whose names start with prefix, in no particular order.
	List(ctx context.Context, prefix string) ([]string, error)
	// String says where the bundles are, for messages.
	String() string
}

// Object is a stored bundle, open for reading.
type Object interface {
	io.Reader
	io.ReaderAt
	io.WriterTo
	io.Closer
	Size() int64
}

// ErrExists refuses to store a bundle under a name that is taken.
var ErrExists = errors.New("a bundle of that name is already stored")

// DirStore keeps the bundles as files of a directory (0600, the directory 0750).
type DirStore string

func (d DirStore) String() string { return string(d) }

// Create writes r to a temporary file of the directory and links it under name, which fails
// when the name is taken: a reader never sees half a bundle, and none is overwritten.
func (d DirStore) Create(_ context.Context, name string, r io.Reader, _ int64) error {
	if !plainName(name) {
		return fmt.Errorf("%q is not a bundle's name", name)
	}
	if err := os.MkdirAll(string(d), 0o750); err != nil {
		return err
	}
	tmp, err := os.CreateTemp(string(d), ".writing-*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	_, err = io.Copy(tmp, r)
	if err == nil {
		err = tmp.Sync()
	}
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return err
	}
	err = os.Link(tmp.Name(), filepath.Join(string(d), name))
	if errors.Is(err, fs.ErrExist) {
		return ErrExists
	}
	return err
}

type dirObject struct {
	*os.File
	size int64
}

func (o dirObject) Size() int64 { return o.size }

func (d DirStore) Open(_ context.Context, name string) (Object, error) {
	if !plainName(name) {
		return nil, fmt.Errorf("%q: %w", name, fs.ErrNotExist)
	}
	f, err := os.Open(filepath.Join(string(d), name)) // #nosec G304 -- a plain file name, in the directory
	if err != nil {
		return nil, err
	}
	st, err := f.Stat()
	if err != nil {
		_ = f.Close()
		return nil, err
	}
	return dirObject{f, st.Size()}, nil
}

func (d DirStore) List(_ context.Context, prefix string) ([]string, error) {
	entries, err := os.ReadDir(string(d))
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	var names []string
	for _, e := range entries {
		if e.Type().IsRegular() && strings.HasPrefix(e.Name(), prefix) {
			names = append(names, e.Name())
		}
	}
	return names, nil
}

// plainName reports whether name is a file name and nothing else: no directory, not hidden.
func plainName(name string) bool {
	return name != "" && filepath.Base(name) == name && !strings.HasPrefix(name, ".") && !strings.ContainsAny(name, `/\`)
}
