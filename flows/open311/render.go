package open311

import (
	"encoding/json"
	"encoding/xml"
	"math"
	"net/http"
	"strconv"
	"time"
	"unicode/utf8"

	"github.com/lapor-id/lapor/flows/calendar"
	"github.com/lapor-id/lapor/flows/records"
)

// format is the document format, chosen by the path's extension.
type format int

const (
	formatJSON format = iota + 1
	formatXML
)

var formats = map[string]format{"json": formatJSON, "xml": formatXML}

func (f format) ext() string {
	if f == formatXML {
		return "xml"
	}
	return "json"
}

func (f format) contentType() string {
	if f == formatXML {
		return "text/xml; charset=utf-8"
	}
	return "application/json; charset=utf-8"
}

// The documents. JSON follows the specification's Spark convention: the
// root element goes, a list becomes an array.

type discoveryDoc struct {
	XMLName    xml.Name      `xml:"discovery" json:"-"`
	Changeset  string        `xml:"changeset" json:"changeset"`
	Contact    string        `xml:"contact" json:"contact"`
	KeyService string        `xml:"key_service" json:"key_service"`
	Endpoints  []endpointDoc `xml:"endpoints>endpoint" json:"endpoints"`
}

type endpointDoc struct {
	Specification string   `xml:"specification" json:"specification"`
	URL           string   `xml:"url" json:"url"`
	Changeset     string   `xml:"changeset" json:"changeset"`
	Type          string   `xml:"type" json:"type"`
	Formats       []string `xml:"formats>format" json:"formats"`
}

type servicesDoc struct {
	XMLName  xml.Name     `xml:"services"`
	Services []serviceDoc `xml:"service"`
}

type serviceDoc struct {
	Code        string `xml:"service_code" json:"service_code"`
	Name        string `xml:"service_name" json:"service_name"`
	Description string `xml:"description" json:"description"`
	Metadata    bool   `xml:"metadata" json:"metadata"`
	Type        string `xml:"type" json:"type"`
	Keywords    string `xml:"keywords" json:"keywords"`
	Group       string `xml:"group" json:"group"`
}

type requestsDoc struct {
	XMLName  xml.Name         `xml:"service_requests"`
	Requests []serviceRequest `xml:"request"`
}

// serviceRequest is a report as GeoReport v2 shows it. Fields without a
// value are empty elements in XML; in JSON, lat, long and expected_datetime
// are left out (a client reads a number or a datetime, never "").
type serviceRequest struct {
	ID                string   `xml:"service_request_id" json:"service_request_id"`
	Status            string   `xml:"status" json:"status"`
	StatusNotes       string   `xml:"status_notes" json:"status_notes"`
	ServiceName       string   `xml:"service_name" json:"service_name"`
	ServiceCode       string   `xml:"service_code" json:"service_code"`
	Description       string   `xml:"description" json:"description"`
	AgencyResponsible string   `xml:"agency_responsible" json:"agency_responsible"`
	ServiceNotice     string   `xml:"service_notice" json:"service_notice"`
	RequestedDatetime string   `xml:"requested_datetime" json:"requested_datetime"`
	UpdatedDatetime   string   `xml:"updated_datetime" json:"updated_datetime"`
	ExpectedDatetime  string   `xml:"expected_datetime" json:"expected_datetime,omitempty"`
	Address           string   `xml:"address" json:"address"`
	AddressID         string   `xml:"address_id" json:"address_id"`
	Zipcode           string   `xml:"zipcode" json:"zipcode"`
	Lat               *float64 `xml:"-" json:"lat,omitempty"`
	LatText           string   `xml:"lat" json:"-"`
	Long              *float64 `xml:"-" json:"long,omitempty"`
	LongText          string   `xml:"long" json:"-"`
	MediaURL          string   `xml:"media_url" json:"media_url"`
}

type errorsDoc struct {
	XMLName xml.Name   `xml:"errors"`
	Errors  []apiError `xml:"error"`
}

// maxDescription is the specification's limit of a description.
const maxDescription = 4000

