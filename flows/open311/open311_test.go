package open311_test

import (
	"bytes"
	"context"
	"encoding/json"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/lapor-id/lapor/flows/open311"
	"github.com/lapor-id/lapor/flows/records"
)

// The fixed clock of every test: 2026-11-20 10:00 WIB.
var now = time.Date(2026, 11, 20, 3, 0, 0, 0, time.UTC)

const day = 24 * time.Hour

func ptr(v float64) *float64 { return &v }

// fixture is the public reports of the tests, in UTC to show that the
// output moves them to Jakarta time.
func fixture() []records.Record {
	return []records.Record{
		{TrackingID: "MGT-AAA001", Type: "pengaduan", TypeName: "Pengaduan", Description: "Jalan berlubang di depan pasar.",
			Address: "Jl. Raya Sidomukti No. 5, Plaosan", Lat: ptr(-7.6532), Lon: ptr(111.2876),
			StageName: "Ditangani OPD", Open: true, Agency: "Dinas PUPR",
			SubmittedAt: now.Add(-1 * day), UpdatedAt: now.Add(-2 * time.Hour), StageDeadline: now.Add(3 * day)},
		{TrackingID: "MGT-AAA002", Type: "aspirasi", TypeName: "Aspirasi", Description: "Usul taman baca.",
			StageName: "Selesai", ClosedReason: "Jawaban diterima pelapor", Open: false, Agency: "Dinas Pendidikan",
			SubmittedAt: now.Add(-10 * day), UpdatedAt: now.Add(-3 * day)},
		{TrackingID: "MGT-AAA003", Type: "permintaan_informasi", TypeName: "Permintaan Informasi", Description: "Jadwal posyandu.",
			StageName: "Menunggu jawaban pelapor", Open: true, Lat: ptr(-7.65), Lon: ptr(111.33),
			SubmittedAt: now.Add(-30 * day), UpdatedAt: now.Add(-29 * day)},
		{TrackingID: "MGT-AAA004", Type: "pengaduan", TypeName: "Pengaduan", Description: "Lampu jalan mati.",
			StageName: "Ditutup", Open: false, SubmittedAt: now.Add(-60 * day), UpdatedAt: now.Add(-50 * day)},
		{TrackingID: "MGT-AAA005", Type: "pengaduan", TypeName: "Pengaduan", Description: "Saluran tersumbat.",
			StageName: "Verifikasi", Open: true, SubmittedAt: now.Add(-89 * day), UpdatedAt: now.Add(-89 * day),
			StageDeadline: now.Add(-80 * day)},
		{TrackingID: "MGT-AAA006", Type: "pengaduan", TypeName: "Pengaduan", Description: "Pohon tumbang.",
			StageName: "Selesai", Open: false, SubmittedAt: now.Add(-91 * day), UpdatedAt: now.Add(-85 * day)},
		{TrackingID: "MGT-AAA007", Type: "aspirasi", TypeName: "Aspirasi", Description: "Usul pasar malam.",
			StageName: "Verifikasi", Open: true, SubmittedAt: now.Add(-200 * day), UpdatedAt: now.Add(-200 * day)},
	}
}

func fixtureServices() []open311.Service {
	return []open311.Service{
		{Code: "pengaduan", Name: "Pengaduan", Description: "Keluhan atas pelayanan publik.", Group: "laporan", Keywords: []string{"keluhan", "complaint"}},
		{Code: "aspirasi", Name: "Aspirasi", Description: "Usul dan saran.", Group: "laporan", Keywords: []string{"usul", "saran"}},
		{Code: "permintaan_informasi", Name: "Permintaan Informasi", Description: "Pertanyaan tentang pelayanan.", Group: "laporan"},
	}
}

// source is a Source over a slice. It applies a Query as the real one
// must, and remembers the queries it was given.
type source struct {
	services []open311.Service
	recs     []records.Record
	err      error
	panics   bool

	mu      sync.Mutex
	queries []open311.Query
}

func (s *source) Services(ctx context.Context) ([]open311.Service, error) {
	if s.panics {
		panic("source exploded")
	}
	return s.services, s.err
}

func (s *source) Requests(ctx context.Context, q open311.Query) ([]records.Record, error) {
	s.mu.Lock()
	s.queries = append(s.queries, q)
	s.mu.Unlock()
	if s.panics {
		panic("source exploded")
	}
	if s.err != nil {
		return nil, s.err
	}
	var out []records.Record
	for _, r := range s.recs {
		switch {
		case len(q.IDs) > 0:
			if !slices.Contains(q.IDs, r.TrackingID) {
				continue
			}
		default:
			if len(q.ServiceCodes) > 0 && !slices.Contains(q.ServiceCodes, r.Type) ||
				r.SubmittedAt.Before(q.Start) || r.SubmittedAt.After(q.End) ||
				q.Status == "open" && !r.Open || q.Status == "closed" && r.Open {
				continue
			}
		}
		out = append(out, r)
	}
	slices.SortFunc(out, func(a, b records.Record) int { return b.SubmittedAt.Compare(a.SubmittedAt) })
	if len(out) > q.Limit {
		out = out[:q.Limit]
	}
	return out, nil
}

func (s *source) Request(ctx context.Context, id string) (records.Record, error) {
	if s.panics {
		panic("source exploded")
	}
	if s.err != nil {
		return records.Record{}, s.err
	}
	for _, r := range s.recs {
		if r.TrackingID == id {
			return r, nil
		}
	}
	return records.Record{}, fmt.Errorf("report %s: %w", id, open311.ErrNotFound)
}

func (s *source) lastQuery(t *testing.T) open311.Query {
	t.Helper()
	s.mu.Lock()
	defer s.mu.Unlock()
	if len(s.queries) == 0 {
		t.Fatal("the source was not asked")
	}
	return s.queries[len(s.queries)-1]
}

// syncBuffer is a log sink safe for concurrent handlers.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.String()
}

type env struct {
	src *source
	h   http.Handler
	log *syncBuffer
}

func newEnv(t *testing.T, mutate ...func(*open311.Options)) *env {
	t.Helper()
	e := &env{src: &source{services: fixtureServices(), recs: fixture()}, log: &syncBuffer{}}
	o := open311.Options{
		Jurisdiction: "magetankab.go.id",
		BaseURL:      "https://lapor.magetankab.go.id/",
		Contact:      "LAPOR! Kabupaten Magetan, lapor@magetankab.go.id",
		Changeset:    time.Date(2026, 10, 1, 0, 0, 0, 0, time.UTC),
		Now:          func() time.Time { return now },
		Log: slog.New(slog.NewTextHandler(e.log, &slog.HandlerOptions{Level: slog.LevelDebug,
			ReplaceAttr: func(groups []string, a slog.Attr) slog.Attr {
				if a.Key == slog.TimeKey && len(groups) == 0 {
					return slog.Attr{} // the wall clock would make log checks flaky
				}
				return a
			}})),
	}
	for _, m := range mutate {
		m(&o)
	}
	e.h = open311.Handler(e.src, o)
	return e
}

