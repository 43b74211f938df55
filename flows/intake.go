package flows

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/lapor-id/lapor/flows/calendar"
	"github.com/lapor-id/lapor/flows/region"
	"github.com/lapor-id/lapor/store"
)

// Step is where a chat stands in its conversation; it is stored with the
// conversation so a draft survives restarts.
type Step string

// Steps of the citizen's intake (pengaduan).
const (
	StepIdle         Step = "idle"
	StepStatusAsk    Step = "status_ask"
	StepType         Step = "type"
	StepWhat         Step = "what"
	StepWhen         Step = "when"
	StepWhere        Step = "where"
	StepKecamatan    Step = "kecamatan"
	StepEvidence     Step = "evidence"
	StepAnonymous    Step = "anonymous"
	StepConfidential Step = "confidential"
	StepSummary      Step = "summary"
	StepEdit         Step = "edit"
)

// inDraft reports whether the step belongs to a report being written.
func (s Step) inDraft() bool {
	return s != StepIdle && s != StepStatusAsk && s != StepRejectReason && s != StepRatingComment && s != StepFirstConfirm && s != ""
}

// Report types as LAPOR! names them.
var reportTypes = []string{"pengaduan", "aspirasi", "permintaan_informasi"}

// draft is the report being written, kept as JSON on the conversation.
type draft struct {
	Type         string            `json:"type,omitempty"`
	Description  []string          `json:"description,omitempty"`
	OccurredOn   string            `json:"occurred_on,omitempty"` // YYYY-MM-DD
	WhenUnknown  bool              `json:"when_unknown,omitempty"`
	WhenSet      bool              `json:"when_set,omitempty"`
	Address      string            `json:"address,omitempty"`
	Location     *Location         `json:"location,omitempty"`
	Kecamatan    string            `json:"kecamatan,omitempty"`
	Attachments  []draftAttachment `json:"attachments,omitempty"`
	Anonymous    *bool             `json:"anonymous,omitempty"`
	Confidential *bool             `json:"confidential,omitempty"`
	Editing      bool              `json:"editing,omitempty"` // back to the summary after this step
	Pending      string            `json:"pending,omitempty"` // the report a workflow step is about
	// The national form's fields (flows/formfields.go).
	Title       string `json:"title,omitempty"`
	TitleOwn    bool   `json:"title_own,omitempty"` // typed by the citizen, not suggested
	Category    string `json:"category,omitempty"`
	CategoryOwn bool   `json:"category_own,omitempty"` // chosen by the citizen, not suggested
	Name        string `json:"name,omitempty"`
	Contact     string `json:"contact,omitempty"`
}

type draftAttachment struct {
	ID   int64  `json:"id"`
	Kind Kind   `json:"kind"`
	Name string `json:"name"`
	Size int64  `json:"size"`
}

func (d *draft) descriptionText() string { return strings.Join(d.Description, "\n\n") }

func (d *draft) descriptionLen() int { return utf8.RuneCountInString(d.descriptionText()) }

// turn is the handling of one inbound message.
type turn struct {
	ctx  context.Context
	s    *Service
	tx   *store.Tx
	in   store.Inbound
	msg  Inbound
	conv store.Conversation
	step Step
	d    draft
	lang Lang
	now  time.Time
	out  outbox

	file        evidence // the fetched file of a file message, if it was wanted
	fileProblem string   // why a file message's file was not taken
}

func newTurn(ctx context.Context, s *Service, tx *store.Tx, in store.Inbound, msg Inbound, conv store.Conversation, now time.Time) (*turn, error) {
	t := &turn{ctx: ctx, s: s, tx: tx, in: in, msg: msg, conv: conv, step: Step(conv.Step), now: now}
	if len(conv.Draft) > 0 {
		if err := json.Unmarshal(conv.Draft, &t.d); err != nil {
			return nil, fmt.Errorf("decode draft of %s/%s: %w", in.Channel, in.ChatID, err)
		}
	}
	t.lang = Lang(conv.Lang)
	if t.lang != LangID && t.lang != LangEN {
		t.lang = s.cfg.DefaultLang
	}
	if t.step == "" {
		t.step = StepIdle
	}
	t.out = s.outboxTo(ctx, tx, in.Channel, in.ChatID, t.lang, now)
	return t, nil
}

