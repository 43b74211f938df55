package flows

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/lapor-id/lapor/flows/calendar"
	"github.com/lapor-id/lapor/flows/records"
	"github.com/lapor-id/lapor/store"
)

// Tindak lanjut (issue 16 §1): before its final answer, an agency gives a
// first response (respon awal) and then progress updates, as lapor.go.id
// shows them. Each is a store.Followup: the liaison officer writes it like
// the answer (a draft over several messages, text and photos), sends it,
// and it reaches the citizen either after an admin approved it in the
// regency desk or at once, as the policy's followups_reviewed says. None
// of them moves the report: they are rows of the workflow table whose
// target stage is empty, recorded as events by recordStep, never by
// transition. The final answer stays ActSubmitAnswer.

// Follow-up actions.
const (
	ActFirstResponse   Action = "first_response" // Respon awal
	ActProgress        Action = "progress"       // Tindak lanjut: a progress update
	ActFollowupApprove Action = "fu_approve"     // Teruskan ke pelapor (an admin)
	ActFollowupReturn  Action = "fu_return"      // Kembalikan ke OPD (an admin, with a reason)
)

// Follow-up statuses (store.Followup.Status).
const (
	fuDraft    = "draft"
	fuPending  = "pending"
	fuSent     = "sent"
	fuReturned = "returned"
)

// followupButton is the data prefix of the buttons that start writing a
// follow-up (fu|act|ID|version); fa|ID|followup approves one and
// fr|ID|followup asks for the reason to send it back.
const followupButton = "fu"

func isFollowupAct(a Action) bool {
	return a == ActFirstResponse || a == ActProgress || a == ActFollowupApprove || a == ActFollowupReturn
}

// reviewFollowups says whether follow-ups wait for an admin (the default).
func (p Policy) reviewFollowups() bool { return p.FollowupsReviewed == nil || *p.FollowupsReviewed }

// stepEvent is the history entry of a follow-up step: the stage stays.
func stepEvent(a actor, r *store.Report, act Action, note string, now time.Time) store.Event {
	e := store.Event{ReportID: r.ID, At: now, Kind: string(act), StageFrom: r.Stage, StageTo: r.Stage,
		ActorRole: string(a.role()), ActorID: a.userID, Channel: a.channel, Note: truncate(note, 2000), Deadline: r.StageDeadline}
	if a.desk != nil {
		e.Desk = a.desk.Kind
		if a.desk.AgencyCode != "" {
			e.Desk += ":" + a.desk.AgencyCode
		}
	}
	if a.officer != nil && a.officer.Name != "" {
		e.ActorID = a.userID + " " + a.officer.Name
	}
	return e
}

// allowedStep checks a follow-up action against the workflow table, with an
// audit line for a refusal.
func (o *office) allowedStep(r *store.Report, act Action) error {
	ru, ok := findRule(Stage(r.Stage), act)
	if !ok {
		if err := o.audit(string(act), r.ID, false, "not now"); err != nil {
			return err
		}
		return refuse(o.lang, "wf.notnow", r.TrackingID, stageName(o.lang, Stage(r.Stage)))
	}
	if !ru.allowed(o.a, r) {
		if err := o.audit(string(act), r.ID, false, "not allowed"); err != nil {
			return err
		}
		return refuse(o.lang, "wf.notallowed", r.TrackingID)
	}
	return nil
}

// followupClock keeps the first-response deadline with the report's moves
// (called by transition): it starts when the report is disposed to an
// agency and ends when the report leaves the agency.
func (s *Service) followupClock(ctx context.Context, tx *store.Tx, r *store.Report, act Action, from, to Stage, now time.Time) error {
	switch {
	case act == ActDispose && to == StageAtAgency && s.cfg.Policy.FirstResponse > 0:
		return tx.SetFirstResponseDue(ctx, r.ID, now, s.cal().Deadline(now, s.cfg.Policy.FirstResponse))
	case from == StageAtAgency && to != StageAtAgency:
		return tx.SetFirstResponseDue(ctx, r.ID, time.Time{}, time.Time{})
	}
	return nil
}

// firstResponseGiven reports whether the report's agency has sent a first
// response that was not returned.
func firstResponseGiven(fs []store.Followup, agencyCode string) bool {
	for _, f := range fs {
		if f.Kind == string(ActFirstResponse) && f.AgencyCode == agencyCode && (f.Status == fuPending || f.Status == fuSent) {
			return true
		}
	}
	return false
}