// do serves one request. rawQuery is put in the URL as it is, so that it
// can hold anything a client could send.
func (e *env) do(method, path, rawQuery string) *httptest.ResponseRecorder {
	req := httptest.NewRequest(method, "http://lapor.test"+path, nil)
	req.URL.RawQuery = rawQuery
	rec := httptest.NewRecorder()
	e.h.ServeHTTP(rec, req)
	return rec
}

var formats = []string{"json", "xml"}

// ---- validation against the GeoReport v2 field definitions ----

// W3C datetime with seconds and a time zone, as the specification returns.
var datetimeRE = regexp.MustCompile(`^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(Z|[+-]\d{2}:\d{2})$`)

// jakartaRE: this service prints every datetime in WIB.
var jakartaRE = regexp.MustCompile(`^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\+07:00$`)

func checkDatetime(t *testing.T, field, s string) {
	t.Helper()
	if !datetimeRE.MatchString(s) || !jakartaRE.MatchString(s) {
		t.Errorf("%s = %q: not a W3C datetime with the +07:00 offset", field, s)
		return
	}
	if _, err := time.Parse(time.RFC3339, s); err != nil {
		t.Errorf("%s = %q: %v", field, s, err)
	}
}

// requestFields are the fields of a service request, in the
// specification's order.
var requestFields = []string{"service_request_id", "status", "status_notes", "service_name", "service_code", "description",
	"agency_responsible", "service_notice", "requested_datetime", "updated_datetime", "expected_datetime", "address",
	"address_id", "zipcode", "lat", "long", "media_url"}

// request is a service request read back from either format, with what
// was present.
type request struct {
	fields  map[string]string
	present map[string]bool
	lat     *float64
	long    *float64
}

// node is an XML element, for reading documents without trusting a struct.
type node struct {
	name string
	text string
	kids []*node
}

func (n *node) kid(name string) *node {
	for _, k := range n.kids {
		if k.name == name {
			return k
		}
	}
	return nil
}

func parseXML(t *testing.T, body []byte) *node {
	t.Helper()
	const decl = `<?xml version="1.0" encoding="utf-8"?>`
	if !bytes.HasPrefix(body, []byte(decl)) {
		t.Fatalf("XML does not start with %s: %.80q", decl, body)
	}
	d := xml.NewDecoder(bytes.NewReader(body))
	var root *node
	var stack []*node
	for {
		tok, err := d.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatalf("malformed XML: %v\n%.400s", err, body)
		}
		switch tk := tok.(type) {
		case xml.StartElement:
			if tk.Name.Space != "" || len(tk.Attr) > 0 {
				t.Errorf("element %s has a namespace or attributes; the spec's XML has neither", tk.Name.Local)
			}
			n := &node{name: tk.Name.Local}
			if len(stack) == 0 {
				if root != nil {
					t.Fatal("XML has two roots")
				}
				root = n
			} else {
				p := stack[len(stack)-1]
				p.kids = append(p.kids, n)
			}
			stack = append(stack, n)
		case xml.EndElement:
			stack = stack[:len(stack)-1]
		case xml.CharData:
			if len(stack) > 0 {
				stack[len(stack)-1].text += string(tk)
			}
		}
	}
	if root == nil {
		t.Fatal("XML has no root")
	}
	return root
}

// parseRequests reads and validates a list of service requests against the
// specification's field definitions.
func parseRequests(t *testing.T, format string, rec *httptest.ResponseRecorder) []request {
	t.Helper()
	checkHeaders(t, format, rec)
	if rec.Code != http.StatusOK {
		t.Fatalf("status %d: %s", rec.Code, rec.Body)
	}
	var out []request
	if format == "json" {
		var list []map[string]any
		if err := json.Unmarshal(rec.Body.Bytes(), &list); err != nil {
			t.Fatalf("requests JSON is not a top-level array: %v\n%s", err, rec.Body)
		}
		for i, m := range list {
			r := request{fields: map[string]string{}, present: map[string]bool{}}
			for k, v := range m {
				if !slices.Contains(requestFields, k) {
					t.Errorf("request %d: unknown field %q", i, k)
				}
				r.present[k] = true
				switch k {
				case "lat", "long":
					f, ok := v.(float64)
					if !ok {
						t.Errorf("request %d: %s = %#v, want a number", i, k, v)
						continue
					}
					if k == "lat" {
						r.lat = &f
					} else {
						r.long = &f
					}
				default:
					s, ok := v.(string)
					if !ok {
						t.Errorf("request %d: %s = %#v, want a string", i, k, v)
					}
					r.fields[k] = s
				}
			}
			out = append(out, r)
		}
	} else {
		root := parseXML(t, rec.Body.Bytes())
		if root.name != "service_requests" {
			t.Fatalf("root element <%s>, want <service_requests>", root.name)
		}
		for i, n := range root.kids {
			if n.name != "request" {
				t.Fatalf("child %d of <service_requests> is <%s>, want <request>", i, n.name)
			}
			r := request{fields: map[string]string{}, present: map[string]bool{}}
			var order []string
			for _, k := range n.kids {
				if !slices.Contains(requestFields, k.name) {
					t.Errorf("request %d: unknown element <%s>", i, k.name)
				}
				if len(k.kids) > 0 {
					t.Errorf("request %d: <%s> has child elements", i, k.name)
				}
				order = append(order, k.name)
				r.present[k.name] = true
				r.fields[k.name] = k.text
				if (k.name == "lat" || k.name == "long") && k.text != "" {
					f, err := strconv.ParseFloat(k.text, 64)
					if err != nil {
						t.Errorf("request %d: <%s>%s</%s> is not a number", i, k.name, k.text, k.name)
					}
					if k.name == "lat" {
						r.lat = &f
					} else {
						r.long = &f
					}
				}
			}
			// Every element is there (empty when there is no value), in
			// the specification's order.
			if !slices.Equal(order, requestFields) {
				t.Errorf("request %d: elements %v, want %v", i, order, requestFields)
			}
			out = append(out, r)
		}
	}
	for i, r := range out {
		for _, k := range []string{"service_request_id", "status", "service_code", "service_name", "requested_datetime", "updated_datetime"} {
			if r.fields[k] == "" {
				t.Errorf("request %d: required %s is missing or empty", i, k)
			}
		}
		if s := r.fields["status"]; s != "open" && s != "closed" {
			t.Errorf("request %d: status %q, want open or closed", i, s)
		}
		checkDatetime(t, "requested_datetime", r.fields["requested_datetime"])
		checkDatetime(t, "updated_datetime", r.fields["updated_datetime"])
		if s := r.fields["expected_datetime"]; s != "" {
			checkDatetime(t, "expected_datetime", s)
		}
		if (r.lat == nil) != (r.long == nil) {
			t.Errorf("request %d: lat and long come together", i)
		}
		if r.lat != nil && (math.Abs(*r.lat) > 90 || math.Abs(*r.long) > 180) {
			t.Errorf("request %d: lat/long %v,%v off the globe", i, *r.lat, *r.long)
		}
		if n := utf8.RuneCountInString(r.fields["description"]); n > 4000 {
			t.Errorf("request %d: description of %d characters; the spec's limit is 4000", i, n)
		}
		if r.fields["media_url"] != "" {
			t.Errorf("request %d: media_url %q; evidence is never public", i, r.fields["media_url"])
		}
	}
	return out
}

