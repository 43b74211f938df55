package flows

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/lapor-id/lapor/store"
)

// A report that needs more than one agency (a road and its drainage) goes
// to each (issue 16 §2). The first agency disposed to stays the lead
// (reports.agency_code); the others are its co-agencies. Every agency
// writes its own part of the answer (one answer per report, round and
// agency) within the same at_agency limit, counted from the disposition;
// the report stays with the agencies until the last part is in, then the
// regency reviews every part at once and the citizen gets one answer that
// holds them all. A revision goes back to the agency the admin names (all
// of them when none is named); "not our authority" from any of them sends
// the whole report back to the regency, which decides again.

func init() {
	for k, v := range multiAgencyNotices {
		if _, dup := notices[k]; dup {
			panic("flows: notice " + k + " defined twice")
		}
		notices[k] = v
	}
}

// multiAgencyNotices are the citizen notifications of this file and the
// events they tell of (flows/notices.go).
var multiAgencyNotices = map[string]string{
	"ma.n.dispose":      string(ActDispose),
	"ma.n.dispose.each": string(ActDispose),
	"ma.n.add":          string(ActAddAgency),
	"ma.n.add.each":     string(ActAddAgency),
	"ma.n.submit":       string(ActSubmitAnswer),
	"ma.n.answer":       string(ActApprove),
	"ma.n.revise":       string(ActRevise),
	"ma.n.part":         string(ActApprovePart),
}

// The policy's multi_agency_answers.
const (
	multiCombined = "combined"
	multiEach     = "each"
)

// multiAgencyAnswers is the policy's multi_agency_answers, "combined" when unset.
func (p Policy) multiAgencyAnswers() string {
	if p.MultiAgencyAnswers == multiEach {
		return multiEach
	}
	return multiCombined
}

// eachPart reports whether every agency's part reaches the citizen as an
// admin passes it on, before the whole answer does.
func (p Policy) eachPart() bool { return p.MultiAgencyAnswers == multiEach }

// involved reports whether the agency takes part in r: its lead or one of
// its co-agencies.
func involved(r *store.Report, code string) bool {
	return code != "" && (r.AgencyCode == code || slices.Contains(r.CoAgencies, code))
}

// agenciesOf lists r's agencies, the lead first.
func agenciesOf(r *store.Report) []string {
	if r.AgencyCode == "" {
		return nil
	}
	return append([]string{r.AgencyCode}, r.CoAgencies...)
}

// multiAgency takes the workflow's steps that differ for a report with more
// than one agency; done says the step was taken (or refused) here, else
// transition goes on as for any report.
func (s *Service) multiAgency(ctx context.Context, tx *store.Tx, a actor, r *store.Report, act Action, arg string, now time.Time, lang Lang) (bool, error) {
	switch act {
	case ActDispose:
		r.CoAgencies = nil // a new disposition names its agencies afresh
	case ActNotOurs:
		// The whole report goes back; parts already sent wait as drafts in
		// case the regency sends it to the same agencies again.
		if len(r.CoAgencies) > 0 {
			if err := tx.ReopenAnswers(ctx, r.ID, r.Round, nil); err != nil {
				return true, err
			}
		}
		r.CoAgencies = nil
	case ActRevise:
		if len(r.CoAgencies) > 0 {
			if err := tx.ReopenAnswers(ctx, r.ID, r.Round, reviseTargets(r, arg)); err != nil {
				return true, err
			}
		}
	case ActAnswerPart:
		return true, refuse(lang, "stale.button") // recorded only through ActSubmitAnswer
	case ActApprovePart:
		return true, s.approvePart(ctx, tx, a, r, strings.TrimSpace(arg), now, lang)
	case ActAddAgency:
		code := strings.TrimSpace(arg)
		if involved(r, code) {
			return true, refuse(lang, "ma.already", r.TrackingID, code)
		}
		r.CoAgencies = append(r.CoAgencies, code)
		return true, s.sideStep(ctx, tx, a, r, act, code, now)
	case ActSubmitAnswer:
		if len(r.CoAgencies) == 0 {
			return false, nil
		}
		parts, err := s.roundParts(ctx, tx, r)
		if err != nil {
			return true, err
		}
		if len(parts.waiting()) == 0 {
			return false, nil // the last part: to the review, as for one agency
		}
		return true, s.sideStep(ctx, tx, a, r, ActAnswerPart, "", now)
	}
	return false, nil
}

// sideStep records an action that keeps the report at its stage and its
// clock running: the version moves (older buttons go stale) and the event
// is in the history.
func (s *Service) sideStep(ctx context.Context, tx *store.Tx, a actor, r *store.Report, act Action, note string, now time.Time) error {
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
	r.UpdatedAt = now
	if err := tx.UpdateReport(ctx, r); err != nil {
		return err
	}
	return tx.AppendEvent(ctx, e)
}

