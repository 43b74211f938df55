package flows

// Canned answers (templat tanggapan). A liaison officer keeps their
// agency's templates in the agency's desk; the admins keep regency-wide
// ones in theirs. While answering a report, an agency's officer picks one
// of their agency's or a regency-wide template: its placeholders are filled
// for that report and the text becomes the draft answer, shown back in full
// and still editable. Picking never submits anything.
//
// Placeholders name only what the citizen already knows or may know (the
// tracking number, the agency's public name, dates), never the reporter:
// the same template serves anonymous reports.

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/lapor-id/lapor/flows/calendar"
	"github.com/lapor-id/lapor/store"
)

// Limits of a template.
const (
	templateTitleMax  = 60   // characters
	templateBodyMax   = 2000 // characters, as typed
	templatesPerOwner = 50
	templateButtons   = 20 // templates offered as buttons; the rest by number
)

// templatePlaceholders are the names a template may use, in the order the
// officers are told about them.
var templatePlaceholders = []string{"nomor", "instansi", "tanggal", "tanggal_laporan", "batas_waktu"}

// templatePart is a piece of a template: literal text, or a placeholder.
type templatePart struct {
	text, name string
}

// templateError is what is wrong with a template body: an unknown
// placeholder, or a brace that starts none.
type templateError struct {
	key   string // tpl.placeholder.unknown or tpl.placeholder.brace
	piece string
}

func (e *templateError) Error() string { return e.key + " " + e.piece }

// parseTemplate splits a body into text and placeholders. Braces are only
// for placeholders, one pair around a known name ({nomor}); anything else
// with a brace ({{nomor}}, {nama}, a lone }) is refused rather than sent to
// a citizen as typed.
func parseTemplate(body string) ([]templatePart, error) {
	var parts []templatePart
	var lit strings.Builder
	for i := 0; i < len(body); {
		switch body[i] {
		case '{':
			end := strings.IndexAny(body[i+1:], "{}")
			if end < 0 || body[i+1+end] == '{' {
				return nil, &templateError{"tpl.placeholder.brace", bracePiece(body, i)}
			}
			raw := body[i+1 : i+1+end]
			name := strings.ToLower(strings.TrimSpace(raw))
			if !knownPlaceholder(name) {
				return nil, &templateError{"tpl.placeholder.unknown", "{" + truncate(raw, 30) + "}"}
			}
			if lit.Len() > 0 {
				parts = append(parts, templatePart{text: lit.String()})
				lit.Reset()
			}
			parts = append(parts, templatePart{name: name})
			i += end + 2
		case '}':
			return nil, &templateError{"tpl.placeholder.brace", bracePiece(body, i)}
		default:
			lit.WriteByte(body[i])
			i++
		}
	}
	if lit.Len() > 0 {
		parts = append(parts, templatePart{text: lit.String()})
	}
	return parts, nil
}

// bracePiece is the few characters around a stray brace, to show where it is.
func bracePiece(body string, i int) string {
	start := max(0, i-10)
	for start > 0 && !utf8.RuneStart(body[start]) {
		start--
	}
	end := min(len(body), i+12)
	for end < len(body) && !utf8.RuneStart(body[end]) {
		end++
	}
	return strings.ReplaceAll(body[start:end], "\n", " ")
}

func knownPlaceholder(name string) bool {
	for _, p := range templatePlaceholders {
		if p == name {
			return true
		}
	}
	return false
}

// fillTemplate puts a report's values in a parsed template.
func fillTemplate(parts []templatePart, values map[string]string) string {
	var b strings.Builder
	for _, p := range parts {
		if p.name != "" {
			b.WriteString(values[p.name])
		} else {
			b.WriteString(p.text)
		}
	}
	return b.String()
}

// templateValues are the placeholders' values for a report, as its
// citizen will read them: the agency's public name, dates in Jakarta time.
func (o *office) templateValues(r *store.Report) map[string]string {
	date := func(t time.Time) string {
		if t.IsZero() {
			return "—"
		}
		return FormatDate(o.lang, t.In(calendar.Local()))
	}
	return map[string]string{
		"nomor":           r.TrackingID,
		"instansi":        o.c.agencyName(o.partAgency(r)),
		"tanggal":         date(o.now),
		"tanggal_laporan": date(r.SubmittedAt),
		"batas_waktu":     date(r.StageDeadline),
	}
}

