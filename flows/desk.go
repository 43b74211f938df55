package flows

import (
	"context"
	"crypto/rand"
	"encoding/json"
	"errors"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/lapor-id/lapor/flows/agency"
	"github.com/lapor-id/lapor/flows/calendar"
	"github.com/lapor-id/lapor/store"
)

// office is the handling of one message from an officer's side: a desk
// group, or an officer's private chat with the bot.
type office struct {
	ctx  context.Context
	s    *Service
	tx   *store.Tx
	in   store.Inbound
	msg  Inbound
	now  time.Time
	lang Lang
	a    actor
	c    *courier
	file int64 // the blob of the fetched file of a file message in an agency desk
}

// pending is an action an officer started with a button and finishes with
// their next message in the same chat (a reason, a question, an answer).
type pending struct {
	Act     Action `json:"act"`
	Report  string `json:"report"`
	Version int    `json:"version"`
	// Followup is the follow-up an admin sends back (flows/followups.go).
	Followup int64 `json:"followup,omitempty"`
}

var trackingInText = regexp.MustCompile(`\b[A-Z]{2,5}-[34679ACDEFHJKMNPRTUVWXY]{6}\b`)

// commandActions maps officers' commands to workflow actions.
var commandActions = map[string]Action{
	"verifikasi": ActVerify, "tunda": ActDefer, "arsip": ActArchive, "arsipkan": ActArchive,
	"pusat": ActCentral, "disposisi": ActDispose, "kembalikan": ActReturn, "bukan_wewenang": ActNotOurs,
	"setujui": ActApprove, "perbaiki": ActRevise,
}

// officerCommands are the commands only officers have, with their usage.
var officerCommands = map[string]string{
	"verifikasi": "/verifikasi <ID>", "tunda": "/tunda <ID> <pertanyaan>", "arsip": "/arsip <ID> <alasan: umum|bukan|spam|duplikat <ID>|…>",
	"pusat": "/pusat <ID>", "disposisi": "/disposisi <ID> <kode OPD>[,<kode OPD lain>…]", "kembalikan": "/kembalikan <ID> <alasan>",
	"bukan_wewenang": "/bukan_wewenang <ID> <alasan>", "tanggapi": "/tanggapi <ID> [teks | selesai | templat [nomor] | kosongkan | batal]",
	"setujui": "/setujui <ID>", "perbaiki": "/perbaiki <ID> <alasan | templat <nomor>>", "antrian": "/antrian [halaman]",
	"laporan": "/laporan <ID>", "cari": "/cari <kata>", "statistik": "/statistik", "petugas": "/petugas [tambah <user id> <peran> [kode OPD] | hapus <user id> | undang <peran> [kode OPD] <nama> | undangan | undang batal <kode>]",
	"opd": "/opd [tambah <kode> <nama> | ubah <kode> <nama> | nonaktif <kode>]", "identitas": "/identitas <ID>",
	"kode_grup": "/kode_grup <super_admin|regency_admin|ombudsman|ppid|ppid_superior|agency> [kode OPD]",
	"ekspor":    "/ekspor [csv|xlsx] [YYYY-MM | YYYY | YYYY-MM-DD..YYYY-MM-DD] [kode OPD]", "cetak": "/cetak <ID>",
	"rekap":      "/rekap [YYYY-MM]",
	"kode_ruang": "/kode_ruang <super_admin|regency_admin|ombudsman|ppid|ppid_superior|agency> [kode OPD] [nama petugas]", "daftar_grup": "/daftar_grup <kode>",
	"catat": "/catat <jenis> | <kecamatan> | <uraian> | <kontak>", "lapor_id": "/lapor_id <ID> <nomor LAPOR! nasional>",
	"paket":   "/paket <ID>",
	"nilai":   "/nilai <ID> <1-5> [komentar]",
	"bantuan": "/bantuan", "batal": "/batal", "status": "/status <ID>",
	"libur": "/libur [tambah <YYYY-MM-DD> <nama> | hapus <YYYY-MM-DD> | batal <YYYY-MM-DD>]", "sla": "/sla",
	"saya": "/saya",
	// Tindak lanjut (flows/followups.go).
	"respon_awal": "/respon_awal <ID> [teks]", "tindak_lanjut": "/tindak_lanjut <ID> [teks] (admin: /tindak_lanjut <ID> teruskan | kembalikan <alasan>)",
	"templat": "/templat [daftar | lihat <nomor> | hapus <nomor atau judul>]\n/templat tambah <judul> | <isi dengan {nomor} {instansi} {tanggal} {tanggal_laporan} {batas_waktu}>",
	// The Ombudsman path (flows/ombudsman.go).
	"ombudsman_kirim": "/ombudsman_kirim <ID> [nomor surat atau catatan]", "ombudsman_hasil": "/ombudsman_hasil <ID> <hasil>",
}

