// Package records is a report as an output sees it — an export row, a
// printed page, an Open311 request — and the monthly recap's numbers.
//
// A Record is built whole, then Record.For gives the form one audience may
// see, by the one privacy table (privacy.go); public records are never made
// of confidential or unverified reports. Renderers (softcopy, hardcopy,
// open311) format Records; none of them decides what is private.
package records

import (
	"iter"
	"strings"
	"time"
)

// Audience is who an output is for, decided by where it goes: a desk, an
// officer's own chat, the server's command line, the public. What each
// audience may see is the table in privacy.go.
type Audience int

// Audiences, from the most to the least trusted.
const (
	// Admin: the regency's own desks (super admin, regency admin), an
	// admin's private chat with the bot, and the server's command line.
	Admin Audience = iota
	// Agency: an agency's (OPD's) desk, or a liaison officer's private
	// chat: the reports disposed to that agency.
	Agency
	// Ombudsman: the Ombudsman desk: the reports forwarded to it.
	Ombudsman
	// Public: anyone (open data, --public exports): verified reports that
	// are not confidential.
	Public
	numAudiences
)

// Audiences lists every audience.
func Audiences() []Audience { return []Audience{Admin, Agency, Ombudsman, Public} }

// String names the audience in file names and audit entries.
func (a Audience) String() string {
	switch a {
	case Admin:
		return "admin"
	case Agency:
		return "agency"
	case Ombudsman:
		return "ombudsman"
	}
	return "public"
}

// Record is one report for one audience.
type Record struct {
	TrackingID    string
	LaporID       string // the national LAPOR! id, when an admin keyed it in
	Type          string // pengaduan, aspirasi, permintaan_informasi
	TypeName      string // in the output's language
	Title         string // the short title (judul); "" where the audience may not see it
	Category      string // the LAPOR! category code; "" when the report has none
	CategoryName  string // in the output's language
	Description   string
	OccurredOn    time.Time // zero when the citizen does not remember
	OccurredText  string
	Address       string   // as typed; in public records of anonymous reports only the village and kecamatan
	Lat, Lon      *float64 // nil when no pin, and in public records of anonymous reports
	KecamatanCode string
	Kecamatan     string
	Village       string // the desa or kelurahan the address names ("Desa Sukowidi"), if any
	Anonymous     bool
	Confidential  bool
	Channel       string // telegram, whatsapp, web, conventional: a key
	ChannelName   string // the channel in the output's language
	// Reporter is who filed it, with only the fields the audience may see;
	// nil when it may see none.
	Reporter      *Reporter
	Stage         string // the workflow stage key
	StageName     string
	Open          bool // not closed or archived
	Archived      bool // ended without an answer (diarsipkan), not finished (selesai)
	AgencyCode    string
	Agency        string   // the agency's name
	OtherAgencies []string // the names of the other agencies it is disposed to (each answers its part)
	SubmittedAt   time.Time
	UpdatedAt     time.Time
	StageDeadline time.Time // zero when the clock is paused or stopped
	Round         int
	ClosedReason  string // why it was finished or archived, in the output's language
	Rating        int    // 1..5; 0 when not rated
	RatingComment string
	Timeline      []Step
	Stints        []Stint
	Attachments   []Attachment
	// Responses are the agencies' answers and follow-ups with their files,
	// where the output carries them (a printout); see responses.go.
	Responses []Response
}

// Reporter is who filed a report.
type Reporter struct {
	Name     string
	Username string // the platform handle
	Contact  string // a phone number or e-mail the reporter gave at intake, or a walk-in citizen's phone or address
	Channel  string
	ChatID   string
}

// Step is one entry of a report's timeline.
type Step struct {
	At       time.Time
	Kind     string // the event key: verify, dispose, answer_submitted, …
	What     string // the event in the output's language
	From, To string // stage names ("" when the stage did not change)
	Actor    string // the role that acted; "Pelapor"/"Reporter" for the citizen, never their identity
	Officer  string // the officer's name, where the audience may see it
	Desk     string
	Note     string // a reason, a question, an answer's first lines
}

// Who is the actor with the officer's name: "Admin Kabupaten (Budi)".
func (s Step) Who() string {
	if s.Officer == "" {
		return s.Actor
	}
	return s.Actor + " (" + s.Officer + ")"
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
	// Withheld: the audience may know the file exists, not see it.
	Withheld bool
	// TooLarge: an image whose picture is too large to decode safely
	// (media.ErrTooLarge); a printout says so where its thumbnail would be.
	TooLarge bool
}

// Seq yields records one at a time (streamed from the database), or an
// error that ends the sequence.
type Seq = iter.Seq2[Record, error]

// Agencies names every agency the report is disposed to, the lead first.
func (rec *Record) Agencies() string {
	return strings.Join(append([]string{rec.Agency}, rec.OtherAgencies...), "; ")
}
