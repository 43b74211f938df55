package edge

import (
	"net/http"
	"net/netip"
	"testing"
)

// FuzzClient: whatever forwarding headers arrive, the client is the peer
// (from an untrusted peer) or an address of the chain or the peer (from a
// trusted one), never a trusted proxy when an untrusted hop exists, and
// nothing panics.
func FuzzClient(f *testing.F) {
	f.Add("127.0.0.1:1", "198.51.100.7, 10.0.0.1", "", "https")
	f.Add("127.0.0.1:1", "", `for="[2001:db8::1]:4711";proto=https, for=unknown`, "")
	f.Add("203.0.113.9:5", "1.2.3.4", "for=5.6.7.8", "https")
	f.Add("127.0.0.1:1", `"quoted", [::1], ,`, `for="\"x`, "HTTP")
	p, _ := ParseProxies("127.0.0.0/8,10.0.0.0/8")
	f.Fuzz(func(t *testing.T, peer, xff, fwd, proto string) {
		h := http.Header{}
		if xff != "" {
			h.Set("X-Forwarded-For", xff)
		}
		if fwd != "" {
			h.Set("Forwarded", fwd)
		}
		if proto != "" {
			h.Set("X-Forwarded-Proto", proto)
		}
		r := &http.Request{RemoteAddr: peer, Header: h}
		got := p.Client(r)
		_ = p.Secure(r)
		_ = Key(got)
		peerAddr := Peer(r)
		if !p.Trusts(peerAddr) {
			if got != peerAddr {
				t.Fatalf("an untrusted peer %s was taken for %s", peerAddr, got)
			}
			return
		}
		if got == peerAddr {
			return
		}
		found := false
		for _, hop := range forwardedFor(h) {
			if hop == got {
				found = true
			}
		}
		if !found || got == (netip.Addr{}) {
			t.Fatalf("client %s is neither the peer nor a hop of %q / %q", got, xff, fwd)
		}
	})
}
