package flows_test

import (
	"bytes"
	"context"
	"fmt"
	"image"
	"image/jpeg"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/ledongthuc/pdf"
	"github.com/xuri/excelize/v2"

	"github.com/lapor-id/lapor/flows"
	"github.com/lapor-id/lapor/flows/hardcopy"
	"github.com/lapor-id/lapor/flows/open311"
	"github.com/lapor-id/lapor/flows/records"
	"github.com/lapor-id/lapor/flows/softcopy"
	"github.com/lapor-id/lapor/store"
)

// The privacy walk: reports with every combination of the flags
// (anonymous, confidential, walk-in), each field holding a value of its
// own, go through the chain; then every output is made for every audience
// it can go to, and each field of each report is looked for in it. What an
// output shows must be what the privacy table (flows/records/privacy.go)
// says, and a report an audience may not see must not be in its output at
// all.

// walked is one report of the walk and the values it holds.
type walked struct {
	id    string
	flags records.Flags
	// values of each field, as the report holds them ("" when it has none).
	values   map[records.Field]string
	photo    int64 // attachment ids
	doc      int64
	verified bool     // the super admin verified it
	agency   string   // the agency it is disposed to
	co       []string // the other agencies it is disposed to (flows/multiagency.go)
	ombuds   bool     // forwarded to the Ombudsman
}

func (w *walked) scope() records.Scope {
	return records.Scope{Verified: w.verified, Confidential: w.flags.Confidential, AgencyCode: w.agency, CoAgencies: w.co, Ombudsman: w.ombuds}
}

// generalised is what a generalised field looks like.
var generalised = map[records.Field]func(w *walked) string{
	records.FieldAddress:   func(*walked) string { return "Kelurahan Selosari, Kecamatan Magetan" },
	records.FieldFileNames: func(*walked) string { return "bukti-1.jpg" },
}

// output is one thing lapor makes, as one audience reads it.
type output struct {
	name   string
	aud    records.Audience
	agency string                 // of an Agency audience
	text   string                 // everything it says, files included
	files  map[int64]bool         // attachments it carries
	shows  map[records.Field]bool // fields this output displays at all
	only   []string               // tracking ids it is about (nil: any)
	// lists: the output names the reports it is about by themselves (not
	// only the number the asker typed), so a report its readers may not
	// see must not even be numbered in it.
	lists bool
}

func fieldSet(fs ...records.Field) map[records.Field]bool {
	m := map[records.Field]bool{}
	for _, f := range fs {
		m[f] = true
	}
	return m
}

var (
	identityFields = []records.Field{records.FieldName, records.FieldUsername, records.FieldContact}
	cardFields     = fieldSet(append(identityFields, records.FieldAddress, records.FieldPin, records.FieldTitle)...)
	evidenceFields = fieldSet(records.FieldFileNames, records.FieldFileContents)
	laporanFields  = fieldSet(append(identityFields, records.FieldAddress, records.FieldPin, records.FieldNotes, records.FieldOfficers,
		records.FieldTitle)...)
	printFields = fieldSet(append(identityFields, records.FieldChatID, records.FieldAddress, records.FieldPin,
		records.FieldFileNames, records.FieldNotes, records.FieldOfficers, records.FieldTitle)...)
	csvFields  = fieldSet(append(identityFields, records.FieldChatID, records.FieldAddress, records.FieldPin, records.FieldTitle)...)
	xlsxFields = fieldSet(append(identityFields, records.FieldChatID, records.FieldAddress, records.FieldPin, records.FieldNotes,
		records.FieldOfficers, records.FieldTitle)...)
	// The LAPOR! packet (/paket), for the regency's own desks only.
	packetFields = fieldSet(append(identityFields, records.FieldAddress, records.FieldPin, records.FieldFileNames,
		records.FieldTitle)...)
	open311Fields = fieldSet(records.FieldAddress, records.FieldPin)
)

