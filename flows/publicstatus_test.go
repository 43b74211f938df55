package flows_test

import (
	"encoding/json"
	"fmt"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/lapor-id/lapor/flows"
	"github.com/lapor-id/lapor/flows/open311"
)

// detailedNames are the officers' stage names that differ from every public
// status name ("Selesai" and "Diarsipkan" are both), and the stage keys.
func detailedNames(lang flows.Lang, keys bool) []string {
	public := map[string]bool{}
	for _, p := range flows.PublicStatuses {
		public[p.Name(lang)] = true
	}
	var out []string
	for _, st := range flows.Stages {
		if n := flows.T(lang, "stage."+string(st)); !public[n] {
			out = append(out, n)
		}
		if keys {
			out = append(out, string(st))
		}
	}
	return out
}

// A report walks the SOP's chain; at each stage the citizen's /status and
// /laporan (and every message the citizen is sent) show the national
// LAPOR! status and never an internal stage, the desks keep the detailed
// stage, and open data shows the public status next to Open311's own
// open/closed.
func TestCitizenSeesThePublicStatusAlongTheChain(t *testing.T) {
	h := chainHarness(t)
	const chat = "100"
	detailed := detailedNames(flows.LangID, true)
	srv := httptest.NewServer(open311.Handler(h.svc.OpenData(flows.LangID), open311.Options{Now: func() time.Time { return h.now }}))
	defer srv.Close()

	noStage := func(where, text string) {
		t.Helper()
		for _, n := range detailed {
			if strings.Contains(text, n) {
				t.Errorf("%s names the internal stage %q:\n%s", where, n, text)
			}
		}
	}
	// check asks /status and /laporan from the reporter's chat and the
	// report's open data.
	check := func(id string, want flows.PublicStatus, open bool) {
		t.Helper()
		name := want.Name(flows.LangID)
		status := expect(t, h.send(chat, cmd("status", id)), id, "Status: "+name+"\n", flows.T(flows.LangID, "pstatus.hint."+string(want)))
		noStage("/status "+id, status.Text)
		list := expect(t, h.send(chat, cmd("laporan", "")), id)
		line := ""
		for _, l := range strings.Split(list.Text, "\n") {
			if strings.Contains(l, id) {
				line = l
			}
		}
		if !strings.HasSuffix(line, " — "+name) {
			t.Errorf("/laporan line %q does not end with %q", line, name)
		}
		noStage("/laporan", list.Text)

		var reqs []struct {
			ID          string `json:"service_request_id"`
			Status      string `json:"status"`
			StatusNotes string `json:"status_notes"`
		}
		body := httpGet(t, srv.URL+"/open311/v2/requests/"+id+".json")
		if err := json.Unmarshal([]byte(body), &reqs); err != nil || len(reqs) != 1 {
			t.Fatalf("open data of %s: %v %s", id, err, body)
		}
		if want == flows.PublicUnverified {
			// Not public before verification.
			if reqs[0].ID != "" || !strings.Contains(body, "not found") {
				t.Errorf("open data shows the unverified %s: %s", id, body)
			}
			return
		}
		wantOpen := map[bool]string{true: "open", false: "closed"}[open]
		if reqs[0].Status != wantOpen || !strings.HasPrefix(reqs[0].StatusNotes, name) {
			t.Errorf("open data of %s: status %q, notes %q; want %q, %q", id, reqs[0].Status, reqs[0].StatusNotes, wantOpen, name)
		}
		noStage("open data", reqs[0].StatusNotes)
	}
	// act runs an officer's command and returns what every chat was sent;
	// the citizen's messages never name a stage.
	act := func(user, group, command, args string) map[string][]flows.Outbound {
		t.Helper()
		h.post(group, groupCmd(user, command, args))
		out := h.drainAll()
		if len(out[group]) == 0 {
			t.Fatalf("/%s %s: no reply in the desk", command, args)
		}
		for _, o := range out[chat] {
			noStage("the citizen's message after /"+command, o.Text)
		}
		return out
	}
	// deskShows checks that a desk's messages keep the detailed stage.
	deskShows := func(out map[string][]flows.Outbound, group string, st flows.Stage) {
		t.Helper()
		want := flows.T(flows.LangID, "stage."+string(st))
		for _, o := range out[group] {
			if strings.Contains(o.Text, want) {
				return
			}
		}
		t.Errorf("desk %s was not shown the stage %q: %+v", group, want, out[group])
	}

	id := h.fileReport(chat, "anon:no", "conf:no")
	h.drainAll()
	check(id, flows.PublicUnverified, true)

	out := act(uSuper, gSuper, "verifikasi", id)
	deskShows(out, gRegency, flows.StageAtRegency)
	check(id, flows.PublicVerified, true)

	out = act(uRegency, gRegency, "disposisi", id+" pupr")
	deskShows(out, gPupr, flows.StageAtAgency)
	check(id, flows.PublicFollowUp, true)

	// A report merged into this one names the original's public status.
	dup := h.fileReport(chat, "anon:no", "conf:no")
	h.drainAll()
	act(uSuper, gSuper, "gabungkan", dup+" "+id)
	merged := expect(t, h.send(chat, cmd("status", dup)), "digabungkan ke laporan "+id+", dengan status: Tindak Lanjut.")
	noStage("/status of a merged report", merged.Text)

	act(uPupr, gPupr, "tanggapi", id+" Lubang sudah ditambal.")
	out = act(uPupr, gPupr, "tanggapi", id+" selesai")
	if r, _ := h.reportNow(id); flows.Stage(r.Stage) != flows.StageAnswerReview {
		t.Fatalf("stage %q after the answer", r.Stage)
	}
	check(id, flows.PublicFollowUp, true)

	act(uRegency, gRegency, "setujui", id)
	r, _ := h.reportNow(id)
	if flows.Stage(r.Stage) != flows.StageAnswered {
		t.Fatalf("stage %q after approval", r.Stage)
	}
	check(id, flows.PublicFollowUp, true)

	sent := h.send(chat, press(fmt.Sprintf("c|%s|%s|%d", flows.ActAccept, id, r.Version)))
	for _, o := range sent {
		noStage("the reply to accepting", o.Text)
	}
	if r, _ := h.reportNow(id); flows.Stage(r.Stage) != flows.StageClosed {
		t.Fatalf("stage %q after accepting", r.Stage)
	}
	check(id, flows.PublicCompleted, false)

	// On hold: the desk asked the citizen for details.
	held := h.fileReport(chat, "anon:no", "conf:no")
	h.drainAll()
	act(uSuper, gSuper, "verifikasi", held)
	act(uRegency, gRegency, "tunda", held+" Nomor rumahnya berapa?")
	if r, _ := h.reportNow(held); flows.Stage(r.Stage) != flows.StageWaitingCitizen {
		t.Fatalf("stage %q after /tunda", r.Stage)
	}
	check(held, flows.PublicFollowUp, true)

	// Archived, not followed up; an archived report nobody verified is
	// not public, its reporter still sees the status.
	unverified := h.fileReport(chat, "anon:no", "conf:no")
	h.drainAll()
	act(uSuper, gSuper, "arsip", unverified+" spam")
	expect(t, h.send(chat, cmd("status", unverified)), "Status: "+flows.PublicArchived.Name(flows.LangID)+"\n")
	spam := h.fileReport(chat, "anon:no", "conf:no")
	h.drainAll()
	act(uSuper, gSuper, "verifikasi", spam)
	act(uRegency, gRegency, "arsip", spam+" umum")
	check(spam, flows.PublicArchived, false)

	// The English status.
	h.send(chat, cmd("bahasa", "en"))
	en := expect(t, h.send(chat, cmd("status", id)), "Status: Completed")
	for _, n := range detailedNames(flows.LangEN, false) {
		if strings.Contains(en.Text, n) {
			t.Errorf("English /status names the internal stage %q:\n%s", n, en.Text)
		}
	}
}
