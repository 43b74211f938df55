package flows_test

import (
	"fmt"
	"math/rand/v2"
	"os"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/lapor-id/lapor/flows"
	"github.com/lapor-id/lapor/flows/calendar"
	"github.com/lapor-id/lapor/flows/region"
	"github.com/lapor-id/lapor/store"
)

// followupHarness is a chain harness whose policy reviews follow-ups or
// sends them straight to the citizen.
func followupHarness(t *testing.T, reviewed bool) *harness {
	h := chainHarness(t)
	cfg := flows.DefaultConfig()
	cfg.RetryBase = time.Second
	cfg.FloodPerMinute = 0
	cfg.Policy.FollowupsReviewed = &reviewed
	h.svc = flows.New(h.db, cfg, calendar.Default(), region.Default(), func() time.Time { return h.now }, nil)
	return h
}

// disposed is a report the regency admin disposed to pupr through the
// service, so its first-response clock runs.
func (h *harness) disposed(anonymous bool) store.Report {
	h.t.Helper()
	r := h.seedReport(flows.StageAtRegency, "", anonymous)
	h.post(gRegency, groupCmd(uRegency, "disposisi", r.TrackingID+" pupr"))
	h.drainAll()
	cur, _ := h.reportNow(r.TrackingID)
	if cur.Stage != string(flows.StageAtAgency) {
		h.t.Fatalf("disposition: stage %s", cur.Stage)
	}
	return cur
}

func (h *harness) firstResponseDue(r store.Report) time.Time {
	h.t.Helper()
	var due time.Time
	if err := h.db.InTx(h.ctx, func(tx *store.Tx) (err error) {
		_, due, err = tx.FirstResponseDue(h.ctx, r.ID)
		return err
	}); err != nil {
		h.t.Fatal(err)
	}
	return due
}

func pressIn(user, data string) flows.Inbound {
	return flows.Inbound{Kind: flows.KindButton, Button: data, IsGroup: true, UserID: user, UserName: "Petugas " + user}
}

func replyTo(user, text, repliedText string) flows.Inbound {
	return flows.Inbound{Kind: flows.KindText, Text: text, ReplyToText: repliedText, ReplyToBot: true, IsGroup: true,
		UserID: user, UserName: "Petugas " + user}
}

// buttonData finds a button by its label in messages.
func labelData(t *testing.T, msgs []flows.Outbound, label string) string {
	t.Helper()
	for i := len(msgs) - 1; i >= 0; i-- {
		for _, row := range msgs[i].Buttons {
			for _, b := range row {
				if b.Label == label {
					return b.Data
				}
			}
		}
	}
	t.Fatalf("no button %q in %d messages", label, len(msgs))
	return ""
}

func allText(msgs []flows.Outbound) string {
	var b strings.Builder
	for _, m := range msgs {
		b.WriteString(m.Text + "\n")
	}
	return b.String()
}

func kinds(es []store.Event) []string {
	var out []string
	for _, e := range es {
		out = append(out, e.Kind)
	}
	return out
}

