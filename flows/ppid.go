package flows

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/lapor-id/lapor/flows/calendar"
	"github.com/lapor-id/lapor/flows/records"
	"github.com/lapor-id/lapor/store"
)

// The information request's path (issue 16 §4). A permintaan informasi is
// not a complaint: UU 14/2008 (KIP) and Perki 1/2021 give it to the PPID
// (Pejabat Pengelola Informasi dan Dokumentasi), who answers within 10
// working days of receipt and may extend that once by at most 7, telling
// the requester why. The answer grants the information (fully or in part)
// or refuses it, naming the exemption (pasal 17). The requester may lodge
// an objection (keberatan) with the PPID's superior (atasan PPID) within
// 30 working days of the answer, or once the PPID's deadline passed
// without one; the superior answers within 30 working days; after that the
// requester may apply to the Komisi Informasi, on their own (the bot tells
// them how long they have; it sends nothing there).
//
// A request goes to the PPID on submission, not through the super admin's
// verification: the law counts the PPID's days from receipt, and the SOP
// (065/403.113/2019) is about complaints and aspirations. Where no PPID
// desk is registered yet, a request follows the SOP chain as before, so a
// deployment without a PPID loses nothing. The PPID may pass a misfiled
// complaint to the chain (not_info).
//
// Privacy: the PPID's and its superior's desks read a report as an agency
// desk does (records.Agency): an anonymous requester's identity never
// reaches them. They see the information requests that took this path.

// infoRequestType is the report type of an information request.
const infoRequestType = "permintaan_informasi"

// ppidScope is the agency code the PPID's readers see reports under: no
// agency's code (those are slugs), so no agency desk sees them, and the
// PPID sees no agency's complaints.
const ppidScope = "@ppid"

// PPIDReaders are the PPID's and its superior's desks.
var PPIDReaders = Readers{Audience: records.Agency, Agency: ppidScope}

// onPPIDPath reports whether a report is an information request that took
// the PPID's path and has not been passed on to an agency.
func onPPIDPath(r *store.Report) bool { return r.Type == infoRequestType && r.AgencyCode == "" }

// Events of the PPID's path that move no stage: the sweep found a
// deadline passed, recorded it and told the requester what they may do.
const (
	EventPPIDOverdue      = "ppid_overdue"
	EventObjectionOverdue = "objection_overdue"
)

func ppidDesk(a actor, _ *store.Report) bool         { return a.at(RolePPID, DeskPPID) }
func ppidSuperiorDesk(a actor, _ *store.Report) bool { return a.at(RolePPIDSuperior, DeskPPIDSuperior) }

// isPPIDRole reports whether r is one of the PPID path's roles.
func isPPIDRole(r Role) bool { return r == RolePPID || r == RolePPIDSuperior }

// The requester's notifications and the events they tell of (the notices
// table, flows/notices.go).
var ppidNotices = map[string]string{
	"n.extend":            string(ActExtend),
	"n.info_answer":       string(ActInfoAnswer),
	"n.info_refuse":       string(ActInfoRefuse),
	"n.not_info":          string(ActNotInfo),
	"n.object":            string(ActObject),
	"n.object.recorded":   string(ActObject),
	"n.objection_answer":  string(ActObjectionAnswer),
	"n.ppid.overdue":      EventPPIDOverdue,
	"n.objection.overdue": EventObjectionOverdue,
	"n.info.autoclose":    string(ActAutoClose),
}

func init() {
	for key, event := range ppidNotices {
		if _, dup := notices[key]; dup {
			panic("flows: notice " + key + " defined twice")
		}
		notices[key] = event
	}
	for cmd, act := range map[string]Action{"perpanjang": ActExtend, "jawab_informasi": ActInfoAnswer,
		"tolak_informasi": ActInfoRefuse, "bukan_informasi": ActNotInfo, "jawab_keberatan": ActObjectionAnswer} {
		if _, dup := commandActions[cmd]; dup {
			panic("flows: command " + cmd + " defined twice")
		}
		commandActions[cmd] = act
	}
	for cmd, c := range map[string]struct {
		usage string
		role  Role
	}{
		"perpanjang":      {"/perpanjang <ID> <alasan>", RolePPID},
		"jawab_informasi": {"/jawab_informasi <ID> <jawaban>", RolePPID},
		"tolak_informasi": {"/tolak_informasi <ID> <informasi yang dikecualikan dan dasarnya (pasal 17 UU 14/2008)>", RolePPID},
		"bukan_informasi": {"/bukan_informasi <ID> <alasan>", RolePPID},
		"jawab_keberatan": {"/jawab_keberatan <ID> <tanggapan atas keberatan>", RolePPIDSuperior},
	} {
		if _, dup := officerCommands[cmd]; dup {
			panic("flows: command " + cmd + " defined twice")
		}
		officerCommands[cmd], commandRoles[cmd] = c.usage, []Role{c.role}
	}
	// What every officer has, the PPID's roles have too.
	for _, cmd := range []string{"antrian", "laporan", "bantuan", "batal", "status", "daftar_grup", "sla", "saya"} {
		commandRoles[cmd] = append(commandRoles[cmd], RolePPID, RolePPIDSuperior)
	}
}

