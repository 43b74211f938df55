package flows_test

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/lapor-id/lapor/flows"
	"github.com/lapor-id/lapor/flows/calendar"
	"github.com/lapor-id/lapor/flows/region"
	"github.com/lapor-id/lapor/store"
)

// The bot's addresses in the invitation tests' links.
const (
	inviteBotUser   = "lapor_magetan_bot"
	inviteBotNumber = "6281100001111"
)

// inviteHarness is the chain of desks (channel "test") with a service
// that makes Telegram and WhatsApp invitation links the way cmd/lapor's do.
func inviteHarness(t *testing.T, links bool) *harness {
	h := chainHarness(t)
	cfg := flows.DefaultConfig()
	cfg.FloodPerMinute = 0
	if links {
		cfg.InviteLinks = map[string]func(string) string{
			"telegram": func(code string) string { return "https://t.me/" + inviteBotUser + "?start=" + code },
			"whatsapp": func(code string) string {
				return "https://wa.me/" + inviteBotNumber + "?text=" + url.QueryEscape(flows.InviteMessage(code))
			},
			"web": func(string) string { return "" }, // a channel that cannot make one now
		}
	}
	h.svc = flows.New(h.db, cfg, calendar.Default(), region.Default(), func() time.Time { return h.now }, nil)
	return h
}

var inviteCode = regexp.MustCompile(`Kode undangan: ([0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4})\n`)

// invite has user type /petugas undang args in group and returns the code
// and the whole reply.
func (h *harness) invite(group, user, args string) (string, string) {
	h.t.Helper()
	in := groupCmd(user, "petugas", "undang "+args)
	in.IsGroup = group != user // the admin's private chat has the admin's id
	got := expect(h.t, h.send(group, in), "Kode undangan")
	m := inviteCode.FindStringSubmatch(got.Text)
	if m == nil {
		h.t.Fatalf("no code in %q", got.Text)
	}
	return m[1], got.Text
}

// store puts a message of a channel's chat in the inbox without handling it.
func (h *harness) storeOn(channel, chat string, m flows.Inbound) {
	h.t.Helper()
	m.Channel, m.ChatID, m.At = channel, chat, h.now
	payload, _ := json.Marshal(m)
	if _, err := h.db.StoreInbound(h.ctx, []store.Inbound{{Channel: channel, ExternalID: fmt.Sprint(h.seq.Add(1)),
		ChatID: chat, IsGroup: m.IsGroup, Payload: payload, ReceivedAt: h.now}}); err != nil {
		h.t.Fatal(err)
	}
}

// sendOn stores one message of a channel's chat, handles everything and
// returns what that chat was sent.
func (h *harness) sendOn(channel, chat string, m flows.Inbound) []flows.Outbound {
	h.t.Helper()
	h.storeOn(channel, chat, m)
	h.handleReady()
	return h.drainOn(channel)[chat]
}

// drainOn empties a channel's outbox and returns what each chat was sent.
func (h *harness) drainOn(channel string) map[string][]flows.Outbound {
	out := map[string][]flows.Outbound{}
	for {
		rows, err := h.db.ClaimOutgoing(h.ctx, channel, h.now, 0, 1000)
		if err != nil {
			h.t.Fatal(err)
		}
		if len(rows) == 0 {
			return out
		}
		for _, r := range rows {
			var o flows.Outbound
			_ = json.Unmarshal(r.Payload, &o)
			out[r.ChatID] = append(out[r.ChatID], o)
			if err := h.db.MarkSent(h.ctx, r.ID, h.now); err != nil {
				h.t.Fatal(err)
			}
		}
	}
}

// Telegram delivers a deep link's /start <code> as the command "start".
func tgStart(user, name, code string) flows.Inbound {
	return flows.Inbound{Kind: flows.KindCommand, Command: "start", Text: code, UserID: user, UserName: name, Username: "u" + user}
}

// WhatsApp delivers the prefilled text of a wa.me link as a text message.
func waText(user, number, name, text string) flows.Inbound {
	return flows.Inbound{Kind: flows.KindText, Text: text, UserID: user, Username: number, UserName: name, NumberedMenus: true}
}

func (h *harness) officerRecord(channel, user string) (store.Officer, error) {
	var off store.Officer
	err := h.db.InTx(h.ctx, func(tx *store.Tx) error {
		var err error
		off, err = tx.OfficerByUser(h.ctx, channel, user)
		return err
	})
	return off, err
}