func (t *turn) say(key string, args ...any) error { return t.out.say(T(t.lang, key, args...)) }

func (t *turn) sayButtons(text string, rows ...[]Button) error { return t.out.say(text, rows...) }

func (t *turn) btn(key, data string) Button { return Button{Label: T(t.lang, key), Data: data} }

// save stores the conversation as the turn left it.
func (t *turn) save() error {
	b, err := json.Marshal(t.d)
	if err != nil {
		return err
	}
	t.conv.Step, t.conv.Draft, t.conv.Lang = string(t.step), b, string(t.lang)
	t.conv.UpdatedAt, t.conv.RemindedAt = t.now, time.Time{}
	if t.msg.UserID != "" {
		t.conv.UserID = t.msg.UserID
	}
	return t.tx.SaveConversation(t.ctx, t.conv)
}

// wantsFiles reports whether the current step keeps evidence; a file sent
// outside a report may start one (flows/firstfile.go).
func (t *turn) wantsFiles() bool {
	return t.step == StepWhat || t.step == StepEvidence || t.step == StepIdle || t.step == StepFirstConfirm
}

// fetchFile downloads the file of a file message when the conversation will
// keep it, and otherwise notes why not, so run() can tell the citizen.
func (t *turn) fetchFile(files *incoming) error {
	if !t.msg.Kind.IsFile() || t.msg.File == nil || !t.wantsFiles() {
		return nil
	}
	if len(t.d.Attachments) >= t.s.cfg.MaxAttachments {
		t.fileProblem = "limit"
		return nil
	}
	f, err := t.s.fetchEvidence(t.ctx, t.tx, t.in, t.msg, files, t.lang)
	if err != nil {
		return err
	}
	t.file, t.fileProblem = f, f.problem
	return nil
}

// explain tells the sender why a file was not taken.
func (e evidence) explain(s *Service, msg Inbound, lang Lang) string {
	name := fileLabel(msg)
	switch e.problem {
	case "toobig":
		return T(lang, "evidence.toobig", name, e.detail, FormatSize(lang, s.cfg.MaxFileBytes))
	case "badtype":
		return T(lang, "evidence.badtype", name, e.detail)
	case "mismatch":
		return T(lang, "evidence.mismatch", name, e.detail, T(lang, "content."+e.actual))
	}
	return T(lang, "evidence.failed", name)
}

// run decides what the message means at the current step and answers it.
// It returns the outcome recorded on the inbox row.
func (t *turn) run() (string, error) {
	m := &t.msg
	switch m.Kind {
	case KindCommand:
		return t.command()
	case KindEdited:
		return "refused: edited", t.say("edited")
	case KindUnsupported:
		return "refused: " + m.What, t.say("unsupported", whatName(t.lang, m.What))
	case KindText:
		m.Text = cleanText(m.Text)
		if m.Text == "" {
			if t.step == StepWhat {
				return "refused: empty", t.say("what.empty")
			}
			return "refused: empty", t.say("unsupported", whatName(t.lang, "empty"))
		}
	case KindButton:
		if handled, err := t.globalButton(); handled || err != nil {
			return "handled", err
		}
		if handled, err := t.workflowButton(); handled || err != nil {
			return "handled", err
		}
	}
	if handled, err := t.tundaAnswer(); handled || err != nil {
		return "handled", err
	}
	h, ok := t.stepHandlers()[t.step]
	if !ok {
		t.step = StepIdle // a step this version does not know: start over politely
		h = (*turn).onIdle
	}
	return "handled", h(t)
}

func (t *turn) stepHandlers() map[Step]func(*turn) error {
	return map[Step]func(*turn) error{
		StepIdle:          (*turn).onIdle,
		StepStatusAsk:     (*turn).onStatusAsk,
		StepType:          (*turn).onType,
		StepWhat:          (*turn).onWhat,
		StepWhen:          (*turn).onWhen,
		StepWhere:         (*turn).onWhere,
		StepKecamatan:     (*turn).onKecamatan,
		StepEvidence:      (*turn).onEvidence,
		StepAnonymous:     (*turn).onAnonymous,
		StepConfidential:  (*turn).onConfidential,
		StepSummary:       (*turn).onSummary,
		StepEdit:          (*turn).onEdit,
		StepRejectReason:  (*turn).onRejectReason,
		StepRatingComment: (*turn).onRatingComment,
		StepTitle:         (*turn).onTitle,
		StepCategory:      (*turn).onCategory,
		StepName:          (*turn).onName,
		StepContact:       (*turn).onContact,
		StepFirstConfirm:  (*turn).onFirstConfirm,
	}
}

