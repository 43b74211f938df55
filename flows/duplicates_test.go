package flows_test

import (
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/lapor-id/lapor/flows"
	"github.com/lapor-id/lapor/store"
)

// A pothole in front of Sidomukti's village hall, as two citizens tell it.
const (
	potholeA   = "Jalan di depan balai desa Sidomukti berlubang besar dan dalam, sudah dua motor jatuh minggu ini."
	potholeB   = "Ada lubang besar di jalan dekat balai desa Sidomukti, berbahaya sekali untuk pengendara motor."
	sidomukti  = "Jl. Raya Sidomukti No. 5"
	otherTopic = "Lampu penerangan jalan umum di dekat balai desa Sidomukti mati sudah sebulan, gelap gulita malam hari."
)

// citizen is a reporter in their own private chat.
type citizen struct{ chat, name, handle string }

func (c citizen) in(m flows.Inbound) flows.Inbound {
	m.UserID, m.UserName, m.Username = c.chat, c.name, c.handle
	return m
}

// fileAbout walks a citizen through the intake with a description and an
// address in Plaosan, and returns the tracking number. Everything sent
// meanwhile is kept in log.
func (h *harness) fileAbout(c citizen, description, address string, anonymous bool, log map[string][]flows.Outbound) string {
	t := h.t
	t.Helper()
	step := func(m flows.Inbound, want string) flows.Outbound {
		t.Helper()
		h.post(c.chat, c.in(m))
		out := h.drainAll()
		for chat, msgs := range out {
			log[chat] = append(log[chat], msgs...)
		}
		return expect(t, out[c.chat], want)
	}
	step(cmd("start", ""), "Selamat datang")
	step(press("menu:new"), "Jenis laporan")
	step(press("type:pengaduan"), "Uraian")
	step(text(description), "Dicatat")
	step(press("what:next"), "Kapan kejadiannya")
	step(text("kemarin"), "Di mana")
	h.post(c.chat, c.in(text(address)))
	h.drainAll()
	step(text("Plaosan"), "Bukti")
	step(press("ev:done"), "Sembunyikan identitas")
	if anonymous {
		step(press("anon:yes"), "Rahasiakan")
	} else {
		step(press("anon:no"), "nama Anda")
		step(press("name:profile"), "telepon atau alamat e-mail")
		step(press("contact:skip"), "Rahasiakan")
	}
	last := step(press("conf:no"), "Ringkasan")
	if !hasButton(last, "sum:send") {
		t.Fatalf("summary without Kirim: %+v", last)
	}
	last = step(press("sum:send"), "Nomor laporan: MGT-")
	return last.Text[strings.Index(last.Text, "MGT-"):][:10]
}

// officer acts in a place and returns what every chat was sent.
func (h *harness) officer(user, chat string, m flows.Inbound, log map[string][]flows.Outbound) map[string][]flows.Outbound {
	h.t.Helper()
	m.UserID, m.UserName, m.IsGroup = user, "Petugas "+user, strings.HasPrefix(chat, "-")
	h.post(chat, m)
	out := h.drainAll()
	for c, msgs := range out {
		log[c] = append(log[c], msgs...)
	}
	return out
}

func mergeButton(o flows.Outbound) (string, bool) {
	for _, row := range o.Buttons {
		for _, b := range row {
			if strings.HasPrefix(b.Data, "mrg|") {
				return b.Data, true
			}
		}
	}
	return "", false
}

func joined(msgs []flows.Outbound) string {
	var s []string
	for _, m := range msgs {
		s = append(s, m.Text)
	}
	return strings.Join(s, "\n---\n")
}

func (h *harness) mergedInto(id string) string {
	h.t.Helper()
	var root string
	err := h.db.InTx(h.ctx, func(tx *store.Tx) error {
		r, err := tx.ReportByTrackingID(h.ctx, id)
		if err != nil {
			return err
		}
		o, err := tx.MergedInto(h.ctx, r.ID)
		if errors.Is(err, store.ErrNotFound) {
			return nil
		}
		root = o.TrackingID
		return err
	})
	if err != nil {
		h.t.Fatal(err)
	}
	return root
}

