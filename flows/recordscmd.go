package flows

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"regexp"
	"strings"

	"github.com/lapor-id/lapor/flows/agency"
	"github.com/lapor-id/lapor/flows/charts"
	"github.com/lapor-id/lapor/flows/hardcopy"
	"github.com/lapor-id/lapor/flows/records"
	"github.com/lapor-id/lapor/flows/softcopy"
	"github.com/lapor-id/lapor/store"
)

// maxChatFile is the largest made file sent into a chat (Telegram bots may
// upload 50 MB); bigger exports are made with `lapor export`.
const maxChatFile = 45 << 20

// readers are who reads what a command posts here: where it goes decides,
// never who asked. A desk's readers are the desk (an admin typing in an
// agency's group posts as that agency sees); an officer's private chat is
// read by that officer alone, as their role sees.
func (o *office) readers() Readers {
	if o.a.desk != nil {
		return deskReaders(o.a.desk.Kind, o.a.desk.AgencyCode)
	}
	switch Role(o.a.officer.Role) {
	case RoleSuperAdmin, RoleRegencyAdmin:
		return AdminReaders
	case RoleOmbudsman:
		return OmbudsmanReaders
	case RolePPID, RolePPIDSuperior:
		return PPIDReaders
	}
	return AgencyReaders(o.a.officer.AgencyCode)
}

// sees reports whether this chat may be shown the report at all, and
// audits a refusal.
func (o *office) sees(r *store.Report, what string) (bool, error) {
	if o.readers().sees(r, true) {
		return true, nil
	}
	return false, o.audit(what, r.ID, false, "not for this chat's readers ("+o.readers().Audience.String()+")")
}

// sendFile stores a made file and sends it to this chat.
func (o *office) sendFile(name, mime, kind string, data []byte, caption string) error {
	if len(data) > maxChatFile {
		return refuse(o.lang, "out.toobig", FormatSize(o.lang, int64(len(data))))
	}
	id, err := o.tx.AddDocument(o.ctx, store.Document{Channel: o.in.Channel, ChatID: o.in.ChatID, Kind: kind, Name: name,
		MIME: mime, MadeBy: o.msg.UserID}, data, o.now)
	if err != nil {
		return err
	}
	return o.c.send(o.in.Channel, o.in.ChatID, Outbound{Text: caption, DocumentID: id, ReplyTo: o.msg.MessageID})
}

// PrintHeader is the header of printed pages; each document has its own
// title.
func (s *Service) PrintHeader(lang Lang, by string) hardcopy.Header {
	return hardcopy.Header{Regency: "Pemerintah " + s.regency.Name(), Unit: T(lang, "print.unit"), PrintedAt: s.now(), PrintedBy: by,
		Letterhead: s.cfg.Letterhead, Signature: s.cfg.Signature}
}

var periodToken = regexp.MustCompile(`^\d{4}(-\d{2})?$|^\d{4}-\d{2}-\d{2}\.\.\d{4}-\d{2}-\d{2}$`)

// export is /ekspor csv|xlsx [period] [agency]: a softcopy of the reports
// submitted in the period.
func (o *office) export(args string) error {
	fields := strings.Fields(args)
	format := "xlsx"
	if len(fields) > 0 && (strings.EqualFold(fields[0], "csv") || strings.EqualFold(fields[0], "xlsx")) {
		format, fields = strings.ToLower(fields[0]), fields[1:]
	}
	var spec, agencyText string
	for _, f := range fields {
		if periodToken.MatchString(f) && spec == "" {
			spec = f
		} else {
			agencyText = strings.TrimSpace(agencyText + " " + f)
		}
	}
	p, err := ParsePeriod(spec, o.now, o.lang)
	if err != nil {
		return refuse(o.lang, "wf.usage", officerCommands["ekspor"])
	}
	f := store.HistoryFilter{From: p.From, To: p.To}
	if agencyText != "" {
		code, err := o.agencyCode(agencyText)
		if err != nil {
			return err
		}
		f.AgencyCode = code
	}
	rd := o.readers()
	aud := rd.Audience
	if rd.Audience == records.Agency && f.AgencyCode != "" && f.AgencyCode != rd.Agency {
		return refuse(o.lang, "wf.notallowed", agencyText)
	}
	var buf bytes.Buffer
	opts := softcopy.Options{Lang: string(o.lang), Audience: aud, Now: o.now}
	seq := o.s.recordSeq(o.ctx, o.tx, f, rd, o.lang)
	var n int
	mime := "text/csv"
	if format == "csv" {
		n, err = softcopy.CSV(&buf, seq, opts)
	} else {
		n, err = softcopy.XLSX(&buf, seq, opts)
		mime = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
	}
	if err != nil {
		return err
	}
	if err := o.audit("export", 0, true, fmt.Sprintf("%s %s %s desk=%s reports=%d", format, aud, p.Label, f.AgencyCode, n)); err != nil {
		return err
	}
	name := ExportName(p, rd, format) // flows/documents.go
	caption := T(o.lang, "out.export", n, p.Label)
	if aud == records.Admin {
		caption += "\n" + T(o.lang, "out.identities")
	}
	return o.sendFile(name, mime, "document", buf.Bytes(), caption)
}