// command handles slash commands, which work at every step.
func (t *turn) command() (string, error) {
	args := cleanText(t.msg.Text)
	switch t.msg.Command {
	case "start", "mulai", "menu":
		if t.step.inDraft() {
			return "handled", t.sayButtons(T(t.lang, "draft.exists"),
				[]Button{t.btn("btn.resume", "draft:resume"), t.btn("btn.canceldraft", "draft:cancel")})
		}
		t.step = StepIdle
		return "handled", t.menu("welcome", t.s.regency.Name())
	case "bantuan", "help":
		if err := t.say("help"); err != nil {
			return "", err
		}
		return "handled", t.reprompt()
	case "bahasa", "language", "lang":
		if l, ok := ParseLang(args); ok {
			t.lang, t.out.lang = l, l
			if err := t.say("lang.set"); err != nil {
				return "", err
			}
			return "handled", t.reprompt()
		}
		return "handled", t.sayButtons(T(t.lang, "lang.choose"),
			[]Button{{Label: "Bahasa Indonesia", Data: "lang:id"}, {Label: "English", Data: "lang:en"}})
	case "status", "cek":
		if args == "" {
			if t.step.inDraft() {
				return "handled", t.say("status.ask")
			}
			t.step = StepStatusAsk
			return "handled", t.say("status.ask")
		}
		return "handled", t.showStatus(args)
	case "laporan", "reports":
		return "handled", t.listReports()
	case "batal", "cancel":
		if !t.step.inDraft() {
			t.step = StepIdle
			return "handled", t.say("nodraft")
		}
		return "handled", t.cancelDraft()
	}
	if err := t.say("unknown.command", truncate(t.msg.Command, 40)); err != nil {
		return "", err
	}
	return "refused: unknown command", t.repromptDraft()
}

// globalButton handles buttons that mean the same at every step.
func (t *turn) globalButton() (bool, error) {
	data := t.msg.Button
	switch {
	case strings.HasPrefix(data, "lang:"):
		l, ok := ParseLang(strings.TrimPrefix(data, "lang:"))
		if !ok {
			return false, nil
		}
		t.lang, t.out.lang = l, l
		if err := t.say("lang.set"); err != nil {
			return true, err
		}
		return true, t.reprompt()
	case data == "draft:resume":
		if !t.step.inDraft() {
			return true, t.stale()
		}
		return true, t.reprompt()
	case data == "draft:cancel":
		if !t.step.inDraft() {
			return true, t.say("nodraft")
		}
		return true, t.cancelDraft()
	case data == "menu:help":
		if err := t.say("help"); err != nil {
			return true, err
		}
		return true, t.reprompt()
	case strings.HasPrefix(data, "menu:") && t.step.inDraft():
		return true, t.sayButtons(T(t.lang, "draft.exists"),
			[]Button{t.btn("btn.resume", "draft:resume"), t.btn("btn.canceldraft", "draft:cancel")})
	}
	return false, nil
}

func (t *turn) stale() error {
	if err := t.say("stale.button"); err != nil {
		return err
	}
	return t.reprompt()
}

// refuse answers a message that does not fit the current step with the
// reason, then repeats the step's question.
func (t *turn) refuse() error {
	m := t.msg
	var err error
	switch {
	case m.Kind == KindButton:
		return t.stale()
	case m.Kind.IsFile():
		err = t.say("evidence.notnow")
	case m.Kind == KindLocation:
		err = t.say("location.notnow")
	default:
		err = t.say("choose.buttons")
	}
	if err != nil {
		return err
	}
	return t.reprompt()
}

func (t *turn) menu(key string, args ...any) error {
	return t.sayButtons(T(t.lang, key, args...),
		[]Button{t.btn("btn.new", "menu:new")},
		[]Button{t.btn("btn.status", "menu:status"), t.btn("btn.help", "menu:help")})
}