// toRequest maps a public record to a service request, as the privacy
// table lets the public see it whatever the Source handed over.
func toRequest(rec records.Record) serviceRequest {
	rec = rec.For(records.Public)
	sr := serviceRequest{
		ID:                rec.TrackingID,
		Status:            "closed",
		StatusNotes:       rec.StageName, // the national LAPOR! status (flows/publicstatus.go), e.g. "Tindak Lanjut"
		ServiceName:       rec.TypeName,
		ServiceCode:       rec.Type,
		Description:       truncate(rec.Description, maxDescription),
		AgencyResponsible: rec.Agency,
		RequestedDatetime: datetime(rec.SubmittedAt),
		UpdatedDatetime:   datetime(rec.UpdatedAt),
		Address:           rec.Address,
		// service_notice, address_id, zipcode: not kept. media_url:
		// evidence is never public.
	}
	if sr.ServiceName == "" {
		sr.ServiceName = rec.Type
	}
	if sr.UpdatedDatetime == "" {
		sr.UpdatedDatetime = sr.RequestedDatetime
	}
	if rec.Open {
		sr.Status = "open"
		sr.ExpectedDatetime = datetime(rec.StageDeadline)
	} else if rec.ClosedReason != "" {
		if sr.StatusNotes != "" {
			sr.StatusNotes += ": "
		}
		sr.StatusNotes += rec.ClosedReason
	}
	if lat, lon, ok := location(rec); ok {
		sr.Lat, sr.Long = &lat, &lon
		sr.LatText = strconv.FormatFloat(lat, 'f', -1, 64)
		sr.LongText = strconv.FormatFloat(lon, 'f', -1, 64)
	}
	return sr
}

// location returns a record's point when it has a valid one: JSON has no
// NaN, and a point off the globe is no point.
func location(rec records.Record) (lat, lon float64, ok bool) {
	if rec.Lat == nil || rec.Lon == nil {
		return 0, 0, false
	}
	lat, lon = *rec.Lat, *rec.Lon
	if math.IsNaN(lat) || math.IsNaN(lon) || math.Abs(lat) > 90 || math.Abs(lon) > 180 {
		return 0, 0, false
	}
	return lat, lon, true
}

// datetime prints an instant on the Jakarta clock with its offset
// (2026-11-01T09:30:00+07:00); "" for the zero time.
func datetime(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.In(calendar.Local()).Format("2006-01-02T15:04:05-07:00")
}

// truncate cuts s to at most n characters, the last one an ellipsis.
func truncate(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	i, count := 0, 0
	for i = range s {
		if count == n-1 {
			break
		}
		count++
	}
	return s[:i] + "…"
}

// fail writes an error document of one error.
func (s *server) fail(w http.ResponseWriter, r *http.Request, f format, code int, description string) {
	errs := []apiError{{Code: code, Description: description}}
	s.write(w, r, f, code, errorsDoc{Errors: errs}, errs)
}

// xmlHeader is the declaration the specification's examples start with.
const xmlHeader = `<?xml version="1.0" encoding="utf-8"?>` + "\n"

// fallback is written when a document cannot be encoded, which only a bug
// can cause.
var fallback = map[format]string{
	formatJSON: `[{"code":500,"description":"` + msgInternal + `"}]` + "\n",
	formatXML:  xmlHeader + "<errors><error><code>500</code><description>" + msgInternal + "</description></error></errors>\n",
}

// write encodes a document (xmlDoc or jsonDoc, by the format) and sends it
// with the headers of open data.
func (s *server) write(w http.ResponseWriter, r *http.Request, f format, code int, xmlDoc, jsonDoc any) {
	var body []byte
	var err error
	if f == formatXML {
		body, err = xml.Marshal(xmlDoc)
		if err == nil {
			body = append([]byte(xmlHeader), body...)
		}
	} else {
		body, err = json.Marshal(jsonDoc)
	}
	if err != nil {
		s.o.Log.Error("open311: encoding a document", "format", f.ext(), "err", err)
		code, body = http.StatusInternalServerError, []byte(fallback[f])
	} else {
		body = append(body, '\n')
	}
	h := w.Header()
	h.Set("Content-Type", f.contentType())
	h.Set("Content-Length", strconv.Itoa(len(body)))
	h.Set("Access-Control-Allow-Origin", "*")
	h.Set("X-Content-Type-Options", "nosniff")
	switch {
	case code < 300:
		h.Set("Cache-Control", "public, max-age=60")
	case code < 500:
		h.Set("Cache-Control", "public, max-age=10")
	default:
		h.Set("Cache-Control", "no-store")
	}
	w.WriteHeader(code)
	if r.Method != http.MethodHead {
		_, _ = w.Write(body)
	}
}
