package flows

import (
	"errors"
	"fmt"
	"slices"
	"sort"
	"strings"

	"github.com/lapor-id/lapor/flows/calendar"
	"github.com/lapor-id/lapor/flows/category"
	"github.com/lapor-id/lapor/flows/records"
	"github.com/lapor-id/lapor/store"
)

func splitFirst(s string) (string, string) {
	s = strings.TrimSpace(s)
	if i := strings.IndexAny(s, " \n\t"); i >= 0 {
		return s[:i], strings.TrimSpace(s[i+1:])
	}
	return s, ""
}

// command handles an officer's slash command.
func (o *office) command() error {
	cmd, args := o.msg.Command, cleanText(o.msg.Text)
	usage, known := officerCommands[cmd]
	if !known {
		return refuse(o.lang, "unknown.command", truncate(cmd, 40))
	}
	role := Role(o.a.officer.Role)
	if !slices.Contains(commandRoles[cmd], role) {
		if err := o.audit("/"+cmd, 0, false, "role "+string(role)); err != nil {
			return err
		}
		return refuse(o.lang, "wf.cmd.notallowed", cmd)
	}
	if act, ok := commandActions[cmd]; ok {
		if o.a.desk == nil {
			if err := o.audit("/"+cmd, 0, false, "private chat"); err != nil {
				return err
			}
			return refuse(o.lang, "wf.onlydesk")
		}
		id, rest := splitFirst(args)
		if id == "" {
			return refuse(o.lang, "wf.usage", usage)
		}
		return o.act(id, 0, act, rest)
	}
	switch cmd {
	case "respon_awal", "tindak_lanjut": // flows/followups.go
		return o.followupCommand(cmd, args, usage)
	case "tanggapi":
		if o.a.desk == nil {
			return refuse(o.lang, "wf.onlydesk")
		}
		id, rest := splitFirst(args)
		switch {
		case id == "":
			return refuse(o.lang, "wf.usage", usage)
		case rest == "":
			return o.act(id, 0, ActAnswer, "")
		case strings.EqualFold(rest, "selesai") || strings.EqualFold(rest, "kirim"):
			return o.submitAnswer(id, 0)
		}
		if handled, err := o.answerVerb(id, rest); handled {
			return err
		}
		o.msg.Text = rest
		return o.appendAnswer(id)
	case "batal":
		if err := o.savePending(pending{}); err != nil {
			return err
		}
		return o.say(T(o.lang, "wf.pending.cancelled"))
	case "bantuan":
		return o.help()
	case "antrian":
		return o.queue(args)
	case "laporan", "status":
		if args == "" {
			return refuse(o.lang, "wf.usage", usage)
		}
		return o.timeline(args)
	case "cari":
		return o.search(args)
	case "statistik":
		return o.stats()
	case "ekspor":
		return o.export(args)
	case "cetak":
		return o.printReport(args)
	case "rekap":
		return o.recapCmd(args)
	case "petugas":
		return o.officers(args)
	case "opd":
		return o.agencies(args)
	case "identitas":
		return o.identity(args)
	case "kode_grup":
		return o.deskCode(args)
	case "kode_ruang":
		return o.roomCode(args)
	case "daftar_grup":
		_, err := o.register()
		return err
	case "catat":
		return o.record(args)
	case "lapor_id":
		return o.laporID(args)
	case "paket":
		return o.packetCmd(args)
	case "judul": // flows/formfields_admin.go
		return o.titleCmd(args)
	case "kategori":
		return o.categoryCmd(args)
	case "nilai":
		return o.rateWalkIn(args)
	case "gabungkan":
		return o.mergeCommand(args)
	case "libur":
		return o.holidayCommand(args)
	case "sla":
		return o.say(o.s.cfg.Policy.Describe(o.lang))
	case "templat":
		return o.templates(args)
	case "ombudsman_kirim":
		return o.markSent(args)
	case "ombudsman_hasil":
		return o.ombudsmanResult(args)
	case "saya":
		text, err := whoAmI(o.ctx, o.c, o.in.Channel, o.msg)
		if err != nil {
			return err
		}
		return o.say(text)
	}
	return refuse(o.lang, "wf.usage", usage)
}

func (o *office) help() error {
	role := Role(o.a.officer.Role)
	var lines []string
	for cmd, roles := range commandRoles {
		if slices.Contains(roles, role) {
			lines = append(lines, officerCommands[cmd])
		}
	}
	sort.Strings(lines)
	return o.say(roleName(o.lang, role) + ":\n" + strings.Join(lines, "\n"))
}

