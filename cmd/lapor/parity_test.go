package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/lapor-id/lapor/bot/telegram/telegramtest"
)

// platform is a chat platform as people use it, so that one transcript
// runs on every channel. People and groups are small numbers; each
// platform maps them to its own identities.
type platform interface {
	name() string
	// userID is how lapor's officers table knows a person on this platform.
	userID(person int) string
	text(chat, person int, s string)
	// press chooses a button by its label: a tap on Telegram, the number
	// of the choice on WhatsApp.
	press(chat, person int, label string) error
	photo(chat, person int, data []byte, caption string)
	// expect waits for the bot's next message to chat containing want,
	// skipping the ones before it, and returns its text.
	expect(chat int, want string) (string, error)
	// setupDesks makes pSuper's officers and desks what steps (of the
	// kinds desksTranscript has) say, the platform's way: group chats play
	// them as they are; the web, which has rooms instead of groups, gives
	// them their meaning there.
	setupDesks(t *testing.T, seen map[string]string, steps []step)
	// history is every message the bot sent to chat so far.
	history(chat int) []string
	// clock is the service's test clock (parity_escalation_test.go); nil
	// when the service reads the system clock.
	clock() *testClock
}

// Groups are negative numbers, private chats the person's number.
const (
	pCitizen = 11
	pSuper   = 21
	pRegency = 22
	pPupr    = 23
	gpSuper  = -31
	gpRegcy  = -32
	gpPupr   = -33
	// The information request's people: a requester of their own (each
	// chat has its flood limit), the PPID and the PPID's superior.
	pRequester = 12
	pPPID      = 24
	pAtasan    = 25
	gpPPID     = -34
	gpAtasan   = -35
)

// telegramPlatform drives the fake Bot API.
type telegramPlatform struct {
	clocked
	fake *telegramtest.Server
	mu   sync.Mutex
	seen map[int64]int
}

func (p *telegramPlatform) name() string             { return "telegram" }
func (p *telegramPlatform) userID(person int) string { return fmt.Sprint(900000 + person) }
func (p *telegramPlatform) chat(c int) int64 {
	if c < 0 {
		return int64(-1000000 + c)
	}
	return int64(900000 + c)
}
func (p *telegramPlatform) user(person int) int64 { return int64(900000 + person) }

func (p *telegramPlatform) text(chat, person int, s string) {
	if chat < 0 && !strings.HasPrefix(s, "/") {
		// A desk group in privacy mode delivers typed text only as a reply
		// to the bot: the officer replies to the bot's newest message (the
		// prompt the transcript waited for).
		sent := p.fake.Sent(p.chat(chat))
		for i := len(sent) - 1; i >= 0; i-- {
			if strings.HasPrefix(sent[i].Method, "send") {
				p.fake.ReplyText(p.chat(chat), p.user(person), sent[i].MessageID, s)
				return
			}
		}
	}
	p.fake.SendText(p.chat(chat), p.user(person), s)
}

func (p *telegramPlatform) setupDesks(t *testing.T, seen map[string]string, steps []step) {
	runTranscript(t, p, seen, steps)
}

func (p *telegramPlatform) history(chat int) []string {
	var texts []string
	for _, s := range p.fake.Sent(p.chat(chat)) {
		texts = append(texts, s.Text+s.Caption)
	}
	return texts
}

func (p *telegramPlatform) photo(chat, person int, data []byte, caption string) {
	p.fake.SendPhoto(p.chat(chat), p.user(person), data, caption)
}

func (p *telegramPlatform) press(chat, person int, label string) error {
	return eventually(func() bool {
		sent := p.fake.Sent(p.chat(chat))
		for i := len(sent) - 1; i >= 0; i-- {
			for _, row := range sent[i].Keyboard {
				for _, b := range row {
					if b.Text == label {
						p.fake.PressButton(p.chat(chat), p.user(person), sent[i].MessageID, b.Data)
						return true
					}
				}
			}
		}
		return false
	}, fmt.Sprintf("telegram chat %d: no button %q", chat, label))
}

