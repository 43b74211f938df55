package main

import (
	"bytes"
	"context"
	"io"
	"maps"
	"net/http"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

var signInLink = regexp.MustCompile(`\?masuk=([A-Z0-9]+)`)

// roomCode issues a web room sign-in code with `lapor admin code --web`.
func roomCode(t *testing.T, env map[string]string, args ...string) string {
	t.Helper()
	var out, errOut bytes.Buffer
	if code := Run(context.Background(), append([]string{"admin", "code", "--web"}, args...),
		func(k string) string { return env[k] }, &out, &errOut); code != 0 {
		t.Fatalf("admin code --web %v: exit %d: %s", args, code, errOut.String())
	}
	web := "http://" + env["LAPOR_HTTP_ADDR"]
	if env["LAPOR_PUBLIC_URL"] != "" {
		web = env["LAPOR_PUBLIC_URL"]
	}
	m := signInLink.FindStringSubmatch(out.String())
	if m == nil || !strings.Contains(out.String(), web+"/?masuk=") {
		t.Fatalf("admin code --web printed no sign-in link: %q", out.String())
	}
	return m[1]
}

// signIn enters a room with a code and follows the room from its start.
func (b *browser) signIn(code string) (int, string) {
	status, body := b.post("/api/signin", map[string]string{"code": code})
	if status == 200 {
		b.close()
		b.mu.Lock()
		b.got, b.seen = nil, 0
		b.mu.Unlock()
		b.listen()
	}
	return status, body
}

// officer is a browser signed in to a desk's room.
func officer(t *testing.T, env map[string]string, args ...string) *browser {
	t.Helper()
	b := newBrowser(t, env["LAPOR_HTTP_ADDR"], nil)
	if status, body := b.signIn(roomCode(t, env, args...)); status != 200 {
		t.Fatalf("sign-in %v: %d %s", args, status, body)
	}
	return b
}

// pressLabel presses the newest button labelled label in the chat.
func (b *browser) pressLabel(label, want string) webMsg {
	b.t.Helper()
	var data string
	if err := eventually(func() bool {
		b.mu.Lock()
		defer b.mu.Unlock()
		for i := len(b.got) - 1; i >= 0 && data == ""; i-- {
			for _, row := range b.got[i].Buttons {
				for _, btn := range row {
					if btn.Label == label {
						data = btn.Data
					}
				}
			}
		}
		return data != ""
	}, "no button "+label); err != nil {
		b.t.Fatal(err)
	}
	if code, body := b.post("/api/messages", map[string]string{"button": data, "label": label}); code != 202 {
		b.t.Fatalf("press %q: %d %s", label, code, body)
	}
	return b.expect(want)
}

// fileWebReport files a complaint with a photo in a citizen's web chat.
func fileWebReport(t *testing.T, b *browser, photo []byte) string {
	t.Helper()
	b.say("/start", "Selamat datang")
	b.press("menu:new", "Jenis laporan")
	b.press("type:pengaduan", "Uraian")
	b.say("Saluran air di Jl. Pahlawan tersumbat sampah, air meluap ke jalan setiap hujan.", "Dicatat")
	b.press("what:next", "Kapan")
	b.press("when:today", "Di mana")
	b.say("Jl. Pahlawan, Magetan", "pilih kecamatan lain")
	b.press("kec:35.20.06", "Bukti")
	if code, body := b.upload("saluran.jpg", photo); code != 202 {
		t.Fatalf("upload: %d %s", code, body)
	}
	b.expect("Bukti ke-1 diterima")
	b.press("ev:done", "Sembunyikan")
	b.press("anon:yes", "Rahasiakan")
	b.press("conf:no", "Ringkasan")
	id := anyTrackingID.FindString(b.press("sum:send", "Nomor laporan").Text)
	if id == "" {
		t.Fatal("no tracking number")
	}
	return id
}

func (b *browser) get(path string) (int, []byte) {
	resp, err := b.client.Get(b.base + path)
	if err != nil {
		b.t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, body
}

// Officers signed in to their desks' web rooms work a report through the
// whole chain with the same cards, buttons, commands and replies as in a
// Telegram group; the anonymous citizen's identity never reaches the
// agency's room, and the room is closed to citizens and to removed officers.
func TestWebRoomsRunTheChain(t *testing.T) {
	t.Parallel()
	env := webEnv(t, pg.NewDatabase(t))
	startInProcess(t, env)
	super := officer(t, env, "--desk", "super_admin", "--name", "Sari")
	regency := officer(t, env, "--desk", "regency_admin", "--name", "Budi")
	pupr := officer(t, env, "--desk", "agency", "--agency", "DPUPR", "--name", "Rina")

	cz := newBrowser(t, env["LAPOR_HTTP_ADDR"], nil)
	id := fileWebReport(t, cz, jpegWithGPS(t))

	super.expect(id)
	super.pressLabel("✅ Verifikasi", "✅ "+id)
	cz.expect("sudah diverifikasi")
	regency.expect(id)
	regency.say("/disposisi "+id+" pupr", "✅ "+id)
	cz.expect("sudah diteruskan ke")

	// The agency's card: the photo comes without its GPS tag and is
	// served to the room's officers only; the reporter stays anonymous.
	card := pupr.expect("Balas pesan laporan ini")
	ident := regexp.MustCompile(`chat (w[A-Za-z0-9_-]{20})`).FindStringSubmatch(super.say("/identitas "+id, id).Text)
	if ident == nil {
		t.Fatal("/identitas shows no web chat")
	}
	citizenChat := ident[1]
	var photoURL string
	anonymous := false
	// The photo came with the card (before it).
	if err := eventually(func() bool {
		pupr.mu.Lock()
		defer pupr.mu.Unlock()
		for _, m := range pupr.got {
			if m.Attachment != nil && m.Attachment.URL != "" {
				return true
			}
		}
		return false
	}, "the agency room got no photo"); err != nil {
		t.Fatal(err)
	}
	pupr.mu.Lock()
	for _, m := range pupr.got {
		if m.Attachment != nil && m.Attachment.URL != "" {
			photoURL = m.Attachment.URL
		}
		anonymous = anonymous || strings.Contains(m.Text, "Pelapor anonim")
		if strings.Contains(m.Text, citizenChat) {
			t.Errorf("the agency room shows the anonymous citizen's chat: %q", m.Text)
		}
	}
	pupr.mu.Unlock()
	if !anonymous {
		t.Error("the agency's card does not say the reporter is anonymous")
	}
	if photoURL == "" {
		t.Fatal("the agency room got no photo")
	}
	if status, body := pupr.get(photoURL); status != 200 || hasGPS(body) {
		t.Fatalf("the officer's photo: status %d, GPS %v", status, hasGPS(body))
	}
	if status, _ := cz.get(photoURL); status != 404 {
		t.Fatalf("a citizen read the room's photo: %d", status)
	}

	// The answer, written as a reply to the card (as on Telegram).
	if status, body := pupr.post("/api/messages", map[string]any{
		"text": "Saluran sudah dibersihkan oleh tim UPT pada 27 November.", "reply_to": card.Seq}); status != 202 {
		t.Fatalf("reply to the card: %d %s", status, body)
	}
	pupr.expect("dicatat")
	pupr.pressLabel("📨 Kirim tanggapan", "✅ "+id)
	regency.pressLabel("✅ Setujui & kirim", "✅ "+id)
	cz.expect("sudah dibersihkan")
	cz.pressLabel("👍 Terima", "Bagaimana penilaian")

	// An admin issues a room code in the chat; it opens the agency's room.
	issued := super.say("/kode_ruang agency dinkes Dewi", "Kode masuk ruang web")
	m2 := signInLink.FindStringSubmatch(issued.Text)
	if m2 == nil || !strings.Contains(issued.Text, "http://"+env["LAPOR_HTTP_ADDR"]+"/?masuk=") {
		t.Fatalf("/kode_ruang: %q", issued.Text)
	}
	dewi := newBrowser(t, env["LAPOR_HTTP_ADDR"], nil)
	if status, body := dewi.signIn(m2[1]); status != 200 || !strings.Contains(body, "Dinas Kesehatan") || !strings.Contains(body, "Dewi") {
		t.Fatalf("the chat-issued code: %d %s", status, body)
	}
	regency.say("/kode_ruang super_admin", "tidak tersedia untuk peran Anda")

	// A removed officer loses the room at their next request.
	list := super.say("/petugas", "Rina")
	m := regexp.MustCompile(`web (\S+) — [^\n]*\(Rina\)`).FindStringSubmatch(list.Text)
	if m == nil {
		t.Fatalf("no web officer Rina in %q", list.Text)
	}
	super.say("/petugas hapus "+m[1], m[1])
	status, body := pupr.post("/api/session", nil)
	if status != 200 || strings.Contains(body, `"room"`) {
		t.Fatalf("a removed officer still has the room: %d %s", status, body)
	}
	if status, _ := pupr.get(photoURL); status != 404 {
		t.Fatalf("a removed officer still reads the room's photo: %d", status)
	}
}

// Sign-in codes work once, only as room codes, and cannot be guessed.
func TestWebRoomSignInRefusals(t *testing.T) {
	t.Parallel()
	env := webEnv(t, pg.NewDatabase(t))
	startInProcess(t, env)
	code := roomCode(t, env, "--desk", "ombudsman")
	first := newBrowser(t, env["LAPOR_HTTP_ADDR"], nil)
	if status, body := first.signIn(code); status != 200 || !strings.Contains(body, "Ombudsman") {
		t.Fatalf("first use: %d %s", status, body)
	}
	second := newBrowser(t, env["LAPOR_HTTP_ADDR"], nil)
	if status, body := second.signIn(code); status != 403 || !strings.Contains(body, "Kode masuk tidak berlaku") {
		t.Fatalf("second use of a code: %d %s", status, body)
	}

	// A group registration code is not a sign-in code.
	var out bytes.Buffer
	if Run(context.Background(), []string{"admin", "code", "--desk", "regency_admin"}, func(k string) string { return env[k] },
		&out, io.Discard) != 0 {
		t.Fatal("admin code failed")
	}
	groupCode := strings.Fields(out.String())[0]
	if status, _ := second.signIn(groupCode); status != 403 {
		t.Fatalf("a group code signed a browser in: %d", status)
	}

	// Guessing: after five wrong codes the address must wait, even with a
	// right one.
	for i := 0; i < 4; i++ {
		second.signIn("AAAAAAA" + string(rune('A'+i)))
	}
	valid := roomCode(t, env, "--desk", "super_admin")
	if status, body := second.signIn(valid); status != 429 || !strings.Contains(body, "Terlalu banyak") {
		t.Fatalf("the sixth try after five wrong codes: %d %s", status, body)
	}

	// Without a session, or cross-site, nothing happens.
	req, _ := http.NewRequest("POST", first.base+"/api/signin", strings.NewReader(`{"code":"`+valid+`"}`))
	req.Header.Set("X-CSRF-Token", first.csrf)
	req.Header.Set("Origin", "https://evil.example")
	resp, err := first.client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 403 {
		t.Fatalf("a cross-site sign-in: %d", resp.StatusCode)
	}
}

// lapor serve --demo prints a sign-in link for every desk; each opens its
// desk's room.
func TestServeDemoPrintsSignInLinks(t *testing.T) {
	t.Parallel()
	env := webEnv(t, pg.NewDatabase(t))
	out := &syncBuffer{}
	startWith(t, env, []string{"serve", "--demo"}, out)
	if err := eventually(func() bool { return strings.Contains(out.String(), "Open each link") }, "no demo links printed"); err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(out.String(), "\n")
	links := map[string]string{}
	for _, l := range lines {
		if m := signInLink.FindStringSubmatch(l); m != nil {
			links[strings.TrimSpace(l[strings.Index(l, m[0])+len(m[0]):])] = m[1]
		}
	}
	// The three central desks and every active agency of the seed (56).
	if len(links) < 3+50 {
		t.Fatalf("%d sign-in links printed:\n%s", len(links), out)
	}
	for label, desk := range map[string]string{"Super admin (verifikasi)": "Super Admin",
		"pupr — Dinas Pekerjaan Umum dan Penataan Ruang": "Dinas Pekerjaan Umum"} {
		code, ok := links[label]
		if !ok {
			t.Fatalf("no link for %q in:\n%s", label, out)
		}
		b := newBrowser(t, env["LAPOR_HTTP_ADDR"], nil)
		if status, body := b.signIn(code); status != 200 || !strings.Contains(body, desk) {
			t.Fatalf("demo link of %s: %d %s", label, status, body)
		}
	}

	// A normal run on the same database ends the links the demo printed
	// and nobody used: whoever saw them does not become an officer.
	unused := links["Admin kabupaten (disposisi, persetujuan)"]
	normal := maps.Clone(env)
	normal["LAPOR_HTTP_ADDR"] = freeAddr(t)
	logs, _ := startWith(t, normal, []string{"serve"}, io.Discard)
	waitForWeb(t, "http://"+normal["LAPOR_HTTP_ADDR"])
	b := newBrowser(t, normal["LAPOR_HTTP_ADDR"], nil)
	if status, body := b.signIn(unused); status == 200 {
		t.Fatalf("a demo link signed in after a normal start: %d %s", status, body)
	}
	if !strings.Contains(logs.String(), "earlier demo run") {
		t.Errorf("the normal start did not say it ended the demo's links:\n%s", logs)
	}
}

// serve --demo without a database of its own keeps its private cluster
// beside the normal one, never in it.
func TestDemoDataDir(t *testing.T) {
	for in, want := range map[string]string{"./lapor-data": "lapor-demo", "/var/lib/lapor/data": "/var/lib/lapor/lapor-demo",
		"/var/lib/lapor/data/": "/var/lib/lapor/lapor-demo"} {
		if got := demoDataDir(in); got != want || got == filepath.Clean(in) {
			t.Errorf("demoDataDir(%q) = %q, want %q", in, got, want)
		}
	}
}