// commandRoles says who may use each non-workflow command.
var commandRoles = map[string][]Role{
	"antrian": {RoleSuperAdmin, RoleRegencyAdmin, RoleLiaison, RoleOmbudsman}, "laporan": {RoleSuperAdmin, RoleRegencyAdmin, RoleLiaison, RoleOmbudsman},
	"cari": {RoleSuperAdmin, RoleRegencyAdmin}, "statistik": {RoleSuperAdmin, RoleRegencyAdmin, RoleOmbudsman},
	"petugas": {RoleSuperAdmin, RoleRegencyAdmin}, "opd": {RoleSuperAdmin, RoleRegencyAdmin},
	"identitas": {RoleSuperAdmin, RoleRegencyAdmin}, "kode_grup": {RoleSuperAdmin, RoleRegencyAdmin},
	"kode_ruang": {RoleSuperAdmin, RoleRegencyAdmin},
	"ekspor":     {RoleSuperAdmin, RoleRegencyAdmin, RoleLiaison}, "cetak": {RoleSuperAdmin, RoleRegencyAdmin, RoleLiaison, RoleOmbudsman},
	"rekap": {RoleSuperAdmin, RoleRegencyAdmin, RoleOmbudsman},
	"catat": {RoleRegencyAdmin}, "lapor_id": {RoleSuperAdmin, RoleRegencyAdmin},
	"paket":    {RoleSuperAdmin, RoleRegencyAdmin},
	"nilai":    {RoleSuperAdmin, RoleRegencyAdmin},
	"tanggapi": {RoleLiaison}, "bantuan": {RoleSuperAdmin, RoleRegencyAdmin, RoleLiaison, RoleOmbudsman},
	"batal": {RoleSuperAdmin, RoleRegencyAdmin, RoleLiaison, RoleOmbudsman}, "status": {RoleSuperAdmin, RoleRegencyAdmin, RoleLiaison, RoleOmbudsman},
	"verifikasi": {RoleSuperAdmin}, "pusat": {RoleSuperAdmin}, "tunda": {RoleSuperAdmin, RoleRegencyAdmin},
	"arsip": {RoleSuperAdmin, RoleRegencyAdmin}, "disposisi": {RoleRegencyAdmin}, "kembalikan": {RoleRegencyAdmin},
	"bukan_wewenang": {RoleLiaison}, "setujui": {RoleSuperAdmin, RoleRegencyAdmin}, "perbaiki": {RoleSuperAdmin, RoleRegencyAdmin},
	"daftar_grup": {RoleSuperAdmin, RoleRegencyAdmin, RoleLiaison, RoleOmbudsman},
	"libur":       {RoleSuperAdmin, RoleRegencyAdmin}, "sla": {RoleSuperAdmin, RoleRegencyAdmin, RoleLiaison, RoleOmbudsman},
	"saya": {RoleSuperAdmin, RoleRegencyAdmin, RoleLiaison, RoleOmbudsman},
	// Tindak lanjut (flows/followups.go).
	"respon_awal": {RoleLiaison}, "tindak_lanjut": {RoleLiaison, RoleSuperAdmin, RoleRegencyAdmin},
	"templat": {RoleSuperAdmin, RoleRegencyAdmin, RoleLiaison},
	// The Ombudsman path (flows/ombudsman.go).
	"ombudsman_kirim": {RoleSuperAdmin, RoleRegencyAdmin}, "ombudsman_hasil": {RoleOmbudsman},
}

// isOfficerCommand reports whether a private-chat command belongs to the
// officers' side.
func isOfficerCommand(cmd string) bool {
	if cmd == "status" || cmd == "batal" || cmd == "bantuan" || cmd == "laporan" {
		return false // citizens have these too; an officer in a private chat is a citizen there
	}
	_, ok := officerCommands[cmd]
	return ok
}

