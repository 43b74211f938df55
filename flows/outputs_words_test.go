package flows_test

import (
	"bytes"
	"context"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/lapor-id/lapor/flows"
	"github.com/lapor-id/lapor/flows/hardcopy"
	"github.com/lapor-id/lapor/flows/open311"
	"github.com/lapor-id/lapor/flows/records"
	"github.com/lapor-id/lapor/flows/softcopy"
	"github.com/lapor-id/lapor/store"
)

// internalKeys are what reports hold as keys (docs/GLOSSARY.md): a stage,
// a reason code, what the sweep stores as a reason, a channel code. None
// may stand alone as a value a person reads.
var internalKeys = []string{"umum", "bukan", "spam", "no reply", "no answer", "telegram", "whatsapp", "web", "conventional", "test",
	"Unknown", "submitted", "at_regency", "at_agency", "answer_review", "answered", "waiting_citizen", "to_lapor", "in_lapor",
	"archived"}

// (An Open311 service_code and status are the standard's codes, not words:
// "pengaduan", "closed".)

// valueSep splits an output into the values it shows: cells, lines,
// fields after their label, JSON and XML values.
var valueSep = regexp.MustCompile(`[\t\n\r,;"<>{}\[\]|]|: `)

// keysShown lists the internal keys that stand alone as a value in text.
func keysShown(text string) []string {
	var out []string
	for _, v := range valueSep.Split(text, -1) {
		v = strings.TrimSpace(v)
		for _, k := range internalKeys {
			if v == k {
				out = append(out, v)
			}
		}
	}
	return out
}

// rawKeys are keys that no Indonesian sentence contains: seen anywhere in
// an Indonesian output, one leaked into a sentence.
var rawKeys = regexp.MustCompile(`(?i)no reply|no answer|conventional|\b(at_regency|at_agency|answer_review|waiting_citizen|to_lapor|in_lapor)\b|\bUnknown\b`)

// officersWords are the SOP's words for its roles and steps, which
// officers use and citizens do not know (docs/GLOSSARY.md).
var officersWords = regexp.MustCompile(`Super Admin|Admin Kabupaten|[Dd]isposisi|\bOPD\b`)