// With the default policy a first response waits for the regency admin;
// the citizen hears of it only once it is passed on, after the event that
// says so, and the first-response deadline stops when it is sent.
func TestFirstResponseIsReviewedThenReachesTheCitizen(t *testing.T) {
	h := followupHarness(t, true)
	r := h.disposed(true)
	if h.firstResponseDue(r).IsZero() {
		t.Fatal("no first-response deadline after the disposition")
	}
	// The agency's card offers the first response, a progress update, the final answer.
	h.post(gPupr, groupCmd(uPupr, "laporan", r.TrackingID))
	card := h.drainAll()[gPupr]
	for _, label := range []string{"💬 Respon awal", "🔄 Tindak lanjut", "✍️ Tanggapi"} {
		labelData(t, card, label)
	}
	if !strings.Contains(allText(card), "Batas respon awal") {
		t.Errorf("the agency's card does not show the first-response deadline: %q", allText(card))
	}

	h.post(gPupr, pressIn(uPupr, fmt.Sprintf("fu|first_response|%s|%d", r.TrackingID, r.Version)))
	prompt := expect(t, h.drainAll()[gPupr], "respon awal")
	h.post(gPupr, replyTo(uPupr, "Laporan sudah kami terima; tim UPT meninjau lokasi Kamis ini.", prompt.Text))
	noted := h.drainAll()[gPupr]
	expect(t, noted, "dicatat")
	h.post(gPupr, pressIn(uPupr, labelData(t, noted, "📨 Kirim respon awal")))
	out := h.drainAll()
	expect(t, out[gPupr], "untuk diperiksa")
	if strings.Contains(allText(out[h.reporter.chat])+allText(out[identities["telegram"].chat]), "UPT meninjau") {
		t.Fatal("the first response reached the citizen before its review")
	}
	review := out[gRegency]
	expect(t, review, "UPT meninjau", r.TrackingID)
	if !h.firstResponseDue(r).IsZero() {
		t.Error("the first-response deadline still runs after the first response was sent")
	}
	// No second first response.
	h.post(gPupr, groupCmd(uPupr, "respon_awal", r.TrackingID+" Lagi."))
	expect(t, h.drainAll()[gPupr], "sudah diberikan")

	h.post(gRegency, pressIn(uRegency, labelData(t, review, "✅ Teruskan ke pelapor")))
	out = h.drainAll()
	citizen := out[identities["telegram"].chat]
	expect(t, citizen, "Respon awal dari Dinas Pekerjaan Umum", "UPT meninjau")
	expect(t, out[gPupr], "diteruskan kepada pelapor")
	// A second press changes nothing.
	h.post(gRegency, pressIn(uRegency, labelData(t, review, "✅ Teruskan ke pelapor")))
	expect(t, h.drainAll()[gRegency], "tidak ada yang diubah")

	es := kinds(h.events(r.TrackingID))
	if !slices.Equal(es[len(es)-2:], []string{"first_response", "fu_approve"}) {
		t.Errorf("events %v, want first_response then fu_approve at the end", es)
	}
	cur, _ := h.reportNow(r.TrackingID)
	if cur.Stage != string(flows.StageAtAgency) {
		t.Errorf("a follow-up moved the report to %s", cur.Stage)
	}
	// The citizen's /status lists the step with its agency.
	st := h.send(identities["telegram"].chat, flows.Inbound{Kind: flows.KindCommand, Command: "status", Text: r.TrackingID,
		UserID: identities["telegram"].chat})
	expect(t, st, "Tindak lanjut dari perangkat daerah", "Respon awal dari Dinas Pekerjaan Umum", "UPT meninjau")
}

// A progress update sent back by the admin never reaches the citizen; the
// agency hears why and may write another one.
func TestProgressUpdateSentBack(t *testing.T) {
	h := followupHarness(t, true)
	r := h.disposed(false)
	h.post(gPupr, groupCmd(uPupr, "tindak_lanjut", r.TrackingID+" Kami sedang menunggu alat berat."))
	out := h.drainAll()
	review := out[gRegency]
	expect(t, review, "menunggu alat berat")
	h.post(gRegency, pressIn(uRegency, labelData(t, review, "↩️ Kembalikan ke perangkat daerah")))
	prompt := expect(t, h.drainAll()[gRegency], "alasan")
	h.post(gRegency, replyTo(uRegency, "Sebutkan perkiraan tanggal.", prompt.Text))
	out = h.drainAll()
	expect(t, out[gPupr], "dikembalikan", "Sebutkan perkiraan tanggal.")
	labelData(t, out[gPupr], "🔄 Tindak lanjut")
	if strings.Contains(allText(out[identities["telegram"].chat]), "alat berat") {
		t.Fatal("a returned update reached the citizen")
	}
	if es := kinds(h.events(r.TrackingID)); !slices.Equal(es[len(es)-2:], []string{"progress", "fu_return"}) {
		t.Errorf("events %v", es)
	}
	// The admin's command passes on the next one.
	h.post(gPupr, groupCmd(uPupr, "tindak_lanjut", r.TrackingID+" Alat berat datang tanggal 10 Desember."))
	h.drainAll()
	h.post(gRegency, groupCmd(uRegency, "tindak_lanjut", r.TrackingID+" teruskan"))
	out = h.drainAll()
	expect(t, out[identities["telegram"].chat], "Kabar tindak lanjut dari Dinas Pekerjaan Umum", "10 Desember")
	if strings.Contains(allText(out[identities["telegram"].chat]), "alat berat.") {
		t.Error("the returned text was sent after all")
	}
}

