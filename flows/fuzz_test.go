package flows_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"reflect"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"
	"unicode/utf8"

	"go.yaml.in/yaml/v3"

	"github.com/lapor-id/lapor/flows"
	"github.com/lapor-id/lapor/flows/calendar"
	"github.com/lapor-id/lapor/flows/region"
	"github.com/lapor-id/lapor/store"
)

// trackingAlphabet is the alphabet of tracking numbers, as the tests know it.
const trackingAlphabet = "34679ACDEFHJKMNPRTUVWXY"

// FuzzParseTrackingID: whatever a citizen types, a tracking number is
// either refused or read as one canonical number that reads back as
// itself; and every number lapor can issue, under any prefix a deployment
// may configure (LAPOR_TRACKING_PREFIX: 2 to 5 capital letters), reads back
// as itself however it is typed: lower case, spaced, without the dash or
// without the prefix.
func FuzzParseTrackingID(f *testing.F) {
	for _, s := range []string{"MGT-7K3QFA", "mgt-7k3qfa", "mgt 7k3 qfa", "7K3QFA", "MGT7K3QFA", " MGT–7K3QFA. ", "MGT-7K3QF",
		"MGT-7K3QFAA", "MGT-0O1IL5", "MGT-MGT7K3", "LPR-AAAAAA", "bukan nomor", "", "ᴍɢᴛ-7ᴋ3ǫꜰᴀ", "MGT-７K3QFA"} {
		f.Add(s, "MGT", []byte{0, 1, 2, 3, 4, 5})
	}
	f.Add("", "MAD", []byte{22, 21, 20, 19, 18, 17})
	validPrefix := regexp.MustCompile(`^[A-Z]{2,5}$`) // cmd/lapor's rule
	f.Fuzz(func(t *testing.T, typed, prefix string, code []byte) {
		if !validPrefix.MatchString(prefix) {
			prefix = "MGT"
		}
		if id, ok := flows.ParseTrackingID(typed, prefix); ok {
			checkCanonical(t, id, prefix)
			if again, ok := flows.ParseTrackingID(id, prefix); !ok || again != id {
				t.Fatalf("ParseTrackingID(%q) = %q, which reads back as %q, %v", typed, id, again, ok)
			}
		} else if id != "" {
			t.Fatalf("ParseTrackingID(%q) = %q without ok", typed, id)
		}

		random := flows.NewTrackingID(prefix)
		checkCanonical(t, random, prefix)
		if got, ok := flows.ParseTrackingID(strings.ToLower(random), prefix); !ok || got != random {
			t.Fatalf("issued %s reads as %q, %v", random, got, ok)
		}
		// Any number lapor may issue (the fuzzer picks it, so that a
		// failure can be replayed).
		b := []byte(prefix + "-")
		for i := range 6 {
			c := byte(0)
			if i < len(code) {
				c = code[i]
			}
			b = append(b, trackingAlphabet[int(c)%len(trackingAlphabet)])
		}
		issued := string(b)
		checkCanonical(t, issued, prefix)
		bare := strings.TrimPrefix(issued, prefix+"-")
		for _, s := range []string{issued, strings.ToLower(issued), prefix + bare, bare, strings.ToLower(bare),
			strings.Join(strings.Split(strings.ToLower(issued), ""), " "), "  " + bare[:3] + " " + bare[3:] + "."} {
			if got, ok := flows.ParseTrackingID(s, prefix); !ok || got != issued {
				t.Errorf("tracking number %s typed as %q reads as %q, %v", issued, s, got, ok)
			}
		}
	})
}

func checkCanonical(t *testing.T, id, prefix string) {
	t.Helper()
	code, ok := strings.CutPrefix(id, prefix+"-")
	if !ok || len(code) != 6 || strings.Trim(code, trackingAlphabet) != "" {
		t.Fatalf("%q is not a tracking number with prefix %s", id, prefix)
	}
}

