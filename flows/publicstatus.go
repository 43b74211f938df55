package flows

// PublicStatus is a report's status in the words of the national LAPOR!
// (lapor.go.id): the few statuses citizens know. Citizen-facing outputs
// (/status, /laporan, open data) show it; officers keep the detailed Stage.
type PublicStatus string

// The national LAPOR! statuses.
const (
	PublicUnverified PublicStatus = "belum_terverifikasi" // submitted, waiting for verification
	PublicVerified   PublicStatus = "terverifikasi"       // verified, at the regency admin, being routed
	PublicFollowUp   PublicStatus = "tindak_lanjut"       // with an agency, its answer under review, or on hold
	PublicCompleted  PublicStatus = "selesai"             // answered and accepted, closed, auto-closed
	PublicArchived   PublicStatus = "diarsipkan"          // archived, not followed up
	PublicForwarded  PublicStatus = "diteruskan"          // a central-government matter, forwarded to the national LAPOR!
)

// PublicStatuses lists every public status.
var PublicStatuses = []PublicStatus{PublicUnverified, PublicVerified, PublicFollowUp, PublicCompleted, PublicArchived, PublicForwarded}

// publicStatusOf is the one table that decides each stage's public status.
// A new Stage must be added here (TestEveryStageHasOnePublicStatus).
var publicStatusOf = map[Stage]PublicStatus{
	StageSubmitted:      PublicUnverified,
	StageAtRegency:      PublicVerified,
	StageAtAgency:       PublicFollowUp,
	StageAnswerReview:   PublicFollowUp,
	StageAnswered:       PublicFollowUp, // the citizen has not accepted the answer yet
	StageWaitingCitizen: PublicFollowUp, // on hold: more details were asked for
	StageClosed:         PublicCompleted,
	StageArchived:       PublicArchived,
	StageToLapor:        PublicForwarded,
	StageInLapor:        PublicForwarded,
	StageAtPPID:         PublicFollowUp, // an information request with the PPID
	StageInfoAnswered:   PublicFollowUp, // the requester has not accepted the answer yet
	StageObjection:      PublicFollowUp, // an objection with the PPID's superior
}

// Public returns the stage's public status. A stage the table does not know
// (a row written by a later version) is shown as in progress, never by its
// internal name.
func (s Stage) Public() PublicStatus {
	if p, ok := publicStatusOf[s]; ok {
		return p
	}
	return PublicFollowUp
}

// Name is the public status in lang, e.g. "Tindak Lanjut".
func (p PublicStatus) Name(lang Lang) string { return T(lang, "pstatus."+string(p)) }

// publicStatusName is the public status of a stage key in lang.
func publicStatusName(lang Lang, stage string) string { return Stage(stage).Public().Name(lang) }
