package whatsapp

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"go.mau.fi/whatsmeow"
	"go.mau.fi/whatsmeow/proto/waE2E"
	"go.mau.fi/whatsmeow/proto/waMmsRetry"
	"go.mau.fi/whatsmeow/types"
	"go.mau.fi/whatsmeow/types/events"
	"google.golang.org/protobuf/proto"

	"github.com/lapor-id/lapor/flows"
)

// The inbox keeps only the neutral JSON of a message, so FileRef.ID holds
// everything a later download needs: the media sub-message (URL, direct
// path, media key, hashes) and, to ask the sender's phone for a re-upload
// of an expired file, the message's id, chat and sender as WhatsApp knows
// them. It is "v1." followed by the base64url of mediaRef's JSON.
type mediaRef struct {
	Media  []byte `json:"m"` // proto of a waE2E.Message holding only the media sub-message
	ID     string `json:"i"`
	Chat   string `json:"c"`
	Sender string `json:"s,omitempty"`
	Group  bool   `json:"g,omitempty"`
}

const refPrefix = "v1."

// fileRef describes the file of evt; msg holds only its media sub-message.
func fileRef(evt *events.Message, msg *waE2E.Message, name, mime string, size uint64) *flows.FileRef {
	return &flows.FileRef{ID: encodeRef(evt.Info, msg), Name: name, MIME: mime, Size: int64(size)}
}

func encodeRef(info types.MessageInfo, msg *waE2E.Message) string {
	b, err := proto.Marshal(slim(msg))
	if err != nil {
		return "" // Fetch then fails and flows asks for the file again
	}
	r := mediaRef{Media: b, ID: info.ID, Chat: info.Chat.String(), Group: info.IsGroup}
	if !info.Sender.IsEmpty() {
		r.Sender = info.Sender.String()
	}
	j, err := json.Marshal(r)
	if err != nil {
		return ""
	}
	return refPrefix + base64.RawURLEncoding.EncodeToString(j)
}

// slim drops what a download does not need (thumbnails, the quoted
// message) to keep the reference small.
func slim(msg *waE2E.Message) *waE2E.Message {
	m := proto.Clone(msg).(*waE2E.Message)
	switch {
	case m.ImageMessage != nil:
		m.ImageMessage.JPEGThumbnail, m.ImageMessage.ContextInfo, m.ImageMessage.Caption = nil, nil, nil
	case m.VideoMessage != nil:
		m.VideoMessage.JPEGThumbnail, m.VideoMessage.ContextInfo, m.VideoMessage.Caption = nil, nil, nil
	case m.DocumentMessage != nil:
		m.DocumentMessage.JPEGThumbnail, m.DocumentMessage.ContextInfo, m.DocumentMessage.Caption = nil, nil, nil
	case m.AudioMessage != nil:
		m.AudioMessage.ContextInfo, m.AudioMessage.Waveform = nil, nil
	}
	return m
}

func decodeRef(id string) (mediaRef, whatsmeow.DownloadableMessage, error) {
	var r mediaRef
	raw, ok := strings.CutPrefix(id, refPrefix)
	if !ok {
		return r, nil, errors.New("whatsapp: not a file reference of this channel")
	}
	j, err := base64.RawURLEncoding.DecodeString(raw)
	if err != nil {
		return r, nil, fmt.Errorf("whatsapp: file reference: %w", err)
	}
	if err := json.Unmarshal(j, &r); err != nil {
		return r, nil, fmt.Errorf("whatsapp: file reference: %w", err)
	}
	var m waE2E.Message
	if err := proto.Unmarshal(r.Media, &m); err != nil {
		return r, nil, fmt.Errorf("whatsapp: file reference: %w", err)
	}
	media := downloadable(&m)
	if media == nil {
		return r, nil, whatsmeow.ErrNothingDownloadableFound
	}
	return r, media, nil
}

func downloadable(m *waE2E.Message) whatsmeow.DownloadableMessage {
	switch {
	case m.ImageMessage != nil:
		return m.ImageMessage
	case m.VideoMessage != nil:
		return m.VideoMessage
	case m.DocumentMessage != nil:
		return m.DocumentMessage
	case m.AudioMessage != nil:
		return m.AudioMessage
	case m.StickerMessage != nil:
		return m.StickerMessage
	}
	return nil
}

// Fetch implements bot.Channel: it downloads the file an inbound message
// points at. A file WhatsApp's servers no longer keep is asked from the
// sender's phone again (whose answer HandleEvent passes on); if no answer
// comes within Options.MediaRetryWait, the error is transient and flows
// tries again later.
//
// The file goes to a temporary file, never into memory: whatsmeow
// downloads, checks and decrypts it there (Client.DownloadToFile), through
// a writer that refuses to grow past Options.MaxDownload, so a message
// that declares a small file and serves a huge one costs at most the limit
// (on disk) before it is refused with flows.ErrFileTooBig. The returned
// stream reads the temporary file, which is gone when it is closed (on
// Linux at once: it is unlinked when made).
func (ch *Channel) Fetch(ctx context.Context, in flows.Inbound) (flows.Fetched, error) {
	f, err := ch.download(ctx, in)
	if err != nil {
		return flows.Fetched{}, err
	}
	return flows.Fetched{Body: f, Size: f.size}, nil
}