// audits returns the audit entries of an action, oldest first.
func (h *harness) audits(action string) []store.AuditEntry {
	h.t.Helper()
	all, err := h.db.AuditLog(h.ctx, 10000)
	if err != nil {
		h.t.Fatal(err)
	}
	var out []store.AuditEntry
	for i := len(all) - 1; i >= 0; i-- {
		if all[i].Action == action {
			out = append(out, all[i])
		}
	}
	return out
}

func oneText(t *testing.T, out []flows.Outbound) string {
	t.Helper()
	if len(out) != 1 {
		t.Fatalf("%d replies, want one: %+v", len(out), out)
	}
	return out[0].Text
}

// An admin invites; the officer opens the Telegram link, or sends the
// WhatsApp link's prefilled text, in a private chat and is an officer of
// that role under their own id; the desk that invited is told who joined.
func TestInviteRedeemedOnTelegramAndWhatsApp(t *testing.T) {
	h := inviteHarness(t, true)

	code, issued := h.invite(gRegency, uRegency, "liaison_officer pupr Rina Wati")
	for _, want := range []string{"Pejabat Penghubung", "Rina Wati", "https://t.me/" + inviteBotUser + "?start=" + code,
		"https://wa.me/" + inviteBotNumber + "?text=DAFTAR+PETUGAS+" + code, "/start " + code, "DAFTAR PETUGAS " + code,
		"Berlaku sampai 3 Desember 2026 10.00 WIB"} {
		if !strings.Contains(issued, want) {
			t.Errorf("the invitation lacks %q: %s", want, issued)
		}
	}
	if strings.Contains(issued, "web:") {
		t.Errorf("a channel without a link is listed: %s", issued)
	}
	// Only a hash is stored.
	var found bool
	if err := h.db.InTx(h.ctx, func(tx *store.Tx) error {
		open, err := tx.OpenInvitations(h.ctx, h.now)
		for _, inv := range open {
			found = found || strings.Contains(string(inv.CodeHash), strings.ReplaceAll(code, "-", ""))
		}
		if len(open) != 1 || len(open[0].CodeHash) != 32 {
			t.Errorf("open invitations: %+v", open)
		}
		return err
	}); err != nil || found {
		t.Fatalf("the code is stored in clear (%v) or the query failed: %v", found, err)
	}

	// Telegram: the start parameter of the link.
	link, _ := url.Parse(regexp.MustCompile(`https://t\.me/\S+`).FindString(issued))
	got := oneText(t, h.sendOn("telegram", "5551234", tgStart("5551234", "Rina", link.Query().Get("start"))))
	for _, want := range []string{"Selamat bergabung", "Pejabat Penghubung, Dinas Pekerjaan Umum", "ID Anda di Telegram: 5551234",
		"Rina Wati", "Grup petugas Anda: test:"} {
		if !strings.Contains(got, want) {
			t.Errorf("the welcome lacks %q: %s", want, got)
		}
	}
	off, err := h.officerRecord("telegram", "5551234")
	if err != nil || off.Role != string(flows.RoleLiaison) || off.AgencyCode != "pupr" || off.Name != "Rina Wati" {
		t.Fatalf("officer after the invitation: %+v, %v", off, err)
	}
	desk := h.drainOn("test")
	if len(desk[gRegency]) != 1 || !strings.Contains(desk[gRegency][0].Text, "Rina Wati bergabung sebagai Pejabat Penghubung") ||
		!strings.Contains(desk[gRegency][0].Text, "Telegram, ID 5551234") {
		t.Errorf("the inviting desk was told %+v", desk)
	}
	// She is an officer there now: her private /bantuan lists officers' commands.
	expect(t, h.sendOn("telegram", "5551234", flows.Inbound{Kind: flows.KindCommand, Command: "bantuan", UserID: "5551234"}), "/tanggapi")

	// WhatsApp: the prefilled text of the link, from a LID chat; the admin
	// issued it in a private chat, which is told.
	code, issued = h.invite(uSuper, uSuper, "regency_admin Budi")
	link, _ = url.Parse(regexp.MustCompile(`https://wa\.me/\S+`).FindString(issued))
	lid, number := "204820482048@lid", "6281355557777@s.whatsapp.net"
	got = oneText(t, h.sendOn("whatsapp", lid, waText(lid, number, "Budi S", link.Query().Get("text"))))
	if !strings.Contains(got, "Selamat bergabung") || !strings.Contains(got, "Admin Kabupaten") || !strings.Contains(got, "ID Anda di WhatsApp: "+lid) {
		t.Errorf("the WhatsApp welcome: %s", got)
	}
	if off, err := h.officerRecord("whatsapp", lid); err != nil || off.Role != string(flows.RoleRegencyAdmin) || off.Name != "Budi" {
		t.Fatalf("officer after the WhatsApp invitation: %+v, %v", off, err)
	}
	if told := h.drainOn("test")[uSuper]; len(told) != 1 || !strings.Contains(told[0].Text, "Budi bergabung sebagai Admin Kabupaten") {
		t.Errorf("the inviting admin was told %+v", told)
	}
	_ = code

	// Typed by hand in lower case with an O for a 0 and spaces: still read.
	code, _ = h.invite(gRegency, uRegency, "ombudsman")
	typed := strings.ToLower(strings.ReplaceAll(code, "-", " "))
	typed = strings.ReplaceAll(typed, "0", "o")
	got = oneText(t, h.sendOn("whatsapp", "777@lid", waText("777@lid", "", "Pak Ombudsman", "daftar petugas "+typed)))
	if !strings.Contains(got, "Selamat bergabung") || !strings.Contains(got, "Ombudsman") {
		t.Errorf("a hand-typed code: %s", got)
	}
	if off, err := h.officerRecord("whatsapp", "777@lid"); err != nil || off.Name != "Pak Ombudsman" {
		t.Errorf("an invitation without a name takes the platform's: %+v, %v", off, err)
	}

	// Every use is in the audit log, with its issue.
	if issues, uses := h.audits("invite_issue"), h.audits("invite_use"); len(issues) != 3 || len(uses) != 3 || !uses[0].Allowed ||
		uses[0].Channel != "telegram" || !strings.Contains(uses[0].Detail, "liaison_officer pupr") {
		t.Errorf("audit: issues %+v, uses %+v", issues, uses)
	}
	// A /start without a code is still the citizen's menu.
	if got := h.sendOn("telegram", "8080", flows.Inbound{Kind: flows.KindCommand, Command: "start", Text: "halo", UserID: "8080"}); len(got) == 0 ||
		strings.Contains(got[0].Text, "undangan") {
		t.Errorf("a plain /start: %+v", got)
	}
}