// reprompt asks the current step's question again.
func (t *turn) reprompt() error {
	if t.step == StepIdle || t.step == StepStatusAsk {
		t.step = StepIdle
		return t.menu("welcome", t.s.regency.Name())
	}
	return t.prompt()
}

// repromptDraft repeats the question only when a draft is in progress.
func (t *turn) repromptDraft() error {
	if t.step.inDraft() {
		return t.prompt()
	}
	return nil
}

// prompt asks the question of the current step.
func (t *turn) prompt() error {
	switch t.step {
	case StepType:
		var row []Button
		var rows [][]Button
		for _, typ := range reportTypes {
			row = append(row, t.btn("type."+typ, "type:"+typ))
		}
		rows = append(rows, row[:2], row[2:])
		return t.sayButtons(T(t.lang, "type.ask"), rows...)
	case StepWhat:
		if len(t.d.Description) == 0 {
			return t.say("what.ask")
		}
		return t.sayButtons(T(t.lang, "what.noted", t.d.descriptionLen()), []Button{t.btn("btn.next", "what:next")})
	case StepWhen:
		return t.sayButtons(T(t.lang, "when.ask"),
			[]Button{t.btn("btn.today", "when:today"), t.btn("btn.yesterday", "when:yesterday")},
			[]Button{t.btn("btn.unknown", "when:unknown")})
	case StepWhere:
		return t.sayButtons(t.whereAsk())
	case StepKecamatan:
		return t.sayButtons(T(t.lang, "kec.ask"), t.kecamatanButtons()...)
	case StepEvidence:
		return t.sayButtons(T(t.lang, "evidence.ask", t.s.cfg.MaxAttachments, FormatSize(t.lang, t.s.cfg.MaxFileBytes)),
			[]Button{t.btn("btn.done", "ev:done"), t.btn("btn.skip", "ev:skip")})
	case StepAnonymous:
		return t.sayButtons(T(t.lang, "anon.ask"),
			[]Button{t.btn("btn.yes", "anon:yes"), t.btn("btn.no", "anon:no")}, []Button{t.btn("btn.skip", "anon:skip")})
	case StepConfidential:
		return t.sayButtons(T(t.lang, "conf.ask"),
			[]Button{t.btn("btn.yes", "conf:yes"), t.btn("btn.no", "conf:no")}, []Button{t.btn("btn.skip", "conf:skip")})
	case StepSummary:
		return t.summary()
	case StepEdit:
		return t.sayButtons(T(t.lang, "edit.ask"),
			[]Button{t.btn("field.type", "edit:type"), t.btn("field.what", "edit:what"), t.btn("field.when", "edit:when")},
			[]Button{t.btn("field.where", "edit:where"), t.btn("field.evidence", "edit:evidence"), t.btn("field.privacy", "edit:privacy")},
			[]Button{t.btn("btn.send", "sum:send")})
	}
	if ok, err := t.formPrompt(); ok {
		return err
	}
	return t.menu("welcome", t.s.regency.Name())
}

// suggestedKecamatan is the suggested kecamatan's button on a row of its
// own, then the others (each kecamatan once).
func (t *turn) suggestedKecamatan(k region.Kecamatan) [][]Button {
	return append([][]Button{{{Label: "✅ " + k.Name, Data: "kec:" + k.Code}}}, t.kecamatanButtons(k.Code)...)
}

// kecamatanButtons lists the regency's kecamatan, three to a row, but the
// ones in except.
func (t *turn) kecamatanButtons(except ...string) [][]Button {
	var rows [][]Button
	var row []Button
	for _, k := range t.s.regency.Kecamatan() {
		if slices.Contains(except, k.Code) {
			continue
		}
		row = append(row, Button{Label: k.Name, Data: "kec:" + k.Code})
		if len(row) == 3 {
			rows, row = append(rows, row), nil
		}
	}
	if len(row) > 0 {
		rows = append(rows, row)
	}
	return rows
}

// advance moves to the step after the one just completed, or back to the
// summary when the citizen was changing one field.
func (t *turn) advance(next Step) error {
	if t.d.Editing && next != StepKecamatan && next != StepConfidential {
		t.d.Editing = false
		next = StepSummary
	}
	t.step = next
	return t.prompt()
}

