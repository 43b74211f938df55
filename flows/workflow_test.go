package flows_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/lapor-id/lapor/flows"
	"github.com/lapor-id/lapor/store"
)

// People and places of the workflow tests.
const (
	uSuper, uRegency, uPupr, uDinkes, uOmbudsman, uStranger = "9001", "9002", "9003", "9004", "9005", "9999"
	gSuper, gRegency, gPupr, gDinkes, gOmbudsman, gUnknown  = "-1001", "-1002", "-1003", "-1004", "-1005", "-1999"
)

// identity is how a reporter appears on one channel: Telegram gives a
// numeric chat and a handle, WhatsApp a LID chat and the phone-number JID.
type identity struct{ chat, name, handle string }

var identities = map[string]identity{
	"telegram": {"770077", "Rahasia Sekali", "pelapor_rahasia_xyz"},
	"whatsapp": {"123456789012345@lid", "Siti Rahasia", "6281234567890@s.whatsapp.net"},
}

// chainHarness registers every officer and desk through the service, the
// way the bot does it.
func chainHarness(t *testing.T) *harness {
	h := newHarness(t)
	joins, err := chainOfficers(h.ctx, h.svc)
	if err != nil {
		t.Fatal(err)
	}
	for _, j := range joins {
		expect(t, h.send(j.group, j.in), "terdaftar sebagai grup petugas")
	}
	h.drainAll()
	return h
}

// deskJoin is an officer's /daftar_grup in their desk's group.
type deskJoin struct {
	group string
	in    flows.Inbound
}

// chainOfficers seeds the service, adds one officer per role of the chain
// and issues each desk a code; it returns the messages that register the
// desks' groups, for the caller to send.
func chainOfficers(ctx context.Context, svc *flows.Service) ([]deskJoin, error) {
	if err := svc.Seed(ctx); err != nil {
		return nil, err
	}
	for _, o := range []struct {
		user   string
		role   flows.Role
		agency string
	}{{uSuper, flows.RoleSuperAdmin, ""}, {uRegency, flows.RoleRegencyAdmin, ""}, {uPupr, flows.RoleLiaison, "pupr"},
		{uDinkes, flows.RoleLiaison, "dinkes"}, {uOmbudsman, flows.RoleOmbudsman, ""}} {
		if err := svc.AddOfficer(ctx, "test", o.user, "Petugas "+o.user, o.role, o.agency, "test"); err != nil {
			return nil, err
		}
	}
	var joins []deskJoin
	for _, d := range []struct{ group, kind, agency, user string }{
		{gSuper, flows.DeskSuperAdmin, "", uSuper}, {gRegency, flows.DeskRegency, "", uRegency},
		{gPupr, flows.DeskAgency, "pupr", uPupr}, {gDinkes, flows.DeskAgency, "dinkes", uDinkes},
		{gOmbudsman, flows.DeskOmbudsman, "", uOmbudsman},
	} {
		code, err := svc.IssueDeskCode(ctx, d.kind, d.agency, "test")
		if err != nil {
			return nil, err
		}
		joins = append(joins, deskJoin{d.group, groupCmd(d.user, "daftar_grup", code)})
	}
	return joins, nil
}

func groupCmd(user, c, args string) flows.Inbound {
	return flows.Inbound{Kind: flows.KindCommand, Command: c, Text: args, IsGroup: true, UserID: user, UserName: "Petugas " + user}
}

// drainAll empties the outbox and returns what each chat was sent.
func (h *harness) drainAll() map[string][]flows.Outbound {
	out := map[string][]flows.Outbound{}
	for {
		rows, err := h.db.ClaimOutgoing(h.ctx, "test", h.now, 0, 1000)
		if err != nil {
			h.t.Fatal(err)
		}
		if len(rows) == 0 {
			return out
		}
		for _, r := range rows {
			var o flows.Outbound
			_ = json.Unmarshal(r.Payload, &o)
			out[r.ChatID] = append(out[r.ChatID], o)
			if err := h.db.MarkSent(h.ctx, r.ID, h.now); err != nil {
				h.t.Fatal(err)
			}
		}
	}
}

