package webchat_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/lapor-id/lapor/bot"
	"github.com/lapor-id/lapor/bot/webchat"
	"github.com/lapor-id/lapor/flows"
	"github.com/lapor-id/lapor/flows/calendar"
	"github.com/lapor-id/lapor/flows/region"
	"github.com/lapor-id/lapor/store"
	"github.com/lapor-id/lapor/store/pgtest"
)

var pg *pgtest.Cluster

func TestMain(m *testing.M) { pgtest.Main(m, &pg) }

// maxUpload is small so that the fuzzer reaches the size limit.
const maxUpload = 4096

// webFuzz is the web chat's real handler on its own database, shared by
// the inputs of one fuzz target. Each input gets a fresh session (cookie
// and CSRF token) and its own client address, so no input is refused for
// what another did.
type webFuzz struct {
	db      *store.DB
	svc     *flows.Service // the desks' rooms
	handler http.Handler
	n       atomic.Int64
}

func newWebFuzz(f *testing.F) *webFuzz {
	db := pg.NewDB(f)
	svc := flows.New(db, flows.DefaultConfig(), calendar.Default(), region.Default(), time.Now, nil)
	if err := svc.Seed(context.Background()); err != nil {
		f.Fatal(err)
	}
	ch := webchat.New(db, bot.NewInbox(db, nil), webchat.Options{MaxUpload: maxUpload, Rooms: svc})
	return &webFuzz{db: db, svc: svc, handler: ch.Handler()}
}

// post sends one request of a new session and checks what every answer of
// the API must be: a status from allowed, never a 5xx, and a JSON body,
// with a sentence for the browser in "error" on a refusal.
func (w *webFuzz) post(t *testing.T, path, contentType string, body []byte, allowed ...int) (int, map[string]any) {
	t.Helper()
	n := w.n.Add(1)
	addr := fmt.Sprintf("10.%d.%d.%d:40000", n>>16&255, n>>8&255, n&255)
	req := httptest.NewRequest("POST", "/api/session", nil)
	req.RemoteAddr = addr
	rec := httptest.NewRecorder()
	w.handler.ServeHTTP(rec, req)
	var session struct{ CSRF string }
	if err := json.Unmarshal(rec.Body.Bytes(), &session); rec.Code != http.StatusOK || err != nil || session.CSRF == "" {
		t.Fatalf("no session: %d %s", rec.Code, rec.Body)
	}
	req = httptest.NewRequest("POST", path, bytes.NewReader(body))
	req.RemoteAddr = addr
	req.Header.Set("Content-Type", contentType)
	req.Header.Set("X-CSRF-Token", session.CSRF)
	req.Header.Set("Sec-Fetch-Site", "same-origin")
	for _, c := range rec.Result().Cookies() {
		req.AddCookie(c)
	}
	rec = httptest.NewRecorder()
	w.handler.ServeHTTP(rec, req)
	if !slices.Contains(allowed, rec.Code) {
		t.Fatalf("POST %s %q: status %d, want one of %v; body %s", path, body, rec.Code, allowed, rec.Body)
	}
	if ct := rec.Header().Get("Content-Type"); ct != "application/json" {
		t.Fatalf("POST %s: Content-Type %q", path, ct)
	}
	var out map[string]any
	if err := json.Unmarshal(rec.Body.Bytes(), &out); err != nil {
		t.Fatalf("POST %s: body %q is not JSON: %v", path, rec.Body, err)
	}
	if rec.Code >= 400 {
		if msg, _ := out["error"].(string); strings.TrimSpace(msg) == "" || strings.Contains(msg, "%!") {
			t.Fatalf("POST %s: refusal %d without a sentence: %s", path, rec.Code, rec.Body)
		}
	}
	if rec.Code == http.StatusAccepted && out["ok"] != true {
		t.Fatalf("POST %s: accepted with %s", path, rec.Body)
	}
	return rec.Code, out
}

// received takes the message an accepted request put in the inbox.
func (w *webFuzz) received(t *testing.T) flows.Inbound {
	t.Helper()
	var in flows.Inbound
	ctx := context.Background()
	later := time.Now().Add(time.Hour)
	err := w.db.InTx(ctx, func(tx *store.Tx) error {
		row, err := tx.ClaimInbound(ctx, later)
		if err != nil {
			return err
		}
		if err := json.Unmarshal(row.Payload, &in); err != nil {
			return err
		}
		return tx.FinishInbound(ctx, row.ID, "fuzz", time.Now())
	})
	if err != nil {
		t.Fatalf("inbox: %v", err)
	}
	if err := w.db.InTx(ctx, func(tx *store.Tx) error {
		_, err := tx.ClaimInbound(ctx, later)
		return err
	}); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("a second message in the inbox (%v)", err)
	}
	if in.Channel != webchat.Name || in.ChatID == "" || in.UserID == "" {
		t.Fatalf("inbox holds %+v", in)
	}
	return in
}

