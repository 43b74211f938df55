package flows

import (
	"context"
	"strings"
	"time"

	"github.com/lapor-id/lapor/store"
)

// Stage is where a report stands in the SOP's chain (DOMAIN.md).
type Stage string

// Stages of a report.
const (
	StageSubmitted      Stage = "submitted"       // waiting for the super admin
	StageAtRegency      Stage = "at_regency"      // with the regency admin
	StageAtAgency       Stage = "at_agency"       // with the agency's liaison officer
	StageAnswerReview   Stage = "answer_review"   // the agency answered; an admin reviews
	StageAnswered       Stage = "answered"        // the citizen has the answer
	StageWaitingCitizen Stage = "waiting_citizen" // Tunda: a question to the citizen; the clock pauses
	StageToLapor        Stage = "to_lapor"        // a central-government matter: the regency admin enters it in the national LAPOR!
	StageInLapor        Stage = "in_lapor"        // in the national LAPOR! under its own number; followed there
	StageClosed         Stage = "closed"
	StageArchived       Stage = "archived"
	// An information request (UU 14/2008) takes the PPID's path, not the
	// SOP chain (flows/ppid.go).
	StageAtPPID       Stage = "at_ppid"       // with the PPID: 10 working days, one extension
	StageInfoAnswered Stage = "info_answered" // the PPID answered; the requester may object
	StageObjection    Stage = "objection"     // keberatan: with the PPID's superior
)

// Stages lists every stage a report can be in.
var Stages = []Stage{StageSubmitted, StageAtRegency, StageAtAgency, StageAnswerReview, StageAnswered,
	StageWaitingCitizen, StageToLapor, StageInLapor, StageClosed, StageArchived, StageAtPPID, StageInfoAnswered, StageObjection}

// ClockStages are the stages with a working-day limit in the policy, in
// the SOP's order. A report in any other stage has no running clock.
var ClockStages = []Stage{StageSubmitted, StageAtRegency, StageAtAgency, StageAnswerReview, StageAnswered, StageToLapor,
	StageAtPPID, StageInfoAnswered, StageObjection}

// Final reports whether nothing more happens to a report in the stage here:
// it is closed, archived, or followed in the national LAPOR!.
func (s Stage) Final() bool { return s == StageClosed || s == StageArchived || s == StageInLapor }

// Role is what an officer may do.
type Role string

// Roles.
const (
	RoleSuperAdmin   Role = "super_admin"
	RoleRegencyAdmin Role = "regency_admin"
	RoleLiaison      Role = "liaison_officer"
	RoleOmbudsman    Role = "ombudsman"
	RolePPID         Role = "ppid"          // Pejabat Pengelola Informasi dan Dokumentasi
	RolePPIDSuperior Role = "ppid_superior" // Atasan PPID: decides objections
	RoleCitizen      Role = "citizen"
	RoleSystem       Role = "system"
)

// Desk kinds: the group chats where each part of the chain works.
const (
	DeskSuperAdmin   = "super_admin"
	DeskRegency      = "regency_admin"
	DeskAgency       = "agency"
	DeskOmbudsman    = "ombudsman"
	DeskPPID         = "ppid"
	DeskPPIDSuperior = "ppid_superior"
)

// Action is one step an officer or the citizen takes on a report.
type Action string

