// Package codec encrypts every Temporal payload termgoal writes (workflow and activity inputs
// and results, updates, queries, memos, failure messages) with AES-256-GCM before it leaves
// the process, so the Temporal server and its database hold ciphertext only: names, comments
// and addresses in a workflow's state are personal data.
//
// Keys carry ids for rotation: each encrypted payload names the key it was sealed with, the
// first key of the list seals new payloads, and every key in the list opens old ones. To
// rotate, put a new key first and keep the old ones until no history that needs them is kept.
// Payloads without the encrypted encoding (histories from before the codec) pass through.
package codec

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
	"os"
	"regexp"
	"strings"

	commonpb "go.temporal.io/api/common/v1"
	"go.temporal.io/sdk/converter"
	"go.temporal.io/sdk/temporal"
	"google.golang.org/protobuf/proto"

	"termgoal"
)

const (
	// Encoding is the metadata encoding of an encrypted payload.
	Encoding = "binary/encrypted"
	// KeyIDMeta is the metadata field naming the key a payload was sealed with.
	KeyIDMeta = "encryption-key-id"
)

// Keys is the key ring: the first key seals, every key opens.
type Keys struct {
	current string
	aeads   map[string]cipher.AEAD
}

var keyID = regexp.MustCompile(`^[A-Za-z0-9._-]{1,64}$`)

// ParseKeys reads a key ring written as "id:base64key" entries separated by commas, spaces or
// new lines (a file may hold one per line; lines starting with # are comments). Each key is 32
// bytes (AES-256) in standard or URL base64; the first entry seals new payloads.
func ParseKeys(spec string) (*Keys, error) {
	k := &Keys{aeads: map[string]cipher.AEAD{}}
	for line := range strings.SplitSeq(spec, "\n") {
		if strings.HasPrefix(strings.TrimSpace(line), "#") {
			continue
		}
		for entry := range strings.FieldsFuncSeq(line, func(r rune) bool { return r == ',' || r == ' ' || r == '\t' || r == '\r' }) {
			id, b64, ok := strings.Cut(entry, ":")
			if !ok || !keyID.MatchString(id) {
				return nil, fmt.Errorf("payload key %q: want id:base64key, the id of letters, digits, '.', '_' or '-'", termgoal.Clip(entry, 12))
			}
			if _, dup := k.aeads[id]; dup {
				return nil, fmt.Errorf("payload key %q is listed twice", id)
			}
			raw, err := base64.StdEncoding.DecodeString(b64)
			if err != nil {
				if raw, err = base64.RawURLEncoding.DecodeString(strings.TrimRight(b64, "=")); err != nil {
					return nil, fmt.Errorf("payload key %q: not base64", id)
				}
			}
			if len(raw) != 32 {
				return nil, fmt.Errorf("payload key %q: %d bytes, want 32 (AES-256)", id, len(raw))
			}
			block, err := aes.NewCipher(raw)
			if err != nil {
				return nil, err
			}
			if k.aeads[id], err = cipher.NewGCM(block); err != nil {
				return nil, err
			}
			if k.current == "" {
				k.current = id
			}
		}
	}
	if k.current == "" {
		return nil, errors.New("no payload key given")
	}
	return k, nil
}

// Load reads the key ring from spec (TEMPORAL_PAYLOAD_KEYS) or, when that is empty, from the
// file named by file (TEMPORAL_PAYLOAD_KEY_FILE). Neither is an error: termgoal never writes
// plain payloads (`termgoal dev` keeps a generated key under .data/).
func Load(spec, file string) (*Keys, error) {
	if spec != "" {
		return ParseKeys(spec)
	}
	if file != "" {
		b, err := os.ReadFile(file) // #nosec G304 G703 -- the operator's own setting
		if err != nil {
			return nil, fmt.Errorf("TEMPORAL_PAYLOAD_KEY_FILE: %w", err)
		}
		return ParseKeys(string(b))
	}
	return nil, errors.New("no payload key: set TEMPORAL_PAYLOAD_KEYS or TEMPORAL_PAYLOAD_KEY_FILE (`termgoal payload-key` prints a new one)")
}

