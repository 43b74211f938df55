package webchat

import (
	"compress/gzip"
	"io"
	"io/fs"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"
)

// A repeat visit costs no asset bytes: the page names its script and style
// by content hash and those are cacheable for a year; the page, embed.js
// and an unhashed asset are revalidated by ETag (304, no body); text is
// gzipped for a browser that takes it.
func TestAssetsCompressedAndCacheable(t *testing.T) {
	files, _ := fs.Sub(static, "static")
	c := &Channel{}
	get := func(target string, hdr map[string]string) *httptest.ResponseRecorder {
		r := httptest.NewRequest("GET", target, nil)
		for k, v := range hdr {
			r.Header.Set(k, v)
		}
		w := httptest.NewRecorder()
		name := strings.TrimPrefix(strings.SplitN(target, "?", 2)[0], "/static/")
		if target == "/" {
			name = "index.html"
		}
		c.asset(w, r, files, name)
		return w
	}
	page := get("/", nil)
	if page.Code != 200 || page.Header().Get("Cache-Control") != "no-cache" || page.Header().Get("ETag") == "" {
		t.Fatalf("the page: %d %v", page.Code, page.Header())
	}
	js := regexp.MustCompile(`/static/chat\.js\?v=([0-9a-f]{16})`).FindStringSubmatch(page.Body.String())
	if js == nil {
		t.Fatalf("the page does not name chat.js by its hash:\n%s", page.Body)
	}
	hashed := get(js[0], map[string]string{"Accept-Encoding": "gzip, br"})
	if cc := hashed.Header().Get("Cache-Control"); !strings.Contains(cc, "max-age=31536000") || !strings.Contains(cc, "immutable") {
		t.Errorf("chat.js by its hash: Cache-Control %q", cc)
	}
	if hashed.Header().Get("Content-Encoding") != "gzip" {
		t.Fatalf("chat.js not gzipped for a browser that takes gzip: %v", hashed.Header())
	}
	zr, err := gzip.NewReader(hashed.Body)
	if err != nil {
		t.Fatal(err)
	}
	plain, _ := io.ReadAll(zr)
	raw, _ := fs.ReadFile(files, "chat.js")
	if string(plain) != string(raw) || hashed.Body.Len() >= len(raw)/2 {
		t.Errorf("gzipped chat.js: %d bytes of %d, round trip equal %v", hashed.Body.Len(), len(raw), string(plain) == string(raw))
	}
	// A stale hash (an old page) is served, but not cached for a year.
	if cc := get("/static/chat.js?v=0000000000000000", nil).Header().Get("Cache-Control"); cc != "no-cache" {
		t.Errorf("chat.js by a stale hash: Cache-Control %q", cc)
	}
	// Revalidation: 304 without a body.
	for _, target := range []string{"/", "/static/chat.css", "/static/embed.js"} {
		first := get(target, nil)
		again := get(target, map[string]string{"If-None-Match": first.Header().Get("ETag")})
		if again.Code != http.StatusNotModified || again.Body.Len() != 0 {
			t.Errorf("%s revalidated: %d with %d bytes", target, again.Code, again.Body.Len())
		}
	}
	// No gzip for a browser that refuses it.
	if get("/static/chat.css", map[string]string{"Accept-Encoding": "gzip;q=0, identity"}).Header().Get("Content-Encoding") != "" {
		t.Error("gzip sent to a browser that refused it")
	}
	if get("/static/nothing.js", nil).Code != http.StatusNotFound {
		t.Error("an unknown asset was served")
	}
}