// placeholderList is the placeholders with what each one becomes.
func placeholderList(lang Lang) string {
	var out []string
	for _, p := range templatePlaceholders {
		out = append(out, "{"+p+"} "+T(lang, "tpl.ph."+p))
	}
	return strings.Join(out, ", ")
}

// templateOwner is whose templates the asker manages here: their agency's
// in their own agency desk (a liaison officer), the regency's ("") in an
// admin desk (super admin, regency admin). Elsewhere it refuses.
func (o *office) templateOwner(what string) (string, error) {
	role, d := Role(o.a.officer.Role), o.a.desk
	switch {
	case d == nil:
		if err := o.audit("/templat "+what, 0, false, "private chat"); err != nil {
			return "", err
		}
		return "", refuse(o.lang, "wf.onlydesk")
	case role == RoleLiaison && d.Kind == DeskAgency && d.AgencyCode != "" && d.AgencyCode == o.a.officer.AgencyCode:
		return d.AgencyCode, nil
	case (role == RoleSuperAdmin && d.Kind == DeskSuperAdmin) || (role == RoleRegencyAdmin && d.Kind == DeskRegency):
		return "", nil
	}
	if err := o.audit("/templat "+what, 0, false, "role "+string(role)+" in desk "+d.Kind+" "+d.AgencyCode); err != nil {
		return "", err
	}
	return "", refuse(o.lang, "tpl.notallowed")
}

// visibleOwners are the owners whose templates an owner may see and use:
// an agency its own and the regency's; the admins the regency's.
func visibleOwners(owner string) []string {
	if owner == "" {
		return []string{""}
	}
	return []string{owner, ""}
}

// templates handles /templat: daftar, lihat, tambah, hapus.
func (o *office) templates(args string) error {
	verb, rest := splitFirst(args)
	verb = strings.ToLower(verb)
	owner, err := o.templateOwner(verb)
	if err != nil {
		return err
	}
	switch verb {
	case "", "daftar":
		return o.listTemplates(owner)
	case "lihat":
		t, err := o.findTemplate(owner, rest, false)
		if err != nil {
			return err
		}
		return o.say(T(o.lang, "tpl.show", t.ID, t.Title, o.templateScope(t.AgencyCode), t.Body))
	case "tambah":
		return o.addTemplate(owner, rest)
	case "hapus":
		t, err := o.findTemplate(owner, rest, true)
		if err != nil {
			return err
		}
		if err := o.tx.DeleteTemplate(o.ctx, t.ID, owner); err != nil {
			return err
		}
		if err := o.audit("template_delete", 0, true, fmt.Sprintf("#%d %s: %s", t.ID, o.ownerLabel(owner), t.Title)); err != nil {
			return err
		}
		return o.say(T(o.lang, "tpl.deleted", t.ID, t.Title))
	}
	return refuse(o.lang, "wf.usage", officerCommands["templat"])
}

func (o *office) ownerLabel(owner string) string {
	if owner == "" {
		return "kabupaten"
	}
	return owner
}

// templateScope is who a template serves, in words.
func (o *office) templateScope(agencyCode string) string {
	if agencyCode == "" {
		return T(o.lang, "tpl.scope.regency")
	}
	return o.c.agencyName(agencyCode)
}

func (o *office) listTemplates(owner string) error {
	list, err := o.tx.Templates(o.ctx, visibleOwners(owner)...)
	if err != nil {
		return err
	}
	if len(list) == 0 {
		return o.say(T(o.lang, "tpl.list.none", placeholderList(o.lang)))
	}
	lines := []string{T(o.lang, "tpl.list.head")}
	group := "-"
	for _, t := range list {
		if t.AgencyCode != group {
			group = t.AgencyCode
			lines = append(lines, "", o.templateScope(group)+":")
		}
		lines = append(lines, fmt.Sprintf("#%d %s — %s", t.ID, t.Title, truncate(strings.ReplaceAll(t.Body, "\n", " "), 80)))
	}
	lines = append(lines, "", T(o.lang, "tpl.list.foot"))
	return o.say(strings.Join(lines, "\n"))
}

