package flows_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/lapor-id/lapor/flows"
	"github.com/lapor-id/lapor/flows/calendar"
	"github.com/lapor-id/lapor/flows/region"
	"github.com/lapor-id/lapor/store"
	"github.com/lapor-id/lapor/store/pgtest"
)

var pg *pgtest.Cluster

func TestMain(m *testing.M) { pgtest.Main(m, &pg) }

// harness drives the conversation service the way a channel would: it
// stores inbound messages in the inbox, lets the service handle them, and
// reads what the service put in the outbox.
type harness struct {
	t     *testing.T
	ctx   context.Context
	db    *store.DB
	svc   *flows.Service
	now   time.Time
	seq   atomic.Int64
	files map[string][]byte
	fetch flows.FileFetcher
	// reporter is who seeded reports come from (workflow tests).
	reporter identity
}

// Monday 30 November 2026, 10:00 WIB.
var monday = time.Date(2026, 11, 30, 10, 0, 0, 0, calendar.Local())

func newHarness(t *testing.T) *harness {
	t.Parallel()
	h := &harness{t: t, ctx: context.Background(), db: pg.NewDB(t), now: monday, files: map[string][]byte{}}
	cfg := flows.DefaultConfig()
	cfg.RetryBase = time.Second
	cfg.FloodPerMinute = 0 // the harness's clock stands still; TestFloodLimit turns it on
	h.svc = flows.New(h.db, cfg, calendar.Default(), region.Default(), func() time.Time { return h.now }, nil)
	h.fetch = flows.FetchFunc(func(ctx context.Context, in flows.Inbound) (flows.Fetched, error) {
		b, ok := h.files[in.File.ID]
		if !ok {
			return flows.Fetched{}, errors.New("no such file")
		}
		return flows.FetchedBytes(b), nil
	})
	return h
}

// send stores one inbound message from chat, handles everything ready and
// returns the replies to chat (the outbox of other chats is drained too).
func (h *harness) send(chat string, m flows.Inbound) []flows.Outbound {
	h.t.Helper()
	h.post(chat, m)
	return h.replies(chat)
}

// post stores one inbound message from chat and handles everything ready,
// leaving the outbox as it is.
func (h *harness) post(chat string, m flows.Inbound) {
	h.t.Helper()
	m.Channel, m.ChatID, m.At = "test", chat, h.now
	if m.UserID == "" {
		m.UserID, m.UserName, m.Username = chat, "Siti Aminah", "siti"
	}
	payload, _ := json.Marshal(m)
	if _, err := h.db.StoreInbound(h.ctx, []store.Inbound{{Channel: "test", ExternalID: fmt.Sprint(h.seq.Add(1)),
		ChatID: chat, IsGroup: m.IsGroup, Payload: payload, ReceivedAt: h.now}}); err != nil {
		h.t.Fatal(err)
	}
	h.handleReady()
}

func (h *harness) handle(chat string) []flows.Outbound {
	h.t.Helper()
	h.handleReady()
	return h.replies(chat)
}

func (h *harness) handleReady() {
	h.t.Helper()
	for {
		err := h.svc.HandleNext(h.ctx, h.fetch)
		if errors.Is(err, flows.ErrIdle) {
			break
		}
		if err != nil {
			h.t.Logf("handle: %v", err)
			break
		}
	}
}

// replies drains the outbox of one chat, in order.
func (h *harness) replies(chat string) []flows.Outbound {
	var out []flows.Outbound
	for {
		rows, err := h.db.ClaimOutgoing(h.ctx, "test", h.now, time.Minute, 100)
		if err != nil {
			h.t.Fatal(err)
		}
		if len(rows) == 0 {
			return out
		}
		for _, r := range rows {
			if err := h.db.MarkSent(h.ctx, r.ID, h.now); err != nil {
				h.t.Fatal(err)
			}
			if r.ChatID != chat {
				continue
			}
			var o flows.Outbound
			if err := json.Unmarshal(r.Payload, &o); err != nil {
				h.t.Fatal(err)
			}
			out = append(out, o)
		}
	}
}