// officerOf finds the officer who sent a message, by their id on the
// channel or by the alternative id the channel gives (WhatsApp: the
// phone-number JID next to the LID).
func officerOf(ctx context.Context, tx *store.Tx, channel string, msg Inbound) (store.Officer, error) {
	if msg.UserID == "" {
		return store.Officer{}, store.ErrNotFound
	}
	off, err := tx.OfficerByUser(ctx, channel, msg.UserID)
	if errors.Is(err, store.ErrNotFound) && msg.Username != "" && strings.Contains(msg.Username, "@") {
		off, err = tx.OfficerByUser(ctx, channel, msg.Username)
	}
	return off, err
}

func (s *Service) newOffice(ctx context.Context, tx *store.Tx, in store.Inbound, msg Inbound, now time.Time) (*office, error) {
	o := &office{ctx: ctx, s: s, tx: tx, in: in, msg: msg, now: now, lang: s.cfg.DefaultLang}
	o.a = actor{channel: in.Channel, chatID: in.ChatID, userID: msg.UserID, name: msg.UserName}
	off, err := officerOf(ctx, tx, in.Channel, msg)
	if err == nil {
		o.a.officer = &off
	} else if !errors.Is(err, store.ErrNotFound) {
		return nil, err
	}
	if in.IsGroup || msg.IsGroup {
		d, err := tx.DeskByChat(ctx, in.Channel, in.ChatID)
		if err == nil {
			o.a.desk = &d
		} else if !errors.Is(err, store.ErrNotFound) {
			return nil, err
		}
	}
	o.c = &courier{ctx: ctx, s: s, tx: tx, now: now, lang: o.lang}
	return o, nil
}

func (o *office) say(text string, rows ...[]Button) error {
	return o.c.send(o.in.Channel, o.in.ChatID, Outbound{Text: text, Buttons: rows, ReplyTo: o.msg.MessageID})
}

func (o *office) audit(action string, reportID int64, allowed bool, detail string) error {
	return o.tx.Audit(o.ctx, store.AuditEntry{At: o.now, Channel: o.in.Channel, ChatID: o.in.ChatID, UserID: o.msg.UserID,
		Action: action, ReportID: reportID, Allowed: allowed, Detail: truncate(detail, 500)})
}

// handleGroup handles a message in a group chat. The bot speaks only in
// registered desks; elsewhere it only records refusals.
func (s *Service) handleGroup(ctx context.Context, tx *store.Tx, in store.Inbound, msg Inbound, files *incoming, now time.Time) (string, error) {
	o, err := s.newOffice(ctx, tx, in, msg, now)
	if err != nil {
		return "", err
	}
	// A file from an officer in an agency desk is likely part of an answer.
	if msg.Kind.IsFile() && o.a.officer != nil && o.a.desk != nil && o.a.desk.Kind == DeskAgency {
		f, err := s.fetchEvidence(ctx, tx, in, msg, files, s.cfg.DefaultLang)
		if err != nil {
			return "", err
		}
		if f.problem != "" {
			return "refused: file " + f.problem, o.say(f.explain(s, msg, s.cfg.DefaultLang))
		}
		o.file = f.blob
	}
	if msg.Kind == KindMembership {
		return o.membership()
	}
	if o.a.desk == nil {
		if msg.Kind == KindCommand && msg.Command == "daftar_grup" {
			return o.register()
		}
		if msg.Kind == KindCommand || msg.Kind == KindButton {
			if err := o.audit(string(msg.Kind)+":"+msg.Command+msg.Button, 0, false, "unregistered group"); err != nil {
				return "", err
			}
		}
		s.log.Info("message in an unregistered group refused", "channel", in.Channel, "chat", in.ChatID, "kind", msg.Kind)
		return "refused: unknown group", nil
	}
	return o.run()
}

// handleOfficerPrivate handles an officer's command in a private chat.
func (s *Service) handleOfficerPrivate(ctx context.Context, tx *store.Tx, in store.Inbound, msg Inbound, now time.Time) (string, error) {
	o, err := s.newOffice(ctx, tx, in, msg, now)
	if err != nil {
		return "", err
	}
	return o.run()
}