func ids(reqs []request) []string {
	var out []string
	for _, r := range reqs {
		out = append(out, r.fields["service_request_id"])
	}
	return out
}

// specError is one error of an error document.
type specError struct {
	Code        int
	Description string
}

// parseErrors reads and validates an error document.
func parseErrors(t *testing.T, format string, rec *httptest.ResponseRecorder) []specError {
	t.Helper()
	checkHeaders(t, format, rec)
	var out []specError
	if format == "json" {
		var list []map[string]any
		if err := json.Unmarshal(rec.Body.Bytes(), &list); err != nil {
			t.Fatalf("error JSON is not a top-level array: %v\n%s", err, rec.Body)
		}
		for _, m := range list {
			code, ok := m["code"].(float64)
			desc, ok2 := m["description"].(string)
			if !ok || !ok2 || len(m) != 2 {
				t.Fatalf("error %v: want exactly a numeric code and a string description", m)
			}
			out = append(out, specError{int(code), desc})
		}
	} else {
		root := parseXML(t, rec.Body.Bytes())
		if root.name != "errors" {
			t.Fatalf("root element <%s>, want <errors>", root.name)
		}
		for _, n := range root.kids {
			if n.name != "error" || len(n.kids) != 2 || n.kid("code") == nil || n.kid("description") == nil {
				t.Fatalf("want <error><code/><description/></error>, got <%s> with %d children", n.name, len(n.kids))
			}
			code, err := strconv.Atoi(n.kid("code").text)
			if err != nil {
				t.Fatalf("<code>%s</code> is not a number", n.kid("code").text)
			}
			out = append(out, specError{code, n.kid("description").text})
		}
	}
	if len(out) == 0 {
		t.Fatal("an error document without errors")
	}
	for _, e := range out {
		if e.Code != rec.Code {
			t.Errorf("error code %d in a %d answer", e.Code, rec.Code)
		}
		if strings.TrimSpace(e.Description) == "" || !utf8.ValidString(e.Description) {
			t.Errorf("error description %q: want a readable sentence", e.Description)
		}
	}
	return out
}

// wantError checks an error answer's status and that its description
// says something about the problem.
func wantError(t *testing.T, format string, rec *httptest.ResponseRecorder, status int, says string) {
	t.Helper()
	if rec.Code != status {
		t.Fatalf("status %d, want %d: %s", rec.Code, status, rec.Body)
	}
	errs := parseErrors(t, format, rec)
	if !strings.Contains(strings.ToLower(errs[0].Description), strings.ToLower(says)) {
		t.Errorf("description %q does not mention %q", errs[0].Description, says)
	}
}

func checkHeaders(t *testing.T, format string, rec *httptest.ResponseRecorder) {
	t.Helper()
	h := rec.Header()
	want := map[string]string{"json": "application/json; charset=utf-8", "xml": "text/xml; charset=utf-8"}[format]
	if got := h.Get("Content-Type"); got != want {
		t.Errorf("Content-Type %q, want %q", got, want)
	}
	if got := h.Get("Access-Control-Allow-Origin"); got != "*" {
		t.Errorf("Access-Control-Allow-Origin %q, want *", got)
	}
	if h.Get("Cache-Control") == "" {
		t.Error("no Cache-Control")
	}
	if !utf8.Valid(rec.Body.Bytes()) {
		t.Error("the body is not UTF-8")
	}
}

// ---- discovery and services ----

func TestDiscovery(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	for _, f := range formats {
		rec := e.do("GET", "/open311/v2/discovery."+f, "")
		checkHeaders(t, f, rec)
		if rec.Code != http.StatusOK {
			t.Fatalf("%s: status %d", f, rec.Code)
		}
		type endpoint struct {
			Specification, URL, Changeset, Type string
			Formats                             []string
		}
		var d struct {
			Changeset, Contact, KeyService string
			Endpoints                      []endpoint
		}
		if f == "json" {
			var m map[string]json.RawMessage
			if err := json.Unmarshal(rec.Body.Bytes(), &m); err != nil {
				t.Fatal(err)
			}
			for _, k := range []string{"changeset", "contact", "key_service", "endpoints"} {
				if _, ok := m[k]; !ok {
					t.Errorf("json: discovery has no %s", k)
				}
			}
			var raw struct {
				Changeset  string `json:"changeset"`
				Contact    string `json:"contact"`
				KeyService string `json:"key_service"`
				Endpoints  []struct {
					Specification string   `json:"specification"`
					URL           string   `json:"url"`
					Changeset     string   `json:"changeset"`
					Type          string   `json:"type"`
					Formats       []string `json:"formats"`
				} `json:"endpoints"`
			}
			if err := json.Unmarshal(rec.Body.Bytes(), &raw); err != nil {
				t.Fatal(err)
			}
			d.Changeset, d.Contact, d.KeyService = raw.Changeset, raw.Contact, raw.KeyService
			for _, ep := range raw.Endpoints {
				d.Endpoints = append(d.Endpoints, endpoint(ep))
			}
		} else {
			root := parseXML(t, rec.Body.Bytes())
			if root.name != "discovery" {
				t.Fatalf("root <%s>, want <discovery>", root.name)
			}
			for _, k := range []string{"changeset", "contact", "key_service", "endpoints"} {
				if root.kid(k) == nil {
					t.Fatalf("xml: discovery has no <%s>", k)
				}
			}
			d.Changeset, d.Contact, d.KeyService = root.kid("changeset").text, root.kid("contact").text, root.kid("key_service").text
			for _, n := range root.kid("endpoints").kids {
				if n.name != "endpoint" {
					t.Fatalf("<endpoints> holds <%s>", n.name)
				}
				ep := endpoint{}
				for _, k := range []string{"specification", "url", "changeset", "type", "formats"} {
					if n.kid(k) == nil {
						t.Fatalf("xml: endpoint has no <%s>", k)
					}
				}
				ep.Specification, ep.URL, ep.Changeset, ep.Type = n.kid("specification").text, n.kid("url").text, n.kid("changeset").text, n.kid("type").text
				for _, fm := range n.kid("formats").kids {
					if fm.name != "format" {
						t.Fatalf("<formats> holds <%s>", fm.name)
					}
					ep.Formats = append(ep.Formats, fm.text)
				}
				d.Endpoints = append(d.Endpoints, ep)
			}
		}
		checkDatetime(t, "changeset", d.Changeset)
		if d.Changeset != "2026-10-01T07:00:00+07:00" {
			t.Errorf("%s: changeset %q", f, d.Changeset)
		}
		if d.Contact != "LAPOR! Kabupaten Magetan, lapor@magetankab.go.id" || d.KeyService == "" {
			t.Errorf("%s: contact %q, key_service %q", f, d.Contact, d.KeyService)
		}
		if len(d.Endpoints) != 1 {
			t.Fatalf("%s: %d endpoints", f, len(d.Endpoints))
		}
		ep := d.Endpoints[0]
		if ep.Specification != "http://wiki.open311.org/GeoReport_v2" || ep.URL != "https://lapor.magetankab.go.id/open311/v2" ||
			ep.Changeset != d.Changeset || ep.Type != "production" ||
			!slices.Equal(ep.Formats, []string{"text/xml", "application/json"}) {
			t.Errorf("%s: endpoint %+v", f, ep)
		}
	}
}

