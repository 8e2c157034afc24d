package main

import (
	"cmp"
	"errors"
	"fmt"
	"io"
	"os"
	"strconv"

	"termgoal/app"
	"termgoal/archive"
	"termgoal/codec"
	"termgoal/notify"
	"termgoal/web"
)

// variable is one environment variable termgoal reads.
type variable struct {
	name, def, what string
}

// variables lists every environment variable the binary reads, with its default: `termgoal env`
// prints it, a test checks it against the source, and deploy/'s test checks every variable its
// files set against it.
var variables = []variable{
	{"DATABASE_URL", "(required; dev starts its own)", "PostgreSQL URL for lib/pq"},
	{"TEMPORAL_ADDRESS", "127.0.0.1:7233", "Temporal frontend host:port"},
	{"TEMPORAL_NAMESPACE", "default", "Temporal namespace"},
	{"TEMPORAL_UI_URL", "http://127.0.0.1:8233", "the Temporal UI, linked from each process page for administrators of its org"},
	{"TEMPORAL_PAYLOAD_KEYS", "(required unless TEMPORAL_PAYLOAD_KEY_FILE; dev keeps one in .data/payload-keys)", "the key ring sealing every Temporal payload (AES-256-GCM): ID:BASE64 entries, comma-separated, the first seals, all open (a secret; `termgoal payload-key` makes one)"},
	{"TEMPORAL_PAYLOAD_KEY_FILE", "", "a file holding the key ring, one ID:BASE64 per line, when TEMPORAL_PAYLOAD_KEYS is unset"},
	{"HTTP_ADDR", "127.0.0.1:8080", "where serve listens"},
	{"WORKER_HEALTH_ADDR", "127.0.0.1:8081", "where worker answers /healthz and /readyz"},
	{"METRICS_ADDR", "(none; dev: 127.0.0.1:9464)", "where serve and worker answer GET /metrics (Prometheus), a listener of its own for operators only"},
	{"APP_URL", "http:// + HTTP_ADDR", "the app's external URL, for links in emails and webhooks"},
	{"OIDC_ISSUER", "(none: passwords only)", "an OpenID Connect provider's issuer URL: the sign-in page offers it beside the password; register APP_URL/login/oidc/callback with it"},
	{"OIDC_CLIENT_ID", "(required with OIDC_ISSUER)", "termgoal's client id at the provider"},
	{"OIDC_CLIENT_SECRET", "", "termgoal's client secret at the provider (a secret)"},
	{"OIDC_NAME", "OIDC", "the provider's name on the sign-in button, e.g. 统一身份认证"},
	{"ARCHIVE_DIR", "archive (dev: .data/archive)", "where serve and `termgoal archive write` keep the term bundles, never rewritten (a persistent volume)"},
	{"ARCHIVE_S3_ENDPOINT", "", "keep the term bundles in an S3-compatible bucket instead of ARCHIVE_DIR: the store's URL (https://…, or http:// inside the cluster)"},
	{"ARCHIVE_S3_BUCKET", "", "the bucket of ARCHIVE_S3_ENDPOINT"},
	{"ARCHIVE_S3_PREFIX", "", "the bundles' keys start with it, e.g. termgoal/archive/"},
	{"ARCHIVE_S3_REGION", "", "the bucket's region, where the store asks for one"},
	{"ARCHIVE_S3_ACCESS_KEY", "", "the access key id for the bucket"},
	{"ARCHIVE_S3_SECRET_KEY", "", "its secret (a secret)"},
	{"ARCHIVE_S3_RETAIN_YEARS", "0", "lock each bundle in compliance mode for this many years (the bucket needs object lock); 0: no lock"},
	{"ARCHIVE_SIGNING_KEY", "(required by archive write unless ARCHIVE_SIGNING_KEY_FILE)", "the Ed25519 key signing archive manifests, ID:BASE64 of its seed (a secret; `termgoal archive key` makes one)"},
	{"ARCHIVE_SIGNING_KEY_FILE", "", "a file holding ARCHIVE_SIGNING_KEY"},
	{"SMTP_HOST", "", "SMTP server for email notifications; unset: no email"},
	{"SMTP_PORT", "587 / 465 / 25 by SMTP_TLS", "SMTP port"},
	{"SMTP_USERNAME", "", "SMTP user"},
	{"SMTP_PASSWORD", "", "SMTP password (a secret)"},
	{"SMTP_FROM", "", "sender, required with SMTP_HOST"},
	{"SMTP_TLS", "starttls", "starttls, tls or none"},
	{"OTEL_EXPORTER_OTLP_ENDPOINT", "(none: no tracing)", "where spans go by OTLP over HTTP, e.g. http://collector:4318; the other OTEL_EXPORTER_OTLP_* settings apply"},
	{"CHROMIUM", "chromium on the PATH", "the browser serve prints the PDF forms with; without one the PDF links say how to install it"},
	{"TERMGOAL_ROOT", "the module root", "dev only: where bin/ and .data/ are"},
}

