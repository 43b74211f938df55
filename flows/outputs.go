package flows

import (
	"context"
	"errors"
	"slices"
	"strings"
	"time"
	"unicode"

	"github.com/lapor-id/lapor/flows/calendar"
	"github.com/lapor-id/lapor/flows/category"
	"github.com/lapor-id/lapor/flows/records"
	"github.com/lapor-id/lapor/store"
)

// This file turns stored reports into records.Record for one audience.
// A record is built whole (identity, exact place, file names, notes,
// officers) and then given to Record.For, which applies lapor's one
// privacy table (flows/records/privacy.go); Visible decides which reports
// an audience may see at all. Every output — desk cards, /laporan, exports,
// printouts, recaps, open data — goes through here.

// deadlineStages are the stages with a deadline, in the SOP's order.
var deadlineStages = func() []string {
	out := make([]string, len(ClockStages))
	for i, st := range ClockStages {
		out[i] = string(st)
	}
	return out
}()

// Readers is where an output goes, which decides what it may show: an
// audience and, for an agency's, which agency.
type Readers struct {
	Audience records.Audience
	Agency   string // the agency's code, for records.Agency
}

// Readers of each kind.
var (
	AdminReaders     = Readers{Audience: records.Admin}
	OmbudsmanReaders = Readers{Audience: records.Ombudsman}
	PublicReaders    = Readers{Audience: records.Public}
)

// AgencyReaders are an agency's desk and officers.
func AgencyReaders(code string) Readers { return Readers{Audience: records.Agency, Agency: code} }

// deskReaders are the readers of a desk: the regency's own desks read as
// admins, an agency's desk as that agency, the Ombudsman desk as the
// Ombudsman.
func deskReaders(kind, agencyCode string) Readers {
	switch kind {
	case DeskSuperAdmin, DeskRegency:
		return AdminReaders
	case DeskOmbudsman:
		return OmbudsmanReaders
	case DeskPPID, DeskPPIDSuperior:
		return PPIDReaders // flows/ppid.go
	}
	return AgencyReaders(agencyCode)
}

// sees reports whether the readers may see a report at all.
func (rd Readers) sees(r *store.Report, verified bool) bool {
	return records.Visible(rd.Audience, rd.Agency, scope(r, verified))
}

// recordMaker builds records with names looked up once per output.
type recordMaker struct {
	s        *Service
	rd       Readers
	lang     Lang
	now      time.Time
	agencies map[string]string
}

func (s *Service) recordMaker(ctx context.Context, tx *store.Tx, rd Readers, lang Lang) (*recordMaker, error) {
	all, err := tx.Agencies(ctx, true)
	if err != nil {
		return nil, err
	}
	m := &recordMaker{s: s, rd: rd, lang: lang, now: s.now(), agencies: map[string]string{}}
	for _, a := range all {
		m.agencies[a.Code] = a.Name
	}
	return m, nil
}

func (m *recordMaker) agencyName(code string) string {
	if name, ok := m.agencies[code]; ok {
		return name
	}
	return code
}

// scope is what Visible needs to know of a report.
func scope(r *store.Report, verified bool) records.Scope {
	agency := r.AgencyCode
	if onPPIDPath(r) {
		agency = ppidScope // the PPID's desks see it (flows/ppid.go)
	}
	return records.Scope{Verified: verified, Confidential: r.Confidential, AgencyCode: agency, CoAgencies: r.CoAgencies,
		Ombudsman: !r.OmbudsmanAt.IsZero()}
}

// verified reports whether the super admin verified the report.
func verified(events []store.Event) bool {
	for _, e := range events {
		if e.Kind == string(ActVerify) {
			return true
		}
	}
	return false
}

// make builds the record of h for the maker's audience, or reports false
// when the audience may not see the report at all.
func (m *recordMaker) make(h store.History) (records.Record, bool) {
	if !m.rd.sees(&h.Report, verified(h.Events)) {
		return records.Record{}, false
	}
	rec := m.s.wholeRecord(m.lang, &h.Report, h.Files, m.agencyName)
	rec.Timeline, rec.Stints = m.timeline(h)
	rec.Responses = m.responses(h.Responses) // flows/documents.go
	return rec.For(m.rd.Audience), true
}