func (t *turn) onIdle() error {
	switch t.msg.Button {
	case "menu:new":
		t.d = draft{}
		t.step = StepType
		return t.prompt()
	case "menu:status":
		t.step = StepStatusAsk
		return t.say("status.ask")
	}
	if t.msg.Kind == KindButton {
		return t.stale()
	}
	if t.msg.Kind == KindText {
		return t.onIdleText() // flows/firstmessage.go
	}
	if t.msg.Kind.IsFile() {
		t.d = draft{}
		return t.takeFile() // flows/firstfile.go asks whether it starts a report
	}
	return t.menu("idle.text")
}

func (t *turn) onStatusAsk() error {
	if t.msg.Kind != KindText {
		t.step = StepIdle
		return t.onIdle()
	}
	t.step = StepIdle
	return t.showStatus(t.msg.Text)
}

func (t *turn) onType() error {
	choice := strings.TrimPrefix(t.msg.Button, "type:")
	if t.msg.Kind == KindText {
		choice = typeFromText(t.msg.Text)
	}
	for _, typ := range reportTypes {
		if choice == typ {
			t.d.Type = typ
			return t.advance(StepWhat)
		}
	}
	return t.refuse()
}

func typeFromText(s string) string {
	s = strings.ToLower(strings.TrimSpace(s))
	switch {
	case s == "1" || strings.HasPrefix(s, "pengaduan") || strings.HasPrefix(s, "complaint") || strings.HasPrefix(s, "keluhan"):
		return "pengaduan"
	case s == "2" || strings.HasPrefix(s, "aspirasi") || strings.HasPrefix(s, "aspiration") || strings.HasPrefix(s, "usul") || strings.HasPrefix(s, "saran"):
		return "aspirasi"
	case s == "3" || strings.HasPrefix(s, "permintaan") || strings.HasPrefix(s, "informasi") || strings.HasPrefix(s, "information"):
		return "permintaan_informasi"
	}
	return ""
}

func (t *turn) onWhat() error {
	switch {
	case t.msg.Kind == KindText:
		max := t.s.cfg.MaxDescription
		if t.d.descriptionLen()+utf8.RuneCountInString(t.msg.Text) > max {
			return t.sayButtons(T(t.lang, "what.toolong", max), []Button{t.btn("btn.next", "what:next")})
		}
		t.d.Description = append(t.d.Description, t.msg.Text)
		return t.sayButtons(T(t.lang, "what.noted", t.d.descriptionLen()), []Button{t.btn("btn.next", "what:next")})
	case t.msg.Button == "what:next":
		if n := t.d.descriptionLen(); n < t.s.cfg.MinDescription {
			return t.say("what.short", n, t.s.cfg.MinDescription)
		}
		return t.advance(StepWhen)
	case t.msg.Kind.IsFile():
		return t.takeFile()
	}
	return t.refuse()
}

func (t *turn) onWhen() error {
	today := calendar.DateOf(t.now).Start()
	var ans dateAnswer
	ok := true
	switch {
	case t.msg.Button == "when:today":
		ans = dateAnswer{date: today}
	case t.msg.Button == "when:yesterday":
		ans = dateAnswer{date: today.AddDate(0, 0, -1)}
	case t.msg.Button == "when:unknown":
		ans = dateAnswer{unknown: true}
	case t.msg.Kind == KindText:
		ans, ok = parseWhen(t.msg.Text, today)
		if !ok {
			return t.say("when.invalid")
		}
	default:
		return t.refuse()
	}
	if ans.date.After(today) {
		return t.say("when.future", FormatDate(t.lang, ans.date))
	}
	t.d.WhenSet, t.d.WhenUnknown, t.d.OccurredOn = true, ans.unknown, ""
	if !ans.unknown {
		t.d.OccurredOn = ans.date.Format(time.DateOnly)
	}
	return t.advance(StepWhere)
}

