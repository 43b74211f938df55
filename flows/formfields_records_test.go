package flows_test

import (
	"bytes"
	"encoding/csv"
	"fmt"
	"maps"
	"slices"
	"strconv"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/xuri/excelize/v2"

	"github.com/lapor-id/lapor/flows"
	"github.com/lapor-id/lapor/flows/calendar"
	"github.com/lapor-id/lapor/flows/category"
	"github.com/lapor-id/lapor/flows/records"
	"github.com/lapor-id/lapor/flows/softcopy"
	"github.com/lapor-id/lapor/store"
)

// The monthly recap and the exports break the reports down by category:
// their numbers are the database's, counted by SQL.
func TestCategoryBreakdownMatchesSQL(t *testing.T) {
	h := newHarness(t)
	from := time.Date(2026, 11, 1, 0, 0, 0, 0, calendar.Local())
	cats := []string{"infrastruktur", "kesehatan", "", "infrastruktur", "pendidikan", "infrastruktur", "kesehatan", ""}
	for i := range 23 {
		at := from.Add(time.Duration(i) * 29 * time.Hour)
		if i == 22 {
			at = from.Add(-time.Hour) // October: in neither
		}
		r := store.Report{TrackingID: flows.NewTrackingID("MGT"), Type: "pengaduan", Description: fmt.Sprintf("Laporan nomor %d", i),
			KecamatanCode: "35.20.06", Confidential: i%3 == 0, Channel: "test", ChatID: "c" + strconv.Itoa(i), Lang: "id",
			Stage: string(flows.StageSubmitted), ResponsibleUnit: flows.DeskSuperAdmin, StageStartedAt: at,
			StageDeadline: at.AddDate(0, 0, 3), SubmittedAt: at, Title: "Judul " + strconv.Itoa(i), Category: cats[i%len(cats)]}
		if err := h.db.InTx(h.ctx, func(tx *store.Tx) error { return tx.CreateReport(h.ctx, &r) }); err != nil {
			t.Fatal(err)
		}
	}

	conn, err := pgx.Connect(h.ctx, h.db.URL())
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(h.ctx)
	rows, err := conn.Query(h.ctx, `SELECT category, count(*) FROM reports
		WHERE submitted_at >= $1 AND submitted_at < $2 GROUP BY category`, from, from.AddDate(0, 1, 0))
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]int{} // category code -> reports
	for rows.Next() {
		var c string
		var n int
		if err := rows.Scan(&c, &n); err != nil {
			t.Fatal(err)
		}
		want[c] = n
	}
	if rows.Err() != nil || len(want) != 4 {
		t.Fatalf("SQL: %v %v", want, rows.Err())
	}
	label := func(code string) string { return category.Label(code, "id") }

	rc, err := h.svc.Recap(h.ctx, from, "id")
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]int{}
	for i, c := range rc.ByCategory {
		got[c.Key] = c.N
		if c.Label != label(c.Key) {
			t.Errorf("recap: %q labelled %q", c.Key, c.Label)
		}
		if i > 0 && c.N > rc.ByCategory[i-1].N {
			t.Errorf("recap: not largest first: %+v", rc.ByCategory)
		}
	}
	if !maps.Equal(got, want) {
		t.Errorf("recap by category %v, SQL %v", got, want)
	}

	// The export's Kategori column, read back.
	var c bytes.Buffer
	f := store.HistoryFilter{From: from, To: from.AddDate(0, 1, 0)}
	if _, err := softcopy.CSV(&c, h.svc.Records(h.ctx, f, flows.AdminReaders, "id"), softcopy.Options{Audience: records.Admin, Now: h.now}); err != nil {
		t.Fatal(err)
	}
	lines, err := csv.NewReader(bytes.NewReader(bytes.TrimPrefix(c.Bytes(), []byte("\xef\xbb\xbf")))).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	col := slices.Index(lines[0], "Kategori")
	titles := slices.Index(lines[0], "Judul")
	got = map[string]int{}
	for _, l := range lines[1:] {
		got[l[col]]++
		if l[titles] == "" {
			t.Errorf("a report without its title: %q", l)
		}
	}
	byLabel := map[string]int{}
	for code, n := range want {
		byLabel[label(code)] = n
	}
	if !maps.Equal(got, byLabel) {
		t.Errorf("CSV by category %v, SQL %v", got, byLabel)
	}

	// The workbook's Per kategori sheet.
	var x bytes.Buffer
	if _, err := softcopy.XLSX(&x, h.svc.Records(h.ctx, f, flows.AdminReaders, "id"), softcopy.Options{Now: h.now}); err != nil {
		t.Fatal(err)
	}
	book, err := excelize.OpenReader(&x)
	if err != nil {
		t.Fatal(err)
	}
	sheet, err := book.GetRows("Per kategori")
	if err != nil {
		t.Fatal(err)
	}
	got = map[string]int{}
	total := 0
	for _, r := range sheet[1 : len(sheet)-1] {
		n, _ := strconv.Atoi(r[2])
		got[r[0]] = n
		total += n
	}
	if !maps.Equal(got, want) {
		t.Errorf("Per kategori %v, SQL %v", got, want)
	}
	if last := sheet[len(sheet)-1]; last[0] != "Jumlah" || last[2] != strconv.Itoa(total) || total != 22 {
		t.Errorf("total row %q, %d reports", last, total)
	}
}
