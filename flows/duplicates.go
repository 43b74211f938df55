package flows

// Duplicate reports (issue 15 §4): the super admin's card of a new report
// lists similar open reports, and a duplicate can be merged into the
// original it repeats. The duplicate is archived with a link to the
// original, and its reporter follows the original's news from then on.
//
// Merges are kept flat: an original is never itself merged. Merging into a
// report that was already merged resolves to the report it was merged into
// (its root): the officer meant "the same matter", and a follower of a
// closed-off duplicate would hear nothing. Merging a report that has
// followers moves them to the new original. So a chain or a loop cannot
// form; the one loop left, merging a report into its own follower,
// resolves to the report itself and is refused.

import (
	"errors"
	"fmt"
	"math"
	"strings"
	"time"

	"github.com/lapor-id/lapor/store"
)

// What counts as a duplicate (issue 15 §4); defaults, not configuration.
const (
	duplicateWindow     = 60 * 24 * time.Hour // submitted in the last 60 days
	duplicateRadiusM    = 300                 // pins this close are the same place
	duplicateMinShared  = 2                   // words in common, after stemming and stop words
	duplicateMinOverlap = 0.3                 // of the shorter description's words
	duplicatesShown     = 3
)

// duplicateStopWords say nothing of what a report is about; PostgreSQL has
// no Indonesian stop-word list, so they are dropped here.
const duplicateStopWords = "yang dan di ke dari ini itu dengan untuk pada adalah ada tidak sudah belum akan " +
	"juga atau karena oleh saya kami kita mereka anda bapak ibu sangat sekali banyak sejak sampai tolong mohon " +
	"segera agar bisa dapat harus masih lagi jadi para dalam atas bawah depan dekat tersebut sekitar hari bulan " +
	"tahun kemarin tadi sering selalu hanya saja pak bu mas mbak warga masyarakat laporan lapor " +
	"desa kelurahan dusun kampung kecamatan kabupaten balai kantor rt rw gang jl no nomor"

// duplicatesOf lists the open reports that r may repeat: submitted in the
// last 60 days, in the same village or within 300 m when both have a pin,
// with similar words.
func (c *courier) duplicatesOf(r *store.Report) ([]store.Report, error) {
	// The place is compared on its own: words that only name it (the
	// address, the kecamatan) say nothing of the matter.
	stop := duplicateStopWords + " " + r.Address
	if k, ok := c.s.regency.ByCode(r.KecamatanCode); ok {
		stop += " " + k.Name
	}
	cands, err := c.tx.SimilarOpenReports(c.ctx, store.SimilarQuery{ReportID: r.ID, Since: c.now.Add(-duplicateWindow),
		RadiusM: duplicateRadiusM, StopWords: stop, MinShared: duplicateMinShared, Limit: 20})
	if err != nil {
		return nil, err
	}
	var out []store.Report
	for _, s := range cands {
		near := s.DistanceM >= 0 && s.DistanceM <= duplicateRadiusM
		if !near && !c.s.sameVillage(r, &s.Report) {
			continue
		}
		shorter := min(s.Words, s.TheirWords)
		if s.Shared < duplicateMinShared || float64(s.Shared) < math.Ceil(duplicateMinOverlap*float64(shorter)) {
			continue
		}
		out = append(out, s.Report)
		if len(out) == duplicatesShown {
			break
		}
	}
	return out, nil
}

// sameVillage reports whether both addresses name the same desa or
// kelurahan (by its code: village names repeat across kecamatan).
func (s *Service) sameVillage(a, b *store.Report) bool {
	if a.KecamatanCode == "" || a.KecamatanCode != b.KecamatanCode {
		return false
	}
	k, ok := s.regency.ByCode(a.KecamatanCode)
	if !ok {
		return false
	}
	va, okA := k.VillageIn(a.Address)
	vb, okB := k.VillageIn(b.Address)
	return okA && okB && va.Code == vb.Code
}

// addDuplicates lists possible duplicates under the card of a report
// waiting for the super admin, with a merge button for each. Only the super
// admin desk merges, so only its card lists them: no other desk learns of
// other reports this way.
func (c *courier) addDuplicates(r *store.Report, deskKind string, card *Outbound) error {
	if deskKind != DeskSuperAdmin || Stage(r.Stage) != StageSubmitted {
		return nil
	}
	dups, err := c.duplicatesOf(r)
	if err != nil || len(dups) == 0 {
		return err
	}
	l := c.lang
	lines := []string{T(l, "dup.card.header")}
	for _, d := range dups {
		lines = append(lines, T(l, "dup.card.line", d.TrackingID, stageName(l, Stage(d.Stage)), oneLine(d.Description, 80)))
		card.Buttons = append(card.Buttons, []Button{{Label: T(l, "dup.b.merge", d.TrackingID),
			Data: fmt.Sprintf("mrg|%s|%d|%s", r.TrackingID, r.Version, d.TrackingID)}})
	}
	card.Text += "\n\n" + strings.Join(lines, "\n")
	return nil
}