func (t *turn) onWhere() error {
	switch {
	case t.msg.Kind == KindLocation && t.msg.Location != nil:
		loc := *t.msg.Location
		t.d.Location = &loc
		reg := t.s.regency
		if !reg.Inside(loc.Lat, loc.Lon) {
			if err := t.say("where.outside", reg.Name()); err != nil {
				return err
			}
		} else if k, _ := reg.Nearest(loc.Lat, loc.Lon); k.Code != "" {
			t.step = StepKecamatan
			return t.sayButtons(T(t.lang, "kec.suggest", k.Name), t.suggestedKecamatan(k)...)
		}
		t.step = StepKecamatan
		return t.prompt()
	case t.msg.Kind == KindText:
		t.d.Address = truncate(t.msg.Text, 1000)
		t.step = StepKecamatan
		if k, ok := t.mentionedKecamatan(t.msg.Text); ok {
			// No pin was sent: the address named it.
			return t.sayButtons(T(t.lang, "kec.suggest.address", k.Name), t.suggestedKecamatan(k)...)
		}
		return t.prompt()
	}
	return t.refuse()
}

// mentionedKecamatan finds the one kecamatan an address names, as a whole
// word ("Jl. Raya No. 5, Plaosan").
func (t *turn) mentionedKecamatan(address string) (region.Kecamatan, bool) {
	words := " " + strings.Join(strings.FieldsFunc(strings.ToLower(address), func(r rune) bool {
		return !unicode.IsLetter(r) && !unicode.IsDigit(r)
	}), " ") + " "
	var found []region.Kecamatan
	for _, k := range t.s.regency.Kecamatan() {
		if strings.Contains(words, " "+strings.ToLower(k.Name)+" ") {
			found = append(found, k)
		}
	}
	if len(found) != 1 {
		return region.Kecamatan{}, false
	}
	return found[0], true
}

func (t *turn) onKecamatan() error {
	switch {
	case strings.HasPrefix(t.msg.Button, "kec:"):
		k, ok := t.s.regency.ByCode(strings.TrimPrefix(t.msg.Button, "kec:"))
		if !ok {
			return t.stale()
		}
		t.d.Kecamatan = k.Code
		return t.advance(StepEvidence)
	case t.msg.Kind == KindText:
		k, ok := t.s.regency.Match(t.msg.Text)
		if !ok {
			return t.sayButtons(T(t.lang, "kec.invalid", truncate(t.msg.Text, 60), t.s.regency.Name()), t.kecamatanButtons()...)
		}
		t.d.Kecamatan = k.Code
		return t.advance(StepEvidence)
	}
	return t.refuse()
}

func (t *turn) onEvidence() error {
	switch {
	case t.msg.Kind.IsFile():
		return t.takeFile()
	case t.msg.Button == "ev:done" || t.msg.Button == "ev:skip":
		return t.advance(StepAnonymous)
	}
	return t.refuse()
}

// takeFile keeps a fetched file as evidence of the draft, or tells the
// citizen why it was not kept.
func (t *turn) takeFile() error {
	f := t.msg.File
	name := fileLabel(t.msg)
	switch t.fileProblem {
	case "":
	case "limit":
		return t.say("evidence.limit", t.s.cfg.MaxAttachments)
	default:
		return t.out.say(t.file.explain(t.s, t.msg, t.lang))
	}
	if t.file.blob == 0 || f == nil {
		return t.say("evidence.failed", name)
	}
	mime := f.MIME
	if mime == "" {
		mime = defaultMIME(t.msg.Kind)
	}
	a := &store.Attachment{Channel: t.in.Channel, ChatID: t.in.ChatID, InboxID: t.in.ID, Kind: string(t.msg.Kind),
		OriginalName: f.Name, MIMEType: mime, BlobID: t.file.blob, CreatedAt: t.now}
	if err := t.tx.AddAttachment(t.ctx, a); err != nil {
		return fmt.Errorf("store attachment: %w", err)
	}
	t.d.Attachments = append(t.d.Attachments, draftAttachment{ID: a.ID, Kind: t.msg.Kind, Name: name, Size: a.Size})
	// A caption on evidence is part of the story, within the description's
	// limit like any text; one that does not fit is not kept, and the
	// citizen is told.
	if c := cleanText(t.msg.Text); c != "" {
		if t.d.descriptionLen()+utf8.RuneCountInString(c) <= t.s.cfg.MaxDescription {
			t.d.Description = append(t.d.Description, c)
		} else if err := t.say("evidence.caption.toolong", t.s.cfg.MaxDescription); err != nil {
			return err
		}
	}
	if t.step == StepIdle || t.step == StepFirstConfirm {
		return t.askFirstFile(name, a.Size) // flows/firstfile.go
	}
	if t.step == StepWhat {
		// Still telling what happened: the file is kept, and the next
		// button is this step's own.
		return t.sayButtons(T(t.lang, "evidence.early", len(t.d.Attachments), name, FormatSize(t.lang, a.Size)),
			[]Button{t.btn("btn.next", "what:next")})
	}
	return t.sayButtons(T(t.lang, "evidence.got", len(t.d.Attachments), name, FormatSize(t.lang, a.Size)),
		[]Button{t.btn("btn.done", "ev:done")})
}

