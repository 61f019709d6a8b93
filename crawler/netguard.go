package crawler

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/netip"
	"syscall"
	"time"
)

// Resolver looks up a host's addresses. *net.Resolver satisfies it; tests
// pass a table so that no name is ever resolved off the machine.
type Resolver interface {
	LookupNetIP(ctx context.Context, network, host string) ([]netip.Addr, error)
}

// DialFunc opens a connection to addr ("ip:port", always a literal IP: the
// guard resolves and checks names before it dials). Tests pass one that
// records where a connection would go and refuses anything off loopback.
type DialFunc func(ctx context.Context, network, addr string) (net.Conn, error)

// metadataAddrs are cloud metadata endpoints, refused even when a source
// allows private addresses: reaching them from a crawler is never wanted.
var metadataAddrs = []netip.Addr{
	netip.MustParseAddr("169.254.169.254"), // AWS, GCP, Azure, OpenStack
	netip.MustParseAddr("169.254.170.2"),   // AWS ECS task metadata
	netip.MustParseAddr("100.100.100.200"), // Alibaba Cloud
	netip.MustParseAddr("fd00:ec2::254"),   // AWS IPv6
}

var (
	cgnat = netip.MustParsePrefix("100.64.0.0/10")
	// special ranges that are never a public web server.
	reserved = []netip.Prefix{
		netip.MustParsePrefix("0.0.0.0/8"),
		netip.MustParsePrefix("192.0.0.0/24"),
		netip.MustParsePrefix("192.0.2.0/24"),
		netip.MustParsePrefix("198.18.0.0/15"),
		netip.MustParsePrefix("198.51.100.0/24"),
		netip.MustParsePrefix("203.0.113.0/24"),
		netip.MustParsePrefix("240.0.0.0/4"),
		netip.MustParsePrefix("64:ff9b:1::/48"),
		netip.MustParsePrefix("2001:db8::/32"),
	}
)

var (
	nat64     = netip.MustParsePrefix("64:ff9b::/96")
	sixToFour = netip.MustParsePrefix("2002::/16")
)

// embedded4 returns the IPv4 address that a NAT64 or 6to4 address carries
// (and a gateway would forward to).
func embedded4(a netip.Addr) (netip.Addr, bool) {
	b := a.As16()
	switch {
	case nat64.Contains(a):
		return netip.AddrFrom4([4]byte{b[12], b[13], b[14], b[15]}), true
	case sixToFour.Contains(a):
		return netip.AddrFrom4([4]byte{b[2], b[3], b[4], b[5]}), true
	}
	return netip.Addr{}, false
}

// addrClass names why an address is not public, or "" when it is.
func addrClass(a netip.Addr) string {
	a = a.Unmap()
	switch {
	case !a.IsValid():
		return "invalid"
	case isMetadata(a):
		return "metadata"
	case a.IsUnspecified():
		return "unspecified"
	case a.IsLoopback():
		return "loopback"
	case a.IsMulticast() || a.IsInterfaceLocalMulticast() || a.IsLinkLocalMulticast():
		return "multicast"
	case a.IsLinkLocalUnicast():
		return "link-local"
	case a.IsPrivate():
		return "private"
	case a.Is4() && cgnat.Contains(a):
		return "cgnat"
	case a == netip.AddrFrom4([4]byte{255, 255, 255, 255}):
		return "broadcast"
	}
	for _, p := range reserved {
		if p.Contains(a) {
			return "reserved"
		}
	}
	return ""
}

func isMetadata(a netip.Addr) bool {
	for _, m := range metadataAddrs {
		if a == m {
			return true
		}
	}
	return false
}

// checkAddr applies the policy: public addresses always pass; loopback,
// private, link-local and CGNAT pass only with allowPrivate; metadata,
// unspecified, multicast, broadcast and reserved never pass.
func checkAddr(a netip.Addr, allowPrivate bool) error {
	a = a.Unmap()
	if v4, ok := embedded4(a); ok {
		// A NAT64 or 6to4 gateway would deliver to the IPv4 address inside.
		if err := checkAddr(v4, allowPrivate); err != nil {
			return fmt.Errorf("%w (embedded in %s)", err, a)
		}
		return nil
	}
	class := addrClass(a)
	switch class {
	case "":
		return nil
	case "loopback", "private", "link-local", "cgnat":
		if allowPrivate {
			return nil
		}
	}
	return fmt.Errorf("%w: %s is %s", ErrBlockedAddress, a, class)
}

// guard dials for one source: it resolves the host itself, refuses
// addresses the policy forbids, and dials the checked literal IP, so a
// name cannot resolve to one address for the check and another for the
// connection. The default dialer's Control hook checks the socket address
// once more, right before connect.
type guard struct {
	resolver     Resolver
	dial         DialFunc
	allowPrivate bool
}

func newGuard(r Resolver, d DialFunc, connectTimeout time.Duration, allowPrivate bool) *guard {
	if r == nil {
		r = net.DefaultResolver
	}
	if d == nil {
		nd := &net.Dialer{Timeout: connectTimeout, KeepAlive: 30 * time.Second}
		nd.Control = controlHook(allowPrivate)
		d = nd.DialContext
	}
	return &guard{resolver: r, dial: d, allowPrivate: allowPrivate}
}

// DialContext is the http.Transport's dial function.
func (g *guard) DialContext(ctx context.Context, network, addr string) (net.Conn, error) {
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		return nil, fmt.Errorf("dial %s: %w", addr, err)
	}
	ips, err := g.lookup(ctx, host)
	if err != nil {
		return nil, err
	}
	var errs []error
	for _, ip := range ips {
		if err := checkAddr(ip, g.allowPrivate); err != nil {
			errs = append(errs, fmt.Errorf("dial %s: %w", host, err))
			continue
		}
		c, err := g.dial(ctx, network, net.JoinHostPort(ip.Unmap().String(), port))
		if err == nil {
			return c, nil
		}
		errs = append(errs, err)
	}
	return nil, errors.Join(errs...)
}

func (g *guard) lookup(ctx context.Context, host string) ([]netip.Addr, error) {
	if ip, err := netip.ParseAddr(host); err == nil {
		return []netip.Addr{ip}, nil
	}
	ips, err := g.resolver.LookupNetIP(ctx, "ip", host)
	if err != nil {
		return nil, fmt.Errorf("resolve %s: %w", host, err)
	}
	if len(ips) == 0 {
		return nil, fmt.Errorf("resolve %s: no addresses", host)
	}
	return ips, nil
}

// controlHook refuses, at connect time, socket addresses the policy
// forbids. It is the last line: the guard has already checked the
// resolved addresses, so it fires only if something dials around it.
func controlHook(allowPrivate bool) func(network, address string, c syscall.RawConn) error {
	return func(network, address string, _ syscall.RawConn) error {
		ap, err := netip.ParseAddrPort(address)
		if err != nil {
			return fmt.Errorf("%w: unparsable socket address %q", ErrBlockedAddress, address)
		}
		return checkAddr(ap.Addr(), allowPrivate)
	}
}
