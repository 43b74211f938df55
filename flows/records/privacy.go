package records

import (
	"fmt"
	"mime"
	"path"
	"slices"
	"strings"
)

// This file is lapor's privacy rule, written once: what each audience may
// see of a report, by the report's flags. Every output — a desk's card and
// its evidence, /laporan, a printout, an export, open data — takes its
// audience from where it goes (a desk, an officer's own chat, the public),
// never from who asked, and shows a report only through Record.For.

// Field is a piece of a report that the rule decides on.
type Field int

// Fields.
const (
	FieldName         Field = iota // the reporter's name
	FieldUsername                  // their handle on the platform
	FieldContact                   // the phone or e-mail a reporter gave at intake; a walk-in citizen's phone or home address, as the counter wrote it
	FieldChatID                    // the chat the report came from (on WhatsApp, a phone number)
	FieldAddress                   // the address of the place, as the citizen typed it
	FieldPin                       // the map point the citizen shared
	FieldFileNames                 // the names of the evidence files, as the citizen's phone had them
	FieldFileContents              // the evidence files themselves
	FieldNotes                     // free text in the history: reasons, questions, answers and follow-ups (with the agency's files), the rating comment
	FieldOfficers                  // officers' names in the history
	FieldTitle                     // the report's short title (judul), which can say as much as the description
	FieldCategory                  // the LAPOR! category
	numFields
)

var fieldNames = [numFields]string{"name", "username", "contact", "chat id", "address", "pin", "file names",
	"file contents", "notes", "officers' names", "title", "category"}

func (f Field) String() string { return fieldNames[f] }

// Fields lists every field, in the table's order.
func Fields() []Field {
	out := make([]Field, numFields)
	for i := range out {
		out[i] = Field(i)
	}
	return out
}

// Treatment is what an output does with a field.
type Treatment int

// Treatments, from the most open to the most closed: when several flags
// of a report apply, the most closed treatment wins.
const (
	Shown Treatment = iota
	// Generalised: a coarser form. Address: only the village (desa or
	// kelurahan) named in it and the kecamatan. File names: bukti-1.jpg,
	// bukti-2.pdf, … File contents: photos only, without their metadata;
	// documents, videos and voice notes are not passed on.
	Generalised
	// OnRequest: in no output; an admin looks it up with /identitas in an
	// admin desk, and every look is written to the audit log and the
	// report's history.
	OnRequest
	Withheld
)

func (t Treatment) String() string {
	switch t {
	case Shown:
		return "shown"
	case Generalised:
		return "generalised"
	case OnRequest:
		return "on request (/identitas, audited)"
	}
	return "withheld"
}

// Flags are the facts of a report the rule depends on.
type Flags struct {
	Anonymous    bool // anonim: the identity is hidden from the agency and the public
	Confidential bool // rahasia: the content never goes public
	WalkIn       bool // recorded by an officer for a citizen at the counter, by phone or SMS
}

// rule is one cell row of the table: the treatment always, and when each
// flag is set.
type rule struct{ always, anonymous, confidential, walkIn Treatment }

func (r rule) treat(f Flags) Treatment {
	t := r.always
	if f.Anonymous {
		t = max(t, r.anonymous)
	}
	if f.Confidential {
		t = max(t, r.confidential)
	}
	if f.WalkIn {
		t = max(t, r.walkIn)
	}
	return t
}

