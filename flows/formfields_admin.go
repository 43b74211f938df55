package flows

import (
	"errors"
	"fmt"
	"strings"

	"github.com/lapor-id/lapor/flows/category"
	"github.com/lapor-id/lapor/flows/records"
	"github.com/lapor-id/lapor/store"
)

// The admins' corrections of the form's fields: /judul <ID> <title> and
// /kategori <ID> [category] (without a category: a button per category,
// "kat|ID|version|code"). Each change is an event of the report's history
// and refreshes its cards, which every desk reads as its audience may.

// categoryButton starts the data of a category button of a report.
const categoryButton = "kat"

// withFormLines puts the title and category under a card's first line;
// a report from before them (neither set) keeps its card as it was.
func withFormLines(l Lang, card string, rec records.Record) string {
	if rec.Title == "" && rec.Category == "" {
		return card
	}
	title := rec.Title
	if title == "" {
		title = "—"
	}
	head, rest, _ := strings.Cut(card, "\n")
	return head + "\n" + T(l, "card.form", title, categoryLabel(l, rec.Category)) + "\n" + rest
}

// formReport finds the report an admin's correction is about, in a chat
// that reads reports as admins.
func (o *office) formReport(cmd, id string, version int) (store.Report, error) {
	if o.readers().Audience != records.Admin {
		if err := o.audit("/"+cmd, 0, false, "not for this chat's readers ("+o.readers().Audience.String()+")"); err != nil {
			return store.Report{}, err
		}
		return store.Report{}, refuse(o.lang, "wf.notallowed", truncate(id, 40))
	}
	if tid, ok := ParseTrackingID(id, o.s.cfg.TrackingPrefix); ok {
		id = tid
	}
	return o.lockReport(id, version)
}

// titleCmd is /judul <ID> <title>.
func (o *office) titleCmd(args string) error {
	id, title := splitFirst(args)
	title = strings.Join(strings.Fields(title), " ")
	if id == "" || title == "" {
		return refuse(o.lang, "wf.usage", officerCommands["judul"])
	}
	if n := utf8Len(title); n < 3 || n > maxTitle {
		return refuse(o.lang, "ff.title.bad", maxTitle)
	}
	r, err := o.formReport("judul", id, 0)
	if err != nil {
		return err
	}
	return o.setForm(&r, title, r.Category, "title_set", r.Title+" → "+title,
		T(o.lang, "ff.title.set", r.TrackingID, title))
}

// categoryCmd is /kategori <ID> [category].
func (o *office) categoryCmd(args string) error {
	id, typed := splitFirst(args)
	if id == "" {
		return refuse(o.lang, "wf.usage", officerCommands["kategori"])
	}
	r, err := o.formReport("kategori", id, 0)
	if err != nil {
		return err
	}
	if typed == "" {
		var rows [][]Button
		for _, row := range categoryButtons(o.lang) {
			for i := range row {
				row[i].Data = fmt.Sprintf("%s|%s|%d|%s", categoryButton, r.TrackingID, r.Version, strings.TrimPrefix(row[i].Data, "cat:"))
			}
			rows = append(rows, row)
		}
		return o.say(T(o.lang, "ff.category.ask", r.TrackingID, categoryLabel(o.lang, r.Category)), rows...)
	}
	c, ok := category.Match(typed)
	if !ok {
		return refuse(o.lang, "ff.category.bad", truncate(typed, 40), r.TrackingID)
	}
	return o.changeCategory(&r, c)
}

// categoryPress is a category button of /kategori.
func (o *office) categoryPress(id string, version int, code string) error {
	c, ok := category.ByCode(code)
	if !ok {
		return refuse(o.lang, "stale.button")
	}
	r, err := o.formReport("kategori", id, version)
	if err != nil {
		return err
	}
	return o.changeCategory(&r, c)
}

func (o *office) changeCategory(r *store.Report, c category.Category) error {
	old := categoryLabel(o.lang, r.Category)
	return o.setForm(r, r.Title, c.Code, "category_set", old+" → "+c.Label(string(o.lang)),
		T(o.lang, "ff.category.set", r.TrackingID, c.Label(string(o.lang))))
}

// setForm stores a corrected title or category, writes it to the history
// and the audit log, refreshes the report's cards, and confirms.
func (o *office) setForm(r *store.Report, title, cat, kind, note, done string) error {
	if title == r.Title && cat == r.Category {
		return o.say(T(o.lang, "ff.unchanged", r.TrackingID))
	}
	if err := o.tx.SetReportForm(o.ctx, r, title, cat, o.now); err != nil {
		if errors.Is(err, store.ErrConflict) {
			return alreadyDone(o.ctx, o.tx, r, o.lang)
		}
		return err
	}
	if err := o.recordEvent(r, kind, note); err != nil {
		return err
	}
	if err := o.audit(kind, r.ID, true, note); err != nil {
		return err
	}
	if err := o.c.refreshCards(r); err != nil {
		return err
	}
	return o.say(done)
}

func init() {
	officerCommands["judul"] = "/judul <ID> <judul singkat>"
	officerCommands["kategori"] = "/kategori <ID> [kategori]"
	commandRoles["judul"] = []Role{RoleSuperAdmin, RoleRegencyAdmin}
	commandRoles["kategori"] = []Role{RoleSuperAdmin, RoleRegencyAdmin}
}
