package flows

import (
	"bytes"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/lapor-id/lapor/flows/calendar"
	"github.com/lapor-id/lapor/flows/hardcopy"
	"github.com/lapor-id/lapor/flows/records"
	"github.com/lapor-id/lapor/store"
)

// The Ombudsman path. At the policy's ombudsman_after working days a
// report has passed its limit: the regency admin desk gets an escalation
// file (a PDF and a card with the chronology, every missed deadline and
// the answers so far) to send to Ombudsman RI by its official channels,
// and records the sending; an Ombudsman desk, where one is registered,
// gets the report's card and may record the outcome. The citizen is told
// what happened, each time after the event is recorded, never before.
//
// Events: ombudsman_limit (the limit passed, the file was made),
// ombudsman_forwarded (an Ombudsman desk was sent the card),
// ombudsman_sent (an officer recorded sending the file, with a note),
// ombudsman_result (the Ombudsman desk recorded an outcome).
const (
	EventOmbudsmanLimit     = "ombudsman_limit"
	EventOmbudsmanForwarded = "ombudsman_forwarded"
	EventOmbudsmanSent      = "ombudsman_sent"
	EventOmbudsmanResult    = "ombudsman_result"
)

// ombudsmanButton marks the escalation file sent: omb|ID.
const ombudsmanButton = "omb"

// escalate does what the Ombudsman limit calls for on a locked report
// whose limit just passed (the sweep marked it once).
func (sw *sweep) escalateOmbudsman(cur *store.Report) error {
	p := sw.s.cfg.Policy
	l := sw.lang()
	// An Ombudsman desk, where one sits in the service, sees the report:
	// forwarded (OmbudsmanAt, which opens it to the Ombudsman audience),
	// recorded as an event, and only then told to the citizen. Without
	// one, the report only passed the limit.
	ombDesks, err := sw.tx.DesksOf(sw.ctx, DeskOmbudsman, "")
	if err != nil {
		return err
	}
	forwarded := len(ombDesks) > 0
	cur.OmbudsmanLimitAt, cur.UpdatedAt = sw.now, sw.now
	if forwarded {
		cur.OmbudsmanAt = sw.now
	}
	if err := sw.tx.UpdateReport(sw.ctx, cur); err != nil {
		return err
	}
	if err := sw.tx.AppendEvent(sw.ctx, store.Event{ReportID: cur.ID, At: sw.now, Kind: EventOmbudsmanLimit, StageFrom: cur.Stage,
		StageTo: cur.Stage, ActorRole: string(RoleSystem)}); err != nil {
		return err
	}
	if err := sw.c.refreshCards(cur); err != nil {
		return err
	}
	// The regency admin desk: the file and the card that asks for it to
	// be sent.
	if err := sw.c.escalationFile(cur); err != nil {
		return err
	}
	if forwarded {
		history, perStage, err := sw.summary(cur)
		if err != nil {
			return err
		}
		card, err := sw.c.card(cur, OmbudsmanReaders, DeskOmbudsman,
			T(l, "omb.desk.card", cur.TrackingID, p.OmbudsmanAfter, history, perStage, cur.TrackingID))
		if err != nil {
			return err
		}
		if err := sw.tx.AppendEvent(sw.ctx, store.Event{ReportID: cur.ID, At: sw.now, Kind: EventOmbudsmanForwarded,
			StageFrom: cur.Stage, StageTo: cur.Stage, ActorRole: string(RoleSystem), Desk: DeskOmbudsman}); err != nil {
			return err
		}
		if err := sw.c.toDesk(DeskOmbudsman, "", card); err != nil {
			return err
		}
	}
	if err := sw.c.tellCitizen(cur, "n.omb.limit", cur.TrackingID, p.OmbudsmanAfter); err != nil {
		return err
	}
	if forwarded {
		return sw.c.tellCitizen(cur, "n.omb.forwarded", cur.TrackingID, FormatDate(Lang(cur.Lang), sw.now.In(calendar.Local())))
	}
	return nil
}

