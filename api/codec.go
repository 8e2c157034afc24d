package api

import (
	"io"
	"net/http"
	"net/url"

	"github.com/gin-gonic/gin"
	commonpb "go.temporal.io/api/common/v1"
	"google.golang.org/protobuf/encoding/protojson"

	"termgoal"
	"termgoal/app"
	"termgoal/edge"
)

// The codec endpoint (Temporal's remote codec protocol): the Temporal UI and `temporal
// --codec-endpoint` send a workflow's sealed payloads to POST /api/v1/codec/decode and show
// what comes back. Whoever decodes reads every process of the namespace in the clear, so only
// a top administrator may, signed in by session cookie (the UI's "Include cross-origin
// credentials") or by bearer token (its "Pass the user access token"). The Temporal UI's
// origin (TEMPORAL_UI_URL) may call it across origins; the cross-origin protection lets these
// POSTs through (wrap), as they change nothing.

// maxCodecBody bounds a codec request: a payload may be up to 2 MB, and the UI sends a few.
const maxCodecBody = 4 << 20

// codecCORS tells the Temporal UI's origin, and only it, that it may read the answers with
// credentials.
func (h *Handler) codecCORS(c *gin.Context) {
	if o := c.GetHeader("Origin"); o != "" && o == h.codecOrigin() {
		hd := c.Writer.Header()
		hd.Set("Access-Control-Allow-Origin", o)
		hd.Set("Access-Control-Allow-Credentials", "true")
		hd.Add("Vary", "Origin")
	}
	c.Next()
}

// codecPreflight answers a preflight (which carries no credentials): what the UI may send.
func (h *Handler) codecPreflight(c *gin.Context) {
	if c.Writer.Header().Get("Access-Control-Allow-Origin") != "" {
		hd := c.Writer.Header()
		hd.Set("Access-Control-Allow-Methods", "POST")
		hd.Set("Access-Control-Allow-Headers", "Authorization, Content-Type, X-Namespace")
		hd.Set("Access-Control-Max-Age", "600")
	}
	c.Status(http.StatusNoContent)
}

// codecOrigin is the origin of the Temporal UI ("" when none is configured).
func (h *Handler) codecOrigin() string {
	u, err := url.Parse(h.cfg.TemporalUIURL)
	if err != nil || u.Scheme == "" || u.Host == "" {
		return ""
	}
	return u.Scheme + "://" + u.Host
}

// encodePayloads seals payloads (the UI encodes the input of a signal or a start it sends).
func (h *Handler) encodePayloads(c *gin.Context) { h.codecPayloads(c, true) }

// decodePayloads opens sealed payloads.
func (h *Handler) decodePayloads(c *gin.Context) { h.codecPayloads(c, false) }

func (h *Handler) codecPayloads(c *gin.Context, encode bool) {
	if !app.IsRootAdmin(edge.Caller(c)) {
		h.fail(c, app.ErrForbidden())
		return
	}
	if h.cfg.PayloadCodec == nil {
		h.fail(c, termgoal.Errorf(termgoal.ENOTFOUND, "codec.none", "this server seals no payloads"))
		return
	}
	body, err := io.ReadAll(http.MaxBytesReader(c.Writer, c.Request.Body, maxCodecBody))
	if err != nil {
		h.fail(c, bodyError(err, edge.ErrMalformed(err)))
		return
	}
	var in commonpb.Payloads
	if err := protojson.Unmarshal(body, &in); err != nil {
		h.fail(c, edge.ErrMalformed(err))
		return
	}
	var out []*commonpb.Payload
	if encode {
		out, err = h.cfg.PayloadCodec.Encode(in.GetPayloads())
	} else {
		out, err = h.cfg.PayloadCodec.Decode(in.GetPayloads())
	}
	if err != nil {
		h.log.WarnContext(c.Request.Context(), "codec refused payloads", "err", err)
		h.fail(c, termgoal.Errorf(termgoal.EINVALID, "codec.refused", "a payload does not open with this server's keys"))
		return
	}
	b, err := protojson.Marshal(&commonpb.Payloads{Payloads: out})
	if err != nil {
		h.fail(c, err)
		return
	}
	c.Data(http.StatusOK, "application/json", b)
}