// run handles a message in a desk (or an officer's private chat).
func (o *office) run() (string, error) {
	m := o.msg
	if o.a.officer == nil {
		if m.Kind == KindCommand || m.Kind == KindButton {
			if err := o.audit(string(m.Kind)+":"+m.Command+m.Button, 0, false, "not an officer"); err != nil {
				return "", err
			}
			return "refused: not an officer", o.say(T(o.lang, "wf.notofficer"))
		}
		return "ignored: chatter", nil
	}
	var err error
	switch m.Kind {
	case KindCommand:
		err = o.command()
	case KindButton:
		err = o.button()
	default:
		var handled bool
		handled, err = o.freeMessage()
		if err == nil && !handled {
			return "ignored: chatter", nil
		}
	}
	var ref *refusal
	if errors.As(err, &ref) {
		return "refused: " + truncate(ref.text, 100), o.say(ref.text)
	}
	if err != nil {
		return "", err
	}
	return "handled", nil
}

func (o *office) pendingKey() string { return o.in.ChatID + "#" + o.msg.UserID }

func (o *office) loadPending() (pending, store.Conversation, error) {
	conv, err := o.tx.LoadConversation(o.ctx, o.in.Channel, o.pendingKey())
	if err != nil {
		return pending{}, conv, err
	}
	var p pending
	// A started action left alone for half an hour is forgotten: a later
	// chat message must not become a reason or an answer by surprise.
	if len(conv.Draft) > 0 && o.now.Sub(conv.UpdatedAt) < pendingFor {
		_ = json.Unmarshal(conv.Draft, &p)
	}
	return p, conv, nil
}

// pendingFor is how long a started action waits for its reason or answer.
const pendingFor = 30 * time.Minute

func (o *office) savePending(p pending) error {
	b, _ := json.Marshal(p)
	step := "officer_pending"
	if p.Act == "" {
		step = string(StepIdle)
	}
	return o.tx.SaveConversation(o.ctx, store.Conversation{Channel: o.in.Channel, ChatID: o.pendingKey(), UserID: o.msg.UserID,
		Lang: string(o.lang), Step: step, Draft: b, UpdatedAt: o.now, RemindedAt: o.now})
}

// act runs one workflow action on a report, with the checks, the audit
// line, the announcements and the confirmation to the officer.
func (o *office) act(trackingArg string, version int, act Action, arg string) error {
	id, ok := ParseTrackingID(trackingArg, o.s.cfg.TrackingPrefix)
	if !ok {
		id = strings.TrimSpace(trackingArg) // maybe a national LAPOR! id
	}
	r, err := o.tx.LockReport(o.ctx, id)
	if errors.Is(err, store.ErrNotFound) {
		return refuse(o.lang, "wf.notfound", truncate(trackingArg, 40))
	}
	if err != nil {
		return err
	}
	if version != 0 && version != r.Version {
		if err := o.audit(string(act), r.ID, false, "stale button"); err != nil {
			return err
		}
		return alreadyDone(o.ctx, o.tx, &r, o.lang)
	}
	var others []string // a disposition to several agencies (flows/multiagency.go)
	if act == ActDispose && Stage(r.Stage) == StageAtAgency {
		act = ActAddAgency // /disposisi on a report at the agencies adds one
	}
	if act == ActDispose || act == ActAddAgency {
		if arg, others, err = o.disposeCodes(&r, arg); err != nil {
			return err
		}
		if act == ActAddAgency && len(others) > 0 {
			return refuse(o.lang, "ma.addone")
		}
	}
	if act == ActRevise {
		if arg, err = o.reasonFromTemplate(&r, arg); err != nil {
			return err
		}
	}
	if act == ActLaporID {
		if arg, err = o.nationalNumber(&r, arg); err != nil {
			return err
		}
	}
	_, err = o.s.transition(o.ctx, o.tx, o.a, &r, act, arg, o.now, o.lang)
	var ref *refusal
	if errors.As(err, &ref) {
		if aerr := o.audit(string(act), r.ID, false, ref.text); aerr != nil {
			return aerr
		}
		return err
	}
	if err != nil {
		return err
	}
	if err := o.audit(string(act), r.ID, true, arg); err != nil {
		return err
	}
	if err := o.addAgencies(&r, others); err != nil {
		return err
	}
	if act == ActAnswer {
		if err := o.savePending(pending{Act: ActAnswer, Report: r.TrackingID, Version: r.Version}); err != nil {
			return err
		}
		// No Send answer button yet (it comes with the first part noted).
		// A message has either buttons or a forced reply: where the agency
		// has canned answers, the prompt offers them and the officer taps
		// Reply themselves; otherwise the reply opens by itself.
		tpls, err := o.tx.Templates(o.ctx, visibleOwners(o.partAgency(&r))...)
		if err != nil {
			return err
		}
		if len(tpls) > 0 {
			return o.say(o.mention(T(o.lang, "wf.answer.start", r.TrackingID)), []Button{o.templateButton(&r)})
		}
		return o.prompt(T(o.lang, "wf.answer.start", r.TrackingID))
	}
	if err := o.savePending(pending{}); err != nil {
		return err
	}
	if err := o.c.announce(&r, act, arg); err != nil {
		return err
	}
	if act == ActLaporID {
		return o.say(T(o.lang, "wf.laporid", arg, r.TrackingID))
	}
	return o.say(o.doneText(&r, act), o.addAgencyRow(&r, act)...) // flows/multiagency.go
}