// Where the policy says so, a follow-up goes straight to the citizen, the
// regency desk gets a copy, and nothing waits for review.
func TestFollowupStraightToTheCitizen(t *testing.T) {
	h := followupHarness(t, false)
	r := h.disposed(true)
	h.post(gPupr, groupCmd(uPupr, "respon_awal", r.TrackingID+" Sudah kami jadwalkan perbaikan."))
	out := h.drainAll()
	expect(t, out[identities["telegram"].chat], "Respon awal dari Dinas Pekerjaan Umum", "jadwalkan perbaikan")
	expect(t, out[gRegency], "sudah dikirim kepada pelapor", "jadwalkan perbaikan")
	for _, m := range out[gRegency] {
		if len(m.Buttons) > 0 && strings.Contains(m.Text, "jadwalkan") {
			t.Errorf("a follow-up sent straight asks for a review: %q", m.Text)
		}
	}
	if es := kinds(h.events(r.TrackingID)); es[len(es)-1] != "first_response" {
		t.Errorf("events %v", es)
	}
	// The final answer still closes the agency's part.
	h.post(gPupr, groupCmd(uPupr, "tanggapi", r.TrackingID+" Jalan sudah diaspal ulang."))
	h.post(gPupr, groupCmd(uPupr, "tanggapi", r.TrackingID+" selesai"))
	h.drainAll()
	cur, _ := h.reportNow(r.TrackingID)
	if cur.Stage != string(flows.StageAnswerReview) {
		t.Fatalf("stage %s after the final answer", cur.Stage)
	}
	h.post(gPupr, groupCmd(uPupr, "tindak_lanjut", r.TrackingID+" Satu lagi."))
	expect(t, h.drainAll()[gPupr], "tidak berlaku")
}

// The sweep reminds the agency of a first response coming due, reminds it
// and tells the regency admin once it is overdue, and stops once the first
// response is sent.
func TestFirstResponseDeadlineIsSwept(t *testing.T) {
	h := followupHarness(t, true)
	r := h.disposed(false)
	due := h.firstResponseDue(r)
	cal := calendar.Default()
	if want := cal.Deadline(monday, flows.DefaultPolicy().FirstResponse); !due.Equal(want) {
		t.Fatalf("first response due %v, want %v", due, want)
	}
	sweepAt := func(at time.Time) (flows.SweepResult, map[string][]flows.Outbound) {
		h.now = at
		res, err := h.svc.Sweep(h.ctx)
		if err != nil {
			t.Fatal(err)
		}
		return res, h.drainAll()
	}
	// Two working days before: a reminder naming the first response.
	at := time.Date(2026, 12, 3, 8, 0, 0, 0, calendar.Local()) // Thursday; due Monday 7 December
	if got := cal.WorkingDaysBetween(at, due); got != 2 {
		t.Fatalf("test setup: %d working days left", got)
	}
	_, out := sweepAt(at)
	expect(t, out[gPupr], r.TrackingID, "respon awal perangkat daerah")
	if _, again := sweepAt(at.Add(time.Hour)); strings.Contains(allText(again[gPupr]), "respon awal perangkat daerah") {
		t.Error("the same reminder twice")
	}
	// Overdue: the agency is reminded, the regency admin told.
	_, out = sweepAt(time.Date(2026, 12, 8, 8, 0, 0, 0, calendar.Local()))
	expect(t, out[gPupr], r.TrackingID, "respon awal perangkat daerah")
	expect(t, out[gRegency], r.TrackingID, "respon awal")
	// Once the first response is sent, no more.
	h.post(gPupr, groupCmd(uPupr, "respon_awal", r.TrackingID+" Maaf terlambat; tim sudah ke lokasi."))
	h.drainAll()
	_, out = sweepAt(time.Date(2026, 12, 9, 8, 0, 0, 0, calendar.Local()))
	if strings.Contains(allText(out[gPupr])+allText(out[gRegency]), "respon awal perangkat daerah") {
		t.Errorf("reminded of a first response already sent: %q", allText(out[gPupr])+allText(out[gRegency]))
	}
	// A first response sent back puts the deadline back.
	var review []flows.Outbound
	h.post(gRegency, groupCmd(uRegency, "tindak_lanjut", r.TrackingID+" kembalikan Terlalu singkat."))
	review = h.drainAll()[gPupr]
	expect(t, review, "Terlalu singkat")
	if got := h.firstResponseDue(r); !got.Equal(due) {
		t.Errorf("first response due %v after it was sent back, want %v", got, due)
	}
}

