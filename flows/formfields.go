package flows

import (
	"net/mail"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/lapor-id/lapor/flows/category"
	"github.com/lapor-id/lapor/flows/phone"
)

// The fields of the national LAPOR! form that the intake did not ask for
// (issue 16 §5): a short title and a category, both suggested from the
// description and shown in the summary, where one button changes each (no
// extra question); and, for a reporter who is not anonymous, their name
// (the account's name is offered) and a contact. A channel that knows the
// reporter's number (Config.Handles: WhatsApp) does not ask for the
// contact; elsewhere the citizen may skip it, and is told that we can then
// reach them only in the chat. An anonymous reporter is asked neither.

// Steps of the form's fields.
const (
	StepTitle    Step = "title"
	StepCategory Step = "category"
	StepName     Step = "name"
	StepContact  Step = "contact"
)

const (
	// maxTitle is the characters a title may have.
	maxTitle = 80
	// maxName is the characters a reporter's name may have.
	maxName = 80
)

// suggestTitle is a title made of the description's first words: cut at a
// word boundary to at most maxTitle characters, "…" marking the cut.
func suggestTitle(desc string) string {
	words := strings.Fields(desc)
	var b strings.Builder
	cut := false
	for _, w := range words {
		n := utf8.RuneCountInString(b.String())
		if n+1+utf8.RuneCountInString(w) > maxTitle-1 { // room for "…"
			cut = true
			break
		}
		if b.Len() > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(w)
	}
	title := b.String()
	if title == "" && len(words) > 0 { // one word longer than a title
		title, cut = string([]rune(words[0])[:maxTitle-1]), true
	}
	title = strings.TrimRight(title, ".,;:!?-–— ")
	if cut {
		title += "…"
	}
	return capitalize(title)
}

// formSuggestions fills the title and category the citizen did not choose
// from the description as it is now.
func (d *draft) formSuggestions() {
	if !d.TitleOwn {
		d.Title = suggestTitle(d.descriptionText())
	}
	if !d.CategoryOwn {
		d.Category = category.Suggest(d.descriptionText())
	}
}

// categoryLabel names a category code in the turn's language.
func categoryLabel(lang Lang, code string) string {
	if code == "" {
		return T(lang, "category.none")
	}
	return category.Label(code, string(lang))
}

// formPrompt asks the question of a form step; ok is false for other steps.
func (t *turn) formPrompt() (bool, error) {
	switch t.step {
	case StepTitle:
		return true, t.say("title.ask", maxTitle, t.d.Title)
	case StepCategory:
		return true, t.sayButtons(T(t.lang, "category.ask", categoryLabel(t.lang, t.d.Category)), categoryButtons(t.lang)...)
	case StepName:
		rows := [][]Button{{t.btn("btn.goanon", "name:anon")}}
		if profile := t.profileName(); profile != "" {
			return true, t.sayButtons(T(t.lang, "name.ask.profile", profile),
				append([][]Button{{t.btn("btn.usename", "name:profile")}}, rows...)...)
		}
		return true, t.sayButtons(T(t.lang, "name.ask"), rows...)
	case StepContact:
		return true, t.sayButtons(T(t.lang, "contact.ask"), []Button{t.btn("btn.skip", "contact:skip")})
	}
	return false, nil
}

// categoryButtons lists the categories, two a row.
func categoryButtons(lang Lang) [][]Button {
	var rows [][]Button
	var row []Button
	for _, c := range category.All() {
		row = append(row, Button{Label: c.Label(string(lang)), Data: "cat:" + c.Code})
		if len(row) == 2 {
			rows, row = append(rows, row), nil
		}
	}
	if len(row) > 0 {
		rows = append(rows, row)
	}
	return rows
}

// profileName is the name on the citizen's account, if it can be a name.
func (t *turn) profileName() string {
	name, ok := cleanName(t.msg.UserName)
	if !ok {
		return ""
	}
	return name
}

// cleanName reads a person's name: one line, 2 to maxName characters,
// with a letter.
func cleanName(s string) (string, bool) {
	s = strings.Join(strings.Fields(cleanText(s)), " ")
	n := utf8.RuneCountInString(s)
	if n < 2 || n > maxName || strings.IndexFunc(s, unicode.IsLetter) < 0 {
		return "", false
	}
	return s, true
}