// oneLine is the start of a text on one line.
func oneLine(s string, n int) string {
	return truncate(strings.Join(strings.Fields(s), " "), n)
}

// followerNews says what a follower is told for each of the original
// reporter's notifications: another text when the original's speaks to its
// reporter about their own part (an answer to accept, a question to answer),
// "" when it is for the reporter alone. Any other notification goes to the
// followers as it is.
var followerNews = map[string]string{
	"n.answer":         "dup.f.answer",
	"n.accept":         "dup.f.closed",
	"n.autoclose":      "dup.f.closed",
	"n.reject":         "dup.f.reject",
	"n.tunda":          "dup.f.tunda",
	"n.info":           "dup.f.info",
	"n.tunda.expire":   "dup.f.expire",
	"n.tunda.remind":   "",
	"n.citizen.remind": "",
}

// tellFollowers passes a notification about an original on to the reporters
// of the duplicates merged into it, in their language and without buttons:
// what the notification says of the matter, never who reported the
// original, and never the original reporter's choices.
func (c *courier) tellFollowers(r *store.Report, key string, args ...any) error {
	fkey, special := followerNews[key]
	if special && fkey == "" {
		return nil
	}
	if !special {
		fkey = key
	}
	followers, err := c.tx.Followers(c.ctx, r.ID)
	if err != nil {
		return err
	}
	// A chat hears each piece of news once, also when its citizen reported
	// the matter twice.
	told := map[string]bool{chatKey(r): true}
	for i := range followers {
		f := &followers[i]
		if told[chatKey(f)] {
			continue
		}
		told[chatKey(f)] = true
		news := T(citizenLang(f), fkey, args...)
		if err := c.tellReporter(f, nil, "dup.n.follow", r.TrackingID, f.TrackingID, news); err != nil {
			return err
		}
	}
	return nil
}

// chatKey is where news of a report goes: its chat, or for a walk-in
// complaint the report itself (the regency desk passes each on).
func chatKey(r *store.Report) string {
	if r.Channel == ChannelConventional {
		return "report\x00" + r.TrackingID
	}
	return r.Channel + "\x00" + r.ChatID
}

func citizenLang(r *store.Report) Lang {
	if Lang(r.Lang) == LangEN {
		return LangEN
	}
	return LangID
}