// FuzzMessages posts JSON bodies to /api/messages (text, a button press, a
// reply to a message): 202 with exactly the message in the inbox, or a
// refusal the browser can show (400 unreadable or empty, 413 too long).
func FuzzMessages(f *testing.F) {
	for _, s := range []string{`{"text":"Jalan rusak di depan pasar"}`, `{"text":"/status MGT-7K3QFA"}`, `{"text":"  /BATAL  "}`,
		`{"button":"type:pengaduan","label":"Pengaduan"}`, `{"button":"w|verify|MGT-7K3QFA|3|"}`, `{"text":"ya","reply_to":1}`,
		`{"text":"   "}`, `{"text":""}`, `{}`, `[]`, `null`, `{"text":1}`, `{"text":"a","button":""}`, `{"reply_to":-9223372036854775808,"text":"x"}`,
		`{"text":"\ud83d\ude21 \u202eabc"}`, `{"text":"\ud800"}`, `{"text":"x"} trailing`, `{"button":"` + strings.Repeat("b", 65) + `"}`,
		`{"text":"` + strings.Repeat("😡", 10001) + `"}`, `{"text":"/"}`, `{"text":"/ x"}`, `{"Text":"case"}`} {
		f.Add([]byte(s))
	}
	w := newWebFuzz(f)
	f.Fuzz(func(t *testing.T, body []byte) {
		code, _ := w.post(t, "/api/messages", "application/json", body, http.StatusAccepted, http.StatusBadRequest,
			http.StatusRequestEntityTooLarge)
		if code != http.StatusAccepted {
			return
		}
		var sent struct {
			Text, Button string
		}
		if err := json.Unmarshal(body, &sent); err != nil {
			// Decode reads the first value only; what follows is ignored.
			_ = json.NewDecoder(bytes.NewReader(body)).Decode(&sent)
		}
		in := w.received(t)
		// PostgreSQL's JSON cannot hold U+0000: the inbox drops it.
		noNUL := func(s string) string { return strings.ReplaceAll(s, "\x00", "") }
		switch {
		case sent.Button != "":
			if in.Kind != flows.KindButton || in.Button != noNUL(sent.Button) {
				t.Fatalf("button %q stored as %+v", sent.Button, in)
			}
		case strings.HasPrefix(strings.TrimSpace(sent.Text), "/"):
			if in.Kind != flows.KindCommand || in.Command != strings.ToLower(in.Command) || strings.Contains(in.Command, " ") {
				t.Fatalf("command %q stored as %+v", sent.Text, in)
			}
		default:
			if in.Kind != flows.KindText || in.Text != noNUL(sent.Text) {
				t.Fatalf("text %q stored as %+v", sent.Text, in)
			}
		}
	})
}

// FuzzLocation posts JSON bodies to /api/location: a pin on Earth is
// stored as it was sent, anything else is refused with 400.
func FuzzLocation(f *testing.F) {
	for _, s := range []string{`{"lat":-7.65,"lon":111.33}`, `{"Lat":-7.65,"Lon":111.33}`, `{"lat":0,"lon":0}`, `{"lat":91,"lon":0}`,
		`{"lat":-90,"lon":180}`, `{"lat":1e400,"lon":1}`, `{"lat":"x"}`, `{}`, `null`, `{"lat":-7.65,"lon":111.33,"alt":3}`, `-0`,
		`{"lat":4.9e-324,"lon":-0}`} {
		f.Add([]byte(s))
	}
	w := newWebFuzz(f)
	f.Fuzz(func(t *testing.T, body []byte) {
		code, _ := w.post(t, "/api/location", "application/json", body, http.StatusAccepted, http.StatusBadRequest)
		if code != http.StatusAccepted {
			return
		}
		var sent struct{ Lat, Lon float64 }
		_ = json.NewDecoder(bytes.NewReader(body)).Decode(&sent)
		in := w.received(t)
		if in.Kind != flows.KindLocation || in.Location == nil || in.Location.Lat != sent.Lat || in.Location.Lon != sent.Lon ||
			sent.Lat < -90 || sent.Lat > 90 || sent.Lon < -180 || sent.Lon > 180 {
			t.Fatalf("location %+v stored as %+v", sent, in)
		}
	})
}

