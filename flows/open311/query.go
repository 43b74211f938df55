package open311

import (
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// apiError is one error of the specification's error document. Code is the
// HTTP status.
type apiError struct {
	Code        int    `json:"code" xml:"code"`
	Description string `json:"description" xml:"description"`
}

func (e *apiError) Error() string { return fmt.Sprintf("%d %s", e.Code, e.Description) }

func badRequest(format string, args ...any) *apiError {
	return &apiError{http.StatusBadRequest, fmt.Sprintf(format, args...)}
}

// maxCodes caps the service codes of one query; there are three services.
const maxCodes = 50

// parseQuery reads the arguments of GET Service Requests. Following the
// specification, service_request_id overrides all other arguments; an
// empty argument is the same as a missing one; without dates the range is
// the last maxSpan before now; a range longer than maxSpan is refused.
func parseQuery(v url.Values, now time.Time, maxResults int, maxSpan time.Duration) (Query, *apiError) {
	q := Query{Limit: maxResults}
	ids, e := list(v, "service_request_id", maxResults, validID,
		"a tracking number has letters, digits and dashes, e.g. MGT-7K3QFA")
	if e != nil {
		return Query{}, e
	}
	if len(ids) > 0 {
		q.IDs = ids
		return q, nil
	}
	if q.ServiceCodes, e = list(v, "service_code", maxCodes, validCode,
		"see services.xml or services.json for the codes"); e != nil {
		return Query{}, e
	}
	if q.Status, e = status(v); e != nil {
		return Query{}, e
	}
	start, e := date(v, "start_date")
	if e != nil {
		return Query{}, e
	}
	end, e := date(v, "end_date")
	if e != nil {
		return Query{}, e
	}
	switch {
	case start.IsZero() && end.IsZero():
		start, end = now.Add(-maxSpan), now
	case end.IsZero():
		end = start.Add(maxSpan)
	case start.IsZero():
		start = end.Add(-maxSpan)
	}
	if end.Before(start) {
		return Query{}, badRequest("end_date is before start_date.")
	}
	if end.Sub(start) > maxSpan {
		return Query{}, badRequest("start_date and end_date may not span more than %s: ask for a shorter range (or several).", days(maxSpan))
	}
	q.Start, q.End = start, end
	return q, nil
}

// list reads a comma-separated argument that may also be repeated, without
// empty items or duplicates.
func list(v url.Values, name string, max int, valid func(string) bool, hint string) ([]string, *apiError) {
	var out []string
	for _, raw := range v[name] {
		for item := range strings.SplitSeq(raw, ",") {
			item = strings.TrimSpace(item)
			if item == "" || slices.Contains(out, item) {
				continue
			}
			if !valid(item) {
				return nil, badRequest("%s %s is not valid: %s.", name, quote(item), hint)
			}
			if len(out) == max {
				return nil, badRequest("Too many values of %s: at most %d in one query.", name, max)
			}
			out = append(out, item)
		}
	}
	return out, nil
}

// validID accepts what a tracking number can be made of: ASCII letters,
// digits, dashes, underscores and dots, up to 64 of them. Anything else
// cannot name a report, and never reaches the Source.
func validID(s string) bool {
	if s == "" || len(s) > 64 {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '-' || c == '_' || c == '.') {
			return false
		}
	}
	return true
}

// validCode accepts a short UTF-8 string without control characters (which
// PostgreSQL would refuse, or a log would print).
func validCode(s string) bool {
	if s == "" || len(s) > 64 || !utf8.ValidString(s) {
		return false
	}
	return !strings.ContainsFunc(s, unicode.IsControl)
}

// status reads the status argument: open, closed, or both (comma-separated
// or repeated), which is the same as none.
func status(v url.Values) (string, *apiError) {
	var open, closed bool
	for _, raw := range v["status"] {
		for item := range strings.SplitSeq(raw, ",") {
			switch strings.ToLower(strings.TrimSpace(item)) {
			case "":
			case "open":
				open = true
			case "closed":
				closed = true
			default:
				return "", badRequest("status %s is not valid: use open, closed, or both separated by a comma.", quote(strings.TrimSpace(item)))
			}
		}
	}
	switch {
	case open && !closed:
		return "open", nil
	case closed && !open:
		return "closed", nil
	}
	return "", nil
}

// The W3C datetime formats with a time of day (and so a time zone, which
// the specification requires). Fractional seconds are accepted by
// time.Parse after the seconds.
var dateLayouts = []string{time.RFC3339, "2006-01-02T15:04Z07:00"}

// spacedOffset is a datetime whose "+07:00" arrived as " 07:00": a "+"
// that was not percent-encoded reads as a space in a query string.
var spacedOffset = regexp.MustCompile(`^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?) (\d{2}:\d{2})$`)

// date reads a datetime argument; zero when it is missing or empty.
func date(v url.Values, name string) (time.Time, *apiError) {
	var given []string
	for _, s := range v[name] {
		if s = strings.TrimSpace(s); s != "" {
			given = append(given, s)
		}
	}
	switch len(given) {
	case 0:
		return time.Time{}, nil
	case 1:
	default:
		return time.Time{}, badRequest("Give %s once.", name)
	}
	s := given[0]
	if m := spacedOffset.FindStringSubmatch(s); m != nil {
		s = m[1] + "+" + m[2]
	}
	if len(s) <= 40 {
		for _, layout := range dateLayouts {
			if t, err := time.Parse(layout, s); err == nil {
				return t, nil
			}
		}
	}
	return time.Time{}, badRequest("%s %s is not a W3C datetime with a time zone: write e.g. 2026-11-01T00:00:00+07:00 or 2026-10-31T17:00:00Z (in a URL, + is written %%2B).", name, quote(given[0]))
}

// days prints a span in days ("90 days"), or in hours when it is not whole
// days.
func days(d time.Duration) string {
	if d%(24*time.Hour) == 0 {
		n := d / (24 * time.Hour)
		if n == 1 {
			return "1 day"
		}
		return fmt.Sprintf("%d days", n)
	}
	return d.String()
}
