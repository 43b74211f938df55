package flows_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/lapor-id/lapor/flows"
	"github.com/lapor-id/lapor/store"
)

// Everything lapor asks an officer to type in a desk is a prompt they
// reply to (a Telegram group in privacy mode delivers nothing else), and
// each says so.
func TestOfficerPromptsAskForAReply(t *testing.T) {
	h := chainHarness(t)
	press := func(group, user, data string) flows.Outbound {
		t.Helper()
		got := h.send(group, flows.Inbound{Kind: flows.KindButton, Button: data, IsGroup: true, UserID: user, MessageID: "41"})
		if len(got) != 1 {
			t.Fatalf("%s: replies %+v", data, got)
		}
		return got[0]
	}
	submitted := h.seedReport(flows.StageSubmitted, "", false)
	atAgency := h.seedReport(flows.StageAtAgency, "pupr", false)
	review := h.seedReport(flows.StageAnswerReview, "pupr", false)
	v := func(r store.Report) string { return fmt.Sprintf("%s|%d", r.TrackingID, r.Version) }

	for _, c := range []struct {
		group, user, data, want string
	}{
		{gSuper, uSuper, "p|tunda|" + v(submitted), "balas pesan ini dengan pertanyaan"},
		{gPupr, uPupr, "p|not_ours|" + v(atAgency), "balas pesan ini dengan alasannya"},
		{gRegency, uRegency, "p|revise|" + v(review), "balas pesan ini dengan alasannya"},
		{gPupr, uPupr, "w|answer|" + v(atAgency) + "|", "dengan membalas pesan ini"},
	} {
		out := press(c.group, c.user, c.data)
		if !out.ForceReply || len(out.Buttons) != 0 || out.ReplyTo != "41" || !strings.Contains(out.Text, c.want) {
			t.Errorf("%s: prompt %+v; want a forced reply saying %q", c.data, out, c.want)
		}
		expect(t, h.send(c.group, groupCmd(c.user, "batal", "")), "Dibatalkan")
	}
	// Archiving offers the usual reasons as buttons; another one is typed
	// as a reply.
	out := press(gSuper, uSuper, "p|archive|"+v(submitted))
	if out.ForceReply || len(out.Buttons) == 0 || !strings.Contains(out.Text, "balas pesan ini dengan alasannya") {
		t.Errorf("archive prompt %+v", out)
	}
	// /tanggapi without text prompts too, replying to the command.
	got := h.send(gPupr, flows.Inbound{Kind: flows.KindCommand, Command: "tanggapi", Text: atAgency.TrackingID,
		IsGroup: true, UserID: uPupr, MessageID: "77"})
	if len(got) != 1 || !got[0].ForceReply || got[0].ReplyTo != "77" {
		t.Errorf("/tanggapi prompt %+v", got)
	}
}

// A reply names its report by the message it answers: a part of an
// answer goes to the report replied about, and a reason typed as a reply
// about another report than the one asked about is refused, not taken.
func TestReplyNamesTheReport(t *testing.T) {
	h := chainHarness(t)
	a := h.seedReport(flows.StageAtAgency, "pupr", false)
	b := h.seedReport(flows.StageAtAgency, "pupr", false)
	reply := func(group, user, about, text string) []flows.Outbound {
		return h.send(group, flows.Inbound{Kind: flows.KindText, Text: text, IsGroup: true, UserID: user,
			ReplyToText: "📋 " + about + " · Pengaduan\n..."})
	}
	expect(t, h.send(gPupr, groupCmd(uPupr, "tanggapi", a.TrackingID)), "membalas pesan ini")
	// Replying to b's card while the answer to a was started writes b's.
	expect(t, reply(gPupr, uPupr, b.TrackingID, "Jalan b sudah ditambal."), "Tanggapan "+b.TrackingID+" dicatat")
	expect(t, reply(gPupr, uPupr, a.TrackingID, "Jalan a dijadwalkan minggu depan."), "Tanggapan "+a.TrackingID+" dicatat")
	_ = h.db.InTx(h.ctx, func(tx *store.Tx) error {
		for _, c := range []struct {
			r    store.Report
			body string
		}{{a, "Jalan a dijadwalkan minggu depan."}, {b, "Jalan b sudah ditambal."}} {
			ans, err := tx.AnswerFor(h.ctx, c.r.ID, 1, "pupr", h.now)
			if err != nil {
				return err
			}
			if ans.Body != c.body {
				t.Errorf("answer to %s = %q, want %q", c.r.TrackingID, ans.Body, c.body)
			}
		}
		return nil
	})

	// Not ours for a is asked; a reply about b is refused and a stays.
	expect(t, h.send(gPupr, flows.Inbound{Kind: flows.KindButton, Button: fmt.Sprintf("p|not_ours|%s|%d", a.TrackingID, a.Version),
		IsGroup: true, UserID: uPupr}), "balas pesan ini dengan alasannya")
	expect(t, reply(gPupr, uPupr, b.TrackingID, "Bukan urusan kami."), "yang sedang menunggu jawaban Anda adalah laporan "+a.TrackingID)
	if cur, _ := h.reportNow(b.TrackingID); cur.Stage != string(flows.StageAtAgency) {
		t.Fatalf("report b moved to %s", cur.Stage)
	}
	// The reply to the prompt itself (which names a) is the reason.
	expect(t, reply(gPupr, uPupr, a.TrackingID, "Ini urusan dinas kesehatan."), "✅ "+a.TrackingID)
	if cur, _ := h.reportNow(a.TrackingID); cur.Stage != string(flows.StageAtRegency) {
		t.Fatalf("report a is at %s after not ours", cur.Stage)
	}
}

// A reply to the bot's message about a report when nothing waits for the
// officer's input is answered, not dropped in silence; a reply to someone
// else's message is conversation and left alone.
func TestReplyWithNothingAsked(t *testing.T) {
	h := chainHarness(t)
	r := h.seedReport(flows.StageSubmitted, "", false)
	reply := func(toBot bool) []flows.Outbound {
		return h.send(gSuper, flows.Inbound{Kind: flows.KindText, Text: "Sudah saya baca.", IsGroup: true, UserID: uSuper,
			ReplyToText: "📋 " + r.TrackingID + " · Pengaduan\n...", ReplyToBot: toBot})
	}
	expect(t, reply(true), "Balasan Anda tentang laporan "+r.TrackingID+" tidak diproses")
	if got := reply(false); len(got) != 0 {
		t.Fatalf("a reply to a colleague was answered: %+v", got)
	}
	// A request left for over half an hour is gone: the late reply is told so.
	expect(t, h.send(gSuper, flows.Inbound{Kind: flows.KindButton, Button: fmt.Sprintf("p|tunda|%s|%d", r.TrackingID, r.Version),
		IsGroup: true, UserID: uSuper}), "balas pesan ini dengan pertanyaan")
	h.now = h.now.Add(31 * time.Minute)
	expect(t, reply(true), "tidak ada permintaan yang menunggu jawaban Anda")
	if cur, _ := h.reportNow(r.TrackingID); cur.Stage != string(flows.StageSubmitted) {
		t.Fatalf("stage %s: the late reply acted", cur.Stage)
	}
}
