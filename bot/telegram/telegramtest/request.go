package telegramtest

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"mime"
	"mime/multipart"
	"net/http"
	"net/url"
	"strconv"
)

// Upload limits of the Bot API for multipart uploads.
const (
	maxPhotoUpload = 10 << 20
	maxFileUpload  = 50 << 20
	maxFormBody    = 1 << 20 // non-file request bodies and form fields
)

// request is one Bot API call with its parameters in the form every
// transport reduces to: strings (JSON values other than strings keep their
// JSON text, like reply_markup objects) plus uploaded files by field name.
type request struct {
	ctx     context.Context
	params  map[string]string
	uploads map[string]upload
}

// upload is a file part of a multipart request.
type upload struct {
	name        string
	contentType string
	data        []byte
}

func (rq *request) str(key string) string { return rq.params[key] }

// number reads an integer parameter; like the Bot API it reads junk as 0.
func (rq *request) number(key string) int {
	n, _ := strconv.Atoi(rq.params[key])
	return n
}

func (rq *request) flag(key string) bool {
	b, _ := strconv.ParseBool(rq.params[key])
	return b
}

// parseRequest accepts the transports the Bot API accepts: a query string,
// application/x-www-form-urlencoded, application/json and
// multipart/form-data bodies.
func parseRequest(r *http.Request) (*request, *apiError) {
	rq := &request{ctx: r.Context(), params: map[string]string{}, uploads: map[string]upload{}}
	for k, v := range r.URL.Query() {
		rq.params[k] = v[0]
	}
	if r.Method != http.MethodPost {
		return rq, nil
	}
	mediaType, ctParams, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	switch mediaType {
	case "application/json":
		return rq, parseJSONBody(r.Body, rq.params)
	case "multipart/form-data":
		return rq, parseMultipart(multipart.NewReader(r.Body, ctParams["boundary"]), rq)
	default:
		return rq, parseFormBody(r.Body, rq.params)
	}
}

func readLimited(r io.Reader, limit int64) ([]byte, *apiError) {
	b, err := io.ReadAll(io.LimitReader(r, limit+1))
	switch {
	case err != nil:
		return nil, errReadBody
	case int64(len(b)) > limit:
		return nil, errTooLarge
	}
	return b, nil
}

func parseFormBody(body io.Reader, params map[string]string) *apiError {
	b, err := readLimited(body, maxFormBody)
	if err != nil {
		return err
	}
	values, perr := url.ParseQuery(string(b))
	if perr != nil {
		return badRequest("can't parse request body")
	}
	for k, v := range values {
		params[k] = v[0]
	}
	return nil
}

func parseJSONBody(body io.Reader, params map[string]string) *apiError {
	b, err := readLimited(body, maxFormBody)
	if err != nil {
		return err
	}
	var fields map[string]json.RawMessage
	if json.Unmarshal(b, &fields) != nil {
		return errBadJSON
	}
	for k, raw := range fields {
		var str string
		switch {
		case string(raw) == "null":
		case json.Unmarshal(raw, &str) == nil:
			params[k] = str
		default:
			params[k] = string(raw)
		}
	}
	return nil
}

func parseMultipart(mr *multipart.Reader, rq *request) *apiError {
	for {
		part, err := mr.NextPart()
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return errBadMultipart
		}
		if part.FileName() == "" {
			b, aerr := readLimited(part, maxFormBody)
			if aerr != nil {
				return aerr
			}
			rq.params[part.FormName()] = string(b)
			continue
		}
		b, aerr := readLimited(part, uploadLimit(part.FormName()))
		if aerr != nil {
			return aerr
		}
		rq.uploads[part.FormName()] = upload{
			name:        part.FileName(),
			contentType: part.Header.Get("Content-Type"),
			data:        b,
		}
	}
}

func uploadLimit(field string) int64 {
	if field == string(kindPhoto) {
		return maxPhotoUpload
	}
	return maxFileUpload
}
