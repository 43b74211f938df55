package records

import "time"

// Response is what an agency sent on a report: its answer (tanggapan) to
// a round, or a follow-up before it — a first response (respon awal) or a
// progress update (tindak lanjut) — with the files the liaison officer
// attached, printed whole with the report.
type Response struct {
	Kind       string // answer, first_response, progress
	KindName   string // in the output's language
	Round      int
	Agency     string // the agency's name
	Officer    string // who wrote it; "" where the audience may not see officers' names
	At         time.Time
	Status     string // a follow-up's: pending, sent, returned; "" for an answer
	StatusName string // in the output's language
	Reason     string // why an admin sent a follow-up back
	Body       string
	// Attachments are the agency's files: photos get a thumbnail (without
	// metadata) when printed.
	Attachments []Attachment
}

// responsesFor is the responses an audience may see: they are notes of the
// history (an answer's text, and the files that go with it), so an audience
// that may not read notes gets none; officers' names follow FieldOfficers,
// and files go only where the evidence's contents may go at all. The
// agency's own files are not the reporter's, so they are not generalised.
func responsesFor(in []Response, notes, officers, contents Treatment) []Response {
	if notes != Shown || len(in) == 0 {
		return nil
	}
	out := make([]Response, len(in))
	for i, r := range in {
		if officers != Shown {
			r.Officer = ""
		}
		if contents == Withheld {
			r.Attachments = nil
		} else {
			r.Attachments = append([]Attachment(nil), r.Attachments...)
		}
		out[i] = r
	}
	return out
}