// queue lists the open reports this desk holds, nearest deadline first,
// one page at a time (deskqueue.go).
func (o *office) queue(args string) error {
	if o.a.desk == nil {
		return refuse(o.lang, "wf.onlydesk")
	}
	d := o.a.desk
	text, err := o.s.deskQueue(o.ctx, o.tx, o.lang, o.now, d.Kind, d.AgencyCode, nonEmpty(d.Title, o.deskName(d.Kind, d.AgencyCode)), queuePageArg(args))
	if err != nil {
		return err
	}
	return o.say(text)
}

// timeline shows a report's card, with the buttons of the desk it is typed
// in, and its whole history. An agency sees only reports disposed to it.
func (o *office) timeline(arg string) error {
	id, ok := ParseTrackingID(arg, o.s.cfg.TrackingPrefix)
	if !ok {
		id = strings.TrimSpace(arg)
	}
	r, err := o.tx.ReportByAnyID(o.ctx, id)
	if errors.Is(err, store.ErrNotFound) {
		return refuse(o.lang, "wf.notfound", truncate(arg, 40))
	}
	if err != nil {
		return err
	}
	if ok, err := o.sees(&r, "/laporan"); err != nil || !ok {
		if err != nil {
			return err
		}
		return refuse(o.lang, "wf.notfound", truncate(arg, 40))
	}
	events, err := o.tx.Events(o.ctx, r.ID)
	if err != nil {
		return err
	}
	rd := o.readers()
	m, err := o.s.recordMaker(o.ctx, o.tx, rd, o.lang)
	if err != nil {
		return err
	}
	rec, ok := m.make(store.History{Report: r, Events: events})
	if !ok {
		return refuse(o.lang, "wf.notfound", truncate(arg, 40))
	}
	var lines []string
	for _, st := range rec.Timeline {
		line := fmt.Sprintf("• %s — %s (%s)", FormatDateTime(o.lang, st.At.In(calendar.Local())), st.What, st.Who())
		if st.Note != "" && st.Kind != "identity_viewed" {
			line += ": " + truncate(st.Note, 300)
		}
		lines = append(lines, line)
	}
	deskKind := "" // outside a desk: no buttons
	if o.a.desk != nil {
		deskKind = o.a.desk.Kind
	}
	// The card carries the buttons this desk may use on the report now
	// (none where it may not act), its history below.
	card, err := o.c.card(&r, rd, deskKind)
	if err != nil {
		return err
	}
	return o.say(card.Text+ratingLine(o.lang, &rec)+"\n\n"+T(o.lang, "laporan.steps")+"\n"+strings.Join(lines, "\n"), card.Buttons...)
}

func (o *office) search(words string) error {
	if strings.TrimSpace(words) == "" {
		return refuse(o.lang, "wf.usage", officerCommands["cari"])
	}
	// What a search shows is decided by where it is typed: in an agency's
	// desk only that agency's reports, in the Ombudsman's only those
	// forwarded to it.
	rd := o.readers()
	f := store.ReportFilter{Words: words, Limit: 20}
	if rd.Audience == records.Agency {
		f.AgencyCode = rd.Agency
	}
	if rd.Audience == records.Ombudsman {
		f.Limit = 200
	}
	found, err := o.tx.FindReports(o.ctx, f)
	if err != nil {
		return err
	}
	var reports []store.Report
	for _, r := range found {
		if rd.sees(&r, true) && len(reports) < 20 {
			reports = append(reports, r)
		}
	}
	if len(reports) == 0 {
		return o.say(T(o.lang, "wf.search.none"))
	}
	var lines []string
	for _, r := range reports {
		lines = append(lines, fmt.Sprintf("• %s — %s — %s", r.TrackingID, stageName(o.lang, Stage(r.Stage)), truncate(r.Description, 80)))
	}
	return o.say(strings.Join(lines, "\n"))
}

