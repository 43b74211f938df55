package flows

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// The first message is never thrown away. A citizen who opens the chat and
// types instead of pressing a button gets an answer to what they typed:
// a tracking number (or the national LAPOR! one) shows that report's
// status; a question about "status" or "laporan saya" lists their
// reports; a text long enough to be a description starts a new report
// with it, after one confirmation; anything shorter (a greeting) gets the
// menu with words that say so.

// StepFirstConfirm: a text typed while no report was in progress waits
// for the citizen to confirm it is a new report.
const StepFirstConfirm Step = "first_confirm"

// statusWords are the words of a question about one's own reports.
var statusWords = []string{"status", "laporan saya", "laporanku", "laporan ku", "cek laporan", "lacak", "sudah sampai mana",
	"bagaimana laporan", "my report", "my reports", "track"}

// onIdleText answers text typed while no report is in progress.
func (t *turn) onIdleText() error {
	text := cleanText(t.msg.Text)
	if id := t.trackingIn(text); id != "" {
		return t.showStatus(id)
	}
	lower, n := strings.ToLower(text), utf8.RuneCountInString(text)
	if n < 100 { // a question, not a description that mentions a status
		for _, w := range statusWords {
			if strings.Contains(lower, w) {
				return t.listReports()
			}
		}
	}
	if n < t.s.cfg.MinDescription {
		return t.menu("idle.short")
	}
	if len(strings.Fields(text)) < 3 { // one long word is not a description
		return t.menu("idle.short")
	}
	t.d = draft{Description: []string{truncate(text, t.s.cfg.MaxDescription)}}
	t.step = StepFirstConfirm
	return t.sayButtons(T(t.lang, "first.confirm", preview(text, 200)),
		[]Button{t.btn("first.yes", "first:yes")}, []Button{t.btn("first.no", "first:no")})
}

// onFirstConfirm: yes keeps the text as the description and asks the
// report's type; no (or a button from before) sets it aside.
func (t *turn) onFirstConfirm() error {
	switch t.msg.Button {
	case "first:yes":
		t.step = StepType
		return t.prompt()
	case "first:no":
		dropped := "first.dropped"
		if len(t.d.Attachments) > 0 {
			dropped = "first.file.dropped" // flows/firstfile.go
		}
		t.d = draft{}
		t.step = StepIdle
		return t.menu(dropped)
	}
	if t.msg.Kind.IsFile() {
		return t.takeFile() // one more file for the same question
	}
	if t.msg.Kind == KindText {
		// More words: the same question, with the text grown, within the
		// description's limit.
		if more := cleanText(t.msg.Text); more != "" && t.d.descriptionLen()+utf8.RuneCountInString(more) <= t.s.cfg.MaxDescription {
			t.d.Description = append(t.d.Description, more)
		}
		return t.sayButtons(T(t.lang, "first.confirm", preview(t.d.descriptionText(), 200)),
			[]Button{t.btn("first.yes", "first:yes")}, []Button{t.btn("first.no", "first:no")})
	}
	return t.sayButtons(T(t.lang, "choose.buttons"),
		[]Button{t.btn("first.yes", "first:yes")}, []Button{t.btn("first.no", "first:no")})
}

// trackingIn finds a tracking number in text, typed the way people type
// it (lower case, with or without the dash), or a national LAPOR! number
// typed alone.
func (t *turn) trackingIn(text string) string {
	for _, w := range strings.FieldsFunc(text, func(r rune) bool {
		return unicode.IsSpace(r) || strings.ContainsRune(",.;:!?()\"'«»“”", r)
	}) {
		if id, ok := ParseTrackingID(w, t.s.cfg.TrackingPrefix); ok {
			return id
		}
	}
	if f := strings.Fields(text); len(f) == 1 && len(f[0]) >= 6 && len(f[0]) <= 40 && strings.IndexFunc(f[0], unicode.IsDigit) >= 0 {
		if _, err := t.tx.ReportByAnyID(t.ctx, f[0]); err == nil {
			return f[0] // the national number of a report here
		}
	}
	return ""
}

// preview is the first n characters of text, on one line.
func preview(text string, n int) string {
	one := strings.Join(strings.Fields(text), " ")
	if utf8.RuneCountInString(one) <= n {
		return one
	}
	r := []rune(one)
	return strings.TrimRight(string(r[:n]), " ") + "…"
}
