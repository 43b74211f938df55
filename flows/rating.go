package flows

import (
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/lapor-id/lapor/flows/records"
	"github.com/lapor-id/lapor/store"
)

// Ratings. A citizen rates the handling of a closed report once, with the
// ⭐1–5 buttons sent when they accept the answer or when the sweep closes an
// answered report for silence (citizenwf.go takes the press). A walk-in
// report (ChannelConventional) has no chat to ask in: the regency admin
// records the rating the officer heard with /nilai.

// ratingRow is the optional ⭐1–5 row under a closing notice.
func ratingRow(r *store.Report) []Button {
	row := make([]Button, 0, 5)
	for n := 1; n <= 5; n++ {
		row = append(row, Button{Label: "⭐" + strconv.Itoa(n), Data: fmt.Sprintf("rate|%s|%d", r.TrackingID, n)})
	}
	return row
}

// autoCloseNotice tells the reporter of r, just closed for silence, and asks
// for the optional rating; the reporters of merged duplicates hear only of
// the close, and a walk-in reporter's notice goes to the regency desk
// without buttons (a desk must not rate for the citizen by a press).
func (c *courier) autoCloseNotice(r *store.Report, days int) error {
	if r.Channel == ChannelConventional {
		if err := c.tellCitizen(r, "n.autoclose", r.TrackingID, days); err != nil {
			return err
		}
		// The desk that passes the notice on may ask for the rating too.
		return c.toDesk(DeskRegency, "", Outbound{Text: T(c.lang, "rate.walkin.ask", r.TrackingID)})
	}
	if err := c.vouch(r, "n.autoclose.rate"); err != nil {
		return err
	}
	if err := c.tellReporter(r, [][]Button{ratingRow(r)}, "n.autoclose.rate", r.TrackingID, days); err != nil {
		return err
	}
	return c.tellFollowers(r, "n.autoclose", r.TrackingID, days)
}

// rateWalkIn records the rating a walk-in reporter gave the officer:
// /nilai <ID> <1-5> [komentar]. Only for a conventional report that is
// closed, and only once; every attempt is audited.
func (o *office) rateWalkIn(args string) error {
	id, rest := splitFirst(args)
	score, comment := splitFirst(strings.TrimSpace(rest))
	tid, ok := ParseTrackingID(id, o.s.cfg.TrackingPrefix)
	n, err := strconv.Atoi(score)
	if !ok || err != nil || n < 1 || n > 5 {
		return refuse(o.lang, "wf.usage", officerCommands["nilai"])
	}
	r, err := o.tx.LockReport(o.ctx, tid)
	if errors.Is(err, store.ErrNotFound) {
		return refuse(o.lang, "wf.notfound", tid)
	}
	if err != nil {
		return err
	}
	why := ""
	switch {
	case r.Channel != ChannelConventional:
		why = "rate.notwalkin"
	case Stage(r.Stage) != StageClosed:
		why = "rate.notclosed"
	case r.Rating != 0:
		why = "rate.twice"
	}
	if why != "" {
		if err := o.audit("/nilai", r.ID, false, why); err != nil {
			return err
		}
		return refuse(o.lang, why, r.TrackingID)
	}
	r.Rating, r.RatingComment, r.UpdatedAt = n, truncate(strings.TrimSpace(comment), 2000), o.now
	if err := o.tx.UpdateReport(o.ctx, &r); err != nil {
		return err
	}
	if err := o.audit("/nilai", r.ID, true, strconv.Itoa(n)); err != nil {
		return err
	}
	return o.say(T(o.lang, "rate.recorded", n, r.TrackingID))
}

// ratingLine is the rating under a report's card in /laporan, as far as
// rec's readers may see it ("" when not rated).
func ratingLine(lang Lang, rec *records.Record) string {
	if rec.Rating == 0 {
		return ""
	}
	line := "\n" + T(lang, "laporan.rating", rec.Rating)
	if rec.RatingComment != "" {
		line += ": " + truncate(rec.RatingComment, 300)
	}
	return line
}

var ratingTexts = map[string][2]string{
	"laporan.rating": {"⭐ Penilaian pelapor: %d dari 5", "⭐ Reporter's rating: %d of 5"},
	"n.autoclose.rate": {
		"Laporan %s kami nyatakan selesai: tidak ada balasan dalam %d hari kerja sejak tanggapan dikirim, sehingga tanggapan dianggap diterima. Terima kasih.\nBila berkenan, beri penilaian atas penanganannya (1 = sangat buruk, 5 = sangat baik). Penilaian ini tidak wajib.",
		"Report %s is finished: there was no reply within %d working days of the answer, so the answer is considered accepted. Thank you.\nIf you wish, rate how it was handled (1 = very poor, 5 = very good). Rating is optional."},
	"rate.walkin.ask": {
		"Saat menyampaikan kabar ini, Anda dapat menanyakan penilaian pelapor (1–5) atas penanganan laporan %[1]s lalu mencatatnya: /nilai %[1]s <1-5> [komentar]. Penilaian tidak wajib.",
		"When you pass this on, you may ask the reporter to rate the handling of report %[1]s (1–5) and record it: /nilai %[1]s <1-5> [comment]. Rating is optional."},
	"rate.recorded": {
		"✅ Penilaian pelapor (%d dari 5) untuk laporan %s sudah dicatat.",
		"✅ The reporter's rating (%d of 5) for report %s is recorded."},
	"rate.notwalkin": {
		"Laporan %s tidak dicatat lewat /catat. Pelapornya memberi penilaian sendiri lewat chat.",
		"Report %s was not recorded with /catat. Its reporter rates it themselves in the chat."},
	"rate.notclosed": {
		"Laporan %s belum selesai. Penilaian dapat dicatat setelah laporan selesai.",
		"Report %s is not finished yet. A rating can be recorded once it is finished."},
	"rate.twice": {
		"Laporan %s sudah diberi penilaian. Penilaian hanya dicatat satu kali.",
		"Report %s already has a rating. A rating is recorded only once."},
}

func init() {
	for k, v := range ratingTexts {
		if _, dup := texts[k]; dup {
			panic("flows: text " + k + " defined twice")
		}
		texts[k] = v
	}
}