func (o *office) submitRow(r *store.Report) []Button {
	return []Button{{Label: T(o.lang, "b.submit"), Data: fmt.Sprintf("w|%s|%s|%d|", ActSubmitAnswer, r.TrackingID, r.Version)},
		o.templateButton(r)}
}

// agencyCode resolves what an officer typed to an active agency.
func (o *office) agencyCode(text string) (string, error) {
	rows, err := o.tx.Agencies(o.ctx, false)
	if err != nil {
		return "", err
	}
	if a, ok := agency.Match(toAgencies(rows), text); ok {
		return a.Code, nil
	}
	return "", refuse(o.lang, "wf.badagency", truncate(text, 40))
}

func toAgencies(rows []store.Agency) []agency.Agency {
	out := make([]agency.Agency, len(rows))
	for i, r := range rows {
		out[i] = agency.Agency{Code: r.Code, Name: r.Name, Kind: r.Kind, Aliases: r.Aliases, Topics: r.Topics, WilayahCode: r.WilayahCode}
	}
	return out
}

// button handles a press in a desk: w|act|ID|version|arg acts, p|act|ID|version
// asks for a reason first, dsp|ID|version offers agencies.
func (o *office) button() error {
	parts := strings.Split(o.msg.Button, "|")
	version := func(s string) int { n, _ := strconv.Atoi(s); return n }
	if handled, err := o.followupPress(parts); handled { // flows/followups.go
		return err
	}
	switch {
	case len(parts) == 5 && parts[0] == "w":
		act := Action(parts[1])
		if act == ActSubmitAnswer {
			return o.submitAnswer(parts[2], version(parts[3]))
		}
		return o.act(parts[2], version(parts[3]), act, parts[4])
	case len(parts) == 4 && parts[0] == "p":
		return o.askReason(Action(parts[1]), parts[2], version(parts[3]))
	case len(parts) == 4 && parts[0] == "tpl":
		return o.answerTemplate(parts[1], version(parts[2]), parts[3])
	case len(parts) == 4 && parts[0] == "mrg": // mrg|duplicate|version|original (flows/duplicates.go)
		return o.merge(parts[1], version(parts[2]), parts[3])
	case len(parts) == 4 && parts[0] == categoryButton: // kat|ID|version|category (flows/formfields_admin.go)
		return o.categoryPress(parts[1], version(parts[2]), parts[3])
	case len(parts) == 3 && parts[0] == "dsp":
		return o.offerAgencies(parts[1], version(parts[2]))
	case len(parts) == 3 && parts[0] == addAgencyButton: // flows/multiagency.go
		return o.offerMoreAgencies(parts[1], version(parts[2]))
	case len(parts) == 2 && parts[0] == ombudsmanButton: // flows/ombudsman.go
		return o.ombudsmanPress(parts[1])
	case len(parts) == 4 && parts[0] == "c":
		// A walk-in citizen's answer, relayed by the regency desk.
		if Action(parts[1]) == ActReject {
			return o.askReason(ActReject, parts[2], version(parts[3]))
		}
		return o.act(parts[2], version(parts[3]), Action(parts[1]), "")
	}
	if err := o.audit("button", 0, false, "unknown button "+truncate(o.msg.Button, 64)); err != nil {
		return err
	}
	return refuse(o.lang, "stale.button")
}

