package records

import "testing"

// An agency's answers go with the notes: to the regency desks, the agency
// and the Ombudsman whole (the agency's photos are not generalised like a
// reporter's evidence), to the public not at all.
func TestResponsesFollowTheNotes(t *testing.T) {
	t.Parallel()
	for _, anonymous := range []bool{false, true} {
		rec := Record{Anonymous: anonymous, Responses: []Response{{Kind: "answer", Officer: "Bambang", Body: "Sudah diperbaiki.",
			Attachments: []Attachment{{ID: 7, Name: "hasil.jpg", MIME: "image/jpeg", Kind: "photo"}}}}}
		for _, a := range Audiences() {
			got := rec.For(a).Responses
			if a == Public {
				if len(got) != 0 {
					t.Errorf("anonymous=%v: the public gets %d responses", anonymous, len(got))
				}
				continue
			}
			if len(got) != 1 || got[0].Body != "Sudah diperbaiki." || got[0].Officer != "Bambang" ||
				len(got[0].Attachments) != 1 || got[0].Attachments[0].Name != "hasil.jpg" {
				t.Errorf("anonymous=%v, %s: %+v", anonymous, a, got)
			}
		}
	}
}