// An anonymous reporter's identity reaches no desk through any follow-up
// message, whoever writes it and however it goes.
func TestFollowupsKeepAnonymity(t *testing.T) {
	for name, who := range identities {
		for _, reviewed := range []bool{true, false} {
			t.Run(fmt.Sprintf("%s reviewed %v", name, reviewed), func(t *testing.T) {
				h := followupHarness(t, reviewed)
				h.reporter = who
				r := h.disposed(true)
				var seen []map[string][]flows.Outbound
				h.post(gPupr, pressIn(uPupr, fmt.Sprintf("fu|first_response|%s|%d", r.TrackingID, r.Version)))
				prompt := expect(t, h.drainAll()[gPupr], "respon awal")
				h.post(gPupr, replyTo(uPupr, "Sedang kami tinjau.", prompt.Text))
				noted := h.drainAll()
				seen = append(seen, noted)
				h.post(gPupr, pressIn(uPupr, labelData(t, noted[gPupr], "📨 Kirim respon awal")))
				seen = append(seen, h.drainAll())
				h.post(gRegency, groupCmd(uRegency, "tindak_lanjut", r.TrackingID+" teruskan"))
				seen = append(seen, h.drainAll())
				h.post(gPupr, groupCmd(uPupr, "tindak_lanjut", r.TrackingID+" Pekerjaan dimulai."))
				seen = append(seen, h.drainAll())
				h.post(gRegency, groupCmd(uRegency, "tindak_lanjut", r.TrackingID+" kembalikan Tambahkan foto."))
				seen = append(seen, h.drainAll())
				h.post(gRegency, groupCmd(uRegency, "laporan", r.TrackingID))
				h.post(gPupr, groupCmd(uPupr, "laporan", r.TrackingID))
				seen = append(seen, h.drainAll())
				groups := 0
				for _, out := range seen {
					for chat, msgs := range out {
						if !strings.HasPrefix(chat, "-") {
							continue
						}
						for _, m := range msgs {
							groups++
							for _, secret := range []string{who.name, who.handle, who.chat, strings.Split(who.handle, "@")[0], strings.Split(who.chat, "@")[0]} {
								if strings.Contains(m.Text, secret) {
									t.Fatalf("identity %q of an anonymous reporter sent to group %s: %q", secret, chat, m.Text)
								}
							}
						}
					}
				}
				if groups < 6 {
					t.Fatalf("only %d desk messages checked: the test saw too little", groups)
				}
			})
		}
	}
}