// eventually retries until ok or 10 s have passed (a card may still be on
// its way).
func eventually(ok func() bool, what string) error {
	for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
		if ok() {
			return nil
		}
	}
	return errors.New(what)
}

func (p *telegramPlatform) expect(chat int, want string) (string, error) {
	id := p.chat(chat)
	p.mu.Lock()
	defer p.mu.Unlock()
	seen := p.seen[id]
	body, err := nextContaining(&seen, func(ctx context.Context, n int) ([]string, error) {
		sent, err := p.fake.WaitSent(ctx, id, n)
		texts := make([]string, len(sent))
		for i, s := range sent {
			texts[i] = s.Text + s.Caption
		}
		return texts, err
	}, fmt.Sprintf("telegram chat %d", chat), want)
	p.seen[id] = seen
	return body, err
}

// nextContaining reads a chat's messages after *seen, through wait (which
// returns them once there are at least n), until one contains want; *seen
// moves past every message read.
func nextContaining(seen *int, wait func(ctx context.Context, n int) ([]string, error), chat, want string) (string, error) {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	for {
		texts, err := wait(ctx, *seen+1)
		if err != nil {
			return "", fmt.Errorf("%s: waiting for %q: %w", chat, want, err)
		}
		for _, t := range texts[*seen:] {
			*seen++
			if strings.Contains(t, want) {
				return t, nil
			}
		}
	}
}

var anyTrackingID = regexp.MustCompile(`MGT-[34679ACDEFHJKMNPRTUVWXY]{6}`)

// step is one line of a transcript: an action and what the bot must answer.
type step struct {
	chat, person int
	say, press   string
	photo        []byte
	want         string
	capture      string // the name under which the first tracking number in the answer is kept ("{name}")
	// askedNumber: the step is only for platforms that do (1) or do not
	// (-1) ask a named reporter for a contact (WhatsApp knows the number).
	askedNumber int
	// before runs first: what no chat message does, such as working days
	// passing on the service's clock (parity_escalation_test.go).
	before func(t *testing.T, p platform, seen map[string]string)
	// never: once the step's answer came, no message the chat ever got
	// contains this.
	never string
}

// asksNumber says whether the platform asks a named reporter for a
// phone number or e-mail.
func asksNumber(p platform) bool { return p.name() != "whatsapp" }

var registrationCode = regexp.MustCompile(`: ([34679ACDEFHJKMNPRTUVWXY]{8})\n`)

// runTranscript plays steps on p. "{id}" is the first tracking number the
// bot mentioned, "{code}" the newest desk registration code, "{uN}" the
// platform's id of person N; seen carries them from one transcript to the
// next.
func runTranscript(t *testing.T, p platform, seen map[string]string, steps []step) {
	t.Helper()
	for _, person := range []int{pCitizen, pSuper, pRegency, pPupr, pPPID, pAtasan, pDlhp, pOmbudsman} {
		seen[fmt.Sprintf("u%d", person)] = p.userID(person)
	}
	for i, s := range steps {
		if s.askedNumber != 0 && (s.askedNumber > 0) != asksNumber(p) {
			continue
		}
		expand := func(x string) string {
			for k, v := range seen {
				x = strings.ReplaceAll(x, "{"+k+"}", v)
			}
			return x
		}
		if s.before != nil {
			s.before(t, p, seen)
		}
		switch {
		case s.photo != nil:
			p.photo(s.chat, s.person, s.photo, expand(s.say))
		case s.press != "":
			if err := p.press(s.chat, s.person, expand(s.press)); err != nil {
				t.Fatalf("%s step %d: %v", p.name(), i, err)
			}
		case s.say != "":
			p.text(s.chat, s.person, expand(s.say))
		}
		got, err := p.expect(s.chat, expand(s.want))
		if err != nil {
			t.Fatalf("%s step %d (%q): %v", p.name(), i, s.say+s.press, err)
		}
		if id := anyTrackingID.FindString(got); id != "" && seen["id"] == "" {
			seen["id"] = id
		}
		if s.capture != "" {
			seen[s.capture] = anyTrackingID.FindString(got)
		}
		if never := expand(s.never); never != "" {
			for _, m := range p.history(s.chat) {
				if strings.Contains(m, never) {
					t.Fatalf("%s step %d: chat %d was sent %q:\n%s", p.name(), i, s.chat, never, m)
				}
			}
		}
		if m := registrationCode.FindStringSubmatch(got); m != nil {
			seen["code"] = m[1]
		}
	}
}