// approvePart passes one agency's sent part on to the citizen while the
// others still work (multi_agency_answers: each); once per sent part.
func (s *Service) approvePart(ctx context.Context, tx *store.Tx, a actor, r *store.Report, code string, now time.Time, lang Lang) error {
	if !s.cfg.Policy.eachPart() || !involved(r, code) {
		return refuse(lang, "wf.notnow", r.TrackingID, stageName(lang, Stage(r.Stage)))
	}
	part, err := tx.AnswerFor(ctx, r.ID, r.Round, code, now)
	if err != nil {
		return err
	}
	if part.SubmittedAt.IsZero() {
		return refuse(lang, "ma.part.notsent", r.TrackingID)
	}
	if passed, err := partPassed(ctx, tx, r, part); err != nil || passed {
		if err != nil {
			return err
		}
		return refuse(lang, "ma.part.passed", r.TrackingID)
	}
	return s.sideStep(ctx, tx, a, r, ActApprovePart, code, now)
}

// partPassed reports whether an agency's part, as sent, already reached
// the citizen.
func partPassed(ctx context.Context, tx *store.Tx, r *store.Report, part store.Answer) (bool, error) {
	events, err := tx.Events(ctx, r.ID)
	if err != nil {
		return false, err
	}
	for _, e := range events {
		if e.Kind == string(ActApprovePart) && e.Note == part.AgencyCode && !e.At.Before(part.SubmittedAt) {
			return true, nil
		}
	}
	return false, nil
}

// reviseTargets is whom a revision goes back to: the agency whose code
// starts the admin's reason ("dlh: the photo is missing"), else every
// agency of the report.
func reviseTargets(r *store.Report, reason string) []string {
	first, _ := splitFirst(reason)
	first = strings.ToLower(strings.TrimRight(first, ":,;."))
	if involved(r, first) {
		return []string{first}
	}
	return agenciesOf(r)
}

// parts is every agency's answer to a report's current round, the lead's
// first; an agency that has not started has an empty one.
type parts []store.Answer

func (s *Service) roundParts(ctx context.Context, tx *store.Tx, r *store.Report) (parts, error) {
	all, err := tx.RoundAnswers(ctx, r.ID, r.Round)
	if err != nil {
		return nil, err
	}
	var out parts
	for _, code := range agenciesOf(r) {
		a := store.Answer{ReportID: r.ID, Round: r.Round, AgencyCode: code}
		for _, x := range all {
			if x.AgencyCode == code {
				a = x
			}
		}
		out = append(out, a)
	}
	return out, nil
}

// waiting lists the agencies whose part is not sent yet.
func (p parts) waiting() []string {
	var out []string
	for _, a := range p {
		if a.SubmittedAt.IsZero() {
			out = append(out, a.AgencyCode)
		}
	}
	return out
}

// sent lists the parts already sent.
func (p parts) sent() []store.Answer {
	var out []store.Answer
	for _, a := range p {
		if !a.SubmittedAt.IsZero() {
			out = append(out, a)
		}
	}
	return out
}

// names joins agencies' names the way a sentence lists them: "A", "A dan
// B", "A, B dan C".
func (c *courier) names(l Lang, codes []string) string {
	var ns []string
	for _, code := range codes {
		ns = append(ns, c.agencyName(code))
	}
	switch len(ns) {
	case 0:
		return "—"
	case 1:
		return ns[0]
	}
	return strings.Join(ns[:len(ns)-1], ", ") + T(l, "ma.and") + ns[len(ns)-1]
}

// involvedNames names every agency of r, for the citizen.
func (c *courier) involvedNames(l Lang, r *store.Report) string {
	return c.names(l, agenciesOf(r))
}

// partsLine is what a card of a report with several agencies adds: who
// has sent its part and who is still working. "" for one agency.
func (c *courier) partsLine(r *store.Report) string {
	if len(r.CoAgencies) == 0 || (Stage(r.Stage) != StageAtAgency && Stage(r.Stage) != StageAnswerReview) {
		return ""
	}
	ps, err := c.s.roundParts(c.ctx, c.tx, r)
	if err != nil {
		c.s.log.Warn("the agencies' parts of a report could not be read", "report", r.TrackingID, "err", err)
		return ""
	}
	var sent []string
	for _, a := range ps.sent() {
		sent = append(sent, a.AgencyCode)
	}
	line := T(c.lang, "ma.card.agencies", c.involvedNames(c.lang, r))
	if w := ps.waiting(); len(w) > 0 {
		line += "\n" + T(c.lang, "ma.card.working", c.names(c.lang, w))
	}
	if len(sent) > 0 {
		line += "\n" + T(c.lang, "ma.card.sent", c.names(c.lang, sent))
	}
	return line
}