func fileLabel(m Inbound) string {
	if m.File != nil && m.File.Name != "" {
		return truncate(cleanText(m.File.Name), 80)
	}
	return string(m.Kind)
}

func defaultMIME(k Kind) string {
	switch k {
	case KindPhoto:
		return "image/jpeg"
	case KindVideo:
		return "video/mp4"
	case KindVoice:
		return "audio/ogg"
	case KindAudio:
		return "audio/mpeg"
	}
	return "application/octet-stream"
}

func (t *turn) onAnonymous() error {
	var yes bool
	switch t.msg.Button {
	case "anon:yes":
		yes = true
	case "anon:no", "anon:skip":
	default:
		var ok bool
		if yes, ok = parseYesNo(t.msg.Text); t.msg.Kind != KindText || !ok {
			return t.refuse()
		}
	}
	t.d.Anonymous = &yes
	t.step = t.afterAnonymous()
	return t.prompt()
}

func (t *turn) onConfidential() error {
	yes := true // DOMAIN.md: without a choice the report is confidential
	switch t.msg.Button {
	case "conf:yes":
	case "conf:no":
		yes = false
	case "conf:skip": // the question said what skipping means (conf.ask)
	default:
		var ok bool
		if yes, ok = parseYesNo(t.msg.Text); t.msg.Kind != KindText || !ok {
			return t.refuse()
		}
	}
	t.d.Confidential = &yes
	t.d.Editing = false
	t.step = StepSummary
	return t.prompt()
}

func (t *turn) summary() error {
	d := &t.d
	yn := func(b *bool, def bool) string {
		v := def
		if b != nil {
			v = *b
		}
		if v {
			return T(t.lang, "yes")
		}
		return T(t.lang, "no")
	}
	when := T(t.lang, "unknown.date")
	if d.OccurredOn != "" {
		if day, err := time.ParseInLocation(time.DateOnly, d.OccurredOn, calendar.Local()); err == nil {
			when = FormatDate(t.lang, day)
		}
	}
	var where []string
	if d.Address != "" {
		where = append(where, d.Address)
	}
	if d.Location != nil {
		where = append(where, T(t.lang, "pin", d.Location.Lat, d.Location.Lon))
	}
	kec := T(t.lang, "none")
	if k, ok := t.s.regency.ByCode(d.Kecamatan); ok {
		kec = k.Name
	}
	evidence := T(t.lang, "none")
	if n := len(d.Attachments); n > 0 {
		evidence = T(t.lang, "files", n)
	}
	form, identity := t.summaryForm()
	if identity != "" {
		identity = "\n" + identity
	}
	text := T(t.lang, "summary", form, T(t.lang, "type."+d.Type), truncate(d.descriptionText(), 1500), when,
		strings.Join(where, "; "), kec, evidence, yn(d.Anonymous, false), identity, yn(d.Confidential, true))
	return t.sayButtons(text,
		[]Button{t.btn("btn.send", "sum:send")},
		[]Button{t.btn("btn.edit", "sum:edit"), t.btn("btn.cancel", "sum:cancel")},
		[]Button{t.btn("btn.title", "sum:title"), t.btn("btn.category", "sum:category")})
}

func (t *turn) onSummary() error {
	switch t.msg.Button {
	case "sum:send":
		return t.submit()
	case "sum:edit":
		t.step = StepEdit
		return t.prompt()
	case "sum:cancel":
		return t.cancelDraft()
	case "sum:title":
		t.step = StepTitle
		return t.prompt()
	case "sum:category":
		t.step = StepCategory
		return t.prompt()
	}
	return t.refuse()
}