// entryStage is where a new report of type starts: an information request
// at the PPID when a PPID desk is registered, everything else with the
// super admin.
func entryStage(ctx context.Context, tx *store.Tx, reportType string) (Stage, error) {
	if reportType != infoRequestType {
		return StageSubmitted, nil
	}
	desks, err := tx.DesksOf(ctx, DeskPPID, "")
	if err != nil || len(desks) == 0 {
		return StageSubmitted, err
	}
	return StageAtPPID, nil
}

// checkPPIDClock enforces the law's clock on the PPID path's actions:
// one extension, announced before the deadline; an objection to a PPID
// that has not answered only once its deadline passed.
func (s *Service) checkPPIDClock(ctx context.Context, tx *store.Tx, r *store.Report, act Action, now time.Time, lang Lang) error {
	switch {
	case act == ActExtend:
		events, err := tx.Events(ctx, r.ID)
		if err != nil {
			return err
		}
		for _, e := range events {
			if e.Kind == string(ActExtend) {
				return refuse(lang, "ppid.extend.once", r.TrackingID, FormatDate(lang, e.At.In(calendar.Local())))
			}
		}
		if now.After(r.StageDeadline) {
			return refuse(lang, "ppid.extend.late", r.TrackingID, FormatDate(lang, r.StageDeadline.In(calendar.Local())))
		}
	case act == ActObject:
		return objectionRefusal(r, now, lang)
	}
	return nil
}

// objectionRefusal is why the requester may not object now: before the
// PPID answered or its deadline passed, or after the objection window
// closed; nil when they may.
func objectionRefusal(r *store.Report, now time.Time, lang Lang) error {
	deadline := FormatDate(lang, r.StageDeadline.In(calendar.Local()))
	switch {
	case Stage(r.Stage) == StageAtPPID && !now.After(r.StageDeadline):
		return refuse(lang, "ppid.object.early", r.TrackingID, deadline)
	case Stage(r.Stage) == StageInfoAnswered && now.After(r.StageDeadline):
		return refuse(lang, "ppid.object.late", r.TrackingID, deadline)
	}
	return nil
}

// extended reports whether the PPID extended its deadline for r.
func (c *courier) extended(r *store.Report) (bool, error) {
	events, err := c.tx.Events(c.ctx, r.ID)
	if err != nil {
		return false, err
	}
	return slices.ContainsFunc(events, func(e store.Event) bool { return e.Kind == string(ActExtend) }), nil
}

// ppidButtons are the PPID's and its superior's buttons on a card; nil
// for every other desk and stage.
func (c *courier) ppidButtons(r *store.Report, deskKind string) [][]Button {
	l := c.lang
	ask := func(key string, act Action) Button {
		return Button{Label: T(l, key), Data: fmt.Sprintf("p|%s|%s|%d", act, r.TrackingID, r.Version)}
	}
	switch {
	case Stage(r.Stage) == StageAtPPID && deskKind == DeskPPID:
		second := []Button{ask("b.not_info", ActNotInfo)}
		if done, err := c.extended(r); err == nil && !done && !c.now.After(r.StageDeadline) {
			second = append([]Button{ask("b.extend", ActExtend)}, second...)
		}
		return [][]Button{{ask("b.info_answer", ActInfoAnswer), ask("b.info_refuse", ActInfoRefuse)}, second}
	case Stage(r.Stage) == StageObjection && deskKind == DeskPPIDSuperior:
		return [][]Button{{ask("b.objection_answer", ActObjectionAnswer)}}
	}
	return nil
}

// ppidPrompt is what an officer who pressed a PPID path button is asked
// to write ("" for the chain's actions).
func ppidPrompt(act Action) string {
	switch act {
	case ActInfoAnswer, ActInfoRefuse, ActExtend, ActNotInfo, ActObjectionAnswer:
		return "ppid.ask." + string(act)
	}
	return ""
}