// FuzzParsePeriod feeds what admins type after /ekspor and /rekap: an
// ErrPeriod, or a non-empty span [From, To) of whole days in Jakarta with a
// label, never longer than ten years; the empty period contains now.
func FuzzParsePeriod(f *testing.F) {
	now := monday.Unix()
	for _, s := range []string{"", "2026-11", "2026", "2026-11-01..2026-11-15", "2026-11-15..2026-11-01", "2026-11-01..2026-11-01",
		"2016-01-01..2026-12-31", "2016-01-01..2025-12-31", " 2026-02 ", "2026-13", "0000", "0000-01", "9999-12",
		"2026-02-29..2026-03-01", "2026-11-01 .. 2026-11-02", "abcd", "2026-11-01..", "..", "2026/11", "-001"} {
		f.Add(s, now, false)
	}
	f.Add("", int64(0), true)
	f.Add("1942-03-01..1942-03-31", int64(-1e9), true)
	f.Fuzz(func(t *testing.T, s string, unix int64, en bool) {
		at := time.Unix(unix%(200*365*86400), 0) // ±200 years around 1970
		lang := flows.LangID
		if en {
			lang = flows.LangEN
		}
		p, err := flows.ParsePeriod(s, at, lang)
		if err != nil {
			if !errors.Is(err, flows.ErrPeriod) || p != (flows.Period{}) {
				t.Fatalf("ParsePeriod(%q) = %+v, %v", s, p, err)
			}
			return
		}
		if !p.From.Before(p.To) {
			t.Fatalf("ParsePeriod(%q) = [%s, %s): empty or backwards", s, p.From, p.To)
		}
		if p.To.Sub(p.From) > (10*366+1)*24*time.Hour {
			t.Fatalf("ParsePeriod(%q) spans %s", s, p.To.Sub(p.From))
		}
		if p.From.Location() != calendar.Local() || p.To.Location() != calendar.Local() {
			t.Fatalf("ParsePeriod(%q) = [%s, %s): not in Jakarta", s, p.From, p.To)
		}
		// Whole days (Jakarta's offset has not changed since 1964).
		for _, b := range []time.Time{p.From, p.To} {
			if b.Year() >= 1970 && (b.Hour() != 0 || b.Minute() != 0 || b.Second() != 0 || b.Nanosecond() != 0) {
				t.Fatalf("ParsePeriod(%q) = [%s, %s): not whole days", s, p.From, p.To)
			}
		}
		if p.Label == "" || !utf8.ValidString(p.Label) {
			t.Fatalf("ParsePeriod(%q) label %q", s, p.Label)
		}
		if strings.TrimSpace(s) == "" && (at.Before(p.From) || !at.Before(p.To)) {
			t.Fatalf("this month [%s, %s) does not contain now %s", p.From, p.To, at)
		}
	})
}

// FuzzParsePolicy feeds policy files (LAPOR_POLICY_FILE): an error, or a
// policy within every documented limit that describes itself and, written
// back out, reads back the same.
func FuzzParsePolicy(f *testing.F) {
	def, err := yaml.Marshal(flows.DefaultPolicy())
	if err != nil {
		f.Fatal(err)
	}
	f.Add(def)
	for _, s := range []string{
		"",
		"stages: {submitted: 3, at_regency: 5, at_agency: 10, answer_review: 7, answered: 10}\nremind_before: [2, 1, 0]\n" +
			"citizen_remind_before: 2\nombudsman_after: 60\ntunda_remind_after: 3\ntunda_expire_after: 10\ndraft_expire_after: 7\n" +
			"working_hours_from: \"7:30\"\nsupervisor: {agency: regency_admin, regency_admin: super_admin, super_admin: super_admin}\n",
		"stages: {submitted: 0, closed: 3}\n",
		"stages: {submitted: 366}\nremind_before: [-1, 31]\ntunda_expire_after: 1\ntunda_remind_after: 2\n",
		"working_hours_from: \"24:00\"\n",
		"working_hours_from: \"16:00\"\nworking_hours_until: \"07:30\"\n",
		"supervisor: {agency: agency}\n",
		"colour: red\n",
		"stages: &s {submitted: 3}\nsupervisor: *s\n",
		"- 1\n- 2\n",
		"stages:\n  submitted: 99999999999999999999\n",
		"calendar: {count_start_day: yes, cuti_bersama_is_holiday: 1}\n",
		"---\n---\n",
	} {
		f.Add([]byte(s))
	}
	deadlineStages := flows.ClockStages
	f.Fuzz(func(t *testing.T, b []byte) {
		p, err := flows.ParsePolicy(b)
		if err != nil {
			if err.Error() == "" {
				t.Fatal("an error without a message")
			}
			return
		}
		if len(p.Stages) != len(deadlineStages) {
			t.Fatalf("stages %v", p.Stages)
		}
		for _, st := range deadlineStages {
			if d := p.Stages[st]; d < 1 || d > 365 {
				t.Fatalf("stage %s: %d days", st, d)
			}
		}
		for _, d := range p.RemindBefore {
			if d < 0 || d > 30 {
				t.Fatalf("remind_before %d", d)
			}
		}
		for _, v := range []int{p.CitizenRemindBefore, p.OmbudsmanAfter, p.TundaRemindAfter, p.TundaExpireAfter, p.DraftExpireAfter} {
			if v < 0 || v > 400 {
				t.Fatalf("a limit of %d days: %+v", v, p)
			}
		}
		if p.TundaExpireAfter <= p.TundaRemindAfter {
			t.Fatalf("tunda expires (%d) before its reminder (%d)", p.TundaExpireAfter, p.TundaRemindAfter)
		}
		from, err := time.Parse("15:04", p.WorkingHoursFrom)
		if err != nil {
			t.Fatalf("working_hours_from %q", p.WorkingHoursFrom)
		}
		if until, err := time.Parse("15:04", p.WorkingHoursUntil); err != nil || !until.After(from) {
			t.Fatalf("working hours %q to %q", p.WorkingHoursFrom, p.WorkingHoursUntil)
		}
		for _, desk := range []string{flows.DeskAgency, flows.DeskRegency, flows.DeskSuperAdmin} {
			if s := p.Supervisor[desk]; s != flows.DeskRegency && s != flows.DeskSuperAdmin {
				t.Fatalf("supervisor of %s is %q", desk, s)
			}
		}
		for _, desk := range []string{flows.DeskPPID, flows.DeskPPIDSuperior} {
			if s := p.Supervisor[desk]; s != flows.DeskPPIDSuperior && s != flows.DeskRegency && s != flows.DeskSuperAdmin {
				t.Fatalf("supervisor of %s is %q", desk, s)
			}
		}
		if p.PPIDExtension < 1 || p.PPIDExtension > 365 || p.InformationDispute < 1 || p.InformationDispute > 365 {
			t.Fatalf("the PPID's extension %d, the Komisi Informasi window %d", p.PPIDExtension, p.InformationDispute)
		}
		for _, l := range []flows.Lang{flows.LangID, flows.LangEN} {
			if d := p.Describe(l); !utf8.ValidString(d) || strings.Contains(d, "%!") {
				t.Fatalf("Describe(%s) = %q", l, d)
			}
		}
		out, err := yaml.Marshal(p)
		if err != nil {
			t.Fatalf("writing the policy: %v", err)
		}
		back, err := flows.ParsePolicy(out)
		if err != nil || !reflect.DeepEqual(back, p) {
			t.Fatalf("policy written as\n%s\nreads back as %+v, %v; was %+v", out, back, err, p)
		}
	})
}

