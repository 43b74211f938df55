// Package edge is where lapor's HTTP server meets the internet. It owns
// two things a public server must decide once for every route: what it
// believes of the reverse proxies in front of it (the client's real
// address and scheme, from trusted proxies only), and the limits that keep
// slow, idle and numerous clients from exhausting the process (timeouts, a
// minimum transfer rate, a cap on connections in all and per address, and
// requests per client over a sliding minute: Rate).
package edge

import (
	"fmt"
	"net/http"
	"net/netip"
	"strings"
)

// Proxies are the reverse proxies whose forwarding headers are believed
// (LAPOR_TRUSTED_PROXIES). The zero value believes none: every request's
// client is its TCP peer and its scheme is whether it came over TLS.
type Proxies struct{ nets []netip.Prefix }

// ParseProxies reads comma-separated CIDRs (a bare address is one host).
func ParseProxies(s string) (Proxies, error) {
	var p Proxies
	for _, f := range strings.Split(s, ",") {
		f = strings.TrimSpace(f)
		if f == "" {
			continue
		}
		pfx, err := netip.ParsePrefix(f)
		if err != nil {
			a, aerr := netip.ParseAddr(f)
			if aerr != nil || a.Zone() != "" {
				return Proxies{}, fmt.Errorf("%q is not a CIDR such as 10.0.0.0/8 or 2001:db8::/32", f)
			}
			pfx = netip.PrefixFrom(a.Unmap(), a.Unmap().BitLen())
		}
		if pfx.Addr().Is4In6() && pfx.Bits() >= 96 {
			pfx = netip.PrefixFrom(pfx.Addr().Unmap(), pfx.Bits()-96)
		}
		p.nets = append(p.nets, pfx.Masked())
	}
	return p, nil
}

// String lists the proxies as ParseProxies reads them.
func (p Proxies) String() string {
	s := make([]string, len(p.nets))
	for i, n := range p.nets {
		s[i] = n.String()
	}
	return strings.Join(s, ",")
}

// Trusts reports whether a is one of the proxies.
func (p Proxies) Trusts(a netip.Addr) bool {
	a = a.Unmap()
	for _, n := range p.nets {
		if n.Contains(a) {
			return true
		}
	}
	return false
}

// Peer is the request's TCP peer (invalid when RemoteAddr is not an address).
func Peer(r *http.Request) netip.Addr {
	if ap, err := netip.ParseAddrPort(r.RemoteAddr); err == nil {
		return ap.Addr().Unmap()
	}
	a, _ := netip.ParseAddr(r.RemoteAddr)
	return a.Unmap()
}

// Client is the address of the person behind the request. From a trusted
// proxy it is the rightmost address of X-Forwarded-For that is not a
// trusted proxy: each proxy appends the address it was connected from, so
// what lies left of the first untrusted hop was written by the client and
// proves nothing. Forwarded (RFC 7239) is read only when no
// X-Forwarded-For came, so a proxy that writes X-Forwarded-For (nginx,
// HAProxy, most load balancers) cannot be bypassed with a forged Forwarded;
// a proxy that writes Forwarded must drop X-Forwarded-For from clients.
func (p Proxies) Client(r *http.Request) netip.Addr {
	addr := Peer(r)
	if !addr.IsValid() || !p.Trusts(addr) {
		return addr
	}
	hops := forwardedFor(r.Header)
	for i := len(hops) - 1; i >= 0; i-- {
		h := hops[i]
		if !h.IsValid() {
			// A hop a trusted proxy would not write ("unknown", garbage):
			// the chain is broken here; the last trusted hop stands.
			return addr
		}
		addr = h
		if !p.Trusts(h) {
			return h
		}
	}
	return addr
}