// seedReport puts a report directly into a stage.
func (h *harness) seedReport(stage flows.Stage, agency string, anonymous bool) store.Report {
	h.t.Helper()
	who := h.reporter
	if who.chat == "" {
		who = identities["telegram"]
	}
	r := store.Report{TrackingID: flows.NewTrackingID("MGT"), Type: "pengaduan",
		Description:   "Jalan rusak parah di depan pasar sejak Oktober, banyak pengendara jatuh.",
		KecamatanCode: "35.20.06", Anonymous: anonymous, Confidential: true, Channel: "test", ChatID: who.chat,
		ReporterUserID: who.chat, ReporterName: who.name, ReporterUsername: who.handle, Lang: "id",
		Stage: string(stage), ResponsibleUnit: "x", StageStartedAt: h.now, StageDeadline: h.now.AddDate(0, 0, 5), SubmittedAt: h.now}
	err := h.db.InTx(h.ctx, func(tx *store.Tx) error {
		err := tx.CreateReport(h.ctx, &r)
		for try := 0; errors.Is(err, store.ErrConflict) && try < 3; try++ {
			// A random number met an earlier one (about 1 in 200 runs of
			// the matrix's thousand reports); intake draws again too.
			r.TrackingID = flows.NewTrackingID("MGT")
			err = tx.CreateReport(h.ctx, &r)
		}
		if err != nil {
			return err
		}
		if stage == flows.StageWaitingCitizen {
			r.ResumeStage, r.PausedDays = string(flows.StageSubmitted), 2
		}
		r.AgencyCode = agency
		return tx.UpdateReport(h.ctx, &r)
	})
	if err != nil {
		h.t.Fatal(err)
	}
	return r
}

func (h *harness) reportNow(id string) (store.Report, int) {
	var r store.Report
	var n int
	err := h.db.InTx(h.ctx, func(tx *store.Tx) (err error) {
		if r, err = tx.ReportByTrackingID(h.ctx, id); err != nil {
			return err
		}
		es, err := tx.Events(h.ctx, r.ID)
		n = len(es)
		return err
	})
	if err != nil {
		h.t.Fatal(err)
	}
	return r, n
}

type cell struct {
	stage   flows.Stage
	command string // with %s for the tracking id
	to      flows.Stage
	allowed [][2]string // (user, place) pairs that may do it
}

// The SOP's table as the tests see it, written out independently of the code.
var matrix = []cell{
	{flows.StageSubmitted, "verifikasi %s", flows.StageAtRegency, [][2]string{{uSuper, gSuper}}},
	{flows.StageSubmitted, "tunda %s Nomor rumahnya berapa?", flows.StageWaitingCitizen, [][2]string{{uSuper, gSuper}}},
	{flows.StageSubmitted, "arsip %s spam", flows.StageArchived, [][2]string{{uSuper, gSuper}}},
	{flows.StageSubmitted, "pusat %s", flows.StageToLapor, [][2]string{{uSuper, gSuper}}},
	{flows.StageToLapor, "lapor_id %[1]s L%[1]s", flows.StageInLapor, [][2]string{{uRegency, gRegency}, {uSuper, gSuper}}},
	{flows.StageAtRegency, "disposisi %s dinkes", flows.StageAtAgency, [][2]string{{uRegency, gRegency}}},
	{flows.StageAtRegency, "kembalikan %s bukan kewenangan kabupaten", flows.StageSubmitted, [][2]string{{uRegency, gRegency}}},
	{flows.StageAtRegency, "tunda %s Kapan tepatnya?", flows.StageWaitingCitizen, [][2]string{{uRegency, gRegency}}},
	{flows.StageAtRegency, "arsip %s umum", flows.StageArchived, [][2]string{{uRegency, gRegency}}},
	{flows.StageAtAgency, "bukan_wewenang %s urusan provinsi", flows.StageAtRegency, [][2]string{{uPupr, gPupr}}},
	{flows.StageAtAgency, "tanggapi %s Sudah diperbaiki.", flows.StageAtAgency, [][2]string{{uPupr, gPupr}}},
	// Tindak lanjut (followups.go): recorded, the stage stays.
	// Another agency takes part (multiagency.go): the stage stays.
	{flows.StageAtAgency, "disposisi %s dinkes", flows.StageAtAgency, [][2]string{{uRegency, gRegency}}},
	{flows.StageAtAgency, "respon_awal %s Sedang kami cek ke lokasi.", flows.StageAtAgency, [][2]string{{uPupr, gPupr}}},
	{flows.StageAtAgency, "tindak_lanjut %s Tim sudah ke lokasi.", flows.StageAtAgency, [][2]string{{uPupr, gPupr}}},
	{flows.StageAnswerReview, "setujui %s", flows.StageAnswered, [][2]string{{uRegency, gRegency}, {uSuper, gSuper}}},
	{flows.StageAnswerReview, "perbaiki %s lengkapi foto", flows.StageAtAgency, [][2]string{{uRegency, gRegency}, {uSuper, gSuper}}},
}