func TestDiscoveryURL(t *testing.T) {
	t.Parallel()
	for base, want := range map[string]string{
		"":                                  "/open311/v2",
		"https://x.go.id":                   "https://x.go.id/open311/v2",
		"https://x.go.id/open311/v2/":       "https://x.go.id/open311/v2",
		"https://x.go.id/sub/path":          "https://x.go.id/sub/path/open311/v2",
		"https://lapor.magetankab.go.id///": "https://lapor.magetankab.go.id/open311/v2",
	} {
		e := newEnv(t, func(o *open311.Options) { o.BaseURL = base })
		var d struct {
			Endpoints []struct{ URL string } `json:"endpoints"`
		}
		if err := json.Unmarshal(e.do("GET", "/open311/v2/discovery.json", "").Body.Bytes(), &d); err != nil || len(d.Endpoints) != 1 {
			t.Fatalf("%q: %v", base, err)
		}
		if d.Endpoints[0].URL != want {
			t.Errorf("BaseURL %q: url %q, want %q", base, d.Endpoints[0].URL, want)
		}
	}
}

func TestServices(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	fields := []string{"service_code", "service_name", "description", "metadata", "type", "keywords", "group"}
	for _, f := range formats {
		rec := e.do("GET", "/open311/v2/services."+f, "")
		checkHeaders(t, f, rec)
		if rec.Code != http.StatusOK {
			t.Fatalf("%s: status %d", f, rec.Code)
		}
		var got []map[string]any
		if f == "json" {
			if err := json.Unmarshal(rec.Body.Bytes(), &got); err != nil {
				t.Fatalf("services JSON is not a top-level array: %v", err)
			}
		} else {
			root := parseXML(t, rec.Body.Bytes())
			if root.name != "services" {
				t.Fatalf("root <%s>, want <services>", root.name)
			}
			for _, n := range root.kids {
				if n.name != "service" {
					t.Fatalf("<services> holds <%s>", n.name)
				}
				m := map[string]any{}
				for _, k := range n.kids {
					m[k.name] = k.text
				}
				// XML's booleans are the strict values true and false.
				switch m["metadata"] {
				case "true":
					m["metadata"] = true
				case "false":
					m["metadata"] = false
				}
				got = append(got, m)
			}
		}
		if len(got) != 3 {
			t.Fatalf("%s: %d services", f, len(got))
		}
		for i, m := range got {
			for _, k := range fields {
				if _, ok := m[k]; !ok {
					t.Errorf("%s: service %d has no %s", f, i, k)
				}
			}
			if len(m) != len(fields) {
				t.Errorf("%s: service %d has fields %v", f, i, m)
			}
			if b, ok := m["metadata"].(bool); !ok || b {
				t.Errorf("%s: metadata %#v, want the boolean false", f, m["metadata"])
			}
			if m["type"] != "realtime" {
				t.Errorf("%s: type %#v", f, m["type"])
			}
		}
		if got[0]["service_code"] != "pengaduan" || got[0]["service_name"] != "Pengaduan" || got[0]["keywords"] != "keluhan, complaint" ||
			got[0]["group"] != "laporan" || got[0]["description"] != "Keluhan atas pelayanan publik." || got[2]["keywords"] != "" {
			t.Errorf("%s: services %v", f, got)
		}
	}
}

func TestServiceDefinitionIs404(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	for _, f := range formats {
		wantError(t, f, e.do("GET", "/open311/v2/services/pengaduan."+f, ""), http.StatusNotFound, "metadata is false")
		wantError(t, f, e.do("GET", "/open311/v2/services/parkir."+f, ""), http.StatusNotFound, `"parkir" was not found`)
	}
}

// ---- requests ----

func TestRequestMapping(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	for _, f := range formats {
		got := parseRequests(t, f, e.do("GET", "/open311/v2/requests."+f, "service_request_id=MGT-AAA001,MGT-AAA002"))
		if len(got) != 2 {
			t.Fatalf("%s: %d requests", f, len(got))
		}
		open, closed := got[0], got[1]
		wantOpen := map[string]string{
			"service_request_id": "MGT-AAA001", "status": "open", "status_notes": "Ditangani OPD",
			"service_name": "Pengaduan", "service_code": "pengaduan", "description": "Jalan berlubang di depan pasar.",
			"agency_responsible": "Dinas PUPR", "service_notice": "",
			"requested_datetime": "2026-11-19T10:00:00+07:00", "updated_datetime": "2026-11-20T08:00:00+07:00",
			"expected_datetime": "2026-11-23T10:00:00+07:00", "address": "Jl. Raya Sidomukti No. 5, Plaosan",
			"address_id": "", "zipcode": "", "media_url": "",
		}
		for k, v := range wantOpen {
			if open.fields[k] != v || !open.present[k] {
				t.Errorf("%s: open %s = %q (present %v), want %q", f, k, open.fields[k], open.present[k], v)
			}
		}
		if open.lat == nil || *open.lat != -7.6532 || *open.long != 111.2876 {
			t.Errorf("%s: open lat/long %v %v", f, open.lat, open.long)
		}
		wantClosed := map[string]string{
			"service_request_id": "MGT-AAA002", "status": "closed", "status_notes": "Selesai: Jawaban diterima pelapor",
			"service_name": "Aspirasi", "service_code": "aspirasi", "agency_responsible": "Dinas Pendidikan",
			"requested_datetime": "2026-11-10T10:00:00+07:00", "updated_datetime": "2026-11-17T10:00:00+07:00",
		}
		for k, v := range wantClosed {
			if closed.fields[k] != v {
				t.Errorf("%s: closed %s = %q, want %q", f, k, closed.fields[k], v)
			}
		}
		// Without a value: left out of JSON, an empty element in XML.
		for _, k := range []string{"expected_datetime", "lat", "long"} {
			if f == "json" && closed.present[k] || f == "xml" && (!closed.present[k] || closed.fields[k] != "") {
				t.Errorf("%s: closed %s present=%v %q", f, k, closed.present[k], closed.fields[k])
			}
		}
	}
	// An open report whose clock is paused has no expected datetime.
	got := parseRequests(t, "json", e.do("GET", "/open311/v2/requests/MGT-AAA003.json", ""))
	if got[0].present["expected_datetime"] {
		t.Errorf("paused report: expected_datetime %q", got[0].fields["expected_datetime"])
	}
}