func (h *harness) events(id string) []store.Event {
	h.t.Helper()
	var es []store.Event
	err := h.db.InTx(h.ctx, func(tx *store.Tx) error {
		r, err := tx.ReportByTrackingID(h.ctx, id)
		if err != nil {
			return err
		}
		es, err = tx.Events(h.ctx, r.ID)
		return err
	})
	if err != nil {
		h.t.Fatal(err)
	}
	return es
}

// Two citizens report the same pothole; the second card lists the first;
// the super admin merges; the second citizen is told, and later receives
// the news of the original, its answer included, without the buttons that
// are the first citizen's alone.
func TestDuplicateMergeTranscript(t *testing.T) {
	h := chainHarness(t)
	log := map[string][]flows.Outbound{}
	first := citizen{"3300881", "Budi Santoso", "budi_s"}
	second := citizen{"3300882", "Wati Lestari", "wati_l"}
	a := h.fileAbout(first, potholeA, sidomukti, false, log)
	if _, ok := mergeButton(log[gSuper][0]); ok {
		t.Fatalf("the first report has nothing to repeat, but its card offers a merge: %q", log[gSuper][0].Text)
	}
	// Not the same matter, though in the same village: no suggestion.
	lamp := h.fileAbout(citizen{"3300883", "Joko", "joko"}, otherTopic, sidomukti, false, log)
	for _, m := range log[gSuper] {
		if strings.Contains(m.Text, lamp) && strings.Contains(m.Text, "Laporan serupa") {
			t.Fatalf("the street-light report is listed with a pothole as similar: %q", m.Text)
		}
	}
	log[gSuper] = nil
	b := h.fileAbout(second, potholeB, sidomukti, false, log)
	card := log[gSuper][0]
	if !strings.Contains(card.Text, b) || !strings.Contains(card.Text, "Laporan serupa") || !strings.Contains(card.Text, a) {
		t.Fatalf("the second card does not list the first report %s: %q", a, card.Text)
	}
	if strings.Contains(card.Text, lamp) {
		t.Fatalf("the second card lists the street-light report %s: %q", lamp, card.Text)
	}
	r, _ := h.reportNow(b)
	data := fmt.Sprintf("mrg|%s|%d|%s", b, r.Version, a)
	if !hasButton(card, data) {
		t.Fatalf("the card has no Gabungkan button %q: %+v", data, card.Buttons)
	}

	out := h.officer(uSuper, gSuper, press(data), log)
	expect(t, out[gSuper], "digabungkan ke laporan "+a)
	expect(t, out[second.chat], "Laporan Anda "+b+" sama dengan laporan "+a+" yang sudah ditangani",
		"Anda akan menerima kabar perkembangan laporan itu")
	if len(out[first.chat]) != 0 {
		t.Errorf("the first reporter heard of the merge: %q", joined(out[first.chat]))
	}
	if got, _ := h.reportNow(b); got.Stage != string(flows.StageArchived) || got.ClosedReason != "duplikat "+a {
		t.Fatalf("the duplicate is %s (%q), want archived as duplikat %s", got.Stage, got.ClosedReason, a)
	}
	if root := h.mergedInto(b); root != a {
		t.Fatalf("%s merged into %q, want %s", b, root, a)
	}
	if es := h.events(b); es[len(es)-1].Kind != "archive" || es[len(es)-1].Note != "duplikat "+a {
		t.Errorf("the duplicate's timeline ends with %+v", es[len(es)-1])
	}
	if es := h.events(a); es[len(es)-1].Kind != "merge" || es[len(es)-1].Note != b {
		t.Errorf("the original's timeline ends with %+v", es[len(es)-1])
	}

	// The original moves on; the second citizen hears each step.
	out = h.officer(uSuper, gSuper, cmd("verifikasi", a), log)
	expect(t, out[first.chat], "sudah diverifikasi")
	expect(t, out[second.chat], "Kabar laporan "+a, "laporan Anda "+b, "sudah diverifikasi")
	h.officer(uRegency, gRegency, cmd("disposisi", a+" pupr"), log)
	h.officer(uPupr, gPupr, cmd("tanggapi", a+" Lubang sudah kami tambal dengan aspal pada hari Senin."), log)
	h.officer(uPupr, gPupr, cmd("tanggapi", a+" selesai"), log)
	out = h.officer(uRegency, gRegency, cmd("setujui", a), log)
	answer := expect(t, out[first.chat], "Lubang sudah kami tambal", "Apakah Anda menerima")
	cur, _ := h.reportNow(a)
	accept := fmt.Sprintf("c|%s|%s|%d", flows.ActAccept, a, cur.Version)
	if !hasButton(answer, accept) {
		t.Fatalf("the first citizen's answer lacks Terima: %+v", answer.Buttons)
	}
	news := expect(t, out[second.chat], "Kabar laporan "+a, "Lubang sudah kami tambal")
	if len(news.Buttons) != 0 || strings.Contains(news.Text, "Apakah Anda menerima") {
		t.Fatalf("the follower may not accept or reject the original's answer: %q %+v", news.Text, news.Buttons)
	}
	// A follower's press of the original's button does nothing.
	h.post(second.chat, second.in(press(accept)))
	h.drainAll()
	if got, _ := h.reportNow(a); got.Stage != string(flows.StageAnswered) {
		t.Fatalf("a follower's press moved the original to %s", got.Stage)
	}
	h.post(first.chat, first.in(press(accept)))
	out = h.drainAll()
	expect(t, out[first.chat], "selesai")
	expect(t, out[second.chat], "Laporan "+a+" sudah selesai ditangani")

	h.post(second.chat, second.in(cmd("status", b)))
	out = h.drainAll()
	expect(t, out[second.chat], b, "digabungkan ke laporan "+a+", dengan status: Selesai.")

	// Through all of it, each citizen's identity stayed out of the other's chat.
	for _, pair := range [][2]citizen{{first, second}, {second, first}} {
		seen := joined(log[pair[1].chat]) + joined(out[pair[1].chat])
		for _, secret := range []string{pair[0].name, pair[0].handle, pair[0].chat} {
			if strings.Contains(seen, secret) {
				t.Errorf("%s's chat was told %q of the other reporter", pair[1].name, secret)
			}
		}
	}
}