// citizenPPIDRow are the requester's buttons after an answer, or after the
// PPID's deadline passed: accept (only once answered) and object.
func citizenPPIDRow(r *store.Report) [][]Button {
	lang := Lang(r.Lang)
	object := Button{Label: T(lang, "b.object"), Data: fmt.Sprintf("c|%s|%s|%d", ActObject, r.TrackingID, r.Version)}
	if Stage(r.Stage) == StageAtPPID {
		return [][]Button{{object}}
	}
	return [][]Button{{{Label: T(lang, "b.accept"), Data: fmt.Sprintf("c|%s|%s|%d", ActAccept, r.TrackingID, r.Version)}, object}}
}

// announcePPID does what a PPID path transition means for the desks and
// the requester; it runs after the transition's event is in the
// transaction, and each message says what was recorded.
func (c *courier) announcePPID(r *store.Report, act Action, arg string) error {
	l := c.lang
	switch act {
	case ActExtend:
		return c.tellCitizen(r, "n.extend", r.TrackingID, c.deadline(r), arg)
	case ActInfoAnswer:
		return c.tellCitizenWith(r, citizenPPIDRow(r), "n.info_answer", r.TrackingID, arg, c.deadline(r))
	case ActInfoRefuse:
		return c.tellCitizenWith(r, citizenPPIDRow(r), "n.info_refuse", r.TrackingID, arg, c.deadline(r))
	case ActNotInfo:
		if err := c.cardTo(r, DeskSuperAdmin, "", T(l, "card.reason", arg)); err != nil {
			return err
		}
		return c.tellCitizen(r, "n.not_info", r.TrackingID, arg, c.deadline(r))
	case ActObject:
		answer, err := c.ppidAnswer(r)
		if err != nil {
			return err
		}
		if err := c.cardTo(r, DeskPPIDSuperior, "", answer, T(l, "ppid.card.objection", arg)); err != nil {
			return err
		}
		// Say it was passed on only where a superior's desk received it.
		desks, err := c.tx.DesksOf(c.ctx, DeskPPIDSuperior, "")
		if err != nil {
			return err
		}
		if len(desks) == 0 {
			return c.tellCitizen(r, "n.object.recorded", r.TrackingID, c.deadline(r))
		}
		return c.tellCitizen(r, "n.object", r.TrackingID, c.deadline(r))
	case ActObjectionAnswer:
		if err := c.toDesk(DeskPPID, "", Outbound{Text: T(l, "ppid.desk.decided", r.TrackingID, arg)}); err != nil {
			return err
		}
		p := c.s.cfg.Policy
		until := FormatDate(Lang(r.Lang), c.s.cal().Deadline(c.now, p.InformationDispute).In(calendar.Local()))
		return c.tellCitizen(r, "n.objection_answer", r.TrackingID, arg, p.InformationDispute, until)
	}
	return nil
}

// ppidAnswer is the superior's line about what the PPID did: its answer or
// refusal, or that it let the deadline pass.
func (c *courier) ppidAnswer(r *store.Report) (string, error) {
	events, err := c.tx.Events(c.ctx, r.ID)
	if err != nil {
		return "", err
	}
	for i := len(events) - 1; i >= 0; i-- {
		switch e := events[i]; e.Kind {
		case string(ActInfoAnswer):
			return T(c.lang, "ppid.card.answered", truncate(e.Note, 1500)), nil
		case string(ActInfoRefuse):
			return T(c.lang, "ppid.card.refused", truncate(e.Note, 1500)), nil
		}
	}
	return T(c.lang, "ppid.card.silent"), nil
}

// information is the sweep's part of the PPID path for one report due
// soon or overdue; it reports whether the report is done with (the
// requester's window has no desk reminders).
func (sw *sweep) information(r *store.Report) (bool, error) {
	switch Stage(r.Stage) {
	case StageInfoAnswered:
		if !sw.now.After(r.StageDeadline) {
			return true, nil
		}
		cur, err := sw.tx.LockReport(sw.ctx, r.TrackingID)
		if err != nil {
			return true, err
		}
		if _, err := sw.s.transition(sw.ctx, sw.tx, actor{system: true}, &cur, ActAutoClose, "no objection", sw.now, sw.lang()); err != nil {
			return true, err
		}
		sw.res.AutoClosed++
		if err := sw.c.refreshCards(&cur); err != nil {
			return true, err
		}
		return true, sw.c.tellCitizen(&cur, "n.info.autoclose", cur.TrackingID, sw.s.cfg.Policy.Stages[StageInfoAnswered])
	case StageAtPPID, StageObjection:
		if !sw.now.After(r.StageDeadline) {
			return false, nil
		}
		kind := EventPPIDOverdue
		if Stage(r.Stage) == StageObjection {
			kind = EventObjectionOverdue
		}
		if fresh, err := sw.mark(r, kind); err != nil || !fresh {
			return false, err
		}
		cur, err := sw.tx.LockReport(sw.ctx, r.TrackingID)
		if err != nil {
			return false, err
		}
		if err := sw.tx.AppendEvent(sw.ctx, store.Event{ReportID: cur.ID, At: sw.now, Kind: kind, StageFrom: cur.Stage,
			StageTo: cur.Stage, ActorRole: string(RoleSystem), Deadline: cur.StageDeadline}); err != nil {
			return false, err
		}
		if err := sw.c.refreshCards(&cur); err != nil {
			return false, err
		}
		when := FormatDate(Lang(cur.Lang), cur.StageDeadline.In(calendar.Local()))
		if kind == EventPPIDOverdue {
			return false, sw.c.tellCitizenWith(&cur, citizenPPIDRow(&cur), "n.ppid.overdue", cur.TrackingID, when)
		}
		return false, sw.c.tellCitizen(&cur, "n.objection.overdue", cur.TrackingID, when, sw.s.cfg.Policy.InformationDispute)
	}
	return false, nil
}

