package flows

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/lapor-id/lapor/flows/calendar"
	"github.com/lapor-id/lapor/flows/records"
	"github.com/lapor-id/lapor/store"
)

// courier writes messages about reports into the outbox of the handling
// transaction: cards to desks, news to citizens.
type courier struct {
	ctx      context.Context
	s        *Service
	tx       *store.Tx
	now      time.Time
	lang     Lang              // desks read the deployment's default language
	agencies map[string]string // code -> name, loaded on first use
	fresh    map[int64]bool    // cards registered in this transaction (livecard.go)
}

func (c *courier) send(channel, chat string, o Outbound) error {
	return enqueue(c.ctx, c.tx, channel, chat, o, c.now, c.s.remembersMenus(channel))
}

// toDesk sends messages to every chat registered as the desk.
func (c *courier) toDesk(kind, agencyCode string, msgs ...Outbound) error {
	desks, err := c.tx.DesksOf(c.ctx, kind, agencyCode)
	if err != nil {
		return err
	}
	if len(desks) == 0 {
		c.s.log.Warn("no group is registered for a desk; the report waits in its queue", "desk", kind, "agency", agencyCode)
	}
	for _, d := range desks {
		for _, m := range msgs {
			if err := c.send(d.Channel, d.ChatID, m); err != nil {
				return err
			}
		}
	}
	return nil
}

// view is the report as rd may see it (the one privacy table, through
// Record.For), with its evidence files.
func (c *courier) view(r *store.Report, rd Readers) (records.Record, error) {
	atts, err := c.tx.ReportAttachments(c.ctx, r.ID)
	if err != nil {
		return records.Record{}, err
	}
	return c.s.wholeRecord(c.lang, r, atts, c.agencyName).For(rd.Audience), nil
}

// card renders a report for rd, with the buttons of a desk of kind. What
// it shows is what rd may see.
func (c *courier) card(r *store.Report, rd Readers, deskKind string, extra ...string) (Outbound, error) {
	rec, err := c.view(r, rd)
	if err != nil {
		return Outbound{}, err
	}
	return c.cardOf(r, rec, deskKind, extra...), nil
}

func (c *courier) cardOf(r *store.Report, rec records.Record, deskKind string, extra ...string) Outbound {
	l := c.lang
	kec := "—"
	if rec.Kecamatan != "" {
		kec = rec.Kecamatan
	}
	var where []string
	if rec.Address != "" {
		where = append(where, rec.Address)
	}
	if rec.Lat != nil && rec.Lon != nil {
		where = append(where, T(l, "pin", *rec.Lat, *rec.Lon))
	}
	if len(where) == 0 {
		where = append(where, "—")
	}
	when := T(l, "unknown.date")
	if !rec.OccurredOn.IsZero() {
		when = FormatDate(l, rec.OccurredOn)
	}
	files := T(l, "none")
	if len(rec.Attachments) > 0 {
		files = T(l, "files", len(rec.Attachments))
	}
	deadline := "—"
	if !rec.StageDeadline.IsZero() {
		deadline = FormatDate(l, rec.StageDeadline.In(calendar.Local()))
	}
	text := T(l, "card", rec.TrackingID, T(l, "type."+rec.Type), stageName(l, Stage(rec.Stage)), deadline, kec,
		strings.Join(where, "; "), when, c.who(rec), files, truncate(rec.Description, 2500))
	text = withFormLines(l, text, rec) // flows/formfields_admin.go
	for _, e := range extra {
		if e != "" {
			text += "\n\n" + e
		}
	}
	if fu := c.followupLines(r, rec, deskKind); fu != "" { // flows/followups.go
		text += "\n\n" + fu
	}
	if pl := c.partsLine(r); pl != "" { // flows/multiagency.go
		text += "\n\n" + pl
	}
	if deskKind == DeskAgency && Stage(r.Stage) == StageAtAgency {
		text += "\n\n" + T(l, "card.reply")
	}
	return Outbound{Text: text, Buttons: c.buttons(r, deskKind)}
}