// Misuse of the merge, refused with a clear word and an audit line, and
// changing nothing.
func TestDuplicateMergeMisuse(t *testing.T) {
	h := chainHarness(t)
	log := map[string][]flows.Outbound{}
	seed := func(stage flows.Stage) string { return h.seedReport(stage, "", false).TrackingID }
	refused := func(user, chat string, m flows.Inbound, dup string, want string) {
		t.Helper()
		before, eventsBefore := h.reportNow(dup)
		rootBefore := h.mergedInto(dup)
		auditBefore, err := h.db.AuditLog(h.ctx, 10000)
		if err != nil {
			t.Fatal(err)
		}
		out := h.officer(user, chat, m, log)
		expect(t, out[chat], want)
		after, eventsAfter := h.reportNow(dup)
		if after.Stage != before.Stage || after.Version != before.Version || eventsAfter != eventsBefore || h.mergedInto(dup) != rootBefore {
			t.Fatalf("%s %q: refused but %s changed (%s v%d → %s v%d)", user, m.Text+m.Button, dup, before.Stage, before.Version, after.Stage, after.Version)
		}
		if l, err := h.db.AuditLog(h.ctx, 10000); err != nil || len(l) != len(auditBefore)+1 || l[0].Allowed || l[0].UserID != user {
			t.Fatalf("%s %q: refusal without an audit line: %+v", user, m.Text+m.Button, l[:min(len(l), 2)])
		}
	}
	merge := func(dup, orig string) map[string][]flows.Outbound {
		t.Helper()
		return h.officer(uSuper, gSuper, cmd("gabungkan", dup+" "+orig), log)
	}

	a, b := seed(flows.StageSubmitted), seed(flows.StageAtAgency)
	refused(uSuper, gSuper, cmd("gabungkan", a+" "+a), a, "dirinya sendiri")
	out := h.officer(uSuper, gSuper, cmd("gabungkan", a), log) // a slip of the keyboard, not an attempt
	expect(t, out[gSuper], "Cara pakai: /gabungkan <ID duplikat> <ID asli>")
	for _, st := range []flows.Stage{flows.StageClosed, flows.StageArchived} {
		refused(uSuper, gSuper, cmd("gabungkan", a+" "+seed(st)), a, "laporan lain tidak dapat digabungkan")
	}
	// Only a report waiting for the super admin is merged away.
	refused(uSuper, gSuper, cmd("gabungkan", b+" "+a), b, "tindakan itu tidak berlaku")

	// Who may not: other roles, other desks, a private chat, a stranger.
	v, _ := h.reportNow(a)
	press1 := press(fmt.Sprintf("mrg|%s|%d|%s", a, v.Version, b))
	refused(uRegency, gRegency, press1, a, "tidak berwenang")
	refused(uPupr, gPupr, press1, a, "tidak berwenang")
	refused(uSuper, gRegency, press1, a, "tidak berwenang")
	refused(uRegency, gRegency, cmd("gabungkan", a+" "+b), a, "tidak tersedia untuk peran Anda")
	refused(uPupr, gPupr, cmd("gabungkan", a+" "+b), a, "tidak tersedia untuk peran Anda")
	refused(uSuper, uSuper, cmd("gabungkan", a+" "+b), a, "hanya dapat dipakai di grup")
	refused(uStranger, gSuper, press1, a, "belum terdaftar")

	// The press that counts, then the same press again: stale.
	out = h.officer(uSuper, gSuper, press1, log)
	expect(t, out[gSuper], "digabungkan ke laporan "+b)
	refused(uSuper, gSuper, press1, a, "sudah ditangani lebih dulu (🗄 Diarsipkan oleh Petugas 9001")
	refused(uSuper, gSuper, cmd("gabungkan", a+" "+b), a, "sudah digabungkan ke laporan "+b)

	// A card shown before the report changed: its button is stale.
	c := seed(flows.StageSubmitted)
	old, _ := h.reportNow(c)
	h.officer(uSuper, gSuper, cmd("tunda", c+" Di depan rumah nomor berapa?"), log)
	h.post(identities["telegram"].chat, flows.Inbound{Kind: flows.KindText, Text: "Nomor 12.", UserID: identities["telegram"].chat})
	h.drainAll()
	if now, _ := h.reportNow(c); now.Stage != string(flows.StageSubmitted) || now.Version == old.Version {
		t.Fatalf("setup: %s is %s v%d", c, now.Stage, now.Version)
	}
	refused(uSuper, gSuper, press(fmt.Sprintf("mrg|%s|%d|%s", c, old.Version, b)), c, "sudah")

	// Into a report that was itself merged: resolved to its root.
	out = merge(c, a)
	expect(t, out[gSuper], "digabungkan ke laporan "+b, "karena laporan "+a+" sudah lebih dulu")
	if root := h.mergedInto(c); root != b {
		t.Fatalf("%s follows %q, want the root %s", c, root, b)
	}
	// A loop: the original into its own follower resolves to itself.
	d := seed(flows.StageSubmitted)
	merge(d, a) // d follows b too
	e := seed(flows.StageSubmitted)
	if out := merge(e, d); h.mergedInto(e) != b {
		t.Fatalf("%s follows %q, want %s: %q", e, h.mergedInto(e), b, joined(out[gSuper]))
	}
	f := seed(flows.StageSubmitted)
	g := seed(flows.StageSubmitted)
	merge(g, f) // g follows f
	refused(uSuper, gSuper, cmd("gabungkan", f+" "+g), f, "sehingga "+f+" tidak dapat digabungkan")

	// Merging an original that has followers moves them along: still flat.
	h.officer(uSuper, gSuper, cmd("verifikasi", f), log) // f waits no longer for the super admin
	out = merge(f, g)
	if h.mergedInto(f) != "" {
		t.Fatalf("%s (at the regency) was merged: %q", f, joined(out[gSuper]))
	}
	x := seed(flows.StageSubmitted)
	y := seed(flows.StageSubmitted)
	merge(y, x)
	out = merge(x, f) // x has the follower y; f is open at the regency
	if h.mergedInto(x) != f || h.mergedInto(y) != f {
		t.Fatalf("after merging %s into %s: %s follows %q, %s follows %q", x, f, x, h.mergedInto(x), y, h.mergedInto(y))
	}
	expect(t, out[identities["telegram"].chat], "Laporan Anda "+y+" sama dengan laporan "+f)
}

