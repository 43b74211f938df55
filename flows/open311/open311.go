// Package open311 serves the public reports of lapor as read-only Open311
// GeoReport v2 endpoints (http://wiki.open311.org/GeoReport_v2), in XML and
// JSON: service discovery, the service list (the report types), and the
// service requests (the reports).
//
// It owns the GeoReport v2 side of the translation: the paths, reading and
// checking the query string, the defaults and limits of the specification
// (the last 90 days, at most 1000 requests), the mapping of a
// records.Record to a service request, and the XML and JSON documents,
// errors included.
//
// It does not decide what is public. The Source gives it records already
// built for records.Public: no reporter identity, never a confidential
// report, the location of an anonymous report already rounded. It prints
// only the fields a service request has, and never media (evidence is not
// public). Reports are not filed here either: citizens file them by chat,
// so POST requests is refused with an explanation.
package open311

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"runtime/debug"
	"slices"
	"strings"
	"time"

	"github.com/lapor-id/lapor/flows/records"
)

// ErrNotFound is wrapped by Source.Request when there is no public report
// with the id asked for (none at all, or a confidential one).
var ErrNotFound = errors.New("no public report with that id")

// Source reads the public reports. Every record it returns is built for
// records.Public.
type Source interface {
	// Services lists the services: the report types.
	Services(ctx context.Context) ([]Service, error)
	// Requests returns the reports q selects, at most q.Limit of them,
	// the newest (by SubmittedAt) when there are more.
	Requests(ctx context.Context, q Query) ([]records.Record, error)
	// Request returns one report by its tracking number, or an error
	// wrapping ErrNotFound.
	Request(ctx context.Context, id string) (records.Record, error)
}

// Service is one service of the list: a report type (jenis laporan) such as
// pengaduan, aspirasi or permintaan_informasi.
type Service struct {
	Code        string // the report type key
	Name        string
	Description string
	Group       string
	Keywords    []string // printed as one comma-separated string
}

// Query selects reports. The handler has checked it: Status is one of the
// three values, the strings are valid UTF-8 without control characters,
// and Start..End spans at most Options.MaxSpan.
type Query struct {
	// IDs are tracking numbers. When set, every other field but Limit is
	// zero: the specification lets service_request_id override all other
	// arguments.
	IDs []string
	// ServiceCodes are report types; none means all.
	ServiceCodes []string
	// Start and End bound SubmittedAt, both inclusive.
	Start, End time.Time
	// Status is "open" (rec.Open), "closed", or "" for both.
	Status string
	// Limit is the most records to return: the newest first.
	Limit int
}

// Options configure the endpoints.
type Options struct {
	// Jurisdiction is this endpoint's jurisdiction_id, e.g.
	// "magetankab.go.id". A request that names another one gets 404, as
	// the specification says.
	Jurisdiction string
	// BaseURL is the public address the handler is reached at, without the
	// path, e.g. "https://lapor.magetankab.go.id". Discovery announces the
	// endpoint as BaseURL + "/open311/v2" (BaseURL may already end in
	// /open311/v2). When empty, discovery gives the path alone: the Host
	// header is not trusted in a response that caches may share.
	BaseURL string
	// Contact is discovery's human-readable contact line.
	Contact string
	// Changeset is when the service list last changed; discovery announces
	// it so that clients know to refresh. Zero means the time the handler
	// was made.
	Changeset time.Time
	// MaxResults caps the requests of one answer (default 1000, the
	// specification's) and the ids of one query.
	MaxResults int
	// MaxSpan caps end_date - start_date (default 90 days, the
	// specification's).
	MaxSpan time.Duration
	// Now is the clock (default time.Now).
	Now func() time.Time
	// Log receives server errors; never query values or report contents.
	Log *slog.Logger
}

// The paths the handler serves, under this prefix. Mount the handler at
// "/open311/".
const prefix = "/open311/v2/"

// What the discovery document announces.
const (
	specification = "http://wiki.open311.org/GeoReport_v2"
	keyService    = "No API key is needed: this endpoint is read-only and open to everyone."
)

type server struct {
	src       Source
	o         Options
	changeset time.Time
	endpoint  string
}

// Handler serves the GeoReport v2 endpoints under /open311/v2/:
//
//	GET /open311/v2/discovery.{xml,json}
//	GET /open311/v2/services.{xml,json}
//	GET /open311/v2/services/{service_code}.{xml,json}   (always 404: no service has metadata)
//	GET /open311/v2/requests.{xml,json}
//	GET /open311/v2/requests/{service_request_id}.{xml,json}
//
// HEAD is answered like GET; other methods get 405.
func Handler(src Source, o Options) http.Handler {
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.Log == nil {
		o.Log = slog.New(slog.DiscardHandler)
	}
	if o.MaxResults <= 0 {
		o.MaxResults = 1000
	}
	if o.MaxSpan <= 0 {
		o.MaxSpan = 90 * 24 * time.Hour
	}
	s := &server{src: src, o: o, changeset: o.Changeset}
	if s.changeset.IsZero() {
		s.changeset = o.Now()
	}
	base := strings.TrimRight(o.BaseURL, "/")
	s.endpoint = base + "/open311/v2"
	if strings.HasSuffix(base, "/open311/v2") {
		s.endpoint = base
	}
	return s
}