// Random follow-up steps, answers and reviews by random people in random
// places, on reports at an agency: no report leaves the table or lands in
// an undefined stage, no follow-up event moves a report, a follow-up
// reaches the citizen only after an event that says so, and no desk
// message carries an anonymous reporter's identity.
func TestRandomFollowupsKeepTheInvariants(t *testing.T) {
	for name, who := range identities {
		t.Run(name, func(t *testing.T) {
			h := followupHarness(t, true)
			h.reporter = who
			rng := rand.New(rand.NewPCG(16, 1))
			var reports []store.Report
			for i := range 4 {
				reports = append(reports, h.seedReport(flows.StageAtAgency, "pupr", i%2 == 0))
			}
			commands := []string{"respon_awal %s Sedang kami cek.", "respon_awal %s", "tindak_lanjut %s Tim ke lokasi.",
				"tindak_lanjut %s teruskan", "tindak_lanjut %s kembalikan kurang jelas", "tindak_lanjut %s kembalikan tambah foto",
				"tanggapi %s Sudah diperbaiki.",
				"tanggapi %s selesai", "setujui %s", "perbaiki %s kurang foto", "bukan_wewenang %s bukan kami", "disposisi %s pupr"}
			users := []string{uSuper, uRegency, uPupr, uDinkes, uStranger}
			places := []string{gSuper, gRegency, gPupr, gDinkes, "private", gUnknown}
			table := map[[2]string]string{}
			for _, tr := range flows.Transitions() {
				table[[2]string{tr[0], tr[1]}] = tr[2]
			}
			secrets := []string{who.name, who.handle, who.chat, strings.Split(who.handle, "@")[0], strings.Split(who.chat, "@")[0]}
			seen := map[string]int{}
			for step := range 500 {
				r := reports[rng.IntN(len(reports))]
				cur, _ := h.reportNow(r.TrackingID)
				user, p := users[rng.IntN(len(users))], places[rng.IntN(len(places))]
				if rng.IntN(10) < 7 { // mostly the agency and the regency at their desks
					pair := [][2]string{{uPupr, gPupr}, {uPupr, gPupr}, {uRegency, gRegency}}[rng.IntN(3)]
					user, p = pair[0], pair[1]
				}
				chat, group := place(user, p)
				var m flows.Inbound
				switch k := rng.IntN(4); k {
				case 0: // a button, valid or stale
					fid := 1 + rng.IntN(3*len(reports))
					data := []string{fmt.Sprintf("fu|first_response|%s|%d", r.TrackingID, cur.Version),
						fmt.Sprintf("fu|progress|%s|%d", r.TrackingID, cur.Version), fmt.Sprintf("w|progress|%s|%d|", r.TrackingID, cur.Version),
						fmt.Sprintf("w|first_response|%s|%d|", r.TrackingID, cur.Version), fmt.Sprintf("fa|%s|%d", r.TrackingID, fid),
						fmt.Sprintf("fr|%s|%d", r.TrackingID, fid)}[rng.IntN(6)]
					m = flows.Inbound{Kind: flows.KindButton, Button: data, IsGroup: group, UserID: user, UserName: "Petugas " + user}
				case 1: // typed text, replying to something about the report
					m = flows.Inbound{Kind: flows.KindText, Text: "Sudah dicek " + fmt.Sprint(step), ReplyToText: r.TrackingID, ReplyToBot: true,
						IsGroup: group, UserID: user, UserName: "Petugas " + user}
				default:
					verb, args, _ := strings.Cut(fmt.Sprintf(commands[rng.IntN(len(commands))], r.TrackingID), " ")
					m = flows.Inbound{Kind: flows.KindCommand, Command: verb, Text: args, IsGroup: group, UserID: user, UserName: "Petugas " + user}
				}
				h.post(chat, m)
				out := h.drainAll()
				for chat, msgs := range out {
					if !strings.HasPrefix(chat, "-") {
						continue
					}
					for _, o := range msgs {
						for _, rep := range reports {
							if !rep.Anonymous || !strings.Contains(o.Text, rep.TrackingID) {
								continue
							}
							for _, secret := range secrets {
								if strings.Contains(o.Text, secret) && !strings.Contains(o.Text, "tercatat di log audit") {
									t.Fatalf("step %d: identity %q of an anonymous reporter sent to group %s: %q", step, secret, chat, o.Text)
								}
							}
						}
					}
				}
				// A follow-up reaches the citizen only after the event that sends it.
				if msgs := out[who.chat]; len(msgs) > 0 {
					for _, o := range msgs {
						if !strings.Contains(o.Text, "Respon awal dari") && !strings.Contains(o.Text, "Kabar tindak lanjut dari") {
							continue
						}
						es := h.events(r.TrackingID)
						last := es[len(es)-1].Kind
						if last != string(flows.ActFollowupApprove) {
							t.Fatalf("step %d: a follow-up reached the citizen after %s, not after its approval", step, last)
						}
					}
				}
			}
			for _, rep := range reports {
				cur, _ := h.reportNow(rep.TrackingID)
				if !slices.Contains(flows.Stages, flows.Stage(cur.Stage)) {
					t.Fatalf("report in undefined stage %q", cur.Stage)
				}
				for _, e := range h.events(rep.TrackingID) {
					seen[e.Kind]++
					if e.Kind == "identity_viewed" || e.Kind == "submitted" {
						continue
					}
					to, ok := table[[2]string{e.StageFrom, e.Kind}]
					switch {
					case !ok:
						t.Errorf("event %s from %s is not in the table", e.Kind, e.StageFrom)
					case to != "" && to != e.StageTo:
						t.Errorf("event %s from %s went to %s, the table says %s", e.Kind, e.StageFrom, e.StageTo, to)
					case to == "" && e.StageTo != e.StageFrom:
						t.Errorf("event %s moved the report from %s to %s; its row moves nothing", e.Kind, e.StageFrom, e.StageTo)
					}
				}
			}
			for _, k := range []flows.Action{flows.ActFirstResponse, flows.ActProgress, flows.ActFollowupApprove, flows.ActFollowupReturn, flows.ActSubmitAnswer} {
				if seen[string(k)] == 0 {
					t.Errorf("the walk never recorded %s: it explores too little (%v)", k, seen)
				}
			}
			t.Logf("events: %v", seen)
		})
	}
}