func place(user, p string) (chat string, group bool) {
	if p == "private" {
		return user, false
	}
	return p, true
}

// Every action × every role × the right desk, a wrong desk, a private chat
// and an unregistered group × anonymous or not: only the cells the workflow
// allows succeed; the rest are refused and leave nothing but an audit line.
func TestAuthorisationMatrix(t *testing.T) {
	h := chainHarness(t)
	users := []string{uSuper, uRegency, uPupr, uDinkes, uOmbudsman, uStranger}
	places := []string{gSuper, gRegency, gPupr, gDinkes, gOmbudsman, "private", gUnknown}
	checked, allowedCells := 0, 0
	for _, c := range matrix {
		for _, user := range users {
			for _, p := range places {
				for _, anon := range []bool{false, true} {
					agency := ""
					if c.stage == flows.StageAtAgency || c.stage == flows.StageAnswerReview {
						agency = "pupr"
					}
					r := h.seedReport(c.stage, agency, anon)
					if c.stage == flows.StageAnswerReview {
						// The answer under review.
						_ = h.db.InTx(h.ctx, func(tx *store.Tx) error {
							a, err := tx.AnswerFor(h.ctx, r.ID, 1, "pupr", h.now)
							if err != nil {
								return err
							}
							a.Body = "Sudah kami perbaiki."
							return tx.SaveAnswer(h.ctx, a)
						})
					}
					_, eventsBefore := h.reportNow(r.TrackingID)
					chat, group := place(user, p)
					verb, args, _ := strings.Cut(fmt.Sprintf(c.command, r.TrackingID), " ")
					msg := flows.Inbound{Kind: flows.KindCommand, Command: verb, Text: args, IsGroup: group, UserID: user, UserName: "Petugas " + user}
					h.post(chat, msg)
					want := slices.Contains(c.allowed, [2]string{user, p})
					if verb == "tanggapi" && want {
						h.post(chat, flows.Inbound{Kind: flows.KindCommand, Command: verb, Text: r.TrackingID + " selesai", IsGroup: group, UserID: user})
					}
					out := h.drainAll()
					got, eventsAfter := h.reportNow(r.TrackingID)
					name := fmt.Sprintf("%s by %s in %s (anonymous %v)", verb, user, p, anon)
					wantStage := c.to
					if verb == "tanggapi" {
						wantStage = flows.StageAnswerReview
					}
					switch {
					case want && flows.Stage(got.Stage) != wantStage:
						t.Errorf("%s: stage %s, want %s; replies %v", name, got.Stage, wantStage, out[chat])
					case !want && (got.Stage != string(c.stage) || eventsAfter != eventsBefore):
						t.Errorf("%s: allowed (stage %s → %s) but must be refused", name, c.stage, got.Stage)
					case !want:
						log, err := h.db.AuditLog(h.ctx, 1)
						if err != nil || len(log) != 1 || log[0].Allowed || log[0].UserID != user {
							t.Errorf("%s: refusal without an audit line: %+v", name, log)
						}
						if p == gUnknown && len(out[chat]) != 0 {
							t.Errorf("%s: the bot spoke in an unregistered group", name)
						}
						if p != gUnknown && len(out[chat]) == 0 {
							t.Errorf("%s: refused without a word", name)
						}
					}
					if want {
						allowedCells++
					}
					checked++
				}
			}
		}
	}
	t.Logf("%d cells checked, %d allowed", checked, allowedCells)
}

// Random actions by random people in random places never leave a report in
// an undefined stage, never skip the table, and never put an anonymous
// reporter's identity into a message for a desk — with the identities of
// Telegram and of WhatsApp (a LID chat and a phone number).
func TestRandomActionsKeepTheInvariants(t *testing.T) {
	for name, who := range identities {
		t.Run(name, func(t *testing.T) { randomWalk(t, who) })
	}
}