// FuzzSignIn posts JSON bodies to /api/signin, "{code}" standing for a
// room code issued for the input: the code, however it is spaced or cased,
// enters the desk's room (200 with its title); a wrong one is refused with
// 403, an unreadable body with 400.
func FuzzSignIn(f *testing.F) {
	for _, s := range []string{`{"code":"{code}"}`, `{"code":" {code} "}`, `{"Code":"{code}"}`, `{"code":"KODE-SALAH"}`,
		`{"code":""}`, `{}`, `{"code":1}`, `null`, `{"code":"{code}{code}"}`, `{"code":"{code}","code":"x"}`} {
		f.Add([]byte(s), false)
	}
	f.Add([]byte(`{"code":"{code}"}`), true)
	w := newWebFuzz(f)
	f.Fuzz(func(t *testing.T, body []byte, lower bool) {
		issued, err := w.svc.IssueRoomCode(context.Background(), flows.DeskRegency, "", "Petugas Fuzz", "fuzz")
		if err != nil {
			t.Fatal(err)
		}
		typed := issued
		if lower {
			typed = strings.ToLower(issued)
		}
		body = bytes.ReplaceAll(body, []byte("{code}"), []byte(typed))
		code, out := w.post(t, "/api/signin", "application/json", body, http.StatusOK, http.StatusBadRequest, http.StatusForbidden)
		var sent struct{ Code string }
		decodes := json.NewDecoder(bytes.NewReader(body)).Decode(&sent) == nil
		valid := decodes && strings.ToUpper(strings.TrimSpace(sent.Code)) == issued
		switch {
		case code == http.StatusOK && (!valid || out["room"] == "" || out["officer"] != "Petugas Fuzz"):
			t.Fatalf("signed in with %q (issued %s): %v", sent.Code, issued, out)
		case code != http.StatusOK && valid:
			t.Fatalf("the valid code %q was refused: %d %v", sent.Code, code, out)
		}
	})
}

// FuzzUpload posts multipart bodies to /api/upload: a file within the
// limit is stored with its size and a file kind, a bigger one is refused
// with 413, a body that is not a form with a file with 400.
func FuzzUpload(f *testing.F) {
	const boundary = "lapor-fuzz-boundary"
	form := func(name, mime string, data []byte, caption string) []byte {
		var b bytes.Buffer
		mw := multipart.NewWriter(&b)
		if err := mw.SetBoundary(boundary); err != nil {
			f.Fatal(err)
		}
		if caption != "" {
			_ = mw.WriteField("caption", caption)
		}
		if name != "" {
			h := make(map[string][]string)
			h["Content-Disposition"] = []string{`form-data; name="file"; filename="` + name + `"`}
			if mime != "" {
				h["Content-Type"] = []string{mime}
			}
			pw, err := mw.CreatePart(h)
			if err != nil {
				f.Fatal(err)
			}
			_, _ = pw.Write(data)
		}
		_ = mw.Close()
		return b.Bytes()
	}
	f.Add(form("lubang.jpg", "image/jpeg", []byte("\xff\xd8\xff\xe0\x00\x10JFIF\x00 fake jpeg"), "lubangnya"))
	f.Add(form("surat.pdf", "application/pdf", []byte("%PDF-1.4 surat"), ""))
	f.Add(form("bukti.pdf.exe", "application/octet-stream", []byte("MZ\x90\x00 program"), ""))
	f.Add(form(`..\..\etc\passwd`, "", []byte("root:x:0:0"), ""))
	f.Add(form("rekaman.ogg", "audio/ogg", []byte("OggS\x00\x02 audio"), "suara"))
	f.Add(form("besar.bin", "", bytes.Repeat([]byte{7}, maxUpload+1), ""))
	f.Add(form("", "", nil, "tanpa berkas"))
	f.Add(form("nama\u202etxt.exe", "", []byte("x"), "keterangan"))
	f.Add([]byte("--" + boundary + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a\"\r\n\r\nunterminated"))
	f.Add([]byte("not a form"))
	w := newWebFuzz(f)
	f.Fuzz(func(t *testing.T, body []byte) {
		code, _ := w.post(t, "/api/upload", "multipart/form-data; boundary="+boundary, body, http.StatusAccepted,
			http.StatusBadRequest, http.StatusRequestEntityTooLarge)
		if code != http.StatusAccepted {
			return
		}
		in := w.received(t)
		if !in.Kind.IsFile() || in.File == nil || in.File.ID == "" || in.File.Size > maxUpload ||
			strings.ContainsAny(in.File.Name, `/\`) {
			t.Fatalf("upload stored as %+v %+v", in, in.File)
		}
	})
}