// desksTranscript: the first super admin (created from the command line)
// adds the officers and registers the desks.
func desksTranscript() []step {
	s := pSuper
	return []step{
		{chat: s, person: s, say: "/petugas tambah {u22} regency_admin Budi", want: "Budi"},
		{chat: s, person: s, say: "/petugas tambah {u23} liaison_officer pupr Rina", want: "Rina"},
		{chat: s, person: s, say: "/kode_grup super_admin", want: "Kode pendaftaran"},
		{chat: gpSuper, person: s, say: "/daftar_grup {code}", want: "terdaftar sebagai grup petugas"},
		{chat: s, person: s, say: "/kode_grup regency_admin", want: "Kode pendaftaran"},
		{chat: gpRegcy, person: pRegency, say: "/daftar_grup {code}", want: "terdaftar sebagai grup petugas"},
		{chat: s, person: s, say: "/kode_grup agency pupr", want: "Kode pendaftaran"},
		{chat: gpPupr, person: pPupr, say: "/daftar_grup {code}", want: "terdaftar sebagai grup petugas"},
		// The PPID and its superior (informationTranscript).
		{chat: s, person: s, say: "/petugas tambah {u24} ppid Dewi", want: "Dewi"},
		{chat: s, person: s, say: "/petugas tambah {u25} ppid_superior Hadi", want: "Hadi"},
		{chat: s, person: s, say: "/kode_grup ppid", want: "Kode pendaftaran"},
		{chat: gpPPID, person: pPPID, say: "/daftar_grup {code}", want: "terdaftar sebagai grup petugas"},
		{chat: s, person: s, say: "/kode_grup ppid_superior", want: "Kode pendaftaran"},
		{chat: gpAtasan, person: pAtasan, say: "/daftar_grup {code}", want: "terdaftar sebagai grup petugas"},
		// The second agency of the two-agency report (multiAgencyTranscript).
		{chat: s, person: s, say: "/petugas tambah {u26} liaison_officer dlhp Wulan", want: "Wulan"},
		{chat: s, person: s, say: "/kode_grup agency dlhp", want: "Kode pendaftaran"},
		{chat: gpDlhp, person: pDlhp, say: "/daftar_grup {code}", want: "terdaftar sebagai grup petugas"},
	}
}

// transcriptFlood is LAPOR_FLOOD_PER_MINUTE of the shared transcripts'
// services on every platform: the transcripts, played in seconds, have a
// citizen send more than the default 30 messages within a minute, which is
// the flood limit's test (hostile_test.go, parity_web_test.go), not theirs.
const transcriptFlood = "120"

// playAll runs the shared transcripts on a platform whose service is up
// and whose first super admin is person pSuper.
func playAll(t *testing.T, p platform) {
	seen := map[string]string{}
	p.setupDesks(t, seen, desksTranscript())
	runTranscript(t, p, seen, intakeTranscript(jpegWithGPS(t)))
	runTranscript(t, p, seen, chainTranscript())
	runTranscript(t, p, seen, centralTranscript())
	runTranscript(t, p, seen, informationTranscript())
	runTranscript(t, p, seen, followupsTranscript(jpegWithGPS(t)))
	runTranscript(t, p, seen, multiAgencyTranscript(jpegWithGPS(t)))
	runTranscript(t, p, seen, firstMessageTranscript())
	// Months pass: last, since every open report above passes its limits.
	runTranscript(t, p, seen, escalationTranscript())
	p.setupDesks(t, seen, ombudsmanDeskTranscript())
	runTranscript(t, p, seen, ombudsmanTranscript())
}