// Codes that cannot be used get one polite answer whatever the reason,
// and the audit log says which it was.
func TestInviteMisuse(t *testing.T) {
	h := inviteHarness(t, false)
	bad := "Kode undangan ini tidak dapat dipakai"

	// Used twice.
	code, issued := h.invite(gRegency, uRegency, "liaison_officer dinkes Dewi")
	if strings.Contains(issued, "https://") {
		t.Errorf("links without a configured channel: %s", issued)
	}
	expect(t, h.sendOn("telegram", "6001", tgStart("6001", "Dewi", code)), "Selamat bergabung")
	expect(t, h.sendOn("telegram", "6002", tgStart("6002", "Someone", code)), bad)
	if _, err := h.officerRecord("telegram", "6002"); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("a used code made a second officer: %v", err)
	}

	// In a group: refused, not used, works afterwards in private.
	code, _ = h.invite(gRegency, uRegency, "liaison_officer pupr Eko")
	grp := tgStart("6003", "Eko", code)
	grp.IsGroup = true
	h.storeOn("test", gPupr, grp)
	h.handleReady()
	expect(t, h.drainOn("test")[gPupr], "hanya dapat dipakai di chat pribadi", "belum dipakai")
	expect(t, h.sendOn("telegram", "6003", tgStart("6003", "Eko", code)), "Selamat bergabung")

	// Revoked by another admin than the one who issued it; a regency
	// admin may not revoke a super admin's invitation for a super admin.
	code, _ = h.invite(gSuper, uSuper, "liaison_officer pupr Fajar")
	superCode, _ := h.invite(gSuper, uSuper, "super_admin Gita")
	expect(t, h.send(gRegency, groupCmd(uRegency, "petugas", "undang batal "+superCode)), "Tidak ada undangan berlaku")
	list := expect(t, h.send(gRegency, groupCmd(uRegency, "petugas", "undangan")), "Fajar", "Gita").Text
	if strings.Contains(list, code) || strings.Contains(list, superCode) {
		t.Errorf("the list shows codes: %s", list)
	}
	expect(t, h.send(gRegency, groupCmd(uRegency, "petugas", "undang batal "+strings.ToLower(code))), "dibatalkan")
	expect(t, h.sendOn("telegram", "6004", tgStart("6004", "Fajar", code)), bad)
	expect(t, h.send(gSuper, groupCmd(uSuper, "petugas", "undang batal #999")), "Tidak ada undangan berlaku")

	// Who may invite whom: as /petugas tambah.
	expect(t, h.send(gRegency, groupCmd(uRegency, "petugas", "undang super_admin Hadi")), "tidak dapat mengundang Super Admin")
	expect(t, h.send(gPupr, groupCmd(uPupr, "petugas", "undang liaison_officer pupr Teman")), "tidak tersedia untuk peran Anda")
	expect(t, h.send(gRegency, groupCmd(uRegency, "petugas", "undang liaison_officer")), "Cara pakai")
	expect(t, h.send(gRegency, groupCmd(uRegency, "petugas", "undang camat Budi")), "Cara pakai")

	// An officer already registered: told so, the code left unused.
	code, _ = h.invite(gRegency, uRegency, "ombudsman Ida")
	expect(t, h.send(uPupr, flows.Inbound{Kind: flows.KindCommand, Command: "start", Text: code, UserID: uPupr}),
		"sudah terdaftar sebagai petugas", "Pejabat Penghubung")
	expect(t, h.sendOn("telegram", "6005", tgStart("6005", "Ida", code)), "Selamat bergabung")

	// Expired: refused; the expiry is audited once.
	code, _ = h.invite(gRegency, uRegency, "ombudsman Joko")
	h.now = h.now.Add(72*time.Hour + time.Second)
	expect(t, h.sendOn("telegram", "6006", tgStart("6006", "Joko", code)), bad)
	for want := 2; want >= 0; want -= 2 { // Gita's and Joko's; then none
		if n, err := h.svc.ExpireInvitations(h.ctx); err != nil || n != want {
			t.Fatalf("ExpireInvitations = %d, %v; want %d", n, err, want)
		}
	}

	bads := h.audits("invite_bad")
	var whys []string
	for _, a := range bads {
		whys = append(whys, a.Detail[strings.Index(a.Detail, " ")+1:])
	}
	if fmt.Sprint(whys) != "[used revoked expired]" {
		t.Errorf("failed uses audited as %q", whys)
	}
	checks := map[string]int{"invite_issue": 7, "invite_revoke": 3, "invite_expire": 2}
	for action, want := range checks {
		if got := len(h.audits(action)); got != want {
			t.Errorf("%d %s audit entries, want %d: %+v", got, action, want, h.audits(action))
		}
	}
	var refusedUses []string
	for _, a := range h.audits("invite_use") {
		if !a.Allowed {
			refusedUses = append(refusedUses, a.Detail)
		}
	}
	if fmt.Sprint(refusedUses) != "[group chat already an officer]" {
		t.Errorf("refused uses audited as %q", refusedUses)
	}
	if refused := h.audits("/petugas"); len(refused) != 1 || refused[0].Allowed || refused[0].UserID != uPupr {
		t.Errorf("the liaison's /petugas: %+v", refused)
	}
}

