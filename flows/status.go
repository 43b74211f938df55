package flows

import (
	"errors"
	"fmt"
	"strings"

	"github.com/lapor-id/lapor/flows/calendar"
	"github.com/lapor-id/lapor/store"
)

// showStatus answers /status <ID>. The reporter's own chat sees everything
// about its report; any other chat sees a public report's progress, and a
// confidential or anonymous report of someone else does not exist for it.
func (t *turn) showStatus(arg string) error {
	id, ok := ParseTrackingID(arg, t.s.cfg.TrackingPrefix)
	if !ok {
		// Perhaps the national LAPOR! number an admin attached.
		id = strings.TrimSpace(arg)
		if id == "" || len(id) > 40 || strings.ContainsAny(id, " \n") {
			return t.say("status.invalid", truncate(arg, 40))
		}
	}
	r, err := t.tx.ReportByAnyID(t.ctx, id)
	if errors.Is(err, store.ErrNotFound) {
		return t.say("status.notfound", id)
	}
	if err != nil {
		return err
	}
	own := r.Channel == t.in.Channel && r.ChatID == t.in.ChatID
	if !own && (r.Confidential || r.Anonymous) {
		return t.say("status.notfound", id)
	}
	events, err := t.tx.Events(t.ctx, r.ID)
	if err != nil {
		return err
	}
	c := t.courier()
	var history []string
	for _, e := range events {
		history = append(history, fmt.Sprintf("• %s — %s",
			FormatDateTime(t.lang, e.At.In(calendar.Local())), c.citizenEvent(t.lang, e))) // citizenwords.go
	}
	deadline := "—"
	if !r.StageDeadline.IsZero() {
		deadline = FormatDate(t.lang, r.StageDeadline.In(calendar.Local()))
	}
	// The citizen reads the national LAPOR! status, not the internal stage
	// (flows/publicstatus.go).
	public := Stage(r.Stage).Public()
	view := T(t.lang, "status.view.public", r.TrackingID, T(t.lang, "type."+r.Type),
		FormatDateTime(t.lang, r.SubmittedAt.In(calendar.Local())),
		public.Name(t.lang), T(t.lang, "pstatus.hint."+string(public)),
		c.citizenHolder(t.lang, &r),
		deadline, strings.Join(history, "\n"))
	if own { // the agency's steps that reached the reporter (flows/followups.go)
		fu, err := followupStatus(t, &r)
		if err != nil {
			return err
		}
		if fu != "" {
			view += "\n\n" + fu
		}
	}
	if ps, err := c.statusParts(t.lang, &r); err != nil { // flows/multiagency.go
		return err
	} else if ps != "" {
		view += "\n\n" + ps
	}
	merged, err := t.mergedNote(&r, own) // flows/duplicates.go
	if err != nil {
		return err
	}
	if merged != "" {
		view += "\n\n" + merged
	}
	return t.out.say(view)
}

// listReports answers /laporan with the chat's own reports.
func (t *turn) listReports() error {
	reports, err := t.tx.ReportsByChat(t.ctx, t.in.Channel, t.in.ChatID, 20)
	if err != nil {
		return err
	}
	if len(reports) == 0 {
		return t.say("list.none")
	}
	lines := []string{T(t.lang, "list.header")}
	for _, r := range reports {
		id := r.TrackingID
		if r.Title != "" { // their own report's title (flows/formfields.go)
			id += " «" + truncate(r.Title, 60) + "»"
		}
		lines = append(lines, fmt.Sprintf("• %s — %s — %s", id,
			FormatDate(t.lang, r.SubmittedAt.In(calendar.Local())), publicStatusName(t.lang, r.Stage)))
	}
	return t.out.say(strings.Join(lines, "\n"))
}

// textOr returns the text for key, or fallback when there is none (a stage
// added by a later version, for example).
func textOr(lang Lang, key, fallback string) string {
	if _, ok := texts[key]; !ok {
		return fallback
	}
	return T(lang, key)
}