func TestPrivacyTableHoldsInEveryOutput(t *testing.T) {
	h := chainHarness(t)
	var reports []*walked
	for bits := range 8 {
		f := records.Flags{Anonymous: bits&1 != 0, Confidential: bits&2 != 0, WalkIn: bits&4 != 0}
		reports = append(reports, h.seedWalked(len(reports), f))
	}
	// One more that the super admin archives unverified: never public,
	// never the Ombudsman's.
	spam := h.seedWalked(len(reports), records.Flags{})
	spam.values[records.FieldNotes], spam.values[records.FieldOfficers] = "", "" // never returned with a note
	h.drainAll()

	outs := map[string][]flows.Outbound{} // per output name@chat
	capture := func(name, chat string, in flows.Inbound) {
		h.post(chat, in)
		for c, msgs := range h.drainAll() {
			key := name + "@" + c
			outs[key] = append(outs[key], msgs...)
		}
	}
	// The chain: verified, returned with a reason, verified again,
	// disposed to pupr, every other one to dinkes as well (each agency's
	// desk gets it). Cards and evidence go to the desks as it moves.
	for i, w := range reports {
		capture("card", gSuper, groupCmd(uSuper, "verifikasi", w.id))
		capture("card", gRegency, groupCmd(uRegency, "kembalikan", w.id+" "+w.values[records.FieldNotes]))
		capture("card", gSuper, groupCmd(uSuper, "verifikasi", w.id))
		w.verified, w.agency = true, "pupr"
		if i%2 == 1 {
			capture("card", gRegency, groupCmd(uRegency, "disposisi", w.id+" pupr, dinkes"))
			w.co = []string{"dinkes"}
			continue
		}
		capture("card", gRegency, groupCmd(uRegency, "disposisi", w.id+" pupr"))
	}
	// The agency's first response and a progress update, one passed on by
	// the regency admin (flows/followups.go): news to the citizen, review
	// messages to the regency desk, history lines in every record.
	for _, w := range reports {
		capture("followup", gPupr, groupCmd(uPupr, "respon_awal", w.id+" Tim kami memeriksa saluran ini."))
		capture("followup", gRegency, groupCmd(uRegency, "tindak_lanjut", w.id+" teruskan"))
		capture("followup", gPupr, groupCmd(uPupr, "tindak_lanjut", w.id+" Pengerukan dijadwalkan pekan depan."))
		if len(w.co) > 0 { // the other agency's own update and its part of the answer
			capture("followup", gDinkes, groupCmd(uDinkes, "tindak_lanjut", w.id+" Fogging di sekitar saluran."))
			capture("answer", gDinkes, groupCmd(uDinkes, "tanggapi", w.id+" Fogging sudah dilakukan."))
			capture("answer", gDinkes, groupCmd(uDinkes, "tanggapi", w.id+" selesai"))
		}
	}
	capture("arsip", gSuper, groupCmd(uSuper, "arsip", spam.id+" spam"))

	// 61 working days later the sweep forwards them to the Ombudsman.
	h.now = h.now.AddDate(0, 4, 0)
	if _, err := h.svc.Sweep(h.ctx); err != nil {
		t.Fatal(err)
	}
	for c, msgs := range h.drainAll() {
		name := "sweep" // reminders and escalations: numbers and deadlines
		if c == gOmbudsman {
			name = "ombudsman-card"
		}
		outs[name+"@"+c] = append(outs[name+"@"+c], msgs...)
	}
	for _, w := range reports {
		w.ombuds = true
	}

	// Commands typed in every desk and in the officers' own chats, by an
	// admin (who may use them anywhere) or by the desk's own officer.
	desks := []struct {
		chat, user string
		group      bool
		aud        records.Audience
	}{
		{gSuper, uSuper, true, records.Admin}, {gRegency, uSuper, true, records.Admin},
		{gPupr, uSuper, true, records.Agency}, {gDinkes, uSuper, true, records.Agency},
		{gOmbudsman, uSuper, true, records.Ombudsman}, {gPupr, uPupr, true, records.Agency},
		{uSuper, uSuper, false, records.Admin}, {uPupr, uPupr, false, records.Agency},
		{uDinkes, uDinkes, false, records.Agency}, {uOmbudsman, uOmbudsman, false, records.Ombudsman},
	}
	for _, d := range desks {
		in := func(c, args string) flows.Inbound {
			if d.group {
				return groupCmd(d.user, c, args)
			}
			return flows.Inbound{Kind: flows.KindCommand, Command: c, Text: args, UserID: d.user, UserName: "Petugas " + d.user}
		}
		for _, w := range append(slices.Clone(reports), spam) {
			if d.group { // in a private chat /laporan is a citizen's list of their own reports
				capture("laporan-"+w.id, d.chat, in("laporan", w.id))
			}
			capture("cetak-"+w.id, d.chat, in("cetak", w.id))
			capture("paket-"+w.id, d.chat, in("paket", w.id))
		}
		capture("ekspor-csv", d.chat, in("ekspor", "csv 2026"))
		capture("ekspor-xlsx", d.chat, in("ekspor", "xlsx 2026"))
		capture("cari", d.chat, in("cari", "Saluran"))
		capture("rekap", d.chat, in("rekap", "2026-11"))
	}

	var all []output
	deskAud := map[string]flows.Readers{gSuper: flows.AdminReaders, gRegency: flows.AdminReaders, gPupr: flows.AgencyReaders("pupr"),
		gDinkes: flows.AgencyReaders("dinkes"), gOmbudsman: flows.OmbudsmanReaders, uSuper: flows.AdminReaders,
		uPupr: flows.AgencyReaders("pupr"), uDinkes: flows.AgencyReaders("dinkes"), uOmbudsman: flows.OmbudsmanReaders,
		uRegency: flows.AdminReaders}
	for key, msgs := range outs {
		name, chat, _ := strings.Cut(key, "@")
		rd, ok := deskAud[chat]
		if !ok {
			continue // a citizen's own chat: their own report
		}
		o := output{name: name + " in " + chat, aud: rd.Audience, agency: rd.Agency, files: map[int64]bool{},
			lists: !strings.HasPrefix(name, "laporan-") && !strings.HasPrefix(name, "cetak-") && !strings.HasPrefix(name, "paket-")}
		var text strings.Builder
		for _, m := range msgs {
			text.WriteString(m.Text + "\n" + m.FileName + "\n")
			if m.AttachmentID != 0 {
				o.files[m.AttachmentID] = true
			}
			if m.DocumentID != 0 {
				text.WriteString(h.documentText(m.DocumentID))
			}
		}
		o.text = text.String()
		switch {
		case name == "card":
			o.shows = cardFields
			for f := range evidenceFields {
				o.shows[f] = true
			}
		case name == "ombudsman-card":
			o.shows = fieldSet(records.FieldName, records.FieldAddress, records.FieldPin)
		case strings.HasPrefix(name, "laporan-"):
			o.shows, o.only = laporanFields, []string{strings.TrimPrefix(name, "laporan-")}
		case strings.HasPrefix(name, "cetak-"):
			o.shows, o.only = printFields, []string{strings.TrimPrefix(name, "cetak-")}
		case strings.HasPrefix(name, "paket-"):
			o.shows, o.only = packetFields, []string{strings.TrimPrefix(name, "paket-")}
			if rd.Audience != records.Admin {
				o.shows = fieldSet() // refused there
			}
		case name == "ekspor-csv":
			o.shows = csvFields
		case name == "ekspor-xlsx":
			o.shows = xlsxFields
		default:
			o.shows = fieldSet() // searches and recaps show no personal field
		}
		all = append(all, o)
	}

	// The command line and open data, through the same service calls.
	ctx := context.Background()
	for _, w := range append(slices.Clone(reports), spam) {
		for _, rd := range []flows.Readers{flows.AdminReaders, {Audience: records.Agency}, flows.PublicReaders} {
			rec, err := h.svc.Record(ctx, w.id, rd, "id")
			o := output{name: "lapor print " + rd.Audience.String() + " " + w.id, aud: rd.Audience, agency: w.agency,
				shows: printFields, only: []string{w.id}}
			if err == nil {
				var buf bytes.Buffer
				if err := hardcopy.Report(&buf, rec, h.svc.PrintHeader("id", "test"), "id"); err != nil {
					t.Fatal(err)
				}
				o.text = pdfText(t, buf.Bytes())

			} else if err != flows.ErrNoReport {
				t.Fatal(err)
			}
			all = append(all, o)
		}
	}
	for _, rd := range []flows.Readers{flows.AdminReaders, flows.PublicReaders} {
		var c, x bytes.Buffer
		opts := softcopy.Options{Audience: rd.Audience, Now: h.now}
		if _, err := softcopy.CSV(&c, h.svc.Records(ctx, store.HistoryFilter{}, rd, "id"), opts); err != nil {
			t.Fatal(err)
		}
		if _, err := softcopy.XLSX(&x, h.svc.Records(ctx, store.HistoryFilter{}, rd, "id"), opts); err != nil {
			t.Fatal(err)
		}
		all = append(all, output{name: "lapor export csv " + rd.Audience.String(), aud: rd.Audience, text: c.String(), shows: csvFields, lists: true},
			output{name: "lapor export xlsx " + rd.Audience.String(), aud: rd.Audience, text: xlsxText(t, x.Bytes()), shows: xlsxFields, lists: true})
	}
	srv := httptest.NewServer(open311.Handler(h.svc.OpenData("id"), open311.Options{Now: func() time.Time { return h.now }}))
	defer srv.Close()
	for _, format := range []string{"json", "xml"} {
		q := url.Values{"start_date": {monday.AddDate(0, 0, -1).Format(time.RFC3339)}, "end_date": {monday.AddDate(0, 0, 30).Format(time.RFC3339)}}
		all = append(all, output{name: "open311 " + format, aud: records.Public, shows: open311Fields, lists: true,
			text: httpGet(t, srv.URL+"/open311/v2/requests."+format+"?"+q.Encode())})
		for _, w := range append(slices.Clone(reports), spam) {
			all = append(all, output{name: "open311 " + format + " " + w.id, aud: records.Public, shows: open311Fields,
				only: []string{w.id}, text: httpGet(t, srv.URL+"/open311/v2/requests/"+w.id+"."+format)})
		}
	}
	if len(all) < 100 {
		t.Fatalf("only %d outputs were made", len(all))
	}
	// The follow-ups are in the records' history, so the table above held
	// on them too.
	for _, name := range []string{"lapor export xlsx admin"} { // the CSV has one line per report, no history
		if i := slices.IndexFunc(all, func(o output) bool { return o.name == name }); i < 0 || !strings.Contains(all[i].text, "respon awal") {
			t.Errorf("%s lists no follow-up", name)
		}
	}

	// Every output, every report, every field; a printout's lines wrap
	// where they like.
	checked := 0
	for _, o := range all {
		o.text = strings.Join(strings.Fields(o.text), " ")
		for _, w := range append(slices.Clone(reports), spam) {
			if o.only != nil && !slices.Contains(o.only, w.id) {
				continue
			}
			if !records.Visible(o.aud, o.agency, w.scope()) {
				if o.lists && strings.Contains(o.text, w.id) {
					t.Errorf("%s names %s, a report its readers (%s %s) may not see", o.name, w.id, o.aud, o.agency)
				}
				for field, v := range w.values {
					if field == records.FieldOfficers {
						continue // not the report's own: the same officer works them all
					}
					if v != "" && strings.Contains(o.text, v) {
						t.Errorf("%s shows %s of %s, a report its readers (%s) may not see", o.name, field, w.id, o.aud)
					}
				}
				if o.files[w.photo] || o.files[w.doc] {
					t.Errorf("%s carries a file of %s, a report its readers (%s) may not see", o.name, w.id, o.aud)
				}
				continue
			}
			for _, field := range records.Fields() {
				v := w.values[field]
				if v == "" && field != records.FieldFileContents {
					continue // the report has none (a walk-in has no chat)
				}
				want := records.Treat(o.aud, w.flags, field)
				var shown bool
				if field == records.FieldFileContents {
					if !o.shows[field] {
						continue
					}
					shown = o.files[w.doc]
					if want == records.Generalised && (!o.files[w.photo] || o.files[w.doc]) {
						t.Errorf("%s: %s of %s: want the photo alone, carries photo %v document %v", o.name, field, w.id,
							o.files[w.photo], o.files[w.doc])
					}
				} else {
					shown = strings.Contains(o.text, v)
				}
				checked++
				// An output shows what it holds of the reports it is about.
				about := strings.Contains(o.text, w.id)
				if strings.HasPrefix(o.name, "card in ") {
					// A card may name other reports (similar ones, for a merge):
					// it is about the report in its head.
					about = strings.Contains(o.text, "📋 "+w.id)
				}
				switch {
				case want == records.Shown && o.shows[field] && about && !shown:
					t.Errorf("%s does not show %s of %s (%+v), which its readers (%s) may see", o.name, field, w.id, w.flags, o.aud)
				case want != records.Shown && shown:
					t.Errorf("%s shows %s of %s (%+v); the table says %s for %s", o.name, field, w.id, w.flags, want, o.aud)
				case want == records.Generalised && o.shows[field] && about && generalised[field] != nil &&
					!strings.Contains(o.text, generalised[field](w)):
					t.Errorf("%s does not show %s of %s generalised (%q)", o.name, field, w.id, generalised[field](w))
				}
			}
		}
	}
	t.Logf("%d outputs, %d field checks", len(all), checked)
}