// table is the rule: for each field, for each audience (Admin, Agency,
// Ombudsman, Public), the treatment {always, if anonymous, if
// confidential, if walk-in}. A confidential report is never public at all
// (Visible); its fields need no rule of their own here.
var table = func() [numFields][numAudiences]rule {
	const s, g, r, w = Shown, Generalised, OnRequest, Withheld
	return [numFields][numAudiences]rule{
		//                 Admin         Agency        Ombudsman     Public
		FieldName:         {{s, r, s, s}, {s, w, s, w}, {s, w, s, w}, {w, w, w, w}},
		FieldUsername:     {{s, r, s, s}, {w, w, w, w}, {w, w, w, w}, {w, w, w, w}},
		FieldContact:      {{s, r, s, s}, {w, w, w, w}, {w, w, w, w}, {w, w, w, w}},
		FieldChatID:       {{s, r, s, s}, {w, w, w, w}, {w, w, w, w}, {w, w, w, w}},
		FieldAddress:      {{s, s, s, s}, {s, s, s, s}, {s, s, s, s}, {s, g, s, s}},
		FieldPin:          {{s, s, s, s}, {s, s, s, s}, {s, s, s, s}, {s, w, s, s}},
		FieldFileNames:    {{s, s, s, s}, {s, g, s, s}, {s, g, s, s}, {w, w, w, w}},
		FieldFileContents: {{s, s, s, s}, {s, g, s, s}, {s, g, s, s}, {w, w, w, w}},
		FieldNotes:        {{s, s, s, s}, {s, s, s, s}, {s, s, s, s}, {w, w, w, w}},
		FieldOfficers:     {{s, s, s, s}, {s, s, s, s}, {s, s, s, s}, {w, w, w, w}},
		FieldTitle:        {{s, s, s, s}, {s, s, s, s}, {s, s, s, s}, {s, s, w, s}},
		FieldCategory:     {{s, s, s, s}, {s, s, s, s}, {s, s, s, s}, {s, s, s, s}},
	}
}()

// Treat is the rule for one field of a report with flags f, for audience a.
func Treat(a Audience, f Flags, field Field) Treatment {
	return table[field][a].treat(f)
}

// Scope says which reports an audience may see at all. An agency sees the
// reports disposed to it (alone or with others); the Ombudsman desk those forwarded to it; the
// public only verified reports that are not confidential.
type Scope struct {
	Agency       string // the agency's code, for Agency
	Verified     bool   // the super admin verified it
	Confidential bool
	AgencyCode   string   // the agency the report is disposed to
	CoAgencies   []string // the other agencies it is disposed to as well
	Ombudsman    bool     // forwarded to the Ombudsman
}

// Visible reports whether audience a (of agency, for Agency) may see a
// report at all.
func Visible(a Audience, agency string, rep Scope) bool {
	switch a {
	case Admin:
		return true
	case Agency:
		return agency != "" && (rep.AgencyCode == agency || slices.Contains(rep.CoAgencies, agency))
	case Ombudsman:
		return rep.Ombudsman
	}
	return rep.Verified && !rep.Confidential
}

// Flags are the record's flags.
func (rec *Record) Flags() Flags {
	return Flags{Anonymous: rec.Anonymous, Confidential: rec.Confidential, WalkIn: rec.Channel == ChannelWalkIn}
}

// ChannelWalkIn is the channel of complaints an officer recorded.
const ChannelWalkIn = "conventional"

// For returns the record as audience a may see it: every field treated as
// the table says. rec must be whole (identity, exact place, file names,
// notes and officers all present); For is the only place that takes
// anything away.
func (rec Record) For(a Audience) Record {
	f := rec.Flags()
	out := rec
	treat := func(field Field) Treatment { return Treat(a, f, field) }

	if rec.Reporter != nil {
		rep := *rec.Reporter
		if treat(FieldName) != Shown {
			rep.Name = ""
		}
		if treat(FieldUsername) != Shown {
			rep.Username = ""
		}
		if treat(FieldContact) != Shown {
			rep.Contact = ""
		}
		if treat(FieldChatID) != Shown {
			rep.ChatID = ""
		}
		out.Reporter = &rep
		if rep.Name == "" && rep.Username == "" && rep.Contact == "" && rep.ChatID == "" {
			out.Reporter = nil
		}
	}

	switch treat(FieldAddress) {
	case Generalised:
		out.Address = generalAddress(rec.Village, rec.Kecamatan)
	case Withheld, OnRequest:
		out.Address = ""
	}
	if treat(FieldPin) != Shown {
		out.Lat, out.Lon = nil, nil
	}

	names, contents := treat(FieldFileNames), treat(FieldFileContents)
	out.Attachments = nil
	if contents != Withheld && names != Withheld {
		for i, att := range rec.Attachments {
			if names == Generalised {
				att.Name = NeutralFileName(i+1, att.MIME, att.Name)
			}
			if contents == Generalised && !att.IsImage() {
				att.Thumb, att.Withheld = nil, true
			}
			out.Attachments = append(out.Attachments, att)
		}
	}

	if treat(FieldTitle) != Shown {
		out.Title = ""
	}
	if treat(FieldCategory) != Shown {
		out.Category, out.CategoryName = "", ""
	}

	notes, officers := treat(FieldNotes), treat(FieldOfficers)
	if notes != Shown {
		out.RatingComment = ""
	}
	out.Timeline = make([]Step, len(rec.Timeline))
	for i, st := range rec.Timeline {
		if notes != Shown {
			st.Note = ""
		}
		if officers != Shown {
			st.Officer, st.Desk = "", ""
		}
		out.Timeline[i] = st
	}
	out.Responses = responsesFor(rec.Responses, notes, officers, contents)
	return out
}