// lockReport locks the report an officer acts on. An unknown id is a
// refusal; so is a version other than the one the officer saw (0: any),
// which tells them who acted first.
func (o *office) lockReport(id string, version int) (store.Report, error) {
	r, err := o.tx.LockReport(o.ctx, id)
	if errors.Is(err, store.ErrNotFound) {
		return r, refuse(o.lang, "wf.notfound", truncate(id, 40))
	}
	if err != nil {
		return r, err
	}
	if version != 0 && version != r.Version {
		return r, alreadyDone(o.ctx, o.tx, &r, o.lang)
	}
	return r, nil
}

// askReason checks the action may be taken, then waits for the reason.
func (o *office) askReason(act Action, id string, version int) error {
	r, err := o.lockReport(id, version)
	if err != nil {
		return err
	}
	ru, ok := findRule(Stage(r.Stage), act)
	if !ok {
		return refuse(o.lang, "wf.notnow", r.TrackingID, stageName(o.lang, Stage(r.Stage)))
	}
	if !ru.allowed(o.a, &r) {
		if err := o.audit(string(act), r.ID, false, "not allowed"); err != nil {
			return err
		}
		return refuse(o.lang, "wf.notallowed", r.TrackingID)
	}
	if err := o.savePending(pending{Act: act, Report: r.TrackingID, Version: r.Version}); err != nil {
		return err
	}
	if act == ActDefer {
		return o.prompt(T(o.lang, "wf.ask.question", r.TrackingID))
	}
	if key := ppidPrompt(act); key != "" { // flows/ppid.go
		return o.prompt(T(o.lang, key, r.TrackingID))
	}
	if act == ActLaporID {
		return o.prompt(T(o.lang, "wf.ask.laporid", r.TrackingID))
	}
	ask := T(o.lang, "wf.ask.reason", r.TrackingID, eventName(o.lang, string(act)))
	if act == ActArchive {
		// The usual reasons are buttons; another one is typed as a reply,
		// which the officer starts by hand (buttons and a forced reply do
		// not go together).
		do := func(key, arg string) Button {
			return Button{Label: T(o.lang, key), Data: fmt.Sprintf("w|%s|%s|%d|%s", act, r.TrackingID, r.Version, arg)}
		}
		return o.say(ask, []Button{do("r.umum", "umum"), do("r.bukan", "bukan"), do("r.spam", "spam")})
	}
	return o.prompt(ask)
}

// offerAgencies suggests agencies for a disposition, each with its reasons
// (flows/suggest.go).
func (o *office) offerAgencies(id string, version int) error {
	r, err := o.lockReport(id, version)
	if err != nil {
		return err
	}
	if !regencyDesk(o.a, &r) || Stage(r.Stage) != StageAtRegency {
		if err := o.audit(string(ActDispose), r.ID, false, "not allowed"); err != nil {
			return err
		}
		return refuse(o.lang, "wf.notallowed", r.TrackingID)
	}
	rows, err := o.tx.Agencies(o.ctx, false)
	if err != nil {
		return err
	}
	sugs, err := suggestAgencies(o.ctx, o.tx, &r, rows, suggestionsShown)
	if err != nil {
		return err
	}
	menu, buttons := o.suggestionMenu(&r, sugs)
	return o.say(T(o.lang, "wf.choose.agency", r.TrackingID, r.TrackingID)+"\n\n"+menu, buttons...)
}

// freeMessage handles text and files in a desk: the reason an officer was
// asked for, or a part of an answer (also when replying to a card). A
// reply names its report by the message it replies to (a card, a prompt,
// a confirmation), which is how a Telegram group in privacy mode delivers
// typed text at all; that report comes before the started action's.
func (o *office) freeMessage() (bool, error) {
	p, _, err := o.loadPending()
	if err != nil {
		return false, err
	}
	text := cleanText(o.msg.Text)
	replied := trackingInText.FindString(o.msg.ReplyToText)
	if isFollowupAct(p.Act) { // flows/followups.go
		return true, o.followupInput(p, replied)
	}
	switch {
	case p.Act == ActAnswer && replied != "":
		return true, o.appendAnswer(replied)
	case p.Act == ActAnswer:
		return true, o.appendAnswer(p.Report)
	case p.Act != "" && replied != "" && replied != p.Report:
		return true, o.otherReport(p, replied)
	case p.Act != "" && text != "":
		return true, o.act(p.Report, p.Version, p.Act, text)
	}
	// A liaison officer replying to a card of a report at their agency.
	if replied != "" && o.a.officer.Role == string(RoleLiaison) {
		return true, o.appendAnswer(replied)
	}
	if replied != "" && p.Act == "" && o.msg.ReplyToBot {
		return true, o.nothingAsked(replied)
	}
	return false, nil
}