// A chat that sent five bad codes in an hour is refused without its code
// being looked at, even a good one; an hour later it may try again.
func TestInviteBruteForceLimit(t *testing.T) {
	h := inviteHarness(t, false)
	code, _ := h.invite(gRegency, uRegency, "liaison_officer pupr Rina")
	for i := range 5 {
		guess := fmt.Sprintf("AAAA-BBBB-CC%02d", i)
		expect(t, h.sendOn("whatsapp", "99@lid", waText("99@lid", "", "X", "DAFTAR PETUGAS "+guess)), "tidak dapat dipakai")
		h.now = h.now.Add(time.Minute)
	}
	expect(t, h.sendOn("whatsapp", "99@lid", waText("99@lid", "", "X", "DAFTAR PETUGAS "+code)), "Terlalu banyak kode undangan yang salah")
	if _, err := h.officerRecord("whatsapp", "99@lid"); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("a limited chat got in: %v", err)
	}
	// Garbage counts as a bad code too, in another chat; the limit is per chat.
	expect(t, h.sendOn("whatsapp", "98@lid", waText("98@lid", "", "Y", "daftar petugas tolong")), "tidak dapat dipakai")
	if got := len(h.audits("invite_bad")); got != 6 {
		t.Errorf("%d bad codes audited, want 6", got)
	}
	h.now = h.now.Add(time.Hour)
	expect(t, h.sendOn("whatsapp", "99@lid", waText("99@lid", "", "X", "DAFTAR PETUGAS "+code)), "Selamat bergabung")
	if uses := h.audits("invite_use"); len(uses) != 2 || uses[0].Allowed || uses[0].Detail != "too many bad codes" || !uses[1].Allowed {
		t.Errorf("uses audited as %+v", uses)
	}
}