// merge archives the duplicate dupArg as a repeat of origArg, for the
// super admin at their desk (the Gabungkan button, with the version of the
// duplicate the card showed, or /gabungkan with version 0).
func (o *office) merge(dupArg string, version int, origArg string) error {
	if o.a.desk == nil {
		if err := o.audit("merge", 0, false, "private chat"); err != nil {
			return err
		}
		return refuse(o.lang, "wf.onlydesk")
	}
	dup, target, err := o.lockPair(dupArg, origArg)
	if err != nil {
		return err
	}
	refused := func(detail, key string, args ...any) error {
		if err := o.audit("merge", dup.ID, false, detail); err != nil {
			return err
		}
		return refuse(o.lang, key, args...)
	}
	if !superAdminDesk(o.a, &dup) {
		return refused("not allowed", "wf.notallowed", dup.TrackingID)
	}
	if version != 0 && version != dup.Version {
		if err := o.audit("merge", dup.ID, false, "stale button"); err != nil {
			return err
		}
		return alreadyDone(o.ctx, o.tx, &dup, o.lang)
	}
	if dup.ID == target.ID {
		return refused("into itself", "dup.self", dup.TrackingID)
	}
	if root, err := o.tx.MergedInto(o.ctx, dup.ID); err == nil {
		return refused("already merged", "dup.already", dup.TrackingID, root.TrackingID)
	} else if !errors.Is(err, store.ErrNotFound) {
		return err
	}
	if Stage(dup.Stage) != StageSubmitted {
		return refused("stage "+dup.Stage, "wf.notnow", dup.TrackingID, stageName(o.lang, Stage(dup.Stage)))
	}
	root := target
	if r, err := o.tx.MergedInto(o.ctx, target.ID); err == nil {
		if r, err = o.tx.LockReport(o.ctx, r.TrackingID); err != nil {
			return err
		}
		root = r
	} else if !errors.Is(err, store.ErrNotFound) {
		return err
	}
	if root.ID == dup.ID {
		return refused("loop", "dup.loop", target.TrackingID, dup.TrackingID)
	}
	if Stage(root.Stage).Final() {
		return refused("original "+root.Stage, "dup.final", root.TrackingID, stageName(o.lang, Stage(root.Stage)))
	}
	followers, err := o.tx.Followers(o.ctx, dup.ID)
	if err != nil {
		return err
	}
	// The archive is the workflow's own (rule, version, deadline, event);
	// its reason names the original.
	if _, err := o.s.transition(o.ctx, o.tx, o.a, &dup, ActArchive, "duplikat "+root.TrackingID, o.now, o.lang); err != nil {
		var ref *refusal
		if errors.As(err, &ref) {
			if aerr := o.audit("merge", dup.ID, false, ref.text); aerr != nil {
				return aerr
			}
		}
		return err
	}
	if _, err := o.tx.MergeReport(o.ctx, dup.ID, root.ID, o.now, o.msg.UserID); err != nil {
		return err
	}
	ev := store.Event{ReportID: root.ID, At: o.now, Kind: "merge", ActorRole: string(o.a.role()), ActorID: o.msg.UserID,
		Desk: o.a.desk.Kind, Channel: o.in.Channel, Note: dup.TrackingID}
	if o.a.officer.Name != "" {
		ev.ActorID += " " + o.a.officer.Name
	}
	if err := o.tx.AppendEvent(o.ctx, ev); err != nil {
		return err
	}
	if err := o.audit("merge", dup.ID, true, root.TrackingID); err != nil {
		return err
	}
	if err := o.c.refreshCards(&dup); err != nil { // the duplicate's cards show it archived (livecard.go)
		return err
	}
	if err := o.savePending(pending{}); err != nil {
		return err
	}
	// The duplicate's reporter, and the followers it brings along, now
	// follow the original.
	if err := o.c.vouch(&root, "dup.n.merged"); err != nil {
		return err
	}
	for _, f := range append([]store.Report{dup}, followers...) {
		if err := o.c.tellReporter(&f, nil, "dup.n.merged", f.TrackingID, root.TrackingID); err != nil {
			return err
		}
	}
	if root.ID != target.ID {
		return o.say(T(o.lang, "dup.done.root", dup.TrackingID, root.TrackingID, target.TrackingID))
	}
	return o.say(T(o.lang, "dup.done", dup.TrackingID, root.TrackingID))
}

// lockPair locks the duplicate and the original an officer named, in one
// order whatever the order of the arguments, so two merges cannot wait for
// each other.
func (o *office) lockPair(dupArg, origArg string) (dup, orig store.Report, err error) {
	ids := [2]string{}
	for i, a := range []string{dupArg, origArg} {
		id, ok := ParseTrackingID(a, o.s.cfg.TrackingPrefix)
		if !ok {
			id = strings.TrimSpace(a) // maybe a national LAPOR! id
		}
		if id == "" || len(id) > 40 {
			return dup, orig, refuse(o.lang, "wf.usage", officerCommands["gabungkan"])
		}
		ids[i] = id
	}
	first, second := 0, 1
	if ids[1] < ids[0] {
		first, second = 1, 0
	}
	var got [2]store.Report
	for _, i := range []int{first, second} {
		r, err := o.tx.LockReport(o.ctx, ids[i])
		if errors.Is(err, store.ErrNotFound) {
			return dup, orig, refuse(o.lang, "wf.notfound", truncate(ids[i], 40))
		}
		if err != nil {
			return dup, orig, err
		}
		got[i] = r
	}
	return got[0], got[1], nil
}

// mergeCommand is /gabungkan <ID duplikat> <ID asli>.
func (o *office) mergeCommand(args string) error {
	dup, rest := splitFirst(args)
	orig, _ := splitFirst(rest)
	if dup == "" || orig == "" {
		return refuse(o.lang, "wf.usage", officerCommands["gabungkan"])
	}
	return o.merge(dup, 0, orig)
}

// mergedNote is the line /status adds for a report merged into another:
// the original and its public status; a confidential or anonymous original's status
// only for the duplicate's own reporter.
func (t *turn) mergedNote(r *store.Report, own bool) (string, error) {
	orig, err := t.tx.MergedInto(t.ctx, r.ID)
	if errors.Is(err, store.ErrNotFound) {
		return "", nil
	}
	if err != nil {
		return "", err
	}
	if !own && (orig.Confidential || orig.Anonymous) {
		return T(t.lang, "dup.status.short", orig.TrackingID), nil
	}
	return T(t.lang, "dup.status", orig.TrackingID, publicStatusName(t.lang, orig.Stage)), nil // the citizen reads the public status
}

func init() {
	officerCommands["gabungkan"] = "/gabungkan <ID duplikat> <ID asli>"
	commandRoles["gabungkan"] = []Role{RoleSuperAdmin}
}