// fuzzService is a conversation service on its own database, shared by
// every input of one fuzz target. Each input uses its own chat, or its own
// report, so inputs do not depend on each other more than they must.
type fuzzService struct {
	ctx context.Context
	db  *store.DB
	svc *flows.Service
	seq atomic.Int64
}

func newFuzzService(f *testing.F) *fuzzService {
	s := &fuzzService{ctx: context.Background(), db: pg.NewDB(f)}
	cfg := flows.DefaultConfig()
	// The clock stands still, so the flood limit would soon refuse every
	// message of a chat that inputs share (the reporter's, officers').
	cfg.FloodPerMinute = 0
	s.svc = flows.New(s.db, cfg, calendar.Default(), region.Default(), func() time.Time { return monday }, nil)
	return s
}

// post stores one inbound message and handles everything that is ready.
// An error from the service is a failure of the input: handling a message
// must not fail, whatever it says (a panic comes back as an error too).
func (s *fuzzService) post(t testing.TB, chat string, m flows.Inbound) {
	t.Helper()
	m.Channel, m.ChatID, m.At = "test", chat, monday
	if m.UserID == "" {
		m.UserID, m.UserName, m.Username = chat, "Siti Aminah", "siti"
	}
	payload, err := json.Marshal(m)
	if err != nil {
		t.Fatal(err)
	}
	if bytes.Contains(payload, []byte(`\u0000`)) {
		// PostgreSQL's jsonb cannot hold U+0000, so the inbox refuses
		// such a message before flows sees it: the channels' fuzz
		// targets cover that.
		t.Skip("U+0000 does not reach flows")
	}
	if _, err := s.db.StoreInbound(s.ctx, []store.Inbound{{Channel: "test", ExternalID: fmt.Sprint("fuzz-", s.seq.Add(1)),
		ChatID: chat, IsGroup: m.IsGroup, Payload: payload, ReceivedAt: monday}}); err != nil {
		t.Fatalf("inbox refused %+v: %v", m, err)
	}
	for {
		err := s.svc.HandleNext(s.ctx, flows.FetchFunc(func(ctx context.Context, in flows.Inbound) (flows.Fetched, error) {
			return flows.FetchedBytes([]byte(in.File.ID)), nil // the file's bytes are its id
		}))
		if errors.Is(err, flows.ErrIdle) {
			return
		}
		if err != nil {
			t.Fatalf("handling %+v failed: %v", m, err)
		}
	}
}