// findTemplate finds what an officer typed — a number (#12 or 12) or a
// title — among the templates they may see, or for deleting, among their
// own. Another agency's template is "not found", as if it did not exist.
func (o *office) findTemplate(owner, typed string, own bool) (store.Template, error) {
	typed = strings.TrimSpace(typed)
	if typed == "" {
		return store.Template{}, refuse(o.lang, "wf.usage", officerCommands["templat"])
	}
	list, err := o.tx.Templates(o.ctx, visibleOwners(owner)...)
	if err != nil {
		return store.Template{}, err
	}
	n, numErr := strconv.ParseInt(strings.TrimPrefix(typed, "#"), 10, 64)
	for _, t := range list {
		if (numErr == nil && t.ID == n) || (numErr != nil && strings.EqualFold(t.Title, typed)) {
			if own && t.AgencyCode != owner {
				if err := o.audit("template_delete", 0, false, fmt.Sprintf("#%d is the regency's", t.ID)); err != nil {
					return t, err
				}
				return t, refuse(o.lang, "tpl.notyours", t.ID)
			}
			return t, nil
		}
	}
	action := "template_view"
	if own {
		action = "template_delete"
	}
	if err := o.audit(action, 0, false, "not found: "+typed); err != nil {
		return store.Template{}, err
	}
	return store.Template{}, refuse(o.lang, "tpl.notfound", truncate(typed, 40))
}

// addTemplate reads "<judul> | <isi>", checks it and stores it.
func (o *office) addTemplate(owner, args string) error {
	title, body, ok := strings.Cut(args, "|")
	title, body = strings.TrimSpace(title), strings.TrimSpace(body)
	if !ok || body == "" {
		return refuse(o.lang, "tpl.usage.add")
	}
	if n := utf8.RuneCountInString(title); n == 0 || n > templateTitleMax || strings.ContainsAny(title, "\n\t{}") || isNumber(title) {
		return refuse(o.lang, "tpl.title.bad", templateTitleMax)
	}
	if n := utf8.RuneCountInString(body); n > templateBodyMax {
		return refuse(o.lang, "tpl.body.long", n, templateBodyMax)
	}
	if _, err := parseTemplate(body); err != nil {
		var te *templateError
		if errors.As(err, &te) {
			return refuse(o.lang, te.key, te.piece, placeholderList(o.lang))
		}
		return err
	}
	own, err := o.tx.Templates(o.ctx, owner)
	if err != nil {
		return err
	}
	if len(own) >= templatesPerOwner {
		return refuse(o.lang, "tpl.full", len(own))
	}
	t := store.Template{AgencyCode: owner, Title: title, Body: body, CreatedBy: o.msg.UserID + " " + o.a.officer.Name, CreatedAt: o.now}
	if err := o.tx.AddTemplate(o.ctx, &t); errors.Is(err, store.ErrConflict) {
		return refuse(o.lang, "tpl.dup", title)
	} else if err != nil {
		return err
	}
	if err := o.audit("template_add", 0, true, fmt.Sprintf("#%d %s: %s", t.ID, o.ownerLabel(owner), title)); err != nil {
		return err
	}
	return o.say(T(o.lang, "tpl.added", t.ID, title, o.templateScope(owner)))
}

func isNumber(s string) bool {
	_, err := strconv.ParseInt(strings.TrimPrefix(s, "#"), 10, 64)
	return err == nil
}

// The answer flow's template verbs, typed after /tanggapi <ID> or carried by
// a button tpl|<ID>|<version>|<verb>.
const (
	tplVerbList   = ""      // offer the templates
	tplVerbClear  = "clear" // empty the draft's text, to write it anew
	tplVerbCancel = "cancel"
)