// oidc is the OpenID Connect sign-in of OIDC_ISSUER (nil when unset); its callback is under
// APP_URL.
func (cfg config) oidc() (*web.OIDC, error) {
	if cfg.OIDCIssuer == "" {
		return nil, nil
	}
	o := &web.OIDC{Issuer: cfg.OIDCIssuer, ClientID: os.Getenv("OIDC_CLIENT_ID"), ClientSecret: os.Getenv("OIDC_CLIENT_SECRET"),
		Name: cmp.Or(os.Getenv("OIDC_NAME"), "OIDC"), RedirectURL: cmp.Or(cfg.AppURL, "http://"+cfg.HTTPAddr) + "/login/oidc/callback"}
	if o.ClientID == "" {
		return nil, errors.New("OIDC_ISSUER is set without OIDC_CLIENT_ID")
	}
	return o, nil
}

// archives is where serve, the worker and archive write keep the term bundles: the bucket of
// ARCHIVE_S3_ENDPOINT when one is set, else ARCHIVE_DIR; signed with ARCHIVE_SIGNING_KEY (or
// its file) when one is set; without one, bundles are listed and served, not written.
func (cfg config) archives() (app.Archives, error) {
	a := app.Archives{Dir: cfg.ArchiveDir}
	if endpoint := os.Getenv("ARCHIVE_S3_ENDPOINT"); endpoint != "" {
		years, err := strconv.Atoi(cmp.Or(os.Getenv("ARCHIVE_S3_RETAIN_YEARS"), "0"))
		if err != nil || years < 0 {
			return a, fmt.Errorf("ARCHIVE_S3_RETAIN_YEARS=%q is not a number of years", os.Getenv("ARCHIVE_S3_RETAIN_YEARS"))
		}
		store, err := archive.NewS3Store(archive.S3Config{Endpoint: endpoint, Bucket: os.Getenv("ARCHIVE_S3_BUCKET"),
			Prefix: os.Getenv("ARCHIVE_S3_PREFIX"), Region: os.Getenv("ARCHIVE_S3_REGION"), RetainYears: years,
			AccessKey: os.Getenv("ARCHIVE_S3_ACCESS_KEY"), SecretKey: os.Getenv("ARCHIVE_S3_SECRET_KEY")})
		if err != nil {
			return a, fmt.Errorf("ARCHIVE_S3_*: %w", err)
		}
		a.Store = store
	}
	spec, file := os.Getenv("ARCHIVE_SIGNING_KEY"), cmp.Or(os.Getenv("ARCHIVE_SIGNING_KEY_FILE"), cfg.ArchiveKeyFile)
	if spec == "" && file == "" {
		return a, nil
	}
	s, err := archive.LoadSigner(spec, file)
	a.Signer = &s
	return a, err
}