func randomWalk(t *testing.T, who identity) {
	h := chainHarness(t)
	h.reporter = who
	reporterChat := who.chat
	rng := rand.New(rand.NewPCG(7, 11))
	reports := []store.Report{h.seedReport(flows.StageSubmitted, "", true), h.seedReport(flows.StageSubmitted, "", false),
		h.seedReport(flows.StageSubmitted, "", true)}
	commands := []string{"verifikasi %s", "tunda %s Mohon detail?", "arsip %s spam", "pusat %s", "disposisi %s pupr",
		"disposisi %s dinkes", "kembalikan %s salah alamat", "bukan_wewenang %s bukan kami", "tanggapi %s Sudah ditangani.",
		"tanggapi %s selesai", "respon_awal %s Sedang kami cek.", "tindak_lanjut %s Tim ke lokasi.", "tindak_lanjut %s teruskan",
		"tindak_lanjut %s kembalikan kurang jelas", "setujui %s", "perbaiki %s kurang jelas", "identitas %s", "laporan %s",
		"disposisi %s pupr,dinkes", "perbaiki %s dinkes kurang foto", "lapor_id %[1]s L%[1]s"}
	users := []string{uSuper, uRegency, uPupr, uDinkes, uOmbudsman, uStranger}
	places := []string{gSuper, gRegency, gPupr, gDinkes, gOmbudsman, "private", gUnknown}
	valid := map[string]bool{}
	for _, s := range flows.Stages {
		valid[string(s)] = true
	}
	table := map[[2]string]string{}
	for _, tr := range flows.Transitions() {
		table[[2]string{tr[0], tr[1]}] = tr[2]
	}
	secrets := []string{who.name, who.handle, who.chat, strings.Split(who.handle, "@")[0], strings.Split(who.chat, "@")[0]}
	active := []int{0, 1, 2}
	for step := 0; step < 600; step++ {
		slot := rng.IntN(len(active))
		r := reports[active[slot]]
		if cur, _ := h.reportNow(r.TrackingID); flows.Stage(cur.Stage).Final() {
			// A finished report makes room for a new one.
			reports = append(reports, h.seedReport(flows.StageSubmitted, "", step%2 == 0))
			active[slot] = len(reports) - 1
			r = reports[active[slot]]
		}
		switch k := rng.IntN(10); {
		case k < 7: // an officer or a stranger acts
			user, p := users[rng.IntN(len(users))], places[rng.IntN(len(places))]
			if rng.IntN(10) < 6 { // mostly officers at their own desks, so the walk gets somewhere
				pair := [][2]string{{uSuper, gSuper}, {uRegency, gRegency}, {uPupr, gPupr}, {uDinkes, gDinkes}}[rng.IntN(4)]
				user, p = pair[0], pair[1]
			}
			chat, group := place(user, p)
			verb, args, _ := strings.Cut(fmt.Sprintf(commands[rng.IntN(len(commands))], r.TrackingID), " ")
			h.post(chat, flows.Inbound{Kind: flows.KindCommand, Command: verb, Text: args, IsGroup: group, UserID: user})
		default: // the reporter answers, accepts or rejects
			cur, _ := h.reportNow(r.TrackingID)
			switch rng.IntN(3) {
			case 0:
				h.post(reporterChat, flows.Inbound{Kind: flows.KindText, Text: "Keterangan tambahan dari saya.", UserID: reporterChat})
			case 1:
				h.post(reporterChat, flows.Inbound{Kind: flows.KindButton, Button: fmt.Sprintf("c|accept|%s|%d", r.TrackingID, cur.Version), UserID: reporterChat})
			case 2:
				h.post(reporterChat, flows.Inbound{Kind: flows.KindButton, Button: fmt.Sprintf("c|reject|%s|%d", r.TrackingID, cur.Version), UserID: reporterChat})
				h.post(reporterChat, flows.Inbound{Kind: flows.KindText, Text: "Belum selesai.", UserID: reporterChat})
			}
		}
		out := h.drainAll()
		for chat, msgs := range out {
			if !strings.HasPrefix(chat, "-") {
				continue // private chats: the reporter's own, or an officer's
			}
			for _, m := range msgs {
				for _, rep := range reports {
					if !rep.Anonymous || !strings.Contains(m.Text, rep.TrackingID) {
						continue
					}
					for _, secret := range secrets {
						if strings.Contains(m.Text, secret) && !strings.Contains(m.Text, "tercatat di log audit") {
							t.Fatalf("step %d: identity %q of an anonymous reporter sent to group %s: %q", step, secret, chat, m.Text)
						}
					}
				}
			}
		}
		for _, rep := range reports {
			cur, _ := h.reportNow(rep.TrackingID)
			if !valid[cur.Stage] {
				t.Fatalf("step %d: report in undefined stage %q", step, cur.Stage)
			}
		}
	}
	stagesSeen, kindsSeen := map[string]bool{}, map[string]bool{}
	for _, rep := range reports {
		_ = h.db.InTx(h.ctx, func(tx *store.Tx) error {
			es, err := tx.Events(h.ctx, rep.ID)
			for _, e := range es {
				stagesSeen[e.StageTo] = true
				kindsSeen[e.Kind] = true
				if e.Kind == "identity_viewed" || e.Kind == "submitted" {
					continue
				}
				if e.Kind == string(flows.ActLaporID) && flows.Stage(e.StageFrom) != flows.StageToLapor && e.StageFrom == e.StageTo {
					continue // outside to_lapor /lapor_id only records the number (README)
				}
				to, ok := table[[2]string{e.StageFrom, e.Kind}]
				if !ok {
					t.Errorf("event %s from %s is not in the table", e.Kind, e.StageFrom)
				} else if to != "" && to != e.StageTo {
					t.Errorf("event %s from %s went to %s, the table says %s", e.Kind, e.StageFrom, e.StageTo, to)
				} else if to == "" && e.Kind != string(flows.ActInfo) && e.StageTo != e.StageFrom {
					t.Errorf("event %s moved the report from %s to %s; its row moves nothing", e.Kind, e.StageFrom, e.StageTo)
				}
			}
			return err
		})
	}
	if len(stagesSeen) < 5 {
		t.Errorf("random walk reached only %v: the test explores too little", stagesSeen)
	}
	t.Logf("stages reached: %v; steps taken: %v", stagesSeen, kindsSeen)
}