// escalationFile sends the regency admin desk the report's file for Ombudsman
// RI, as the admins may see it: the PDF and a card with the chronology,
// the missed deadlines and the answers so far, with the button that
// records the sending.
func (c *courier) escalationFile(r *store.Report) error {
	l := c.lang
	rec, err := c.s.record(c.ctx, c.tx, r.TrackingID, AdminReaders, l, true)
	if err != nil {
		return err
	}
	var pdf bytes.Buffer
	if err := hardcopy.Report(&pdf, rec, c.s.PrintHeader(l, roleName(l, RoleSystem)), string(l)); err != nil {
		return err
	}
	text := T(l, "omb.card", r.TrackingID, c.s.cfg.Policy.OmbudsmanAfter, chronology(l, rec), missedDeadlines(l, rec, c.now),
		answersSoFar(l, rec), r.TrackingID)
	button := [][]Button{{{Label: T(l, "omb.b.sent"), Data: ombudsmanButton + "|" + r.TrackingID}}}
	desks, err := c.tx.DesksOf(c.ctx, DeskRegency, "")
	if err != nil {
		return err
	}
	if len(desks) == 0 {
		c.s.log.Warn("no group is registered for the regency admin desk; the Ombudsman file waits", "report", r.TrackingID)
	}
	for _, d := range desks {
		id, err := c.tx.AddDocument(c.ctx, store.Document{Channel: d.Channel, ChatID: d.ChatID, Kind: "document",
			Name: "ombudsman-" + r.TrackingID + ".pdf", MIME: "application/pdf", MadeBy: string(RoleSystem)}, pdf.Bytes(), c.now)
		if err != nil {
			return err
		}
		if err := c.send(d.Channel, d.ChatID, Outbound{Text: text, Buttons: button}); err != nil {
			return err
		}
		if err := c.send(d.Channel, d.ChatID, Outbound{Text: T(l, "omb.doc", r.TrackingID), DocumentID: id,
			FileName: "ombudsman-" + r.TrackingID + ".pdf"}); err != nil {
			return err
		}
	}
	return nil
}

// chronology lists a record's timeline, one line a step.
func chronology(l Lang, rec records.Record) string {
	var lines []string
	for _, s := range rec.Timeline {
		line := fmt.Sprintf("• %s — %s (%s)", FormatDate(l, s.At.In(calendar.Local())), s.What, s.Who())
		lines = append(lines, line)
	}
	if len(lines) == 0 {
		return T(l, "omb.none")
	}
	return strings.Join(lines, "\n")
}

// missedDeadlines lists the stints that did not keep their deadline:
// stage, deadline and working days spent.
func missedDeadlines(l Lang, rec records.Record, now time.Time) string {
	var lines []string
	for _, s := range rec.Stints {
		if met, ok := s.Met(now); ok && !met {
			lines = append(lines, T(l, "omb.missed", s.StageName, FormatDate(l, s.Deadline.In(calendar.Local())), s.Days))
		}
	}
	if len(lines) == 0 {
		return T(l, "omb.none")
	}
	return strings.Join(lines, "\n")
}

// answersSoFar lists the agency's answers in the timeline.
func answersSoFar(l Lang, rec records.Record) string {
	var lines []string
	for _, s := range rec.Timeline {
		if strings.Contains(s.Kind, "answer") || s.Kind == "submit" {
			if s.Note == "" {
				continue
			}
			lines = append(lines, fmt.Sprintf("• %s — %s: %s", FormatDate(l, s.At.In(calendar.Local())), s.Who(), truncate(s.Note, 500)))
		}
	}
	if len(lines) == 0 {
		return T(l, "omb.none")
	}
	return strings.Join(lines, "\n")
}

// ombudsmanEvents returns the report's Ombudsman events by kind, the
// first of each.
func ombudsmanEvents(o *office, r *store.Report) (map[string]store.Event, error) {
	events, err := o.tx.Events(o.ctx, r.ID)
	if err != nil {
		return nil, err
	}
	out := map[string]store.Event{}
	for _, e := range events {
		if strings.HasPrefix(e.Kind, "ombudsman") {
			if _, seen := out[e.Kind]; !seen {
				out[e.Kind] = e
			}
		}
	}
	return out, nil
}