// drain empties the outbox and returns what each chat was sent.
func (s *fuzzService) drain(t testing.TB) map[string][]flows.Outbound {
	t.Helper()
	out := map[string][]flows.Outbound{}
	for {
		rows, err := s.db.ClaimOutgoing(s.ctx, "test", monday, 0, 1000)
		if err != nil {
			t.Fatal(err)
		}
		if len(rows) == 0 {
			return out
		}
		for _, r := range rows {
			var o flows.Outbound
			if err := json.Unmarshal(r.Payload, &o); err != nil {
				t.Fatal(err)
			}
			out[r.ChatID] = append(out[r.ChatID], o)
			if err := s.db.MarkSent(s.ctx, r.ID, monday); err != nil {
				t.Fatal(err)
			}
		}
	}
}

// report files a report of the chat (as the reporter identity) directly in
// a stage, with the event of its submission as every report has.
func (s *fuzzService) report(t testing.TB, st flows.Stage, chat string, who identity, anonymous bool) store.Report {
	t.Helper()
	r := store.Report{TrackingID: flows.NewTrackingID("MGT"), Type: "pengaduan",
		Description:   "Jalan rusak parah di depan pasar sejak Oktober, banyak pengendara jatuh.",
		KecamatanCode: "35.20.06", Anonymous: anonymous, Confidential: true, Channel: "test", ChatID: chat,
		ReporterUserID: chat, ReporterName: who.name, ReporterUsername: who.handle, Lang: "id",
		Stage: string(st), ResponsibleUnit: "x", StageStartedAt: monday, StageDeadline: monday.AddDate(0, 0, 5), SubmittedAt: monday}
	if err := s.db.InTx(s.ctx, func(tx *store.Tx) error {
		// Tens of thousands of runs make tens of thousands of reports in
		// one database: a random tracking number is then taken now and
		// then, and drawn again, as the service does.
		err := tx.CreateReport(s.ctx, &r)
		for try := 0; errors.Is(err, store.ErrConflict) && try < 5; try++ {
			r.TrackingID = flows.NewTrackingID("MGT")
			err = tx.CreateReport(s.ctx, &r)
		}
		if err != nil {
			return err
		}
		if err := tx.AppendEvent(s.ctx, store.Event{ReportID: r.ID, At: monday, Kind: "submitted", StageTo: "submitted",
			ActorRole: "citizen", Channel: "test", Deadline: r.StageDeadline}); err != nil {
			return err
		}
		if st == flows.StageWaitingCitizen {
			r.ResumeStage, r.PausedDays = string(flows.StageSubmitted), 2
		}
		if st == flows.StageAtAgency || st == flows.StageAnswerReview || st == flows.StageAnswered {
			r.AgencyCode = "pupr"
		}
		return tx.UpdateReport(s.ctx, &r)
	}); err != nil {
		t.Fatal(err)
	}
	return r
}

// conversation puts a chat at a step with a draft, and the choices of a
// numbered menu.
func (s *fuzzService) conversation(t testing.TB, chat string, step flows.Step, draft any, menu []string) {
	t.Helper()
	d, err := json.Marshal(draft)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.db.InTx(s.ctx, func(tx *store.Tx) error {
		if err := tx.SaveConversation(s.ctx, store.Conversation{Channel: "test", ChatID: chat, UserID: chat, Lang: "id",
			Step: string(step), Draft: d, UpdatedAt: monday}); err != nil {
			return err
		}
		return tx.SetMenu(s.ctx, "test", chat, menu, monday)
	}); err != nil {
		t.Fatal(err)
	}
}

func (s *fuzzService) load(t testing.TB, chat string) (store.Conversation, draftView) {
	t.Helper()
	var c store.Conversation
	if err := s.db.InTx(s.ctx, func(tx *store.Tx) (err error) {
		c, err = tx.LoadConversation(s.ctx, "test", chat)
		return err
	}); err != nil {
		t.Fatal(err)
	}
	var d draftView
	if err := json.Unmarshal(c.Draft, &d); err != nil {
		t.Fatalf("draft %s does not decode: %v", c.Draft, err)
	}
	return c, d
}

// draftView is the stored draft as the tests read it (its JSON is flows').
type draftView struct {
	Type        string   `json:"type"`
	Description []string `json:"description"`
	OccurredOn  string   `json:"occurred_on"`
	WhenUnknown bool     `json:"when_unknown"`
	WhenSet     bool     `json:"when_set"`
	Kecamatan   string   `json:"kecamatan"`
}

var fullDraft = map[string]any{"type": "pengaduan", "when_set": true, "occurred_on": "2026-11-29", "kecamatan": "35.20.09",
	"address":     "Jl. Raya Sidomukti No. 5, Plaosan",
	"description": []string{"Jalan desa di depan balai desa Sidomukti berlubang besar sejak Oktober, sudah dua motor jatuh."}}

