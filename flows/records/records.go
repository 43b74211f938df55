// Package records is a report as an output sees it — an export row, a
// printed page, an Open311 request — and the monthly recap's numbers.
//
// A Record is built for one audience and holds only what that audience may
// see: the identity of a reporter exists only in an admin's record of a
// report that is not anonymous, and public records are never made of
// confidential reports. Renderers (softcopy, hardcopy, open311) format
// Records; none of them decides what is private.
package records

import (
	"iter"
	"math"
	"time"
)

// Audience is who an output is for.
type Audience int

// Audiences, from the most to the least trusted.
const (
	// Admin: super and regency admins. The identity of a reporter who is
	// not anonymous is included (and the output is audited).
	Admin Audience = iota
	// Agency: an agency's officers. No identity at all.
	Agency
	// Public: anyone (open data, --public exports). No identity, no
	// confidential reports, no exact location of an anonymous reporter.
	Public
)

// String names the audience in file names and audit entries.
func (a Audience) String() string {
	switch a {
	case Admin:
		return "admin"
	case Agency:
		return "agency"
	}
	return "public"
}

// Record is one report for one audience.
type Record struct {
	TrackingID    string
	LaporID       string // the national LAPOR! id, when an admin keyed it in
	Type          string // pengaduan, aspirasi, permintaan_informasi
	TypeName      string // in the output's language
	Description   string
	OccurredOn    time.Time // zero when the citizen does not remember
	OccurredText  string
	Address       string
	Lat, Lon      *float64 // nil when no pin; rounded to ~1 km in public records of anonymous reports
	KecamatanCode string
	Kecamatan     string
	Anonymous     bool
	Confidential  bool
	Channel       string // telegram, whatsapp, web, conventional
	// Reporter is set only in admin records of reports that are not
	// anonymous.
	Reporter      *Reporter
	Stage         string // the workflow stage key
	StageName     string
	Open          bool // not closed or archived
	AgencyCode    string
	Agency        string // the agency's name
	SubmittedAt   time.Time
	UpdatedAt     time.Time
	StageDeadline time.Time // zero when the clock is paused or stopped
	Round         int
	ClosedReason  string
	Rating        int // 1..5; 0 when not rated
	RatingComment string
	Timeline      []Step
	Stints        []Stint
	Attachments   []Attachment
}

// Reporter is who filed a report.
type Reporter struct {
	Name     string
	Username string // the platform handle
	Contact  string // a walk-in citizen's phone or address
	Channel  string
	ChatID   string
}

// Step is one entry of a report's timeline.
type Step struct {
	At       time.Time
	Kind     string // the event key: verify, dispose, answer_submitted, …
	What     string // the event in the output's language
	From, To string // stage names ("" when the stage did not change)
	Actor    string // a role, and an officer's name; "Pelapor"/"Reporter" for the citizen, never their identity
	Desk     string
	Note     string // a reason, a question, an answer's first lines
}

// Stint is one stay of a report in a stage that has a deadline.
type Stint struct {
	Stage     string
	StageName string
	Entered   time.Time
	Left      time.Time // zero while the report is still there
	Deadline  time.Time
	Days      float64 // working days spent (to now when still there)
}

// Met says whether the stint kept its deadline: true or false once it is
// over or overdue, and ok=false while it is running and not yet late.
func (s Stint) Met(now time.Time) (met, ok bool) {
	end := s.Left
	if end.IsZero() {
		if now.After(s.Deadline) {
			return false, true
		}
		return false, false
	}
	return !end.After(s.Deadline), true
}

// Attachment is a file of a report.
type Attachment struct {
	ID    int64
	Name  string
	MIME  string
	Kind  string // photo, document, video, voice, audio
	Size  int64
	Thumb []byte // a small JPEG for images, without metadata; nil for other files
}

// RoundLocation blurs a point to about 1 km (two decimals), as public
// records of anonymous reports show it.
func RoundLocation(v float64) float64 { return math.Round(v*100) / 100 }

// Seq yields records one at a time (streamed from the database), or an
// error that ends the sequence.
type Seq = iter.Seq2[Record, error]
