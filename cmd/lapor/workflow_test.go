package main

import (
	"bytes"
	"context"
	"fmt"
	"image/jpeg"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/lapor-id/lapor/bot/telegram/telegramtest"
	"github.com/lapor-id/lapor/flows/media"
	"github.com/lapor-id/lapor/store"
)

// chain is a running lapor with every desk of the SOP registered the way a
// regency would do it: the first super admin from the command line, the
// rest through the bot.
type chain struct {
	t              *testing.T
	fake           *telegramtest.Server
	db             *store.DB
	env            map[string]string
	super, regency *citizen // officers in their desk groups
	pupr, dinkes   *citizen // liaison officers in their agency groups
	superPrivate   *citizen
}

const (
	superGroup   = -1001
	regencyGroup = -1002
	puprGroup    = -1003
	dinkesGroup  = -1004
)

var codeRE = regexp.MustCompile(`: ([34679ACDEFHJKMNPRTUVWXY]{8})\n`)

func newChain(t *testing.T) *chain {
	t.Helper()
	fake := fastTelegram(t)
	dbURL := pg.NewDatabase(t)
	env := serviceEnv(t, fake, dbURL)
	var out, errOut bytes.Buffer
	if code := Run(context.Background(), []string{"admin", "add", "--telegram-user", "9001", "--role", "super_admin", "--name", "Sari"},
		func(k string) string { return env[k] }, &out, &errOut); code != 0 {
		t.Fatalf("admin add: %d %s", code, errOut.String())
	}
	startInProcess(t, env)
	db, err := store.Open(context.Background(), dbURL, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(db.Close)
	c := &chain{t: t, fake: fake, db: db, env: env}
	officer := func(group, user int64) *citizen {
		p := newCitizen(fake, group)
		p.user = user
		return p
	}
	c.superPrivate = newCitizen(fake, 9001)
	c.super = officer(superGroup, 9001)
	c.regency = officer(regencyGroup, 9002)
	c.pupr = officer(puprGroup, 9003)
	c.dinkes = officer(dinkesGroup, 9004)

	c.must(c.superPrivate.say("/petugas tambah 9002 regency_admin Budi", "Budi"))
	c.must(c.superPrivate.say("/petugas tambah 9003 liaison_officer pupr Rina", "9003"))
	c.must(c.superPrivate.say("/petugas tambah 9004 liaison_officer dinkes Dewi", "9004"))
	register := func(p *citizen, desk string) {
		msg := c.must(c.superPrivate.say("/kode_grup "+desk, "Kode pendaftaran"))
		m := codeRE.FindStringSubmatch(msg.Text)
		if m == nil {
			t.Fatalf("no code in %q", msg.Text)
		}
		c.must(p.say("/daftar_grup "+m[1], "terdaftar sebagai grup petugas"))
	}
	register(c.super, "super_admin")
	register(c.regency, "regency_admin")
	register(c.pupr, "agency pupr")
	register(c.dinkes, "agency dinkes")
	return c
}

func (c *chain) must(s telegramtest.Sent, err error) telegramtest.Sent {
	c.t.Helper()
	if err != nil {
		c.t.Fatal(err)
	}
	return s
}

func (c *chain) report(id string) store.Report {
	c.t.Helper()
	var r store.Report
	err := c.db.InTx(context.Background(), func(tx *store.Tx) (err error) {
		r, err = tx.ReportByTrackingID(context.Background(), id)
		return err
	})
	if err != nil {
		c.t.Fatal(err)
	}
	return r
}

func (c *chain) events(id string) []string {
	c.t.Helper()
	var kinds []string
	_ = c.db.InTx(context.Background(), func(tx *store.Tx) error {
		r, err := tx.ReportByTrackingID(context.Background(), id)
		if err != nil {
			return err
		}
		es, err := tx.Events(context.Background(), r.ID)
		for _, e := range es {
			kinds = append(kinds, e.Kind+":"+e.StageTo)
		}
		return err
	})
	return kinds
}

// toAgency files a report and walks it to the pupr desk.
func (c *chain) toAgency(citizenChat int64, photo []byte) (*citizen, string) {
	cz := newCitizen(c.fake, citizenChat)
	id, err := cz.fileReport(photo)
	if err != nil {
		c.t.Fatal(err)
	}
	c.must(c.super.expect(id))
	c.must(c.super.pressPrefix("w|verify|"+id+"|", "", "✅ "+id))
	c.must(cz.expect("sudah diverifikasi"))
	c.must(c.regency.expect(id))
	c.must(c.regency.say("/disposisi "+id+" pupr", "✅ "+id))
	c.must(cz.expect("sudah diteruskan ke"))
	c.must(c.pupr.expect("Balas pesan laporan ini"))
	return cz, id
}

// answer writes and submits pupr's answer.
func (c *chain) answer(id, text string) {
	c.must(c.pupr.pressPrefix("w|answer|"+id+"|", "", "tulis tanggapan"))
	c.must(c.pupr.reply("tulis tanggapan", text, "dicatat"))
	c.must(c.pupr.pressPrefix("w|submit|"+id+"|", "", "✅ "+id))
}

func TestWorkflowHappyPath(t *testing.T) {
	t.Parallel()
	c := newChain(t)
	photo := jpegWithGPS(t)
	cz, id := c.toAgency(6001, photo)

	// The evidence reaches the agency, before the card, without its
	// location metadata.
	att := evidenceBeforeCard(t, c.fake, puprGroup, id)
	if att.Method != "sendPhoto" || len(att.FileData) == 0 {
		t.Fatalf("the evidence photo was not shown to the agency: %s %q", att.Method, att.Caption)
	}
	if hasGPS(att.FileData) || media.HasLocation(att.FileData) {
		t.Fatal("the photo sent to the agency still carries GPS")
	}
	if _, err := jpeg.Decode(bytes.NewReader(att.FileData)); err != nil {
		t.Fatalf("the cleaned photo does not decode: %v", err)
	}

	c.must(c.pupr.pressPrefix("w|answer|"+id+"|", "", "tulis tanggapan"))
	noted := c.must(c.pupr.reply("tulis tanggapan", "Saluran sudah dibersihkan pada 27 November oleh tim UPT.", "dicatat"))
	c.fake.ReplyDocument(puprGroup, 9003, noted.MessageID, "berita-acara.pdf", "application/pdf", []byte("%PDF-1.7 berita acara"), "")
	c.must(c.pupr.expect("1 berkas"))
	c.must(c.pupr.pressPrefix("w|submit|"+id+"|", "", "✅ "+id))
	c.must(cz.expect("sudah mengirim tanggapan atas laporan"))
	c.must(c.regency.expect("Tanggapan Dinas "))
	c.must(c.regency.pressPrefix("w|approve|"+id+"|", "", "✅ "+id))
	c.must(cz.expect("Saluran sudah dibersihkan"))
	c.must(cz.expect("Lampiran"))
	c.must(cz.pressPrefix("c|accept|"+id+"|", "", "Bagaimana penilaian"))
	c.must(cz.press("rate|"+id+"|5", "penilaian Anda (5 dari 5)"))
	c.must(cz.say("Cepat dan jelas, terima kasih.", "Komentar Anda sudah kami simpan"))

	r := c.report(id)
	if r.Stage != "closed" || r.Rating != 5 || r.RatingComment == "" || r.AgencyCode != "pupr" {
		t.Fatalf("report = %+v", r)
	}
	want := "submitted:submitted verify:at_regency dispose:at_agency submit:answer_review approve:answered accept:closed"
	if got := strings.Join(c.events(id), " "); got != want {
		t.Fatalf("history:\n got %s\nwant %s", got, want)
	}
	c.must(c.regency.say("/statistik", "Penilaian"))
	c.must(c.regency.say("/laporan "+id, "Pelapor menerima tanggapan"))
}

func TestWorkflowNotOursThenAnotherAgency(t *testing.T) {
	t.Parallel()
	c := newChain(t)
	cz, id := c.toAgency(6002, nil)
	c.must(c.pupr.pressPrefix("p|not_ours|"+id+"|", "", "balas pesan ini dengan alasannya"))
	c.must(c.pupr.reply("dengan alasannya", "Ini urusan puskesmas, bukan PUPR.", "✅ "+id))
	c.must(cz.expect("bukan kewenangannya"))
	c.must(c.regency.expect("Ini urusan puskesmas"))
	c.must(c.regency.pressPrefix("dsp|"+id+"|", "", "ke perangkat daerah mana"))
	c.must(c.regency.say("/disposisi "+id+" dinkes", "✅ "+id))
	c.must(c.dinkes.expect(id))
	if r := c.report(id); r.Stage != "at_agency" || r.AgencyCode != "dinkes" {
		t.Fatalf("report = %s %s", r.Stage, r.AgencyCode)
	}
	// pupr can no longer act on it.
	c.must(c.pupr.say("/bukan_wewenang "+id+" lagi", "tidak berwenang"))
}

func TestWorkflowReturnArchiveAndCentral(t *testing.T) {
	t.Parallel()
	c := newChain(t)
	cz := newCitizen(c.fake, 6003)
	id, err := cz.fileReport(nil)
	if err != nil {
		t.Fatal(err)
	}
	c.must(c.super.say("/verifikasi "+id, "✅ "+id))
	c.must(c.regency.say("/kembalikan "+id+" bukan kewenangan kabupaten, jalan nasional", "✅ "+id))
	c.must(cz.expect("diperiksa ulang oleh tim LAPOR! SP4N"))
	c.must(c.super.expect("jalan nasional"))
	c.must(c.super.pressPrefix("p|archive|"+id+"|", "", "balas pesan ini dengan alasannya"))
	c.must(c.super.pressPrefix("w|archive|"+id+"|", "|spam", "✅ "+id))
	c.must(cz.expect("diarsipkan"))
	if r := c.report(id); r.Stage != "archived" {
		t.Fatalf("stage %s", r.Stage)
	}
	// An archived report takes no more actions.
	c.must(c.super.say("/verifikasi "+id, "tidak berlaku pada tahap ini"))

	id2, err := cz.fileReport(nil)
	if err != nil {
		t.Fatal(err)
	}
	c.must(c.super.say("/pusat "+id2, "✅ "+id2))
	c.must(cz.expect("kewenangan pemerintah pusat"))
}

func TestWorkflowTundaPausesAndResumes(t *testing.T) {
	t.Parallel()
	c := newChain(t)
	cz := newCitizen(c.fake, 6004)
	id, err := cz.fileReport(nil)
	if err != nil {
		t.Fatal(err)
	}
	c.must(c.super.say("/tunda "+id+" Mohon sebutkan nomor rumah atau patokan terdekat.", "✅ "+id))
	c.must(cz.expect("patokan terdekat"))
	if r := c.report(id); r.Stage != "waiting_citizen" || !r.StageDeadline.IsZero() || r.PausedDays < 1 {
		t.Fatalf("while waiting: %s deadline=%v paused=%d", r.Stage, r.StageDeadline, r.PausedDays)
	}
	c.must(cz.say("Depan masjid Al-Ikhlas, rumah nomor 12.", "sudah kami teruskan"))
	c.must(c.super.expect("Depan masjid Al-Ikhlas"))
	if r := c.report(id); r.Stage != "submitted" || r.StageDeadline.IsZero() {
		t.Fatalf("after the answer: %s deadline=%v", r.Stage, r.StageDeadline)
	}
}

func TestWorkflowRevisionRejectionAndSecondRound(t *testing.T) {
	t.Parallel()
	c := newChain(t)
	cz, id := c.toAgency(6005, nil)
	c.answer(id, "Akan kami tinjau.")
	c.must(c.regency.say("/perbaiki "+id+" Sebutkan tanggal pengerjaan.", "✅ "+id))
	c.must(c.pupr.expect("Sebutkan tanggal pengerjaan"))
	c.must(cz.expect("untuk dilengkapi"))
	c.must(c.pupr.say("/tanggapi "+id+" Pengerjaan dijadwalkan 2 Desember.", "dicatat"))
	c.must(c.pupr.say("/tanggapi "+id+" selesai", "✅ "+id))
	c.must(c.regency.say("/setujui "+id, "✅ "+id))
	c.must(cz.expect("dijadwalkan 2 Desember"))
	c.must(cz.pressPrefix("c|reject|"+id+"|", "", "alasan Anda menolak"))
	c.must(cz.say("Belum dikerjakan sama sekali.", "untuk ditindaklanjuti kembali"))
	c.must(c.pupr.expect("Belum dikerjakan sama sekali"))
	if r := c.report(id); r.Round != 2 || r.Stage != "at_agency" {
		t.Fatalf("after rejection: round %d stage %s", r.Round, r.Stage)
	}
	c.answer(id, "Sudah dikerjakan 3 Desember, foto terlampir di kantor.")
	c.must(c.regency.say("/setujui "+id, "✅ "+id))
	c.must(cz.expect("Sudah dikerjakan 3 Desember"))
	c.must(cz.pressPrefix("c|accept|"+id+"|", "", "Bagaimana penilaian"))
	if r := c.report(id); r.Stage != "closed" || r.Round != 2 {
		t.Fatalf("end: %s round %d", r.Stage, r.Round)
	}
}

func TestWorkflowWalkInRecordedAndAnswered(t *testing.T) {
	t.Parallel()
	c := newChain(t)
	msg := c.must(c.regency.say("/catat pengaduan | Plaosan | Lampu penerangan jalan di dusun Krajan mati sejak dua bulan. | 0812-3456-7890", "dicatat sebagai"))
	id := trackingRE.FindString(msg.Text)
	c.must(c.super.expect(id))
	c.must(c.super.say("/verifikasi "+id, "✅ "+id))
	c.must(c.regency.say("/disposisi "+id+" pupr", "✅ "+id))
	c.answer(id, "Lampu sudah diganti 28 November.")
	relay := c.must(c.regency.say("/setujui "+id, "Tanggapan atas laporan"))
	if !strings.Contains(relay.Text, "Untuk disampaikan kepada pelapor") {
		t.Fatalf("the answer to a walk-in citizen is not relayed through the desk: %q", relay.Text)
	}
	c.must(c.regency.pressPrefix("c|accept|"+id+"|", "", "✅ "+id))
	// The desk has had other "✅ <id>" lines (its /setujui's among them,
	// which may come after the relay): wait for the acceptance itself.
	r := c.report(id)
	for deadline := time.Now().Add(10 * time.Second); r.Stage != "closed" && time.Now().Before(deadline); r = c.report(id) {
		time.Sleep(20 * time.Millisecond)
	}
	if r.Stage != "closed" || r.Channel != "conventional" || r.Contact != "0812-3456-7890" {
		t.Fatalf("walk-in report = %+v", r)
	}
}

// Two officers press Verifikasi at the same moment: it acts once, and the
// second is told who did it.
func TestSameButtonTwiceActsOnce(t *testing.T) {
	t.Parallel()
	c := newChain(t)
	c.must(c.superPrivate.say("/petugas tambah 9011 super_admin Andi", "9011"))
	cz := newCitizen(c.fake, 6006)
	id, err := cz.fileReport(nil)
	if err != nil {
		t.Fatal(err)
	}
	card := c.must(c.super.expect(id))
	var data string
	for _, row := range card.Keyboard {
		for _, b := range row {
			if strings.HasPrefix(b.Data, "w|verify|") {
				data = b.Data
			}
		}
	}
	c.fake.PressButton(superGroup, 9001, card.MessageID, data)
	c.fake.PressButton(superGroup, 9011, card.MessageID, data)
	c.must(c.super.expect("✅ " + id))
	c.must(c.super.expect("sudah"))
	if got := c.events(id); len(got) != 2 {
		t.Fatalf("history %v: want submitted and one verify", got)
	}
	c.must(cz.expect("sudah diverifikasi"))
}

var trackingRE = regexp.MustCompile(`MGT-[34679ACDEFHJKMNPRTUVWXY]{6}`)

// The admin tools: queue, search, timeline, identity (audited), national
// id, officers and agencies, help by role, and the bot noticing it was
// removed from a desk group.
func TestAdminTools(t *testing.T) {
	t.Parallel()
	c := newChain(t)
	cz := newCitizen(c.fake, 6007)
	if _, err := cz.say("/start", "Selamat datang"); err != nil {
		t.Fatal(err)
	}
	id, err := cz.fileReport(nil)
	if err != nil {
		t.Fatal(err)
	}
	c.must(c.super.say("/antrian", id))
	c.must(c.super.say("/cari saluran", id))
	c.must(c.super.say("/laporan "+id, "Laporan diterima"))
	c.must(c.super.say("/lapor_id "+id+" LAPOR-2026-123456", "LAPOR-2026-123456"))
	c.must(cz.say("/status LAPOR-2026-123456", id))
	// The same national number for a second report is refused politely, and
	// the command after it still works (the transaction was not aborted).
	id2, err := cz.fileReport(nil)
	if err != nil {
		t.Fatal(err)
	}
	c.must(c.super.say("/lapor_id "+id2+" LAPOR-2026-123456", "sudah dipakai laporan lain"))
	c.must(c.super.say("/lapor_id "+id2+" LAPOR-2026-654321", "LAPOR-2026-654321"))
	c.must(c.super.say("/identitas "+id, "Citizen 6007"))
	c.must(c.pupr.say("/identitas "+id, "tidak tersedia untuk peran Anda"))
	log, err := c.db.AuditLog(context.Background(), 50)
	if err != nil {
		t.Fatal(err)
	}
	var viewed, refused bool
	for _, e := range log {
		viewed = viewed || (e.Action == "identity" && e.Allowed && e.UserID == "9001")
		refused = refused || (e.Action == "/identitas" && !e.Allowed && e.UserID == "9003")
	}
	if !viewed || !refused {
		t.Fatalf("audit log lacks the identity view (%v) or the refusal (%v)", viewed, refused)
	}
	c.must(c.regency.say("/opd ubah pupr Dinas PU dan Tata Ruang", "Dinas PU dan Tata Ruang"))
	c.must(c.regency.say("/opd", "pupr — Dinas PU dan Tata Ruang"))
	c.must(c.regency.say("/petugas", "9003"))
	help := c.must(c.pupr.say("/bantuan", "Pejabat Penghubung"))
	if strings.Contains(help.Text, "/verifikasi") || !strings.Contains(help.Text, "/tanggapi") {
		t.Fatalf("liaison help lists the wrong commands: %q", help.Text)
	}
	// Removed from the pupr group: the desk is unregistered and the super
	// admin desk is told.
	c.fake.AddRawUpdate([]byte(fmt.Sprintf(`{"my_chat_member":{"chat":{"id":%d,"type":"supergroup","title":"OPD PUPR"},
		"from":{"id":9003,"first_name":"Rina"},"date":1764300000,
		"old_chat_member":{"user":{"id":123456,"is_bot":true,"first_name":"lapor"},"status":"member"},
		"new_chat_member":{"user":{"id":123456,"is_bot":true,"first_name":"lapor"},"status":"kicked"}}}`, puprGroup)))
	c.must(c.super.expect("Bot dikeluarkan dari grup petugas Dinas PU dan Tata Ruang"))
	c.fake.SendText(puprGroup, 9003, "/antrian")
	if err := waitFor(func() bool { return c.fake.Pending() == 0 }); err != nil {
		t.Fatal(err)
	}
	time.Sleep(300 * time.Millisecond)
	for _, s := range c.fake.Sent(puprGroup) {
		if strings.Contains(s.Text, "Antrean") || strings.Contains(s.Text, "tidak ada laporan terbuka") {
			t.Fatalf("the bot still answers in a group it was removed from: %q", s.Text)
		}
	}
}

func waitFor(cond func() bool) error {
	for i := 0; i < 500; i++ {
		if cond() {
			return nil
		}
		time.Sleep(10 * time.Millisecond)
	}
	return fmt.Errorf("condition not met within 5 s")
}
