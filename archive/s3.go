package archive

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net/url"
	"strings"
	"time"

	"github.com/minio/minio-go/v7"
	"github.com/minio/minio-go/v7/pkg/credentials"
)

// S3Config names a bucket of an S3-compatible object store (AWS S3, MinIO, Ceph, OSS…).
type S3Config struct {
	Endpoint  string // the store's URL, e.g. https://s3.cn-north-1.amazonaws.com.cn or http://minio:9000
	Bucket    string
	Prefix    string // the bundles' keys start with it, e.g. termgoal/archive/
	Region    string
	AccessKey string
	SecretKey string
	// RetainYears, when set, puts every bundle under the bucket's object lock in compliance
	// mode for that many years: not even the bucket's owner can delete or overwrite it (the
	// bucket must have object lock enabled).
	RetainYears int
}

// S3Store keeps the bundles as objects of a bucket.
type S3Store struct {
	client *minio.Client
	cfg    S3Config
}

// NewS3Store connects to the bucket of cfg (nothing is sent before the first call).
func NewS3Store(cfg S3Config) (*S3Store, error) {
	u, err := url.Parse(cfg.Endpoint)
	if err != nil || u.Host == "" || (u.Scheme != "http" && u.Scheme != "https") {
		return nil, fmt.Errorf("the S3 endpoint %q is not an http(s) URL", cfg.Endpoint)
	}
	if cfg.Bucket == "" {
		return nil, errors.New("no S3 bucket named")
	}
	c, err := minio.New(u.Host, &minio.Options{
		Creds:  credentials.NewStaticV4(cfg.AccessKey, cfg.SecretKey, ""),
		Secure: u.Scheme == "https", Region: cfg.Region, BucketLookup: minio.BucketLookupPath,
	})
	if err != nil {
		return nil, err
	}
	return &S3Store{client: c, cfg: cfg}, nil
}

func (s *S3Store) String() string { return "s3://" + s.cfg.Bucket + "/" + s.cfg.Prefix }

// Create uploads the bundle unless its key is taken: the upload is conditional (If-None-Match),
// so of two writers of one name only one succeeds, and under RetainYears the object is locked.
func (s *S3Store) Create(ctx context.Context, name string, r io.Reader, size int64) error {
	if !plainName(name) {
		return fmt.Errorf("%q is not a bundle's name", name)
	}
	key := s.cfg.Prefix + name
	// Asked first too, for the stores that ignore If-None-Match.
	switch _, err := s.client.StatObject(ctx, s.cfg.Bucket, key, minio.StatObjectOptions{}); {
	case err == nil:
		return ErrExists
	case !notFound(err):
		return err
	}
	opts := minio.PutObjectOptions{ContentType: "application/zip", SendContentMd5: true}
	opts.SetMatchETagExcept("*")
	if s.cfg.RetainYears > 0 {
		opts.Mode, opts.RetainUntilDate = minio.Compliance, time.Now().AddDate(s.cfg.RetainYears, 0, 0)
	}
	_, err := s.client.PutObject(ctx, s.cfg.Bucket, key, r, size, opts)
	if resp := minio.ToErrorResponse(err); resp.StatusCode == 412 || resp.Code == "PreconditionFailed" {
		return ErrExists
	}
	return err
}

type s3Object struct {
	*minio.Object
	size int64
}

func (o s3Object) Size() int64 { return o.size }

func (o s3Object) WriteTo(w io.Writer) (int64, error) { return io.Copy(w, o.Object) }

func (s *S3Store) Open(ctx context.Context, name string) (Object, error) {
	if !plainName(name) {
		return nil, fmt.Errorf("%q: %w", name, fs.ErrNotExist)
	}
	o, err := s.client.GetObject(ctx, s.cfg.Bucket, s.cfg.Prefix+name, minio.GetObjectOptions{})
	if err != nil {
		return nil, err
	}
	st, err := o.Stat()
	if err != nil {
		_ = o.Close()
		if notFound(err) {
			return nil, fmt.Errorf("%s: %w", name, fs.ErrNotExist)
		}
		return nil, err
	}
	return s3Object{o, st.Size}, nil
}

func (s *S3Store) List(ctx context.Context, prefix string) ([]string, error) {
	var names []string
	for o := range s.client.ListObjects(ctx, s.cfg.Bucket, minio.ListObjectsOptions{Prefix: s.cfg.Prefix + prefix}) {
		if o.Err != nil {
			return nil, o.Err
		}
		if name := strings.TrimPrefix(o.Key, s.cfg.Prefix); plainName(name) {
			names = append(names, name)
		}
	}
	return names, nil
}

func notFound(err error) bool {
	r := minio.ToErrorResponse(err)
	return r.StatusCode == 404 || r.Code == "NoSuchKey"
}
