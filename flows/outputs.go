package flows

import (
	"bytes"
	"context"
	"errors"
	"image"
	"image/jpeg"
	_ "image/png" // thumbnails of PNG evidence
	"strings"
	"time"
	"unicode"

	"golang.org/x/image/draw"

	"github.com/lapor-id/lapor/flows/calendar"
	"github.com/lapor-id/lapor/flows/records"
	"github.com/lapor-id/lapor/store"
)

// This file turns stored reports into records.Record for one audience.
// It is the only place that decides what an export, a printout, a recap
// or open data may show: the reporter's identity only to admins and never
// of an anonymous report; confidential reports never in public outputs;
// an anonymous reporter's pin blurred in public outputs.

// deadlineStages are the stages with a deadline, in the SOP's order.
var deadlineStages = []string{string(StageSubmitted), string(StageAtRegency), string(StageAtAgency),
	string(StageAnswerReview), string(StageAnswered)}

// recordMaker builds records with names looked up once per output.
type recordMaker struct {
	s        *Service
	aud      records.Audience
	lang     Lang
	now      time.Time
	agencies map[string]string
}

func (s *Service) recordMaker(ctx context.Context, tx *store.Tx, aud records.Audience, lang Lang) (*recordMaker, error) {
	all, err := tx.Agencies(ctx, true)
	if err != nil {
		return nil, err
	}
	m := &recordMaker{s: s, aud: aud, lang: lang, now: s.now(), agencies: map[string]string{}}
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

// make builds the record of h, or reports false when the audience may not
// see the report at all.
func (m *recordMaker) make(h store.History) (records.Record, bool) {
	r := h.Report
	if m.aud == records.Public && r.Confidential {
		return records.Record{}, false
	}
	l := m.lang
	rec := records.Record{
		TrackingID: r.TrackingID, LaporID: r.LaporTrackingID, Type: r.Type, TypeName: T(l, "type."+r.Type),
		Description: r.Description, OccurredOn: r.OccurredOn, OccurredText: r.OccurredText, Address: r.Address,
		KecamatanCode: r.KecamatanCode, Anonymous: r.Anonymous, Confidential: r.Confidential, Channel: r.Channel,
		Stage: r.Stage, StageName: stageName(l, Stage(r.Stage)), Open: !Stage(r.Stage).Final(),
		AgencyCode: r.AgencyCode, SubmittedAt: r.SubmittedAt, UpdatedAt: r.UpdatedAt, StageDeadline: r.StageDeadline,
		Round: r.Round, ClosedReason: r.ClosedReason, Rating: r.Rating, RatingComment: r.RatingComment,
	}
	if r.AgencyCode != "" {
		rec.Agency = m.agencyName(r.AgencyCode)
	}
	if k, ok := m.s.regency.ByCode(r.KecamatanCode); ok {
		rec.Kecamatan = k.Name
	}
	if r.Latitude != nil && r.Longitude != nil {
		lat, lon := *r.Latitude, *r.Longitude
		if m.aud == records.Public && r.Anonymous {
			lat, lon = records.RoundLocation(lat), records.RoundLocation(lon)
		}
		rec.Lat, rec.Lon = &lat, &lon
	}
	if m.aud == records.Admin && !r.Anonymous {
		rec.Reporter = &records.Reporter{Name: r.ReporterName, Username: r.ReporterUsername, Contact: r.Contact,
			Channel: r.Channel, ChatID: r.ChatID}
	}
	if m.aud == records.Public {
		// Open data shows what happened, not who: no officers' names and
		// no free-text notes (reasons and questions may name people).
		rec.RatingComment = ""
	}
	rec.Timeline, rec.Stints = m.timeline(h)
	for _, f := range h.Files {
		if m.aud == records.Public {
			break // evidence is never public
		}
		rec.Attachments = append(rec.Attachments, records.Attachment{ID: f.ID, Name: f.OriginalName, MIME: f.MIMEType,
			Kind: f.Kind, Size: f.Size})
	}
	return rec, true
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
		if e.Kind == "identity_viewed" && m.aud != records.Admin {
			continue // an admin's audit trail, not the report's story
		}
		step := records.Step{At: e.At, Kind: e.Kind, What: eventName(l, e.Kind), Actor: m.actor(e), Desk: m.deskName(e.Desk), Note: e.Note}
		if e.StageFrom != e.StageTo {
			if e.StageFrom != "" {
				step.From = stageName(l, Stage(e.StageFrom))
			}
			step.To = stageName(l, Stage(e.StageTo))
		}
		if e.Kind == string(ActSubmitAnswer) && answers < len(h.Answers) {
			if step.Note == "" {
				step.Note = h.Answers[answers].Body
			}
			answers++
		}
		if m.aud == records.Public {
			step.Note, step.Desk = "", ""
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

// actor names who did a step: a role and an officer's name; never the
// reporter's identity.
func (m *recordMaker) actor(e store.Event) string {
	role := Role(e.ActorRole)
	name := roleName(m.lang, role)
	if role == RoleCitizen || role == RoleSystem || role == "" {
		if role == "" {
			name = roleName(m.lang, RoleSystem)
		}
		return capitalize(name)
	}
	if m.aud == records.Public {
		return capitalize(name)
	}
	// ActorID is "<user id> <name>" for officers.
	if _, officer, ok := strings.Cut(e.ActorID, " "); ok && officer != "" {
		return capitalize(name) + " (" + officer + ")"
	}
	return capitalize(name)
}

func capitalize(s string) string {
	for i, r := range s {
		return string(unicode.ToUpper(r)) + s[i+len(string(r)):]
	}
	return s
}

// errStop ends a stream early when its reader stops.
var errStop = errors.New("flows: stream stopped by its reader")

// eachRecord streams the records of f for aud inside tx.
func (s *Service) eachRecord(ctx context.Context, tx *store.Tx, f store.HistoryFilter, aud records.Audience, lang Lang,
	fn func(records.Record) error) error {
	if aud == records.Public {
		f.NoConfidential = true
	}
	m, err := s.recordMaker(ctx, tx, aud, lang)
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
func (s *Service) recordSeq(ctx context.Context, tx *store.Tx, f store.HistoryFilter, aud records.Audience, lang Lang) records.Seq {
	return func(yield func(records.Record, error) bool) {
		err := s.eachRecord(ctx, tx, f, aud, lang, func(rec records.Record) error {
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

// Records streams the records of f for aud from one snapshot of the
// database (the command line's exports).
func (s *Service) Records(ctx context.Context, f store.HistoryFilter, aud records.Audience, lang Lang) records.Seq {
	return func(yield func(records.Record, error) bool) {
		stopped := false
		err := s.db.InTx(ctx, func(tx *store.Tx) error {
			for rec, err := range s.recordSeq(ctx, tx, f, aud, lang) {
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

// record returns one report's record, with thumbnails of its images when
// thumbs is set (for printing).
func (s *Service) record(ctx context.Context, tx *store.Tx, trackingID string, aud records.Audience, lang Lang, thumbs bool) (records.Record, error) {
	var rec records.Record
	found := false
	err := s.eachRecord(ctx, tx, store.HistoryFilter{TrackingIDs: []string{trackingID}}, aud, lang, func(r records.Record) error {
		rec, found = r, true
		return nil
	})
	if err != nil {
		return rec, err
	}
	if !found {
		return rec, ErrNoReport
	}
	if thumbs && len(rec.Attachments) > 0 {
		r, err := tx.ReportByTrackingID(ctx, trackingID)
		if err != nil {
			return rec, err
		}
		files, err := tx.Attachments(ctx, r.ID)
		if err != nil {
			return rec, err
		}
		blobs := map[int64]int64{}
		for _, f := range files {
			blobs[f.ID] = f.BlobID
		}
		for i, a := range rec.Attachments {
			if blob := blobs[a.ID]; blob != 0 && strings.HasPrefix(a.MIME, "image/") {
				// One image in memory at a time, not every file of the report.
				data, err := tx.ReadBlob(ctx, blob)
				if err != nil {
					return rec, err
				}
				rec.Attachments[i].Thumb = thumbnail(data, 480)
			}
		}
	}
	return rec, nil
}

// Record is record in its own transaction (the command line's printing).
func (s *Service) Record(ctx context.Context, trackingID string, aud records.Audience, lang Lang) (records.Record, error) {
	var rec records.Record
	err := s.db.InTx(ctx, func(tx *store.Tx) error {
		var err error
		rec, err = s.record(ctx, tx, strings.ToUpper(strings.TrimSpace(trackingID)), aud, lang, true)
		return err
	})
	return rec, err
}

// thumbnail scales an image to fit size×size and encodes it as JPEG,
// which by construction carries no EXIF or GPS. nil when it cannot be
// decoded.
func thumbnail(data []byte, size int) []byte {
	src, _, err := image.Decode(bytes.NewReader(data))
	if err != nil {
		return nil
	}
	b := src.Bounds()
	w, h := b.Dx(), b.Dy()
	if w == 0 || h == 0 {
		return nil
	}
	scale := min(1, float64(size)/float64(max(w, h)))
	dst := image.NewRGBA(image.Rect(0, 0, max(1, int(float64(w)*scale)), max(1, int(float64(h)*scale))))
	draw.CatmullRom.Scale(dst, dst.Bounds(), src, b, draw.Src, nil)
	var out bytes.Buffer
	if err := jpeg.Encode(&out, dst, &jpeg.Options{Quality: 80}); err != nil {
		return nil
	}
	return out.Bytes()
}

// recap adds up the reports submitted in [from, to).
func (s *Service) recap(ctx context.Context, tx *store.Tx, from, to time.Time, period string, lang Lang) (records.Recap, error) {
	b := records.NewBuilder(records.Recap{Regency: s.regency.Name(), Unit: T(lang, "print.unit"), Period: period,
		From: from, To: to, GeneratedAt: s.now()}, deadlineStages)
	if err := s.eachRecord(ctx, tx, store.HistoryFilter{From: from, To: to}, records.Agency, lang, func(rec records.Record) error {
		b.Add(rec)
		return nil
	}); err != nil {
		return records.Recap{}, err
	}
	oldest, err := tx.OldestOpen(ctx, 10)
	if err != nil {
		return records.Recap{}, err
	}
	m, err := s.recordMaker(ctx, tx, records.Agency, lang)
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
	return b.Recap(), nil
}

// Recap is recap in its own transaction, for a calendar month in Jakarta.
func (s *Service) Recap(ctx context.Context, month time.Time, lang Lang) (records.Recap, error) {
	from, to := monthRange(month)
	var rc records.Recap
	err := s.db.InTx(ctx, func(tx *store.Tx) error {
		var err error
		rc, err = s.recap(ctx, tx, from, to, monthName(lang, from), lang)
		return err
	})
	return rc, err
}

// monthRange is the Jakarta calendar month of t.
func monthRange(t time.Time) (time.Time, time.Time) {
	t = t.In(calendar.Jakarta)
	from := time.Date(t.Year(), t.Month(), 1, 0, 0, 0, 0, calendar.Jakarta)
	return from, from.AddDate(0, 1, 0)
}

func monthName(lang Lang, t time.Time) string {
	if lang == LangEN {
		return t.Format("January 2006")
	}
	return monthsID[t.Month()-1] + " " + t.Format("2006")
}