// Actions of the SOP (DOMAIN.md), with the words officers know them by.
const (
	ActVerify       Action = "verify"    // Verifikasi
	ActDefer        Action = "tunda"     // Tunda: ask the citizen
	ActArchive      Action = "archive"   // Arsipkan
	ActCentral      Action = "central"   // Kewenangan pusat
	ActDispose      Action = "dispose"   // Disposisi to an agency
	ActReturn       Action = "return"    // Kembalikan to the super admin
	ActNotOurs      Action = "not_ours"  // Bukan wewenang
	ActAnswer       Action = "answer"    // Tanggapi: start writing the answer
	ActSubmitAnswer Action = "submit"    // Kirim tanggapan
	ActApprove      Action = "approve"   // Setujui & kirim
	ActRevise       Action = "revise"    // Minta perbaikan
	ActAccept       Action = "accept"    // Terima (citizen)
	ActReject       Action = "reject"    // Tolak (citizen)
	ActInfo         Action = "info"      // the citizen answers a Tunda question
	ActAutoClose    Action = "autoclose" // the citizen stayed silent: closed as accepted
	ActExpire       Action = "expire"    // a Tunda question was never answered
	ActLaporID      Action = "lapor_id"  // the national LAPOR! number of a forwarded report is recorded
	// A report disposed to more than one agency (flows/multiagency.go).
	ActAddAgency   Action = "add_agency"   // Tambah perangkat daerah: another agency takes part
	ActAnswerPart  Action = "answer_part"  // an agency sent its part; others still work
	ActApprovePart Action = "approve_part" // multi_agency_answers: each: a part reaches the citizen as it comes
	// The PPID's path (flows/ppid.go).
	ActExtend          Action = "extend"           // Perpanjang: the PPID's one extension, with its reason
	ActInfoAnswer      Action = "info_answer"      // the PPID answers (grants, fully or in part)
	ActInfoRefuse      Action = "info_refuse"      // the PPID refuses, naming the exemption (pasal 17)
	ActNotInfo         Action = "not_info"         // not an information request: to the SOP chain
	ActObject          Action = "object"           // Keberatan (citizen)
	ActObjectionAnswer Action = "objection_answer" // the PPID's superior decides the objection
)

// rule is one row of the workflow table: in stage from, action act may be
// taken by whoever allowed() accepts, and leads to stage to ("" when the
// action changes no stage, or when the target is the resume stage).
type rule struct {
	from    Stage
	act     Action
	to      Stage
	reason  bool // needs a reason or a question
	allowed func(a actor, r *store.Report) bool
}

// actor is who is acting, and where.
type actor struct {
	system                        bool // the deadline sweeps
	channel, chatID, userID, name string
	officer                       *store.Officer
	desk                          *store.Desk
}

func (a actor) role() Role {
	if a.system {
		return RoleSystem
	}
	if a.officer != nil {
		return Role(a.officer.Role)
	}
	return RoleCitizen
}

// at reports whether the actor is an officer of role acting in a desk of kind.
func (a actor) at(role Role, deskKind string) bool {
	return a.officer != nil && Role(a.officer.Role) == role && a.desk != nil && a.desk.Kind == deskKind
}

func superAdminDesk(a actor, _ *store.Report) bool { return a.at(RoleSuperAdmin, DeskSuperAdmin) }
func regencyDesk(a actor, _ *store.Report) bool    { return a.at(RoleRegencyAdmin, DeskRegency) }
func reviewer(a actor, r *store.Report) bool       { return regencyDesk(a, r) || superAdminDesk(a, r) }

// agencyDesk: a liaison officer of one of the report's agencies, in that
// agency's desk.
func agencyDesk(a actor, r *store.Report) bool {
	return a.at(RoleLiaison, DeskAgency) && a.desk.AgencyCode != "" && involved(r, a.desk.AgencyCode) &&
		a.officer.AgencyCode == a.desk.AgencyCode
}

// reporter: the citizen in the chat the report came from; for a complaint
// recorded at the counter, the regency admin speaks for the citizen.
func reporter(a actor, r *store.Report) bool {
	if r.Channel == ChannelConventional {
		return regencyDesk(a, r)
	}
	return a.desk == nil && a.channel == r.Channel && a.chatID == r.ChatID
}

func bySystem(a actor, _ *store.Report) bool { return a.system }