func text(s string) flows.Inbound  { return flows.Inbound{Kind: flows.KindText, Text: s} }
func press(d string) flows.Inbound { return flows.Inbound{Kind: flows.KindButton, Button: d} }
func cmd(c, args string) flows.Inbound {
	return flows.Inbound{Kind: flows.KindCommand, Command: c, Text: args}
}

// expect checks that the last reply contains each of wants and returns it.
func expect(t *testing.T, got []flows.Outbound, wants ...string) flows.Outbound {
	t.Helper()
	if len(got) == 0 {
		t.Fatalf("no reply; want %q", wants)
	}
	last := got[len(got)-1]
	all := ""
	for _, o := range got {
		all += o.Text + "\n"
	}
	for _, w := range wants {
		if !strings.Contains(all, w) {
			t.Fatalf("replies %q do not contain %q", all, w)
		}
	}
	return last
}

func hasButton(o flows.Outbound, data string) bool {
	for _, row := range o.Buttons {
		for _, b := range row {
			if b.Data == data {
				return true
			}
		}
	}
	return false
}

// fileReport walks one citizen through the whole intake and returns the
// tracking number.
func (h *harness) fileReport(chat string, anonymous, confidential string) string {
	t := h.t
	t.Helper()
	h.intakeToEvidence(chat)
	h.files["photo-1"] = []byte("\xff\xd8\xff\xe0 fake jpeg bytes of the hole")
	expect(t, h.send(chat, flows.Inbound{Kind: flows.KindPhoto, Text: "lubangnya",
		File: &flows.FileRef{ID: "photo-1", Name: "lubang.jpg", MIME: "image/jpeg", Size: 30}}), "Bukti ke-1 diterima")
	expect(t, h.send(chat, press("ev:done")), "Sembunyikan identitas")
	if anonymous == "anon:yes" {
		expect(t, h.send(chat, press(anonymous)), "Rahasiakan")
	} else {
		h.giveIdentity(chat, press(anonymous))
	}
	last := expect(t, h.send(chat, press(confidential)), "Ringkasan", "Pengaduan", "Plaosan", "1 berkas")
	if !hasButton(last, "sum:send") {
		t.Fatalf("summary without Kirim: %+v", last)
	}
	last = expect(t, h.send(chat, press("sum:send")), "Nomor laporan: MGT-", "3 hari kerja", "Kamis, 3 Desember 2026")
	id := last.Text[strings.Index(last.Text, "MGT-"):][:10]
	if _, ok := flows.ParseTrackingID(id, "MGT"); !ok {
		t.Fatalf("tracking id %q does not parse", id)
	}
	return id
}

// intakeToEvidence takes a new complaint in chat through the intake, with
// its refusals of a short description and an impossible date, up to the
// evidence step.
func (h *harness) intakeToEvidence(chat string) {
	t := h.t
	t.Helper()
	last := expect(t, h.send(chat, cmd("start", "")), "Selamat datang", "Kabupaten Magetan")
	if !hasButton(last, "menu:new") {
		t.Fatalf("menu without Buat laporan: %+v", last)
	}
	expect(t, h.send(chat, press("menu:new")), "Jenis laporan")
	expect(t, h.send(chat, press("type:pengaduan")), "Uraian")
	expect(t, h.send(chat, text("Jalan rusak")), "Dicatat")
	expect(t, h.send(chat, press("what:next")), "terlalu singkat", "sejak kapan")
	expect(t, h.send(chat, text("Jalan desa di depan balai desa Sidomukti berlubang besar sejak Oktober, sudah dua motor jatuh.")), "Dicatat")
	expect(t, h.send(chat, press("what:next")), "Kapan kejadiannya")
	expect(t, h.send(chat, text("31/02/2026")), "tidak kami kenali")
	expect(t, h.send(chat, text("kemarin")), "Di mana")
	expect(t, h.send(chat, text("Jl. Raya Sidomukti No. 5, Plaosan")), "Plaosan")
	expect(t, h.send(chat, text("Plaosan")), "Bukti")
}