// who is the card's reporter line: what the record holds of the identity.
func (c *courier) who(rec records.Record) string {
	l := c.lang
	switch {
	case rec.Anonymous:
		return T(l, "card.anon")
	case rec.Reporter == nil && rec.Channel == ChannelConventional:
		return T(l, "card.walkin")
	case rec.Reporter == nil:
		return "—"
	}
	p := rec.Reporter
	who := strings.TrimSpace(p.Name)
	if p.Username != "" {
		who = strings.TrimSpace(who + " (" + handleLabel(p.Username) + ")")
	}
	if p.Contact != "" && (p.Username == "" || p.Contact != handleLabel(p.Username)) { // WhatsApp: the contact is the number
		who = strings.TrimSpace(who + " " + p.Contact)
	}
	if who == "" {
		return "—"
	}
	return who
}

// handleLabel is a readable handle as shown in a message: a phone number
// as it is, a username after "@".
func handleLabel(handle string) string {
	if strings.HasPrefix(handle, "+") { // a phone number (Config.Handles)
		return handle
	}
	return "@" + handle
}

// readableHandle is a reporter's handle as officers read it (Config.Handles).
func (s *Service) readableHandle(channel, handle string) string {
	if f := s.cfg.Handles[channel]; f != nil && handle != "" {
		return f(handle)
	}
	return handle
}

// buttons offers exactly the actions the desk may take in the report's stage.
func (c *courier) buttons(r *store.Report, deskKind string) [][]Button {
	l := c.lang
	id, v := r.TrackingID, r.Version
	do := func(key string, act Action, arg string) Button {
		return Button{Label: T(l, key), Data: fmt.Sprintf("w|%s|%s|%d|%s", act, id, v, arg)}
	}
	ask := func(key string, act Action) Button {
		return Button{Label: T(l, key), Data: fmt.Sprintf("p|%s|%s|%d", act, id, v)}
	}
	if rows := c.ppidButtons(r, deskKind); rows != nil { // flows/ppid.go
		return rows
	}
	switch {
	case Stage(r.Stage) == StageSubmitted && deskKind == DeskSuperAdmin:
		return [][]Button{{do("b.verify", ActVerify, ""), ask("b.tunda", ActDefer)},
			{ask("b.archive", ActArchive), do("b.central", ActCentral, "")}}
	case Stage(r.Stage) == StageAtRegency && deskKind == DeskRegency:
		return [][]Button{{{Label: T(l, "b.dispose"), Data: fmt.Sprintf("dsp|%s|%d", id, v)}, ask("b.return", ActReturn)},
			{ask("b.tunda", ActDefer), ask("b.archive", ActArchive)}}
	case Stage(r.Stage) == StageAtAgency && deskKind == DeskAgency:
		return c.agencyRows(r, []Button{do("b.answer", ActAnswer, ""), ask("b.notours", ActNotOurs)}) // flows/followups.go
	case Stage(r.Stage) == StageAnswerReview && (deskKind == DeskRegency || deskKind == DeskSuperAdmin):
		return [][]Button{{do("b.approve", ActApprove, ""), ask("b.revise", ActRevise)}}
	case Stage(r.Stage) == StageToLapor && deskKind == DeskRegency:
		return [][]Button{{ask("b.laporid", ActLaporID)}}
	}
	return nil
}

