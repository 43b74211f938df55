package telegram

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"net/url"

	"github.com/lapor-id/lapor/bot"
)

var _ bot.AlbumSender = (*Channel)(nil)

// SendAlbum implements bot.AlbumSender with sendMediaGroup: 2 to 10
// photos in one album, each with its caption (cut to 1024 units).
func (ch *Channel) SendAlbum(ctx context.Context, chatID string, parts []bot.Part) error {
	ctx, cancel := context.WithTimeout(ctx, ch.o.SendTimeout)
	defer cancel()
	type item struct {
		Type    string `json:"type"`
		Media   string `json:"media"`
		Caption string `json:"caption,omitempty"`
	}
	var media []item
	var files []*bot.File
	for i, p := range parts {
		caption := ""
		if p.Text != "" {
			caption = bot.SplitText(p.Text, maxCaption)[0]
		}
		media = append(media, item{Type: "photo", Media: fmt.Sprintf("attach://p%d", i), Caption: caption})
		files = append(files, p.File)
	}
	b, _ := json.Marshal(media)
	params := url.Values{}
	params.Set("chat_id", chatID)
	params.Set("media", string(b))
	_, err := ch.c.uploadFiles(ctx, "sendMediaGroup", params, files)
	return classify(err)
}

// uploadFiles is upload with several files, the i-th in field "p<i>",
// each streamed from the store like upload's one.
func (c *client) uploadFiles(ctx context.Context, method string, params url.Values, files []*bot.File) (json.RawMessage, error) {
	var buf bytes.Buffer
	w := multipart.NewWriter(&buf)
	for k, vs := range params {
		for _, v := range vs {
			if err := w.WriteField(k, v); err != nil {
				return nil, err
			}
		}
	}
	var readers []io.Reader
	var closers []io.Closer
	closeAll := func() {
		for _, c := range closers {
			c.Close()
		}
	}
	length := int64(0)
	for i, f := range files {
		if _, err := w.CreateFormFile(fmt.Sprintf("p%d", i), f.Name); err != nil {
			closeAll()
			return nil, err
		}
		head := bytes.Clone(buf.Bytes())
		buf.Reset()
		r, err := f.Open(ctx)
		if err != nil {
			closeAll()
			return nil, err
		}
		closers = append(closers, r)
		readers = append(readers, bytes.NewReader(head), r)
		length += int64(len(head)) + f.Len()
	}
	if err := w.Close(); err != nil {
		closeAll()
		return nil, err
	}
	tail := bytes.Clone(buf.Bytes())
	readers = append(readers, bytes.NewReader(tail))
	length += int64(len(tail))
	body := &uploadBody{Reader: io.MultiReader(readers...), file: closerFunc(func() error { closeAll(); return nil })}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, fmt.Sprintf(c.apiEndpoint, c.token, method), body)
	if err != nil {
		closeAll()
		return nil, c.redact(err)
	}
	req.ContentLength = length
	req.Header.Set("Content-Type", w.FormDataContentType())
	return c.do(req, method)
}

type closerFunc func() error

func (f closerFunc) Close() error { return f() }