// combined is every sent part as one text, each under its agency's name.
func (c *courier) combined(l Lang, ps []store.Answer) string {
	var out []string
	for _, a := range ps {
		out = append(out, T(l, "ma.part", c.agencyName(a.AgencyCode), strings.TrimSpace(a.Body)))
	}
	return strings.Join(out, "\n\n")
}

// announceMulti does what a step means for everyone when the report has
// more than one agency; handled is false for a report with one.
func (c *courier) announceMulti(r *store.Report, act Action, arg string) (bool, error) {
	if len(r.CoAgencies) == 0 && act != ActAddAgency {
		return false, nil
	}
	l := c.lang
	note := ""
	if arg != "" {
		note = T(l, "card.reason", arg)
	}
	switch act {
	case ActDispose:
		for _, code := range agenciesOf(r) {
			if err := c.cardTo(r, DeskAgency, code); err != nil {
				return true, err
			}
		}
		if c.s.cfg.Policy.eachPart() {
			return true, c.tellCitizen(r, "ma.n.dispose.each", r.TrackingID, c.involvedNames(citizenLang(r), r), c.deadline(r))
		}
		return true, c.tellCitizen(r, "ma.n.dispose", r.TrackingID, c.involvedNames(citizenLang(r), r), c.deadline(r))
	case ActAddAgency:
		code := r.CoAgencies[len(r.CoAgencies)-1]
		if err := c.cardTo(r, DeskAgency, code, T(l, "ma.card.added", c.involvedNames(l, r))); err != nil {
			return true, err
		}
		if c.s.cfg.Policy.eachPart() {
			return true, c.tellCitizen(r, "ma.n.add.each", r.TrackingID, c.agencyName(code), c.involvedNames(citizenLang(r), r), c.deadline(r))
		}
		return true, c.tellCitizen(r, "ma.n.add", r.TrackingID, c.agencyName(code), c.involvedNames(citizenLang(r), r), c.deadline(r))
	case ActSubmitAnswer:
		ps, err := c.s.roundParts(c.ctx, c.tx, r)
		if err != nil {
			return true, err
		}
		if len(ps.waiting()) > 0 || Stage(r.Stage) != StageAnswerReview {
			// One part of several (recorded as answer_part): the cards
			// show who has answered; the citizen hears when all have, or
			// (each) when an admin passes the part on.
			return true, c.partToReview(r, ps)
		}
		if err := c.reviewTo(r, c.combined(l, ps.sent())+"\n\n"+T(l, "ma.review.hint")); err != nil {
			return true, err
		}
		for _, a := range ps.sent() {
			if err := c.answerFiles(r, a, DeskRegency); err != nil {
				return true, err
			}
		}
		return true, c.tellCitizen(r, "ma.n.submit", r.TrackingID, c.involvedNames(citizenLang(r), r), c.deadline(r))
	case ActApprovePart:
		part, err := c.tx.AnswerFor(c.ctx, r.ID, r.Round, arg, c.now)
		if err != nil {
			return true, err
		}
		ps, err := c.s.roundParts(c.ctx, c.tx, r)
		if err != nil {
			return true, err
		}
		lang := citizenLang(r)
		if err := c.tellCitizen(r, "ma.n.part", r.TrackingID, c.agencyName(arg), strings.TrimSpace(part.Body), c.names(lang, ps.waiting())); err != nil {
			return true, err
		}
		return true, c.answerFiles(r, part, "citizen")
	case ActRevise:
		targets := reviseTargets(r, arg)
		ps, err := c.s.roundParts(c.ctx, c.tx, r)
		if err != nil {
			return true, err
		}
		for _, a := range ps {
			if !slices.Contains(targets, a.AgencyCode) {
				continue
			}
			if err := c.cardTo(r, DeskAgency, a.AgencyCode, note, T(l, "card.answer", c.agencyName(a.AgencyCode), a.Body)); err != nil {
				return true, err
			}
		}
		return true, c.tellCitizen(r, "ma.n.revise", r.TrackingID, c.names(citizenLang(r), targets), c.deadline(r))
	case ActApprove:
		ps, err := c.s.roundParts(c.ctx, c.tx, r)
		if err != nil {
			return true, err
		}
		lang := citizenLang(r)
		rows := [][]Button{{
			{Label: T(lang, "b.accept"), Data: fmt.Sprintf("c|%s|%s|%d", ActAccept, r.TrackingID, r.Version)},
			{Label: T(lang, "b.reject"), Data: fmt.Sprintf("c|%s|%s|%d", ActReject, r.TrackingID, r.Version)},
		}}
		if err := c.tellCitizenWith(r, rows, "ma.n.answer", r.TrackingID, c.involvedNames(lang, r), c.combined(lang, ps.sent()), c.deadline(r)); err != nil {
			return true, err
		}
		for _, a := range ps.sent() {
			if err := c.answerFiles(r, a, "citizen"); err != nil {
				return true, err
			}
		}
		return true, nil
	case ActReject:
		for _, code := range agenciesOf(r) {
			if err := c.cardTo(r, DeskAgency, code, note); err != nil {
				return true, err
			}
		}
		return true, c.tellCitizen(r, "n.reject", r.TrackingID, c.deadline(r))
	}
	return false, nil
}

