package whatsapptest

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"strconv"
	"sync"
	"time"

	"go.mau.fi/whatsmeow"
	"go.mau.fi/whatsmeow/proto/waE2E"
	"go.mau.fi/whatsmeow/types"
	"google.golang.org/protobuf/proto"

	"github.com/lapor-id/lapor/bot/whatsapp"
)

// Remote is a lapor process's way to a Server: what whatsmeow and its
// device store are to a real process. Open is the whatsapp.Opener; Remote
// is the device's LID map (whatsapp.LIDResolver), kept on the server as
// whatsmeow keeps it in the shared database.
type Remote struct {
	url  string
	http *http.Client
}

var _ whatsapp.LIDResolver = (*Remote)(nil)

// Dial returns the client side of the server at url (Server.URL).
func Dial(url string) *Remote {
	return &Remote{url: url, http: &http.Client{}}
}

func (r *Remote) call(ctx context.Context, op string, in rpcCall) (rpcResult, error) {
	body, err := json.Marshal(in)
	if err != nil {
		return rpcResult{}, err
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, r.url+"/rpc/"+op, bytes.NewReader(body))
	if err != nil {
		return rpcResult{}, err
	}
	resp, err := r.http.Do(req)
	if err != nil {
		// The socket to WhatsApp is not there.
		return rpcResult{}, fmt.Errorf("%w: %v", whatsmeow.ErrNotConnected, err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		b, _ := io.ReadAll(resp.Body)
		return rpcResult{}, fmt.Errorf("whatsapptest: %s: %s", op, b)
	}
	var out rpcResult
	if err := json.NewDecoder(resp.Body).Decode(&out); err != nil {
		return rpcResult{}, fmt.Errorf("%w: %v", whatsmeow.ErrNotConnected, err)
	}
	return out, out.Err.err()
}

// Open is a whatsapp.Opener: a new client of the linked account.
func (r *Remote) Open(ctx context.Context) (whatsapp.Conn, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, r.url+"/open?pid="+strconv.Itoa(os.Getpid()), nil)
	if err != nil {
		return nil, err
	}
	resp, err := r.http.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	var out rpcResult
	if err := json.NewDecoder(resp.Body).Decode(&out); err != nil {
		return nil, err
	}
	if err := out.Err.err(); err != nil {
		return nil, err
	}
	return &RemoteConn{r: r, id: out.Conn}, nil
}

func (r *Remote) lookup(ctx context.Context, op string, j types.JID) (types.JID, error) {
	out, err := r.call(ctx, op, rpcCall{JID: j.String()})
	if err != nil || out.JID == "" {
		return types.JID{}, err
	}
	return types.ParseJID(out.JID)
}

// GetLIDForPN implements whatsapp.LIDResolver.
func (r *Remote) GetLIDForPN(ctx context.Context, pn types.JID) (types.JID, error) {
	return r.lookup(ctx, "lid-for-pn", pn)
}

// GetPNForLID implements whatsapp.LIDResolver.
func (r *Remote) GetPNForLID(ctx context.Context, lid types.JID) (types.JID, error) {
	return r.lookup(ctx, "pn-for-lid", lid)
}

// RemoteConn is one client of the server (whatsapp.Conn). Its events come
// down one stream, handled one at a time and acknowledged with the
// handlers' answer, as whatsmeow's handler queue with SynchronousAck does.
type RemoteConn struct {
	r  *Remote
	id int64

	mu       sync.Mutex
	handlers []whatsmeow.EventHandlerWithSuccessStatus
	stop     context.CancelFunc
}

var _ whatsapp.Conn = (*RemoteConn)(nil)

func (c *RemoteConn) call(ctx context.Context, op string, in rpcCall) (rpcResult, error) {
	in.Conn = c.id
	return c.r.call(ctx, op, in)
}

// ConnectContext attaches the event stream and connects.
func (c *RemoteConn) ConnectContext(ctx context.Context) error {
	c.mu.Lock()
	if c.stop == nil {
		sctx, cancel := context.WithCancel(context.Background())
		c.stop = cancel
		attached := make(chan error, 1)
		go c.stream(sctx, attached)
		c.mu.Unlock()
		if err := <-attached; err != nil {
			return err
		}
	} else {
		c.mu.Unlock()
	}
	_, err := c.call(ctx, "connect", rpcCall{})
	return err
}