// wholeRecord is a report with everything it holds, for Record.For to
// take away from; never an output by itself.
func (s *Service) wholeRecord(l Lang, r *store.Report, files []store.Attachment, agencyName func(string) string) records.Record {
	rec := records.Record{
		TrackingID: r.TrackingID, LaporID: r.LaporTrackingID, Type: r.Type, TypeName: T(l, "type."+r.Type),
		Title: r.Title, Category: r.Category, CategoryName: category.Label(r.Category, string(l)),
		Description: r.Description, OccurredOn: r.OccurredOn, OccurredText: r.OccurredText, Address: r.Address,
		KecamatanCode: r.KecamatanCode, Anonymous: r.Anonymous, Confidential: r.Confidential, Channel: r.Channel,
		Stage: r.Stage, StageName: stageName(l, Stage(r.Stage)), Open: !Stage(r.Stage).Final(),
		AgencyCode: r.AgencyCode, SubmittedAt: r.SubmittedAt, UpdatedAt: r.UpdatedAt, StageDeadline: r.StageDeadline,
		Round: r.Round, ClosedReason: archiveReason(l, r.ClosedReason), ChannelName: channelLabel(l, r.Channel),
		Archived: Stage(r.Stage) == StageArchived, Rating: r.Rating, RatingComment: r.RatingComment,
		Reporter: &records.Reporter{Name: r.ReporterName, Username: s.readableHandle(r.Channel, r.ReporterUsername), Contact: r.Contact,
			Channel: r.Channel, ChatID: r.ChatID},
	}
	if r.AgencyCode != "" {
		rec.Agency = agencyName(r.AgencyCode)
	}
	for _, code := range r.CoAgencies { // flows/multiagency.go
		rec.OtherAgencies = append(rec.OtherAgencies, agencyName(code))
	}
	if k, ok := s.regency.ByCode(r.KecamatanCode); ok {
		rec.Kecamatan = k.Name
		if v, ok := k.VillageIn(r.Address); ok {
			rec.Village = v.Title()
		}
	}
	if r.Latitude != nil && r.Longitude != nil {
		lat, lon := *r.Latitude, *r.Longitude
		rec.Lat, rec.Lon = &lat, &lon
	}
	for _, f := range files {
		rec.Attachments = append(rec.Attachments, records.Attachment{ID: f.ID, Name: f.OriginalName, MIME: f.MIMEType,
			Kind: f.Kind, Size: f.Size})
	}
	return rec
}

// timeline turns events into steps and stage stays.
func (m *recordMaker) timeline(h store.History) ([]records.Step, []records.Stint) {
	l := m.lang
	var steps []records.Step
	var stints []records.Stint
	answers := 0
	cal := m.s.cal()
	closeStint := func(at time.Time) {
		if n := len(stints); n > 0 && stints[n-1].Left.IsZero() {
			stints[n-1].Left = at
			stints[n-1].Days = float64(max(0, cal.WorkingDaysBetween(stints[n-1].Entered, at)))
		}
	}
	for _, e := range h.Events {
		if e.Kind == "identity_viewed" && m.rd.Audience != records.Admin {
			continue // an admin's audit trail, not the report's story
		}
		actor, officer := m.actor(e)
		step := records.Step{At: e.At, Kind: e.Kind, What: eventName(l, e.Kind), Actor: actor, Officer: officer,
			Desk: m.deskName(e.Desk), Note: eventNote(l, e.Kind, e.Note)}
		if e.StageFrom != e.StageTo {
			if e.StageFrom != "" {
				step.From = stageName(l, Stage(e.StageFrom))
			}
			step.To = stageName(l, Stage(e.StageTo))
		}
		if (e.Kind == string(ActSubmitAnswer) || e.Kind == string(ActAnswerPart)) && answers < len(h.Answers) {
			if step.Note == "" {
				step.Note = h.Answers[answers].Body
			}
			answers++
		}
		steps = append(steps, step)
		if e.StageTo == "" || (e.StageFrom == e.StageTo && e.Kind != "submitted" && e.Kind != "recorded") {
			continue
		}
		closeStint(e.At)
		days := m.s.stageDays(Stage(e.StageTo))
		if days == 0 {
			continue // no deadline while on hold, closed or archived
		}
		deadline := e.Deadline
		if deadline.IsZero() {
			deadline = cal.Deadline(e.At, days) // events older than deadlines in events
		}
		stints = append(stints, records.Stint{Stage: e.StageTo, StageName: stageName(l, Stage(e.StageTo)), Entered: e.At, Deadline: deadline})
	}
	if n := len(stints); n > 0 && stints[n-1].Left.IsZero() {
		cur := &stints[n-1]
		if cur.Stage == h.Report.Stage && !h.Report.StageDeadline.IsZero() {
			cur.Deadline = h.Report.StageDeadline // recomputed by run-time holiday changes
		}
		cur.Days = float64(max(0, cal.WorkingDaysBetween(cur.Entered, m.now)))
	}
	return steps, stints
}