// The merge list is the super admin's alone: an agency's desk never sees a
// report of another agency through it, and an anonymous duplicate's
// reporter is never named to anyone by the merge or the news that follows.
func TestDuplicatesStayWithTheSuperAdminAndKeepAnonymity(t *testing.T) {
	h := chainHarness(t)
	log := map[string][]flows.Outbound{}
	first := citizen{"4400771", "Budi Santoso", "budi_s"}
	anon := citizen{"4400772", "Rahasia Sekali", "pelapor_rahasia_xyz"}
	other := citizen{"4400773", "Sri Wahyuni", "sri_w"}
	a := h.fileAbout(first, potholeA, sidomukti, false, log)
	c := h.fileAbout(other, potholeB, sidomukti, false, log)
	if d, _ := mergeButton(log[gSuper][len(log[gSuper])-1]); !strings.HasSuffix(d, "|"+a) {
		t.Fatalf("setup: %s is not offered as %s's original: %q", a, c, joined(log[gSuper]))
	}
	// Both go on, to different agencies, without merging.
	h.officer(uSuper, gSuper, cmd("verifikasi", a), log)
	h.officer(uSuper, gSuper, cmd("verifikasi", c), log)
	h.officer(uRegency, gRegency, cmd("disposisi", a+" pupr"), log)
	h.officer(uRegency, gRegency, cmd("disposisi", c+" dinkes"), log)
	h.officer(uPupr, gPupr, cmd("laporan", a), log)
	h.officer(uDinkes, gDinkes, cmd("laporan", c), log)
	for desk, foreign := range map[string]string{gPupr: c, gDinkes: a, gRegency: ""} {
		all := joined(log[desk])
		if foreign != "" && strings.Contains(all, foreign) {
			t.Errorf("desk %s learnt of the other agency's report %s: %q", desk, foreign, all)
		}
		for _, m := range log[desk] {
			if _, ok := mergeButton(m); ok || strings.Contains(m.Text, "Laporan serupa") {
				t.Errorf("desk %s was offered duplicates: %q", desk, m.Text)
			}
		}
	}
	// A liaison officer cannot merge the other agency's report away.
	cur, _ := h.reportNow(c)
	out := h.officer(uPupr, gPupr, press(fmt.Sprintf("mrg|%s|%d|%s", c, cur.Version, a)), log)
	expect(t, out[gPupr], "tidak berwenang")
	if h.mergedInto(c) != "" {
		t.Fatal("a liaison officer merged a report")
	}

	// An anonymous citizen reports the same; merged into the open original.
	dup := h.fileAbout(anon, potholeB, sidomukti, true, log)
	out = h.officer(uSuper, gSuper, cmd("gabungkan", dup+" "+a), log)
	expect(t, out[anon.chat], "Laporan Anda "+dup+" sama dengan laporan "+a)
	h.officer(uPupr, gPupr, cmd("tanggapi", a+" Sudah ditambal."), log)
	h.officer(uPupr, gPupr, cmd("tanggapi", a+" selesai"), log)
	out = h.officer(uRegency, gRegency, cmd("setujui", a), log)
	expect(t, out[anon.chat], "Sudah ditambal.")
	for chat, msgs := range log {
		if chat == anon.chat {
			continue
		}
		all := joined(msgs)
		for _, secret := range []string{anon.name, anon.handle, anon.chat} {
			if strings.Contains(all, secret) {
				t.Errorf("chat %s was told %q of the anonymous reporter", chat, secret)
			}
		}
	}
	for _, secret := range []string{first.name, first.handle, first.chat} {
		if strings.Contains(joined(log[anon.chat]), secret) {
			t.Errorf("the follower was told %q of the original's reporter", secret)
		}
	}
}

