package notify

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"slices"
	"strconv"
)

// Webhook kinds.
const (
	KindGeneric  = "generic"  // our JSON, signed with HMAC-SHA256
	KindDingTalk = "dingtalk" // 钉钉群机器人
	KindWeCom    = "wecom"    // 企业微信群机器人
	KindFeishu   = "feishu"   // 飞书群机器人
)

// Kinds lists the webhook kinds.
var Kinds = []string{KindGeneric, KindDingTalk, KindWeCom, KindFeishu}

// ValidKind reports whether kind is a webhook kind.
func ValidKind(kind string) bool { return slices.Contains(Kinds, kind) }

// Headers of the generic hook.
const (
	SignatureHeader = "X-Termgoal-Signature" // "sha256=" + hex HMAC-SHA256 of the raw body with the secret
	TimestampHeader = "X-Termgoal-Timestamp" // Unix seconds, also in the signed body as "timestamp"
)

// Hook is where to post: a kind, a URL and an optional secret.
type Hook struct {
	Kind   string
	URL    string
	Secret string
}

// Event is one notification as a webhook tells it. The generic hook gets all of it as JSON;
// the chat robots get the message text.
type Event struct {
	ID        string         `json:"id"` // the same on every retry: a receiver drops a repeat
	Kind      string         `json:"kind"`
	ProcessID string         `json:"process_id,omitempty"`
	TaskID    string         `json:"task_id,omitempty"`
	Params    map[string]any `json:"params,omitempty"`
	Subject   string         `json:"subject"`
	Text      string         `json:"text"`
	Link      string         `json:"link,omitempty"`
	Timestamp int64          `json:"timestamp"`
}

// Sign is the generic hook's signature of a body: "sha256=" and the hex HMAC-SHA256.
func Sign(secret string, body []byte) string {
	mac := hmac.New(sha256.New, []byte(secret))
	mac.Write(body)
	return "sha256=" + hex.EncodeToString(mac.Sum(nil))
}

// Verify checks a generic hook's signature header against the raw body, in constant time.
func Verify(secret string, body []byte, signature string) bool {
	return hmac.Equal([]byte(Sign(secret, body)), []byte(signature))
}

// Post sends ev to the hook. A non-2xx answer, or a robot's answer with a non-zero error
// code, is an error. Errors never quote the URL, which often carries the robot's token.
func (n *Notifier) Post(ctx context.Context, h Hook, ev Event) error {
	now := n.now()
	ev.Timestamp = now.Unix()
	target, body, header, err := n.request(h, ev)
	if err != nil {
		return err
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, target, bytes.NewReader(body))
	if err != nil {
		return errors.New("webhook: bad URL")
	}
	req.Header = header
	req.Header.Set("Content-Type", "application/json; charset=utf-8")
	req.Header.Set("User-Agent", "termgoal-webhook")
	resp, err := n.client().Do(req)
	if err != nil {
		var ue *url.Error
		if errors.As(err, &ue) {
			err = ue.Err // drop the URL
		}
		return fmt.Errorf("webhook %s: %w", h.Kind, err)
	}
	defer resp.Body.Close()
	answer, _ := io.ReadAll(io.LimitReader(resp.Body, 64<<10))
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return fmt.Errorf("webhook %s: HTTP %d", h.Kind, resp.StatusCode)
	}
	return robotError(h.Kind, answer)
}

// request builds the URL, the body and the headers of a post in the hook's format.
func (n *Notifier) request(h Hook, ev Event) (string, []byte, http.Header, error) {
	header := http.Header{}
	target := h.URL
	text := ev.Subject + "\n" + Message{Text: ev.Text, Link: ev.Link}.Body()
	var payload any
	switch h.Kind {
	case KindGeneric:
		payload = ev
	case KindDingTalk:
		// Markdown shows the subject as the notification's title on phones.
		md := "### " + ev.Subject + "\n\n" + ev.Text
		if ev.Link != "" {
			md += "\n\n[" + ev.Link + "](" + ev.Link + ")"
		}
		payload = map[string]any{"msgtype": "markdown", "markdown": map[string]string{"title": ev.Subject, "text": md}}
		if h.Secret != "" {
			ts := strconv.FormatInt(ev.Timestamp*1000, 10) // milliseconds
			mac := hmac.New(sha256.New, []byte(h.Secret))
			mac.Write([]byte(ts + "\n" + h.Secret))
			sign := base64.StdEncoding.EncodeToString(mac.Sum(nil))
			u, err := url.Parse(h.URL)
			if err != nil {
				return "", nil, nil, errors.New("webhook: bad URL")
			}
			q := u.Query()
			q.Set("timestamp", ts)
			q.Set("sign", sign)
			u.RawQuery = q.Encode()
			target = u.String()
		}
	case KindWeCom:
		md := "**" + ev.Subject + "**\n" + ev.Text
		if ev.Link != "" {
			md += "\n[" + ev.Link + "](" + ev.Link + ")"
		}
		payload = map[string]any{"msgtype": "markdown", "markdown": map[string]string{"content": md}}
	case KindFeishu:
		m := map[string]any{"msg_type": "text", "content": map[string]string{"text": text}}
		if h.Secret != "" {
			// Feishu signs with timestamp+"\n"+secret as the key over an empty message.
			ts := strconv.FormatInt(ev.Timestamp, 10) // seconds
			mac := hmac.New(sha256.New, []byte(ts+"\n"+h.Secret))
			m["timestamp"], m["sign"] = ts, base64.StdEncoding.EncodeToString(mac.Sum(nil))
		}
		payload = m
	default:
		return "", nil, nil, fmt.Errorf("webhook: unknown kind %q", h.Kind)
	}
	body, err := json.Marshal(payload)
	if err != nil {
		return "", nil, nil, fmt.Errorf("webhook: %w", err)
	}
	if h.Kind == KindGeneric {
		header.Set(TimestampHeader, strconv.FormatInt(ev.Timestamp, 10))
		if h.Secret != "" {
			header.Set(SignatureHeader, Sign(h.Secret, body))
		}
	}
	return target, body, header, nil
}

// robotError reads the error code the chat robots put in a 200 answer: DingTalk and WeCom
// answer {"errcode":0,"errmsg":"ok"}, Feishu {"code":0,"msg":"success"} (older hooks
// {"StatusCode":0}). A generic hook's answer is not read.
func robotError(kind string, answer []byte) error {
	if kind == KindGeneric {
		return nil
	}
	var r struct {
		ErrCode    *int   `json:"errcode"`
		ErrMsg     string `json:"errmsg"`
		Code       *int   `json:"code"`
		Msg        string `json:"msg"`
		StatusCode *int   `json:"StatusCode"`
	}
	if err := json.Unmarshal(answer, &r); err != nil {
		return fmt.Errorf("webhook %s: unreadable answer", kind)
	}
	for _, c := range []struct {
		code *int
		msg  string
	}{{r.ErrCode, r.ErrMsg}, {r.Code, r.Msg}, {r.StatusCode, ""}} {
		if c.code != nil && *c.code != 0 {
			return fmt.Errorf("webhook %s: error %d %s", kind, *c.code, c.msg)
		}
	}
	return nil
}
