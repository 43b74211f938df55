package flows

// A photo or a document sent as the very first message is kept too: it is
// stored as the evidence of a new draft at once, and the citizen is asked
// once whether it starts a report. Yes goes on to the report's type with
// the file already attached (and its caption as the description's start);
// no sets the draft aside. A file that cannot be kept (too big, a type we
// do not take) is explained by takeFile as at the evidence step.

// askFirstFile asks whether the file just kept, and any text or files
// before it, start a new report.
func (t *turn) askFirstFile(name string, size int64) error {
	t.step = StepFirstConfirm
	return t.sayButtons(T(t.lang, "first.file.confirm", name, FormatSize(t.lang, size), len(t.d.Attachments)),
		[]Button{t.btn("first.yes", "first:yes")}, []Button{t.btn("first.no", "first:no")})
}