// A liaison officer replying to a card writes the answer, text and files
// over several messages; the card's tracking number says which report.
func TestReplyToCardWritesTheAnswer(t *testing.T) {
	h := chainHarness(t)
	r := h.seedReport(flows.StageAtAgency, "pupr", false)
	card := "📋 " + r.TrackingID + " · Pengaduan\n..."
	reply := func(m flows.Inbound) []flows.Outbound {
		m.IsGroup, m.UserID, m.ReplyToText = true, uPupr, card
		return h.send(gPupr, m)
	}
	expect(t, reply(flows.Inbound{Kind: flows.KindText, Text: "Sudah kami tambal kemarin."}), "dicatat (26 karakter, 0 berkas)")
	h.files["foto-tambal"] = []byte("\xff\xd8\xff\xe0 foto")
	expect(t, reply(flows.Inbound{Kind: flows.KindPhoto, File: &flows.FileRef{ID: "foto-tambal", Name: "tambal.jpg", MIME: "image/jpeg", Size: 10}}),
		"1 berkas")
	// Someone else's reply in the same group is not part of it.
	other := flows.Inbound{Kind: flows.KindText, Text: "ikut komentar", IsGroup: true, UserID: uStranger, ReplyToText: card}
	if got := h.send(gPupr, other); len(got) != 0 {
		t.Fatalf("a stranger's reply was taken: %+v", got)
	}
	expect(t, h.send(gPupr, groupCmd(uPupr, "tanggapi", r.TrackingID+" selesai")), "✅ "+r.TrackingID)
	got, _ := h.reportNow(r.TrackingID)
	if got.Stage != string(flows.StageAnswerReview) {
		t.Fatalf("stage %s", got.Stage)
	}
	_ = h.db.InTx(h.ctx, func(tx *store.Tx) error {
		a, err := tx.AnswerFor(h.ctx, r.ID, 1, "pupr", h.now)
		if err != nil {
			return err
		}
		files, err := tx.AnswerAttachments(h.ctx, a.ID)
		if a.Body != "Sudah kami tambal kemarin." || len(files) != 1 || a.SubmittedAt.IsZero() {
			t.Errorf("answer %+v with %d files", a, len(files))
		}
		return err
	})
}