// printReport is /cetak <ID>: the A4 PDF of one report.
func (o *office) printReport(args string) error {
	id := strings.ToUpper(strings.TrimSpace(args))
	if id == "" {
		return refuse(o.lang, "wf.usage", officerCommands["cetak"])
	}
	r, err := o.tx.ReportByTrackingID(o.ctx, id)
	if errors.Is(err, store.ErrNotFound) {
		return refuse(o.lang, "wf.notfound", id)
	}
	if err != nil {
		return err
	}
	if ok, err := o.sees(&r, "/cetak"); err != nil || !ok {
		if err != nil {
			return err
		}
		return refuse(o.lang, "wf.notallowed", id)
	}
	rd := o.readers()
	aud := rd.Audience
	rec, err := o.s.record(o.ctx, o.tx, id, rd, o.lang, true)
	if err != nil {
		return err
	}
	var buf bytes.Buffer
	by := roleName(o.lang, Role(o.a.officer.Role))
	if o.a.officer.Name != "" {
		by += " (" + o.a.officer.Name + ")"
	}
	if err := hardcopy.Report(&buf, rec, o.s.PrintHeader(o.lang, by), string(o.lang)); err != nil {
		return err
	}
	if err := o.audit("print", r.ID, true, aud.String()); err != nil {
		return err
	}
	return o.sendFile(id+".pdf", "application/pdf", "document", buf.Bytes(), T(o.lang, "out.print", id))
}

// recapCmd is /rekap [YYYY-MM]: the monthly recap PDF.
func (o *office) recapCmd(args string) error {
	month := o.now
	if s := strings.TrimSpace(args); s != "" {
		p, err := ParsePeriod(s, o.now, o.lang)
		if err != nil || len(s) != 7 {
			return refuse(o.lang, "wf.usage", officerCommands["rekap"])
		}
		month = p.From
	}
	from, to := monthRange(month)
	rc, err := o.s.recap(o.ctx, o.tx, from, to, monthName(o.lang, from), o.lang, o.readers())
	if err != nil {
		return err
	}
	by := roleName(o.lang, Role(o.a.officer.Role))
	var buf bytes.Buffer
	if err := hardcopy.Recap(&buf, rc, o.s.PrintHeader(o.lang, by), string(o.lang)); err != nil {
		return err
	}
	if err := o.audit("recap", 0, true, rc.Period); err != nil {
		return err
	}
	return o.sendFile("lapor-rekap-"+from.Format("2006-01")+".pdf", "application/pdf", "document", buf.Bytes(),
		T(o.lang, "out.recap", rc.Period, rc.Total))
}

// stats is /statistik: a chart of where reports stand and how agencies
// keep their deadlines this month, with a few lines of text.
func (o *office) stats() error {
	counts, err := o.tx.CountByStage(o.ctx, o.now)
	if err != nil {
		return err
	}
	byStage := map[string]*records.Count{}
	total, open, overdue := 0, 0, 0
	ratingSum, rated := 0.0, 0
	for _, c := range counts {
		ratingSum += c.Rating * float64(c.Rated)
		rated += c.Rated
		b, ok := byStage[c.Stage]
		if !ok {
			b = &records.Count{Key: c.Stage, Label: stageName(o.lang, Stage(c.Stage))}
			byStage[c.Stage] = b
		}
		b.N += c.Count
		total += c.Count
		if !Stage(c.Stage).Final() {
			open += c.Count
		}
		overdue += c.Overdue
	}
	var bars []records.Count
	for _, st := range Stages {
		if b, ok := byStage[string(st)]; ok {
			bars = append(bars, *b)
		}
	}
	from, to := monthRange(o.now)
	rc, err := o.s.recap(o.ctx, o.tx, from, to, monthName(o.lang, from), o.lang, o.readers())
	if err != nil {
		return err
	}
	met, missed := 0, 0
	for _, c := range rc.StageCompliance {
		met, missed = met+c.Met, missed+c.Missed
	}
	rate := "—"
	if met+missed > 0 {
		rate = fmt.Sprintf("%.0f%%", 100*float64(met)/float64(met+missed))
	}
	stagePNG, err := charts.Bars(T(o.lang, "out.chart.stages"), bars, 10, string(o.lang))
	if err != nil {
		return err
	}
	text := T(o.lang, "out.stats", total, open, overdue, rc.Period, rc.Total, rate)
	if rated > 0 {
		text += "\n" + T(o.lang, "out.rating", ratingSum/float64(rated), rated)
	}
	if err := o.sendFile("statistik-tahap.png", "image/png", "photo", stagePNG, text); err != nil {
		return err
	}
	if load := o.workloadText(rc); load != "" { // flows/workload.go
		if err := o.say(load); err != nil {
			return err
		}
	}
	if len(rc.AgencyCompliance) == 0 {
		return nil
	}
	agencyPNG, err := charts.Compliance(T(o.lang, "out.chart.agencies", rc.Period), rc.AgencyCompliance, string(o.lang))
	if err != nil {
		return err
	}
	return o.sendFile("statistik-opd.png", "image/png", "photo", agencyPNG, T(o.lang, "out.chart.agencies", rc.Period))
}

// AgencyCode finds an active agency by code, name or alias (the command
// line's --agency).
func (s *Service) AgencyCode(ctx context.Context, text string) (string, error) {
	var code string
	err := s.db.InTx(ctx, func(tx *store.Tx) error {
		rows, err := tx.Agencies(ctx, false)
		if err != nil {
			return err
		}
		a, ok := agency.Match(toAgencies(rows), text)
		if !ok {
			return fmt.Errorf("no active agency matches %q (see /opd)", text)
		}
		code = a.Code
		return nil
	})
	return code, err
}

// AuditOutput writes an export or a printout made outside a chat (the
// command line) to the audit log.
func (s *Service) AuditOutput(ctx context.Context, who, action, detail string) error {
	return s.db.InTx(ctx, func(tx *store.Tx) error {
		return tx.Audit(ctx, store.AuditEntry{At: s.now(), Channel: "cli", UserID: who, Action: action, Allowed: true,
			Detail: truncate(detail, 500)})
	})
}
