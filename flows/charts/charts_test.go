package charts

import (
	"bytes"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"strings"
	"testing"
	"unicode/utf8"

	gc "github.com/go-analyze/charts"

	"github.com/lapor-id/lapor/flows/records"
)

// decode reads a chart back and checks what every chart must be: a PNG
// Width wide and h high, with more than a background in it.
func decode(t *testing.T, b []byte, h int) image.Image {
	t.Helper()
	img, err := png.Decode(bytes.NewReader(b))
	if err != nil {
		t.Fatalf("not a PNG: %v", err)
	}
	if got := img.Bounds(); got.Dx() != Width || got.Dy() != h {
		t.Fatalf("size %dx%d, want %dx%d", got.Dx(), got.Dy(), Width, h)
	}
	if n := len(colours(img)); n < 10 {
		t.Fatalf("%d colours: the chart is (nearly) flat", n)
	}
	return img
}

func colours(img image.Image) map[color.NRGBA]int {
	seen := map[color.NRGBA]int{}
	b := img.Bounds()
	for y := b.Min.Y; y < b.Max.Y; y++ {
		for x := b.Min.X; x < b.Max.X; x++ {
			seen[color.NRGBAModel.Convert(img.At(x, y)).(color.NRGBA)]++
		}
	}
	return seen
}

// pixels counts the pixels of exactly c: bars are filled with their
// colour, only their edges are blended.
func pixels(img image.Image, c gc.Color) int {
	return colours(img)[color.NRGBA{R: c.R, G: c.G, B: c.B, A: 255}]
}

func agencies(n int) []records.Count {
	out := make([]records.Count, n)
	for i := range out {
		out[i] = records.Count{Key: fmt.Sprintf("opd-%02d", i), N: (i*37)%53 + 1,
			Label: fmt.Sprintf("Dinas Pekerjaan Umum dan Penataan Ruang Kabupaten Magetan, Bidang Bina Marga %02d", i)}
	}
	return out
}

func TestBars(t *testing.T) {
	t.Parallel()
	items := []records.Count{
		{Key: "pengaduan", Label: "Pengaduan", N: 12},
		{Key: "aspirasi", Label: "Aspirasi", N: 30},
		{Key: "permintaan_informasi", Label: "Permintaan informasi", N: 4},
	}
	b, err := Bars("Laporan menurut jenis — November 2026", items, 10, "id")
	if err != nil {
		t.Fatal(err)
	}
	img := decode(t, b, minHeight)
	if pixels(img, barColor) < 1000 {
		t.Errorf("too few bar pixels: %d", pixels(img, barColor))
	}
	again, err := Bars("Laporan menurut jenis — November 2026", items, 10, "id")
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(b, again) {
		t.Error("the same numbers drew two different pictures")
	}
}

func TestBarsGrowsAndRollsUp(t *testing.T) {
	t.Parallel()
	items := agencies(60)
	b, err := Bars("Laporan per OPD", items, 16, "id")
	if err != nil {
		t.Fatal(err)
	}
	decode(t, b, frameHeight+16*rowHeight)

	// No limit: MaxBars bars, and the picture stops growing there.
	b, err = Bars("Laporan per OPD", items, 0, "id")
	if err != nil {
		t.Fatal(err)
	}
	decode(t, b, maxHeight)
	if maxHeight > 2000 {
		t.Errorf("max height %d is too tall for a chat photo", maxHeight)
	}
}

func TestLargest(t *testing.T) {
	t.Parallel()
	items := agencies(20)
	total := 0
	for _, c := range items {
		total += c.N
	}
	got := largest(items, 16, "id")
	if len(got) != 16 {
		t.Fatalf("%d bars, want 16", len(got))
	}
	sum := 0
	for i, c := range got {
		sum += c.N
		if i > 0 && i < 15 && c.N > got[i-1].N {
			t.Errorf("bar %d (%d) is larger than bar %d (%d)", i, c.N, i-1, got[i-1].N)
		}
	}
	if last := got[15]; last.Label != "Lainnya" || sum != total {
		t.Errorf("last bar %+v, sum %d; want Lainnya and the sum %d", last, sum, total)
	}
	if got := largest(items, 16, "en"); got[15].Label != "Others" {
		t.Errorf("English others bar is %q", got[15].Label)
	}
	if got := largest(items[:16], 16, "id"); len(got) != 16 || got[15].Label == "Lainnya" {
		t.Errorf("exactly limit items should all be drawn: %+v", got[15])
	}
	if items[0].N != 1 || len(items) != 20 {
		t.Error("largest changed its input")
	}
}

func TestCompliance(t *testing.T) {
	t.Parallel()
	items := []records.Compliance{
		{Key: "at_agency", Label: "Ditindaklanjuti OPD", Met: 40, Missed: 12, Running: 7},
		{Key: "submitted", Label: "Menunggu verifikasi Admin LAPOR! SP4N", Met: 55, Missed: 2, Running: 3},
		{Key: "answer_review", Label: "Pemeriksaan jawaban", Met: 0, Missed: 0, Running: 5},
	}
	for _, lang := range []string{"id", "en"} {
		b, err := Compliance("Kepatuhan tenggat per tahap", items, lang)
		if err != nil {
			t.Fatal(err)
		}
		img := decode(t, b, minHeight)
		for name, c := range map[string]gc.Color{"met": metColor, "missed": missedColor, "running": runningColor} {
			if n := pixels(img, c); n < 300 {
				t.Errorf("%s: %d pixels of the %s colour", lang, n, name)
			}
		}
		// Met outweighs missed about 95 to 14, so green should outweigh
		// red by far more than the legend's squares.
		if g, r := pixels(img, metColor), pixels(img, missedColor); g < 3*r {
			t.Errorf("%s: green %d vs red %d pixels", lang, g, r)
		}
	}
}