// eventAgency is the agency an event of this file is about: the one added
// or whose part was passed on, or the one whose desk sent its part.
func eventAgency(e store.Event) string {
	if e.Kind == string(ActAddAgency) || e.Kind == string(ActApprovePart) {
		return e.Note
	}
	return strings.TrimPrefix(e.Desk, DeskAgency+":")
}

// disposeCodes reads the agencies an admin named for a disposition: one,
// or several separated by commas ("pupr, dlh"); the first leads.
func (o *office) disposeCodes(r *store.Report, text string) (string, []string, error) {
	var codes []string
	for _, part := range strings.Split(text, ",") {
		if strings.TrimSpace(part) == "" {
			continue
		}
		code, err := o.agencyCode(part)
		if err != nil {
			return "", nil, err
		}
		if !slices.Contains(codes, code) {
			codes = append(codes, code)
		}
	}
	if len(codes) == 0 {
		return "", nil, refuse(o.lang, "wf.badagency", "")
	}
	if len(codes) > maxAgencies {
		return "", nil, refuse(o.lang, "ma.toomany", maxAgencies)
	}
	return codes[0], codes[1:], nil
}

// maxAgencies is the most agencies one report goes to.
const maxAgencies = 5

// addAgencies adds the other agencies of a disposition just made, in the
// same turn.
func (o *office) addAgencies(r *store.Report, codes []string) error {
	for _, code := range codes {
		if _, err := o.s.transition(o.ctx, o.tx, o.a, r, ActAddAgency, code, o.now, o.lang); err != nil {
			return err
		}
		if err := o.audit(string(ActAddAgency), r.ID, true, code); err != nil {
			return err
		}
	}
	return nil
}

// addAgencyRow is the button under a disposition's confirmation that adds
// another agency; none once the report has the most it may have.
func (o *office) addAgencyRow(r *store.Report, act Action) [][]Button {
	if (act != ActDispose && act != ActAddAgency) || Stage(r.Stage) != StageAtAgency || len(agenciesOf(r)) >= maxAgencies {
		return nil
	}
	return [][]Button{{{Label: T(o.lang, "ma.b.add"), Data: fmt.Sprintf("%s|%s|%d", addAgencyButton, r.TrackingID, r.Version)}}}
}

// addAgencyButton starts adding an agency: add|ID|version.
const addAgencyButton = "add"

// offerMoreAgencies suggests agencies to add to a report at the agencies,
// leaving out those already on it.
func (o *office) offerMoreAgencies(id string, version int) error {
	r, err := o.lockReport(id, version)
	if err != nil {
		return err
	}
	if ru, ok := findRule(Stage(r.Stage), ActAddAgency); !ok || !ru.allowed(o.a, &r) {
		if err := o.audit(string(ActAddAgency), r.ID, false, "not allowed"); err != nil {
			return err
		}
		return refuse(o.lang, "wf.notallowed", r.TrackingID)
	}
	rows, err := o.tx.Agencies(o.ctx, false)
	if err != nil {
		return err
	}
	var others []store.Agency
	for _, a := range rows {
		if !involved(&r, a.Code) {
			others = append(others, a)
		}
	}
	sugs, err := suggestAgencies(o.ctx, o.tx, &r, others, suggestionsShown)
	if err != nil {
		return err
	}
	var lines []string
	var buttons [][]Button
	for _, s := range sugs {
		if s.Outside {
			continue
		}
		lines = append(lines, T(o.lang, "sg.line", len(lines)+1, s.Name, reasons(o.lang, s)))
		buttons = append(buttons, []Button{{Label: truncate(s.Name, 40),
			Data: fmt.Sprintf("w|%s|%s|%d|%s", ActAddAgency, r.TrackingID, r.Version, s.Code)}})
	}
	text := T(o.lang, "ma.choose", r.TrackingID, o.c.involvedNames(o.lang, &r), r.TrackingID)
	if len(lines) > 0 {
		text += "\n\n" + T(o.lang, "sg.header") + "\n" + strings.Join(lines, "\n")
	}
	return o.say(text, buttons...)
}