// answerVerb handles /tanggapi <ID> templat [n] | kosongkan | batal. It
// reports false when rest is answer text, which may well start with one of
// those words ("Templat surat sudah kami kirim.").
func (o *office) answerVerb(id, rest string) (bool, error) {
	word, arg := splitFirst(rest)
	switch strings.ToLower(word) {
	case "templat", "template":
		if arg == "" {
			return true, o.answerTemplate(id, 0, tplVerbList)
		}
		if isNumber(arg) {
			return true, o.answerTemplate(id, 0, strings.TrimPrefix(arg, "#"))
		}
	case "kosongkan":
		if arg == "" {
			return true, o.answerTemplate(id, 0, tplVerbClear)
		}
	case "batal":
		if arg == "" {
			return true, o.answerTemplate(id, 0, tplVerbCancel)
		}
	}
	return false, nil
}

// templateButton offers the templates while a draft answer is written.
func (o *office) templateButton(r *store.Report) Button {
	return Button{Label: T(o.lang, "b.tpl.use"), Data: fmt.Sprintf("tpl|%s|%d|", r.TrackingID, r.Version)}
}

// answerTemplate runs a template verb on the draft answer of report id:
// list the templates, pick one by number, clear the text or cancel.
func (o *office) answerTemplate(id string, version int, verb string) error {
	r, err := o.lockReport(id, version)
	if err != nil {
		return err
	}
	if Stage(r.Stage) != StageAtAgency || !agencyDesk(o.a, &r) {
		if err := o.audit("template_use", r.ID, false, "not allowed"); err != nil {
			return err
		}
		if Stage(r.Stage) != StageAtAgency {
			return refuse(o.lang, "wf.notnow", r.TrackingID, stageName(o.lang, Stage(r.Stage)))
		}
		return refuse(o.lang, "wf.notallowed", r.TrackingID)
	}
	switch verb {
	case tplVerbList:
		return o.offerTemplates(&r)
	case tplVerbClear, tplVerbCancel:
		ans, err := o.tx.AnswerFor(o.ctx, r.ID, r.Round, o.partAgency(&r), o.now)
		if err != nil {
			return err
		}
		ans.Body = ""
		if err := o.tx.SaveAnswer(o.ctx, ans); err != nil {
			return err
		}
		if verb == tplVerbCancel {
			if err := o.savePending(pending{}); err != nil {
				return err
			}
			return o.say(T(o.lang, "tpl.cancelled", r.TrackingID))
		}
		if err := o.savePending(pending{Act: ActAnswer, Report: r.TrackingID, Version: r.Version}); err != nil {
			return err
		}
		return o.say(T(o.lang, "tpl.cleared", r.TrackingID), o.submitRow(&r))
	}
	n, err := strconv.ParseInt(verb, 10, 64)
	if err != nil {
		if err := o.audit("template_use", r.ID, false, "bad button "+truncate(verb, 40)); err != nil {
			return err
		}
		return refuse(o.lang, "stale.button")
	}
	return o.pickTemplate(&r, n)
}

// offerTemplates lists the templates the report's agency may use, as buttons.
func (o *office) offerTemplates(r *store.Report) error {
	list, err := o.tx.Templates(o.ctx, visibleOwners(o.partAgency(r))...)
	if err != nil {
		return err
	}
	if len(list) == 0 {
		return o.say(T(o.lang, "tpl.pick.none", r.TrackingID, placeholderList(o.lang)), o.submitRow(r))
	}
	var rows [][]Button
	lines := []string{T(o.lang, "tpl.pick.head", r.TrackingID)}
	for i, t := range list {
		lines = append(lines, fmt.Sprintf("#%d %s — %s", t.ID, t.Title, truncate(strings.ReplaceAll(t.Body, "\n", " "), 60)))
		if i < templateButtons {
			rows = append(rows, []Button{{Label: truncate(fmt.Sprintf("#%d %s", t.ID, t.Title), 40),
				Data: fmt.Sprintf("tpl|%s|%d|%d", r.TrackingID, r.Version, t.ID)}})
		}
	}
	if len(list) > templateButtons {
		lines = append(lines, T(o.lang, "tpl.pick.more", r.TrackingID))
	}
	return o.say(strings.Join(lines, "\n"), rows...)
}

