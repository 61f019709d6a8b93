package crawler

import (
	"context"
	"errors"
	"net"
	"os"
)

// Errors a fetch can end in. They are wrapped with the operation and the
// URL; test with errors.Is. Each maps to an error kind for metrics (see
// ErrorKind).
var (
	// ErrBlockedAddress: the host resolved to an address the source may
	// not reach (loopback, private, link-local, CGNAT, metadata…).
	ErrBlockedAddress = errors.New("address not allowed")
	// ErrDomainNotAllowed: the URL's host is outside the source's allowed domains.
	ErrDomainNotAllowed = errors.New("domain not allowed")
	// ErrBadURL: not an absolute http(s) URL.
	ErrBadURL = errors.New("bad url")
	// ErrTooLarge: the body exceeded the size cap.
	ErrTooLarge = errors.New("body too large")
	// ErrRedirectLoop: a redirect led back to a URL already in the chain.
	ErrRedirectLoop = errors.New("redirect loop")
	// ErrTooManyRedirects: the redirect chain exceeded the cap.
	ErrTooManyRedirects = errors.New("too many redirects")
	// ErrRobots: robots.txt disallows the URL.
	ErrRobots = errors.New("disallowed by robots.txt")
	// ErrNotDocument: the response is not HTML, XML or a feed (by type or sniffing).
	ErrNotDocument = errors.New("not an html or xml document")
	// ErrStatus: the server answered with an unexpected HTTP status.
	ErrStatus = errors.New("unexpected http status")
	// ErrGone: the page answered 404 or 410 (the ad was taken down).
	ErrGone = errors.New("page gone")
	// ErrInvalidConfig: a Config or Source field is wrong; the message names it.
	ErrInvalidConfig = errors.New("invalid crawler config")
)

// ErrorKind names the kind of a fetch error for metrics and logs: timeout,
// dns, refused, blocked_address, too_large, status, gone, parse, robots,
// redirect, not_document, domain, canceled or other.
func ErrorKind(err error) string {
	var dnsErr *net.DNSError
	switch {
	case err == nil:
		return ""
	case errors.Is(err, ErrBlockedAddress):
		return "blocked_address"
	case errors.Is(err, ErrTooLarge):
		return "too_large"
	case errors.Is(err, ErrRobots):
		return "robots"
	case errors.Is(err, ErrRedirectLoop), errors.Is(err, ErrTooManyRedirects):
		return "redirect"
	case errors.Is(err, ErrNotDocument):
		return "not_document"
	case errors.Is(err, ErrDomainNotAllowed):
		return "domain"
	case errors.Is(err, ErrGone):
		return "gone"
	case errors.Is(err, ErrStatus):
		return "status"
	case errors.Is(err, ErrBadURL):
		return "parse"
	case errors.Is(err, context.Canceled):
		return "canceled"
	case errors.Is(err, context.DeadlineExceeded), errors.Is(err, os.ErrDeadlineExceeded), isTimeout(err):
		return "timeout"
	case errors.As(err, &dnsErr):
		return "dns"
	case isRefused(err):
		return "refused"
	}
	return "other"
}

func isTimeout(err error) bool {
	var ne net.Error
	return errors.As(err, &ne) && ne.Timeout()
}

func isRefused(err error) bool {
	var oe *net.OpError
	return errors.As(err, &oe) && oe.Op == "dial"
}