func TestIntakeTranscriptStoresEveryField(t *testing.T) {
	h := newHarness(t)
	id := h.fileReport("100", "anon:no", "conf:yes")
	err := h.db.InTx(h.ctx, func(tx *store.Tx) error {
		r, err := tx.ReportByTrackingID(h.ctx, id)
		if err != nil {
			return err
		}
		want := store.Report{Type: "pengaduan", Address: "Jl. Raya Sidomukti No. 5, Plaosan", KecamatanCode: "35.20.09",
			Anonymous: false, Confidential: true, Channel: "test", ChatID: "100", ReporterUserID: "100",
			ReporterName: "Siti Aminah", ReporterUsername: "siti", Stage: "submitted", ResponsibleUnit: "super_admin"}
		if r.Type != want.Type || r.Address != want.Address || r.Anonymous != want.Anonymous ||
			r.Confidential != want.Confidential || r.ChatID != want.ChatID || r.ReporterName != want.ReporterName ||
			r.ReporterUsername != want.ReporterUsername || r.Stage != want.Stage || r.ResponsibleUnit != want.ResponsibleUnit {
			t.Errorf("report = %+v", r)
		}
		if k, ok := region.Default().ByCode(r.KecamatanCode); !ok || k.Name != "Plaosan" {
			t.Errorf("kecamatan %q is not Plaosan", r.KecamatanCode)
		}
		if !strings.Contains(r.Description, "Jalan rusak") || !strings.Contains(r.Description, "dua motor jatuh") ||
			!strings.Contains(r.Description, "lubangnya") {
			t.Errorf("description lost a part: %q", r.Description)
		}
		if got := r.OccurredOn.Format(time.DateOnly); got != "2026-11-29" {
			t.Errorf("occurred on %s, want yesterday 2026-11-29", got)
		}
		wantDeadline := time.Date(2026, 12, 3, 23, 59, 59, 0, calendar.Local())
		if !r.StageDeadline.Equal(wantDeadline) {
			t.Errorf("deadline %s, want %s", r.StageDeadline, wantDeadline)
		}
		atts, err := tx.Attachments(h.ctx, r.ID)
		if err != nil {
			return err
		}
		if len(atts) != 1 {
			t.Fatalf("attachments = %+v", atts)
		}
		data, err := tx.ReadBlob(h.ctx, atts[0].BlobID)
		if err != nil {
			return err
		}
		if string(data) != string(h.files["photo-1"]) || atts[0].MIMEType != "image/jpeg" ||
			atts[0].OriginalName != "lubang.jpg" || atts[0].Size != int64(len(h.files["photo-1"])) || len(atts[0].SHA256) != 32 {
			t.Errorf("attachments = %+v", atts)
		}
		events, err := tx.Events(h.ctx, r.ID)
		if err != nil {
			return err
		}
		if len(events) != 1 || events[0].Kind != "submitted" || events[0].ActorRole != "citizen" {
			t.Errorf("events = %+v", events)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	// The reporter sees the status and the history; the list shows it.
	expect(t, h.send("100", cmd("status", strings.ToLower(id))), id, "Status: Belum Terverifikasi", "memeriksa laporan Anda", "Laporan diterima")
	expect(t, h.send("100", cmd("laporan", "")), id)
}

func TestStatusOfConfidentialOrAnonymousReportIsHiddenFromOtherChats(t *testing.T) {
	h := newHarness(t)
	secret := h.fileReport("200", "anon:no", "conf:yes")
	anon := h.fileReport("200", "anon:yes", "conf:no")
	public := h.fileReport("200", "anon:no", "conf:no")
	for _, id := range []string{secret, anon} {
		got := expect(t, h.send("999", cmd("status", id)), "tidak ditemukan")
		if strings.Contains(got.Text, "Menunggu") {
			t.Fatalf("other chat sees %s: %q", id, got.Text)
		}
	}
	expect(t, h.send("999", cmd("status", public)), public, "Belum Terverifikasi")
	expect(t, h.send("999", cmd("status", "MGT-AAAAAA")), "tidak ditemukan")
	expect(t, h.send("999", cmd("status", "bukan nomor")), "bukan nomor laporan")
	expect(t, h.send("999", cmd("laporan", "")), "belum pernah")
}

func TestEnglishOnRequest(t *testing.T) {
	h := newHarness(t)
	last := expect(t, h.send("300", cmd("bahasa", "")), "Pilih bahasa")
	if !hasButton(last, "lang:en") {
		t.Fatal("no English button")
	}
	expect(t, h.send("300", press("lang:en")), "continue in English", "Welcome")
	expect(t, h.send("300", press("menu:new")), "Type of report")
	expect(t, h.send("300", cmd("bahasa", "id")), "Bahasa Indonesia", "Jenis laporan")
}

func TestDraftSurvivesAndIsRemindedOnceAfterADay(t *testing.T) {
	h := newHarness(t)
	h.send("400", cmd("start", ""))
	h.send("400", press("menu:new"))
	h.send("400", press("type:aspirasi"))
	h.now = h.now.Add(23 * time.Hour)
	if n, err := h.svc.RemindIdleDrafts(h.ctx); err != nil || n != 0 {
		t.Fatalf("reminded %d after 23h (err %v)", n, err)
	}
	h.now = h.now.Add(2 * time.Hour)
	if n, err := h.svc.RemindIdleDrafts(h.ctx); err != nil || n != 1 {
		t.Fatalf("reminded %d after 25h, want 1 (err %v)", n, err)
	}
	last := expect(t, h.replies("400"), "belum selesai")
	if !hasButton(last, "draft:resume") {
		t.Fatal("reminder cannot resume")
	}
	if n, _ := h.svc.RemindIdleDrafts(h.ctx); n != 0 {
		t.Fatalf("reminded twice")
	}
	expect(t, h.send("400", press("draft:resume")), "Uraian")
	expect(t, h.send("400", cmd("batal", "")), "dibatalkan")
	expect(t, h.send("400", cmd("batal", "")), "Tidak ada draf")
}

func TestBadInputGetsAClearReplyAndChangesNothing(t *testing.T) {
	h := newHarness(t)
	h.send("500", cmd("start", ""))
	h.send("500", press("menu:new"))
	h.send("500", press("type:pengaduan"))
	cases := []struct {
		name string
		msg  flows.Inbound
		want string
	}{
		{"sticker", flows.Inbound{Kind: flows.KindUnsupported, What: "sticker"}, "stiker tidak dapat kami proses"},
		{"poll", flows.Inbound{Kind: flows.KindUnsupported, What: "poll"}, "polling tidak dapat"},
		{"contact", flows.Inbound{Kind: flows.KindUnsupported, What: "contact"}, "kartu kontak"},
		{"edited", flows.Inbound{Kind: flows.KindEdited, Text: "koreksi"}, "Perubahan pada pesan"},
		{"unknown command", cmd("hapus_semua", ""), "Perintah /hapus_semua tidak dikenal"},
		{"empty", text("   "), "tidak berisi teks"},
		{"zero-width only", text("\u200b\u200b\u2060"), "tidak berisi teks"},
		{"stale button", press("sum:send"), "sudah tidak berlaku"},
		{"forged button", press("kec:99.99.99"), "sudah tidak berlaku"},
		{"25 MB file", flows.Inbound{Kind: flows.KindDocument,
			File: &flows.FileRef{ID: "big", Name: "rekaman.mp4", MIME: "video/mp4", Size: 25 << 20}}, "terlalu besar (25,0 MB)"},
		{"executable", flows.Inbound{Kind: flows.KindDocument,
			File: &flows.FileRef{ID: "exe", Name: "bukti.pdf.exe", MIME: "application/octet-stream", Size: 100}}, "tidak dapat kami terima"},
	}
	h.files["lying-pdf"] = []byte("MZ\x90\x00 this is a Windows program")
	cases = append(cases, struct {
		name string
		msg  flows.Inbound
		want string
	}{"file-type lie", flows.Inbound{Kind: flows.KindDocument,
		File: &flows.FileRef{ID: "lying-pdf", Name: "surat.pdf", MIME: "application/pdf", Size: 30}}, "Windows program"})
	for _, c := range cases {
		expect(t, h.send("500", c.msg), c.want)
	}
	// None of it entered the draft.
	expect(t, h.send("500", text("Pelayanan KTP di kecamatan lambat sekali, sudah tiga minggu belum jadi.")), "Dicatat (71 karakter)")
	// Emoji, right-to-left script and hidden characters: the visible text is kept.
	expect(t, h.send("500", text("Antre lama 😡👨\u200d👩\u200d👧 مرحبا \u202eabc\u202c")), "Dicatat")
	// 10,000 characters in one message are kept whole.
	expect(t, h.send("500", text(strings.Repeat("panjang ", 1250))), "Dicatat")
	expect(t, h.send("500", press("what:next")), "Kapan")
	err := h.db.InTx(h.ctx, func(tx *store.Tx) error {
		c, err := tx.LoadConversation(h.ctx, "test", "500")
		if err != nil {
			return err
		}
		var d struct {
			Description []string
			Attachments []any
		}
		_ = json.Unmarshal(c.Draft, &d)
		if len(d.Description) != 3 || len(d.Attachments) != 0 {
			t.Errorf("draft took bad input: %d parts, %d attachments", len(d.Description), len(d.Attachments))
		}
		if strings.ContainsRune(d.Description[1], '\u202e') || !strings.Contains(d.Description[1], "مرحبا") ||
			!strings.Contains(d.Description[1], "👨\u200d👩\u200d👧") {
			t.Errorf("cleaned text = %q", d.Description[1])
		}
		if len([]rune(d.Description[2])) != 9999 { // trailing space trimmed
			t.Errorf("long text kept %d runes", len([]rune(d.Description[2])))
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

func TestGroupMessagesAreRefusedSilently(t *testing.T) {
	h := newHarness(t)
	got := h.send("-1001", flows.Inbound{Kind: flows.KindText, Text: "halo bot", IsGroup: true})
	if len(got) != 0 {
		t.Fatalf("bot spoke in an unknown group: %+v", got)
	}
	outcome, err := h.db.InboundOutcome(h.ctx, "test", fmt.Sprint(h.seq.Load()))
	if err != nil || outcome != "refused: unknown group" {
		t.Fatalf("outcome %q, %v", outcome, err)
	}
}

// A file that cannot be fetched is retried with back-off; after the last
// attempt the citizen is asked to send it again. The draft is unharmed.
func TestUnfetchableFileIsRetriedThenTheCitizenIsAsked(t *testing.T) {
	h := newHarness(t)
	h.send("600", cmd("start", ""))
	h.send("600", press("menu:new"))
	h.send("600", press("type:pengaduan"))
	var tries atomic.Int32
	h.fetch = flows.FetchFunc(func(ctx context.Context, in flows.Inbound) (flows.Fetched, error) {
		tries.Add(1)
		return flows.Fetched{}, errors.New("connection reset by peer")
	})
	got := h.send("600", flows.Inbound{Kind: flows.KindPhoto, File: &flows.FileRef{ID: "gone", Name: "x.jpg", Size: 10}})
	if len(got) != 0 {
		t.Fatalf("replied before giving up: %+v", got)
	}
	for i := 0; i < 5 && len(got) == 0; i++ {
		h.now = h.now.Add(time.Minute)
		got = h.handle("600")
	}
	expect(t, got, "gagal kami terima", "kirim ulang")
	if n := tries.Load(); n != 5 {
		t.Fatalf("fetched %d times, want 5", n)
	}
	expect(t, h.send("600", text("masih bisa lanjut menulis uraian dengan baik dan lengkap")), "Dicatat")
}

func TestEditFromSummaryReturnsToSummary(t *testing.T) {
	h := newHarness(t)
	h.send("700", cmd("start", ""))
	h.send("700", press("menu:new"))
	h.send("700", press("type:pengaduan"))
	h.send("700", text("Lampu penerangan jalan mati di seluruh dusun sejak dua bulan lalu."))
	h.send("700", press("what:next"))
	h.send("700", press("when:unknown"))
	last := expect(t, h.send("700", flows.Inbound{Kind: flows.KindLocation, Location: &flows.Location{Lat: -7.7204, Lon: 111.2503}}),
		"tempatnya ada di Kecamatan Poncol")
	if !hasButton(last, "kec:35.20.01") {
		t.Fatalf("no suggested kecamatan button: %+v", last.Buttons)
	}
	kecButtons := 0
	for _, row := range last.Buttons {
		for _, b := range row {
			if strings.HasPrefix(b.Data, "kec:") {
				kecButtons++
			}
		}
	}
	if kecButtons != 18 { // Magetan's 18 kecamatan, the suggested one first and not again
		t.Fatalf("%d kecamatan buttons, want 18: %+v", kecButtons, last.Buttons)
	}
	h.send("700", press("kec:35.20.01"))
	h.send("700", press("ev:skip"))
	expect(t, h.send("700", press("anon:skip")), "nama Anda") // not anonymous: the name is asked
	expect(t, h.send("700", press("name:profile")), "telepon atau alamat e-mail")
	expect(t, h.send("700", press("contact:skip")), "Rahasiakan", "Lewati: laporan dirahasiakan (pilihan bawaan)")
	// Skipping was explained by the question: one message, the summary.
	got := h.send("700", press("conf:skip"))
	if len(got) != 1 {
		t.Fatalf("skipping the confidentiality question sent %d messages, want the summary alone: %+v", len(got), got)
	}
	expect(t, got, "Ringkasan", "Poncol", "tidak ingat", "Rahasia: ya")
	expect(t, h.send("700", press("sum:edit")), "Bagian mana")
	expect(t, h.send("700", press("edit:type")), "Jenis laporan")
	expect(t, h.send("700", press("type:aspirasi")), "Ringkasan", "Aspirasi")
	expect(t, h.send("700", press("sum:send")), "Nomor laporan")
	// Pressing Kirim again (a second tap, a redelivery) cannot file twice.
	expect(t, h.send("700", press("sum:send")), "sudah tidak berlaku")
	var n int
	_ = h.db.InTx(h.ctx, func(tx *store.Tx) error {
		rs, err := tx.ReportsByChat(h.ctx, "test", "700", 10)
		n = len(rs)
		return err
	})
	if n != 1 {
		t.Fatalf("%d reports, want 1", n)
	}
}

// On a channel that shows buttons as a numbered list, a bare number
// answers the last list; a number that is no choice stays text.
func TestNumberedMenus(t *testing.T) {
	h := newHarness(t)
	wa := func(m flows.Inbound) flows.Inbound { m.NumberedMenus = true; return m }
	expect(t, h.send("wa1", wa(cmd("start", ""))), "Selamat datang")
	expect(t, h.send("wa1", wa(text("1"))), "Jenis laporan")        // 1 = Buat laporan
	expect(t, h.send("wa1", wa(text("2"))), "Uraian")               // 2 = Aspirasi
	expect(t, h.send("wa1", wa(text("7"))), "Dicatat (1 karakter)") // no menu offers 7 items: text
	expect(t, h.send("wa1", wa(text("Mohon taman kota diberi lampu tambahan agar aman malam hari."))), "Dicatat")
	expect(t, h.send("wa1", wa(text("1"))), "Kapan kejadiannya") // 1 = Lanjut
	expect(t, h.send("wa1", wa(text("25/11/2026"))), "Di mana")
	expect(t, h.send("wa1", wa(text("Alun-alun"))), "kecamatan mana")
	expect(t, h.send("wa1", wa(text("6"))), "Bukti") // the 6th kecamatan
	err := h.db.InTx(h.ctx, func(tx *store.Tx) error {
		c, err := tx.LoadConversation(h.ctx, "test", "wa1")
		if err != nil {
			return err
		}
		var d struct {
			Type      string
			Kecamatan string
		}
		_ = json.Unmarshal(c.Draft, &d)
		if d.Type != "aspirasi" || d.Kecamatan != region.Default().Kecamatan()[5].Code {
			t.Errorf("draft = %+v", d)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

// A chat that sends more than FloodPerMinute messages in a minute gets one
// notice; the rest of that minute's messages are refused and recorded, and
// other chats are served as usual. A minute later the chat is served again.
func TestFloodLimit(t *testing.T) {
	h := newHarness(t)
	cfg := flows.DefaultConfig()
	cfg.FloodPerMinute = 5
	h.svc = flows.New(h.db, cfg, calendar.Default(), region.Default(), func() time.Time { return h.now }, nil)
	var notices, answers int
	for i := 0; i < 12; i++ {
		for _, o := range h.send("5550", flows.Inbound{Kind: flows.KindCommand, Command: "start"}) {
			if strings.Contains(o.Text, "terlalu banyak pesan") {
				notices++
			} else {
				answers++
			}
		}
	}
	if notices != 1 || answers != 5 {
		t.Fatalf("12 messages at once: %d notices, %d answers; want 1 and 5", notices, answers)
	}
	expect(t, h.send("5551", flows.Inbound{Kind: flows.KindCommand, Command: "start"}), "Selamat datang")
	h.now = h.now.Add(61 * time.Second)
	expect(t, h.send("5550", flows.Inbound{Kind: flows.KindCommand, Command: "start"}), "Selamat datang")
}

// A file whose download cannot start (the channel's downloads are all under
// way) waits and is taken later: more times than MaxAttempts, with no
// apology and no "could not fetch" message, because nothing failed.
func TestBusyDownloadWaitsWithoutFailing(t *testing.T) {
	h := newHarness(t)
	h.intakeToEvidence("100")
	h.files["photo-1"] = []byte("\xff\xd8\xff\xe0 fake jpeg bytes of the hole")
	busy, real := 7, h.fetch
	h.fetch = flows.FetchFunc(func(ctx context.Context, in flows.Inbound) (flows.Fetched, error) {
		if busy > 0 {
			busy--
			return flows.Fetched{}, flows.ErrFetchBusy
		}
		return real.Fetch(ctx, in)
	})
	h.post("100", flows.Inbound{Kind: flows.KindPhoto, File: &flows.FileRef{ID: "photo-1", Name: "lubang.jpg", MIME: "image/jpeg", Size: 30}})
	for i := 0; ; i++ {
		if err := h.svc.HandleNext(h.ctx, h.fetch); !errors.Is(err, flows.ErrIdle) {
			t.Fatalf("before its wait is over: %v, want ErrIdle", err)
		}
		h.now = h.now.Add(flows.DefaultConfig().FetchBusyWait)
		err := h.svc.HandleNext(h.ctx, h.fetch)
		if err == nil {
			break
		}
		if !errors.Is(err, flows.ErrPostponed) || i == 10 {
			t.Fatalf("try %d: %v", i, err)
		}
	}
	got := h.replies("100")
	if len(got) != 1 || !strings.Contains(got[0].Text, "Bukti ke-1 diterima") {
		t.Fatalf("replies %+v; want only the photo accepted", got)
	}
}
