package main

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"image/png"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/ledongthuc/pdf"
	"github.com/xuri/excelize/v2"

	"github.com/lapor-id/lapor/bot/telegram/telegramtest"
)

// pdfText extracts the text of a PDF and counts its pages.
func pdfText(t *testing.T, b []byte) (string, int) {
	t.Helper()
	if !bytes.HasPrefix(b, []byte("%PDF-")) {
		t.Fatalf("not a PDF: %.20q", b)
	}
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
		sb.WriteString(text)
		sb.WriteString("\n")
	}
	return sb.String(), r.NumPage()
}

// xlsxText is every cell of every sheet, and the sheet names.
func xlsxText(t *testing.T, b []byte) (string, []string, *excelize.File) {
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
			sb.WriteString(strings.Join(row, "\t"))
			sb.WriteString("\n")
		}
	}
	return sb.String(), f.GetSheetList(), f
}

// file waits for the bot's next file in a chat with caption want.
func (c *chain) file(p *citizen, command, want string) telegramtest.Sent {
	c.t.Helper()
	s := c.must(p.say(command, want))
	if len(s.FileData) == 0 {
		c.t.Fatalf("%s: the answer %q carries no file", command, s.Caption+s.Text)
	}
	return s
}

// Softcopy, hardcopy, charts and open data, made from the chat, the command
// line and the HTTP server, and what each may show: the anonymous
// reporter's identity appears in none of them; named reporters only in
// admins' outputs; the confidential report in no public one.
func TestRecordsAndPrivacy(t *testing.T) {
	t.Parallel()
	c := newChain(t)
	photo := jpegWithGPS(t)
	walk := func(chat int64, anonymous, confidential bool) string {
		cz := newCitizen(c.fake, chat)
		id, err := cz.fileReportAs(photo, anonymous, confidential)
		if err != nil {
			t.Fatal(err)
		}
		c.must(c.super.expect(id))
		c.must(c.super.pressPrefix("w|verify|"+id+"|", "", "✅ "+id))
		c.must(c.regency.expect(id))
		c.must(c.regency.say("/disposisi "+id+" pupr", "✅ "+id))
		c.must(c.pupr.expect("Balas pesan laporan ini"))
		return id
	}
	anon := walk(5101, true, false)   // anonymous, public
	named := walk(5102, false, false) // named, public
	secret := walk(5103, false, true) // named, confidential
	c.answer(anon, "Saluran sudah dikeruk oleh tim UPT pada 27 November.")
	c.must(c.regency.pressPrefix("w|approve|"+anon+"|", "", "✅ "+anon))
	anonIdentity := []string{"Citizen 5101", "citizen5101"}
	namedIdentity := []string{"Citizen 5102", "citizen5102", "Citizen 5103"}
	mustNot := func(what, text string, words ...string) {
		t.Helper()
		for _, w := range words {
			if strings.Contains(text, w) {
				t.Errorf("%s shows %q", what, w)
			}
		}
	}

	// Admin softcopy from the chat: the XLSX workbook.
	x := c.file(c.superPrivate, "/ekspor xlsx", "Ekspor 3 laporan")
	text, sheets, book := xlsxText(t, x.FileData)
	if strings.Join(sheets, ",") != "Laporan,Riwayat,Per perangkat daerah,Per kategori,Info" {
		t.Errorf("sheets %v", sheets)
	}
	for _, id := range []string{anon, named, secret} {
		if !strings.Contains(text, id) {
			t.Errorf("the admin export lacks %s", id)
		}
	}
	if !strings.Contains(text, "Citizen 5102") || !strings.Contains(text, "Citizen 5103") {
		t.Error("the admin export does not name the named reporters")
	}
	mustNot("the admin XLSX", text, anonIdentity...)
	if v, _ := book.GetCellValue("Laporan", "A1"); v == "" {
		t.Error("the Laporan sheet has no header")
	}
	if !strings.Contains(text, "Saluran sudah dikeruk") {
		t.Error("the timeline sheet lacks the agency's answer")
	}

	// The CSV, read back as Excel would after its BOM.
	cs := c.file(c.superPrivate, "/ekspor csv", "Ekspor 3 laporan")
	if !bytes.HasPrefix(cs.FileData, []byte("\xef\xbb\xbf")) {
		t.Error("the CSV has no UTF-8 BOM")
	}
	rows, err := csv.NewReader(bytes.NewReader(cs.FileData[3:])).ReadAll()
	if err != nil || len(rows) != 4 {
		t.Fatalf("CSV: %d rows, %v", len(rows), err)
	}
	mustNot("the admin CSV", string(cs.FileData), anonIdentity...)

	// The printed report: the admin's names the reporter, the agency's not.
	pdfAnon, pages := pdfText(t, c.file(c.superPrivate, "/cetak "+anon, "Lembar laporan").FileData)
	if pages < 1 || !strings.Contains(pdfAnon, anon) || !strings.Contains(pdfAnon, "Anonim") ||
		!strings.Contains(pdfAnon, "Kabupaten Magetan") || !strings.Contains(pdfAnon, "Saluran sudah dikeruk") {
		t.Errorf("the printed anonymous report (%d pages):\n%s", pages, pdfAnon)
	}
	mustNot("the admin's printout of the anonymous report", pdfAnon, anonIdentity...)
	pdfNamed, _ := pdfText(t, c.file(c.superPrivate, "/cetak "+named, "Lembar laporan").FileData)
	if !strings.Contains(pdfNamed, "Citizen 5102") {
		t.Error("the admin's printout does not name the reporter")
	}
	// The agency's printout names a reporter who is not anonymous (as
	// LAPOR! does), without their account.
	pdfAgency, _ := pdfText(t, c.file(c.pupr, "/cetak "+named, "Lembar laporan").FileData)
	if !strings.Contains(pdfAgency, named) || !strings.Contains(pdfAgency, "Citizen 5102") {
		t.Errorf("the agency's printout:\n%s", pdfAgency)
	}
	mustNot("the agency's printout", pdfAgency, "citizen5102")
	c.must(c.dinkes.say("/cetak "+named, "tidak berwenang"))

	// The recap and the chart.
	recap, _ := pdfText(t, c.file(c.superPrivate, "/rekap", "Rekap").FileData)
	if !strings.Contains(recap, "Dinas Pekerjaan Umum") || !strings.Contains(recap, "2026") {
		t.Errorf("the recap:\n%s", recap)
	}
	mustNot("the recap", recap, append(anonIdentity, namedIdentity...)...)
	chart := c.file(c.superPrivate, "/statistik", "Statistik")
	if _, err := png.Decode(bytes.NewReader(chart.FileData)); err != nil || chart.Method != "sendPhoto" {
		t.Errorf("/statistik: %s, %v", chart.Method, err)
	}

	// A public export from the command line: no confidential report, no
	// identity, no exact pin of the anonymous reporter.
	var out, errOut bytes.Buffer
	if code := Run(context.Background(), []string{"export", "--format", "csv", "--public", "--out", "-"},
		func(k string) string { return c.env[k] }, &out, &errOut); code != 0 {
		t.Fatalf("export --public: %d %s", code, errOut.String())
	}
	public := out.String()
	if strings.Contains(public, secret) || !strings.Contains(public, anon) || !strings.Contains(public, named) {
		t.Errorf("the public export:\n%s", public)
	}
	mustNot("the public export", public, append(anonIdentity, namedIdentity...)...)
	for _, line := range strings.Split(public, "\n") {
		if strings.Contains(line, anon) {
			mustNot("the public export's anonymous row", line, "7.6634", "111.3574")
		}
	}

	// Open311, in JSON and XML.
	base := "http://" + c.env["LAPOR_HTTP_ADDR"] + "/open311/v2/"
	get := func(path string) (int, string) {
		resp, err := http.Get(base + path)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(b)
	}
	for _, format := range []string{"json", "xml"} {
		status, body := get("requests." + format)
		if status != 200 || !strings.Contains(body, anon) || !strings.Contains(body, named) || strings.Contains(body, secret) {
			t.Errorf("open311 requests.%s: %d\n%s", format, status, body)
		}
		mustNot("open311", body, append(anonIdentity, namedIdentity...)...)
		if status, _ := get("requests/" + secret + "." + format); status != 404 {
			t.Errorf("open311 shows the confidential report: %d", status)
		}
	}
	_, body := get("requests/" + anon + ".json")
	var reqs []map[string]any
	if err := json.Unmarshal([]byte(body), &reqs); err != nil || len(reqs) != 1 {
		t.Fatalf("open311 request: %v %s", err, body)
	}
	// An anonymous report's place is only its village and kecamatan: no
	// pin, no typed address.
	if _, pin := reqs[0]["lat"]; pin || reqs[0]["address"] != "Kecamatan Magetan" || reqs[0]["status"] != "open" ||
		reqs[0]["agency_responsible"] == "" {
		t.Errorf("open311 request %v", reqs[0])
	}
}