// deskName names the agency an event happened at ("agency:pupr" is the
// agency's name); the other desks are already named by the actor's role.
func (m *recordMaker) deskName(desk string) string {
	if code, ok := strings.CutPrefix(desk, DeskAgency+":"); ok {
		return m.agencyName(code)
	}
	return ""
}

// actor names who did a step: a role, and an officer's name; never the
// reporter's identity.
func (m *recordMaker) actor(e store.Event) (role, officer string) {
	r := Role(e.ActorRole)
	if r == "" {
		r = RoleSystem
	}
	name := capitalize(roleName(m.lang, r))
	if r == RoleCitizen || r == RoleSystem {
		return name, ""
	}
	// ActorID is "<user id> <name>" for officers.
	_, officer, _ = strings.Cut(e.ActorID, " ")
	return name, officer
}

func capitalize(s string) string {
	for i, r := range s {
		return string(unicode.ToUpper(r)) + s[i+len(string(r)):]
	}
	return s
}

// errStop ends a stream early when its reader stops.
var errStop = errors.New("flows: stream stopped by its reader")

// eachRecord streams the records of f that rd may see, as rd may see
// them, inside tx. The filter is narrowed to what the readers may see (the
// maker checks each report again).
func (s *Service) eachRecord(ctx context.Context, tx *store.Tx, f store.HistoryFilter, rd Readers, lang Lang,
	fn func(records.Record) error) error {
	switch rd.Audience {
	case records.Public:
		f.NoConfidential, f.Verified = true, true
	case records.Ombudsman:
		f.Ombudsman = true
	case records.Agency:
		if f.AgencyCode != "" && f.AgencyCode != rd.Agency {
			return nil
		}
		f.AgencyCode = rd.Agency
		if f.AgencyCode == "" {
			return nil
		}
	}
	m, err := s.recordMaker(ctx, tx, rd, lang)
	if err != nil {
		return err
	}
	return tx.EachHistory(ctx, f, func(h store.History) error {
		rec, ok := m.make(h)
		if !ok {
			return nil
		}
		return fn(rec)
	})
}

// recordSeq is eachRecord as a sequence for the renderers.
func (s *Service) recordSeq(ctx context.Context, tx *store.Tx, f store.HistoryFilter, rd Readers, lang Lang) records.Seq {
	return func(yield func(records.Record, error) bool) {
		err := s.eachRecord(ctx, tx, f, rd, lang, func(rec records.Record) error {
			if !yield(rec, nil) {
				return errStop
			}
			return nil
		})
		if err != nil && !errors.Is(err, errStop) {
			yield(records.Record{}, err)
		}
	}
}

// Records streams the records of f for rd from one snapshot of the
// database (the command line's exports).
func (s *Service) Records(ctx context.Context, f store.HistoryFilter, rd Readers, lang Lang) records.Seq {
	return func(yield func(records.Record, error) bool) {
		stopped := false
		err := s.db.InTx(ctx, func(tx *store.Tx) error {
			for rec, err := range s.recordSeq(ctx, tx, f, rd, lang) {
				if err != nil {
					return err
				}
				if !yield(rec, nil) {
					stopped = true
					return nil
				}
			}
			return nil
		})
		if err != nil && !stopped {
			yield(records.Record{}, err)
		}
	}
}

// ErrNoReport is a tracking id with no report (or none the audience may see).
var ErrNoReport = errors.New("flows: no such report")