// workflow is the SOP's table. Nothing else moves a report.
var workflow = []rule{
	{StageSubmitted, ActVerify, StageAtRegency, false, superAdminDesk},
	{StageSubmitted, ActDefer, StageWaitingCitizen, true, superAdminDesk},
	{StageSubmitted, ActArchive, StageArchived, true, superAdminDesk},
	{StageSubmitted, ActCentral, StageToLapor, false, superAdminDesk},
	{StageAtRegency, ActDispose, StageAtAgency, false, regencyDesk},
	{StageAtRegency, ActReturn, StageSubmitted, true, regencyDesk},
	{StageAtRegency, ActDefer, StageWaitingCitizen, true, regencyDesk},
	{StageAtRegency, ActArchive, StageArchived, true, regencyDesk},
	{StageAtAgency, ActAnswer, "", false, agencyDesk},
	{StageAtAgency, ActSubmitAnswer, StageAnswerReview, false, agencyDesk},
	{StageAtAgency, ActNotOurs, StageAtRegency, true, agencyDesk},
	// More than one agency (flows/multiagency.go): the regency adds one; an
	// agency's part is recorded while others still work.
	{StageAtAgency, ActAddAgency, "", true, regencyDesk},
	{StageAtAgency, ActAnswerPart, "", false, agencyDesk},
	{StageAtAgency, ActApprovePart, "", true, reviewer},
	// Tindak lanjut before the final answer (flows/followups.go): recorded,
	// the stage stays.
	{StageAtAgency, ActFirstResponse, "", false, agencyDesk},
	{StageAtAgency, ActProgress, "", false, agencyDesk},
	{StageAtAgency, ActFollowupApprove, "", false, reviewer},
	{StageAtAgency, ActFollowupReturn, "", true, reviewer},
	{StageAnswerReview, ActFollowupApprove, "", false, reviewer},
	{StageAnswerReview, ActFollowupReturn, "", true, reviewer},
	{StageAnswerReview, ActApprove, StageAnswered, false, reviewer},
	{StageAnswerReview, ActRevise, StageAtAgency, true, reviewer},
	{StageAnswered, ActAccept, StageClosed, false, reporter},
	{StageAnswered, ActReject, StageAtAgency, true, reporter},
	{StageWaitingCitizen, ActInfo, "", true, reporter}, // back to the stage that asked
	{StageAnswered, ActAutoClose, StageClosed, false, bySystem},
	{StageWaitingCitizen, ActExpire, StageArchived, false, bySystem},
	{StageToLapor, ActLaporID, StageInLapor, true, reviewer},
	// Information requests (UU 14/2008; flows/ppid.go).
	{StageAtPPID, ActExtend, StageAtPPID, true, ppidDesk},
	{StageAtPPID, ActInfoAnswer, StageInfoAnswered, true, ppidDesk},
	{StageAtPPID, ActInfoRefuse, StageInfoAnswered, true, ppidDesk},
	{StageAtPPID, ActNotInfo, StageSubmitted, true, ppidDesk},
	{StageAtPPID, ActObject, StageObjection, true, reporter}, // only once the PPID's deadline passed
	{StageInfoAnswered, ActAccept, StageClosed, false, reporter},
	{StageInfoAnswered, ActObject, StageObjection, true, reporter},
	{StageInfoAnswered, ActAutoClose, StageClosed, false, bySystem},
	{StageObjection, ActObjectionAnswer, StageClosed, true, ppidSuperiorDesk},
}

// Transitions returns the table as (from, action, to) triples, for tests and
// documentation.
func Transitions() [][3]string {
	var out [][3]string
	for _, r := range workflow {
		out = append(out, [3]string{string(r.from), string(r.act), string(r.to)})
	}
	return out
}

func findRule(from Stage, act Action) (rule, bool) {
	for _, r := range workflow {
		if r.from == from && r.act == act {
			return r, true
		}
	}
	return rule{}, false
}

// actionsAt lists what the actor may do to a report now.
func actionsAt(a actor, r *store.Report) []Action {
	var out []Action
	for _, ru := range workflow {
		if ru.from == Stage(r.Stage) && ru.allowed(a, r) {
			out = append(out, ru.act)
		}
	}
	return out
}

// refusal is an action that was not allowed; its text goes to the actor.
type refusal struct{ text string }

func (r *refusal) Error() string { return r.text }

func refuse(lang Lang, key string, args ...any) error { return &refusal{text: T(lang, key, args...)} }

// ChannelConventional marks a complaint recorded by an officer on a
// citizen's behalf (walk-in, phone, SMS 1708).
const ChannelConventional = "conventional"

// stageUnit is who holds a report in each stage.
func stageUnit(st Stage) string {
	switch st {
	case StageSubmitted:
		return DeskSuperAdmin
	case StageAtRegency, StageAnswerReview, StageToLapor:
		return DeskRegency
	case StageAtAgency:
		return DeskAgency
	case StageAnswered, StageWaitingCitizen, StageInfoAnswered:
		return "citizen"
	case StageAtPPID:
		return DeskPPID
	case StageObjection:
		return DeskPPIDSuperior
	}
	return ""
}

