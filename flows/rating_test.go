package flows_test

import (
	"bytes"
	"encoding/csv"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/lapor-id/lapor/flows"
	"github.com/lapor-id/lapor/flows/calendar"
	"github.com/lapor-id/lapor/flows/region"
	"github.com/lapor-id/lapor/flows/softcopy"
	"github.com/lapor-id/lapor/store"
)

// answeredReport files a report from chat and walks it to the citizen's
// turn (answered), the way the desks do.
func (h *harness) answeredReport(chat string) string {
	t := h.t
	t.Helper()
	id := h.fileReport(chat, "anon:no", "conf:no")
	expect(t, h.send(gSuper, groupCmd(uSuper, "verifikasi", id)), "✅ "+id)
	expect(t, h.send(gRegency, groupCmd(uRegency, "disposisi", id+" pupr")), "✅ "+id)
	expect(t, h.send(gPupr, groupCmd(uPupr, "tanggapi", id+" Lubang sudah ditambal.")), "dicatat")
	expect(t, h.send(gPupr, groupCmd(uPupr, "tanggapi", id+" selesai")), "✅ "+id)
	expect(t, h.send(gRegency, groupCmd(uRegency, "setujui", id)), "✅ "+id)
	h.drainAll()
	return id
}

// silentClose sweeps day by day until the report closes for silence and
// returns what the citizen's chat was sent on that day.
func (h *harness) silentClose(chat string) []flows.Outbound {
	t := h.t
	t.Helper()
	start := h.now
	for day := 1; day <= 40; day++ {
		h.now = start.AddDate(0, 0, day)
		res, err := h.svc.Sweep(h.ctx)
		if err != nil {
			t.Fatal(err)
		}
		sent := h.drainAll()
		if res.AutoClosed > 0 {
			return sent[chat]
		}
	}
	t.Fatal("the report never closed for silence")
	return nil
}

// The citizen who stays silent is told the report closed, with the
// policy's number of days, and may rate it once with the same ⭐ buttons
// as after accepting; the rating reaches /laporan and the exports.
func TestSilentCloseAsksForARatingOnce(t *testing.T) {
	h := chainHarness(t)
	const chat = "880101"
	id := h.answeredReport(chat)
	got := h.silentClose(chat)
	var notice *flows.Outbound
	for i := range got {
		if strings.Contains(got[i].Text, "Laporan "+id+" kami nyatakan selesai") {
			notice = &got[i]
		}
	}
	if notice == nil {
		t.Fatalf("no close notice to the citizen: %+v", got)
	}
	if !strings.Contains(notice.Text, "dalam 10 hari kerja") || !strings.Contains(notice.Text, "penilaian") {
		t.Errorf("close notice does not state the policy's 10 days or ask for a rating: %q", notice.Text)
	}
	for n := 1; n <= 5; n++ {
		if !hasButton(*notice, "rate|"+id+"|"+string(rune('0'+n))) {
			t.Fatalf("close notice lacks the ⭐%d button: %+v", n, notice.Buttons)
		}
	}
	if r, _ := h.reportNow(id); r.Stage != string(flows.StageClosed) || r.Rating != 0 {
		t.Fatalf("after the silent close: stage %s rating %d", r.Stage, r.Rating)
	}

	expect(t, h.send(chat, press("rate|"+id+"|4")), "penilaian Anda (4 dari 5)")
	expect(t, h.send(chat, text("Tambalannya rapi.")), "")
	again := h.send(chat, press("rate|"+id+"|1"))
	if len(again) == 0 || strings.Contains(again[len(again)-1].Text, "1 dari 5") {
		t.Fatalf("a second rating was taken: %+v", again)
	}
	r, _ := h.reportNow(id)
	if r.Rating != 4 || r.RatingComment != "Tambalannya rapi." {
		t.Fatalf("stored rating %d %q, want 4 and the comment", r.Rating, r.RatingComment)
	}

	expect(t, h.send(gRegency, groupCmd(uRegency, "laporan", id)), "Penilaian pelapor: 4 dari 5: Tambalannya rapi.")

	var buf bytes.Buffer
	seq := h.svc.Records(h.ctx, store.HistoryFilter{TrackingIDs: []string{id}}, flows.AdminReaders, flows.LangID)
	if n, err := softcopy.CSV(&buf, seq, softcopy.Options{Lang: "id", Audience: flows.AdminReaders.Audience, Now: h.now}); err != nil || n != 1 {
		t.Fatalf("export: %d reports, %v", n, err)
	}
	rows, err := csv.NewReader(strings.NewReader(strings.TrimPrefix(buf.String(), "\uFEFF"))).ReadAll()
	if err != nil || len(rows) != 2 {
		t.Fatalf("export rows %d, %v", len(rows), err)
	}
	col := slices.Index(rows[0], "Penilaian")
	if col < 0 || rows[1][col] != "4" {
		t.Fatalf("export's Penilaian column %d holds %q, want 4 (header %q)", col, rows[1][max(col, 0)], rows[0])
	}
}

