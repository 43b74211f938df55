package hardcopy

import (
	"strings"
	"testing"
	"time"

	"github.com/lapor-id/lapor/flows/records"
)

// The agencies' answers print whole in their own section, each with its
// kind, time, agency, officer, status and photos; the timeline points to
// them instead of printing the same text twice. Without responses (a public
// record) there is no such section.
func TestReportResponses(t *testing.T) {
	t.Parallel()
	rec := record(t)
	long := strings.Repeat("The drain was cleared along 120 m and a new culvert was laid. ", 40) + "End of the answer 👍."
	rec.Timeline = append(rec.Timeline,
		recordsStep(at(12, 9, 0), "first_response", "We will survey on Thursday."),
		recordsStep(at(20, 15, 0), "submit", long))
	rec.Responses = append(rec.Responses,
		response("first_response", "First response", "We will survey on Thursday.", "passed on to the reporter", at(12, 9, 0), nil),
		response("answer", "Answer", long, "", at(20, 15, 0), thumb(t, 400, 300, 3)))
	b, _, text := render(t, rec, header, "en")
	contains(t, text, "The agencies' answers and progress updates", "First response · 12-11-2026 09:00 WIB",
		"Dinas Pekerjaan Umum dan Penataan Ruang — Bambang Sutrisno", "Status: passed on to the reporter",
		"We will survey on Thursday.", "Answer · 20-11-2026 15:00 WIB", "End of the answer [emoji].", "hasil.jpg",
		"The full text and its attachments are under")
	if n := strings.Count(text, "a new culvert was laid. The drain"); n != 39 {
		t.Errorf("the answer's text has %d of its 39 joins, want it printed once", n)
	}
	if n := images(b); n != 3 {
		t.Errorf("%d images, want the 2 evidence photos and the answer's", n)
	}

	rec.Responses = nil
	_, _, text = render(t, rec, header, "en")
	lacks(t, text, "The agencies' answers and progress updates", "The full text and its attachments")
}

func recordsStep(when time.Time, kind, note string) records.Step {
	return records.Step{At: when, Kind: kind, What: kind, Actor: "Liaison officer (Bambang Sutrisno)", Note: note}
}

func response(kind, name, body, status string, when time.Time, photo []byte) records.Response {
	rsp := records.Response{Kind: kind, KindName: name, Round: 1, Agency: "Dinas Pekerjaan Umum dan Penataan Ruang",
		Officer: "Bambang Sutrisno", At: when, StatusName: status, Body: body}
	if photo != nil {
		rsp.Attachments = []records.Attachment{{ID: 9, Name: "hasil.jpg", MIME: "image/jpeg", Kind: "photo", Size: 50_000, Thumb: photo}}
	}
	return rsp
}