// The suggestions' limits: 60 days, open reports only, the same village
// or a pin within 300 m, similar words.
func TestDuplicateSuggestionLimits(t *testing.T) {
	h := chainHarness(t)
	lat, lon := -7.6790, 111.2630
	mk := func(desc, kec, address string, pin *[2]float64, stage flows.Stage, age time.Duration) string {
		t.Helper()
		r := store.Report{TrackingID: flows.NewTrackingID("MGT"), Type: "pengaduan", Description: desc,
			Address: address, KecamatanCode: kec, Confidential: true, Channel: "test", ChatID: "5500",
			Lang: "id", Stage: string(stage), ResponsibleUnit: "x", StageStartedAt: h.now, SubmittedAt: h.now.Add(-age)}
		if pin != nil {
			r.Latitude, r.Longitude = &pin[0], &pin[1]
		}
		if err := h.db.InTx(h.ctx, func(tx *store.Tx) error { return tx.CreateReport(h.ctx, &r) }); err != nil {
			t.Fatal(err)
		}
		return r.TrackingID
	}
	day := 24 * time.Hour
	plaosan, other := "35.20.07", "35.20.01"
	near := [2]float64{lat + 0.0018, lon} // about 200 m north
	far := [2]float64{lat + 0.0045, lon}  // about 500 m north
	want := map[string]bool{
		mk(potholeA, plaosan, sidomukti, nil, flows.StageAtAgency, 10*day):                   true,
		mk(potholeA, other, "Jl. Mawar 3", &near, flows.StageSubmitted, 59*day):              true,  // near, though in another kecamatan
		mk(potholeA, plaosan, sidomukti, nil, flows.StageSubmitted, 61*day):                  false, // too old
		mk(potholeA, plaosan, sidomukti, nil, flows.StageClosed, day):                        false,
		mk(potholeA, plaosan, sidomukti, nil, flows.StageArchived, day):                      false,
		mk(potholeA, other, "Jl. Mawar 3", &far, flows.StageSubmitted, day):                  false, // 500 m away
		mk(potholeA, plaosan, "Jl. Pahlawan, Desa Sarangan", nil, flows.StageSubmitted, day): false, // another village
		mk(otherTopic, plaosan, sidomukti, nil, flows.StageSubmitted, day):                   false, // another matter
	}
	// The new report, with a pin and an address, comes back to the super
	// admin from the regency admin: its card lists what it may repeat.
	pin := [2]float64{lat, lon}
	fresh := mk(potholeB, plaosan, sidomukti, &pin, flows.StageAtRegency, 0)
	log := map[string][]flows.Outbound{}
	h.officer(uRegency, gRegency, cmd("kembalikan", fresh+" mungkin sama dengan laporan lain"), log)
	card := log[gSuper][0]
	if !strings.Contains(card.Text, fresh) || !strings.Contains(card.Text, "Laporan serupa") {
		t.Fatalf("the returned card lists no similar report: %q", card.Text)
	}
	for id, listed := range want {
		if strings.Contains(card.Text, id) != listed {
			t.Errorf("%s listed %v, want %v: %q", id, !listed, listed, card.Text)
		}
	}
}

