package hardcopy

import (
	"bytes"
	"strings"
	"testing"
)

func TestPacket(t *testing.T) {
	fields := []Field{{"Judul laporan", "Meteran listrik rusak"}, {"Isi laporan", strings.Repeat("Listrik padam tiap malam. ", 300)},
		{"Lokasi kejadian", "Jl. Raya 5\nKecamatan Plaosan, Kabupaten Magetan"}, {"Lampiran", ""}, {"Anonim", "Ya"}}
	var b bytes.Buffer
	if err := Packet(&b, "MGT-7K3QFA", fields, header, "id"); err != nil {
		t.Fatal(err)
	}
	pages, text := extract(t, b.Bytes())
	if pages < 2 {
		t.Errorf("a long description fits on %d page", pages)
	}
	contains(t, text, "Paket LAPOR! Nasional", "MGT-7K3QFA", "Kecamatan Plaosan, Kabupaten Magetan", "Meteran listrik rusak")
	at := -1
	for _, f := range fields {
		i := strings.Index(text, f.Label)
		if i <= at {
			t.Errorf("%q is missing or out of order", f.Label)
		}
		at = i
	}
	var en bytes.Buffer
	if err := Packet(&en, "MGT-7K3QFA", fields, header, "en"); err != nil {
		t.Fatal(err)
	}
	_, text = extract(t, en.Bytes())
	contains(t, text, "National LAPOR! Packet")
}

func BenchmarkPacket(b *testing.B) {
	fields := []Field{{"Judul laporan", "Meteran listrik rusak"}, {"Isi laporan", strings.Repeat("Listrik padam tiap malam. ", 40)},
		{"Tanggal kejadian", "7 Desember 2026"}, {"Lokasi kejadian", "Jl. Raya 5\nKecamatan Plaosan, Kabupaten Magetan"},
		{"Kategori / instansi tujuan", "PT PLN (Persero)"}, {"Lampiran", "1. foto.jpg"}, {"Anonim", "Tidak"},
		{"Rahasia", "Ya"}, {"Identitas pelapor", "Siti\n@siti"}}
	var size int
	for b.Loop() {
		var buf bytes.Buffer
		if err := Packet(&buf, "MGT-7K3QFA", fields, header, "id"); err != nil {
			b.Fatal(err)
		}
		size = buf.Len()
	}
	b.ReportMetric(float64(size), "bytes/pdf")
}