// A holiday added inside the first-response window moves its deadline, as
// it moves the stage deadlines.
func TestHolidayMovesTheFirstResponseDeadline(t *testing.T) {
	h := followupHarness(t, true)
	r := h.disposed(false)
	before := h.firstResponseDue(r)
	day := time.Date(2026, 12, 2, 0, 0, 0, 0, calendar.Local()) // Wednesday, inside the window
	if _, err := h.svc.ChangeHoliday(h.ctx, day, "Hari Jadi", false, false, "test"); err != nil {
		t.Fatal(err)
	}
	after := h.firstResponseDue(r)
	if !after.After(before) {
		t.Errorf("first response due %v after a holiday in its window, was %v", after, before)
	}
}

// A progress update carries photos: they reach the regency desk with it and
// the citizen once it is passed on, without their metadata.
func TestProgressUpdateWithPhotos(t *testing.T) {
	h := followupHarness(t, true)
	r := h.disposed(false)
	h.post(gPupr, pressIn(uPupr, fmt.Sprintf("fu|progress|%s|%d", r.TrackingID, r.Version)))
	prompt := expect(t, h.drainAll()[gPupr], "tindak lanjut")
	h.post(gPupr, replyTo(uPupr, "Pemasangan gorong-gorong baru.", prompt.Text))
	expect(t, h.drainAll()[gPupr], "(30 karakter, 0 berkas)")
	h.files["foto-progres"] = []byte("\xff\xd8\xff\xe0 foto")
	photo := replyTo(uPupr, "", prompt.Text)
	photo.Kind, photo.File = flows.KindPhoto, &flows.FileRef{ID: "foto-progres", Name: "progres.jpg", MIME: "image/jpeg", Size: 10}
	h.post(gPupr, photo)
	noted := h.drainAll()[gPupr]
	expect(t, noted, "1 berkas")
	h.post(gPupr, pressIn(uPupr, labelData(t, noted, "📨 Kirim tindak lanjut")))
	out := h.drainAll()
	files := func(msgs []flows.Outbound) int {
		n := 0
		for _, m := range msgs {
			if m.AttachmentID != 0 {
				n++
				if !m.StripMetadata {
					t.Errorf("a follow-up's photo keeps its metadata: %+v", m)
				}
			}
		}
		return n
	}
	if n := files(out[gRegency]); n != 1 {
		t.Errorf("the regency desk got %d files with the update, want 1", n)
	}
	h.post(gRegency, pressIn(uRegency, labelData(t, out[gRegency], "✅ Teruskan ke pelapor")))
	citizen := h.drainAll()[identities["telegram"].chat]
	expect(t, citizen, "Kabar tindak lanjut dari Dinas Pekerjaan Umum", "gorong-gorong baru")
	if n := files(citizen); n != 1 {
		t.Errorf("the citizen got %d files with the update, want 1", n)
	}
}

// The policy's follow-up keys: a file without them keeps working (reviewed,
// no first response required), a first-response limit longer than the
// agency's own is refused, and /sla says what applies.
func TestPolicyFollowupKeys(t *testing.T) {
	t.Parallel()
	b, err := os.ReadFile("policy.yaml")
	if err != nil {
		t.Fatal(err)
	}
	base := string(b)
	old := strings.NewReplacer("first_response: 5", "", "followups_reviewed: true", "").Replace(base)
	p, err := flows.ParsePolicy([]byte(old))
	if err != nil {
		t.Fatalf("a policy file without the follow-up keys: %v", err)
	}
	if p.FirstResponse != 0 || p.FollowupsReviewed != nil {
		t.Errorf("without the keys: first response %d, reviewed %v", p.FirstResponse, p.FollowupsReviewed)
	}
	if !strings.Contains(p.Describe(flows.LangID), "diperiksa Admin Kabupaten") {
		t.Errorf("/sla of a file without followups_reviewed does not say follow-ups are reviewed: %s", p.Describe(flows.LangID))
	}
	if _, err := flows.ParsePolicy([]byte(strings.Replace(base, "first_response: 5", "first_response: 11", 1))); err == nil ||
		!strings.Contains(err.Error(), "first_response") {
		t.Errorf("a first response due after the final answer: %v", err)
	}
	straight, err := flows.ParsePolicy([]byte(strings.Replace(base, "followups_reviewed: true", "followups_reviewed: false", 1)))
	if err != nil {
		t.Fatal(err)
	}
	if d := straight.Describe(flows.LangID); !strings.Contains(d, "Respon awal perangkat daerah: 5 hari kerja") || !strings.Contains(d, "langsung dikirim kepada pelapor") {
		t.Errorf("/sla: %s", d)
	}
}