// A citizen who reported the same matter twice hears each piece of news
// once; a follower reads it in their own language.
func TestFollowersHearNewsOnceInTheirLanguage(t *testing.T) {
	h := chainHarness(t)
	log := map[string][]flows.Outbound{}
	orig := h.seedReport(flows.StageSubmitted, "", false)
	again := h.seedReport(flows.StageSubmitted, "", false) // the same chat
	en := store.Report{TrackingID: flows.NewTrackingID("MGT"), Type: "pengaduan", Description: potholeB,
		KecamatanCode: "35.20.07", Confidential: true, Channel: "test", ChatID: "8800", ReporterName: "Tourist",
		Lang: "en", Stage: string(flows.StageSubmitted), ResponsibleUnit: "super_admin", StageStartedAt: h.now, SubmittedAt: h.now}
	if err := h.db.InTx(h.ctx, func(tx *store.Tx) error { return tx.CreateReport(h.ctx, &en) }); err != nil {
		t.Fatal(err)
	}
	for _, d := range []string{again.TrackingID, en.TrackingID} {
		out := h.officer(uSuper, gSuper, cmd("gabungkan", d+" "+orig.TrackingID), log)
		expect(t, out[gSuper], "digabungkan ke laporan "+orig.TrackingID)
	}
	expect(t, log["8800"], "Your report "+en.TrackingID+" is the same as report "+orig.TrackingID)
	out := h.officer(uSuper, gSuper, cmd("verifikasi", orig.TrackingID), log)
	chat := identities["telegram"].chat
	if len(out[chat]) != 1 || !strings.Contains(out[chat][0].Text, "sudah diverifikasi") {
		t.Fatalf("the citizen who reported twice was told %d times: %q", len(out[chat]), joined(out[chat]))
	}
	expect(t, out["8800"], "News of report "+orig.TrackingID, "your report "+en.TrackingID, "was verified")
	if strings.Contains(joined(out["8800"]), "Laporan") {
		t.Fatalf("the English follower got Indonesian: %q", joined(out["8800"]))
	}
}

