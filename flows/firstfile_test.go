package flows_test

import (
	"strings"
	"testing"

	"github.com/lapor-id/lapor/flows"
	"github.com/lapor-id/lapor/store"
)

// A photo sent into an empty chat is not lost: it is kept as the evidence
// of a new report after one confirmation, its caption as the start of the
// description; a second file before the answer joins it. "No" sets both
// aside and says so; a location pin outside a report is still explained.
func TestFirstPhotoIsKept(t *testing.T) {
	h := newHarness(t)
	const chat = "4501"
	h.files["hole-1"] = []byte("\xff\xd8\xff\xe0 fake jpeg bytes of the hole")
	h.files["hole-2"] = []byte("\xff\xd8\xff\xe0 fake jpeg bytes of the hole, closer")
	caption := "Jalan berlubang besar di depan SDN 2 Plaosan, sudah tiga bulan belum diperbaiki."
	photo := func(id, name, caption string) flows.Inbound {
		return flows.Inbound{Kind: flows.KindPhoto, Text: caption, File: &flows.FileRef{ID: id, Name: name, MIME: "image/jpeg", Size: 40}}
	}

	last := expect(t, h.send(chat, photo("hole-1", "lubang.jpg", caption)), "lubang.jpg", "(1 lampiran)", "laporan baru", "sebagai bukti")
	if !hasButton(last, "first:yes") || !hasButton(last, "first:no") {
		t.Fatalf("the question has no buttons: %+v", last)
	}
	expect(t, h.send(chat, photo("hole-2", "lubang-dekat.jpg", "")), "lubang-dekat.jpg", "(2 lampiran)")
	expect(t, h.send(chat, press("first:yes")), "Jenis laporan")
	last = expect(t, h.send(chat, press("type:pengaduan")), "Dicatat")
	if !hasButton(last, "what:next") {
		t.Fatalf("the caption is not the description: %+v", last)
	}
	expect(t, h.send(chat, press("what:next")), "Kapan kejadiannya")
	expect(t, h.send(chat, text("kemarin")), "Di mana")
	expect(t, h.send(chat, text("Jl. Raya Sidomukti No. 5, Plaosan")), "Plaosan")
	expect(t, h.send(chat, text("Plaosan")), "Bukti")
	expect(t, h.send(chat, press("ev:done")), "Sembunyikan identitas")
	expect(t, h.send(chat, press("anon:yes")), "Rahasiakan")
	expect(t, h.send(chat, press("conf:yes")), "Ringkasan", "2 berkas")
	last = expect(t, h.send(chat, press("sum:send")), "Nomor laporan: MGT-")
	id := last.Text[strings.Index(last.Text, "MGT-"):][:10]
	r := h.report(id)
	if !strings.Contains(r.Description, "SDN 2 Plaosan") {
		t.Errorf("the caption is not in the description: %q", r.Description)
	}
	var files []store.Attachment
	if err := h.db.InTx(h.ctx, func(tx *store.Tx) (err error) {
		files, err = tx.ReportAttachments(h.ctx, r.ID)
		return err
	}); err != nil {
		t.Fatal(err)
	}
	if len(files) != 2 || files[0].OriginalName != "lubang.jpg" || files[1].OriginalName != "lubang-dekat.jpg" {
		t.Errorf("the report's files are %+v, want the two photos sent first", files)
	}

	// No: set aside, and said so; the next photo asks again.
	const other = "4502"
	expect(t, h.send(other, photo("hole-1", "lubang.jpg", "")), "(1 lampiran)")
	expect(t, h.send(other, press("first:no")), "tidak kami jadikan laporan")
	expect(t, h.send(other, photo("hole-2", "lubang-dekat.jpg", "")), "(1 lampiran)", "laporan baru")

	// A pin outside a report is explained, not taken for a report.
	expect(t, h.send("4503", flows.Inbound{Kind: flows.KindLocation, Location: &flows.Location{Lat: -7.6, Lon: 111.3}}), "belum kami simpan")
}