// pickTemplate makes template n, filled for the report, the draft answer.
func (o *office) pickTemplate(r *store.Report, n int64) error {
	t, err := o.tx.TemplateByID(o.ctx, n)
	if err == nil && t.AgencyCode != "" && t.AgencyCode != o.partAgency(r) {
		// Another agency's: answered exactly like one that does not exist.
		err = store.ErrNotFound
		if aerr := o.audit("template_use", r.ID, false, fmt.Sprintf("#%d belongs to %s", n, t.AgencyCode)); aerr != nil {
			return aerr
		}
	} else if errors.Is(err, store.ErrNotFound) {
		if aerr := o.audit("template_use", r.ID, false, fmt.Sprintf("#%d not found", n)); aerr != nil {
			return aerr
		}
	}
	if errors.Is(err, store.ErrNotFound) {
		return refuse(o.lang, "tpl.gone", n, r.TrackingID)
	}
	if err != nil {
		return err
	}
	parts, err := parseTemplate(t.Body)
	if err != nil {
		return fmt.Errorf("template %d no longer parses: %w", t.ID, err)
	}
	filled := fillTemplate(parts, o.templateValues(r))
	ans, err := o.tx.AnswerFor(o.ctx, r.ID, r.Round, o.partAgency(r), o.now)
	if err != nil {
		return err
	}
	replaced := ""
	if strings.TrimSpace(ans.Body) != "" {
		replaced = T(o.lang, "tpl.draft.replaced")
	}
	ans.Body, ans.AuthorID, ans.AuthorName = filled, o.msg.UserID, o.a.officer.Name
	if err := o.tx.SaveAnswer(o.ctx, ans); err != nil {
		return err
	}
	if err := o.savePending(pending{Act: ActAnswer, Report: r.TrackingID, Version: r.Version}); err != nil {
		return err
	}
	if err := o.audit("template_use", r.ID, true, fmt.Sprintf("#%d %s", t.ID, t.Title)); err != nil {
		return err
	}
	edit := []Button{
		{Label: T(o.lang, "b.tpl.clear"), Data: fmt.Sprintf("tpl|%s|%d|%s", r.TrackingID, r.Version, tplVerbClear)},
		{Label: T(o.lang, "b.tpl.cancel"), Data: fmt.Sprintf("tpl|%s|%d|%s", r.TrackingID, r.Version, tplVerbCancel)},
	}
	return o.say(T(o.lang, "tpl.draft", r.TrackingID, t.ID, t.Title, replaced, filled), o.submitRow(r), edit)
}

// reasonFromTemplate lets a reviewer asking an agency to improve its answer
// give a regency-wide template as the reason: "templat <n>" (typed after
// /perbaiki <ID>, or as the reason the Perbaiki button asks for) becomes
// the template's text, filled for the report; {batas_waktu} is the new
// deadline the agency will have. Any other reason stays as typed.
func (o *office) reasonFromTemplate(r *store.Report, reason string) (string, error) {
	word, arg := splitFirst(reason)
	if !strings.EqualFold(word, "templat") || !isNumber(arg) || !reviewer(o.a, r) {
		return reason, nil
	}
	n, _ := strconv.ParseInt(strings.TrimPrefix(arg, "#"), 10, 64)
	t, err := o.tx.TemplateByID(o.ctx, n)
	if err == nil && t.AgencyCode != "" {
		err = store.ErrNotFound // an agency's own templates are not the admins'
	}
	if errors.Is(err, store.ErrNotFound) {
		if aerr := o.audit("template_use", r.ID, false, fmt.Sprintf("reason: #%d not a regency template", n)); aerr != nil {
			return "", aerr
		}
		return "", refuse(o.lang, "tpl.notfound", "#"+strconv.FormatInt(n, 10))
	}
	if err != nil {
		return "", err
	}
	parts, err := parseTemplate(t.Body)
	if err != nil {
		return "", fmt.Errorf("template %d no longer parses: %w", t.ID, err)
	}
	values := o.templateValues(r)
	values["batas_waktu"] = FormatDate(o.lang, o.s.cal().Deadline(o.now, o.s.stageDays(StageAtAgency)).In(calendar.Local()))
	if err := o.audit("template_use", r.ID, true, fmt.Sprintf("reason: #%d %s", t.ID, t.Title)); err != nil {
		return "", err
	}
	return fillTemplate(parts, values), nil
}