// markSent is /ombudsman_kirim <ID> [note] and the button on the
// escalation card: the regency records that the file was sent to
// Ombudsman RI. Once per report; only after the limit passed.
func (o *office) markSent(args string) error {
	id, note := splitFirst(args)
	tid, ok := ParseTrackingID(id, o.s.cfg.TrackingPrefix)
	if !ok || utf8Len(note) > 500 {
		return refuse(o.lang, "wf.usage", officerCommands["ombudsman_kirim"])
	}
	if role := Role(o.a.officer.Role); role != RoleRegencyAdmin && role != RoleSuperAdmin {
		if err := o.audit(EventOmbudsmanSent, 0, false, "role "+string(role)); err != nil {
			return err
		}
		return refuse(o.lang, "wf.cmd.notallowed", "ombudsman_kirim")
	}
	r, err := o.tx.LockReport(o.ctx, tid)
	if errors.Is(err, store.ErrNotFound) {
		return refuse(o.lang, "wf.notfound", tid)
	}
	if err != nil {
		return err
	}
	ev, err := ombudsmanEvents(o, &r)
	if err != nil {
		return err
	}
	if _, due := ev[EventOmbudsmanLimit]; !due {
		if err := o.audit(EventOmbudsmanSent, r.ID, false, "limit not passed"); err != nil {
			return err
		}
		return refuse(o.lang, "omb.notdue", r.TrackingID)
	}
	if prev, done := ev[EventOmbudsmanSent]; done {
		if err := o.audit(EventOmbudsmanSent, r.ID, false, "already recorded"); err != nil {
			return err
		}
		return refuse(o.lang, "omb.sent.twice", r.TrackingID, FormatDate(o.lang, prev.At.In(calendar.Local())))
	}
	if err := o.recordEvent(&r, EventOmbudsmanSent, note); err != nil {
		return err
	}
	if err := o.audit(EventOmbudsmanSent, r.ID, true, note); err != nil {
		return err
	}
	if err := o.c.refreshCards(&r); err != nil { // the cards' state line tells of it
		return err
	}
	when := o.now.In(calendar.Local())
	if err := o.c.tellCitizen(&r, "n.omb.sent", r.TrackingID, FormatDate(Lang(r.Lang), when)); err != nil {
		return err
	}
	who := roleName(o.lang, Role(o.a.officer.Role))
	if o.a.officer.Name != "" {
		who += " (" + o.a.officer.Name + ")"
	}
	extra := ""
	if note != "" {
		extra = "\n" + T(o.lang, "omb.note", note)
	}
	return o.say(T(o.lang, "omb.sent.done", r.TrackingID, FormatDate(o.lang, when), who) + extra)
}

// ombudsmanResult is /ombudsman_hasil <ID> <text>: the Ombudsman desk
// records an outcome of a report forwarded to it; the regency admin desk
// and the citizen are told.
func (o *office) ombudsmanResult(args string) error {
	id, text := splitFirst(args)
	tid, ok := ParseTrackingID(id, o.s.cfg.TrackingPrefix)
	if !ok || text == "" || utf8Len(text) > 2000 {
		return refuse(o.lang, "wf.usage", officerCommands["ombudsman_hasil"])
	}
	if o.a.desk == nil || o.a.desk.Kind != DeskOmbudsman || Role(o.a.officer.Role) != RoleOmbudsman {
		if err := o.audit(EventOmbudsmanResult, 0, false, "not the Ombudsman desk"); err != nil {
			return err
		}
		return refuse(o.lang, "omb.result.onlydesk")
	}
	r, err := o.tx.LockReport(o.ctx, tid)
	if errors.Is(err, store.ErrNotFound) {
		return refuse(o.lang, "wf.notfound", tid)
	}
	if err != nil {
		return err
	}
	ev, err := ombudsmanEvents(o, &r)
	if err != nil {
		return err
	}
	if _, fwd := ev[EventOmbudsmanForwarded]; !fwd {
		// Unknown to this desk: the same answer as a report that does not exist.
		if err := o.audit(EventOmbudsmanResult, r.ID, false, "not forwarded to the Ombudsman desk"); err != nil {
			return err
		}
		return refuse(o.lang, "wf.notallowed", r.TrackingID)
	}
	if err := o.recordEvent(&r, EventOmbudsmanResult, text); err != nil {
		return err
	}
	if err := o.audit(EventOmbudsmanResult, r.ID, true, ""); err != nil {
		return err
	}
	if err := o.c.refreshCards(&r); err != nil {
		return err
	}
	if err := o.c.toDesk(DeskRegency, "", Outbound{Text: T(o.c.lang, "omb.result.regency", r.TrackingID, text)}); err != nil {
		return err
	}
	if err := o.c.tellCitizen(&r, "n.omb.result", r.TrackingID, text); err != nil {
		return err
	}
	return o.say(T(o.lang, "omb.result.done", r.TrackingID))
}

// recordEvent adds to r's history an event that moves no stage, taken by
// the acting officer where they act (a record, a correction, a view).
func (o *office) recordEvent(r *store.Report, kind, note string) error {
	desk := ""
	if o.a.desk != nil {
		desk = o.a.desk.Kind
	}
	return o.tx.AppendEvent(o.ctx, store.Event{ReportID: r.ID, At: o.now, Kind: kind, StageFrom: r.Stage, StageTo: r.Stage,
		ActorRole: o.a.officer.Role, ActorID: strings.TrimSpace(o.msg.UserID + " " + o.a.officer.Name),
		Desk: desk, Channel: o.in.Channel, Note: note})
}

// ombudsmanPress handles the escalation card's button: omb|ID.
func (o *office) ombudsmanPress(id string) error {
	if !slices.Contains(commandRoles["ombudsman_kirim"], Role(o.a.officer.Role)) {
		if err := o.audit(EventOmbudsmanSent, 0, false, "button, role "+o.a.officer.Role); err != nil {
			return err
		}
		return refuse(o.lang, "wf.cmd.notallowed", "ombudsman_kirim")
	}
	return o.markSent(id)
}