func TestComplianceCapped(t *testing.T) {
	t.Parallel()
	var items []records.Compliance
	for i, c := range agencies(100) {
		items = append(items, records.Compliance{Key: c.Key, Label: c.Label, Met: c.N, Missed: i % 7, Running: i % 3})
	}
	b, err := Compliance("Kepatuhan tenggat per OPD", items, "id")
	if err != nil {
		t.Fatal(err)
	}
	decode(t, b, maxHeight)
	got := capped(items, "id")
	if len(got) != MaxBars || got[MaxBars-1].Label != "Lainnya" {
		t.Fatalf("%d bars, last %q", len(got), got[len(got)-1].Label)
	}
	var want, sum int
	for _, c := range items {
		want += c.Met + c.Missed + c.Running
	}
	for _, c := range got {
		sum += c.Met + c.Missed + c.Running
	}
	if sum != want {
		t.Errorf("capped stays add up to %d, want %d", sum, want)
	}
}

func TestEmpty(t *testing.T) {
	t.Parallel()
	for _, lang := range []string{"id", "en"} {
		b, err := Bars("Laporan per kecamatan", nil, 10, lang)
		if err != nil {
			t.Fatal(err)
		}
		img := decode(t, b, minHeight)
		if pixels(img, barColor) != 0 {
			t.Error("an empty chart has bars")
		}
		b, err = Compliance("", []records.Compliance{}, lang)
		if err != nil {
			t.Fatal(err)
		}
		img = decode(t, b, minHeight)
		if pixels(img, metColor)+pixels(img, missedColor) != 0 {
			t.Error("an empty chart has bars")
		}
	}
}

// Zeros, an unnamed kecamatan and a single item must still draw.
func TestOddInput(t *testing.T) {
	t.Parallel()
	b, err := Bars("Laporan", []records.Count{{Key: "", Label: "", N: 0}}, 1, "id")
	if err != nil {
		t.Fatal(err)
	}
	decode(t, b, minHeight)
	b, err = Compliance("Kepatuhan", []records.Compliance{{Key: "x"}}, "id")
	if err != nil {
		t.Fatal(err)
	}
	decode(t, b, minHeight)
}

func TestIndonesianLabels(t *testing.T) {
	t.Parallel()
	items := []records.Count{
		{Key: "3520010", Label: "Kecamatan Plaosan — Kelurahan Sarangan “Telaga” · café", N: 9},
		{Key: "3520020", Label: "Badan Penanggulangan Bencana Daerah (BPBD) Kabupaten Magetan, Bidang Kedaruratan dan Logistik", N: 3},
		{Key: "3520030", Label: "Dinas Kependudukan dan Pencatatan Sipil 📄", N: 1},
	}
	b, err := Bars("Laporan per wilayah — Kabupaten Magetan", items, 10, "id")
	if err != nil {
		t.Fatal(err)
	}
	decode(t, b, minHeight)
}

func TestShorten(t *testing.T) {
	t.Parallel()
	long := "Badan Penanggulangan Bencana Daerah (BPBD) Kabupaten Magetan, Bidang Kedaruratan dan Logistik"
	got := shorten(long)
	if n := utf8.RuneCountInString(got); n > maxLabelRunes || !strings.HasSuffix(got, "…") {
		t.Errorf("shorten(long) = %q (%d runes)", got, n)
	}
	if !strings.HasPrefix(long, strings.TrimSuffix(got, "…")) {
		t.Errorf("shorten(long) = %q is not a prefix", got)
	}
	if got := shorten("Dinas  Kesehatan\n"); got != "Dinas Kesehatan" {
		t.Errorf("shorten kept spaces: %q", got)
	}
	word := strings.Repeat("é", 90)
	if got := shorten(word); utf8.RuneCountInString(got) != maxLabelRunes {
		t.Errorf("shorten(one long word) = %d runes", utf8.RuneCountInString(got))
	}
}

func TestNiceStep(t *testing.T) {
	t.Parallel()
	for top, want := range map[int]int{1: 1, 5: 1, 6: 2, 10: 2, 11: 5, 25: 5, 26: 10, 51: 20, 999: 200, 1001: 500} {
		if got := niceStep(top); got != want {
			t.Errorf("niceStep(%d) = %d, want %d", top, got, want)
		}
	}
}

func BenchmarkBars(b *testing.B) {
	items := agencies(60)
	for b.Loop() {
		if _, err := Bars("Laporan per OPD", items, 16, "id"); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkCompliance(b *testing.B) {
	var items []records.Compliance
	for i, c := range agencies(60) {
		items = append(items, records.Compliance{Key: c.Key, Label: c.Label, Met: c.N, Missed: i % 7, Running: i % 3})
	}
	for b.Loop() {
		if _, err := Compliance("Kepatuhan tenggat per OPD", items, "id"); err != nil {
			b.Fatal(err)
		}
	}
}