func TestRequestsDefaultLast90Days(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	for _, f := range formats {
		got := parseRequests(t, f, e.do("GET", "/open311/v2/requests."+f, ""))
		if want := []string{"MGT-AAA001", "MGT-AAA002", "MGT-AAA003", "MGT-AAA004", "MGT-AAA005"}; !slices.Equal(ids(got), want) {
			t.Errorf("%s: %v, want %v", f, ids(got), want)
		}
		q := e.src.lastQuery(t)
		if !q.Start.Equal(now.Add(-90*day)) || !q.End.Equal(now) || q.Limit != 1000 || q.Status != "" || q.IDs != nil || q.ServiceCodes != nil {
			t.Errorf("%s: query %+v", f, q)
		}
	}
	// Empty arguments are the same as none (the spec's optional arguments).
	parseRequests(t, "json", e.do("GET", "/open311/v2/requests.json", "start_date=&end_date=&status=&service_code=&service_request_id=&jurisdiction_id="))
	if q := e.src.lastQuery(t); !q.Start.Equal(now.Add(-90 * day)) {
		t.Errorf("empty arguments: %+v", q)
	}
}

func TestRequestsDates(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	wib := func(y int, m time.Month, d int) time.Time {
		return time.Date(y, m, d, 0, 0, 0, 0, time.FixedZone("WIB", 7*3600))
	}
	cases := []struct {
		query      string
		start, end time.Time
	}{
		{"start_date=2026-11-01T00:00:00%2B07:00&end_date=2026-11-15T00:00:00%2B07:00", wib(2026, 11, 1), wib(2026, 11, 15)},
		// A + that was not encoded arrives as a space.
		{"start_date=2026-11-01T00:00:00+07:00&end_date=2026-11-15T00:00:00+07:00", wib(2026, 11, 1), wib(2026, 11, 15)},
		{"start_date=2026-10-31T17:00:00Z", wib(2026, 11, 1), wib(2026, 11, 1).Add(90 * day)},
		{"end_date=2026-11-01T00:00:00.000%2B07:00", wib(2026, 11, 1).Add(-90 * day), wib(2026, 11, 1)},
		{"start_date=2026-11-01T00:00%2B07:00&end_date=2026-11-01T00:00:00Z", wib(2026, 11, 1), wib(2026, 11, 1).Add(7 * time.Hour)},
		// Exactly the longest span is allowed.
		{"start_date=2026-08-01T00:00:00Z&end_date=2026-10-30T00:00:00Z", time.Date(2026, 8, 1, 0, 0, 0, 0, time.UTC), time.Date(2026, 10, 30, 0, 0, 0, 0, time.UTC)},
	}
	for _, c := range cases {
		rec := e.do("GET", "/open311/v2/requests.json", c.query)
		parseRequests(t, "json", rec)
		if q := e.src.lastQuery(t); !q.Start.Equal(c.start) || !q.End.Equal(c.end) {
			t.Errorf("%s: start %v end %v, want %v %v", c.query, q.Start, q.End, c.start, c.end)
		}
	}
	// The range is inclusive and reads SubmittedAt.
	got := parseRequests(t, "json", e.do("GET", "/open311/v2/requests.json",
		"start_date="+url.QueryEscape(now.Add(-30*day).Format(time.RFC3339))+"&end_date="+url.QueryEscape(now.Add(-10*day).Format(time.RFC3339))))
	if want := []string{"MGT-AAA002", "MGT-AAA003"}; !slices.Equal(ids(got), want) {
		t.Errorf("inclusive range: %v, want %v", ids(got), want)
	}
}

func TestRequestsSpanTooLong(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	for _, f := range formats {
		wantError(t, f, e.do("GET", "/open311/v2/requests."+f, "start_date=2026-08-01T00:00:00Z&end_date=2026-10-30T00:00:01Z"),
			http.StatusBadRequest, "more than 90 days")
		wantError(t, f, e.do("GET", "/open311/v2/requests."+f, "start_date=2000-01-01T00:00:00Z&end_date=2026-11-01T00:00:00Z"),
			http.StatusBadRequest, "more than 90 days")
		wantError(t, f, e.do("GET", "/open311/v2/requests."+f, "start_date=2026-11-02T00:00:00Z&end_date=2026-11-01T00:00:00Z"),
			http.StatusBadRequest, "before start_date")
	}
	// MaxSpan is an option.
	e = newEnv(t, func(o *open311.Options) { o.MaxSpan = 7 * day })
	wantError(t, "json", e.do("GET", "/open311/v2/requests.json", "start_date=2026-11-01T00:00:00Z&end_date=2026-11-09T00:00:00Z"),
		http.StatusBadRequest, "more than 7 days")
	parseRequests(t, "json", e.do("GET", "/open311/v2/requests.json", ""))
	if q := e.src.lastQuery(t); !q.Start.Equal(now.Add(-7 * day)) {
		t.Errorf("default span with MaxSpan 7 days: %+v", q)
	}
}

func TestRequestsBadDates(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	for _, v := range []string{
		"2026-11-01", // no time, so no time zone
		"2026-11-01T00:00:00",
		"2026-11-01 00:00:00",
		"yesterday",
		"1730419200",
		"2026-13-01T00:00:00Z",
		"2026-11-31T00:00:00Z",
		"2026-11-01T25:00:00%2B07:00",
		"2026-11-01T00:00:00%2B07:00'%20OR%20'1'='1",
		"%3Cscript%3Ealert(1)%3C%2Fscript%3E",
		strings.Repeat("2026", 5000),
	} {
		for _, name := range []string{"start_date", "end_date"} {
			for _, f := range formats {
				wantError(t, f, e.do("GET", "/open311/v2/requests."+f, name+"="+v), http.StatusBadRequest, name)
			}
		}
	}
	wantError(t, "json", e.do("GET", "/open311/v2/requests.json", "start_date=2026-11-01T00:00:00Z&start_date=2026-11-02T00:00:00Z"),
		http.StatusBadRequest, "once")
}