func TestSharedTranscriptsOnTelegram(t *testing.T) {
	t.Parallel()
	fake := fastTelegram(t)
	p := &telegramPlatform{fake: fake, seen: map[int64]int{}}
	env := serviceEnv(t, fake, pg.NewDatabase(t))
	p.clk = newTestClock(t, env["LAPOR_DATABASE_URL"])
	// The transcripts put more than a real group's 20 messages a minute
	// into the agency's desk; pacing has tests of its own.
	env["LAPOR_TELEGRAM_GROUP_PER_MINUTE"] = "120"
	env["LAPOR_FLOOD_PER_MINUTE"] = transcriptFlood
	if code := Run(context.Background(), []string{"admin", "add", "--telegram-user", p.userID(pSuper), "--role", "super_admin"},
		func(k string) string { return env[k] }, io.Discard, io.Discard); code != 0 {
		t.Fatalf("admin add: %d", code)
	}
	startWithClock(t, env, p.clk)
	playAll(t, p)
}

// intakeTranscript: a citizen files a complaint with a photo and checks it.
func intakeTranscript(photo []byte) []step {
	c := pCitizen
	return []step{
		{chat: c, person: c, say: "/start", want: "Selamat datang"},
		{chat: c, person: c, press: "📝 Buat laporan", want: "Jenis laporan"},
		{chat: c, person: c, press: "Pengaduan", want: "Uraian"},
		{chat: c, person: c, say: "Saluran air di depan SD Negeri 1 tersumbat sejak awal November, jalan tergenang.", want: "Dicatat"},
		{chat: c, person: c, press: "Lanjut ➡️", want: "Kapan kejadiannya"},
		{chat: c, person: c, press: "Kemarin", want: "Di mana"},
		{chat: c, person: c, say: "Jl. Raya Plaosan No. 3", want: "pilih kecamatan lain"},
		{chat: c, person: c, press: "✅ Plaosan", want: "Bukti"},
		{chat: c, person: c, photo: photo, say: "foto genangan", want: "Bukti ke-1 diterima"},
		{chat: c, person: c, press: "Selesai ✅", want: "Sembunyikan identitas"},
		{chat: c, person: c, press: "Tidak", want: "nama Anda"},
		{chat: c, person: c, say: "Siti Aminah", want: "telepon atau alamat e-mail", askedNumber: 1},
		{chat: c, person: c, say: "0812-3456-7890", want: "Rahasiakan", askedNumber: 1},
		{chat: c, person: c, say: "Siti Aminah", want: "Rahasiakan", askedNumber: -1},
		{chat: c, person: c, press: "Ya", want: "Judul: Saluran air di depan SD Negeri 1"},
		{chat: c, person: c, press: "📨 Kirim", want: "Nomor laporan"},
		{chat: c, person: c, say: "/status {id}", want: "Status: Belum Terverifikasi"},
		{chat: c, person: c, say: "/laporan", want: "{id}"},
	}
}

// chainTranscript: the report travels the whole chain and is accepted.
func chainTranscript() []step {
	c := pCitizen
	return []step{
		{chat: gpSuper, person: pSuper, press: "✅ Verifikasi", want: "✅ {id}"},
		{chat: c, person: c, say: "", want: "sudah diverifikasi"},
		{chat: gpRegcy, person: pRegency, say: "/disposisi {id} pupr", want: "✅ {id}"},
		{chat: c, person: c, say: "", want: "sudah diteruskan"},
		{chat: gpPupr, person: pPupr, press: "✍️ Tanggapi", want: "tulis tanggapan"},
		{chat: gpPupr, person: pPupr, say: "Saluran sudah dikeruk tim UPT pada 27 November.", want: "dicatat"},
		{chat: gpPupr, person: pPupr, press: "📨 Kirim tanggapan", want: "✅ {id}"},
		{chat: gpRegcy, person: pRegency, press: "✅ Setujui & kirim", want: "✅ {id}"},
		{chat: c, person: c, say: "", want: "sudah dikeruk"},
		{chat: c, person: c, press: "👍 Terima", want: "Bagaimana penilaian"},
	}
}

// pCitizen2 files the follow-ups' report: another citizen, whose chat is
// not near its flood limit after the transcripts before.
const pCitizen2 = 13

