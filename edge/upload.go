package edge

import (
	"errors"
	"io"
	"net/http"
	"path"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/gin-gonic/gin"

	"termgoal"
)

// MaxAttachment bounds an attachment's bytes (T3); the request may be a little larger for the
// multipart framing and the step field.
const (
	MaxAttachment     = 10 << 20
	MaxAttachmentBody = MaxAttachment + 64<<10
)

// ReadUpload reads the multipart body as a stream, holding at most one attachment in memory
// and nothing on disk: the file's sanitized name and bytes, and the optional step.
func ReadUpload(c *gin.Context) (name string, data []byte, step termgoal.Step, err error) {
	c.Request.Body = http.MaxBytesReader(c.Writer, c.Request.Body, MaxAttachmentBody)
	mr, err := c.Request.MultipartReader()
	if err != nil {
		return "", nil, "", termgoal.Errorf(termgoal.EMALFORMED, "attachment.multipart",
			"send the file as multipart/form-data in the field \"file\"")
	}
	found := false
	for {
		part, err := mr.NextPart()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return "", nil, "", uploadError(err)
		}
		switch part.FormName() {
		case "file":
			if found {
				return "", nil, "", termgoal.Errorf(termgoal.EINVALID, "attachment.one_file", "send one file per request")
			}
			found, name = true, sanitizeFilename(part.FileName())
			if data, err = io.ReadAll(io.LimitReader(part, MaxAttachment+1)); err != nil {
				return "", nil, "", uploadError(err)
			}
			if len(data) > MaxAttachment {
				return "", nil, "", errTooLarge()
			}
		case "step":
			b, err := io.ReadAll(io.LimitReader(part, 64))
			if err != nil {
				return "", nil, "", uploadError(err)
			}
			step = termgoal.Step(strings.TrimSpace(string(b)))
		}
		_ = part.Close() // a form part read whole
	}
	switch {
	case !found:
		return "", nil, "", termgoal.Errorf(termgoal.EINVALID, "attachment.missing", "send the file in the field \"file\"")
	case len(data) == 0:
		return "", nil, "", termgoal.Errorf(termgoal.EINVALID, "attachment.empty", "the file is empty")
	}
	return name, data, step, nil
}

// uploadError maps an error reading the body: too large, or not multipart.
func uploadError(err error) error {
	var tooBig *http.MaxBytesError
	if errors.As(err, &tooBig) {
		return errTooLarge()
	}
	return termgoal.Errorf(termgoal.EMALFORMED, "attachment.multipart", "send the file as multipart/form-data in the field \"file\"")
}

func errTooLarge() error {
	return termgoal.Errorf(termgoal.EINVALID, "attachment.too_large", "an attachment may be at most 10 MiB", "max_mib", MaxAttachment>>20)
}

// maxFilename bounds a stored file name in bytes.
const maxFilename = 200

// sanitizeFilename keeps the last element of a client's file name without control characters
// or characters that file systems or headers treat specially, cut to maxFilename bytes with
// its extension kept. Nothing usable left gives "attachment".
func sanitizeFilename(name string) string {
	if i := strings.LastIndexAny(name, `/\`); i >= 0 {
		name = name[i+1:]
	}
	name = strings.Map(func(r rune) rune {
		switch {
		case unicode.IsSpace(r):
			return ' '
		case r == utf8.RuneError, unicode.IsControl(r), unicode.Is(unicode.Cf, r), strings.ContainsRune(`<>:"|?*;`, r):
			return -1
		}
		return r
	}, name)
	name = strings.Trim(strings.Join(strings.Fields(name), " "), ". ")
	if len(name) > maxFilename {
		ext := path.Ext(name)
		if len(ext) > 16 {
			ext = ""
		}
		base := name[:maxFilename-len(ext)]
		for !utf8.ValidString(base) {
			base = base[:len(base)-1]
		}
		name = base + ext
	}
	if name == "" {
		name = "attachment"
	}
	return name
}
