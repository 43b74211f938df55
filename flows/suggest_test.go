package flows_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/lapor-id/lapor/flows"
	"github.com/lapor-id/lapor/flows/agency"
	"github.com/lapor-id/lapor/store"
)

// reportAt puts a report with the given words directly into a stage, with
// an agency when it was disposed.
func (h *harness) reportAt(stage flows.Stage, agencyCode, description, kec string) store.Report {
	h.t.Helper()
	who := identities["telegram"]
	r := store.Report{TrackingID: flows.NewTrackingID("MGT"), Type: "pengaduan", Description: description,
		KecamatanCode: kec, Confidential: true, Channel: "test", ChatID: who.chat, ReporterUserID: who.chat,
		ReporterName: who.name, Lang: "id", Stage: string(stage), ResponsibleUnit: "x", StageStartedAt: h.now,
		StageDeadline: h.now.AddDate(0, 0, 5), SubmittedAt: h.now}
	if err := h.db.InTx(h.ctx, func(tx *store.Tx) error {
		if err := tx.CreateReport(h.ctx, &r); err != nil {
			return err
		}
		r.AgencyCode = agencyCode
		return tx.UpdateReport(h.ctx, &r)
	}); err != nil {
		h.t.Fatal(err)
	}
	return r
}

func regencyPress(data string) flows.Inbound {
	return flows.Inbound{Kind: flows.KindButton, Button: data, IsGroup: true, UserID: uRegency, UserName: "Petugas " + uRegency}
}

func buttonData(o flows.Outbound) []string {
	var ds []string
	for _, row := range o.Buttons {
		for _, b := range row {
			ds = append(ds, b.Data)
		}
	}
	return ds
}

// The complaint of issue 15: a dead street light was offered only the
// kecamatan. Now Dishub comes first, with the words that matched.
func TestDispositionSuggestsStreetLightsToDishub(t *testing.T) {
	h := chainHarness(t)
	r := h.reportAt(flows.StageAtRegency, "", "lampu penerangan jalan mati sudah 2 minggu, jalan gelap", "35.20.07")
	last := expect(t, h.send(gRegency, regencyPress(fmt.Sprintf("dsp|%s|%d", r.TrackingID, r.Version))),
		"ke perangkat daerah mana", "Saran", "1. Dinas Perhubungan — kata «lampu penerangan jalan»", "Kecamatan Plaosan", "kecamatan lokasi laporan")
	t.Logf("menu:\n%s", last.Text)
	ds := buttonData(last)
	if len(ds) < 2 || ds[0] != fmt.Sprintf("w|dispose|%s|%d|dishub", r.TrackingID, r.Version) {
		t.Fatalf("buttons %v, want Dishub's dispose first", ds)
	}
	if strings.Contains(last.Text, "luar kewenangan") {
		t.Errorf("a street light is the regency's, but the menu says otherwise:\n%s", last.Text)
	}
}

// A matter of PLN is suggested as such, with a return to the super admin
// instead of a forced disposition, and the return works.
func TestDispositionSuggestsOutsideAuthority(t *testing.T) {
	h := chainHarness(t)
	r := h.reportAt(flows.StageAtRegency, "", "Listrik padam tiap sore sejak seminggu, tanpa pemberitahuan dari PLN", "35.20.10")
	last := expect(t, h.send(gRegency, regencyPress(fmt.Sprintf("dsp|%s|%d", r.TrackingID, r.Version))),
		"Di luar kewenangan kabupaten: PT PLN (Persero) — listrik — kata «PLN», «listrik padam»", "Kembalikan (di luar kewenangan)", "LAPOR!")
	ret := fmt.Sprintf("p|return|%s|%d", r.TrackingID, r.Version)
	if ds := buttonData(last); len(ds) == 0 || ds[0] != ret {
		t.Fatalf("buttons %v, want the return first", ds)
	}
	expect(t, h.send(gRegency, regencyPress(ret)), r.TrackingID)
	h.send(gRegency, flows.Inbound{Kind: flows.KindText, Text: "Di luar kewenangan kabupaten: PLN", IsGroup: true, UserID: uRegency})
	if now, _ := h.reportNow(r.TrackingID); now.Stage != string(flows.StageSubmitted) {
		t.Errorf("after the return the report is %s, want back with the super admin", now.Stage)
	}
}

// The regency's own history counts: words no agency lists, but three past
// reports like it went to Disparbud.
func TestDispositionLearnsFromHistory(t *testing.T) {
	h := chainHarness(t)
	const text = "kolam renang tirta sarana licin berlumut, pengunjung terpeleset"
	as := agency.Default()
	if top := agency.Rank(agency.Query{Text: text}, as, agency.OutsideAuthority(), 1); len(top) > 0 && top[0].Code == "disparbud" {
		t.Fatalf("the words alone already suggest disparbud (%v); the test needs words no agency lists", top[0].Matched)
	}
	h.reportAt(flows.StageClosed, "disparbud", "Kolam renang Tirta Sarana kotor, lantainya berlumut", "")
	h.reportAt(flows.StageAtAgency, "disparbud", "pengunjung kolam renang terpeleset, tidak ada penjaga", "")
	h.reportAt(flows.StageAnswered, "disparbud", "tiket kolam renang tirta sarana naik tapi airnya hijau", "")
	h.reportAt(flows.StageAtRegency, "", "kolam renang licin", "") // not disposed: not a precedent
	r := h.reportAt(flows.StageAtRegency, "", text, "")
	last := expect(t, h.send(gRegency, regencyPress(fmt.Sprintf("dsp|%s|%d", r.TrackingID, r.Version))),
		"1. Dinas Pariwisata dan Kebudayaan — 3 laporan serupa → Dinas Pariwisata dan Kebudayaan")
	if ds := buttonData(last); len(ds) == 0 || !strings.HasSuffix(ds[0], "|disparbud") {
		t.Fatalf("buttons %v, want Disparbud first", ds)
	}
}

// Nothing recognised: the menu says so and still takes a typed code.
func TestDispositionWithoutSuggestion(t *testing.T) {
	h := chainHarness(t)
	r := h.reportAt(flows.StageAtRegency, "", "halo selamat pagi, mohon dibantu", "")
	last := expect(t, h.send(gRegency, regencyPress(fmt.Sprintf("dsp|%s|%d", r.TrackingID, r.Version))),
		"Belum ada saran", "/disposisi "+r.TrackingID)
	if len(last.Buttons) != 0 {
		t.Errorf("buttons %v without a suggestion", buttonData(last))
	}
}