func TestRequestsLimit(t *testing.T) {
	t.Parallel()
	e := newEnv(t, func(o *open311.Options) { o.MaxResults = 3 })
	for _, f := range formats {
		got := parseRequests(t, f, e.do("GET", "/open311/v2/requests."+f, ""))
		if want := []string{"MGT-AAA001", "MGT-AAA002", "MGT-AAA003"}; !slices.Equal(ids(got), want) {
			t.Errorf("%s: %v, want the 3 newest %v", f, ids(got), want)
		}
		if q := e.src.lastQuery(t); q.Limit != 3 {
			t.Errorf("%s: limit %d passed to the source", f, q.Limit)
		}
	}
	// A source that ignores the limit and the order is still cut to the
	// newest.
	careless := &carelessSource{source: e.src}
	h := open311.Handler(careless, open311.Options{MaxResults: 2, Now: func() time.Time { return now }})
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest("GET", "/open311/v2/requests.json", nil))
	if got := ids(parseRequests(t, "json", rec)); !slices.Equal(got, []string{"MGT-AAA001", "MGT-AAA002"}) {
		t.Errorf("careless source: %v", got)
	}
	// More ids than MaxResults is refused.
	wantError(t, "json", e.do("GET", "/open311/v2/requests.json", "service_request_id=A1,A2,A3,A4"), http.StatusBadRequest, "at most 3")
}

// carelessSource returns everything, oldest first.
type carelessSource struct{ *source }

func (c *carelessSource) Requests(ctx context.Context, q open311.Query) ([]records.Record, error) {
	out := slices.Clone(c.recs)
	slices.SortFunc(out, func(a, b records.Record) int { return a.SubmittedAt.Compare(b.SubmittedAt) })
	return out, nil
}

func TestRequestsByIDs(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	for _, f := range formats {
		// service_request_id overrides all other arguments, even broken ones.
		got := parseRequests(t, f, e.do("GET", "/open311/v2/requests."+f,
			"service_request_id=MGT-AAA007,%20MGT-AAA001,,MGT-NOPE99,MGT-AAA001&status=closed&service_code=aspirasi&start_date=garbage"))
		if want := []string{"MGT-AAA001", "MGT-AAA007"}; !slices.Equal(ids(got), want) {
			t.Errorf("%s: %v, want %v", f, ids(got), want)
		}
		q := e.src.lastQuery(t)
		if !slices.Equal(q.IDs, []string{"MGT-AAA007", "MGT-AAA001", "MGT-NOPE99"}) || !q.Start.IsZero() || !q.End.IsZero() ||
			q.Status != "" || q.ServiceCodes != nil || q.Limit != 1000 {
			t.Errorf("%s: query %+v", f, q)
		}
	}
	// Repeated, as well as comma-separated.
	got := parseRequests(t, "json", e.do("GET", "/open311/v2/requests.json", "service_request_id=MGT-AAA002&service_request_id=MGT-AAA003"))
	if want := []string{"MGT-AAA002", "MGT-AAA003"}; !slices.Equal(ids(got), want) {
		t.Errorf("repeated: %v", ids(got))
	}
	wantError(t, "json", e.do("GET", "/open311/v2/requests.json", "service_request_id=MGT-AAA001,DROP%20TABLE"), http.StatusBadRequest, "service_request_id")
}

func TestRequestsServiceCodes(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	for _, query := range []string{
		"service_code=aspirasi,permintaan_informasi",
		"service_code=aspirasi&service_code=permintaan_informasi",
		"service_code=aspirasi,%20permintaan_informasi,aspirasi",
	} {
		for _, f := range formats {
			got := parseRequests(t, f, e.do("GET", "/open311/v2/requests."+f, query))
			if want := []string{"MGT-AAA002", "MGT-AAA003"}; !slices.Equal(ids(got), want) {
				t.Errorf("%s %s: %v, want %v", f, query, ids(got), want)
			}
			if q := e.src.lastQuery(t); !slices.Equal(q.ServiceCodes, []string{"aspirasi", "permintaan_informasi"}) {
				t.Errorf("%s: codes %q", query, q.ServiceCodes)
			}
		}
	}
	// An unknown code selects nothing.
	if got := parseRequests(t, "xml", e.do("GET", "/open311/v2/requests.xml", "service_code=parkir")); len(got) != 0 {
		t.Errorf("unknown code: %v", ids(got))
	}
}

func TestRequestsStatus(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	for query, want := range map[string][]string{
		"status=open":              {"MGT-AAA001", "MGT-AAA003", "MGT-AAA005"},
		"status=OPEN":              {"MGT-AAA001", "MGT-AAA003", "MGT-AAA005"},
		"status=closed":            {"MGT-AAA002", "MGT-AAA004"},
		"status=open,closed":       {"MGT-AAA001", "MGT-AAA002", "MGT-AAA003", "MGT-AAA004", "MGT-AAA005"},
		"status=closed&status=":    {"MGT-AAA002", "MGT-AAA004"},
		"status=open&status=closd": nil,
		"status=pending":           nil,
		"status=1":                 nil,
	} {
		for _, f := range formats {
			rec := e.do("GET", "/open311/v2/requests."+f, query)
			if want == nil {
				wantError(t, f, rec, http.StatusBadRequest, "status")
				continue
			}
			got := parseRequests(t, f, rec)
			if !slices.Equal(ids(got), want) {
				t.Errorf("%s %s: %v, want %v", f, query, ids(got), want)
			}
			for _, r := range got {
				if s := strings.TrimPrefix(strings.ToLower(query), "status="); (s == "open" || s == "closed") && r.fields["status"] != s {
					t.Errorf("%s %s: a request with status %s", f, query, r.fields["status"])
				}
			}
		}
	}
}

func TestRequestByID(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	for _, f := range formats {
		// One request is a list of one, as the specification shows it.
		got := parseRequests(t, f, e.do("GET", "/open311/v2/requests/MGT-AAA007."+f, ""))
		if !slices.Equal(ids(got), []string{"MGT-AAA007"}) {
			t.Errorf("%s: %v", f, ids(got))
		}
		for _, id := range []string{"MGT-NOPE99", "mgt-aaa001", "%3Cscript%3E", "MGT-AAA001'%20OR%20'1'='1", strings.Repeat("X", 500), "%FF%FE"} {
			wantError(t, f, e.do("GET", "/open311/v2/requests/"+id+"."+f, ""), http.StatusNotFound, "was not found")
		}
	}
}

func TestJurisdiction(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	paths := []string{"services", "requests", "requests/MGT-AAA001"}
	for _, f := range formats {
		for _, p := range paths {
			path := "/open311/v2/" + p + "." + f
			for _, ok := range []string{"jurisdiction_id=magetankab.go.id", "jurisdiction_id=MagetanKab.go.id", "jurisdiction_id=", ""} {
				if rec := e.do("GET", path, ok); rec.Code != http.StatusOK {
					t.Errorf("%s?%s: status %d", path, ok, rec.Code)
				}
			}
			for _, bad := range []string{"jurisdiction_id=sfgov.org", "jurisdiction_id=magetankab.go.id&jurisdiction_id=ngawikab.go.id", "jurisdiction_id=%FF"} {
				wantError(t, f, e.do("GET", path, bad), http.StatusNotFound, "jurisdiction_id")
			}
		}
		wantError(t, f, e.do("GET", "/open311/v2/services/pengaduan."+f, "jurisdiction_id=sfgov.org"), http.StatusNotFound, "jurisdiction_id")
	}
}