// followupPress handles the follow-up buttons; false when the press is
// not one of them.
func (o *office) followupPress(parts []string) (bool, error) {
	version := func(s string) int { n, _ := strconv.Atoi(s); return n }
	switch {
	case len(parts) == 4 && parts[0] == followupButton:
		return true, o.startFollowup(Action(parts[1]), parts[2], version(parts[3]))
	case len(parts) == 5 && parts[0] == "w" && isFollowupAct(Action(parts[1])):
		if Action(parts[1]) == ActFirstResponse || Action(parts[1]) == ActProgress {
			return true, o.submitFollowup(Action(parts[1]), parts[2], version(parts[3]))
		}
		return true, refuse(o.lang, "stale.button")
	case len(parts) == 3 && (parts[0] == "fa" || parts[0] == "fr"):
		id, err := strconv.ParseInt(parts[2], 10, 64)
		if err != nil {
			return true, refuse(o.lang, "stale.button")
		}
		if parts[0] == "fa" {
			return true, o.approveFollowup(parts[1], id)
		}
		return true, o.askFollowupReturn(parts[1], id)
	}
	return false, nil
}

// startFollowup waits for the text of a first response or progress update.
func (o *office) startFollowup(act Action, id string, version int) error {
	if act != ActFirstResponse && act != ActProgress {
		return refuse(o.lang, "stale.button")
	}
	r, err := o.lockReport(id, version)
	if err != nil {
		return err
	}
	if err := o.allowedStep(&r, act); err != nil {
		return err
	}
	if act == ActFirstResponse {
		fs, err := o.tx.Followups(o.ctx, r.ID)
		if err != nil {
			return err
		}
		if firstResponseGiven(fs, o.partAgency(&r)) {
			return refuse(o.lang, "fu.first.given", r.TrackingID)
		}
	}
	if err := o.savePending(pending{Act: act, Report: r.TrackingID, Version: r.Version}); err != nil {
		return err
	}
	return o.prompt(T(o.lang, "fu.start", r.TrackingID, T(o.lang, "fu.kind."+string(act))))
}

// followupInput takes an officer's message while a follow-up step waits
// for it: a part of a follow-up, or the reason for sending one back.
func (o *office) followupInput(p pending, replied string) error {
	if replied != "" && replied != p.Report {
		return o.otherReport(p, replied)
	}
	if p.Act == ActFollowupReturn {
		return o.returnFollowup(p.Report, p.Followup, cleanText(o.msg.Text))
	}
	return o.appendFollowup(p.Act, p.Report)
}

// appendFollowup adds a message's text and file to the draft follow-up.
func (o *office) appendFollowup(act Action, id string) error {
	r, err := o.lockReport(id, 0)
	if err != nil {
		return err
	}
	if err := o.allowedStep(&r, act); err != nil {
		return err
	}
	f, err := o.tx.FollowupDraft(o.ctx, r.ID, r.Round, o.partAgency(&r), string(act), o.now)
	if err != nil {
		return err
	}
	if text := cleanText(o.msg.Text); text != "" {
		if f.Body != "" {
			f.Body += "\n\n"
		}
		f.Body += text
	}
	if o.msg.Kind.IsFile() {
		if o.file == 0 {
			return refuse(o.lang, "evidence.failed", fileLabel(o.msg))
		}
		a := &store.Attachment{Channel: o.in.Channel, ChatID: o.in.ChatID, InboxID: o.in.ID,
			Kind: string(o.msg.Kind), OriginalName: fileLabel(o.msg), MIMEType: nonEmpty(o.msg.File.MIME, defaultMIME(o.msg.Kind)),
			BlobID: o.file, CreatedAt: o.now}
		if err := o.tx.AddAttachment(o.ctx, a); err != nil {
			return err
		}
		if err := o.tx.AttachToFollowup(o.ctx, a.ID, f.ID); err != nil {
			return err
		}
	}
	f.AuthorID, f.AuthorName, f.AgencyCode, f.Round = o.msg.UserID, o.a.officer.Name, o.partAgency(&r), r.Round
	if err := o.tx.SaveFollowup(o.ctx, f); err != nil {
		return err
	}
	files, err := o.tx.FollowupAttachments(o.ctx, f.ID)
	if err != nil {
		return err
	}
	if err := o.savePending(pending{Act: act, Report: r.TrackingID, Version: r.Version}); err != nil {
		return err
	}
	submit := Button{Label: T(o.lang, "b.fu.submit."+string(act)), Data: fmt.Sprintf("w|%s|%s|%d|", act, r.TrackingID, r.Version)}
	return o.say(T(o.lang, "fu.noted", T(o.lang, "fu.kind."+string(act)), r.TrackingID, utf8.RuneCountInString(f.Body), len(files)), []Button{submit})
}