// stats counts reports per stage, the overdue ones, and ratings per agency.
// officers lists, adds or removes officers.
func (o *office) officers(args string) error {
	verb, rest := splitFirst(args)
	switch strings.ToLower(verb) {
	case "":
		list, err := o.tx.Officers(o.ctx)
		if err != nil {
			return err
		}
		var lines []string
		for _, p := range list {
			line := fmt.Sprintf("• %s %s — %s", p.Channel, p.UserID, roleName(o.lang, Role(p.Role)))
			if p.AgencyCode != "" {
				line += " " + p.AgencyCode
			}
			if p.Name != "" {
				line += " (" + p.Name + ")"
			}
			lines = append(lines, line)
		}
		return o.say(strings.Join(lines, "\n"))
	case "tambah", "add":
		user, rest := splitFirst(rest)
		role, rest := splitFirst(rest)
		agencyArg, name := splitFirst(rest)
		r := Role(role)
		user, err := o.officerID(user)
		if err != nil || !slices.Contains([]Role{RoleSuperAdmin, RoleRegencyAdmin, RoleLiaison, RoleOmbudsman}, r) && !isPPIDRole(r) {
			return refuse(o.lang, "wf.usage", officerCommands["petugas"])
		}
		if r == RoleSuperAdmin && o.a.officer.Role != string(RoleSuperAdmin) {
			return refuse(o.lang, "wf.cmd.notallowed", "petugas tambah super_admin")
		}
		code := ""
		if r == RoleLiaison {
			c, err := o.agencyCode(agencyArg)
			if err != nil {
				return err
			}
			code = c
		} else {
			name = strings.TrimSpace(agencyArg + " " + name)
		}
		if err := o.tx.PutOfficer(o.ctx, store.Officer{Channel: o.in.Channel, UserID: user, Name: name, Role: string(r),
			AgencyCode: code, Active: true, CreatedBy: o.msg.UserID}, o.now); err != nil {
			return err
		}
		if err := o.audit("officer_add", 0, true, user+" "+string(r)+" "+code); err != nil {
			return err
		}
		return o.say(T(o.lang, "wf.officer.added", strings.TrimSpace(user+" "+name), roleName(o.lang, r)))
	case "undang", "undangan", "invite":
		return o.invitations(strings.ToLower(verb), rest)
	case "hapus", "remove":
		user, _ := splitFirst(rest)
		user, err := o.officerID(user)
		if err != nil {
			return refuse(o.lang, "wf.usage", officerCommands["petugas"])
		}
		p, err := o.tx.OfficerByUser(o.ctx, o.in.Channel, user)
		if errors.Is(err, store.ErrNotFound) {
			return refuse(o.lang, "wf.usage", officerCommands["petugas"])
		}
		if err != nil {
			return err
		}
		p.Active = false
		if err := o.tx.PutOfficer(o.ctx, p, o.now); err != nil {
			return err
		}
		if err := o.audit("officer_remove", 0, true, user); err != nil {
			return err
		}
		return o.say(T(o.lang, "wf.officer.removed", user))
	}
	return refuse(o.lang, "wf.usage", officerCommands["petugas"])
}

// officerID is the id an officer typed in /petugas has on this channel
// (Config.OfficerIDs); "" is an error.
func (o *office) officerID(typed string) (string, error) {
	if typed == "" {
		return "", errors.New("no user id")
	}
	if f := o.s.cfg.OfficerIDs[o.in.Channel]; f != nil {
		return f(typed)
	}
	return typed, nil
}

// agencies lists, adds, renames or retires agencies.
func (o *office) agencies(args string) error {
	verb, rest := splitFirst(args)
	list, err := o.tx.Agencies(o.ctx, true)
	if err != nil {
		return err
	}
	switch strings.ToLower(verb) {
	case "":
		var lines []string
		for _, a := range list {
			if a.Active {
				lines = append(lines, a.Code+" — "+a.Name)
			}
		}
		return o.say(strings.Join(lines, "\n"))
	case "tambah", "ubah", "nonaktif", "aktif":
		code, name := splitFirst(rest)
		code = strings.ToLower(code)
		if !validAgencyCode(code) {
			return refuse(o.lang, "wf.usage", officerCommands["opd"])
		}
		a := store.Agency{Code: code, Name: name, Active: verb != "nonaktif"}
		for _, old := range list {
			if old.Code == code {
				a.Kind = old.Kind
				if name == "" {
					a.Name = old.Name
				}
			}
		}
		if a.Name == "" {
			return refuse(o.lang, "wf.usage", officerCommands["opd"])
		}
		if err := o.tx.PutAgency(o.ctx, a, o.now); err != nil {
			return err
		}
		if err := o.audit("agency_"+verb, 0, true, code+" "+name); err != nil {
			return err
		}
		return o.say(T(o.lang, "wf.opd.saved", code, a.Name))
	}
	return refuse(o.lang, "wf.usage", officerCommands["opd"])
}