// stream reads events until the stream ends.
func (c *RemoteConn) stream(ctx context.Context, attached chan<- error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, c.r.url+"/stream?conn="+strconv.FormatInt(c.id, 10), nil)
	if err != nil {
		attached <- err
		return
	}
	resp, err := c.r.http.Do(req)
	if err != nil {
		attached <- fmt.Errorf("%w: %v", whatsmeow.ErrNotConnected, err)
		return
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		attached <- fmt.Errorf("%w: stream %s", whatsmeow.ErrNotConnected, resp.Status)
		return
	}
	attached <- nil
	sc := bufio.NewScanner(resp.Body)
	sc.Buffer(make([]byte, 64<<10), 16<<20)
	for sc.Scan() {
		var w wireEvent
		if err := json.Unmarshal(sc.Bytes(), &w); err != nil {
			return
		}
		evt, err := w.decode()
		ok := err == nil && c.dispatch(evt)
		actx, cancel := context.WithTimeout(ctx, 10*time.Second)
		_, _ = c.call(actx, "ack", rpcCall{Seq: w.Seq, OK: ok})
		cancel()
	}
}

// dispatch is whatsmeow's: handlers in order until one refuses; a panic
// counts as success.
func (c *RemoteConn) dispatch(evt any) (ok bool) {
	c.mu.Lock()
	hs := append([]whatsmeow.EventHandlerWithSuccessStatus(nil), c.handlers...)
	c.mu.Unlock()
	defer func() {
		if recover() != nil {
			ok = true
		}
	}()
	for _, h := range hs {
		if !h(evt) {
			return false
		}
	}
	return true
}

// Disconnect closes the connection; nothing reconnects it.
func (c *RemoteConn) Disconnect() {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	_, _ = c.call(ctx, "disconnect", rpcCall{})
	c.mu.Lock()
	if c.stop != nil {
		c.stop()
	}
	c.mu.Unlock()
}

// IsLoggedIn asks the server.
func (c *RemoteConn) IsLoggedIn() bool {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	out, err := c.call(ctx, "logged-in", rpcCall{})
	return err == nil && out.OK
}

// AddEventHandlerWithSuccessStatus registers a handler (whatsapp.Conn).
func (c *RemoteConn) AddEventHandlerWithSuccessStatus(h whatsmeow.EventHandlerWithSuccessStatus) uint32 {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.handlers = append(c.handlers, h)
	return uint32(len(c.handlers))
}

// SendMessage sends through the server (whatsapp.Client).
func (c *RemoteConn) SendMessage(ctx context.Context, to types.JID, m *waE2E.Message, extra ...whatsmeow.SendRequestExtra) (whatsmeow.SendResponse, error) {
	b, err := proto.Marshal(m)
	if err != nil {
		return whatsmeow.SendResponse{}, err
	}
	in := rpcCall{To: to.String(), Message: b}
	if len(extra) > 0 {
		in.ID = string(extra[0].ID)
	}
	out, err := c.call(ctx, "send", in)
	if out.ID == "" && err != nil {
		return whatsmeow.SendResponse{}, err
	}
	return whatsmeow.SendResponse{ID: types.MessageID(out.ID), Timestamp: time.Now()}, err
}

// Upload uploads through the server (whatsapp.Client).
func (c *RemoteConn) Upload(ctx context.Context, data []byte, mediaType whatsmeow.MediaType) (whatsmeow.UploadResponse, error) {
	out, err := c.call(ctx, "upload", rpcCall{Data: data, MediaType: string(mediaType)})
	if err != nil || out.Upload == nil {
		return whatsmeow.UploadResponse{}, errors.Join(err, errors.New("whatsapptest: no upload"))
	}
	return *out.Upload, nil
}

// DownloadToFile fetches a file from the server into file in 32 KiB
// writes, as whatsmeow does (whatsapp.Client).
func (c *RemoteConn) DownloadToFile(ctx context.Context, m whatsmeow.DownloadableMessage, file whatsmeow.File) error {
	body, err := json.Marshal(map[string]any{"conn": c.id, "direct_path": m.GetDirectPath()})
	if err != nil {
		return err
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, c.r.url+"/download", bytes.NewReader(body))
	if err != nil {
		return err
	}
	resp, err := c.r.http.Do(req)
	if err != nil {
		return fmt.Errorf("failed to download media from last host: %w", err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		var out rpcResult
		if err := json.NewDecoder(resp.Body).Decode(&out); err != nil || out.Err == nil {
			return fmt.Errorf("failed to download media: %s", resp.Status)
		}
		return out.Err.err()
	}
	buf := make([]byte, 32<<10)
	for {
		n, rerr := resp.Body.Read(buf)
		if n > 0 {
			if _, werr := file.Write(buf[:n]); werr != nil {
				return fmt.Errorf("failed to download media from last host: %w", werr)
			}
		}
		if rerr == io.EOF {
			return nil
		}
		if rerr != nil {
			return fmt.Errorf("failed to download media from last host: %w", rerr)
		}
	}
}

// SendMediaRetryReceipt accepts a re-upload request (whatsapp.Client).
func (c *RemoteConn) SendMediaRetryReceipt(context.Context, *types.MessageInfo, []byte) error {
	return nil
}
