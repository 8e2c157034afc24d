package notify

import (
	"errors"
	"net/http"
	"net/http/httptest"
	"testing"
)

// The production client connects to public addresses only, whatever a host name resolves to
// when the post is made.
func TestPublicClientRefusesPrivateAddresses(t *testing.T) {
	for addr, public := range map[string]bool{
		"93.184.216.34:443": true, "[2606:4700::6810:84e5]:443": true,
		"127.0.0.1:80": false, "[::1]:443": false, "10.1.2.3:443": false, "172.16.0.9:443": false,
		"192.168.1.1:80": false, "169.254.169.254:80": false, "[fe80::1]:443": false, "[fd00::1]:443": false,
		"0.0.0.0:80": false,
	} {
		if err := publicOnly("tcp", addr, nil); (err == nil) != public {
			t.Errorf("%s: %v, want public %v", addr, err, public)
		}
	}
	srv := httptest.NewServer(http.HandlerFunc(func(http.ResponseWriter, *http.Request) { t.Error("a private address was reached") }))
	defer srv.Close()
	_, err := PublicClient(DefaultTimeout).Post(srv.URL, "application/json", nil)
	if !errors.Is(err, ErrPrivateAddress) {
		t.Errorf("posting to %s: %v, want ErrPrivateAddress", srv.URL, err)
	}
}
