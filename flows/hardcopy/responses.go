package hardcopy

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/lapor-id/lapor/flows/records"
)

// The agencies' answers and follow-ups in a printed report: each whole,
// with the photos the liaison officer attached (issue 17 §2).
var responseWords = map[string][2]string{
	"sec.responses": {"Tanggapan dan tindak lanjut perangkat daerah", "The agencies' answers and progress updates"},
	"resp.round":    {"putaran %d", "round %d"},
	"resp.status":   {"Status: %s", "Status: %s"},
	"resp.reason":   {"Alasan dikembalikan: %s", "Reason it was sent back: %s"},
	"resp.empty":    {"(tanpa teks)", "(no text)"},
	"resp.see": {"Teks lengkap dan lampirannya ada di bagian Tanggapan dan tindak lanjut perangkat daerah.",
		"The full text and its attachments are under The agencies' answers and progress updates."},
}

func init() {
	for k, v := range responseWords {
		if _, dup := words[k]; dup {
			panic("hardcopy: word " + k + " defined twice")
		}
		words[k] = v
	}
}

// responses prints each answer or follow-up: what it is and when, who
// sent it for which agency, its status, its whole text, then its files (the
// photos as thumbnails, like the evidence).
func (d *doc) responses(rs []records.Response) {
	p := d.pdf
	for i, r := range rs {
		if i > 0 {
			p.Ln(2)
		}
		head := first(r.KindName, r.Kind)
		if r.Round > 1 {
			head += " (" + fmt.Sprintf(d.t("resp.round"), r.Round) + ")"
		}
		head += " · " + d.when(r.At)
		d.room(4 * lineH)
		p.SetFont(font, "B", bodySize)
		p.MultiCell(contentW, lineH+0.5, d.enc(oneLine(head)), "", "L", false)
		p.SetFont(font, "", bodySize)
		who := r.Agency
		if r.Officer != "" {
			who = strings.TrimSpace(who + " — " + r.Officer)
		}
		if who != "" {
			d.line(who)
		}
		if r.StatusName != "" {
			d.line(fmt.Sprintf(d.t("resp.status"), r.StatusName))
		}
		if strings.TrimSpace(r.Reason) != "" {
			d.note(fmt.Sprintf(d.t("resp.reason"), r.Reason))
		}
		p.Ln(1)
		if strings.TrimSpace(r.Body) == "" {
			d.note(d.t("resp.empty"))
		} else {
			d.para(r.Body)
		}
		if len(r.Attachments) > 0 {
			p.Ln(1)
			d.attachments("resp-"+strconv.Itoa(i)+"-", r.Attachments)
		}
	}
}

// responseSteps are the timeline's steps whose note is an answer or a
// follow-up (flows: ActSubmitAnswer, ActFirstResponse, ActProgress).
var responseSteps = map[string]bool{"submit": true, "first_response": true, "progress": true}

// besideResponses is the timeline as printed next to the responses
// section: a step whose note is an answer or a follow-up points to it
// instead of printing the same text twice.
func (d *doc) besideResponses(steps []records.Step, rs []records.Response) []records.Step {
	if len(rs) == 0 {
		return steps
	}
	out := make([]records.Step, len(steps))
	for i, s := range steps {
		if responseSteps[s.Kind] && strings.TrimSpace(s.Note) != "" {
			s.Note = d.t("resp.see")
		}
		out[i] = s
	}
	return out
}