// stageDays is the working-day limit of each stage (DOMAIN.md defaults).
func (s *Service) stageDays(st Stage) int { return s.cfg.Policy.Stages[st] }

// transition moves a report along the table and records it. It checks the
// version the actor saw (0: any), the stage, the actor's right and the
// reason; it never half-applies.
func (s *Service) transition(ctx context.Context, tx *store.Tx, a actor, r *store.Report, act Action, arg string, now time.Time, lang Lang) (Stage, error) {
	from := Stage(r.Stage)
	ru, ok := findRule(from, act)
	if !ok {
		return from, refuse(lang, "wf.notnow", r.TrackingID, stageName(lang, from))
	}
	if !ru.allowed(a, r) {
		return from, refuse(lang, "wf.notallowed", r.TrackingID)
	}
	arg = strings.TrimSpace(arg)
	if ru.reason && arg == "" {
		return from, refuse(lang, "wf.needreason")
	}
	if isFollowupAct(act) { // recorded by flows/followups.go; nothing to move
		return from, refuse(lang, "stale.button")
	}
	if done, err := s.multiAgency(ctx, tx, a, r, act, arg, now, lang); done { // flows/multiagency.go
		return from, err
	}
	to := ru.to
	switch act {
	case ActDefer:
		r.ResumeStage, r.Question = string(from), truncate(arg, 1000)
		r.PausedDays = max(1, s.cal().WorkingDaysBetween(now, r.StageDeadline))
	case ActInfo:
		to = Stage(r.ResumeStage)
		r.ResumeStage, r.Question = "", ""
	case ActDispose:
		r.AgencyCode = arg
	case ActNotOurs:
		r.AgencyCode = ""
	case ActReject:
		r.Round++
	case ActArchive, ActAutoClose, ActExpire:
		r.ClosedReason = truncate(arg, 500)
	case ActLaporID:
		r.LaporTrackingID = arg // checked for uniqueness by the caller (office.act)
	case ActAnswer:
		return from, nil
	case ActExtend, ActObject:
		if err := s.checkPPIDClock(ctx, tx, r, act, now, lang); err != nil { // flows/ppid.go
			return from, err
		}
	}
	event := store.Event{ReportID: r.ID, At: now, Kind: string(act), StageFrom: string(from), StageTo: string(to),
		ActorRole: string(a.role()), ActorID: a.userID, Channel: a.channel, Note: truncate(arg, 2000)}
	if a.desk != nil {
		event.Desk = a.desk.Kind
		if a.desk.AgencyCode != "" {
			event.Desk += ":" + a.desk.AgencyCode
		}
	}
	if a.officer != nil && a.officer.Name != "" {
		event.ActorID = a.userID + " " + a.officer.Name
	}
	r.Stage, r.UpdatedAt = string(to), now
	r.ResponsibleUnit = stageUnit(to)
	r.StageStartedAt = now
	switch {
	case act == ActDefer || to.Final():
		r.StageDeadline, r.DeadlineBase, r.DeadlineDays = time.Time{}, time.Time{}, 0 // the clock is paused or stopped
	case act == ActInfo:
		r.DeadlineBase, r.DeadlineDays = now, r.PausedDays
		r.PausedDays = 0
	case act == ActExtend:
		// The same clock, longer: counted from the request's receipt.
		r.DeadlineDays += s.cfg.Policy.PPIDExtension
	default:
		r.DeadlineBase, r.DeadlineDays = now, s.stageDays(to)
	}
	if !r.DeadlineBase.IsZero() {
		r.StageDeadline = s.cal().Deadline(r.DeadlineBase, r.DeadlineDays)
	}
	event.Deadline = r.StageDeadline
	if err := tx.UpdateReport(ctx, r); err != nil {
		return from, err
	}
	if err := tx.AppendEvent(ctx, event); err != nil {
		return from, err
	}
	if err := s.followupClock(ctx, tx, r, act, from, to, now); err != nil { // flows/followups.go
		return from, err
	}
	return to, nil
}

// alreadyDone explains to a second presser what happened to the report
// (livecard.go).
func alreadyDone(ctx context.Context, tx *store.Tx, r *store.Report, lang Lang) error {
	return staleButton(ctx, tx, r, lang)
}