// NewKey returns a new random key entry "id:base64key" for a key ring.
func NewKey(id string) (string, error) {
	if !keyID.MatchString(id) {
		return "", fmt.Errorf("key id %q: letters, digits, '.', '_' or '-', at most 64", termgoal.Clip(id, 64))
	}
	raw := make([]byte, 32)
	if _, err := rand.Read(raw); err != nil {
		return "", err
	}
	return id + ":" + base64.StdEncoding.EncodeToString(raw), nil
}

// Current is the id of the key that seals new payloads.
func (k *Keys) Current() string { return k.current }

// Codec is the converter.PayloadCodec of a key ring.
type Codec struct{ keys *Keys }

// New returns the codec that seals with keys' first key.
func New(keys *Keys) *Codec { return &Codec{keys: keys} }

// Encode seals each payload (its whole protobuf form, metadata included) with the current key;
// the key id is also the additional data, so a payload cannot be passed off under another id.
func (c *Codec) Encode(payloads []*commonpb.Payload) ([]*commonpb.Payload, error) {
	id := c.keys.current
	aead := c.keys.aeads[id]
	out := make([]*commonpb.Payload, len(payloads))
	for i, p := range payloads {
		plain, err := proto.Marshal(p)
		if err != nil {
			return nil, fmt.Errorf("codec: %w", err)
		}
		nonce := make([]byte, aead.NonceSize(), aead.NonceSize()+len(plain)+aead.Overhead())
		if _, err := rand.Read(nonce); err != nil {
			return nil, fmt.Errorf("codec: %w", err)
		}
		out[i] = &commonpb.Payload{
			Metadata: map[string][]byte{converter.MetadataEncoding: []byte(Encoding), KeyIDMeta: []byte(id)},
			Data:     aead.Seal(nonce, nonce, plain, []byte(id)),
		}
	}
	return out, nil
}

// Decode opens each encrypted payload with the key it names; other payloads pass through.
func (c *Codec) Decode(payloads []*commonpb.Payload) ([]*commonpb.Payload, error) {
	out := make([]*commonpb.Payload, len(payloads))
	for i, p := range payloads {
		if string(p.GetMetadata()[converter.MetadataEncoding]) != Encoding {
			out[i] = p
			continue
		}
		id := string(p.GetMetadata()[KeyIDMeta])
		aead, ok := c.keys.aeads[id]
		if !ok {
			return nil, fmt.Errorf("codec: payload sealed with key %q, which the key ring lacks", termgoal.Clip(id, 64))
		}
		data := p.GetData()
		if len(data) < aead.NonceSize() {
			return nil, errors.New("codec: encrypted payload too short")
		}
		plain, err := aead.Open(nil, data[:aead.NonceSize()], data[aead.NonceSize():], []byte(id))
		if err != nil {
			return nil, fmt.Errorf("codec: payload sealed with key %q does not open: %w", termgoal.Clip(id, 64), err)
		}
		out[i] = &commonpb.Payload{}
		if err := proto.Unmarshal(plain, out[i]); err != nil {
			return nil, fmt.Errorf("codec: %w", err)
		}
	}
	return out, nil
}

// DataConverter is the default data converter with every payload sealed by c.
func DataConverter(c *Codec) converter.DataConverter {
	return converter.NewCodecDataConverter(converter.GetDefaultDataConverter(), c)
}

// FailureConverter puts a failure's message and stack trace into its (sealed) encoded
// attributes: an error's text may quote a name.
func FailureConverter(dc converter.DataConverter) converter.FailureConverter {
	return temporal.NewDefaultFailureConverter(temporal.DefaultFailureConverterOptions{DataConverter: dc, EncodeCommonAttributes: true})
}