var numericDay = regexp.MustCompile(`^(\d{1,2})/(\d{1,2})/(\d{4})$`)

// FuzzWhen feeds the answer to "when did it happen?" (parseWhen, through
// the conversation): the step is repeated with a reason, or the draft
// holds a real day between 1945 and today, or "unknown". An unambiguous
// DD/MM/YYYY of a real past day is always taken as that day; one in the
// future never is.
func FuzzWhen(f *testing.F) {
	for _, s := range []string{"25/11/2026", "25-11-26", "2026-11-25", "25 November 2026", "25 nov. 2026", "1 Agustus 2026", "kemarin",
		"Kemarin.", "hari ini", "  HARI   INI ", "tidak ingat", "don't remember", "31/02/2026", "29/02/2024", "29/02/2026", "1/12/2026",
		"30/11/2026", "17/08/1945", "16/08/1944", "00/00/0000", "2026-1-5", "5 mei 2026", "5 Mey 2026", "99/99/99", "besok", "",
		"\u200b25/11/2026", "25/11/2026\x00", "٢٥/١١/٢٠٢٦", "25/11/20261"} {
		f.Add(s)
	}
	s := newFuzzService(f)
	today := calendar.DateOf(monday)
	draft := map[string]any{"type": "pengaduan", "description": fullDraft["description"]}
	f.Fuzz(func(t *testing.T, text string) {
		chat := fmt.Sprint("when-", s.seq.Add(1))
		s.conversation(t, chat, flows.StepWhen, draft, nil)
		s.post(t, chat, flows.Inbound{Kind: flows.KindText, Text: text})
		if len(s.drain(t)[chat]) == 0 {
			t.Fatalf("no reply to %q", text)
		}
		c, d := s.load(t, chat)
		var taken *calendar.Date
		switch flows.Step(c.Step) {
		case flows.StepWhen: // refused, asked again
		case flows.StepWhere:
			if !d.WhenSet {
				t.Fatalf("%q: moved on without a date", text)
			}
			if d.WhenUnknown {
				if d.OccurredOn != "" {
					t.Fatalf("%q: unknown, yet on %s", text, d.OccurredOn)
				}
				break
			}
			day, err := calendar.ParseDate(d.OccurredOn)
			if err != nil || day.Year < 1945 || day.After(today) {
				t.Fatalf("%q taken as %q", text, d.OccurredOn)
			}
			taken = &day
		default:
			t.Fatalf("%q moved the conversation to step %q", text, c.Step)
		}
		if g := numericDay.FindStringSubmatch(strings.TrimSpace(text)); g != nil {
			dd, _ := strconv.Atoi(g[1])
			m, _ := strconv.Atoi(g[2])
			y, _ := strconv.Atoi(g[3])
			want := calendar.Date{Year: y, Month: time.Month(m), Day: dd}
			real := m >= 1 && m <= 12 && dd >= 1 && calendar.DateOf(want.Start()) == want
			switch {
			case real && want.Year >= 1945 && !want.After(today) && (taken == nil || *taken != want):
				t.Fatalf("%q taken as %v, want %v", text, taken, want)
			case (!real || want.After(today) || want.Year < 1945) && taken != nil:
				t.Fatalf("%q taken as %v", text, *taken)
			}
		}
	})
}

// citizenSteps are the steps a citizen's chat can be at.
var citizenSteps = []flows.Step{flows.StepIdle, flows.StepStatusAsk, flows.StepType, flows.StepWhat, flows.StepWhen, flows.StepWhere,
	flows.StepKecamatan, flows.StepEvidence, flows.StepAnonymous, flows.StepConfidential, flows.StepSummary, flows.StepEdit,
	flows.StepRejectReason, flows.StepRatingComment, flows.StepFirstConfirm}

// citizenStages are the stages the citizen's own report is in.
var citizenStages = []flows.Stage{flows.StageAnswered, flows.StageWaitingCitizen, flows.StageClosed, flows.StageSubmitted}

