package edge

import (
	"crypto/tls"
	"net/http"
	"net/netip"
	"testing"
)

func TestParseProxies(t *testing.T) {
	p, err := ParseProxies(" 127.0.0.1/32, 10.0.0.0/8,192.168.1.7 ,2001:db8::/32,, ::ffff:172.16.0.0/108")
	if err != nil {
		t.Fatal(err)
	}
	if got := p.String(); got != "127.0.0.1/32,10.0.0.0/8,192.168.1.7/32,2001:db8::/32,172.16.0.0/12" {
		t.Fatalf("parsed as %s", got)
	}
	for _, bad := range []string{"10.0.0.0/33", "example.com", "10.0.0", "fe80::1%eth0", "1.2.3.4/"} {
		if _, err := ParseProxies(bad); err == nil {
			t.Errorf("%q accepted", bad)
		}
	}
	if p, err := ParseProxies(""); err != nil || p.Trusts(netip.MustParseAddr("127.0.0.1")) {
		t.Fatalf("empty: %v %v", p, err)
	}
}

// The client is the rightmost address a trusted proxy did not write; what
// the client wrote itself, left of that, is never believed.
func TestClient(t *testing.T) {
	p, _ := ParseProxies("127.0.0.1/32,10.0.0.0/8")
	for _, c := range []struct {
		name, peer string
		headers    map[string][]string
		want       string
	}{
		{"no proxy", "203.0.113.5:4000", nil, "203.0.113.5"},
		{"an untrusted peer's header is ignored", "203.0.113.5:4000", map[string][]string{"X-Forwarded-For": {"1.1.1.1"}}, "203.0.113.5"},
		{"an untrusted peer's Forwarded is ignored", "203.0.113.5:4000", map[string][]string{"Forwarded": {"for=1.1.1.1"}}, "203.0.113.5"},
		{"one proxy", "127.0.0.1:4000", map[string][]string{"X-Forwarded-For": {"198.51.100.7"}}, "198.51.100.7"},
		{"forged left part", "127.0.0.1:4000", map[string][]string{"X-Forwarded-For": {"6.6.6.6, 198.51.100.7"}}, "198.51.100.7"},
		{"two trusted hops", "127.0.0.1:4000", map[string][]string{"X-Forwarded-For": {"6.6.6.6, 198.51.100.7, 10.1.2.3"}}, "198.51.100.7"},
		{"several header lines", "127.0.0.1:4000", map[string][]string{"X-Forwarded-For": {"6.6.6.6", "198.51.100.7, 10.1.2.3"}}, "198.51.100.7"},
		{"ports and brackets", "127.0.0.1:4000", map[string][]string{"X-Forwarded-For": {"[2001:db8::1]:4711"}}, "2001:db8::1"},
		{"IPv4 with a port", "127.0.0.1:4000", map[string][]string{"X-Forwarded-For": {"198.51.100.7:5555"}}, "198.51.100.7"},
		{"garbage stops the walk at the last trusted hop", "127.0.0.1:4000", map[string][]string{"X-Forwarded-For": {"198.51.100.7, garbage, 10.9.9.9"}}, "10.9.9.9"},
		{"all trusted", "127.0.0.1:4000", map[string][]string{"X-Forwarded-For": {"10.0.0.2, 10.0.0.3"}}, "10.0.0.2"},
		{"empty header", "127.0.0.1:4000", map[string][]string{"X-Forwarded-For": {""}}, "127.0.0.1"},
		{"no header from a proxy", "127.0.0.1:4000", nil, "127.0.0.1"},
		{"Forwarded when no X-Forwarded-For", "127.0.0.1:4000", map[string][]string{"Forwarded": {`for=6.6.6.6, for="[2001:db8:cafe::17]:4711";proto=https`}}, "2001:db8:cafe::17"},
		{"X-Forwarded-For wins over a forged Forwarded", "127.0.0.1:4000",
			map[string][]string{"Forwarded": {"for=6.6.6.6"}, "X-Forwarded-For": {"198.51.100.7"}}, "198.51.100.7"},
		{"Forwarded unknown", "127.0.0.1:4000", map[string][]string{"Forwarded": {"for=unknown"}}, "127.0.0.1"},
		{"IPv4-mapped peer", "[::ffff:127.0.0.1]:4000", map[string][]string{"X-Forwarded-For": {"198.51.100.7"}}, "198.51.100.7"},
	} {
		r := &http.Request{RemoteAddr: c.peer, Header: http.Header(c.headers)}
		if got := p.Client(r).String(); got != c.want {
			t.Errorf("%s: client %s, want %s", c.name, got, c.want)
		}
	}
}

func TestSecure(t *testing.T) {
	p, _ := ParseProxies("127.0.0.1/32")
	for _, c := range []struct {
		name, peer string
		tls        bool
		headers    map[string][]string
		want       bool
	}{
		{"plain", "203.0.113.5:1", false, nil, false},
		{"TLS", "203.0.113.5:1", true, nil, true},
		{"a client's X-Forwarded-Proto", "203.0.113.5:1", false, map[string][]string{"X-Forwarded-Proto": {"https"}}, false},
		{"a client's Forwarded", "203.0.113.5:1", false, map[string][]string{"Forwarded": {"proto=https"}}, false},
		{"the proxy's X-Forwarded-Proto", "127.0.0.1:1", false, map[string][]string{"X-Forwarded-Proto": {"HTTPS"}}, true},
		{"the proxy says http", "127.0.0.1:1", false, map[string][]string{"X-Forwarded-Proto": {"http"}}, false},
		{"the proxy's Forwarded", "127.0.0.1:1", false, map[string][]string{"Forwarded": {`for=1.2.3.4;proto="https"`}}, true},
		{"X-Forwarded-Proto wins", "127.0.0.1:1", false, map[string][]string{"X-Forwarded-Proto": {"http"}, "Forwarded": {"proto=https"}}, false},
	} {
		r := &http.Request{RemoteAddr: c.peer, Header: http.Header(c.headers)}
		if c.tls {
			r.TLS = &tls.ConnectionState{}
		}
		if got := p.Secure(r); got != c.want {
			t.Errorf("%s: secure %v, want %v", c.name, got, c.want)
		}
	}
}

func TestKeyGroupsIPv6Networks(t *testing.T) {
	a := Key(netip.MustParseAddr("2001:db8:1:2:aaaa::1"))
	b := Key(netip.MustParseAddr("2001:db8:1:2:bbbb::9"))
	c := Key(netip.MustParseAddr("2001:db8:1:3::1"))
	if a != b || a == c {
		t.Fatalf("keys %s %s %s", a, b, c)
	}
	if Key(netip.MustParseAddr("::ffff:198.51.100.7")) != "198.51.100.7" {
		t.Fatal("an IPv4-mapped address is keyed apart from its IPv4 address")
	}
}
