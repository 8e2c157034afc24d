// Package archivetest runs an S3-compatible object store in the test's process, for the
// tests of the archive's S3 store (package archive).
package archivetest

import (
	"net/http/httptest"
	"testing"

	"github.com/johannesboyne/gofakes3"
	"github.com/johannesboyne/gofakes3/backend/s3mem"

	"termgoal/archive"
)

// S3 starts an in-memory S3-compatible server with an empty bucket for the test and answers
// the configuration of a store in it under prefix; the server stops when the test ends.
func S3(t testing.TB, prefix string) archive.S3Config {
	t.Helper()
	backend := s3mem.New()
	if err := backend.CreateBucket("termgoal-archive"); err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(gofakes3.New(backend).Server())
	t.Cleanup(srv.Close)
	return archive.S3Config{Endpoint: srv.URL, Bucket: "termgoal-archive", Prefix: prefix, Region: "us-east-1",
		AccessKey: "test", SecretKey: "test-secret"}
}