func validAgencyCode(code string) bool {
	if len(code) < 2 || len(code) > 20 {
		return false
	}
	for _, r := range code {
		if !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '-') {
			return false
		}
	}
	return true
}

// identity shows an admin who filed a report; every view is an event in
// the report's history and a line in the audit log.
func (o *office) identity(arg string) error {
	id, ok := ParseTrackingID(arg, o.s.cfg.TrackingPrefix)
	if !ok {
		return refuse(o.lang, "wf.usage", officerCommands["identitas"])
	}
	r, err := o.tx.ReportByAnyID(o.ctx, id)
	if errors.Is(err, store.ErrNotFound) {
		return refuse(o.lang, "wf.notfound", id)
	}
	if err != nil {
		return err
	}
	if o.a.desk == nil || (o.a.desk.Kind != DeskSuperAdmin && o.a.desk.Kind != DeskRegency) {
		if err := o.audit("identity", r.ID, false, "not in an admin desk"); err != nil {
			return err
		}
		return refuse(o.lang, "wf.onlydesk")
	}
	if err := o.audit("identity", r.ID, true, "viewed"); err != nil {
		return err
	}
	if err := o.recordEvent(&r, "identity_viewed", ""); err != nil {
		return err
	}
	account := "—"
	if r.ReporterUsername != "" {
		account = handleLabel(o.s.readableHandle(r.Channel, r.ReporterUsername))
	}
	return o.say(T(o.lang, "wf.identity", r.TrackingID, nonEmpty(r.ReporterName+" "+r.Contact, "—"), account, r.Channel, r.ChatID))
}

// deskCode issues a one-time code to register a group as a desk.
func (o *office) deskCode(args string) error {
	kind, agencyCode, _, err := o.codeDesk(args, "kode_grup", true)
	if err != nil {
		return err
	}
	code, err := withNewCode(func(c string) error {
		return o.tx.IssueDeskCode(o.ctx, c, kind, agencyCode, o.msg.UserID, o.now, o.now.Add(codeValid))
	})
	if err != nil {
		return err
	}
	if err := o.audit("desk_code", 0, true, kind+" "+agencyCode); err != nil {
		return err
	}
	return o.say(T(o.lang, "wf.code", o.deskName(kind, agencyCode), code, CodeValidDays()))
}

// codeDesk reads the desk a code is for: its kind and, for an agency desk,
// the agency (the rest of the line when whole, else one word). It returns
// what follows, and refuses a super admin desk to anyone but a super admin.
func (o *office) codeDesk(args, cmd string, whole bool) (kind, agencyCode, rest string, err error) {
	kind, rest = splitFirst(args)
	switch kind {
	case DeskSuperAdmin, DeskRegency, DeskOmbudsman, DeskPPID, DeskPPIDSuperior:
		if kind == DeskSuperAdmin && o.a.officer.Role != string(RoleSuperAdmin) {
			return "", "", "", refuse(o.lang, "wf.cmd.notallowed", cmd+" super_admin")
		}
	case DeskAgency:
		token := rest
		if !whole {
			token, rest = splitFirst(rest)
		} else {
			rest = ""
		}
		if agencyCode, err = o.agencyCode(token); err != nil {
			return "", "", "", err
		}
	default:
		return "", "", "", refuse(o.lang, "wf.usage", officerCommands[cmd])
	}
	return kind, agencyCode, rest, nil
}

