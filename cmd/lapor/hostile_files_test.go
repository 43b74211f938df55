package main

// The web group's cases about files: what an upload may leave stored.

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"mime/multipart"
	"net"
	"net/http"
	"net/textproto"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
)

// hcount is one number a query of the group's database answers.
func (w *webHostile) hcount(t *testing.T, sql string, args ...any) int {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	conn, err := pgx.Connect(ctx, w.env["LAPOR_DATABASE_URL"])
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	var n int
	if err := conn.QueryRow(ctx, sql, args...).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// chatOf is the web chat id of a browser's session.
func (w *webHostile) chatOf(t *testing.T, b *browser) string {
	t.Helper()
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, w.env["LAPOR_DATABASE_URL"])
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	var chat string
	if err := conn.QueryRow(ctx, `SELECT chat_id FROM webchat_sessions WHERE csrf = $1`, b.csrf).Scan(&chat); err != nil {
		t.Fatal(err)
	}
	return chat
}

// orphanBlobs counts stored bytes nothing refers to. At rest the web group
// has none: an upload is either a file of a chat or deleted.
const orphanBlobs = `SELECT count(*) FROM blobs b WHERE NOT EXISTS (SELECT 1 FROM attachments x WHERE x.blob_id = b.id)
	AND NOT EXISTS (SELECT 1 FROM webchat_files x WHERE x.blob_id = b.id)
	AND NOT EXISTS (SELECT 1 FROM documents x WHERE x.blob_id = b.id)`

