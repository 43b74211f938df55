package telegram

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"net/url"
	"strings"
	"time"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"

	"github.com/lapor-id/lapor/bot"
	"github.com/lapor-id/lapor/flows"
)

// client calls the Bot API with a context on every request. tgbotapi's own
// BotAPI has none, ignores the HTTP status, loses error_code on uploads and
// builds file links for api.telegram.org only, so lapor uses tgbotapi for
// its types and does the calls itself.
type client struct {
	token        string
	apiEndpoint  string // fmt format: token, method
	fileEndpoint string // fmt format: token, file path
	http         *http.Client
}

// apiError is an error the Bot API answered with.
type apiError struct {
	Code        int
	Description string
	RetryAfter  time.Duration
	MigrateTo   int64
}

func (e *apiError) Error() string {
	return fmt.Sprintf("telegram: %d %s", e.Code, e.Description)
}

// call performs one Bot API method with form parameters.
func (c *client) call(ctx context.Context, method string, params url.Values) (json.RawMessage, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, fmt.Sprintf(c.apiEndpoint, c.token, method),
		strings.NewReader(params.Encode()))
	if err != nil {
		return nil, c.redact(err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	return c.do(req, method)
}

// upload performs one Bot API method with a file, as multipart form data.
// The file streams from the store into the request: the form's fields and
// the part's header before it and the closing boundary after it are made in
// memory, and their lengths with the file's give the Content-Length.
func (c *client) upload(ctx context.Context, method string, params url.Values, field string, f *bot.File) (json.RawMessage, error) {
	var buf bytes.Buffer
	w := multipart.NewWriter(&buf)
	for k, vs := range params {
		for _, v := range vs {
			if err := w.WriteField(k, v); err != nil {
				return nil, err
			}
		}
	}
	if _, err := w.CreateFormFile(field, f.Name); err != nil {
		return nil, err
	}
	head := bytes.Clone(buf.Bytes())
	buf.Reset()
	if err := w.Close(); err != nil {
		return nil, err
	}
	tail := buf.Bytes()
	file, err := f.Open(ctx)
	if err != nil {
		return nil, err
	}
	body := &uploadBody{Reader: io.MultiReader(bytes.NewReader(head), file, bytes.NewReader(tail)), file: file}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, fmt.Sprintf(c.apiEndpoint, c.token, method), body)
	if err != nil {
		file.Close()
		return nil, c.redact(err)
	}
	req.ContentLength = int64(len(head)) + f.Len() + int64(len(tail))
	req.Header.Set("Content-Type", w.FormDataContentType())
	return c.do(req, method)
}

// uploadBody is an upload's request body; the transport closes it, and
// with it the file's stream.
type uploadBody struct {
	io.Reader
	file io.Closer
}

func (b *uploadBody) Close() error { return b.file.Close() }

func (c *client) do(req *http.Request, method string) (json.RawMessage, error) {
	resp, err := c.http.Do(req)
	if err != nil {
		return nil, c.redact(err)
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(io.LimitReader(resp.Body, 64<<20))
	if err != nil {
		return nil, c.redact(fmt.Errorf("telegram: %s: read response: %w", method, err))
	}
	var r tgbotapi.APIResponse
	if err := json.Unmarshal(raw, &r); err != nil {
		// A proxy's HTML error page, a truncated body: transient.
		return nil, fmt.Errorf("telegram: %s: HTTP %d with a body that is not the Bot API's", method, resp.StatusCode)
	}
	if !r.Ok {
		e := &apiError{Code: r.ErrorCode, Description: r.Description}
		if e.Code == 0 {
			e.Code = resp.StatusCode
		}
		if r.Parameters != nil {
			e.RetryAfter = time.Duration(r.Parameters.RetryAfter) * time.Second
			e.MigrateTo = r.Parameters.MigrateToChatID
		}
		return nil, e
	}
	return r.Result, nil
}

// open starts the download of a file by its path through the file
// endpoint. The stream gives at most limit bytes and fails with
// flows.ErrFileTooBig past them; errors never carry the token.
func (c *client) open(ctx context.Context, filePath string, limit int64) (io.ReadCloser, int64, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, fmt.Sprintf(c.fileEndpoint, c.token, filePath), nil)
	if err != nil {
		return nil, 0, c.redact(err)
	}
	resp, err := c.http.Do(req)
	if err != nil {
		return nil, 0, c.redact(err)
	}
	if resp.StatusCode != http.StatusOK {
		resp.Body.Close()
		return nil, 0, &apiError{Code: resp.StatusCode, Description: "file download failed"}
	}
	if resp.ContentLength > limit {
		resp.Body.Close()
		return nil, 0, flows.ErrFileTooBig
	}
	return &download{body: resp.Body, left: limit, c: c}, max(resp.ContentLength, 0), nil
}

// download is a file's stream, cut at its limit.
type download struct {
	body io.ReadCloser
	left int64
	c    *client
}

func (d *download) Read(p []byte) (int, error) {
	if d.left <= 0 {
		// At the limit: one more byte means the file is over it.
		var one [1]byte
		n, err := d.body.Read(one[:])
		if n > 0 {
			return 0, flows.ErrFileTooBig
		}
		return 0, d.redact(err)
	}
	if int64(len(p)) > d.left {
		p = p[:d.left]
	}
	n, err := d.body.Read(p)
	d.left -= int64(n)
	return n, d.redact(err)
}

func (d *download) redact(err error) error {
	if err == nil || err == io.EOF {
		return err
	}
	return d.c.redact(err)
}

func (d *download) Close() error { return d.body.Close() }

// redact removes the bot token from an error: net/http quotes the request
// URL, and the token is part of every Bot API URL.
func (c *client) redact(err error) error {
	if err == nil || c.token == "" {
		return err
	}
	var ue *url.Error
	if errors.As(err, &ue) {
		return &redacted{msg: fmt.Sprintf("telegram: %s request failed: %s", ue.Op, strings.ReplaceAll(ue.Err.Error(), c.token, "<token>")), err: ue.Err}
	}
	if strings.Contains(err.Error(), c.token) {
		return &redacted{msg: strings.ReplaceAll(err.Error(), c.token, "<token>"), err: nil}
	}
	return err
}

// redacted keeps errors.Is working for the cause (timeouts, cancellation)
// without ever printing the URL.
type redacted struct {
	msg string
	err error
}

func (r *redacted) Error() string { return r.msg }
func (r *redacted) Unwrap() error { return r.err }