// cardTo sends a report's card with its evidence (images without their
// metadata: the photos before the card, other files after it) to a desk: both as the desk's readers may see them, so an
// anonymous report's files go to an agency under neutral names, and only
// its photos. Each card is registered (livecard.go) so that it follows the
// report's state.
func (c *courier) cardTo(r *store.Report, deskKind, agencyCode string, extra ...string) error {
	rec, err := c.view(r, deskReaders(deskKind, agencyCode))
	if err != nil {
		return err
	}
	var kept []string
	for _, e := range extra {
		if e != "" {
			kept = append(kept, e)
		}
	}
	card := c.cardOf(r, rec, deskKind, kept...)
	if err := c.addDuplicates(r, deskKind, &card); err != nil { // flows/duplicates.go
		return err
	}
	state, err := c.stateLine(r)
	if err != nil {
		return err
	}
	if state != "" {
		card.Text = state + "\n\n" + card.Text
	}
	// The photos come before the card, so nobody acts on a report before
	// seeing its evidence; other files (and the line saying one is
	// withheld) follow it.
	var before, after []Outbound
	n := len(rec.Attachments)
	for i, a := range rec.Attachments {
		switch {
		case a.Withheld:
			after = append(after, Outbound{Text: T(c.lang, "card.attachment.withheld", r.TrackingID, i+1, n)})
		case isPhoto(a):
			before = append(before, Outbound{Text: T(c.lang, "card.attachment", r.TrackingID, i+1, n),
				AttachmentID: a.ID, FileName: a.Name, StripMetadata: true})
		default:
			after = append(after, Outbound{Text: T(c.lang, "card.attachment", r.TrackingID, i+1, n),
				AttachmentID: a.ID, FileName: a.Name, StripMetadata: true})
		}
	}
	before = albums(before)
	desks, err := c.tx.DesksOf(c.ctx, deskKind, agencyCode)
	if err != nil {
		return err
	}
	if len(desks) == 0 {
		c.s.log.Warn("no group is registered for a desk; the report waits in its queue", "desk", deskKind, "agency", agencyCode)
	}
	for _, d := range desks {
		m, err := c.registerCard(r, d, deskKind, agencyCode, strings.Join(kept, "\n\n"), card)
		if err != nil {
			return err
		}
		msgs := append(append(append([]Outbound{}, before...), m), after...)
		for _, o := range msgs {
			if err := c.send(d.Channel, d.ChatID, o); err != nil {
				return err
			}
		}
	}
	return nil
}

// tellCitizen sends news to the reporter's own chat, in their language. A
// walk-in complaint has no chat: the regency desk passes it on.
func (c *courier) tellCitizen(r *store.Report, key string, args ...any) error {
	return c.tellCitizenWith(r, nil, key, args...)
}

// tellCitizenWith sends news with buttons to the reporter; the reporters of
// duplicates merged into the report hear it too (flows/duplicates.go).
func (c *courier) tellCitizenWith(r *store.Report, rows [][]Button, key string, args ...any) error {
	if err := c.vouch(r, key); err != nil { // flows/notices.go
		return err
	}
	if err := c.tellReporter(r, rows, key, args...); err != nil {
		return err
	}
	return c.tellFollowers(r, key, args...)
}

// tellReporter sends news to the reporter of r alone. Its callers vouch
// for the news first (flows/notices.go).
func (c *courier) tellReporter(r *store.Report, rows [][]Button, key string, args ...any) error {
	lang := Lang(r.Lang)
	if lang != LangEN {
		lang = LangID
	}
	if r.Channel == ChannelConventional {
		// The regency desk passes it on: what it may see of the contact.
		contact := "—"
		if p := c.s.wholeRecord(c.lang, r, nil, c.agencyName).For(records.Admin).Reporter; p != nil && p.Contact != "" {
			contact = p.Contact
		}
		return c.toDesk(DeskRegency, "", Outbound{Text: T(c.lang, "card.relay", r.TrackingID, contact, T(c.lang, key, args...)),
			Buttons: rows})
	}
	return c.send(r.Channel, r.ChatID, Outbound{Text: T(lang, key, args...), Buttons: rows})
}

func (c *courier) deadline(r *store.Report) string {
	lang := Lang(r.Lang)
	if r.StageDeadline.IsZero() {
		return "—"
	}
	return FormatDate(lang, r.StageDeadline.In(calendar.Local()))
}