func TestNoInternalKeyInAnyOutput(t *testing.T) {
	h := chainHarness(t)
	walkIn := h.seedWalked(0, records.Flags{WalkIn: true})
	web := h.seedWalked(1, records.Flags{})
	general := h.seedWalked(2, records.Flags{})
	spam := h.seedWalked(3, records.Flags{})
	answered := h.seedDue(flows.StageAnswered, "pupr", h.now.AddDate(0, 0, 5))
	waiting := h.seedReport(flows.StageWaitingCitizen, "", false)
	h.drainAll()

	type output struct {
		name, lang, text string
		citizen          bool // a reporter reads it
	}
	var outs []output
	add := func(name, lang, text string) { outs = append(outs, output{name: name, lang: lang, text: text}) }
	citizens := map[string]bool{identities["telegram"].chat: true}
	for _, w := range []*walked{walkIn, web, general, spam} {
		citizens[w.values[records.FieldChatID]] = true
	}
	messages := func(name string, out map[string][]flows.Outbound) {
		for chat, msgs := range out {
			for _, m := range msgs {
				text := m.Text + "\n" + m.FileName
				if m.DocumentID != 0 {
					text += "\n" + h.documentText(m.DocumentID)
				}
				outs = append(outs, output{name: name + " in " + chat, lang: "id", text: text, citizen: citizens[chat]})
			}
		}
	}
	officer := func(chat, c, args string) {
		h.post(chat, groupCmd(uSuper, c, args))
		messages("/"+c+" "+args, h.drainAll())
	}
	for _, w := range []*walked{walkIn, web} {
		officer(gSuper, "verifikasi", w.id)
		officer(gRegency, "disposisi", w.id+" pupr")
	}
	for _, w := range []*walked{general, spam} {
		officer(gSuper, "arsip", w.id+" "+map[*walked]string{general: "umum", spam: "spam"}[w])
	}
	// Two months on: the unanswered answer is finished by the sweep, the
	// unanswered question archives its report.
	h.now = h.now.AddDate(0, 0, 63) // Monday 1 February 2027
	if _, err := h.svc.Sweep(h.ctx); err != nil {
		t.Fatal(err)
	}
	messages("sweep", h.drainAll())
	// The outputs name real channels; the harness files on its own.
	if err := h.db.Exec(h.ctx, `UPDATE reports SET channel = CASE WHEN tracking_id = $1 THEN 'web' ELSE 'telegram' END
		WHERE channel = 'test'`, web.id); err != nil {
		t.Fatal(err)
	}

	ids := []string{walkIn.id, web.id, general.id, spam.id, answered.TrackingID, waiting.TrackingID}
	for _, id := range ids {
		officer(gSuper, "cetak", id)
		officer(gSuper, "laporan", id)
	}
	officer(gSuper, "ekspor", "csv 2026")
	officer(gSuper, "ekspor", "xlsx 2026")
	officer(gSuper, "rekap", "2026-11")
	officer(gSuper, "antrian", "")
	// The reporter's own view of their report.
	for _, w := range []*walked{general, spam} {
		h.post(w.values[records.FieldChatID], flows.Inbound{Kind: flows.KindCommand, Command: "status", Text: w.id})
		messages("/status "+w.id, h.drainAll())
	}

	// The command line and open data, in both languages.
	ctx := context.Background()
	for _, lang := range []string{"id", "en"} {
		for _, id := range ids {
			for _, rd := range []flows.Readers{flows.AdminReaders, flows.PublicReaders} {
				rec, err := h.svc.Record(ctx, id, rd, flows.Lang(lang))
				if err == flows.ErrNoReport {
					continue
				} else if err != nil {
					t.Fatal(err)
				}
				var buf bytes.Buffer
				if err := hardcopy.Report(&buf, rec, h.svc.PrintHeader(flows.Lang(lang), "test"), lang); err != nil {
					t.Fatal(err)
				}
				add("lapor print "+rd.Audience.String()+" "+id, lang, pdfText(t, buf.Bytes()))
			}
		}
		for _, rd := range []flows.Readers{flows.AdminReaders, flows.PublicReaders} {
			var c, x bytes.Buffer
			opts := softcopy.Options{Audience: rd.Audience, Now: h.now, Lang: lang}
			if _, err := softcopy.CSV(&c, h.svc.Records(ctx, store.HistoryFilter{}, rd, flows.Lang(lang)), opts); err != nil {
				t.Fatal(err)
			}
			if _, err := softcopy.XLSX(&x, h.svc.Records(ctx, store.HistoryFilter{}, rd, flows.Lang(lang)), opts); err != nil {
				t.Fatal(err)
			}
			add("lapor export csv "+rd.Audience.String(), lang, c.String())
			add("lapor export xlsx "+rd.Audience.String(), lang, xlsxText(t, x.Bytes()))
		}
		recap, err := h.svc.Recap(ctx, monday, flows.Lang(lang))
		if err != nil {
			t.Fatal(err)
		}
		var rb bytes.Buffer
		if err := hardcopy.Recap(&rb, recap, h.svc.PrintHeader(flows.Lang(lang), "test"), lang); err != nil {
			t.Fatal(err)
		}
		add("lapor recap", lang, pdfText(t, rb.Bytes()))
		srv := httptest.NewServer(open311.Handler(h.svc.OpenData(flows.Lang(lang)), open311.Options{Now: func() time.Time { return h.now }}))
		for _, format := range []string{"json", "xml"} {
			q := url.Values{"start_date": {monday.AddDate(0, 0, -1).Format(time.RFC3339)}, "end_date": {h.now.Format(time.RFC3339)}}
			add("open311 requests."+format, lang, httpGet(t, srv.URL+"/open311/v2/requests."+format+"?"+q.Encode()))
			add("open311 services."+format, lang, httpGet(t, srv.URL+"/open311/v2/services."+format))
		}
		srv.Close()
	}

	all, told := "", 0
	for _, o := range outs {
		all += "\n" + o.text
		for _, k := range keysShown(o.text) {
			t.Errorf("%s (%s) shows the internal key %q", o.name, o.lang, k)
		}
		if o.lang != "id" {
			continue
		}
		if m := rawKeys.FindString(o.text); m != "" {
			t.Errorf("%s shows the internal key %q", o.name, m)
		}
		for _, m := range glossaryMisses("id", o.text) {
			t.Errorf("%s: %s", o.name, m)
		}
		if m := officersWords.FindString(o.text); o.citizen && m != "" {
			t.Errorf("%s tells a reporter %q", o.name, m)
		}
		if o.citizen {
			told++
		}
	}
	if told < 5 {
		t.Errorf("reporters were told only %d things", told)
	}
	// The keys became words: each of these is how an output says one.
	flat := strings.Join(strings.Fields(all), " ")
	for _, want := range []string{"uraian terlalu umum", "pesan iklan atau iseng", "tidak ada balasan pelapor dalam batas waktu",
		"keterangan yang diminta tidak diberikan", "Datang langsung (loket)", "Obrolan web", "Diarsipkan", "Selesai",
		"the description is too general", "advertising or a prank", "the requested details never came", "Walk-in (counter)", "Web chat"} {
		if !strings.Contains(flat, want) {
			t.Errorf("no output says %q", want)
		}
	}
	if len(outs) < 60 {
		t.Errorf("only %d outputs were made", len(outs))
	}
	t.Logf("%d outputs checked", len(outs))
}
