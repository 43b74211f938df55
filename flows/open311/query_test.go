package open311

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/lapor-id/lapor/flows/records"
)

// emptySource has no reports.
type emptySource struct{}

func (emptySource) Services(context.Context) ([]Service, error) { return nil, nil }
func (emptySource) Requests(context.Context, Query) ([]records.Record, error) {
	return nil, nil
}
func (emptySource) Request(context.Context, string) (records.Record, error) {
	return records.Record{}, ErrNotFound
}

// FuzzRequestsQuery feeds raw query strings to the parser of GET Service
// Requests and to the handler: a query is either refused with a 400 that
// says why, or becomes a Query that keeps the specification's limits; the
// handler never answers 500 and always answers valid JSON.
func FuzzRequestsQuery(f *testing.F) {
	for _, seed := range []string{
		"",
		"service_request_id=MGT-7K3QFA,MGT-4CDEFH",
		"service_code=pengaduan,aspirasi&status=open",
		"start_date=2026-11-01T00:00:00%2B07:00&end_date=2026-11-15T00:00:00Z",
		"start_date=2026-11-01T00:00:00+07:00",
		"end_date=2026-11-01T00:00%2B07:00&status=closed,open",
		"start_date=2026-01-01T00:00:00Z&end_date=2026-12-31T00:00:00Z",
		"status=pending",
		"service_code=%FF%00&jurisdiction_id=x",
		"service_code=' OR 1=1; --",
		"%zz",
		"jurisdiction_id=magetankab.go.id&service_request_id=,,,",
	} {
		f.Add(seed)
	}
	now := time.Date(2026, 11, 20, 3, 0, 0, 0, time.UTC)
	const maxResults, maxSpan = 50, 90 * 24 * time.Hour
	h := Handler(emptySource{}, Options{Jurisdiction: "magetankab.go.id", MaxResults: maxResults, MaxSpan: maxSpan,
		Now: func() time.Time { return now }})
	f.Fuzz(func(t *testing.T, raw string) {
		v, _ := url.ParseQuery(raw) // what could be read; the handler refuses the rest
		q, e := parseQuery(v, now, maxResults, maxSpan)
		if e != nil {
			if e.Code != http.StatusBadRequest || e.Description == "" || !utf8.ValidString(e.Description) || len(e.Description) > 400 {
				t.Fatalf("error %+v", e)
			}
		} else {
			checkQuery(t, q, maxResults, maxSpan)
		}

		req := httptest.NewRequest("GET", "/open311/v2/requests.json", nil)
		req.URL.RawQuery = raw
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		switch rec.Code {
		case http.StatusOK, http.StatusBadRequest, http.StatusNotFound:
		default:
			t.Fatalf("status %d for %q", rec.Code, raw)
		}
		if !json.Valid(rec.Body.Bytes()) {
			t.Fatalf("invalid JSON for %q: %q", raw, rec.Body)
		}
	})
}

func checkQuery(t *testing.T, q Query, maxResults int, maxSpan time.Duration) {
	t.Helper()
	if q.Limit != maxResults {
		t.Fatalf("limit %d", q.Limit)
	}
	if len(q.IDs) > 0 {
		if len(q.IDs) > maxResults || q.ServiceCodes != nil || q.Status != "" || !q.Start.IsZero() || !q.End.IsZero() {
			t.Fatalf("ids must override the rest: %+v", q)
		}
		for i, id := range q.IDs {
			if !validID(id) || slices.Contains(q.IDs[:i], id) {
				t.Fatalf("id %q in %q", id, q.IDs)
			}
		}
		return
	}
	if q.Status != "" && q.Status != "open" && q.Status != "closed" {
		t.Fatalf("status %q", q.Status)
	}
	if len(q.ServiceCodes) > maxCodes {
		t.Fatalf("%d codes", len(q.ServiceCodes))
	}
	for i, c := range q.ServiceCodes {
		if !utf8.ValidString(c) || c == "" || len(c) > 64 || strings.ContainsAny(c, ",\x00") || slices.Contains(q.ServiceCodes[:i], c) {
			t.Fatalf("code %q in %q", c, q.ServiceCodes)
		}
	}
	if q.Start.IsZero() || q.End.IsZero() || q.End.Before(q.Start) || q.End.Sub(q.Start) > maxSpan {
		t.Fatalf("range %v .. %v", q.Start, q.End)
	}
}

func TestParseQuery(t *testing.T) {
	now := time.Date(2026, 11, 20, 3, 0, 0, 0, time.UTC)
	for raw, want := range map[string]string{
		"status=open,closed":                       "",
		"status=open&status=open":                  "open",
		" status=closed":                           "", // the key is " status": not ours
		"status=%20closed%20":                      "closed",
		"service_code=a,,b,%20a%20&service_code=c": "",
	} {
		v, _ := url.ParseQuery(raw)
		q, e := parseQuery(v, now, 1000, 90*24*time.Hour)
		if e != nil {
			t.Fatalf("%q: %v", raw, e)
		}
		if q.Status != want {
			t.Errorf("%q: status %q, want %q", raw, q.Status, want)
		}
	}
	v, _ := url.ParseQuery("service_code=a,,b,%20a%20&service_code=c")
	q, _ := parseQuery(v, now, 1000, 90*24*time.Hour)
	if !slices.Equal(q.ServiceCodes, []string{"a", "b", "c"}) {
		t.Errorf("codes %q", q.ServiceCodes)
	}
	if got := truncate("abcdef", 4); got != "abc…" {
		t.Errorf("truncate: %q", got)
	}
	if got := truncate("abcd", 4); got != "abcd" {
		t.Errorf("truncate: %q", got)
	}
	if got := datetime(time.Date(2026, 12, 31, 18, 30, 0, 0, time.UTC)); got != "2027-01-01T01:30:00+07:00" {
		t.Errorf("datetime: %q", got)
	}
}