// replyBy is the last day a reporter can answer an officer's question
// (Tunda) before the sweep archives the report (flows/sweep.go tunda).
func (c *courier) replyBy(r *store.Report) string {
	return FormatDate(Lang(r.Lang), c.s.cal().Deadline(r.StageStartedAt, c.s.cfg.Policy.TundaExpireAfter).In(calendar.Local()))
}

func (c *courier) agencyName(code string) string {
	if c.agencies == nil {
		c.agencies = map[string]string{}
		if all, err := c.tx.Agencies(c.ctx, true); err == nil {
			for _, a := range all {
				c.agencies[a.Code] = a.Name
			}
		}
	}
	if name, ok := c.agencies[code]; ok {
		return name
	}
	return code
}

// announce does what a transition means for everyone else: the card moves
// to the desk that now holds the report, the citizen hears about it, and
// every card the desks hold shows the new state.
func (c *courier) announce(r *store.Report, act Action, arg string) error {
	if err := c.announceMove(r, act, arg); err != nil {
		return err
	}
	return c.refreshCards(r)
}

func (c *courier) announceMove(r *store.Report, act Action, arg string) error {
	if handled, err := c.announceMulti(r, act, arg); handled { // flows/multiagency.go
		return err
	}
	l := c.lang
	note := ""
	if arg != "" {
		note = T(l, "card.reason", arg)
	}
	switch act {
	case ActVerify:
		if err := c.cardTo(r, DeskRegency, ""); err != nil {
			return err
		}
		return c.tellCitizen(r, "n.verify", r.TrackingID, c.deadline(r))
	case ActReturn:
		if err := c.cardTo(r, DeskSuperAdmin, "", note); err != nil {
			return err
		}
		return c.tellCitizen(r, "n.return", r.TrackingID, c.deadline(r))
	case ActDispose:
		if err := c.cardTo(r, DeskAgency, r.AgencyCode); err != nil {
			return err
		}
		return c.tellCitizen(r, "n.dispose", r.TrackingID, c.agencyName(r.AgencyCode), c.deadline(r))
	case ActNotOurs:
		if err := c.cardTo(r, DeskRegency, "", note); err != nil {
			return err
		}
		return c.tellCitizen(r, "n.not_ours", r.TrackingID, c.deadline(r))
	case ActSubmitAnswer:
		ans, err := c.tx.AnswerFor(c.ctx, r.ID, r.Round, r.AgencyCode, c.now)
		if err != nil {
			return err
		}
		if err := c.reviewTo(r, T(l, "card.answer", c.agencyName(ans.AgencyCode), ans.Body)); err != nil {
			return err
		}
		if err := c.answerFiles(r, ans, DeskRegency); err != nil {
			return err
		}
		return c.tellCitizen(r, "n.submit", r.TrackingID, c.deadline(r), c.agencyName(ans.AgencyCode))
	case ActRevise:
		ans, err := c.tx.AnswerFor(c.ctx, r.ID, r.Round, r.AgencyCode, c.now)
		if err != nil {
			return err
		}
		ans.SubmittedAt = time.Time{}
		if err := c.tx.SaveAnswer(c.ctx, ans); err != nil {
			return err
		}
		if err := c.cardTo(r, DeskAgency, r.AgencyCode, note, T(l, "card.answer", c.agencyName(ans.AgencyCode), ans.Body)); err != nil {
			return err
		}
		return c.tellCitizen(r, "n.revise", r.TrackingID, c.deadline(r), c.agencyName(ans.AgencyCode))
	case ActApprove:
		ans, err := c.tx.AnswerFor(c.ctx, r.ID, r.Round, r.AgencyCode, c.now)
		if err != nil {
			return err
		}
		lang := Lang(r.Lang)
		rows := [][]Button{{
			{Label: T(lang, "b.accept"), Data: fmt.Sprintf("c|%s|%s|%d", ActAccept, r.TrackingID, r.Version)},
			{Label: T(lang, "b.reject"), Data: fmt.Sprintf("c|%s|%s|%d", ActReject, r.TrackingID, r.Version)},
		}}
		if err := c.tellCitizenWith(r, rows, "n.answer", r.TrackingID, c.agencyName(ans.AgencyCode), ans.Body, c.deadline(r)); err != nil {
			return err
		}
		return c.answerFiles(r, ans, "citizen")
	case ActReject:
		if err := c.cardTo(r, DeskAgency, r.AgencyCode, note); err != nil {
			return err
		}
		return c.tellCitizen(r, "n.reject", r.TrackingID, c.deadline(r), c.agencyName(r.AgencyCode))
	case ActAccept:
		lang := Lang(r.Lang)
		var row []Button
		for n := 1; n <= 5; n++ {
			row = append(row, Button{Label: strings.Repeat("⭐", 1) + fmt.Sprint(n), Data: fmt.Sprintf("rate|%s|%d", r.TrackingID, n)})
		}
		if err := c.tellFollowers(r, "n.accept", r.TrackingID); err != nil {
			return err
		}
		if r.Channel == ChannelConventional {
			return nil
		}
		return c.send(r.Channel, r.ChatID, Outbound{Text: T(lang, "n.accept", r.TrackingID), Buttons: [][]Button{row}})
	case ActDefer:
		return c.tellCitizen(r, "n.tunda", r.TrackingID, r.Question, c.replyBy(r))
	case ActInfo:
		desk, agency := stageUnit(Stage(r.Stage)), ""
		if desk == DeskAgency {
			agency = r.AgencyCode
		}
		if err := c.cardTo(r, desk, agency, T(l, "card.info", arg)); err != nil {
			return err
		}
		return c.tellCitizen(r, "n.info", r.TrackingID, c.deadline(r))
	case ActArchive:
		return c.tellCitizen(r, "n.archive", r.TrackingID, archiveReason(Lang(r.Lang), arg))
	case ActCentral:
		// No wrong door: the report is forwarded to the national LAPOR!,
		// and the regency admins get it ready to enter (flows/packet.go).
		if err := c.packetToRegency(r); err != nil {
			return err
		}
		return c.tellCitizen(r, "n.central", r.TrackingID)
	case ActExtend, ActInfoAnswer, ActInfoRefuse, ActNotInfo, ActObject, ActObjectionAnswer:
		return c.announcePPID(r, act, arg) // flows/ppid.go
	case ActLaporID:
		return c.tellCitizen(r, "n.laporid", r.TrackingID, r.LaporTrackingID, r.TrackingID)
	}
	return nil
}

// answerFiles sends an answer's attachments to a desk or to the citizen.
func (c *courier) answerFiles(r *store.Report, ans store.Answer, to string) error {
	files, err := c.tx.AnswerAttachments(c.ctx, ans.ID)
	if err != nil {
		return err
	}
	for i, f := range files {
		o := Outbound{Text: T(c.lang, "card.attachment", r.TrackingID, i+1, len(files)), AttachmentID: f.ID, FileName: f.OriginalName}
		if to == "citizen" {
			if r.Channel == ChannelConventional {
				if err := c.toDesk(DeskRegency, "", o); err != nil {
					return err
				}
				continue
			}
			if err := c.send(r.Channel, r.ChatID, o); err != nil {
				return err
			}
			continue
		}
		if err := c.toDesk(to, "", o); err != nil {
			return err
		}
	}
	return nil
}

// archiveReason turns a reason code into words (flows/glossarywords.go);
// free text stays as typed.
func archiveReason(lang Lang, arg string) string {
	if key, ok := closedReasonKeys[strings.ToLower(strings.TrimSpace(arg))]; ok {
		return T(lang, key)
	}
	return arg
}