// record returns one report's record, with its agencies' answers and
// follow-ups and thumbnails of its images when thumbs is set (for
// printing).
func (s *Service) record(ctx context.Context, tx *store.Tx, trackingID string, rd Readers, lang Lang, thumbs bool) (records.Record, error) {
	var rec records.Record
	found := false
	err := s.eachRecord(ctx, tx, store.HistoryFilter{TrackingIDs: []string{trackingID}, Responses: thumbs}, rd, lang, func(r records.Record) error {
		rec, found = r, true
		return nil
	})
	if err != nil {
		return rec, err
	}
	if !found {
		return rec, ErrNoReport
	}
	if thumbs {
		return rec, s.thumbnails(ctx, tx, &rec) // flows/documents.go
	}
	return rec, nil
}

// Record is record in its own transaction (the command line's printing).
// Readers of the Agency audience without an agency read the report as its
// own agency does (`lapor print --agency`).
func (s *Service) Record(ctx context.Context, trackingID string, rd Readers, lang Lang) (records.Record, error) {
	var rec records.Record
	id := strings.ToUpper(strings.TrimSpace(trackingID))
	err := s.db.InTx(ctx, func(tx *store.Tx) error {
		if rd.Audience == records.Agency && rd.Agency == "" {
			r, err := tx.ReportByTrackingID(ctx, id)
			if errors.Is(err, store.ErrNotFound) {
				return ErrNoReport
			}
			if err != nil {
				return err
			}
			rd.Agency = r.AgencyCode
		}
		var err error
		rec, err = s.record(ctx, tx, id, rd, lang, true)
		return err
	})
	return rec, err
}

// recap adds up the reports submitted in [from, to).
// Its counts cover every report (statistics count confidential ones too);
// the oldest open reports it lists are those rd may see.
func (s *Service) recap(ctx context.Context, tx *store.Tx, from, to time.Time, period string, lang Lang, rd Readers) (records.Recap, error) {
	b := records.NewBuilder(records.Recap{Regency: s.regency.Name(), Unit: T(lang, "print.unit"), Period: period,
		From: from, To: to, GeneratedAt: s.now()}, deadlineStages)
	// The recap counts every report; it shows no report's content, only
	// numbers and the oldest open reports' numbers, stages and agencies.
	if err := s.eachRecord(ctx, tx, store.HistoryFilter{From: from, To: to}, AdminReaders, lang, func(rec records.Record) error {
		b.Add(rec)
		return nil
	}); err != nil {
		return records.Recap{}, err
	}
	oldest, err := tx.OldestOpen(ctx, 200)
	if err != nil {
		return records.Recap{}, err
	}
	oldest = slices.DeleteFunc(oldest, func(r store.Report) bool { return !rd.sees(&r, true) })
	oldest = oldest[:min(len(oldest), 10)]
	m, err := s.recordMaker(ctx, tx, AdminReaders, lang)
	if err != nil {
		return records.Recap{}, err
	}
	for _, r := range oldest {
		agency := "—"
		if r.AgencyCode != "" {
			agency = m.agencyName(r.AgencyCode)
		}
		b.AddOldest(records.OpenItem{TrackingID: r.TrackingID, StageName: stageName(lang, Stage(r.Stage)), Agency: agency,
			Submitted: r.SubmittedAt, Days: float64(max(0, s.cal().WorkingDaysBetween(r.SubmittedAt, s.now())))})
	}
	rc := b.Recap()
	rc.Workload, err = s.workload(ctx, tx, m.agencyName) // flows/workload.go
	return rc, err
}

// Recap is recap in its own transaction, for a calendar month in Jakarta.
func (s *Service) Recap(ctx context.Context, month time.Time, lang Lang) (records.Recap, error) {
	from, to := monthRange(month)
	var rc records.Recap
	err := s.db.InTx(ctx, func(tx *store.Tx) error {
		var err error
		rc, err = s.recap(ctx, tx, from, to, monthName(lang, from), lang, AdminReaders)
		return err
	})
	return rc, err
}

// monthRange is the Jakarta calendar month of t.
func monthRange(t time.Time) (time.Time, time.Time) {
	t = t.In(calendar.Local())
	from := time.Date(t.Year(), t.Month(), 1, 0, 0, 0, 0, calendar.Local())
	return from, from.AddDate(0, 1, 0)
}

func monthName(lang Lang, t time.Time) string {
	if lang == LangEN {
		return t.Format("January 2006")
	}
	return monthsID[t.Month()-1] + " " + t.Format("2006")
}