// payloadCodec is the codec of the configured key ring (package codec).
func (cfg config) payloadCodec() (*codec.Codec, error) {
	keys, err := codec.Load(cfg.PayloadKeys, cfg.PayloadFile)
	if err != nil {
		return nil, err
	}
	return codec.New(keys), nil
}

func printVariables(w io.Writer) {
	for _, v := range variables {
		fmt.Fprintf(w, "%s\t%s\t%s\n", v.name, v.def, v.what)
	}
}

// config is read from the environment only.
type config struct {
	DatabaseURL    string // DATABASE_URL: lib/pq URL; dev starts a private cluster when empty
	TemporalAddr   string // TEMPORAL_ADDRESS: host:port of the Temporal frontend
	Namespace      string // TEMPORAL_NAMESPACE
	TemporalUI     string // TEMPORAL_UI_URL: linked from the process page
	PayloadKeys    string // TEMPORAL_PAYLOAD_KEYS: the payload codec's key ring
	PayloadFile    string // TEMPORAL_PAYLOAD_KEY_FILE: the key ring's file when PayloadKeys is ""
	HTTPAddr       string // HTTP_ADDR: where serve listens
	HealthAddr     string // WORKER_HEALTH_ADDR: where worker answers /healthz and /readyz
	MetricsAddr    string // METRICS_ADDR: where /metrics is served, never the public listener; "" for none
	PlainHTTP      bool   // dev on a loopback address: cookies without __Host- and Secure (api.Config)
	AppURL         string // APP_URL: the app's external URL, for links in emails and webhooks
	OIDCIssuer     string // OIDC_ISSUER, with OIDC_CLIENT_ID, OIDC_CLIENT_SECRET, OIDC_NAME (oidc)
	ArchiveDir     string // ARCHIVE_DIR: where archive write puts the bundles
	ArchiveKeyFile string // dev: the signing key it keeps under .data/ when ARCHIVE_SIGNING_KEY* is unset
}

func configFromEnv() config {
	return config{
		DatabaseURL:  os.Getenv("DATABASE_URL"),
		TemporalAddr: cmp.Or(os.Getenv("TEMPORAL_ADDRESS"), "127.0.0.1:7233"),
		Namespace:    cmp.Or(os.Getenv("TEMPORAL_NAMESPACE"), "default"),
		TemporalUI:   cmp.Or(os.Getenv("TEMPORAL_UI_URL"), "http://127.0.0.1:8233"),
		PayloadKeys:  os.Getenv("TEMPORAL_PAYLOAD_KEYS"),
		PayloadFile:  os.Getenv("TEMPORAL_PAYLOAD_KEY_FILE"),
		HTTPAddr:     cmp.Or(os.Getenv("HTTP_ADDR"), "127.0.0.1:8080"),
		HealthAddr:   cmp.Or(os.Getenv("WORKER_HEALTH_ADDR"), "127.0.0.1:8081"),
		MetricsAddr:  os.Getenv("METRICS_ADDR"),
		AppURL:       os.Getenv("APP_URL"),
		OIDCIssuer:   os.Getenv("OIDC_ISSUER"),
		ArchiveDir:   cmp.Or(os.Getenv("ARCHIVE_DIR"), "archive"),
	}
}

// notifier builds what sends notifications: email when SMTP_HOST is set (SMTP_PORT,
// SMTP_USERNAME, SMTP_PASSWORD, SMTP_FROM, SMTP_TLS), and webhooks. Links point at APP_URL,
// by default the address serve listens on.
func notifier(cfg config) (*notify.Notifier, error) {
	mc, err := notify.MailerConfigFromEnv(os.Getenv)
	if err != nil {
		return nil, err
	}
	m, err := notify.NewMailer(mc)
	if err != nil {
		return nil, fmt.Errorf("email: %w", err)
	}
	n := notify.New(m, cmp.Or(cfg.AppURL, "http://"+cfg.HTTPAddr))
	n.HTTP = notify.PublicClient(notify.DefaultTimeout) // webhooks and robots reach the internet only
	return n, nil
}