// ---- methods, paths and formats ----

func TestMethodNotAllowed(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	for _, f := range formats {
		for _, p := range []string{"discovery", "services", "services/pengaduan", "requests", "requests/MGT-AAA001"} {
			for _, m := range []string{"POST", "PUT", "PATCH", "DELETE", "OPTIONS", "TRACE", "BREW"} {
				rec := e.do(m, "/open311/v2/"+p+"."+f, "")
				wantError(t, f, rec, http.StatusMethodNotAllowed, "")
				if allow := rec.Header().Get("Allow"); allow != "GET, HEAD" {
					t.Errorf("%s %s: Allow %q", m, p, allow)
				}
			}
		}
		// Filing a report is for the chat.
		wantError(t, f, e.do("POST", "/open311/v2/requests."+f, ""), http.StatusMethodNotAllowed, "filed by chat")
	}
	wantError(t, "json", e.do("POST", "/open311/v2/requests", ""), http.StatusMethodNotAllowed, "filed by chat")
	if n := len(e.src.queries); n != 0 {
		t.Errorf("the source was asked %d times", n)
	}
}

func TestHead(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	get := e.do("GET", "/open311/v2/requests.xml", "")
	head := e.do("HEAD", "/open311/v2/requests.xml", "")
	if head.Code != http.StatusOK || head.Body.Len() != 0 || head.Header().Get("Content-Length") != strconv.Itoa(get.Body.Len()) {
		t.Errorf("HEAD: %d, body %d bytes, Content-Length %s (GET %d bytes)", head.Code, head.Body.Len(), head.Header().Get("Content-Length"), get.Body.Len())
	}
}

func TestFormatsAndPaths(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	for _, p := range []string{"requests", "requests.html", "requests.csv", "requests.", "services", "discovery", "discovery.yaml",
		"requests/MGT-AAA001", "requests/MGT-AAA001.txt"} {
		wantError(t, "json", e.do("GET", "/open311/v2/"+p, ""), http.StatusBadRequest, "xml")
	}
	// The extension is read without regard to case.
	if rec := e.do("GET", "/open311/v2/requests.JSON", ""); rec.Code != http.StatusOK || rec.Header().Get("Content-Type") != "application/json; charset=utf-8" {
		t.Errorf("requests.JSON: %d %s", rec.Code, rec.Header().Get("Content-Type"))
	}
	for _, p := range []string{"/open311/v2/", "/open311/v2/nothing.json", "/open311/v2/requests/a/b.json", "/open311/v2/services/.json",
		"/open311/v1/requests.json", "/open311/v2/requests/.json", "/open311/v2/../v2/requests.json", "/open311/v2/services.xml.bak", "/"} {
		wantError(t, "json", e.do("GET", p, ""), http.StatusNotFound, "no such")
	}
	// A known extension gives the error in that format.
	wantError(t, "xml", e.do("GET", "/open311/v2/nothing.xml", ""), http.StatusNotFound, "no such")
}

// ---- hostile input and failures ----

func TestHostileQueries(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	many := make([]string, 2000)
	for i := range many {
		many[i] = fmt.Sprintf("MGT-%06d", i)
	}
	for _, q := range []string{
		strings.Repeat("a", 200000),
		"service_code=" + strings.Repeat("x,", 100000),
		"service_code=" + strings.Repeat("x", 100000),
		"service_request_id=" + strings.Repeat("MGT-AAA001,", 20000),
		"service_request_id=" + strings.Join(many, ","),
		"status=%FF%FE",
		"service_code=%FF",
		"service_code=%00",
		"service_code=%C0%AF",
		"service_code=pengaduan'%20OR%201=1--",
		"service_code=' OR 1=1; DROP TABLE reports;--",
		"service_code=pengaduan%27%3B%20DROP%20TABLE%20reports%3B--",
		"service_code=%E2%80%AEnaduagnep",
		"service_code={{7*7}}&status=${jndi:ldap://x}",
		"start_date=<script>alert(1)</script>",
		"end_date=%3C%21%5BCDATA%5B%5D%5D%3E",
		"jurisdiction_id=%3Cscript%3E",
		"%zz=1",
		"status=%",
		"=&&&==&",
		"a=%FF%FE&b=\x00&c=\xff",
		"service_request_id=%E2%80%AE",
		"service_request_id=..%2F..%2Fetc%2Fpasswd",
		"start_date=9999-12-31T23:59:59Z",
		"end_date=0000-01-01T00:00:00Z",
		"start_date=0000-01-01T00:00:00Z&end_date=9999-12-31T23:59:59Z",
		"start_date=2026-11-01T00:00:00%2B99:00",
		"start_date=2026-11-01T00:00:00-23:59",
		"start_date=%2B2026-11-01T00:00:00Z",
		"status=open" + strings.Repeat("&status=open", 10000),
		"service_code=" + url.QueryEscape(strings.Repeat("é", 30)),
	} {
		for _, f := range formats {
			rec := e.do("GET", "/open311/v2/requests."+f, q)
			switch rec.Code {
			case http.StatusOK:
				parseRequests(t, f, rec)
			case http.StatusBadRequest, http.StatusNotFound:
				errs := parseErrors(t, f, rec)
				if len(errs[0].Description) > 400 {
					t.Errorf("%.60q: a description of %d bytes", q, len(errs[0].Description))
				}
			default:
				t.Errorf("%.60q: status %d: %.200s", q, rec.Code, rec.Body)
			}
		}
	}
	if strings.Contains(e.log.String(), "level=ERROR") {
		t.Errorf("hostile input logged errors:\n%s", e.log)
	}
}