// Routes.
const (
	routeDiscovery = "discovery"
	routeServices  = "services"
	routeService   = "service"
	routeRequests  = "requests"
	routeRequest   = "request"
)

func (s *server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	f := formatJSON // errors before the format is known are in JSON
	defer func() {
		if v := recover(); v != nil {
			if v == http.ErrAbortHandler {
				panic(v)
			}
			s.o.Log.Error("open311: panic serving a request", "path", r.URL.Path, "panic", fmt.Sprint(v), "stack", string(debug.Stack()))
			s.fail(w, r, f, http.StatusInternalServerError, msgInternal)
		}
	}()

	route, arg, ext, ok := parsePath(r.URL.Path)
	known, isKnown := formats[strings.ToLower(ext)]
	if isKnown {
		f = known
	}
	if !ok {
		s.fail(w, r, f, http.StatusNotFound, "There is no such Open311 resource. This endpoint serves discovery, services and requests under /open311/v2/, e.g. /open311/v2/requests.json.")
		return
	}
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		w.Header().Set("Allow", "GET, HEAD")
		if r.Method == http.MethodPost && route == routeRequests {
			s.fail(w, r, f, http.StatusMethodNotAllowed, "This Open311 endpoint is read-only: POST requests is not offered. Reports (laporan) are filed by chat with LAPOR! (Telegram, WhatsApp or the web chat), not through this API.")
			return
		}
		method := r.Method
		if len(method) > 16 {
			method = method[:16]
		}
		s.fail(w, r, f, http.StatusMethodNotAllowed, fmt.Sprintf("Method %s is not allowed: this Open311 endpoint is read-only and answers GET.", method))
		return
	}
	if !isKnown {
		if ext == "" {
			s.fail(w, r, f, http.StatusBadRequest, "Add the format to the path: .xml or .json, e.g. /open311/v2/requests.json.")
		} else {
			s.fail(w, r, f, http.StatusBadRequest, fmt.Sprintf("Format %s is not offered: use .xml or .json.", quote(ext)))
		}
		return
	}
	if route == routeDiscovery {
		s.discovery(w, r, f)
		return
	}

	v, err := url.ParseQuery(r.URL.RawQuery)
	if err != nil {
		s.fail(w, r, f, http.StatusBadRequest, "The query string could not be read: write name=value pairs joined by &, with special characters percent-encoded (e.g. + as %2B).")
		return
	}
	if e := s.checkJurisdiction(v); e != nil {
		s.fail(w, r, f, e.Code, e.Description)
		return
	}
	switch route {
	case routeServices:
		s.services(w, r, f)
	case routeService:
		s.service(w, r, f, arg)
	case routeRequests:
		s.requests(w, r, f, v)
	case routeRequest:
		s.request(w, r, f, arg)
	}
}

// parsePath splits a path under the prefix into a route, its argument (a
// service code or a request id) and the format extension without the dot.
func parsePath(p string) (route, arg, ext string, ok bool) {
	rest, ok := strings.CutPrefix(p, prefix)
	if !ok {
		return "", "", "", false
	}
	name := rest
	if i := strings.LastIndexByte(rest, '.'); i >= 0 && !strings.Contains(rest[i:], "/") {
		name, ext = rest[:i], rest[i+1:]
	}
	switch {
	case name == "discovery":
		return routeDiscovery, "", ext, true
	case name == "services":
		return routeServices, "", ext, true
	case name == "requests":
		return routeRequests, "", ext, true
	}
	if code, found := strings.CutPrefix(name, "services/"); found && code != "" && !strings.Contains(code, "/") {
		return routeService, code, ext, true
	}
	if id, found := strings.CutPrefix(name, "requests/"); found && id != "" && !strings.Contains(id, "/") {
		return routeRequest, id, ext, true
	}
	return "", "", ext, false
}

// checkJurisdiction refuses a jurisdiction_id other than this endpoint's.
// An empty one is the same as none (the specification's optional
// arguments).
func (s *server) checkJurisdiction(v url.Values) *apiError {
	for _, j := range v["jurisdiction_id"] {
		j = strings.TrimSpace(j)
		if j != "" && !strings.EqualFold(j, s.o.Jurisdiction) {
			return &apiError{http.StatusNotFound, fmt.Sprintf("jurisdiction_id %s was not found: this endpoint serves %s only.", quote(j), quote(s.o.Jurisdiction))}
		}
	}
	return nil
}