// FuzzCitizenMessage sends anything a citizen can send (text, a command, a
// forged button, a pin, a file, with or without numbered menus) at any
// step of the intake: the service answers it without an internal error,
// and leaves the chat at a step it knows with a draft it can read.
func FuzzCitizenMessage(f *testing.F) {
	type seed struct {
		step, kind uint8
		text       string
	}
	for _, sd := range []seed{{0, 1, "start"}, {0, 2, "menu:new"}, {2, 2, "type:pengaduan"}, {2, 0, "2"}, {3, 0, "Jalan rusak"},
		{3, 2, "what:next"}, {4, 0, "kemarin"}, {5, 0, "Jl. Raya Sidomukti No. 5, Plaosan"}, {5, 3, "-7.65,111.33"}, {6, 0, "Plaosan"},
		{6, 2, "kec:99.99.99"}, {7, 4, "\xff\xd8\xff\xe0 fake jpeg"}, {7, 4, "MZ\x90\x00 program"}, {8, 0, "ya"}, {9, 2, "conf:skip"},
		{10, 2, "sum:send"}, {11, 2, "edit:when"}, {1, 0, "MGT-AAAAAA"}, {0, 1, "status MGT-7K3QFA"}, {0, 1, "bahasa en"},
		{0, 1, "verifikasi MGT-7K3QFA"}, {10, 0, "1"}, {3, 0, strings.Repeat("panjang ", 3000)}, {0, 2, "c|accept|{id}|{v}"},
		{0, 10, "c|reject|{id}|{v}"}, {0, 18, "rate|{id}|5"}, {0, 17, "status {id}"}, {0, 8, "Nomor rumah saya 12."}, {12, 0, "Belum selesai."}, {13, 0, "Terima kasih"}, {0, 5, "sticker"}, {3, 6, "koreksi"},
		{0, 0, "\u202e\u200b"}, {6, 0, "kec 18"}} {
		f.Add(sd.step, sd.kind, sd.text, sd.kind%2 == 0)
	}
	s := newFuzzService(f)
	if err := s.svc.Seed(s.ctx); err != nil {
		f.Fatal(err)
	}
	menu := []string{"menu:new", "menu:status", "menu:help", "type:pengaduan", "when:today", "kec:35.20.09", "ev:done",
		"anon:no", "conf:yes", "sum:send", "sum:edit", "edit:privacy"}
	f.Fuzz(func(t *testing.T, step, kind uint8, text string, numbered bool) {
		chat := fmt.Sprint("citizen-", s.seq.Add(1))
		// The chat has filed a report; "{id}" and "{v}" in the input stand
		// for its tracking number and version.
		st := citizenStages[int(kind>>3)%len(citizenStages)]
		at := citizenSteps[int(step)%len(citizenSteps)]
		draft := fullDraft
		switch at {
		case flows.StepRejectReason:
			st = flows.StageAnswered
			draft = map[string]any{"pending": ""}
		case flows.StepRatingComment:
			st = flows.StageClosed
			draft = map[string]any{"pending": ""}
		}
		r := s.report(t, st, chat, identity{chat, "Siti Aminah", "siti"}, false)
		if _, ok := draft["pending"]; ok {
			draft["pending"] = r.TrackingID
		}
		text = strings.NewReplacer("{id}", r.TrackingID, "{v}", fmt.Sprint(r.Version)).Replace(text)
		s.conversation(t, chat, at, draft, menu)
		m := flows.Inbound{NumberedMenus: numbered}
		switch kind % 7 {
		case 0:
			m.Kind, m.Text = flows.KindText, text
		case 1:
			cmd, args, _ := strings.Cut(text, " ")
			m.Kind, m.Command, m.Text = flows.KindCommand, strings.ToLower(cmd), args
		case 2:
			m.Kind, m.Button = flows.KindButton, text
		case 3:
			var lat, lon float64
			fmt.Sscanf(text, "%g,%g", &lat, &lon)
			m.Kind, m.Location = flows.KindLocation, &flows.Location{Lat: lat, Lon: lon}
			if math.IsNaN(lat) || math.IsNaN(lon) || math.IsInf(lat, 0) || math.IsInf(lon, 0) {
				return // JSON has no such numbers: no channel can deliver them
			}
		case 4:
			m.Kind, m.Text = flows.KindPhoto, "bukti"
			m.File = &flows.FileRef{ID: text, Name: "bukti.jpg", MIME: "image/jpeg", Size: int64(len(text))}
		case 5:
			m.Kind, m.What = flows.KindUnsupported, text
		case 6:
			m.Kind, m.Text = flows.KindEdited, text
		}
		s.post(t, chat, m)
		s.drain(t)
		c, _ := s.load(t, chat)
		if !slices.Contains(citizenSteps, flows.Step(c.Step)) {
			t.Fatalf("chat left at unknown step %q", c.Step)
		}
	})
}