func TestHostileRecords(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	nan := math.NaN()
	long := strings.Repeat("é", 5000)
	e.src.recs = []records.Record{
		{TrackingID: "MGT-BAD001", Type: "pengaduan", TypeName: "Pengaduan", Open: true,
			Description: "baris 1\nbaris 2\r\n\x00\x01\x1b[31m <b>tebal</b> &amp; ]]> \"kutip\" \xff\xfe \U0001F600",
			Address:     "<script>alert(1)</script>", StageName: "Verifikasi\x07",
			Lat: &nan, Lon: ptr(111), SubmittedAt: now.Add(-time.Hour)},
		{TrackingID: "MGT-BAD002", Type: "pengaduan", Description: long, Lat: ptr(-95), Lon: ptr(111),
			SubmittedAt: now.Add(-2 * time.Hour)},
		{TrackingID: "MGT-BAD003", Type: "aspirasi", TypeName: "Aspirasi", Lat: ptr(-7.6), Lon: nil,
			SubmittedAt: now.Add(-3 * time.Hour), UpdatedAt: time.Time{}},
	}
	for _, f := range formats {
		got := parseRequests(t, f, e.do("GET", "/open311/v2/requests."+f, ""))
		if len(got) != 3 {
			t.Fatalf("%s: %d requests", f, len(got))
		}
		for _, r := range got {
			if r.lat != nil {
				t.Errorf("%s: %s has lat %v from an invalid point", f, r.fields["service_request_id"], *r.lat)
			}
		}
		if d := got[1].fields["description"]; utf8.RuneCountInString(d) != 4000 || !strings.HasSuffix(d, "…") {
			t.Errorf("%s: long description cut to %d characters", f, utf8.RuneCountInString(d))
		}
		if got[1].fields["service_name"] != "pengaduan" {
			t.Errorf("%s: service_name without a TypeName: %q", f, got[1].fields["service_name"])
		}
		if got[2].fields["updated_datetime"] != got[2].fields["requested_datetime"] {
			t.Errorf("%s: updated_datetime %q without UpdatedAt", f, got[2].fields["updated_datetime"])
		}
		if !strings.Contains(got[0].fields["address"], "<script>") {
			t.Errorf("%s: address %q not kept as text", f, got[0].fields["address"])
		}
	}
}

func TestConfidentialNeverShown(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	e.src.recs = append(e.src.recs, records.Record{TrackingID: "MGT-SECRET", Type: "pengaduan", Confidential: true,
		Description: "rahasia", SubmittedAt: now.Add(-time.Hour)})
	for _, f := range formats {
		got := parseRequests(t, f, e.do("GET", "/open311/v2/requests."+f, ""))
		if slices.Contains(ids(got), "MGT-SECRET") || len(got) != 5 {
			t.Errorf("%s: %v", f, ids(got))
		}
		wantError(t, f, e.do("GET", "/open311/v2/requests/MGT-SECRET."+f, ""), http.StatusNotFound, "was not found")
	}
	if !strings.Contains(e.log.String(), "confidential") || strings.Contains(e.log.String(), "rahasia") {
		t.Errorf("log:\n%s", e.log)
	}
}

func TestSourceFailure(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	e.src.err = errors.New("connection refused")
	for _, f := range formats {
		for _, p := range []string{"services", "services/pengaduan", "requests", "requests/MGT-AAA001"} {
			rec := e.do("GET", "/open311/v2/"+p+"."+f, "service_code=pengaduan&start_date=2026-11-01T00:00:00Z")
			wantError(t, f, rec, http.StatusInternalServerError, "try again")
			if strings.Contains(rec.Body.String(), "connection refused") {
				t.Errorf("%s: the cause leaked into the answer", p)
			}
			if cc := rec.Header().Get("Cache-Control"); cc != "no-store" {
				t.Errorf("%s: Cache-Control %q on a server error", p, cc)
			}
		}
	}
	log := e.log.String()
	if !strings.Contains(log, "connection refused") || !strings.Contains(log, "level=ERROR") {
		t.Errorf("the failure was not logged:\n%s", log)
	}
	if strings.Contains(log, "2026-11-01") || strings.Contains(log, "MGT-AAA001") {
		t.Errorf("the log holds request values:\n%s", log)
	}
}

func TestSourcePanics(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	e.src.panics = true
	for _, f := range formats {
		wantError(t, f, e.do("GET", "/open311/v2/requests."+f, ""), http.StatusInternalServerError, "try again")
		wantError(t, f, e.do("GET", "/open311/v2/services."+f, ""), http.StatusInternalServerError, "try again")
	}
	if !strings.Contains(e.log.String(), "panic") {
		t.Errorf("the panic was not logged:\n%s", e.log)
	}
}

func TestCanceledRequestIsNotAnError(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	e.src.err = context.Canceled
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	req := httptest.NewRequestWithContext(ctx, "GET", "/open311/v2/requests.json", nil)
	rec := httptest.NewRecorder()
	e.h.ServeHTTP(rec, req)
	if rec.Code != http.StatusInternalServerError || strings.Contains(e.log.String(), "level=ERROR") {
		t.Errorf("status %d, log:\n%s", rec.Code, e.log)
	}
}

// TestOverHTTP runs the handler behind a real server and client, mounted as
// the lead mounts it.
func TestOverHTTP(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	mux := http.NewServeMux()
	mux.Handle("/open311/", e.h)
	srv := httptest.NewServer(mux)
	defer srv.Close()
	for _, c := range []struct {
		method, path string
		status       int
		ctype        string
	}{
		{"GET", "/open311/v2/discovery.xml", 200, "text/xml; charset=utf-8"},
		{"GET", "/open311/v2/requests.json?status=open&start_date=2026-11-01T00:00:00%2B07:00", 200, "application/json; charset=utf-8"},
		{"GET", "/open311/v2/requests.json?status=maybe", 400, "application/json; charset=utf-8"},
		{"GET", "/open311/v2/requests/MGT-NOPE99.xml", 404, "text/xml; charset=utf-8"},
		{"POST", "/open311/v2/requests.json", 405, "application/json; charset=utf-8"},
		{"HEAD", "/open311/v2/services.json", 200, "application/json; charset=utf-8"},
	} {
		req, err := http.NewRequest(c.method, srv.URL+c.path, nil)
		if err != nil {
			t.Fatal(err)
		}
		resp, err := srv.Client().Do(req)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != c.status || resp.Header.Get("Content-Type") != c.ctype ||
			resp.Header.Get("Access-Control-Allow-Origin") != "*" || !strings.Contains(resp.Header.Get("Cache-Control"), "max-age") {
			t.Errorf("%s %s: %d %q %v", c.method, c.path, resp.StatusCode, body, resp.Header)
		}
		if c.method != "HEAD" && (c.ctype[0] == 'a' && !json.Valid(body) || c.ctype[0] == 't' && !bytes.HasPrefix(body, []byte("<?xml"))) {
			t.Errorf("%s %s: body %q", c.method, c.path, body)
		}
	}
}

func TestDefaults(t *testing.T) {
	t.Parallel()
	// Zero Options still serve: 1000 results, 90 days, a changeset.
	src := &source{services: fixtureServices(), recs: fixture()}
	h := open311.Handler(src, open311.Options{})
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest("GET", "/open311/v2/requests.json", nil))
	parseRequests(t, "json", rec)
	q := src.lastQuery(t)
	if q.Limit != 1000 || q.End.Sub(q.Start) != 90*day {
		t.Errorf("defaults: %+v", q)
	}
	rec = httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest("GET", "/open311/v2/discovery.json", nil))
	var d struct {
		Changeset string `json:"changeset"`
	}
	if err := json.Unmarshal(rec.Body.Bytes(), &d); err != nil {
		t.Fatal(err)
	}
	checkDatetime(t, "changeset", d.Changeset)
}
