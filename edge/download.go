package edge

import (
	"io"
	"mime"
	"net/http"

	"github.com/gin-gonic/gin"
)

// SendFile answers body as a download named name. It is called once body is complete, so the
// status and headers are final; an error while writing means the client went away.
func SendFile(c *gin.Context, name, contentType string, body io.WriterTo) error {
	c.Header("Content-Disposition", mime.FormatMediaType("attachment", map[string]string{"filename": name}))
	c.Header("Content-Type", contentType)
	c.Status(http.StatusOK)
	_, err := body.WriteTo(c.Writer)
	return err
}