// appendAnswer adds a message's text and file to the draft answer.
func (o *office) appendAnswer(id string) error {
	r, err := o.lockReport(id, 0)
	if err != nil {
		return err
	}
	if Stage(r.Stage) != StageAtAgency || !agencyDesk(o.a, &r) {
		if err := o.audit(string(ActAnswer), r.ID, false, "not allowed"); err != nil {
			return err
		}
		if Stage(r.Stage) != StageAtAgency {
			return refuse(o.lang, "wf.notnow", r.TrackingID, stageName(o.lang, Stage(r.Stage)))
		}
		return refuse(o.lang, "wf.notallowed", r.TrackingID)
	}
	ans, err := o.tx.AnswerFor(o.ctx, r.ID, r.Round, o.partAgency(&r), o.now)
	if err != nil {
		return err
	}
	if text := cleanText(o.msg.Text); text != "" {
		if ans.Body != "" {
			ans.Body += "\n\n"
		}
		ans.Body += text
	}
	if o.msg.Kind.IsFile() {
		if o.file == 0 {
			return refuse(o.lang, "evidence.failed", fileLabel(o.msg))
		}
		a := &store.Attachment{Channel: o.in.Channel, ChatID: o.in.ChatID, InboxID: o.in.ID, ReportID: 0,
			Kind: string(o.msg.Kind), OriginalName: fileLabel(o.msg), MIMEType: nonEmpty(o.msg.File.MIME, defaultMIME(o.msg.Kind)),
			BlobID: o.file, CreatedAt: o.now}
		if err := o.tx.AddAttachment(o.ctx, a); err != nil {
			return err
		}
		if err := o.tx.AttachToAnswer(o.ctx, a.ID, ans.ID); err != nil {
			return err
		}
	}
	ans.AuthorID, ans.AuthorName = o.msg.UserID, o.a.officer.Name
	if err := o.tx.SaveAnswer(o.ctx, ans); err != nil {
		return err
	}
	files, err := o.tx.AnswerAttachments(o.ctx, ans.ID)
	if err != nil {
		return err
	}
	if err := o.savePending(pending{Act: ActAnswer, Report: r.TrackingID, Version: r.Version}); err != nil {
		return err
	}
	return o.say(T(o.lang, "wf.answer.noted", r.TrackingID, utf8.RuneCountInString(ans.Body), len(files)), o.submitRow(&r))
}

// submitAnswer sends the draft answer for review.
func (o *office) submitAnswer(id string, version int) error {
	r, err := o.lockReport(id, version)
	if err != nil {
		return err
	}
	if Stage(r.Stage) == StageAtAgency && agencyDesk(o.a, &r) {
		ans, err := o.tx.AnswerFor(o.ctx, r.ID, r.Round, o.partAgency(&r), o.now)
		if err != nil {
			return err
		}
		files, err := o.tx.AnswerAttachments(o.ctx, ans.ID)
		if err != nil {
			return err
		}
		if strings.TrimSpace(ans.Body) == "" && len(files) == 0 {
			return refuse(o.lang, "wf.answer.empty", r.TrackingID)
		}
		ans.SubmittedAt = o.now
		if err := o.tx.SaveAnswer(o.ctx, ans); err != nil {
			return err
		}
	}
	return o.act(r.TrackingID, r.Version, ActSubmitAnswer, "")
}

func nonEmpty(s, fallback string) string {
	if s != "" {
		return s
	}
	return fallback
}

