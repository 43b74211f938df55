package flows_test

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/lapor-id/lapor/flows"
	"github.com/lapor-id/lapor/flows/calendar"
	"github.com/lapor-id/lapor/flows/region"
	"github.com/lapor-id/lapor/store"
)

const dinkesName = "Dinas Kesehatan" // next to puprName (templates_test.go)

// texts joins what a chat was sent.
func texts(msgs []flows.Outbound) string {
	var b strings.Builder
	for _, m := range msgs {
		b.WriteString(m.Text + "\n")
	}
	return b.String()
}

// A report disposed to two agencies: each desk gets it, each writes its own
// part, the report waits until both are in, the regency reviews both and
// sends one back, and the citizen gets one answer holding both parts.
func TestTwoAgencyReport(t *testing.T) {
	h := chainHarness(t)
	r := h.seedReport(flows.StageAtRegency, "", true)
	citizen := identities["telegram"].chat

	out := h.drainAllAfter(gRegency, groupCmd(uRegency, "disposisi", r.TrackingID+" pupr, dinkes"))
	got, _ := h.reportNow(r.TrackingID)
	if flows.Stage(got.Stage) != flows.StageAtAgency || got.AgencyCode != "pupr" || !slices.Equal(got.CoAgencies, []string{"dinkes"}) {
		t.Fatalf("after /disposisi pupr, dinkes: stage %s, lead %q, others %v", got.Stage, got.AgencyCode, got.CoAgencies)
	}
	for _, g := range []string{gPupr, gDinkes} {
		if !strings.Contains(texts(out[g]), r.TrackingID) || !strings.Contains(texts(out[g]), "Masih dikerjakan: "+puprName+" serta "+dinkesName) {
			t.Errorf("desk %s did not get the report with who is working: %q", g, texts(out[g]))
		}
	}
	if n := len(out[citizen]); n != 1 || !strings.Contains(out[citizen][0].Text, puprName+" serta "+dinkesName) {
		t.Fatalf("the citizen should get one message naming both agencies, got %d: %q", n, texts(out[citizen]))
	}
	if conf := out[gRegency][len(out[gRegency])-1]; !hasButton(conf, fmt.Sprintf("add|%s|%d", r.TrackingID, got.Version)) {
		t.Errorf("the disposition's confirmation has no button to add an agency: %+v", conf)
	}

	// PUPR answers first: the report stays with the agencies; every card
	// says PUPR has answered and Dinkes still works; the citizen hears
	// nothing yet.
	h.post(gPupr, groupCmd(uPupr, "tanggapi", r.TrackingID+" Jalan sudah ditambal."))
	out = h.drainAllAfter(gPupr, groupCmd(uPupr, "tanggapi", r.TrackingID+" selesai"))
	got, _ = h.reportNow(r.TrackingID)
	if flows.Stage(got.Stage) != flows.StageAtAgency {
		t.Fatalf("one part of two moved the report to %s", got.Stage)
	}
	if len(out[citizen]) != 0 {
		t.Errorf("the citizen was told of a part: %q", texts(out[citizen]))
	}
	if !strings.Contains(texts(out[gPupr]), "masih menunggu tanggapan "+dinkesName) {
		t.Errorf("PUPR's officer was not told whom the report waits for: %q", texts(out[gPupr]))
	}
	for _, g := range []string{gPupr, gDinkes} { // the desks holding its cards
		all := texts(out[g])
		if !strings.Contains(all, "Sudah menanggapi: "+puprName) || !strings.Contains(all, "Masih dikerjakan: "+dinkesName) {
			t.Errorf("the cards in %s do not show who answered: %q", g, all)
		}
	}
	// Under the default policy (combined) no part reaches the citizen alone.
	out = h.drainAllAfter(gRegency, flows.Inbound{Kind: flows.KindButton, Button: fmt.Sprintf("w|approve_part|%s|0|pupr", r.TrackingID),
		IsGroup: true, UserID: uRegency})
	if len(out[citizen]) != 0 || len(out[gRegency]) != 1 {
		t.Errorf("a part was passed on under the combined policy: citizen %q, desk %q", texts(out[citizen]), texts(out[gRegency]))
	}
	// /status shows the citizen each agency's part.
	st := texts(h.drainAllAfter(citizen, flows.Inbound{Kind: flows.KindCommand, Command: "status", Text: r.TrackingID, UserID: citizen})[citizen])
	if !strings.Contains(st, puprName+": sudah menanggapi") || !strings.Contains(st, dinkesName+": masih dikerjakan") {
		t.Errorf("/status does not show each agency's part: %q", st)
	}

	// Dinkes answers: now the regency reviews both parts.
	h.post(gDinkes, groupCmd(uDinkes, "tanggapi", r.TrackingID+" Fogging sudah dilakukan."))
	out = h.drainAllAfter(gDinkes, groupCmd(uDinkes, "tanggapi", r.TrackingID+" selesai"))
	got, _ = h.reportNow(r.TrackingID)
	if flows.Stage(got.Stage) != flows.StageAnswerReview {
		t.Fatalf("the last part left the report at %s", got.Stage)
	}
	review := texts(out[gRegency])
	if !strings.Contains(review, "Jalan sudah ditambal.") || !strings.Contains(review, "Fogging sudah dilakukan.") {
		t.Errorf("the review does not hold both parts: %q", review)
	}
	if len(out[citizen]) != 1 || !strings.Contains(out[citizen][0].Text, "Semua perangkat daerah") {
		t.Errorf("the citizen should hear once that all answered: %q", texts(out[citizen]))
	}

	// The regency sends Dinkes's part back; PUPR's stays sent.
	out = h.drainAllAfter(gRegency, groupCmd(uRegency, "perbaiki", r.TrackingID+" dinkes lampirkan foto fogging"))
	got, _ = h.reportNow(r.TrackingID)
	if flows.Stage(got.Stage) != flows.StageAtAgency {
		t.Fatalf("revise left the report at %s", got.Stage)
	}
	if !strings.Contains(texts(out[gDinkes]), "lampirkan foto fogging") || strings.Contains(texts(out[gPupr]), "lampirkan foto fogging") {
		t.Errorf("the revision should reach Dinkes alone: dinkes %q; pupr %q", texts(out[gDinkes]), texts(out[gPupr]))
	}
	if len(out[citizen]) != 1 || !strings.Contains(out[citizen][0].Text, dinkesName) || strings.Contains(out[citizen][0].Text, puprName) {
		t.Errorf("the citizen should hear Dinkes improves its part: %q", texts(out[citizen]))
	}
	out = h.drainAllAfter(gDinkes, groupCmd(uDinkes, "tanggapi", r.TrackingID+" selesai"))
	if got, _ = h.reportNow(r.TrackingID); flows.Stage(got.Stage) != flows.StageAnswerReview {
		t.Fatalf("Dinkes's revised part (PUPR's still in) left the report at %s", got.Stage)
	}

	// Approved: one message to the citizen with both parts.
	out = h.drainAllAfter(gRegency, groupCmd(uRegency, "setujui", r.TrackingID))
	if got, _ = h.reportNow(r.TrackingID); flows.Stage(got.Stage) != flows.StageAnswered {
		t.Fatalf("approve left the report at %s", got.Stage)
	}
	if len(out[citizen]) != 1 {
		t.Fatalf("the citizen should get one answer, got %d: %q", len(out[citizen]), texts(out[citizen]))
	}
	ans := out[citizen][0]
	for _, want := range []string{"Tanggapan " + puprName + ":\nJalan sudah ditambal.", "Tanggapan " + dinkesName + ":\nFogging sudah dilakukan."} {
		if !strings.Contains(ans.Text, want) {
			t.Errorf("the answer lacks %q: %q", want, ans.Text)
		}
	}
	if !hasButton(ans, fmt.Sprintf("c|accept|%s|%d", r.TrackingID, got.Version)) {
		t.Errorf("the answer has no Accept button: %+v", ans.Buttons)
	}

	// The citizen rejects it: a new round, in which both agencies answer
	// again.
	h.post(citizen, flows.Inbound{Kind: flows.KindButton, Button: fmt.Sprintf("c|reject|%s|%d", r.TrackingID, got.Version), UserID: citizen})
	out = h.drainAllAfter(citizen, flows.Inbound{Kind: flows.KindText, Text: "Selokan masih tersumbat.", UserID: citizen})
	if got, _ = h.reportNow(r.TrackingID); flows.Stage(got.Stage) != flows.StageAtAgency || got.Round != 2 {
		t.Fatalf("after the rejection: stage %s, round %d", got.Stage, got.Round)
	}
	for _, g := range []string{gPupr, gDinkes} {
		if !strings.Contains(texts(out[g]), "Selokan masih tersumbat.") {
			t.Errorf("desk %s did not get the rejection: %q", g, texts(out[g]))
		}
	}
	h.post(gPupr, groupCmd(uPupr, "tanggapi", r.TrackingID+" Ditambal ulang."))
	h.post(gPupr, groupCmd(uPupr, "tanggapi", r.TrackingID+" selesai"))
	h.drainAll()
	if got, _ = h.reportNow(r.TrackingID); flows.Stage(got.Stage) != flows.StageAtAgency {
		t.Fatalf("in the new round PUPR's part alone moved the report to %s", got.Stage)
	}

	// The whole story is in the history, and every step is in the table.
	err := h.db.InTx(h.ctx, func(tx *store.Tx) error {
		es, err := tx.Events(h.ctx, r.ID)
		var kinds []string
		for _, e := range es {
			kinds = append(kinds, e.Kind)
		}
		want := []string{"dispose", "add_agency", "answer_part", "submit", "revise", "submit", "approve", "reject", "answer_part"}
		if !slices.Equal(kinds, want) {
			t.Errorf("history %v, want %v", kinds, want)
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
}

// drainAllAfter posts a message and returns what every chat was sent.
func (h *harness) drainAllAfter(chat string, m flows.Inbound) map[string][]flows.Outbound {
	h.t.Helper()
	h.post(chat, m)
	return h.drainAll()
}

// The regency adds an agency with the button under its disposition: only
// agencies not on the report are offered; the new desk gets the report, the
// citizen hears who handles it now; another agency's desk still cannot see
// it, and a report of one agency is unchanged.
func TestAddAnAgencyByButton(t *testing.T) {
	h := chainHarness(t)
	r := h.seedReport(flows.StageAtRegency, "", false)
	citizen := identities["telegram"].chat
	h.drainAllAfter(gRegency, groupCmd(uRegency, "disposisi", r.TrackingID+" pupr"))
	got, _ := h.reportNow(r.TrackingID)
	if len(got.CoAgencies) != 0 {
		t.Fatalf("a disposition to one agency has others: %v", got.CoAgencies)
	}
	// Dinkes cannot see it yet.
	expect(t, h.send(gDinkes, groupCmd(uDinkes, "laporan", r.TrackingID)), "tidak ditemukan")

	out := h.drainAllAfter(gRegency, flows.Inbound{Kind: flows.KindButton, Button: fmt.Sprintf("add|%s|%d", r.TrackingID, got.Version),
		IsGroup: true, UserID: uRegency})
	menu := out[gRegency][len(out[gRegency])-1]
	if !hasButton(menu, fmt.Sprintf("w|add_agency|%s|%d|dinkes", r.TrackingID, got.Version)) {
		// The suggestions rank by the report's words; Dinkes is always
		// addable by its code.
		t.Logf("Dinkes not among the suggestions: %q", menu.Text)
	}
	for _, row := range menu.Buttons {
		for _, b := range row {
			if strings.HasSuffix(b.Data, "|pupr") {
				t.Errorf("the menu offers the agency already on the report: %+v", b)
			}
		}
	}
	// A liaison officer cannot add an agency.
	h.drainAllAfter(gPupr, flows.Inbound{Kind: flows.KindButton, Button: fmt.Sprintf("w|add_agency|%s|%d|dinkes", r.TrackingID, got.Version),
		IsGroup: true, UserID: uPupr})
	if again, _ := h.reportNow(r.TrackingID); len(again.CoAgencies) != 0 {
		t.Fatalf("a liaison officer added an agency: %v", again.CoAgencies)
	}
	out = h.drainAllAfter(gRegency, flows.Inbound{Kind: flows.KindButton, Button: fmt.Sprintf("w|add_agency|%s|%d|dinkes", r.TrackingID, got.Version),
		IsGroup: true, UserID: uRegency})
	got, _ = h.reportNow(r.TrackingID)
	if !slices.Equal(got.CoAgencies, []string{"dinkes"}) || flows.Stage(got.Stage) != flows.StageAtAgency {
		t.Fatalf("after adding Dinkes: stage %s, others %v", got.Stage, got.CoAgencies)
	}
	if !strings.Contains(texts(out[gDinkes]), r.TrackingID) {
		t.Errorf("Dinkes's desk did not get the report: %q", texts(out[gDinkes]))
	}
	if len(out[citizen]) != 1 || !strings.Contains(out[citizen][0].Text, "juga diteruskan ke "+dinkesName) {
		t.Errorf("the citizen should hear Dinkes takes part: %q", texts(out[citizen]))
	}
	if !strings.Contains(texts(out[gPupr]), "Ditangani bersama") {
		t.Errorf("PUPR's card was not edited to show both agencies: %q", texts(out[gPupr]))
	}
	// Now Dinkes sees it, and its printed record names both agencies.
	expect(t, h.send(gDinkes, groupCmd(uDinkes, "laporan", r.TrackingID)), r.TrackingID, "Ditangani bersama")
	printed := ""
	for _, m := range h.send(gDinkes, groupCmd(uDinkes, "cetak", r.TrackingID)) {
		if m.DocumentID != 0 {
			printed += h.documentText(m.DocumentID)
		}
	}
	if printed = strings.Join(strings.Fields(printed), " "); !strings.Contains(printed, puprName+"; "+dinkesName) { // the PDF wraps lines
		t.Errorf("the printed record does not name both agencies: %q", printed)
	}
	// Adding it again is refused and changes nothing.
	expect(t, h.send(gRegency, groupCmd(uRegency, "disposisi", r.TrackingID+" dinkes")), "sudah ditangani")
	if again, _ := h.reportNow(r.TrackingID); again.Version != got.Version {
		t.Errorf("a refused addition changed the report")
	}
	// Not our authority from the added agency: the whole report goes back
	// to the regency, with no agency left on it.
	h.post(gDinkes, groupCmd(uDinkes, "bukan_wewenang", r.TrackingID+" urusan provinsi"))
	h.drainAll()
	if got, _ = h.reportNow(r.TrackingID); flows.Stage(got.Stage) != flows.StageAtRegency || got.AgencyCode != "" || len(got.CoAgencies) != 0 {
		t.Fatalf("not ours: stage %s, lead %q, others %v", got.Stage, got.AgencyCode, got.CoAgencies)
	}
}

// Random steps on reports disposed to one or more agencies never leave a
// report in an undefined stage or outside the table, never send a report
// for review while a part is missing, never put an anonymous reporter's
// identity into a group, and every answer the citizen gets holds every
// agency's part.
func TestRandomMultiAgencyStepsKeepTheInvariants(t *testing.T) {
	for _, policy := range []string{"combined", "each"} {
		t.Run(policy, func(t *testing.T) { randomMultiAgencyWalk(t, policy) })
	}
}

func randomMultiAgencyWalk(t *testing.T, policy string) {
	h := chainHarness(t)
	cfg := flows.DefaultConfig()
	cfg.RetryBase, cfg.FloodPerMinute = time.Second, 0
	cfg.Policy.MultiAgencyAnswers = policy
	h.svc = flows.New(h.db, cfg, calendar.Default(), region.Default(), func() time.Time { return h.now }, nil)
	who := identities["whatsapp"]
	h.reporter = who
	rng := rand.New(rand.NewPCG(16, 2))
	var reports []store.Report
	newReport := func() store.Report {
		r := h.seedReport(flows.StageAtRegency, "", rng.IntN(2) == 0)
		reports = append(reports, r)
		return r
	}
	active := []store.Report{newReport(), newReport()}
	commands := []struct{ user, group, cmd string }{
		{uRegency, gRegency, "disposisi %s pupr,dinkes"}, {uRegency, gRegency, "disposisi %s pupr"},
		{uRegency, gRegency, "disposisi %s dinkes"}, {uRegency, gRegency, "setujui %s"},
		{uRegency, gRegency, "perbaiki %s dinkes kurang foto"}, {uRegency, gRegency, "perbaiki %s kurang jelas"},
		{uPupr, gPupr, "tanggapi %s Jalan sudah ditambal."}, {uPupr, gPupr, "tanggapi %s selesai"},
		{uDinkes, gDinkes, "tanggapi %s Fogging sudah dilakukan."}, {uDinkes, gDinkes, "tanggapi %s selesai"},
		{uPupr, gPupr, "tanggapi %s selesai"}, {uDinkes, gDinkes, "tanggapi %s selesai"},
		{uDinkes, gDinkes, "bukan_wewenang %s bukan kami"}, {uPupr, gPupr, "respon_awal %s Kami cek."},
		{uDinkes, gDinkes, "tindak_lanjut %s Tim ke lokasi."}, {uDinkes, gPupr, "tanggapi %s selesai"},
		{uRegency, gRegency, "press w|approve_part|%s|0|pupr"}, {uRegency, gRegency, "press w|approve_part|%s|0|dinkes"},
		{uPupr, gPupr, "press w|approve_part|%s|0|pupr"},
	}
	valid := map[string]bool{}
	for _, s := range flows.Stages {
		valid[string(s)] = true
	}
	table := map[[2]string]string{}
	for _, tr := range flows.Transitions() {
		table[[2]string{tr[0], tr[1]}] = tr[2]
	}
	secrets := []string{who.name, who.handle, who.chat, strings.Split(who.handle, "@")[0], strings.Split(who.chat, "@")[0]}
	answers, passed := 0, 0
	for step := 0; step < 400; step++ {
		slot := rng.IntN(len(active))
		r := active[slot]
		cur, _ := h.reportNow(r.TrackingID)
		if flows.Stage(cur.Stage) == flows.StageAnswered || flows.Stage(cur.Stage) == flows.StageAtRegency && rng.IntN(4) == 0 {
			active[slot] = newReport() // done with it (or it went back): a fresh one
			continue
		}
		c := commands[rng.IntN(len(commands))]
		verb, args, _ := strings.Cut(fmt.Sprintf(c.cmd, r.TrackingID), " ")
		if verb == "press" {
			h.post(c.group, flows.Inbound{Kind: flows.KindButton, Button: args, IsGroup: true, UserID: c.user})
		} else {
			h.post(c.group, groupCmd(c.user, verb, args))
		}
		out := h.drainAll()
		after, _ := h.reportNow(r.TrackingID)
		if !valid[after.Stage] {
			t.Fatalf("step %d: report in undefined stage %q", step, after.Stage)
		}
		var parts []store.Answer
		if err := h.db.InTx(h.ctx, func(tx *store.Tx) (err error) {
			parts, err = tx.RoundAnswers(h.ctx, after.ID, after.Round)
			return err
		}); err != nil {
			t.Fatal(err)
		}
		sent := map[string]string{}
		for _, a := range parts {
			if !a.SubmittedAt.IsZero() {
				sent[a.AgencyCode] = a.Body
			}
		}
		if flows.Stage(after.Stage) == flows.StageAnswerReview {
			for _, code := range append([]string{after.AgencyCode}, after.CoAgencies...) {
				if _, ok := sent[code]; !ok {
					t.Fatalf("step %d: %s under review without %s's part", step, after.TrackingID, code)
				}
			}
		}
		for chat, msgs := range out {
			for _, m := range msgs {
				if strings.HasPrefix(chat, "-") && r.Anonymous {
					for _, secret := range secrets {
						if strings.Contains(m.Text, secret) {
							t.Fatalf("step %d: identity %q of an anonymous reporter sent to group %s: %q", step, secret, chat, m.Text)
						}
					}
				}
				if chat == who.chat && strings.Contains(m.Text, "masih menangani bagiannya") {
					passed++ // a part alone reached the citizen
				}
				if chat == who.chat && strings.HasPrefix(m.Text, "Tanggapan atas laporan "+r.TrackingID+" dari") {
					answers++
					for code, body := range sent {
						if !strings.Contains(m.Text, body) {
							t.Errorf("step %d: the answer to the citizen lacks %s's part %q: %q", step, code, body, m.Text)
						}
					}
				}
			}
		}
	}
	kindsSeen := map[string]int{}
	for _, rep := range reports {
		err := h.db.InTx(h.ctx, func(tx *store.Tx) error {
			es, err := tx.Events(h.ctx, rep.ID)
			for _, e := range es {
				kindsSeen[e.Kind]++
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
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	for _, k := range []string{"dispose", "add_agency", "answer_part", "submit", "revise", "approve", "not_ours"} {
		if kindsSeen[k] == 0 {
			t.Errorf("the walk never took %s: it explores too little (%v)", k, kindsSeen)
		}
	}
	if answers == 0 {
		t.Errorf("no answer reached the citizen")
	}
	if policy == "each" && (kindsSeen["approve_part"] == 0 || passed != kindsSeen["approve_part"]) {
		t.Errorf("under the each policy %d parts were passed on and %d reached the citizen", kindsSeen["approve_part"], passed)
	}
	if policy == "combined" && (kindsSeen["approve_part"] != 0 || passed != 0) {
		t.Errorf("a part alone reached the citizen under the combined policy")
	}
	t.Logf("%d reports, steps %v, %d answers to the citizen", len(reports), kindsSeen, answers)
}

// The deadline sweep reminds every agency still working on its part, and
// not one that has sent it; the regency's escalation names who is late.
func TestSweepRemindsEachAgencyStillWorking(t *testing.T) {
	h := chainHarness(t)
	r := h.seedReport(flows.StageAtRegency, "", false)
	h.post(gRegency, groupCmd(uRegency, "disposisi", r.TrackingID+" pupr,dinkes"))
	h.post(gPupr, groupCmd(uPupr, "tanggapi", r.TrackingID+" Jalan sudah ditambal."))
	h.post(gPupr, groupCmd(uPupr, "tanggapi", r.TrackingID+" selesai"))
	h.drainAll()
	got, _ := h.reportNow(r.TrackingID)
	h.now = got.StageDeadline.AddDate(0, 0, 1).Add(-14 * time.Hour) // the next day, 10.00 WIB
	for calendar.Default().WorkingDaysBetween(got.StageDeadline, h.now) < 1 {
		h.now = h.now.AddDate(0, 0, 1)
	}
	if _, err := h.svc.Sweep(h.ctx); err != nil {
		t.Fatal(err)
	}
	out := h.drainAll()
	// The answer's deadline (PUPR also hears of its first response, whose
	// clock is the lead agency's, and gets its morning digest).
	due := "batas " + flows.FormatDate(flows.LangID, got.StageDeadline.In(calendar.Local()))
	if d := texts(out[gDinkes]); !strings.Contains(d, r.TrackingID) || !strings.Contains(d, due) {
		t.Errorf("Dinkes, still working, was not reminded: %q", d)
	}
	if strings.Contains(texts(out[gPupr]), due) {
		t.Errorf("PUPR, which has answered, was reminded: %q", texts(out[gPupr]))
	}
	esc := texts(out[gRegency])
	if !strings.Contains(esc, "di "+dinkesName+" — "+due) || strings.Contains(esc, "di "+puprName+" — "+due) {
		t.Errorf("the escalation should name Dinkes alone: %q", esc)
	}
	// A second sweep the same day sends nothing again.
	if _, err := h.svc.Sweep(h.ctx); err != nil {
		t.Fatal(err)
	}
	if again := h.drainAll(); strings.Contains(texts(again[gDinkes]), due) {
		t.Errorf("reminded twice the same day: %q", texts(again[gDinkes]))
	}
}

// With multi_agency_answers: each, the regency passes every part on to the
// citizen as it comes, once; the whole answer, with both parts and the
// Accept and Reject buttons, still follows when all have answered.
func TestEachPartReachesTheCitizenAsItComes(t *testing.T) {
	h := chainHarness(t)
	cfg := flows.DefaultConfig()
	cfg.RetryBase, cfg.FloodPerMinute = time.Second, 0
	cfg.Policy.MultiAgencyAnswers = "each"
	h.svc = flows.New(h.db, cfg, calendar.Default(), region.Default(), func() time.Time { return h.now }, nil)
	expect(t, h.send(gRegency, groupCmd(uRegency, "sla", "")), "tiap bagian dapat diteruskan kepada pelapor setelah diperiksa")
	r := h.seedReport(flows.StageAtRegency, "", false)
	citizen := identities["telegram"].chat
	out := h.drainAllAfter(gRegency, groupCmd(uRegency, "disposisi", r.TrackingID+" pupr,dinkes"))
	if len(out[citizen]) != 1 || !strings.Contains(out[citizen][0].Text, "tanggapan tiap perangkat daerah kami kirimkan kepada Anda setelah diperiksa") {
		t.Errorf("the citizen should learn each part comes as it is checked: %q", texts(out[citizen]))
	}
	h.post(gPupr, groupCmd(uPupr, "tanggapi", r.TrackingID+" Jalan sudah ditambal."))
	out = h.drainAllAfter(gPupr, groupCmd(uPupr, "tanggapi", r.TrackingID+" selesai"))
	pass := fmt.Sprintf("w|approve_part|%s|0|pupr", r.TrackingID)
	var review flows.Outbound
	for _, m := range out[gRegency] {
		if hasButton(m, pass) {
			review = m
		}
	}
	if !strings.Contains(review.Text, "Jalan sudah ditambal.") || !strings.Contains(review.Text, "Masih dikerjakan: "+dinkesName) {
		t.Fatalf("the regency did not get PUPR's part to pass on: %q", texts(out[gRegency]))
	}
	for _, m := range out[citizen] {
		t.Errorf("the citizen heard of a part before the regency passed it on: %q", m.Text)
	}
	// A liaison officer cannot pass a part on.
	out = h.drainAllAfter(gPupr, flows.Inbound{Kind: flows.KindButton, Button: pass, IsGroup: true, UserID: uPupr})
	if len(out[citizen]) != 0 {
		t.Fatalf("a liaison officer passed a part on: %q", texts(out[citizen]))
	}
	out = h.drainAllAfter(gRegency, flows.Inbound{Kind: flows.KindButton, Button: pass, IsGroup: true, UserID: uRegency})
	if len(out[citizen]) != 1 || !strings.Contains(out[citizen][0].Text, "Jalan sudah ditambal.") ||
		!strings.Contains(out[citizen][0].Text, dinkesName+" masih menangani") || len(out[citizen][0].Buttons) != 0 {
		t.Fatalf("the citizen should get PUPR's part, without Accept/Reject: %+v", out[citizen])
	}
	if got, _ := h.reportNow(r.TrackingID); flows.Stage(got.Stage) != flows.StageAtAgency {
		t.Fatalf("passing a part on moved the report to %s", got.Stage)
	}
	// Once only.
	out = h.drainAllAfter(gRegency, flows.Inbound{Kind: flows.KindButton, Button: pass, IsGroup: true, UserID: uRegency})
	if len(out[citizen]) != 0 || !strings.Contains(texts(out[gRegency]), "sudah diteruskan") {
		t.Fatalf("a part passed on twice: citizen %q, desk %q", texts(out[citizen]), texts(out[gRegency]))
	}
	// Dinkes's part completes the answer: reviewed, then sent whole.
	h.post(gDinkes, groupCmd(uDinkes, "tanggapi", r.TrackingID+" Fogging sudah dilakukan."))
	h.post(gDinkes, groupCmd(uDinkes, "tanggapi", r.TrackingID+" selesai"))
	h.drainAll()
	out = h.drainAllAfter(gRegency, groupCmd(uRegency, "setujui", r.TrackingID))
	got, _ := h.reportNow(r.TrackingID)
	if flows.Stage(got.Stage) != flows.StageAnswered || len(out[citizen]) != 1 {
		t.Fatalf("after approval: stage %s, citizen %q", got.Stage, texts(out[citizen]))
	}
	for _, want := range []string{"Jalan sudah ditambal.", "Fogging sudah dilakukan."} {
		if !strings.Contains(out[citizen][0].Text, want) {
			t.Errorf("the whole answer lacks %q: %q", want, out[citizen][0].Text)
		}
	}
	// The reporter's history names the part passed on.
	st := texts(h.drainAllAfter(citizen, flows.Inbound{Kind: flows.KindCommand, Command: "status", Text: r.TrackingID, UserID: citizen})[citizen])
	if !strings.Contains(st, "Tanggapan Dinas Pekerjaan Umum dan Penataan Ruang diteruskan kepada Anda") {
		t.Errorf("/status does not show the part passed on: %q", st)
	}
}