// partAgency is whose part of the answer an officer writes: their desk's
// agency when it takes part in the report, else the report's lead.
func (o *office) partAgency(r *store.Report) string {
	if o.a.desk != nil && involved(r, o.a.desk.AgencyCode) {
		return o.a.desk.AgencyCode
	}
	return r.AgencyCode
}

// statusParts is the reporter's /status line of each agency's part, for a
// report with more than one agency at work.
func (c *courier) statusParts(l Lang, r *store.Report) (string, error) {
	if len(r.CoAgencies) == 0 || Stage(r.Stage) != StageAtAgency {
		return "", nil
	}
	ps, err := c.s.roundParts(c.ctx, c.tx, r)
	if err != nil {
		return "", err
	}
	lines := []string{T(l, "ma.status.head")}
	for _, a := range ps {
		key := "ma.status.working"
		if !a.SubmittedAt.IsZero() {
			key = "ma.status.sent"
		}
		lines = append(lines, T(l, key, c.agencyName(a.AgencyCode)))
	}
	return strings.Join(lines, "\n"), nil
}

// perAgency spreads the deadline sweep's reminders of a report with more
// than one agency over every agency still working on its part (each desk
// marked apart), and names them all in the escalation to the supervisor.
func (sw *sweep) perAgency(reports []store.Report, todo []dueMark) ([]dueMark, error) {
	multi := map[int64]*store.Report{}
	for i := range reports {
		if r := &reports[i]; len(r.CoAgencies) > 0 && Stage(r.Stage) == StageAtAgency {
			multi[r.ID] = r
		}
	}
	if len(multi) == 0 {
		return todo, nil
	}
	waiting := map[int64][]string{}
	var out []dueMark
	for _, t := range todo {
		r := multi[t.key.ReportID]
		if r == nil {
			out = append(out, t)
			continue
		}
		w, ok := waiting[r.ID]
		if !ok {
			ps, err := sw.s.roundParts(sw.ctx, sw.tx, r)
			if err != nil {
				return nil, err
			}
			w = ps.waiting()
			waiting[r.ID] = w
		}
		if t.escalate {
			t.item.owner = sw.c.names(sw.lang(), w)
			out = append(out, t)
			continue
		}
		for _, code := range w {
			m := t
			m.desk = deskKey{DeskAgency, code}
			if code != r.AgencyCode {
				m.key.Kind += ":" + code
			}
			out = append(out, m)
		}
	}
	return out, nil
}

// partToReview sends the regency the part just sent while others still
// work, to pass it on to the citizen now (multi_agency_answers: each).
func (c *courier) partToReview(r *store.Report, ps parts) error {
	if !c.s.cfg.Policy.eachPart() {
		return nil
	}
	var last store.Answer
	for _, a := range ps.sent() {
		if a.SubmittedAt.After(last.SubmittedAt) {
			last = a
		}
	}
	if last.AgencyCode == "" {
		return nil
	}
	l := c.lang
	// Version 0: the button stays valid while other parts come in; a
	// second press is refused (approvePart).
	row := []Button{{Label: T(l, "ma.b.approvepart"), Data: fmt.Sprintf("w|%s|%s|0|%s", ActApprovePart, r.TrackingID, last.AgencyCode)}}
	text := T(l, "ma.part.review", c.agencyName(last.AgencyCode), r.TrackingID, strings.TrimSpace(last.Body), c.names(l, ps.waiting()))
	if err := c.toDesk(DeskRegency, "", Outbound{Text: text, Buttons: [][]Button{row}}); err != nil {
		return err
	}
	return c.answerFiles(r, last, DeskRegency)
}

// doneText confirms an action to the officer who took it; an agency's part
// sent while others still work says whom the report waits for.
func (o *office) doneText(r *store.Report, act Action) string {
	if act == ActSubmitAnswer && Stage(r.Stage) == StageAtAgency && len(r.CoAgencies) > 0 {
		if ps, err := o.s.roundParts(o.ctx, o.tx, r); err == nil && len(ps.waiting()) > 0 {
			return T(o.lang, "ma.part.done", r.TrackingID, o.c.names(o.lang, ps.waiting()))
		}
	}
	return T(o.lang, "wf.done", r.TrackingID, eventName(o.lang, string(act)))
}