// Changing the policy changes what the citizen reads: with the answered
// stage at 7 working days the close notice says 7, not 10.
func TestPolicyDaysReachTheCloseNotice(t *testing.T) {
	h := chainHarness(t)
	cfg := flows.DefaultConfig()
	cfg.FloodPerMinute = 0
	cfg.Policy.Stages[flows.StageAnswered] = 7
	h.svc = flows.New(h.db, cfg, calendar.Default(), region.Default(), func() time.Time { return h.now }, nil)
	const chat = "880102"
	id := h.answeredReport(chat)
	got := h.silentClose(chat)
	all := ""
	for _, o := range got {
		all += o.Text + "\n"
	}
	if !strings.Contains(all, "Laporan "+id+" kami nyatakan selesai") || !strings.Contains(all, "dalam 7 hari kerja") || strings.Contains(all, "10 hari") {
		t.Fatalf("with 7 days in the policy the citizen read: %q", all)
	}
}

var recordedID = regexp.MustCompile(`dicatat sebagai (\S+)`)

// A walk-in reporter's rating is recorded by the regency admin with
// /nilai: only for a closed walk-in report, once, not by a liaison, and
// every attempt is in the audit log.
func TestWalkInRating(t *testing.T) {
	h := chainHarness(t)
	out := h.send(gRegency, groupCmd(uRegency, "catat", "pengaduan | Plaosan | Jalan desa rusak sejak Oktober, banyak lubang besar. | 081234"))
	m := recordedID.FindStringSubmatch(expect(t, out, "dicatat sebagai").Text)
	if m == nil {
		t.Fatalf("no tracking number in %q", out[len(out)-1].Text)
	}
	walkIn := m[1]
	expect(t, h.send(gRegency, groupCmd(uRegency, "nilai", walkIn+" 5")), "belum selesai")
	chatID := h.fileReport("880103", "anon:no", "conf:no") // before the silent close moves the clock
	expect(t, h.send(gSuper, groupCmd(uSuper, "verifikasi", walkIn)), "✅ "+walkIn)
	expect(t, h.send(gRegency, groupCmd(uRegency, "disposisi", walkIn+" pupr")), "✅ "+walkIn)
	expect(t, h.send(gPupr, groupCmd(uPupr, "tanggapi", walkIn+" Jalan sudah ditambal.")), "dicatat")
	expect(t, h.send(gPupr, groupCmd(uPupr, "tanggapi", walkIn+" selesai")), "✅ "+walkIn)
	expect(t, h.send(gRegency, groupCmd(uRegency, "setujui", walkIn)), "✅ "+walkIn)
	h.drainAll()
	h.silentClose(gRegency)

	expect(t, h.send(gPupr, groupCmd(uPupr, "nilai", walkIn+" 1")), "tidak tersedia untuk peran Anda")
	expect(t, h.send(gRegency, groupCmd(uRegency, "nilai", walkIn+" 6")), "/nilai <ID> <1-5>")
	expect(t, h.send(gRegency, groupCmd(uRegency, "nilai", walkIn+" 4 Petugas loket ramah")), "Penilaian pelapor (4 dari 5) untuk laporan "+walkIn+" sudah dicatat")
	expect(t, h.send(gSuper, groupCmd(uSuper, "nilai", walkIn+" 2")), "sudah diberi penilaian")
	r, _ := h.reportNow(walkIn)
	if r.Rating != 4 || r.RatingComment != "Petugas loket ramah" {
		t.Fatalf("walk-in rating %d %q, want 4 and the comment", r.Rating, r.RatingComment)
	}

	// A chat report rates itself: /nilai refuses it.
	expect(t, h.send(gSuper, groupCmd(uSuper, "pusat", chatID)), "✅ "+chatID)
	expect(t, h.send(gRegency, groupCmd(uRegency, "nilai", chatID+" 3")), "tidak dicatat lewat /catat")
	if r, _ := h.reportNow(chatID); r.Rating != 0 {
		t.Fatalf("a chat report got a rating by /nilai: %d", r.Rating)
	}

	log, err := h.db.AuditLog(h.ctx, 100)
	if err != nil {
		t.Fatal(err)
	}
	var seen []string
	for _, e := range log {
		if e.Action == "/nilai" {
			seen = append(seen, fmt.Sprintf("%v %s", e.Allowed, e.Detail))
		}
	}
	slices.Sort(seen)
	want := []string{"false rate.notclosed", "false rate.notwalkin", "false rate.twice", "false role liaison_officer", "true 4"}
	if !slices.Equal(seen, want) {
		t.Fatalf("audit of /nilai: %q, want %q", seen, want)
	}
}

