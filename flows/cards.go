package flows

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/lapor-id/lapor/flows/calendar"
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

// card renders a report for a desk of kind. The identity of an anonymous
// reporter is never in it, whichever desk reads it.
func (c *courier) card(r *store.Report, deskKind string, extra ...string) (Outbound, error) {
	l := c.lang
	kec := "—"
	if k, ok := c.s.regency.ByCode(r.KecamatanCode); ok {
		kec = k.Name
	}
	var where []string
	if r.Address != "" {
		where = append(where, r.Address)
	}
	if r.Latitude != nil && r.Longitude != nil {
		where = append(where, T(l, "pin", *r.Latitude, *r.Longitude))
	}
	if len(where) == 0 {
		where = append(where, "—")
	}
	when := T(l, "unknown.date")
	if !r.OccurredOn.IsZero() {
		when = FormatDate(l, r.OccurredOn)
	}
	who := T(l, "card.anon")
	if !r.Anonymous {
		who = strings.TrimSpace(r.ReporterName)
		if r.ReporterUsername != "" {
			who += " (@" + r.ReporterUsername + ")"
		}
		if r.Channel == ChannelConventional {
			who = strings.TrimSpace(r.ReporterName + " " + r.Contact)
		}
		if who == "" {
			who = "—"
		}
	}
	atts, err := c.tx.ReportAttachments(c.ctx, r.ID)
	if err != nil {
		return Outbound{}, err
	}
	files := T(l, "none")
	if len(atts) > 0 {
		files = T(l, "files", len(atts))
	}
	deadline := "—"
	if !r.StageDeadline.IsZero() {
		deadline = FormatDate(l, r.StageDeadline.In(calendar.Jakarta))
	}
	text := T(l, "card", r.TrackingID, T(l, "type."+r.Type), stageName(l, Stage(r.Stage)), deadline, kec,
		strings.Join(where, "; "), when, who, files, truncate(r.Description, 2500))
	for _, e := range extra {
		if e != "" {
			text += "\n\n" + e
		}
	}
	if deskKind == DeskAgency && Stage(r.Stage) == StageAtAgency {
		text += "\n\n" + T(l, "card.reply")
	}
	return Outbound{Text: text, Buttons: c.buttons(r, deskKind)}, nil
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
	switch {
	case Stage(r.Stage) == StageSubmitted && deskKind == DeskSuperAdmin:
		return [][]Button{{do("b.verify", ActVerify, ""), ask("b.tunda", ActDefer)},
			{ask("b.archive", ActArchive), do("b.central", ActCentral, "")}}
	case Stage(r.Stage) == StageAtRegency && deskKind == DeskRegency:
		return [][]Button{{{Label: T(l, "b.dispose"), Data: fmt.Sprintf("dsp|%s|%d", id, v)}, ask("b.return", ActReturn)},
			{ask("b.tunda", ActDefer), ask("b.archive", ActArchive)}}
	case Stage(r.Stage) == StageAtAgency && deskKind == DeskAgency:
		return [][]Button{{do("b.answer", ActAnswer, ""), ask("b.notours", ActNotOurs)}}
	case Stage(r.Stage) == StageAnswerReview && (deskKind == DeskRegency || deskKind == DeskSuperAdmin):
		return [][]Button{{do("b.approve", ActApprove, ""), ask("b.revise", ActRevise)}}
	}
	return nil
}

// cardTo sends a report's card, then its evidence (images without their
// metadata), to a desk.
func (c *courier) cardTo(r *store.Report, deskKind, agencyCode string, extra ...string) error {
	card, err := c.card(r, deskKind, extra...)
	if err != nil {
		return err
	}
	msgs := []Outbound{card}
	atts, err := c.tx.ReportAttachments(c.ctx, r.ID)
	if err != nil {
		return err
	}
	for i, a := range atts {
		if r.Anonymous && deskKind != DeskSuperAdmin && deskKind != DeskRegency && !isImage(a) {
			// Only images lose their metadata on the way (EXIF, GPS); a
			// document or a video may carry the reporter's name or place,
			// so outside the regency's own desks it is only mentioned.
			msgs = append(msgs, Outbound{Text: T(c.lang, "card.attachment.withheld", r.TrackingID, i+1, len(atts))})
			continue
		}
		msgs = append(msgs, Outbound{Text: T(c.lang, "card.attachment", r.TrackingID, i+1, len(atts)),
			AttachmentID: a.ID, StripMetadata: true})
	}
	return c.toDesk(deskKind, agencyCode, msgs...)
}

// isImage says whether an attachment is sent as an image, whose metadata
// the dispatcher removes (it also checks the bytes, and withholds an image
// it cannot clean).
func isImage(a store.Attachment) bool {
	return a.Kind == string(KindPhoto) || strings.HasPrefix(a.MIMEType, "image/")
}

// tellCitizen sends news to the reporter's own chat, in their language. A
// walk-in complaint has no chat: the regency desk passes it on.
func (c *courier) tellCitizen(r *store.Report, key string, args ...any) error {
	return c.tellCitizenWith(r, nil, key, args...)
}

func (c *courier) tellCitizenWith(r *store.Report, rows [][]Button, key string, args ...any) error {
	lang := Lang(r.Lang)
	if lang != LangEN {
		lang = LangID
	}
	if r.Channel == ChannelConventional {
		contact := r.Contact
		if contact == "" {
			contact = "—"
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
	return FormatDate(lang, r.StageDeadline.In(calendar.Jakarta))
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
// to the desk that now holds the report, and the citizen hears about it.
func (c *courier) announce(r *store.Report, act Action, arg string) error {
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
		extra := T(l, "card.answer", c.agencyName(ans.AgencyCode), ans.Body)
		if err := c.cardTo(r, DeskRegency, "", extra); err != nil {
			return err
		}
		if err := c.answerFiles(r, ans, DeskRegency); err != nil {
			return err
		}
		return c.tellCitizen(r, "n.submit", r.TrackingID, c.deadline(r))
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
		return c.tellCitizen(r, "n.revise", r.TrackingID, c.deadline(r))
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
		return c.tellCitizen(r, "n.reject", r.TrackingID, c.deadline(r))
	case ActAccept:
		lang := Lang(r.Lang)
		var row []Button
		for n := 1; n <= 5; n++ {
			row = append(row, Button{Label: strings.Repeat("⭐", 1) + fmt.Sprint(n), Data: fmt.Sprintf("rate|%s|%d", r.TrackingID, n)})
		}
		if r.Channel == ChannelConventional {
			return nil
		}
		return c.send(r.Channel, r.ChatID, Outbound{Text: T(lang, "n.accept", r.TrackingID), Buttons: [][]Button{row}})
	case ActDefer:
		return c.tellCitizen(r, "n.tunda", r.TrackingID, r.Question)
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
		return c.tellCitizen(r, "n.central", r.TrackingID)
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
		o := Outbound{Text: T(c.lang, "card.attachment", r.TrackingID, i+1, len(files)), AttachmentID: f.ID}
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

// archiveReason turns a reason code into words; free text stays as typed.
func archiveReason(lang Lang, arg string) string {
	switch strings.ToLower(strings.TrimSpace(arg)) {
	case "umum":
		return T(lang, "reason.umum")
	case "bukan":
		return T(lang, "reason.bukan")
	case "spam":
		return T(lang, "reason.spam")
	}
	return arg
}