// followupsTranscript: another citizen's anonymous report gets the
// agency's first response, two progress updates and the final answer
// (issue 16 §1), each reviewed by the regency admin and each reaching the
// citizen, who sees them all in /status.
func followupsTranscript(photo []byte) []step {
	c := pCitizen2
	return []step{
		{chat: c, person: c, say: "/start", want: "Selamat datang"},
		{chat: c, person: c, press: "📝 Buat laporan", want: "Jenis laporan"},
		{chat: c, person: c, press: "Pengaduan", want: "Uraian"},
		{chat: c, person: c, say: "Gorong-gorong di bawah jalan desa ambrol, air meluap ke halaman rumah warga setiap hujan deras.", want: "Dicatat"},
		{chat: c, person: c, press: "Lanjut ➡️", want: "Kapan kejadiannya"},
		{chat: c, person: c, press: "Kemarin", want: "Di mana"},
		{chat: c, person: c, say: "Jl. Raya Plaosan No. 40", want: "pilih kecamatan lain"},
		{chat: c, person: c, press: "✅ Plaosan", want: "Bukti"},
		{chat: c, person: c, photo: photo, say: "foto gorong-gorong", want: "Bukti ke-1 diterima"},
		{chat: c, person: c, press: "Selesai ✅", want: "Sembunyikan identitas"},
		{chat: c, person: c, press: "Ya", want: "Rahasiakan"}, // anonymous: the agency's desk never learns who
		{chat: c, person: c, press: "Ya", want: "Ringkasan"},
		{chat: c, person: c, press: "📨 Kirim", want: "Nomor laporan", capture: "fu"},
		{chat: gpSuper, person: pSuper, say: "/verifikasi {fu}", want: "✅ {fu}"},
		{chat: c, person: c, say: "", want: "sudah diverifikasi"},
		{chat: gpRegcy, person: pRegency, say: "/disposisi {fu} pupr", want: "✅ {fu}"},
		{chat: c, person: c, say: "", want: "sudah diteruskan"},
		// The first response, written over a reply and sent for review.
		{chat: gpPupr, person: pPupr, want: "📋 {fu}"}, // the new card is in (the old report's card had the same buttons)
		{chat: gpPupr, person: pPupr, press: "💬 Respon awal", want: "tulis respon awal"},
		{chat: gpPupr, person: pPupr, say: "Laporan kami terima; tim UPT meninjau lokasi besok pagi.", want: "dicatat"},
		{chat: gpPupr, person: pPupr, press: "📨 Kirim respon awal", want: "untuk diperiksa"},
		{chat: gpRegcy, person: pRegency, want: "besok pagi"},
		{chat: gpRegcy, person: pRegency, press: "✅ Teruskan ke pelapor", want: "✅ {fu}"},
		{chat: c, person: c, say: "", want: "Respon awal dari Dinas Pekerjaan Umum dan Penataan Ruang"},
		// The first progress update, with the buttons.
		{chat: gpPupr, person: pPupr, press: "🔄 Tindak lanjut", want: "tulis tindak lanjut"},
		{chat: gpPupr, person: pPupr, say: "Tim UPT sudah meninjau; gorong-gorong diganti pekan ini.", want: "dicatat"},
		{chat: gpPupr, person: pPupr, press: "📨 Kirim tindak lanjut", want: "untuk diperiksa"},
		{chat: gpRegcy, person: pRegency, want: "diganti pekan ini"},
		{chat: gpRegcy, person: pRegency, press: "✅ Teruskan ke pelapor", want: "✅ {fu}"},
		{chat: c, person: c, say: "", want: "diganti pekan ini"},
		// The second, with commands.
		{chat: gpPupr, person: pPupr, say: "/tindak_lanjut {fu} Gorong-gorong baru sudah terpasang; tinggal pengecoran.", want: "untuk diperiksa"},
		{chat: gpRegcy, person: pRegency, say: "/tindak_lanjut {fu} teruskan", want: "✅ {fu}"},
		{chat: c, person: c, say: "", want: "tinggal pengecoran"},
		// The final answer closes the agency's part.
		{chat: gpPupr, person: pPupr, press: "✍️ Tanggapi", want: "tulis tanggapan"},
		{chat: gpPupr, person: pPupr, say: "Gorong-gorong sudah diganti dan dicor; air tidak meluap lagi.", want: "dicatat"},
		{chat: gpPupr, person: pPupr, press: "📨 Kirim tanggapan", want: "✅ {fu}"},
		{chat: gpRegcy, person: pRegency, want: "air tidak meluap lagi"},
		{chat: gpRegcy, person: pRegency, press: "✅ Setujui & kirim", want: "✅ {fu}"},
		{chat: c, person: c, say: "", want: "air tidak meluap lagi"},
		{chat: c, person: c, say: "/status {fu}", want: "Tindak lanjut dari perangkat daerah"},
	}
}