// Many chats that race for one code: exactly one becomes an officer.
func TestInviteConcurrentRedemption(t *testing.T) {
	h := inviteHarness(t, false)
	code, _ := h.invite(gRegency, uRegency, "liaison_officer pupr Rina")
	const racers = 8
	for i := range racers {
		user := fmt.Sprint(7000 + i)
		h.storeOn("telegram", user, tgStart(user, "Racer "+user, code))
	}
	var wg sync.WaitGroup
	for range 4 {
		wg.Go(func() {
			for {
				err := h.svc.HandleNext(h.ctx, h.fetch)
				if errors.Is(err, flows.ErrIdle) {
					return
				}
				if err != nil {
					t.Errorf("handle: %v", err)
					return
				}
			}
		})
	}
	wg.Wait()
	var welcomed, refused, officers int
	for chat, out := range h.drainOn("telegram") {
		text := oneText(t, out)
		switch {
		case strings.Contains(text, "Selamat bergabung"):
			welcomed++
		case strings.Contains(text, "tidak dapat dipakai"):
			refused++
		default:
			t.Errorf("chat %s was told %q", chat, text)
		}
		if _, err := h.officerRecord("telegram", chat); err == nil {
			officers++
		}
	}
	if welcomed != 1 || refused != racers-1 || officers != 1 {
		t.Errorf("welcomed %d, refused %d, officers %d; want 1, %d, 1", welcomed, refused, officers, racers-1)
	}
	if uses, bads := h.audits("invite_use"), h.audits("invite_bad"); len(uses) != 1 || len(bads) != racers-1 {
		t.Errorf("audit: %d uses, %d bad codes", len(uses), len(bads))
	}
}

// The web chat's sign-in (EnterRoom) takes an invitation's code: the
// browser's user becomes the officer in their desk's web room. A bad
// code is ErrBadRoomCode with its audit line kept; a browser whose user is
// an officer already enters their own room and leaves the code unused.
func TestInviteWebSignIn(t *testing.T) {
	h := inviteHarness(t, false)
	code, _ := h.invite(gRegency, uRegency, "liaison_officer pupr Rina")

	if _, err := h.svc.EnterRoom(h.ctx, "web", "w-guess", "AAAA-BBBB-CCCC"); !errors.Is(err, flows.ErrBadRoomCode) {
		t.Fatalf("a wrong code: %v", err)
	}
	room, err := h.svc.EnterRoom(h.ctx, "web", "w-rina", strings.ToLower(code))
	if err != nil || room.ChatID != flows.RoomChatID(flows.DeskAgency, "pupr") || room.Officer != "Rina" {
		t.Fatalf("EnterRoom with the invitation: %+v, %v", room, err)
	}
	if off, err := h.officerRecord("web", "w-rina"); err != nil || off.Role != string(flows.RoleLiaison) || off.AgencyCode != "pupr" {
		t.Fatalf("the web officer: %+v, %v", off, err)
	}
	if got, err := h.svc.RoomOf(h.ctx, "web", "w-rina", room.ChatID); err != nil || got.Title == "" {
		t.Errorf("RoomOf: %+v, %v", got, err)
	}
	expect(t, h.drainOn("test")[gRegency], "Rina bergabung sebagai Pejabat Penghubung", "(obrolan web, ID w-rina)")

	// Already an officer: their room, the new code untouched.
	second, _ := h.invite(gRegency, uRegency, "ombudsman Ombi")
	if again, err := h.svc.EnterRoom(h.ctx, "web", "w-rina", second); err != nil || again.ChatID != room.ChatID {
		t.Fatalf("an officer's browser with another invitation: %+v, %v", again, err)
	}
	if other, err := h.svc.EnterRoom(h.ctx, "web", "w-ombi", second); err != nil || other.ChatID != flows.RoomChatID(flows.DeskOmbudsman, "") {
		t.Fatalf("the untouched code in another browser: %+v, %v", other, err)
	}
	if _, err := h.svc.EnterRoom(h.ctx, "web", "w-late", code); !errors.Is(err, flows.ErrBadRoomCode) {
		t.Fatalf("a used code on the web: %v", err)
	}
	var whys []string
	for _, a := range h.audits("invite_bad") {
		whys = append(whys, a.ChatID+": "+regexp.MustCompile(`#\d+`).ReplaceAllString(a.Detail, "#N"))
	}
	if fmt.Sprint(whys) != "[w-guess: unknown code w-late: #N used]" {
		t.Errorf("bad web codes audited as %q", whys)
	}
}
