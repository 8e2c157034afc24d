package archivetest

import (
	"archive/zip"
	"bytes"
	"io"
	"testing"
)

// Rewrite copies bundle b, each file through edit: what it answers is the file's new
// content, nil drops the file. It is how the tests tamper with a bundle.
func Rewrite(t testing.TB, b []byte, edit func(name string, data []byte) []byte) []byte {
	t.Helper()
	z, err := zip.NewReader(bytes.NewReader(b), int64(len(b)))
	if err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	w := zip.NewWriter(&out)
	for _, f := range z.File {
		data, err := read(f)
		if err != nil {
			t.Fatal(err)
		}
		if data = edit(f.Name, data); data == nil {
			continue
		}
		fw, err := w.Create(f.Name)
		if err == nil {
			_, err = fw.Write(data)
		}
		if err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return out.Bytes()
}

// Read answers file name of bundle b.
func Read(t testing.TB, b []byte, name string) []byte {
	t.Helper()
	var found []byte
	Rewrite(t, b, func(n string, data []byte) []byte {
		if n == name {
			found = data
		}
		return data
	})
	if found == nil {
		t.Fatalf("the bundle has no %s", name)
	}
	return found
}

func read(f *zip.File) ([]byte, error) {
	rc, err := f.Open()
	if err != nil {
		return nil, err
	}
	defer rc.Close()
	return io.ReadAll(rc)
}