// informationTranscript: an information request (UU 14/2008) goes to the
// PPID, who extends its deadline once and then refuses; the requester
// objects and the PPID's superior decides. desksTranscript registers the
// PPID's and the superior's desks; "{info}" is the request's number.
func informationTranscript() []step {
	c := pRequester
	return []step{
		{chat: c, person: c, say: "/start", want: "Selamat datang"},
		{chat: c, person: c, press: "📝 Buat laporan", want: "Jenis laporan"},
		{chat: c, person: c, press: "Permintaan informasi", want: "Uraian"},
		{chat: c, person: c, say: "Mohon salinan daftar penerima bantuan rumah tidak layak huni Desa Sidomukti tahun 2025.", want: "Dicatat"},
		{chat: c, person: c, press: "Lanjut ➡️", want: "Kapan kejadiannya"},
		{chat: c, person: c, press: "Kemarin", want: "Di mana"},
		{chat: c, person: c, say: "Kantor Desa Sidomukti, Plaosan", want: "pilih kecamatan lain"},
		{chat: c, person: c, press: "✅ Plaosan", want: "Bukti"},
		{chat: c, person: c, press: "Lewati", want: "Sembunyikan identitas"},
		{chat: c, person: c, press: "Ya", want: "Rahasiakan"},
		{chat: c, person: c, press: "Tidak", want: "Ringkasan"},
		{chat: c, person: c, press: "📨 Kirim", want: "PPID", capture: "info"},

		// The PPID extends its deadline once, with its reason; the card
		// never shows who the anonymous requester is.
		{chat: gpPPID, person: pPPID, say: "", want: "Pelapor anonim"},
		{chat: gpPPID, person: pPPID, press: "⏳ Perpanjang", want: "alasan perpanjangan"},
		{chat: gpPPID, person: pPPID, say: "Dokumen ada di arsip Bappeda dan perlu dipindai.", want: "✅ {info}"},
		{chat: c, person: c, say: "", want: "memperpanjang waktu"},
		{chat: gpPPID, person: pPPID, say: "/perpanjang {info} sekali lagi", want: "hanya boleh satu kali"},
		// ... and then refuses, naming the exemption.
		{chat: gpPPID, person: pPPID, say: "/tolak_informasi {info} Memuat data pribadi penerima (pasal 17 huruf h UU 14/2008).", want: "✅ {info}"},
		{chat: c, person: c, say: "", want: "PPID menolak permintaan informasi"},
		// The requester objects.
		{chat: c, person: c, press: "⚖️ Ajukan keberatan", want: "alasan keberatan"},
		{chat: c, person: c, say: "Saya hanya meminta jumlah penerima per dusun, bukan nama.", want: "Atasan PPID"},
		// The superior decides; the requester is told of the Komisi
		// Informasi, which they apply to themselves.
		{chat: gpAtasan, person: pAtasan, say: "", want: "jumlah penerima per dusun"},
		{chat: gpAtasan, person: pAtasan, press: "⚖️ Tanggapi keberatan", want: "tanggapan tertulis"},
		{chat: gpAtasan, person: pAtasan, say: "Keberatan diterima: PPID memberikan jumlah penerima per dusun tanpa nama.", want: "✅ {info}"},
		{chat: c, person: c, say: "", want: "Komisi Informasi"},
		{chat: gpPPID, person: pPPID, say: "", want: "Keberatan diterima"},
		{chat: c, person: c, say: "/status {info}", want: "Status: Selesai"},
	}
}