// FuzzDeskInput sends anything an officer (or a stranger, or the reporter)
// can send to a desk group or a private chat: forged button data (the
// w|act|ID|version|arg, p|…, dsp|…, c|… family), officers' commands with
// any arguments (/catat a|b|c|d, /libur tambah …, /ekspor …) and free
// text, about a report in any stage. "{id}" and "{v}" in the input stand
// for the report's tracking number and version, so the fuzzer can reach
// the real actions. Whatever happens, nothing fails inside, the report
// stays in a defined stage, every recorded move is one the SOP's table
// allows, and the identity of an anonymous reporter never reaches a group.
func FuzzDeskInput(f *testing.F) {
	type seed struct {
		who, stage, kind uint8
		cmd, text        string
	}
	for _, sd := range []seed{
		{0, 0, 0, "", "w|verify|{id}|{v}|"}, {0, 0, 0, "", "p|archive|{id}|{v}"}, {0, 0, 0, "", "w|archive|{id}|{v}|spam"},
		{1, 1, 0, "", "dsp|{id}|{v}"}, {1, 1, 0, "", "w|dispose|{id}|{v}|pupr"}, {2, 2, 0, "", "w|answer|{id}|{v}|"},
		{2, 2, 0, "", "w|submit|{id}|{v}|"}, {1, 3, 0, "", "w|approve|{id}|0|"}, {1, 3, 0, "", "p|revise|{id}|{v}"},
		{5, 4, 0, "", "c|accept|{id}|{v}"}, {5, 4, 0, "", "c|reject|{id}|{v}"}, {0, 0, 0, "", "w|verify|{id}|999999999999999999999|"},
		{0, 0, 0, "", "w||||"}, {0, 0, 0, "", "|"}, {0, 0, 0, "", "w|verify|{id}|-1|x|y"},
		{0, 0, 1, "verifikasi", "{id}"}, {0, 0, 1, "tunda", "{id} Nomor rumahnya berapa?"}, {1, 1, 1, "disposisi", "{id} dinkes"},
		{1, 1, 1, "kembalikan", "{id} bukan kewenangan kabupaten"}, {2, 2, 1, "tanggapi", "{id} Sudah diperbaiki."},
		{2, 2, 1, "tanggapi", "{id} selesai"}, {2, 2, 1, "bukan_wewenang", "{id} urusan provinsi"}, {1, 3, 1, "setujui", "{id}"},
		{1, 1, 1, "catat", "pengaduan | Plaosan | Jalan desa berlubang besar sejak Oktober, dua motor jatuh. | 0812"},
		{1, 1, 1, "catat", "|||"}, {0, 0, 1, "libur", "tambah 2026-12-01 Hari Jadi Magetan"}, {0, 0, 1, "libur", "hapus 2026-02-30"},
		{0, 0, 1, "ekspor", "csv 2026-11"}, {1, 0, 1, "ekspor", "xlsx 2026-11-01..2026-11-30 pupr"}, {0, 0, 1, "rekap", "2026-11"},
		{0, 0, 1, "cetak", "{id}"}, {0, 0, 1, "identitas", "{id}"}, {0, 0, 1, "laporan", "{id}"}, {0, 0, 1, "cari", "jalan"},
		{0, 0, 1, "statistik", ""}, {0, 0, 1, "antrian", ""}, {0, 0, 1, "petugas", "tambah 9100 liaison pupr"},
		{0, 0, 1, "opd", "tambah dinas-baru Dinas Baru"}, {0, 0, 1, "kode_grup", "agency pupr"}, {0, 0, 1, "lapor_id", "{id} 1234567"},
		{0, 0, 1, "sla", ""},
		// Tindak lanjut (followups.go).
		{2, 2, 0, "", "fu|first_response|{id}|{v}"}, {2, 2, 0, "", "fu|progress|{id}|{v}"}, {2, 2, 0, "", "w|first_response|{id}|{v}|"},
		{2, 2, 0, "", "w|progress|{id}|{v}|"}, {1, 2, 0, "", "fa|{id}|1"}, {1, 3, 0, "", "fr|{id}|1"}, {0, 2, 0, "", "w|fu_approve|{id}|{v}|"},
		{2, 2, 1, "respon_awal", "{id} Sedang kami cek."}, {2, 2, 1, "tindak_lanjut", "{id} Tim ke lokasi."},
		{1, 2, 1, "tindak_lanjut", "{id} teruskan"}, {1, 3, 1, "tindak_lanjut", "{id} kembalikan kurang"}, {3, 2, 1, "respon_awal", "{id} x"}, {3, 2, 2, "", "Sudah kami perbaiki kemarin."}, {4, 6, 2, "", "Nomor rumah 12."}, {6, 0, 1, "verifikasi", "{id}"},
		// More than one agency (multiagency.go).
		{1, 1, 1, "disposisi", "{id} pupr, dinkes"}, {1, 1, 1, "disposisi", "{id} pupr,pupr,,"}, {1, 2, 1, "disposisi", "{id} dinkes"},
		{1, 2, 0, "", "add|{id}|{v}"}, {1, 2, 0, "", "w|add_agency|{id}|{v}|dinkes"}, {2, 2, 0, "", "w|add_agency|{id}|{v}|dinkes"},
		{2, 2, 0, "", "w|answer_part|{id}|{v}|"}, {1, 2, 0, "", "w|approve_part|{id}|0|pupr"}, {1, 3, 1, "perbaiki", "{id} dinkes kurang foto"}, {3, 2, 1, "tanggapi", "{id} selesai"},
	} {
		f.Add(sd.who, sd.stage, sd.kind, true, sd.cmd, sd.text)
	}
	s := newFuzzService(f)
	joins, err := chainOfficers(s.ctx, s.svc)
	if err != nil {
		f.Fatal(err)
	}
	for _, j := range joins {
		s.post(f, j.group, j.in)
	}
	s.drain(f)

	reporter := identities["telegram"]
	type actor struct{ user, chat string }
	// Officers at their own desks first, then everyone everywhere.
	actors := []actor{{uSuper, gSuper}, {uRegency, gRegency}, {uPupr, gPupr}, {uDinkes, gDinkes}, {uOmbudsman, gOmbudsman},
		{reporter.chat, reporter.chat}}
	for _, u := range []string{uSuper, uRegency, uPupr, uDinkes, uOmbudsman, uStranger} {
		for _, p := range []string{gSuper, gRegency, gPupr, gDinkes, gOmbudsman, gUnknown, u} {
			actors = append(actors, actor{u, p})
		}
	}
	moves := map[[2]string]string{}
	for _, tr := range flows.Transitions() {
		moves[[2]string{tr[0], tr[1]}] = tr[2]
	}
	f.Fuzz(func(t *testing.T, who, stage, kind uint8, anonymous bool, cmd, text string) {
		r := s.report(t, flows.Stages[int(stage)%len(flows.Stages)], reporter.chat, reporter, anonymous)
		fill := strings.NewReplacer("{id}", r.TrackingID, "{v}", fmt.Sprint(r.Version))
		cmd, text = fill.Replace(cmd), fill.Replace(text)

		a := actors[int(who)%len(actors)]
		m := flows.Inbound{UserID: a.user, UserName: "Petugas " + a.user, IsGroup: strings.HasPrefix(a.chat, "-")}
		switch kind % 3 {
		case 0:
			m.Kind, m.Button = flows.KindButton, text
		case 1:
			m.Kind, m.Command, m.Text = flows.KindCommand, strings.ToLower(cmd), text
		case 2:
			m.Kind, m.Text, m.ReplyToText = flows.KindText, text, cmd
		}
		s.post(t, a.chat, m)
		out := s.drain(t)

		var events []store.Event
		if err := s.db.InTx(s.ctx, func(tx *store.Tx) (err error) {
			cur, err := tx.ReportByTrackingID(s.ctx, r.TrackingID)
			if err != nil {
				return err
			}
			if !slices.Contains(flows.Stages, flows.Stage(cur.Stage)) {
				t.Errorf("report left in undefined stage %q", cur.Stage)
			}
			events, err = tx.Events(s.ctx, r.ID)
			return err
		}); err != nil {
			t.Fatal(err)
		}
		for _, e := range events {
			switch e.Kind {
			case "identity_viewed", "submitted", "recorded":
				continue
			}
			if e.Kind == string(flows.ActLaporID) && e.StageFrom == e.StageTo {
				continue // the national number of a report outside the forward: recorded, no move
			}
			to, ok := moves[[2]string{e.StageFrom, e.Kind}]
			if !ok {
				t.Errorf("event %s from %s is not in the table", e.Kind, e.StageFrom)
			} else if to != "" && to != e.StageTo {
				t.Errorf("event %s from %s went to %s, the table says %s", e.Kind, e.StageFrom, e.StageTo, to)
			} else if to == "" && e.Kind != string(flows.ActInfo) && e.StageTo != e.StageFrom {
				t.Errorf("event %s moved the report from %s to %s; its row moves nothing", e.Kind, e.StageFrom, e.StageTo)
			}
		}
		if !anonymous {
			return
		}
		for chat, msgs := range out {
			if !strings.HasPrefix(chat, "-") {
				continue
			}
			for _, o := range msgs {
				if !strings.Contains(o.Text, r.TrackingID) || strings.Contains(o.Text, "tercatat di log audit") {
					continue
				}
				for _, secret := range []string{reporter.name, reporter.handle, reporter.chat} {
					if strings.Contains(o.Text, secret) && !strings.Contains(cmd+text, secret) {
						t.Fatalf("identity %q of an anonymous reporter sent to group %s: %q", secret, chat, o.Text)
					}
				}
			}
		}
	})
}