func (s *server) discovery(w http.ResponseWriter, r *http.Request, f format) {
	cs := datetime(s.changeset)
	d := discoveryDoc{
		Changeset:  cs,
		Contact:    s.o.Contact,
		KeyService: keyService,
		Endpoints: []endpointDoc{{
			Specification: specification,
			URL:           s.endpoint,
			Changeset:     cs,
			Type:          "production",
			Formats:       []string{"text/xml", "application/json"},
		}},
	}
	s.write(w, r, f, http.StatusOK, d, d)
}

func (s *server) services(w http.ResponseWriter, r *http.Request, f format) {
	list, err := s.src.Services(r.Context())
	if err != nil {
		s.serverError(w, r, f, routeServices, err)
		return
	}
	out := make([]serviceDoc, 0, len(list))
	for _, sv := range list {
		out = append(out, serviceDoc{
			Code:        sv.Code,
			Name:        sv.Name,
			Description: sv.Description,
			Metadata:    false,
			Type:        "realtime",
			Keywords:    strings.Join(sv.Keywords, ", "),
			Group:       sv.Group,
		})
	}
	s.write(w, r, f, http.StatusOK, servicesDoc{Services: out}, out)
}

// service answers GET Service Definition. No service has metadata (a
// report needs no form fields beyond what the chat asks), so the
// specification does not call for a definition; a client that asks anyway
// gets 404, which says whether the service itself exists.
func (s *server) service(w http.ResponseWriter, r *http.Request, f format, code string) {
	list, err := s.src.Services(r.Context())
	if err != nil {
		s.serverError(w, r, f, routeService, err)
		return
	}
	if slices.ContainsFunc(list, func(sv Service) bool { return sv.Code == code }) {
		s.fail(w, r, f, http.StatusNotFound, fmt.Sprintf("Service %s has no service definition: its metadata is false, so a report of this type needs no extra fields.", quote(code)))
		return
	}
	s.fail(w, r, f, http.StatusNotFound, fmt.Sprintf("service_code %s was not found: see services.%s for the list.", quote(code), f.ext()))
}

func (s *server) requests(w http.ResponseWriter, r *http.Request, f format, v url.Values) {
	q, e := parseQuery(v, s.o.Now(), s.o.MaxResults, s.o.MaxSpan)
	if e != nil {
		s.fail(w, r, f, e.Code, e.Description)
		return
	}
	recs, err := s.src.Requests(r.Context(), q)
	if err != nil {
		s.serverError(w, r, f, routeRequests, err)
		return
	}
	recs = slices.DeleteFunc(slices.Clone(recs), func(rec records.Record) bool { return s.refused(rec, routeRequests) })
	slices.SortStableFunc(recs, func(a, b records.Record) int {
		return cmp.Or(b.SubmittedAt.Compare(a.SubmittedAt), strings.Compare(b.TrackingID, a.TrackingID))
	})
	if len(recs) > q.Limit {
		recs = recs[:q.Limit]
	}
	out := make([]serviceRequest, 0, len(recs))
	for _, rec := range recs {
		out = append(out, toRequest(rec))
	}
	s.write(w, r, f, http.StatusOK, requestsDoc{Requests: out}, out)
}

func (s *server) request(w http.ResponseWriter, r *http.Request, f format, id string) {
	notFound := fmt.Sprintf("service_request_id %s was not found.", quote(id))
	if !validID(id) {
		s.fail(w, r, f, http.StatusNotFound, notFound)
		return
	}
	rec, err := s.src.Request(r.Context(), id)
	if errors.Is(err, ErrNotFound) || (err == nil && s.refused(rec, routeRequest)) {
		s.fail(w, r, f, http.StatusNotFound, notFound)
		return
	}
	if err != nil {
		s.serverError(w, r, f, routeRequest, err)
		return
	}
	out := []serviceRequest{toRequest(rec)}
	s.write(w, r, f, http.StatusOK, requestsDoc{Requests: out}, out)
}

// refused reports a record that breaks the Source's contract: a
// confidential report never reaches the public, whatever a Source returns.
// This is a last guard, not where privacy is decided.
func (s *server) refused(rec records.Record, route string) bool {
	if rec.Confidential {
		s.o.Log.Error("open311: the source returned a confidential report; it was left out", "route", route)
		return true
	}
	return false
}

// msgInternal is the description of every server error: the cause is in
// the log, not in the answer.
const msgInternal = "The reports could not be read just now. Please try again in a few minutes."

func (s *server) serverError(w http.ResponseWriter, r *http.Request, f format, route string, err error) {
	if errors.Is(err, context.Canceled) && r.Context().Err() != nil {
		s.o.Log.Debug("open311: client went away", "route", route)
	} else {
		s.o.Log.Error("open311: reading from the source", "route", route, "err", err)
	}
	s.fail(w, r, f, http.StatusInternalServerError, msgInternal)
}

// quote prints a value from the request in an error description: quoted,
// escaped and cut short, so that no input can shape the answer.
func quote(s string) string {
	const max = 40
	if len(s) > max {
		return fmt.Sprintf("%q…", s[:max])
	}
	return fmt.Sprintf("%q", s)
}
