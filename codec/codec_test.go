package codec_test

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	commonpb "go.temporal.io/api/common/v1"
	"go.temporal.io/sdk/converter"

	"termgoal/codec"
)

func ring(t *testing.T, ids ...string) string {
	t.Helper()
	var entries []string
	for _, id := range ids {
		e, err := codec.NewKey(id)
		if err != nil {
			t.Fatal(err)
		}
		entries = append(entries, e)
	}
	return strings.Join(entries, ",")
}

func keys(t *testing.T, spec string) *codec.Keys {
	t.Helper()
	k, err := codec.ParseKeys(spec)
	if err != nil {
		t.Fatal(err)
	}
	return k
}

func TestRoundTripRotationAndTampering(t *testing.T) {
	old := ring(t, "k1")
	dc := codec.DataConverter(codec.New(keys(t, old)))
	p, err := dc.ToPayload(map[string]string{"name": "李明", "comment": "同意"})
	if err != nil {
		t.Fatal(err)
	}
	if got := string(p.Metadata[converter.MetadataEncoding]); got != codec.Encoding {
		t.Fatalf("encoding %q", got)
	}
	if string(p.Metadata[codec.KeyIDMeta]) != "k1" || bytes.Contains(p.Data, []byte("李明")) || bytes.Contains(p.Data, []byte("json/plain")) {
		t.Fatalf("payload not sealed: %q", p)
	}
	// A ring with a new first key seals with it and still opens the old payload.
	newer := ring(t, "k2") + "\n# the old key, until no history needs it\n" + old
	rotated := codec.DataConverter(codec.New(keys(t, newer)))
	var back map[string]string
	if err := rotated.FromPayload(p, &back); err != nil || back["name"] != "李明" {
		t.Fatalf("rotated ring: %v %v", back, err)
	}
	p2, _ := rotated.ToPayload("x")
	if string(p2.Metadata[codec.KeyIDMeta]) != "k2" {
		t.Fatalf("rotated ring sealed with %q", p2.Metadata[codec.KeyIDMeta])
	}
	// A ring without the key, a changed byte, a payload relabelled with another key id: refused.
	if err := codec.DataConverter(codec.New(keys(t, ring(t, "k1")))).FromPayload(p, &back); err == nil {
		t.Fatal("another key with the same id opened the payload")
	}
	if err := codec.DataConverter(codec.New(keys(t, ring(t, "k9")))).FromPayload(p, &back); err == nil || !strings.Contains(err.Error(), `"k1"`) {
		t.Fatalf("missing key: %v", err)
	}
	bad := &commonpb.Payload{Metadata: p.Metadata, Data: bytes.Clone(p.Data)}
	bad.Data[len(bad.Data)-1] ^= 1
	if err := dc.FromPayload(bad, &back); err == nil {
		t.Fatal("a changed byte opened")
	}
	relabelled := &commonpb.Payload{Metadata: map[string][]byte{converter.MetadataEncoding: []byte(codec.Encoding), codec.KeyIDMeta: []byte("k2")}, Data: p.Data}
	if err := codec.DataConverter(codec.New(keys(t, strings.Replace(newer, "k1:", "k2x:", 1)))).FromPayload(relabelled, &back); err == nil {
		t.Fatal("a payload relabelled with another key id opened")
	}
	// A plain payload (a history from before the codec) passes through.
	plain, _ := converter.GetDefaultDataConverter().ToPayload("早期")
	var s string
	if err := dc.FromPayload(plain, &s); err != nil || s != "早期" {
		t.Fatalf("plain payload: %q %v", s, err)
	}
}

func TestParseKeysRefusesBadRings(t *testing.T) {
	good := ring(t, "a")
	for name, spec := range map[string]string{
		"empty":      " \n# nothing\n",
		"no id":      strings.TrimPrefix(good, "a"),
		"short key":  "a:AAAA",
		"not base64": "a:!!!!",
		"twice":      good + "," + good,
		"bad id":     "a b/c:" + strings.TrimPrefix(good, "a:"),
	} {
		if _, err := codec.ParseKeys(spec); err == nil {
			t.Errorf("%s: accepted %q", name, spec)
		} else if strings.Contains(err.Error(), strings.TrimPrefix(good, "a:")) {
			t.Errorf("%s: the error shows the key: %v", name, err)
		}
	}
}

func TestLoad(t *testing.T) {
	spec := ring(t, "2026-12", "2026-01")
	file := filepath.Join(t.TempDir(), "keys")
	if err := os.WriteFile(file, []byte(strings.ReplaceAll(spec, ",", "\n")+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, in := range [][2]string{{spec, ""}, {"", file}, {spec, "/nonexistent"}} {
		k, err := codec.Load(in[0], in[1])
		if err != nil || k.Current() != "2026-12" {
			t.Fatalf("%v: %v %v", in, k, err)
		}
	}
	if _, err := codec.Load("", filepath.Join(t.TempDir(), "none")); err == nil {
		t.Fatal("a missing key file was accepted")
	}
	if _, err := codec.Load("", ""); err == nil || !strings.Contains(err.Error(), "TEMPORAL_PAYLOAD_KEYS") {
		t.Fatalf("no keys: %v", err)
	}
}