// submitFollowup sends the draft: to the regency desk for review, or
// straight to the citizen, as the policy says.
func (o *office) submitFollowup(act Action, id string, version int) error {
	r, err := o.lockReport(id, version)
	if err != nil {
		return err
	}
	if err := o.allowedStep(&r, act); err != nil {
		return err
	}
	fs, err := o.tx.Followups(o.ctx, r.ID)
	if err != nil {
		return err
	}
	if act == ActFirstResponse && firstResponseGiven(fs, o.partAgency(&r)) {
		return refuse(o.lang, "fu.first.given", r.TrackingID)
	}
	f, err := o.tx.FollowupDraft(o.ctx, r.ID, r.Round, o.partAgency(&r), string(act), o.now)
	if err != nil {
		return err
	}
	files, err := o.tx.FollowupAttachments(o.ctx, f.ID)
	if err != nil {
		return err
	}
	kind := T(o.lang, "fu.kind."+string(act))
	if strings.TrimSpace(f.Body) == "" && len(files) == 0 {
		return refuse(o.lang, "fu.empty", kind, r.TrackingID)
	}
	reviewed := o.s.cfg.Policy.reviewFollowups()
	f.Status, f.SubmittedAt, f.AgencyCode, f.Round = fuSent, o.now, o.partAgency(&r), r.Round
	if reviewed {
		f.Status = fuPending
	}
	if err := o.tx.SaveFollowup(o.ctx, f); err != nil {
		return err
	}
	if act == ActFirstResponse && o.partAgency(&r) == r.AgencyCode { // the (lead agency's) first-response clock stops
		if err := o.tx.StopFirstResponseClock(o.ctx, r.ID); err != nil {
			return err
		}
	}
	if err := o.tx.AppendEvent(o.ctx, stepEvent(o.a, &r, act, f.Body, o.now)); err != nil {
		return err
	}
	if err := o.audit(string(act), r.ID, true, f.Body); err != nil {
		return err
	}
	if err := o.savePending(pending{}); err != nil {
		return err
	}
	agencyName := o.c.agencyName(f.AgencyCode)
	if reviewed {
		rows := [][]Button{{
			{Label: T(o.lang, "b.fu.approve"), Data: fmt.Sprintf("fa|%s|%d", r.TrackingID, f.ID)},
			{Label: T(o.lang, "b.fu.return"), Data: fmt.Sprintf("fr|%s|%d", r.TrackingID, f.ID)},
		}}
		if err := o.c.toDesk(DeskRegency, "", Outbound{Text: T(o.lang, "fu.review", capitalize(kind), agencyName, r.TrackingID, f.Body), Buttons: rows}); err != nil {
			return err
		}
		if err := o.c.followupFiles(&r, files, DeskRegency); err != nil {
			return err
		}
	} else {
		if err := o.c.deliverFollowup(&r, f, files, false); err != nil {
			return err
		}
		if err := o.c.toDesk(DeskRegency, "", Outbound{Text: T(o.lang, "fu.info", capitalize(kind), agencyName, r.TrackingID, f.Body)}); err != nil {
			return err
		}
	}
	if err := o.c.refreshCards(&r); err != nil {
		return err
	}
	key := "fu.sent.citizen"
	if reviewed {
		key = "fu.sent.review"
	}
	// What the agency may do next: another update, or the final answer.
	next := append(o.c.followupRow(&r, append(fs, f)),
		Button{Label: T(o.lang, "b.answer"), Data: fmt.Sprintf("w|%s|%s|%d|", ActAnswer, r.TrackingID, r.Version)})
	return o.say(T(o.lang, key, r.TrackingID, capitalize(kind)), next)
}

// reviewedFollowup locks the report and its follow-up waiting for review,
// and checks the reviewer may decide on it.
func (o *office) reviewedFollowup(id string, fid int64, act Action) (store.Report, store.Followup, error) {
	r, err := o.lockReport(id, 0)
	if err != nil {
		return r, store.Followup{}, err
	}
	f, err := o.tx.Followup(o.ctx, r.ID, fid)
	if errors.Is(err, store.ErrNotFound) {
		return r, f, refuse(o.lang, "stale.button")
	}
	if err != nil {
		return r, f, err
	}
	if err := o.allowedStep(&r, act); err != nil {
		return r, f, err
	}
	if f.Status != fuPending {
		if err := o.audit(string(act), r.ID, false, "already "+f.Status); err != nil {
			return r, f, err
		}
		return r, f, refuse(o.lang, "fu.decided", capitalize(T(o.lang, "fu.kind."+f.Kind)), r.TrackingID, T(o.lang, "fu.status."+f.Status))
	}
	return r, f, nil
}

