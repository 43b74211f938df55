package webchat

import (
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"encoding/hex"
	"io/fs"
	"mime"
	"net/http"
	"path"
	"strconv"
	"strings"
	"sync"
)

// asset is one embedded file, ready to serve: its bytes, the same gzipped,
// and a validator. A phone on a slow link downloads the 60 KB of script
// and style once: the page names them with their content hash
// ("/static/chat.js?v=3f2a…"), and a request with the current hash is
// cacheable for a year; the page itself, embed.js (whose address other
// sites embed) and an asset asked for without its hash are revalidated
// with their ETag each time (a 304 carries no body).
type asset struct {
	body, gz []byte
	etag     string // quoted, as HTTP wants it
	hash     string // the first 16 hex digits of the content's SHA-256
	ctype    string
}

var (
	assetsOnce   sync.Once
	assetsByName map[string]*asset
)

// loadAssets reads the embedded files once, names the page's script and
// style by their hash, and compresses what compresses.
func loadAssets(files fs.FS) map[string]*asset {
	assetsOnce.Do(func() {
		assetsByName = map[string]*asset{}
		_ = fs.WalkDir(files, ".", func(name string, d fs.DirEntry, err error) error {
			if err != nil || d.IsDir() {
				return err
			}
			b, err := fs.ReadFile(files, name)
			if err != nil {
				return err
			}
			assetsByName[name] = &asset{body: b}
			return nil
		})
		// The page links its assets by hash, so it is finished last.
		for name, a := range assetsByName {
			if name != "index.html" {
				a.finish(name)
			}
		}
		if page, ok := assetsByName["index.html"]; ok {
			for name, a := range assetsByName {
				ref := `"/static/` + name + `"`
				page.body = bytes.ReplaceAll(page.body, []byte(ref), []byte(`"/static/`+name+`?v=`+a.hash+`"`))
			}
			page.finish("index.html")
		}
	})
	return assetsByName
}

func (a *asset) finish(name string) {
	sum := sha256.Sum256(a.body)
	a.hash = hex.EncodeToString(sum[:8])
	a.etag = `"` + a.hash + `"`
	a.ctype = mime.TypeByExtension(path.Ext(name))
	if a.ctype == "" {
		a.ctype = "application/octet-stream"
	}
	if len(a.body) >= 1024 && (strings.HasPrefix(a.ctype, "text/") || strings.Contains(a.ctype, "javascript")) {
		var buf bytes.Buffer
		zw, _ := gzip.NewWriterLevel(&buf, gzip.BestCompression)
		_, _ = zw.Write(a.body)
		_ = zw.Close()
		if buf.Len() < len(a.body) {
			a.gz = buf.Bytes()
		}
	}
}

// serve writes the asset for r: 304 when the browser has it, gzipped when
// the browser takes gzip, cacheable for a year when asked for by the hash
// the page names.
func (a *asset) serve(w http.ResponseWriter, r *http.Request) {
	h := w.Header()
	h.Set("Content-Type", a.ctype)
	h.Set("ETag", a.etag)
	h.Add("Vary", "Accept-Encoding")
	if v := r.URL.Query().Get("v"); v != "" && v == a.hash {
		h.Set("Cache-Control", "public, max-age=31536000, immutable")
	} else {
		h.Set("Cache-Control", "no-cache")
	}
	if inm := r.Header.Get("If-None-Match"); inm != "" && etagMatches(inm, a.etag) {
		w.WriteHeader(http.StatusNotModified)
		return
	}
	body := a.body
	if a.gz != nil && acceptsGzip(r.Header.Get("Accept-Encoding")) {
		h.Set("Content-Encoding", "gzip")
		body = a.gz
	}
	if r.Method == http.MethodHead {
		return
	}
	_, _ = w.Write(body)
}

func etagMatches(header, etag string) bool {
	for _, t := range strings.Split(header, ",") {
		t = strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(t), "W/"))
		if t == etag || t == "*" {
			return true
		}
	}
	return false
}

func acceptsGzip(header string) bool {
	for _, part := range strings.Split(header, ",") {
		name, params, _ := strings.Cut(strings.TrimSpace(part), ";")
		if !strings.EqualFold(strings.TrimSpace(name), "gzip") {
			continue
		}
		q := strings.TrimSpace(params)
		if v, ok := strings.CutPrefix(q, "q="); ok {
			f, err := strconv.ParseFloat(strings.TrimSpace(v), 64)
			return err == nil && f > 0
		}
		return true
	}
	return false
}