// recordWalkIn files a walk-in complaint with /catat and returns its number.
func (h *harness) recordWalkIn() string {
	t := h.t
	t.Helper()
	out := h.send(gRegency, groupCmd(uRegency, "catat", "pengaduan | Plaosan | Lampu jalan di dekat balai desa mati sejak sebulan lalu. | 081298"))
	m := recordedID.FindStringSubmatch(expect(t, out, "dicatat sebagai").Text)
	if m == nil {
		t.Fatalf("no tracking number in %q", out[len(out)-1].Text)
	}
	return m[1]
}

// A walk-in report closed for silence has no chat for ⭐ buttons: the
// regency desk passes the notice on without buttons and is told it may
// ask for the rating and record it with /nilai.
func TestWalkInSilentCloseAsksTheDesk(t *testing.T) {
	h := chainHarness(t)
	id := h.recordWalkIn()
	expect(t, h.send(gSuper, groupCmd(uSuper, "verifikasi", id)), "✅ "+id)
	expect(t, h.send(gRegency, groupCmd(uRegency, "disposisi", id+" pupr")), "✅ "+id)
	expect(t, h.send(gPupr, groupCmd(uPupr, "tanggapi", id+" Lampu sudah diganti.")), "dicatat")
	expect(t, h.send(gPupr, groupCmd(uPupr, "tanggapi", id+" selesai")), "✅ "+id)
	expect(t, h.send(gRegency, groupCmd(uRegency, "setujui", id)), "✅ "+id)
	h.drainAll()
	got := h.silentClose(gRegency)
	relayed, asked := false, false
	for _, o := range got {
		for _, row := range o.Buttons {
			for _, b := range row {
				if strings.HasPrefix(b.Data, "rate|") {
					t.Fatalf("a desk got the citizen's rating buttons: %+v", o)
				}
			}
		}
		relayed = relayed || strings.Contains(o.Text, "Laporan "+id+" kami nyatakan selesai") && strings.Contains(o.Text, "dalam 10 hari kerja")
		asked = asked || strings.Contains(o.Text, "/nilai "+id+" <1-5>")
	}
	if !relayed || !asked {
		t.Fatalf("regency desk after the silent close (relayed %v, asked %v): %+v", relayed, asked, got)
	}
	expect(t, h.send(gRegency, groupCmd(uRegency, "nilai", id+" 5")), "(5 dari 5)")
	if r, _ := h.reportNow(id); r.Rating != 5 {
		t.Fatalf("walk-in rating after a silent close: %d, want 5", r.Rating)
	}
}