// approveFollowup passes a follow-up on to the citizen.
func (o *office) approveFollowup(id string, fid int64) error {
	r, f, err := o.reviewedFollowup(id, fid, ActFollowupApprove)
	if err != nil {
		return err
	}
	f.Status, f.DecidedAt, f.DecidedBy = fuSent, o.now, strings.TrimSpace(o.msg.UserID+" "+o.a.officer.Name)
	if err := o.tx.SaveFollowup(o.ctx, f); err != nil {
		return err
	}
	if err := o.tx.AppendEvent(o.ctx, stepEvent(o.a, &r, ActFollowupApprove, f.Body, o.now)); err != nil {
		return err
	}
	if err := o.audit(string(ActFollowupApprove), r.ID, true, fmt.Sprint(f.ID)); err != nil {
		return err
	}
	files, err := o.tx.FollowupAttachments(o.ctx, f.ID)
	if err != nil {
		return err
	}
	if err := o.c.deliverFollowup(&r, f, files, true); err != nil {
		return err
	}
	// The agency reads it on its card's state line: a group takes 20
	// messages a minute, so no message of its own.
	if err := o.c.refreshCards(&r); err != nil {
		return err
	}
	return o.say(T(o.lang, "wf.done", r.TrackingID, eventName(o.lang, string(ActFollowupApprove))))
}

// askFollowupReturn waits for the reason a follow-up goes back.
func (o *office) askFollowupReturn(id string, fid int64) error {
	r, f, err := o.reviewedFollowup(id, fid, ActFollowupReturn)
	if err != nil {
		return err
	}
	if err := o.savePending(pending{Act: ActFollowupReturn, Report: r.TrackingID, Version: r.Version, Followup: f.ID}); err != nil {
		return err
	}
	return o.prompt(T(o.lang, "fu.ask.return", r.TrackingID, T(o.lang, "fu.kind."+f.Kind)))
}

// returnFollowup sends a follow-up back to the agency with the reason. A
// first response sent back counts as not given: its deadline is back.
func (o *office) returnFollowup(id string, fid int64, reason string) error {
	if reason == "" {
		if err := o.audit(string(ActFollowupReturn), 0, false, "no reason"); err != nil {
			return err
		}
		return refuse(o.lang, "wf.needreason")
	}
	r, f, err := o.reviewedFollowup(id, fid, ActFollowupReturn)
	if err != nil {
		return err
	}
	f.Status, f.DecidedAt, f.DecidedBy, f.Reason = fuReturned, o.now, strings.TrimSpace(o.msg.UserID+" "+o.a.officer.Name), truncate(reason, 1000)
	if err := o.tx.SaveFollowup(o.ctx, f); err != nil {
		return err
	}
	if err := o.tx.AppendEvent(o.ctx, stepEvent(o.a, &r, ActFollowupReturn, reason, o.now)); err != nil {
		return err
	}
	if err := o.audit(string(ActFollowupReturn), r.ID, true, reason); err != nil {
		return err
	}
	if err := o.savePending(pending{}); err != nil {
		return err
	}
	fs, err := o.tx.Followups(o.ctx, r.ID)
	if err != nil {
		return err
	}
	if f.Kind == string(ActFirstResponse) && Stage(r.Stage) == StageAtAgency && !firstResponseGiven(fs, r.AgencyCode) {
		if err := o.s.restoreFirstResponseDue(o.ctx, o.tx, &r); err != nil {
			return err
		}
	}
	kind := capitalize(T(o.lang, "fu.kind."+f.Kind))
	back := Outbound{Text: T(o.lang, "fu.returned", kind, r.TrackingID, reason)}
	if Stage(r.Stage) == StageAtAgency {
		if row := o.c.followupRow(&r, fs); len(row) > 0 {
			back.Buttons = [][]Button{row}
		}
	}
	if err := o.c.toDesk(DeskAgency, f.AgencyCode, back); err != nil {
		return err
	}
	if err := o.c.refreshCards(&r); err != nil {
		return err
	}
	return o.say(T(o.lang, "wf.done", r.TrackingID, eventName(o.lang, string(ActFollowupReturn))))
}