// seedWalked files a report with flags f directly, each field holding a
// value of its own, with a photo and a document.
func (h *harness) seedWalked(i int, f records.Flags) *walked {
	h.t.Helper()
	w := &walked{flags: f, values: map[records.Field]string{
		records.FieldName:      fmt.Sprintf("Namapelapor%d", i),
		records.FieldUsername:  fmt.Sprintf("akunpelapor%d", i),
		records.FieldChatID:    fmt.Sprintf("77%d0%d", i, i),
		records.FieldAddress:   fmt.Sprintf("rumah Bu Alamat%d, Kel. Selosari", i),
		records.FieldPin:       fmt.Sprintf("-7.6%d357", i),
		records.FieldFileNames: fmt.Sprintf("KTP_Pelapor%d.pdf", i),
		records.FieldNotes:     fmt.Sprintf("Catatanpetugas%d", i),
		records.FieldOfficers:  "Petugas 9002", // the regency admin who returns each report with a note
		records.FieldTitle:     fmt.Sprintf("Judulpelapor%d", i),
		records.FieldContact:   fmt.Sprintf("kontak%d@contoh.id", i), // given at intake
	}}
	channel, chat := "test", w.values[records.FieldChatID]
	if f.WalkIn {
		channel, chat = flows.ChannelConventional, ""
		w.values[records.FieldChatID] = ""
		w.values[records.FieldContact] = fmt.Sprintf("08123%d%d%d%d", i, i, i, i)
	}
	lat, _ := strconv.ParseFloat(w.values[records.FieldPin], 64)
	lon, _ := strconv.ParseFloat(fmt.Sprintf("111.3%d468", i), 64)
	r := store.Report{TrackingID: flows.NewTrackingID("MGT"), Type: "pengaduan",
		Description: "Saluran tersumbat di depan rumah sejak dua minggu, banjir tiap hujan.", Address: w.values[records.FieldAddress],
		Latitude: &lat, Longitude: &lon, KecamatanCode: "35.20.06", Anonymous: f.Anonymous, Confidential: f.Confidential,
		Channel: channel, ChatID: chat, ReporterUserID: chat, ReporterName: w.values[records.FieldName],
		ReporterUsername: w.values[records.FieldUsername], Contact: w.values[records.FieldContact], Lang: "id",
		Title: w.values[records.FieldTitle], Category: "infrastruktur",
		Stage: string(flows.StageSubmitted), ResponsibleUnit: flows.DeskSuperAdmin, StageStartedAt: h.now,
		StageDeadline: h.now.AddDate(0, 0, 3), SubmittedAt: h.now}
	if f.WalkIn {
		r.ReporterUsername = ""
		w.values[records.FieldUsername] = ""
	}
	// Each file came with a message of its own (the inbox row it was
	// taken from), already handled.
	inbox := []int64{int64(900000 + 2*i), int64(900001 + 2*i)}
	for _, id := range inbox {
		if err := h.db.Exec(h.ctx, `INSERT INTO inbox (id, channel, external_id, chat_id, payload, received_at, next_attempt_at, processed_at, outcome)
			VALUES ($1, $2, $3, $4, '{}', $5, $5, $5, 'handled')`, id, channel, fmt.Sprint("seed-", id), chat, h.now); err != nil {
			h.t.Fatal(err)
		}
	}
	err := h.db.InTx(h.ctx, func(tx *store.Tx) error {
		if err := tx.CreateReport(h.ctx, &r); err != nil {
			return err
		}
		if err := tx.AppendEvent(h.ctx, store.Event{ReportID: r.ID, At: h.now, Kind: "submitted", StageTo: r.Stage,
			ActorRole: string(flows.RoleCitizen), Channel: channel}); err != nil {
			return err
		}
		var blobs [2]int64
		for j, data := range [][]byte{tinyJPEG(h.t), []byte("%PDF-1.4 isi dokumen pelapor")} {
			b, err := tx.WriteBlob(h.ctx, bytes.NewReader(data), -1)
			if err != nil {
				return err
			}
			blobs[j] = b.ID
		}
		photo := &store.Attachment{Channel: channel, ChatID: chat, InboxID: inbox[0], Kind: "photo", OriginalName: fmt.Sprintf("foto_Pelapor%d.jpg", i),
			MIMEType: "image/jpeg", BlobID: blobs[0], CreatedAt: h.now}
		doc := &store.Attachment{Channel: channel, ChatID: chat, InboxID: inbox[1], Kind: "document", OriginalName: w.values[records.FieldFileNames],
			MIMEType: "application/pdf", BlobID: blobs[1], CreatedAt: h.now}
		for _, a := range []*store.Attachment{photo, doc} {
			if err := tx.AddAttachment(h.ctx, a); err != nil {
				return err
			}
		}
		w.photo, w.doc = photo.ID, doc.ID
		n, err := tx.AttachToReport(h.ctx, r.ID, channel, chat, []int64{photo.ID, doc.ID})
		if err == nil && n != 2 {
			err = fmt.Errorf("attached %d files", n)
		}
		return err
	})
	if err != nil {
		h.t.Fatal(err)
	}
	w.id = r.TrackingID
	return w
}