// register turns an unregistered group into a desk with a one-time code.
func (o *office) register() (string, error) {
	code := strings.ToUpper(strings.TrimSpace(o.msg.Text))
	if o.a.officer == nil {
		if err := o.audit("daftar_grup", 0, false, "not an officer"); err != nil {
			return "", err
		}
		return "refused: not an officer", o.say(T(o.lang, "wf.notofficer"))
	}
	d, err := o.tx.UseDeskCode(o.ctx, code, o.in.Channel, o.in.ChatID, o.msg.ChatTitle, o.msg.UserID, o.now)
	if errors.Is(err, store.ErrNotFound) || code == "" {
		if err := o.audit("daftar_grup", 0, false, "bad code"); err != nil {
			return "", err
		}
		return "refused: bad code", o.say(T(o.lang, "wf.badcode"))
	}
	if err != nil {
		return "", err
	}
	if err := o.audit("daftar_grup", 0, true, d.Kind+" "+d.AgencyCode); err != nil {
		return "", err
	}
	return "handled", o.say(T(o.lang, "wf.registered", o.deskName(d.Kind, d.AgencyCode)))
}

func (o *office) deskName(kind, agencyCode string) string {
	if kind == DeskAgency {
		return o.c.agencyName(agencyCode)
	}
	return roleName(o.lang, Role(kind))
}

// membership notices the bot leaving a desk group.
func (o *office) membership() (string, error) {
	if o.msg.What != "left" && o.msg.What != "kicked" {
		return "noted: membership " + o.msg.What, nil
	}
	if o.a.desk == nil {
		return "noted: removed from an unregistered group", nil
	}
	d := *o.a.desk
	if _, err := o.tx.RemoveDesk(o.ctx, o.in.Channel, o.in.ChatID, o.now); err != nil {
		return "", err
	}
	o.s.log.Warn("the bot was removed from a desk group", "desk", d.Kind, "agency", d.AgencyCode, "chat", o.in.ChatID)
	if err := o.audit("removed_from_group", 0, true, d.Kind+" "+d.AgencyCode); err != nil {
		return "", err
	}
	if d.Kind != DeskSuperAdmin {
		if err := o.c.toDesk(DeskSuperAdmin, "", Outbound{Text: T(o.lang, "wf.removed", o.deskName(d.Kind, d.AgencyCode), d.Title)}); err != nil {
			return "", err
		}
	}
	return "noted: desk removed", nil
}

// withNewCode draws one-time codes until save takes one: a code already in
// the table (used, expired or not) is drawn again.
func withNewCode(save func(code string) error) (string, error) {
	for try := 0; ; try++ {
		code := newDeskCode()
		if err := save(code); !errors.Is(err, store.ErrConflict) || try == 4 {
			return code, err
		}
	}
}

// newDeskCode draws a one-time registration code.
func newDeskCode() string {
	b := make([]byte, 8)
	if _, err := rand.Read(b); err != nil {
		panic(err)
	}
	var s strings.Builder
	for _, c := range b {
		s.WriteByte(trackingAlphabet[int(c)%len(trackingAlphabet)])
	}
	return s.String()
}

// IssueDeskCode issues a one-time code for registering a group as a desk
// (the command line's `lapor admin code`).
func (s *Service) IssueDeskCode(ctx context.Context, kind, agencyCode, issuedBy string) (string, error) {
	return s.issueCode(ctx, kind, agencyCode, func(tx *store.Tx, code, ac string, now time.Time) error {
		return tx.IssueDeskCode(ctx, code, kind, ac, issuedBy, now, now.Add(codeValid))
	})
}

// codeValid is how long a desk or room code may wait to be used.
const codeValid = 7 * 24 * time.Hour

// issueCode draws a code for a desk that exists and stores it with save.
func (s *Service) issueCode(ctx context.Context, kind, agencyCode string, save func(tx *store.Tx, code, agencyCode string, now time.Time) error) (string, error) {
	now := s.now()
	var code string
	err := s.db.InTx(ctx, func(tx *store.Tx) error {
		ac, err := checkDesk(ctx, tx, kind, agencyCode)
		if err != nil {
			return err
		}
		code, err = withNewCode(func(c string) error { return save(tx, c, ac, now) })
		return err
	})
	return code, err
}

func (o *office) formatDeadline(t time.Time) string {
	if t.IsZero() {
		return "—"
	}
	return FormatDate(o.lang, t.In(calendar.Local()))
}