// A reason asked for and never given is forgotten after half an hour: a
// later chat message does not archive the report by surprise.
func TestStartedActionExpires(t *testing.T) {
	h := chainHarness(t)
	r := h.seedReport(flows.StageSubmitted, "", false)
	expect(t, h.send(gSuper, flows.Inbound{Kind: flows.KindButton, Button: fmt.Sprintf("p|archive|%s|%d", r.TrackingID, r.Version),
		IsGroup: true, UserID: uSuper}), "balas pesan ini dengan alasannya")
	h.now = h.now.Add(31 * time.Minute)
	if got := h.send(gSuper, flows.Inbound{Kind: flows.KindText, Text: "selamat pagi semua", IsGroup: true, UserID: uSuper}); len(got) != 0 {
		t.Fatalf("chatter answered: %+v", got)
	}
	if cur, _ := h.reportNow(r.TrackingID); cur.Stage != string(flows.StageSubmitted) {
		t.Fatalf("stage %s: an old pending action fired", cur.Stage)
	}
}

func TestOfficerHelpInPrivateChat(t *testing.T) {
	h := chainHarness(t)
	got := h.send(uRegency, flows.Inbound{Kind: flows.KindCommand, Command: "bantuan", UserID: uRegency})
	expect(t, got, "/disposisi", "/status NOMOR")
	if strings.Contains(got[0].Text, "/tanggapi") {
		t.Fatalf("regency admin's help lists the liaison's command: %q", got[0].Text)
	}
}

// An anonymous report's documents stay with the regency's own desks: only
// images, whose metadata is removed on the way, reach the agency. A
// document may carry the reporter's name (a PDF's author, a scanned ID).
func TestAnonymousDocumentsStayWithTheRegency(t *testing.T) {
	h := chainHarness(t)
	chat := "300"
	h.intakeToEvidence(chat)
	h.files["photo-1"] = []byte("\xff\xd8\xff\xe0 fake jpeg bytes of the hole")
	h.files["doc-1"] = []byte("%PDF-1.4 /Author (Siti Aminah) surat keterangan")
	expect(t, h.send(chat, flows.Inbound{Kind: flows.KindPhoto, File: &flows.FileRef{ID: "photo-1", Name: "lubang.jpg", MIME: "image/jpeg", Size: 30}}), "Bukti ke-1")
	expect(t, h.send(chat, flows.Inbound{Kind: flows.KindDocument, File: &flows.FileRef{ID: "doc-1", Name: "surat.pdf", MIME: "application/pdf", Size: 46}}), "Bukti ke-2")
	expect(t, h.send(chat, press("ev:done")), "Sembunyikan identitas")
	expect(t, h.send(chat, press("anon:yes")), "Rahasiakan")
	expect(t, h.send(chat, press("conf:no")), "Ringkasan")
	h.post(chat, press("sum:send"))
	first := h.drainAll()
	last := expect(t, first[chat], "Nomor laporan: MGT-")
	id := last.Text[strings.Index(last.Text, "MGT-"):][:10]

	files := func(msgs []flows.Outbound) (sent, withheld int) {
		for _, m := range msgs {
			if m.AttachmentID != 0 {
				sent++
			}
			if strings.Contains(m.Text, "tidak diteruskan") {
				withheld++
			}
		}
		return sent, withheld
	}
	if sent, withheld := files(first[gSuper]); sent != 2 || withheld != 0 {
		t.Fatalf("super admin desk: %d files sent, %d withheld; want both files", sent, withheld)
	}
	h.post(gSuper, groupCmd(uSuper, "verifikasi", id))
	out := h.drainAll()
	if sent, withheld := files(out[gRegency]); sent != 2 || withheld != 0 {
		t.Fatalf("regency desk: %d files sent, %d withheld; want both files", sent, withheld)
	}
	h.post(gRegency, groupCmd(uRegency, "disposisi", id+" pupr"))
	out = h.drainAll()
	if sent, withheld := files(out[gPupr]); sent != 1 || withheld != 1 {
		t.Fatalf("agency desk: %d files sent, %d withheld; want the photo sent and the document withheld: %+v", sent, withheld, out[gPupr])
	}
}
