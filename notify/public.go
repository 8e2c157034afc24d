package notify

import (
	"errors"
	"fmt"
	"net"
	"net/http"
	"syscall"
	"time"
)

// ErrPrivateAddress refuses a connection to this machine or the private network.
var ErrPrivateAddress = errors.New("webhook: the address is not on the internet")

// PublicClient is an HTTP client that connects only to public addresses: a webhook's or a
// robot's host name that resolves to this machine, the private network or a link-local address
// (a cloud's metadata service) is refused at each connection, so a name pointed there after
// it was checked (DNS rebinding) is caught too. It uses no proxy: the check is on the address
// dialled.
func PublicClient(timeout time.Duration) *http.Client {
	d := &net.Dialer{Timeout: timeout, Control: publicOnly}
	tr := http.DefaultTransport.(*http.Transport).Clone()
	tr.Proxy = nil
	tr.DialContext = d.DialContext
	return &http.Client{Timeout: timeout, Transport: tr}
}

// publicOnly is the dialer's check of the address about to be connected.
func publicOnly(_, address string, _ syscall.RawConn) error {
	host, _, err := net.SplitHostPort(address)
	if err != nil {
		return err
	}
	if ip := net.ParseIP(host); ip == nil || !PublicIP(ip) {
		return fmt.Errorf("%w: %s", ErrPrivateAddress, host)
	}
	return nil
}

// PublicIP reports whether ip is on the internet: not loopback, private, link-local or
// unspecified. The check of a webhook's address when it is set (app) and when it is dialled.
func PublicIP(ip net.IP) bool { return ip.IsGlobalUnicast() && !ip.IsPrivate() }