// noFilesOf checks that a chat has no file stored and that no stored bytes
// are left without an owner, waiting for work still under way.
func (w *webHostile) noFilesOf(t *testing.T, b *browser) {
	t.Helper()
	chat := w.chatOf(t, b)
	var files, orphans int
	deadline := time.Now().Add(15 * time.Second)
	for {
		files, orphans = w.hcount(t, `SELECT count(*) FROM webchat_files WHERE chat_id = $1`, chat), w.hcount(t, orphanBlobs)
		if files == 0 && orphans == 0 {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("chat %s keeps %d files; %d stored files belong to nobody", chat, files, orphans)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// formPart is one part of a hand-made multipart body.
type formPart struct {
	name, filename, contentType string
	data                        []byte
}

// uploadParts posts a multipart body made of parts to /api/upload.
func uploadParts(t *testing.T, b *browser, parts ...formPart) (int, string) {
	t.Helper()
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	for _, p := range parts {
		h := textproto.MIMEHeader{}
		if p.filename != "" {
			h.Set("Content-Disposition", fmt.Sprintf(`form-data; name=%q; filename=%q`, p.name, p.filename))
		} else {
			h.Set("Content-Disposition", fmt.Sprintf(`form-data; name=%q`, p.name))
		}
		if p.contentType != "" {
			h.Set("Content-Type", p.contentType)
		}
		pw, _ := mw.CreatePart(h)
		pw.Write(p.data)
	}
	mw.Close()
	req, _ := http.NewRequest("POST", b.base+"/api/upload", &buf)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	req.Header.Set("X-CSRF-Token", b.csrf)
	resp, err := b.client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	out, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(out)
}

// webFileHostileCases are the web group's cases about stored files. Each
// browser comes from an address of its own: the group starts more sessions
// than one address may in a minute.
func webFileHostileCases() []hostileCase[*webHostile] {
	type E = *webHostile
	return []hostileCase[E]{
		{id: "H95", channel: "web", name: "caption over 10000 characters",
			input: "an upload at the description step with a caption of 1,000,000 characters (after the file part), one of 10,001 " +
				"(before it), then one of exactly 10,000",
			expect: "413 \"Pesan terlalu panjang\" for both, with no file, blob, message or echo stored; the 10,000-character caption is accepted",
			run: func(t *testing.T, w E) {
				b := w.browserFrom(t, "127.0.2.95")
				toDescription(b)
				photo := jpegWithGPS(t)
				code, body := uploadParts(t, b, formPart{"file", "rumah.jpg", "image/jpeg", photo},
					formPart{name: "caption", data: []byte(strings.Repeat("a", 1_000_000))})
				wantStatus(t, "a million characters", code, body, 413, "Pesan terlalu panjang")
				code, body = uploadParts(t, b, formPart{name: "caption", data: []byte(runeText(10001))},
					formPart{"file", "rumah.jpg", "image/jpeg", photo})
				wantStatus(t, "10,001 characters", code, body, 413, "Pesan terlalu panjang")
				w.noFilesOf(t, b)
				if mine := b.mine(); len(mine) != 3 { // /start and the two presses
					t.Fatalf("refused uploads were echoed: %+v", mine[3:])
				}
				code, body = uploadParts(t, b, formPart{name: "caption", data: []byte(runeText(10000))},
					formPart{"file", "rumah.jpg", "image/jpeg", photo})
				if code != 202 {
					t.Fatalf("10,000 characters: %d %s", code, body)
				}
				b.expect("Bukti ke-1 diterima")
			}},
		{id: "H96", channel: "web", name: "refused files leave no bytes",
			input: "uploads the conversation refuses: photo.jpg that is a Linux program, " +
				"and an 11th file after the 10 a report may have; then a photo that is kept; in another chat, a photo sent at the start",
			expect: "each refused with its reason, and its file and bytes deleted (no webchat_files row, no blob); the kept photo's bytes " +
				"are stored once, shared by the chat's file and the attachment; the photo sent at the start is kept and the citizen is asked whether it starts a report",
			run: func(t *testing.T, w E) {
				b := w.browserFrom(t, "127.0.2.96")
				b.say("/start", "Selamat datang")
				photo := jpegWithGPS(t)
				b.press("menu:new", "Jenis laporan")
				b.press("type:pengaduan", "Uraian")
				if code, body := uploadAs(t, b, "photo.jpg", "image/jpeg", elfBytes); code != 202 {
					t.Fatalf("upload: %d %s", code, body)
				}
				b.expect("tidak dapat kami terima karena jenisnya (Linux program)")
				w.noFilesOf(t, b)
				for i := 1; i <= 10; i++ {
					if code, body := uploadAs(t, b, fmt.Sprintf("catatan%d.txt", i), "text/plain", []byte(fmt.Sprintf("catatan %d", i))); code != 202 {
						t.Fatalf("upload %d: %d %s", i, code, body)
					}
					b.expect(fmt.Sprintf("Bukti ke-%d diterima", i))
				}
				chat := w.chatOf(t, b)
				if n := w.hcount(t, `SELECT count(*) FROM webchat_files WHERE chat_id = $1`, chat); n != 10 {
					t.Fatalf("%d files kept, want 10", n)
				}
				if code, body := uploadAs(t, b, "rumah.jpg", "image/jpeg", photo); code != 202 {
					t.Fatalf("11th upload: %d %s", code, body)
				}
				b.expect("Sudah ada 10 berkas")
				hwait(t, "the 11th file deleted", func() bool {
					return w.hcount(t, `SELECT count(*) FROM webchat_files WHERE chat_id = $1`, chat) == 10 && w.hcount(t, orphanBlobs) == 0
				})
				if n := w.hcount(t, `SELECT count(*) FROM webchat_files f JOIN attachments a ON a.blob_id = f.blob_id
					WHERE f.chat_id = $1 AND a.chat_id = $1`, chat); n != 10 {
					t.Fatalf("%d of the 10 kept files share their bytes with their attachment", n)
				}
				if n := w.hcount(t, `SELECT count(*) FROM blobs b WHERE EXISTS (SELECT 1 FROM webchat_files f WHERE f.blob_id = b.id AND f.chat_id = $1)`,
					chat); n != 10 {
					t.Fatalf("the 10 kept files are stored as %d blobs", n)
				}
				first := w.browserFrom(t, "127.0.2.196")
				first.say("/start", "Selamat datang")
				if code, body := uploadAs(t, first, "rumah.jpg", "image/jpeg", photo); code != 202 {
					t.Fatalf("upload at the start: %d %s", code, body)
				}
				if m := first.expect("laporan baru dengan lampiran ini sebagai bukti"); !strings.Contains(m.Text, "rumah.jpg") {
					t.Fatalf("the question does not name the photo: %q", m.Text)
				}
			}},
		{id: "H97", channel: "web", name: "upload that stops midway",
			input:  "a browser declares a 1,500,000-byte upload, sends 600 KB of the file part, and disconnects",
			expect: "nothing stays stored: the bytes written so far are deleted; no file, message or echo; the service goes on",
			run: func(t *testing.T, w E) {
				b := w.browserFrom(t, "127.0.2.97")
				toDescription(b)
				before := w.hcount(t, `SELECT count(*) FROM blob_chunks`)
				u, _ := url.Parse(b.base)
				var cookies []string
				for _, c := range b.client.Jar.Cookies(u) {
					cookies = append(cookies, c.Name+"="+c.Value)
				}
				conn, err := net.Dial("tcp", u.Host)
				if err != nil {
					t.Fatal(err)
				}
				defer conn.Close()
				boundary := "lapor-h97"
				head := "--" + boundary + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"video.mp4\"\r\n" +
					"Content-Type: video/mp4\r\n\r\n"
				fmt.Fprintf(conn, "POST /api/upload HTTP/1.1\r\nHost: %s\r\nContent-Type: multipart/form-data; boundary=%s\r\n"+
					"Content-Length: 1500000\r\nX-CSRF-Token: %s\r\nCookie: %s\r\n\r\n%s", u.Host, boundary, b.csrf, strings.Join(cookies, "; "), head)
				conn.Write(bytes.Repeat([]byte{0x42}, 600<<10))
				// The bytes arrive as they are sent: wait until some are stored,
				// so the case checks what a broken upload leaves.
				hwait(t, "the first bytes of the upload stored", func() bool {
					return w.hcount(t, `SELECT count(*) FROM blob_chunks`) > before
				})
				conn.Close()
				w.noFilesOf(t, b)
				if n := w.hcount(t, `SELECT count(*) FROM blob_chunks`); n != before {
					t.Fatalf("%d chunks left behind", n-before)
				}
				if mine := b.mine(); len(mine) != 3 {
					t.Fatalf("the broken upload was echoed: %+v", mine[3:])
				}
			}},
		{id: "H98", channel: "web", name: "several files or a huge field in one upload",
			input: "a multipart body with two file parts; one with a 900 KB field \"catatan\" before the file; one whose only part is the " +
				"caption",
			expect: "400 \"Kirim satu berkas per pesan\", 400 \"Permintaan tidak dapat dibaca\" and 400 \"Pilih berkas\"; no file, blob, " +
				"message or echo stored",
			run: func(t *testing.T, w E) {
				b := w.browserFrom(t, "127.0.2.98")
				toDescription(b)
				photo := jpegWithGPS(t)
				code, body := uploadParts(t, b, formPart{"file", "a.jpg", "image/jpeg", photo}, formPart{"file", "b.jpg", "image/jpeg", photo})
				wantStatus(t, "two files", code, body, 400, "Kirim satu berkas per pesan")
				code, body = uploadParts(t, b, formPart{name: "catatan", data: bytes.Repeat([]byte("x"), 900<<10)},
					formPart{"file", "a.jpg", "image/jpeg", photo})
				wantStatus(t, "a huge field", code, body, 400, "Permintaan tidak dapat dibaca")
				code, body = uploadParts(t, b, formPart{name: "caption", data: []byte("hanya keterangan")})
				wantStatus(t, "no file", code, body, 400, "Pilih berkas")
				w.noFilesOf(t, b)
				if mine := b.mine(); len(mine) != 3 {
					t.Fatalf("refused uploads were echoed: %+v", mine[3:])
				}
			}},
		{id: "H99", channel: "web", name: "caption that overflows the description",
			input:  "15,000 characters of description (two messages of 7,500), then a file with a caption of 6,000 characters",
			expect: "the file is kept (\"Bukti ke-1 diterima\"); the citizen is told the caption was not added (\"keterangan berkas tidak ditambahkan\"); the description stays 15,000 characters",
			run: func(t *testing.T, w E) {
				b := w.browserFrom(t, "127.0.2.99")
				toDescription(b)
				b.say(runeText(7500), "Dicatat (7500 karakter)")
				b.say(runeText(7500), "Dicatat (15002 karakter)")
				if code, body := uploadParts(t, b, formPart{name: "caption", data: []byte(runeText(6000))},
					formPart{"file", "catatan.txt", "text/plain", []byte("catatan")}); code != 202 {
					t.Fatalf("upload: %d %s", code, body)
				}
				b.expect("keterangan berkas tidak ditambahkan")
				b.expect("Bukti ke-1 diterima")
				d := hconversation(t, w.db, "web", w.chatOf(t, b))
				if n := len([]rune(strings.Join(d.Description, "\n\n"))); n != 15002 || len(d.Attachments) != 1 {
					t.Fatalf("description of %d characters and %d files", n, len(d.Attachments))
				}
			}},
	}
}