// parseContact reads a phone number (any way Indonesians write one) or an
// e-mail address, and returns it as stored: "+62812…" or the address.
func parseContact(s string) (string, bool) {
	s = strings.TrimSpace(s)
	if n, err := phone.Normalize(s); err == nil {
		return "+" + n, true
	}
	if len(s) > 254 || strings.ContainsAny(s, " <>\"") {
		return "", false
	}
	a, err := mail.ParseAddress(s)
	if err != nil || a.Address != s {
		return "", false
	}
	_, domain, _ := strings.Cut(s, "@")
	if !strings.Contains(domain, ".") || strings.HasPrefix(domain, ".") || strings.HasSuffix(domain, ".") {
		return "", false
	}
	return s, true
}

// knownNumber is the reporter's number when the channel tells it
// (Config.Handles turns the handle into "+62 812-…"), else "".
func (t *turn) knownNumber() string {
	if t.s.cfg.Handles[t.in.Channel] == nil || t.msg.Username == "" {
		return ""
	}
	return t.s.readableHandle(t.in.Channel, t.msg.Username)
}

// afterAnonymous is the step after the privacy question: the reporter's
// name unless they are anonymous.
func (t *turn) afterAnonymous() Step {
	if t.d.Anonymous != nil && *t.d.Anonymous {
		t.d.Name, t.d.Contact = "", ""
		return StepConfidential
	}
	return StepName
}

func (t *turn) onName() error {
	switch {
	case t.msg.Button == "name:anon":
		yes := true
		t.d.Anonymous = &yes
		t.step = t.afterAnonymous()
		return t.prompt()
	case t.msg.Button == "name:profile":
		name := t.profileName()
		if name == "" {
			return t.stale()
		}
		t.d.Name = name
	case t.msg.Kind == KindText:
		name, ok := cleanName(t.msg.Text)
		if !ok {
			return t.say("name.invalid", maxName)
		}
		t.d.Name = name
	default:
		return t.refuse()
	}
	if n := t.knownNumber(); n != "" {
		t.d.Contact = n
		t.step = StepConfidential
		return t.prompt()
	}
	t.step = StepContact
	return t.prompt()
}

func (t *turn) onContact() error {
	switch {
	case t.msg.Button == "contact:skip":
		t.d.Contact = ""
	case t.msg.Kind == KindText:
		c, ok := parseContact(t.msg.Text)
		if !ok {
			return t.sayButtons(T(t.lang, "contact.invalid", truncate(t.msg.Text, 60)), []Button{t.btn("btn.skip", "contact:skip")})
		}
		t.d.Contact = c
	default:
		return t.refuse()
	}
	t.step = StepConfidential
	return t.prompt()
}

func (t *turn) onTitle() error {
	if t.msg.Kind != KindText {
		return t.refuse()
	}
	title := strings.Join(strings.Fields(t.msg.Text), " ")
	switch n := utf8.RuneCountInString(title); {
	case n > maxTitle:
		return t.say("title.toolong", n, maxTitle)
	case n < 3:
		return t.say("title.tooshort")
	}
	t.d.Title, t.d.TitleOwn = title, true
	t.step = StepSummary
	return t.prompt()
}

func (t *turn) onCategory() error {
	var c category.Category
	var ok bool
	switch {
	case strings.HasPrefix(t.msg.Button, "cat:"):
		if c, ok = category.ByCode(strings.TrimPrefix(t.msg.Button, "cat:")); !ok {
			return t.stale()
		}
	case t.msg.Kind == KindText:
		if c, ok = category.Match(t.msg.Text); !ok {
			return t.sayButtons(T(t.lang, "category.invalid", truncate(t.msg.Text, 40)), categoryButtons(t.lang)...)
		}
	default:
		return t.refuse()
	}
	t.d.Category, t.d.CategoryOwn = c.Code, true
	t.step = StepSummary
	return t.prompt()
}

// summaryForm is what the summary says of the form's fields: the title and
// category, and the reporter's name and contact unless anonymous.
func (t *turn) summaryForm() (form, identity string) {
	d := &t.d
	d.formSuggestions()
	form = T(t.lang, "sum.form", d.Title, categoryLabel(t.lang, d.Category))
	if d.Anonymous != nil && *d.Anonymous || d.Name == "" {
		return form, ""
	}
	contact := d.Contact
	if contact == "" {
		contact = T(t.lang, "sum.nocontact")
	}
	return form, T(t.lang, "sum.identity", d.Name, contact)
}