// followupCommand handles /respon_awal and /tindak_lanjut. A liaison
// officer starts one (no text), or writes and sends one at once (text);
// an admin decides on the report's oldest follow-up waiting for review:
// "teruskan", or "kembalikan <alasan>".
func (o *office) followupCommand(cmd, args, usage string) error {
	// refused records a refusal in the audit log before saying it.
	refused := func(reportID int64, key string, a ...any) error {
		if err := o.audit("/"+cmd, reportID, false, key); err != nil {
			return err
		}
		return refuse(o.lang, key, a...)
	}
	if o.a.desk == nil {
		return refused(0, "wf.onlydesk")
	}
	id, rest := splitFirst(args)
	if id == "" {
		return refused(0, "wf.usage", usage)
	}
	act := ActProgress
	if cmd == "respon_awal" {
		act = ActFirstResponse
	}
	if Role(o.a.officer.Role) == RoleLiaison {
		if rest == "" {
			return o.startFollowup(act, id, 0)
		}
		o.msg.Text = rest
		if err := o.appendFollowup(act, id); err != nil {
			return err
		}
		return o.submitFollowup(act, id, 0)
	}
	verb, reason := splitFirst(rest)
	verb = strings.ToLower(verb)
	if verb != "teruskan" && verb != "setujui" && verb != "kembalikan" {
		return refused(0, "wf.usage", usage)
	}
	r, err := o.lockReport(id, 0)
	if err != nil {
		return err
	}
	fs, err := o.tx.Followups(o.ctx, r.ID)
	if err != nil {
		return err
	}
	var fid int64
	for _, f := range fs {
		if f.Status == fuPending {
			fid = f.ID
			break
		}
	}
	if fid == 0 {
		return refused(r.ID, "fu.none.pending", r.TrackingID)
	}
	if verb == "kembalikan" {
		return o.returnFollowup(r.TrackingID, fid, reason)
	}
	return o.approveFollowup(r.TrackingID, fid)
}

// deliverFollowup tells the citizen a follow-up step that reached them,
// with its files. Each key names the event it tells of (flows/notices.go):
// the step itself when it goes straight to the citizen, the admin's
// approval when it was reviewed.
func (c *courier) deliverFollowup(r *store.Report, f store.Followup, files []store.Attachment, approved bool) error {
	args := []any{r.TrackingID, c.agencyName(f.AgencyCode), f.Body}
	var err error
	switch {
	case f.Kind == string(ActFirstResponse) && approved:
		err = c.tellCitizen(r, "n.fu.first_response.passed", args...)
	case f.Kind == string(ActFirstResponse):
		err = c.tellCitizen(r, "n.fu.first_response", args...)
	case approved:
		err = c.tellCitizen(r, "n.fu.progress.passed", args...)
	default:
		err = c.tellCitizen(r, "n.fu.progress", args...)
	}
	if err != nil {
		return err
	}
	return c.followupFiles(r, files, "citizen")
}

func init() {
	for key, kind := range map[string]Action{"n.fu.first_response": ActFirstResponse, "n.fu.progress": ActProgress,
		"n.fu.first_response.passed": ActFollowupApprove, "n.fu.progress.passed": ActFollowupApprove} {
		if _, dup := notices[key]; dup {
			panic("flows: notice " + key + " defined twice")
		}
		notices[key] = string(kind)
	}
}

// followupFiles sends a follow-up's files to the citizen or to a desk.
func (c *courier) followupFiles(r *store.Report, files []store.Attachment, to string) error {
	for i, f := range files {
		o := Outbound{Text: T(c.lang, "card.attachment", r.TrackingID, i+1, len(files)), AttachmentID: f.ID, FileName: f.OriginalName,
			StripMetadata: true}
		switch {
		case to != "citizen":
			if err := c.toDesk(to, "", o); err != nil {
				return err
			}
		case r.Channel == ChannelConventional:
			if err := c.toDesk(DeskRegency, "", o); err != nil {
				return err
			}
		default:
			if err := c.send(r.Channel, r.ChatID, o); err != nil {
				return err
			}
		}
	}
	return nil
}

// followupRow is the agency desk's follow-up buttons for a report at the
// agency: a first response until one is given, then progress updates.
func (c *courier) followupRow(r *store.Report, fs []store.Followup) []Button {
	if Stage(r.Stage) != StageAtAgency {
		return nil
	}
	start := func(key string, act Action) Button {
		return Button{Label: T(c.lang, key), Data: fmt.Sprintf("%s|%s|%s|%d", followupButton, act, r.TrackingID, r.Version)}
	}
	var row []Button
	if !firstResponseGiven(fs, r.AgencyCode) {
		row = append(row, start("b.fu.first", ActFirstResponse))
	}
	return append(row, start("b.fu.progress", ActProgress))
}