// generalAddress is a place as "Desa X, Kecamatan Y", or the kecamatan
// alone when the address named no village of it.
func generalAddress(village, kecamatan string) string {
	switch {
	case village != "" && kecamatan != "":
		return village + ", Kecamatan " + kecamatan
	case kecamatan != "":
		return "Kecamatan " + kecamatan
	}
	return ""
}

// NeutralFileName is the n-th evidence file's name where the original may
// not go: "bukti-1.jpg". The extension is the original's when it is a
// plain one (a few letters or digits), else one for the file's type; it
// says what opens the file and nothing about the sender.
func NeutralFileName(n int, mimeType, original string) string {
	ext := strings.ToLower(path.Ext(original))
	if len(ext) < 2 || len(ext) > 6 || !isAlnum(ext[1:]) {
		base, _, _ := mime.ParseMediaType(mimeType)
		ext = extensions[base]
	}
	return fmt.Sprintf("bukti-%d%s", n, ext)
}

// extensions name the types evidence comes in (fixed here: the system's
// MIME table differs from machine to machine).
var extensions = map[string]string{
	"image/jpeg": ".jpg", "image/png": ".png", "image/gif": ".gif", "image/webp": ".webp", "image/heic": ".heic",
	"application/pdf": ".pdf", "video/mp4": ".mp4", "video/quicktime": ".mov", "video/3gpp": ".3gp",
	"audio/ogg": ".ogg", "audio/mpeg": ".mp3", "audio/mp4": ".m4a", "audio/aac": ".aac", "text/plain": ".txt",
	"application/msword":       ".doc",
	"application/vnd.ms-excel": ".xls",
	"application/vnd.openxmlformats-officedocument.wordprocessingml.document": ".docx",
	"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet":       ".xlsx",
	"application/zip": ".zip",
}

func isAlnum(s string) bool {
	for _, c := range s {
		if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9') {
			return false
		}
	}
	return true
}

// IsImage says whether an attachment is a photo (shown to desks without
// its metadata).
func (a Attachment) IsImage() bool {
	return a.Kind == "photo" || strings.HasPrefix(a.MIME, "image/")
}

// Markdown is the table as the README shows it: for each field and
// audience, the treatment, and how a flag of the report changes it.
func Markdown() string {
	var b strings.Builder
	b.WriteString("| field | regency desks (admins) | agency desk | Ombudsman desk | public |\n|---|---|---|---|---|\n")
	for _, field := range Fields() {
		b.WriteString("| " + field.String())
		for _, a := range Audiences() {
			r := table[field][a]
			cell := r.always.String()
			for _, f := range []struct {
				name string
				t    Treatment
			}{{"anonymous", r.anonymous}, {"confidential", r.confidential}, {"walk-in", r.walkIn}} {
				if f.t > r.always {
					cell += "; " + f.name + ": " + f.t.String()
				}
			}
			b.WriteString(" | " + cell)
		}
		b.WriteString(" |\n")
	}
	return b.String()
}