// ppidHolder is the desk that holds a report on the PPID path.
func ppidHolder(st Stage) (deskKey, bool) {
	switch st {
	case StageAtPPID:
		return deskKey{DeskPPID, ""}, true
	case StageObjection:
		return deskKey{DeskPPIDSuperior, ""}, true
	}
	return deskKey{}, false
}

// ppidQueue is the stages a PPID path desk holds (nil for other desks).
func ppidQueue(kind string) []string {
	switch kind {
	case DeskPPID:
		return []string{string(StageAtPPID)}
	case DeskPPIDSuperior:
		return []string{string(StageObjection)}
	}
	return nil
}

// objectionInstead turns a citizen's reason for a report on the PPID path
// into an objection (the chain's reports are rejected).
func objectionInstead(ctx context.Context, tx *store.Tx, id string) Action {
	r, err := tx.ReportByTrackingID(ctx, id)
	if err == nil && (Stage(r.Stage) == StageAtPPID || Stage(r.Stage) == StageInfoAnswered) {
		return ActObject
	}
	return ActReject
}

// askObjection asks the requester why they object (c|object|ID|v).
func (t *turn) askObjection(id string, version int) error {
	r, err := t.tx.ReportByTrackingID(t.ctx, id)
	if err != nil || r.Version != version || r.ChatID != t.in.ChatID || r.Channel != t.in.Channel {
		return t.stale()
	}
	if st := Stage(r.Stage); st != StageInfoAnswered && st != StageAtPPID {
		return t.stale()
	}
	if err := objectionRefusal(&r, t.now, t.lang); err != nil {
		return t.out.say(err.Error())
	}
	t.step, t.d = StepRejectReason, draft{Pending: r.TrackingID}
	return t.say("wf.object.ask", r.TrackingID)
}

// ppidDefaults fills in the PPID path's numbers a policy file does not
// give (one written before the path existed); its stages' limits come
// with the other later stages' (laterStages, policy.go).
func (p *Policy) ppidDefaults() {
	if p.PPIDExtension == 0 {
		p.PPIDExtension = 7
	}
	if p.InformationDispute == 0 {
		p.InformationDispute = 14
	}
	if p.Supervisor == nil {
		p.Supervisor = map[string]string{}
	}
	for desk, sup := range map[string]string{DeskPPID: DeskPPIDSuperior, DeskPPIDSuperior: DeskPPIDSuperior} {
		if p.Supervisor[desk] == "" {
			p.Supervisor[desk] = sup
		}
	}
}

// checkPPIDSupervisors checks who hears about the PPID path's overdue items.
func (p *Policy) checkPPIDSupervisors() []error {
	var errs []error
	for _, desk := range []string{DeskPPID, DeskPPIDSuperior} {
		if sup := p.Supervisor[desk]; sup != DeskPPIDSuperior && sup != DeskRegency && sup != DeskSuperAdmin {
			errs = append(errs, fmt.Errorf("supervisor.%s: must be ppid_superior, regency_admin or super_admin, got %q", desk, sup))
		}
	}
	if p.InformationDispute < 1 || p.InformationDispute > 365 {
		errs = append(errs, fmt.Errorf("komisi_informasi_after: must be 1 to 365 working days, got %d", p.InformationDispute))
	}
	if p.PPIDExtension < 1 || p.PPIDExtension > 365 {
		errs = append(errs, errors.New("ppid_extension: must be 1 to 365 working days"))
	}
	return errs
}

// describePPID is the PPID path's part of /sla.
func (p Policy) describePPID(lang Lang) string {
	return "\n" + T(lang, "sla.ppid", p.PPIDExtension, p.Stages[StageInfoAnswered], p.InformationDispute)
}