// agencyRows are the agency desk's buttons at the agency: the follow-up
// row, then the final answer and Bukan wewenang.
func (c *courier) agencyRows(r *store.Report, final []Button) [][]Button {
	fs, err := c.tx.Followups(c.ctx, r.ID)
	if err != nil {
		c.s.log.Warn("follow-ups of a card not read", "report", r.TrackingID, "err", err)
	}
	return [][]Button{c.followupRow(r, fs), final}
}

// followupLines is what a desk card says of the follow-ups: how many
// reached the citizen or wait for review, the newest, and the
// first-response deadline while it runs. The newest one's words are a note
// of the report's history: shown only where the privacy table shows notes
// to the desk's readers (rec is the record as they see it).
func (c *courier) followupLines(r *store.Report, rec records.Record, deskKind string) string {
	if Stage(r.Stage) != StageAtAgency && Stage(r.Stage) != StageAnswerReview {
		return ""
	}
	l := c.lang
	fs, err := c.tx.Followups(c.ctx, r.ID)
	if err != nil {
		c.s.log.Warn("follow-ups of a card not read", "report", r.TrackingID, "err", err)
		return ""
	}
	var lines []string
	var sent, waiting int
	var last *store.Followup
	for i, f := range fs {
		switch f.Status {
		case fuSent:
			sent++
		case fuPending:
			waiting++
		default:
			continue
		}
		last = &fs[i]
	}
	if last != nil {
		words := "—"
		if records.Treat(deskReaders(deskKind, r.AgencyCode).Audience, rec.Flags(), records.FieldNotes) == records.Shown {
			words = truncate(strings.Join(strings.Fields(last.Body), " "), 160)
		}
		lines = append(lines, T(l, "card.fu.count", sent, waiting, T(l, "fu.kind."+last.Kind),
			FormatDate(l, last.SubmittedAt.In(calendar.Local())), words))
	}
	if Stage(r.Stage) == StageAtAgency {
		_, due, err := c.tx.FirstResponseDue(c.ctx, r.ID)
		if err != nil {
			c.s.log.Warn("first-response deadline of a card not read", "report", r.TrackingID, "err", err)
		} else if !due.IsZero() {
			lines = append(lines, T(l, "card.fu.due", FormatDate(l, due.In(calendar.Local()))))
		}
	}
	return strings.Join(lines, "\n")
}

// restoreFirstResponseDue puts the first-response deadline back, from when
// its clock started.
func (s *Service) restoreFirstResponseDue(ctx context.Context, tx *store.Tx, r *store.Report) error {
	base, _, err := tx.FirstResponseDue(ctx, r.ID)
	if err != nil || base.IsZero() || s.cfg.Policy.FirstResponse == 0 {
		return err
	}
	return tx.SetFirstResponseDue(ctx, r.ID, base, s.cal().Deadline(base, s.cfg.Policy.FirstResponse))
}

// followupStatus lists, for the reporter's /status, every first response
// and progress update that reached them, with its date and agency.
func followupStatus(t *turn, r *store.Report) (string, error) {
	fs, err := t.tx.Followups(t.ctx, r.ID)
	if err != nil {
		return "", err
	}
	if len(fs) == 0 {
		return "", nil
	}
	all, err := t.tx.Agencies(t.ctx, true)
	if err != nil {
		return "", err
	}
	names := map[string]string{}
	for _, a := range all {
		names[a.Code] = a.Name
	}
	var lines []string
	for _, f := range fs {
		if f.Status != fuSent {
			continue
		}
		if names[f.AgencyCode] == "" {
			names[f.AgencyCode] = f.AgencyCode
		}
		at := f.DecidedAt // passed on by an admin, or
		if at.IsZero() {
			at = f.SubmittedAt // sent straight to the reporter
		}
		lines = append(lines, T(t.lang, "status.fu.line", FormatDateTime(t.lang, at.In(calendar.Local())),
			capitalize(T(t.lang, "fu.kind."+f.Kind)), names[f.AgencyCode], truncate(strings.Join(strings.Fields(f.Body), " "), 300)))
	}
	if len(lines) == 0 {
		return "", nil
	}
	return T(t.lang, "status.fu.head") + "\n" + strings.Join(lines, "\n"), nil
}