func (ch *Channel) download(ctx context.Context, in flows.Inbound) (*tempFile, error) {
	if in.File == nil {
		return nil, errors.New("whatsapp: message has no file")
	}
	if in.File.Size > ch.o.MaxDownload {
		return nil, flows.ErrFileTooBig
	}
	c := ch.client()
	if c == nil {
		return nil, ch.notHere(ctx)
	}
	ref, media, err := decodeRef(in.File.ID)
	if err != nil {
		return nil, err
	}
	f, err := newTempFile(ch.o.TempDir, ch.o.MaxDownload)
	if err != nil {
		return nil, fmt.Errorf("whatsapp: download: %w", err)
	}
	ctx, cancel := context.WithTimeout(ctx, ch.o.SendTimeout)
	defer cancel()
	err = c.DownloadToFile(ctx, media, f.bounded())
	if mediaGone(err) {
		err = ch.reupload(ctx, c, ref, media, f, err)
	}
	if err == nil {
		err = f.done()
	}
	if err != nil {
		f.Close()
		if errors.Is(err, errTooBig) {
			return nil, flows.ErrFileTooBig
		}
		return nil, fmt.Errorf("whatsapp: download: %w", err)
	}
	return f, nil
}

// mediaGone reports whether the media servers no longer have the file.
func mediaGone(err error) bool {
	return errors.Is(err, whatsmeow.ErrMediaDownloadFailedWith403) ||
		errors.Is(err, whatsmeow.ErrMediaDownloadFailedWith404) ||
		errors.Is(err, whatsmeow.ErrMediaDownloadFailedWith410)
}

// reupload asks the sender's phone to upload an expired file again, waits
// for its answer and downloads the file from its new place.
func (ch *Channel) reupload(ctx context.Context, c Client, ref mediaRef, media whatsmeow.DownloadableMessage, f *tempFile, cause error) error {
	chat, err := types.ParseJID(ref.Chat)
	if err != nil {
		return cause
	}
	info := &types.MessageInfo{ID: ref.ID, MessageSource: types.MessageSource{Chat: chat, IsGroup: ref.Group}}
	if ref.Sender != "" {
		if info.Sender, err = types.ParseJID(ref.Sender); err != nil {
			return cause
		}
	}
	wait := make(chan *events.MediaRetry, 1)
	ch.mu.Lock()
	ch.retries[ref.ID] = append(ch.retries[ref.ID], wait)
	ch.mu.Unlock()
	defer ch.forgetRetry(ref.ID, wait)
	if err := c.SendMediaRetryReceipt(ctx, info, media.GetMediaKey()); err != nil {
		return fmt.Errorf("%w; asking the sender's phone for it failed: %w", cause, err)
	}
	ch.log.Debug("media expired; re-upload requested", "id", ref.ID)
	timer := time.NewTimer(ch.o.MediaRetryWait)
	defer timer.Stop()
	var evt *events.MediaRetry
	select {
	case evt = <-wait:
	case <-timer.C:
		return fmt.Errorf("%w; the sender's phone has not uploaded it again yet", cause)
	case <-ctx.Done():
		return fmt.Errorf("%w; waiting for the sender's phone: %w", cause, ctx.Err())
	}
	notif, err := whatsmeow.DecryptMediaRetryNotification(evt, media.GetMediaKey())
	if err != nil {
		return fmt.Errorf("whatsapp: media re-upload: %w", err)
	}
	if notif.GetResult() != waMmsRetry.MediaRetryNotification_SUCCESS || notif.GetDirectPath() == "" {
		return fmt.Errorf("whatsapp: media re-upload failed: %s", notif.GetResult())
	}
	fresh := withDirectPath(media, notif.GetDirectPath())
	if fresh == nil {
		return cause
	}
	if err := f.reset(); err != nil {
		return err
	}
	return c.DownloadToFile(ctx, fresh, f.bounded())
}

func (ch *Channel) forgetRetry(id types.MessageID, wait chan *events.MediaRetry) {
	ch.mu.Lock()
	defer ch.mu.Unlock()
	list := ch.retries[id]
	for i, w := range list {
		if w == wait {
			list = append(list[:i:i], list[i+1:]...)
			break
		}
	}
	if len(list) == 0 {
		delete(ch.retries, id)
	} else {
		ch.retries[id] = list
	}
}

// deliverMediaRetry hands a phone's answer to the Fetch calls waiting for it.
func (ch *Channel) deliverMediaRetry(evt *events.MediaRetry) {
	ch.mu.Lock()
	defer ch.mu.Unlock()
	for _, w := range ch.retries[evt.MessageID] {
		select {
		case w <- evt:
		default:
		}
	}
}

// withDirectPath is a copy of media pointing at a re-uploaded file.
func withDirectPath(media whatsmeow.DownloadableMessage, path string) whatsmeow.DownloadableMessage {
	var m *waE2E.Message
	switch v := media.(type) {
	case *waE2E.ImageMessage:
		m = &waE2E.Message{ImageMessage: v}
	case *waE2E.VideoMessage:
		m = &waE2E.Message{VideoMessage: v}
	case *waE2E.DocumentMessage:
		m = &waE2E.Message{DocumentMessage: v}
	case *waE2E.AudioMessage:
		m = &waE2E.Message{AudioMessage: v}
	case *waE2E.StickerMessage:
		m = &waE2E.Message{StickerMessage: v}
	default:
		return nil
	}
	c := proto.Clone(m).(*waE2E.Message)
	switch {
	case c.ImageMessage != nil:
		c.ImageMessage.DirectPath, c.ImageMessage.URL = proto.String(path), nil
	case c.VideoMessage != nil:
		c.VideoMessage.DirectPath, c.VideoMessage.URL = proto.String(path), nil
	case c.DocumentMessage != nil:
		c.DocumentMessage.DirectPath, c.DocumentMessage.URL = proto.String(path), nil
	case c.AudioMessage != nil:
		c.AudioMessage.DirectPath, c.AudioMessage.URL = proto.String(path), nil
	case c.StickerMessage != nil:
		c.StickerMessage.DirectPath, c.StickerMessage.URL = proto.String(path), nil
	}
	return downloadable(c)
}