// record files a complaint received at the counter, by phone or SMS 1708.
func (o *office) record(args string) error {
	if o.a.desk == nil || o.a.desk.Kind != DeskRegency {
		if err := o.audit("/catat", 0, false, "not the regency desk"); err != nil {
			return err
		}
		return refuse(o.lang, "wf.onlydesk")
	}
	parts := strings.Split(args, "|")
	if len(parts) < 3 {
		return refuse(o.lang, "wf.catat.usage")
	}
	for i := range parts {
		parts[i] = strings.TrimSpace(parts[i])
	}
	typ := typeFromText(parts[0])
	k, okKec := o.s.regency.Match(parts[1])
	if typ == "" || !okKec || utf8Len(parts[2]) < o.s.cfg.MinDescription {
		return refuse(o.lang, "wf.catat.usage")
	}
	contact := ""
	if len(parts) > 3 {
		contact = truncate(parts[3], 200)
	}
	r := &store.Report{Type: typ, Description: parts[2], KecamatanCode: k.Code, Confidential: true,
		Channel: ChannelConventional, ChatID: "", Lang: string(o.lang), Stage: string(StageSubmitted),
		ResponsibleUnit: DeskSuperAdmin, StageStartedAt: o.now, SubmittedAt: o.now, SourceInboxID: o.in.ID,
		StageDeadline: o.s.cal().Deadline(o.now, o.s.stageDays(StageSubmitted)),
		DeadlineBase:  o.now, DeadlineDays: o.s.stageDays(StageSubmitted),
		RecordedBy: o.msg.UserID + " " + o.a.officer.Name, Contact: contact,
		Title: suggestTitle(parts[2]), Category: category.Suggest(parts[2])}
	var err error
	for try := 0; try < 5; try++ {
		r.TrackingID = NewTrackingID(o.s.cfg.TrackingPrefix)
		if err = o.tx.CreateReport(o.ctx, r); !errors.Is(err, store.ErrConflict) {
			break
		}
	}
	if err != nil {
		return err
	}
	if err := o.tx.AppendEvent(o.ctx, store.Event{ReportID: r.ID, At: o.now, Kind: "recorded", StageTo: r.Stage,
		ActorRole: o.a.officer.Role, ActorID: r.RecordedBy, Desk: DeskRegency, Channel: o.in.Channel, Deadline: r.StageDeadline}); err != nil {
		return err
	}
	if err := o.audit("/catat", r.ID, true, ""); err != nil {
		return err
	}
	if err := o.c.cardTo(r, DeskSuperAdmin, ""); err != nil {
		return err
	}
	return o.say(T(o.lang, "wf.recorded", r.TrackingID))
}

func utf8Len(s string) int { return len([]rune(s)) }

// laporID attaches the national LAPOR! tracking number. For a report
// forwarded as a central-government matter it is the workflow step that
// completes the forward (ActLaporID); any other report keeps its stage and
// only gains the number, since the regency records its own reports in the
// national LAPOR! too.
func (o *office) laporID(args string) error {
	id, national := splitFirst(args)
	national = strings.TrimSpace(national)
	tid, ok := ParseTrackingID(id, o.s.cfg.TrackingPrefix)
	if !ok || national == "" {
		return refuse(o.lang, "wf.usage", officerCommands["lapor_id"])
	}
	r, err := o.tx.LockReport(o.ctx, tid)
	if errors.Is(err, store.ErrNotFound) {
		return refuse(o.lang, "wf.notfound", tid)
	}
	if err != nil {
		return err
	}
	if Stage(r.Stage) == StageToLapor {
		return o.act(tid, 0, ActLaporID, national)
	}
	if national, err = o.nationalNumber(&r, national); err != nil {
		return err
	}
	changed := r.LaporTrackingID != national
	r.LaporTrackingID, r.UpdatedAt = national, o.now
	if err := o.tx.UpdateReport(o.ctx, &r); err != nil {
		return err
	}
	if err := o.audit("lapor_id", r.ID, true, national); err != nil {
		return err
	}
	if changed { // in the report's history, like every other step
		if err := o.recordEvent(&r, string(ActLaporID), national); err != nil {
			return err
		}
	}
	if err := o.c.refreshCards(&r); err != nil { // the cards' buttons carry the version
		return err
	}
	if changed { // the reporter learns the national number (flows/packet.go)
		if err := o.c.tellCitizen(&r, "n.laporid", r.TrackingID, national, r.TrackingID); err != nil {
			return err
		}
	}
	return o.say(T(o.lang, "wf.laporid", national, r.TrackingID))
}

// maxNationalID is the longest national LAPOR! number accepted.
const maxNationalID = 40

// nationalNumber checks a national LAPOR! number typed for r: present, of a
// sane length, and not already another report's.
func (o *office) nationalNumber(r *store.Report, typed string) (string, error) {
	national := strings.TrimSpace(typed)
	if national == "" || utf8Len(national) > maxNationalID || strings.ContainsAny(national, " \n\t") {
		return "", refuse(o.lang, "wf.laporid.bad", r.TrackingID, maxNationalID)
	}
	// Checked before writing: a unique-index violation would abort the
	// whole transaction, and the officer would get an internal error.
	if other, err := o.tx.ReportByAnyID(o.ctx, national); err == nil && other.ID != r.ID {
		return "", refuse(o.lang, "wf.laporid.taken", national)
	} else if err != nil && !errors.Is(err, store.ErrNotFound) {
		return "", err
	}
	return national, nil
}