// Two super admins, in two desks at once, merge A into B and B into A:
// one merge wins, the other is refused as a loop; never both, never a
// deadlock.
func TestCrossedMergesAtOnce(t *testing.T) {
	h := chainHarness(t)
	const gSuper2 = "-1011"
	code, err := h.svc.IssueDeskCode(h.ctx, flows.DeskSuperAdmin, "", "test")
	if err != nil {
		t.Fatal(err)
	}
	expect(t, h.send(gSuper2, groupCmd(uSuper, "daftar_grup", code)), "terdaftar sebagai grup petugas")
	h.drainAll()
	for round := range 6 {
		a, b := h.seedReport(flows.StageSubmitted, "", false).TrackingID, h.seedReport(flows.StageSubmitted, "", false).TrackingID
		var batch []store.Inbound
		for i, c := range []struct{ chat, args string }{{gSuper, a + " " + b}, {gSuper2, b + " " + a}} {
			m := groupCmd(uSuper, "gabungkan", c.args)
			m.Channel, m.ChatID, m.At = "test", c.chat, h.now
			payload, _ := json.Marshal(m)
			batch = append(batch, store.Inbound{Channel: "test", ExternalID: fmt.Sprintf("crossed-%d-%d", round, i),
				ChatID: c.chat, IsGroup: true, Payload: payload, ReceivedAt: h.now})
		}
		if _, err := h.db.StoreInbound(h.ctx, batch); err != nil {
			t.Fatal(err)
		}
		var wg sync.WaitGroup
		errs := make(chan error, 2)
		for range 2 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for {
					err := h.svc.HandleNext(h.ctx, h.fetch)
					if errors.Is(err, flows.ErrIdle) {
						return
					}
					if err != nil {
						errs <- err
						return
					}
				}
			}()
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			t.Errorf("round %d: %v", round, err)
		}
		out := h.drainAll()
		intoB, intoA := h.mergedInto(a) == b, h.mergedInto(b) == a
		if intoA == intoB {
			t.Fatalf("round %d: %s into %s %v, %s into %s %v; want exactly one: %q / %q", round, a, b, intoB, b, a, intoA,
				joined(out[gSuper]), joined(out[gSuper2]))
		}
		if len(out[gSuper]) != 1 || len(out[gSuper2]) != 1 {
			t.Fatalf("round %d: each desk wants one answer: %q / %q", round, joined(out[gSuper]), joined(out[gSuper2]))
		}
	}
}