func (t *turn) onEdit() error {
	t.d.Editing = true
	switch t.msg.Button {
	case "edit:type":
		t.step = StepType
	case "edit:what":
		t.d.Description = nil
		t.step = StepWhat
		return t.say("what.replace")
	case "edit:when":
		t.step = StepWhen
	case "edit:where":
		t.d.Address, t.d.Location = "", nil
		t.step = StepWhere
	case "edit:evidence":
		t.step = StepEvidence
	case "edit:privacy":
		t.step = StepAnonymous
	case "sum:send":
		t.d.Editing = false
		return t.submit()
	default:
		t.d.Editing = false
		return t.refuse()
	}
	return t.prompt()
}

func (t *turn) cancelDraft() error {
	t.d = draft{}
	t.step = StepIdle
	return t.say("cancelled")
}

// submit turns the draft into a report in stage "submitted", tells the
// citizen the tracking number and what happens next, by when.
func (t *turn) submit() error {
	d := &t.d
	if d.Type == "" || d.descriptionLen() < t.s.cfg.MinDescription || !d.WhenSet || d.Kecamatan == "" {
		// Only reachable through a stale draft; ask for what is missing.
		t.step = StepType
		return t.prompt()
	}
	// An information request goes to the PPID (flows/ppid.go).
	entry, err := entryStage(t.ctx, t.tx, d.Type)
	if err != nil {
		return err
	}
	deadline := t.s.cal().Deadline(t.now, t.s.stageDays(entry))
	r := &store.Report{
		Type: d.Type, Description: d.descriptionText(), Address: d.Address, KecamatanCode: d.Kecamatan,
		Anonymous: d.Anonymous != nil && *d.Anonymous, Confidential: d.Confidential == nil || *d.Confidential,
		Channel: t.in.Channel, ChatID: t.in.ChatID, ReporterUserID: t.msg.UserID,
		ReporterName: t.msg.UserName, ReporterUsername: t.msg.Username, Lang: string(t.lang),
		Title: d.Title, Category: d.Category, Contact: d.Contact,
		Stage: string(entry), ResponsibleUnit: stageUnit(entry), StageStartedAt: t.now, StageDeadline: deadline,
		DeadlineBase: t.now, DeadlineDays: t.s.stageDays(entry),
		SubmittedAt: t.now, SourceInboxID: t.in.ID,
	}
	if d.Name != "" && !r.Anonymous {
		r.ReporterName = d.Name // the name they gave, not the account's
	}
	if d.WhenUnknown {
		r.OccurredText = "tidak ingat"
	} else if day, err := time.ParseInLocation(time.DateOnly, d.OccurredOn, calendar.Local()); err == nil {
		r.OccurredOn = day
	}
	if d.Location != nil {
		r.Latitude, r.Longitude = &d.Location.Lat, &d.Location.Lon
	}
	for try := 0; try < 5; try++ {
		r.TrackingID = NewTrackingID(t.s.cfg.TrackingPrefix)
		if err = t.tx.CreateReport(t.ctx, r); !errors.Is(err, store.ErrConflict) {
			break
		}
	}
	if err != nil {
		return err
	}
	ids := make([]int64, len(d.Attachments))
	for i, a := range d.Attachments {
		ids[i] = a.ID
	}
	if _, err := t.tx.AttachToReport(t.ctx, r.ID, t.in.Channel, t.in.ChatID, ids); err != nil {
		return err
	}
	if err := t.tx.AppendEvent(t.ctx, store.Event{ReportID: r.ID, At: t.now, Kind: "submitted",
		StageTo: string(entry), ActorRole: "citizen", Channel: t.in.Channel, Deadline: r.StageDeadline}); err != nil {
		return err
	}
	if err := t.courier().cardTo(r, stageUnit(entry), ""); err != nil {
		return err
	}
	t.d = draft{}
	t.step = StepIdle
	key := "submitted"
	if entry == StageAtPPID {
		key = "submitted.ppid"
	}
	return t.say(key, r.TrackingID, r.TrackingID, t.s.regency.Name(),
		FormatDate(t.lang, deadline.In(calendar.Local())), t.s.stageDays(entry))
}