// documentText is what a made file says: a PDF's text, a workbook's cells,
// a CSV as it is.
func (h *harness) documentText(id int64) string {
	h.t.Helper()
	d, err := h.db.Document(h.ctx, id)
	if err != nil {
		h.t.Fatal(err)
	}
	data, err := h.db.ReadBlob(h.ctx, d.BlobID)
	if err != nil {
		h.t.Fatal(err)
	}
	switch {
	case bytes.HasPrefix(data, []byte("%PDF-")):
		return pdfText(h.t, data)
	case strings.HasSuffix(d.Name, ".xlsx"):
		return xlsxText(h.t, data)
	}
	return string(data)
}

func pdfText(t *testing.T, b []byte) string {
	t.Helper()
	r, err := pdf.NewReader(bytes.NewReader(b), int64(len(b)))
	if err != nil {
		t.Fatal(err)
	}
	var sb strings.Builder
	for i := 1; i <= r.NumPage(); i++ {
		p := r.Page(i)
		if p.V.IsNull() {
			continue
		}
		text, err := p.GetPlainText(nil)
		if err != nil {
			t.Fatal(err)
		}
		sb.WriteString(text + "\n")
	}
	return sb.String()
}

func xlsxText(t *testing.T, b []byte) string {
	t.Helper()
	f, err := excelize.OpenReader(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	var sb strings.Builder
	for _, sheet := range f.GetSheetList() {
		rows, err := f.GetRows(sheet)
		if err != nil {
			t.Fatal(err)
		}
		for _, row := range rows {
			sb.WriteString(strings.Join(row, "\t") + "\n")
		}
	}
	return sb.String()
}

func httpGet(t *testing.T, u string) string {
	t.Helper()
	resp, err := http.Get(u)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return string(b)
}

// tinyJPEG is a small real photo, so printouts make a thumbnail of it.
func tinyJPEG(t *testing.T) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := jpeg.Encode(&b, image.NewGray(image.Rect(0, 0, 16, 12)), nil); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}