// Secure reports whether the client reached lapor over HTTPS: the request
// came over TLS, or a trusted proxy says its client used https
// (X-Forwarded-Proto, or Forwarded's proto= when there is none).
func (p Proxies) Secure(r *http.Request) bool {
	if r.TLS != nil {
		return true
	}
	if !p.Trusts(Peer(r)) {
		return false
	}
	if v := r.Header.Values("X-Forwarded-Proto"); len(v) > 0 {
		first, _, _ := strings.Cut(v[0], ",")
		return strings.EqualFold(strings.TrimSpace(first), "https")
	}
	for _, el := range forwardedElements(r.Header) {
		if proto, ok := el["proto"]; ok {
			return strings.EqualFold(proto, "https")
		}
	}
	return false
}

// ClientKey is the key of the request's client in per-address limits.
func (p Proxies) ClientKey(r *http.Request) string { return Key(p.Client(r)) }

// Key is the key of an address in per-address limits: an IPv6 client by
// its /64, the network one subscriber is given, so that a client cannot
// escape a limit by changing the low bits of its address.
func Key(a netip.Addr) string {
	if !a.IsValid() {
		return "unknown"
	}
	a = a.Unmap()
	if a.Is6() {
		pfx, _ := a.Prefix(64)
		return pfx.String()
	}
	return a.String()
}

// forwardedFor is the chain of client addresses, leftmost first, from
// X-Forwarded-For, or else from Forwarded's for= parameters. An entry that
// is not an address is an invalid netip.Addr in its place.
func forwardedFor(h http.Header) []netip.Addr {
	var hops []netip.Addr
	if xff := h.Values("X-Forwarded-For"); len(xff) > 0 {
		for _, line := range xff {
			for _, f := range strings.Split(line, ",") {
				hops = append(hops, parseHop(f))
			}
		}
		return hops
	}
	for _, el := range forwardedElements(h) {
		if v, ok := el["for"]; ok {
			hops = append(hops, parseHop(v))
		}
	}
	return hops
}

// parseHop reads one address of a chain: 192.0.2.1, 192.0.2.1:4711,
// 2001:db8::1, or [2001:db8::1]:4711.
func parseHop(s string) netip.Addr {
	s = strings.TrimSpace(s)
	if a, err := netip.ParseAddr(s); err == nil && a.Zone() == "" {
		return a.Unmap()
	}
	if ap, err := netip.ParseAddrPort(s); err == nil && ap.Addr().Zone() == "" {
		return ap.Addr().Unmap()
	}
	if inner, ok := strings.CutPrefix(s, "["); ok {
		if inner, ok = strings.CutSuffix(inner, "]"); ok {
			if a, err := netip.ParseAddr(inner); err == nil && a.Zone() == "" {
				return a.Unmap()
			}
		}
	}
	return netip.Addr{}
}

// forwardedElements parses the Forwarded header fields (RFC 7239 section
// 4): comma-separated elements of semicolon-separated name=value pairs,
// values possibly quoted. Names are lower-cased.
func forwardedElements(h http.Header) []map[string]string {
	var out []map[string]string
	for _, line := range h.Values("Forwarded") {
		el := map[string]string{}
		var name, val strings.Builder
		inName, quoted, escaped := true, false, false
		flush := func() {
			if n := strings.ToLower(strings.TrimSpace(name.String())); n != "" {
				el[n] = strings.TrimSpace(val.String())
			}
			name.Reset()
			val.Reset()
			inName = true
		}
		for _, c := range line {
			switch {
			case escaped:
				val.WriteRune(c)
				escaped = false
			case quoted && c == '\\':
				escaped = true
			case c == '"' && !inName:
				quoted = !quoted
			case quoted:
				val.WriteRune(c)
			case c == '=' && inName:
				inName = false
			case c == ';':
				flush()
			case c == ',':
				flush()
				out = append(out, el)
				el = map[string]string{}
			case inName:
				name.WriteRune(c)
			default:
				val.WriteRune(c)
			}
		}
		flush()
		out = append(out, el)
	}
	return out
}
