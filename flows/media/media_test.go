package media

import (
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"hash/crc32"
	"image"
	"image/color"
	"image/gif"
	"image/jpeg"
	"image/png"
	"reflect"
	"testing"

	"github.com/lapor-id/lapor/flows/media/mediatest"
)

// testImage is a small picture with detail in every channel, of a size that
// is not a multiple of the JPEG block size.
func testImage() *image.NRGBA {
	img := image.NewNRGBA(image.Rect(0, 0, 37, 21))
	for y := range 21 {
		for x := range 37 {
			img.Set(x, y, color.NRGBA{uint8(x * 7), uint8(y * 12), uint8((x ^ y) * 9), uint8(255 - x)})
		}
	}
	return img
}

func encodeJPEG(t testing.TB) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, testImage(), &jpeg.Options{Quality: 80}); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func encodePNG(t testing.TB) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := png.Encode(&buf, testImage()); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// byteOrder is binary.LittleEndian or binary.BigEndian.
type byteOrder interface {
	binary.ByteOrder
	binary.AppendByteOrder
}

// tiffBuilder writes a TIFF structure as EXIF holds it.
type tiffBuilder struct {
	bo  byteOrder
	buf []byte
}

func newTIFF(bo byteOrder) *tiffBuilder {
	t := &tiffBuilder{bo: bo}
	if bo == binary.LittleEndian {
		t.buf = []byte("II")
	} else {
		t.buf = []byte("MM")
	}
	t.buf = bo.AppendUint16(t.buf, 42)
	t.buf = bo.AppendUint32(t.buf, 8) // IFD0 follows the header
	return t
}

type testEntry struct {
	tag, typ uint16
	count    uint32
	value    []byte // the value; stored after the IFD when longer than 4 bytes
}

// ifd appends an IFD at the current end and returns its offset. The offsets
// of values longer than 4 bytes are laid out after the IFD; next is the
// offset of the next IFD.
func (t *tiffBuilder) ifd(es []testEntry, next uint32) uint32 {
	off := uint32(len(t.buf))
	extra := off + 2 + 12*uint32(len(es)) + 4
	var data []byte
	t.buf = t.bo.AppendUint16(t.buf, uint16(len(es)))
	for _, e := range es {
		t.buf = t.bo.AppendUint16(t.buf, e.tag)
		t.buf = t.bo.AppendUint16(t.buf, e.typ)
		t.buf = t.bo.AppendUint32(t.buf, e.count)
		if len(e.value) <= 4 {
			t.buf = append(t.buf, append(bytes.Clone(e.value), make([]byte, 4-len(e.value))...)...)
		} else {
			t.buf = t.bo.AppendUint32(t.buf, extra+uint32(len(data)))
			data = append(data, e.value...)
		}
	}
	t.buf = t.bo.AppendUint32(t.buf, next)
	t.buf = append(t.buf, data...)
	return off
}

// exifWithGPS is an EXIF block as a phone writes it: make, model,
// orientation, a GPSInfo pointer, and a GPS IFD with a latitude in Magetan
// (7° 39′ 10.5″ S).
func exifWithGPS(bo byteOrder, orientation uint16) []byte {
	const (
		ascii    = 2
		short    = 3
		long     = 4
		rational = 5
	)
	t := newTIFF(bo)
	// IFD0 is written first at offset 8; its GPSInfo value is the offset
	// of the GPS IFD, which follows IFD0 and IFD0's out-of-line values.
	ifd0 := []testEntry{
		{0x010F, ascii, 12, []byte("PhoneMaker\x00\x00")},
		{0x0110, ascii, 10, []byte("Model X1\x00\x00")},
		{tagOrientation, short, 1, bo.AppendUint16(nil, orientation)},
		{tagGPSInfo, long, 1, nil}, // patched below
	}
	ifd0Size := 2 + 12*len(ifd0) + 4 + 12 + 10
	ifd0[3].value = bo.AppendUint32(nil, uint32(8+ifd0Size))
	t.ifd(ifd0, 0)
	lat := bo.AppendUint32(nil, 7)
	lat = bo.AppendUint32(lat, 1)
	lat = bo.AppendUint32(lat, 39)
	lat = bo.AppendUint32(lat, 1)
	lat = bo.AppendUint32(lat, 105)
	lat = bo.AppendUint32(lat, 10)
	if got := t.ifd([]testEntry{
		{0x0000, 1, 4, []byte{2, 3, 0, 0}}, // GPSVersionID
		{0x0001, ascii, 2, []byte("S\x00")},
		{0x0002, rational, 3, lat},
	}, 0); got != uint32(8+ifd0Size) {
		panic("GPS IFD offset miscomputed")
	}
	return append([]byte(exifHeader), t.buf...)
}

func segment(marker byte, payload []byte) []byte {
	return appendSegment(nil, marker, payload)
}

// jpegWithMetadata inserts, after SOI, what phones and editors add, and
// appends a trailer after EOI.
func jpegWithMetadata(t testing.TB, clean []byte, exif []byte) []byte {
	t.Helper()
	jfif := []byte("JFIF\x00\x01\x02\x01\x00\x48\x00\x48\x01\x01\xAA\xBB\xCC") // 1×1 thumbnail
	xmp := []byte(xmpHeader + `<x:xmpmeta><rdf:Description exif:GPSLatitude="7,39.175S" exif:GPSLongitude="111,20.5E"/></x:xmpmeta>`)
	var b []byte
	b = append(b, clean[:2]...)
	b = append(b, segment(app0, jfif)...)
	b = append(b, segment(app1, exif)...)
	b = append(b, segment(app1, xmp)...)
	b = append(b, segment(0xE2, []byte("ICC_PROFILE\x00\x01\x01 profile of a Model X1"))...)
	b = append(b, segment(0xED, []byte("Photoshop 3.0\x008BIM\x04\x04 byline: Budi"))...)
	b = append(b, segment(com, []byte("pelapor: Budi 0812-3456-7890"))...)
	b = append(b, clean[2:]...)
	return append(b, []byte("MotionPhoto_Data trailer video")...)
}

// scanData returns the entropy-coded data of each scan.
func scanData(t testing.TB, b []byte) [][]byte {
	t.Helper()
	var scans [][]byte
	if err := walkJPEG(b, func(m byte, _, scan []byte) error {
		if m == sos {
			scans = append(scans, scan)
		}
		return nil
	}); err != nil {
		t.Fatalf("walkJPEG: %v", err)
	}
	return scans
}

func decodeJPEG(t testing.TB, b []byte) image.Image {
	t.Helper()
	img, err := jpeg.Decode(bytes.NewReader(b))
	if err != nil {
		t.Fatalf("jpeg.Decode: %v", err)
	}
	return img
}

func TestStripJPEG(t *testing.T) {
	for _, bo := range []byteOrder{binary.LittleEndian, binary.BigEndian} {
		t.Run(bo.String(), func(t *testing.T) {
			clean := encodeJPEG(t)
			in := jpegWithMetadata(t, clean, exifWithGPS(bo, 6))
			if !HasLocation(in) {
				t.Fatal("HasLocation(input) = false")
			}

			out, mime, err := Strip(context.Background(), "image/jpeg", in)
			if err != nil {
				t.Fatalf("Strip: %v", err)
			}
			if mime != MIMEJPEG {
				t.Errorf("mime = %q", mime)
			}
			if HasLocation(out) {
				t.Error("HasLocation(output) = true")
			}
			for _, leak := range []string{"PhoneMaker", "Model X1", "GPSLatitude", "ICC_PROFILE", "Photoshop", "Budi", "0812", "MotionPhoto", "\xAA\xBB\xCC"} {
				if bytes.Contains(out, []byte(leak)) {
					t.Errorf("output still contains %q", leak)
				}
			}
			if got := orientationOf(t, out); got != 6 {
				t.Errorf("orientation = %d, want 6 kept", got)
			}
			if !bytes.HasPrefix(out, []byte("\xFF\xD8\xFF\xE0\x00\x10JFIF\x00")) {
				t.Errorf("output does not start with a bare JFIF header: % x", out[:min(len(out), 20)])
			}

			// The pixel data is copied, not re-encoded.
			if a, b := scanData(t, in), scanData(t, out); !reflect.DeepEqual(a, b) {
				t.Error("scan data changed")
			}
			want, got := decodeJPEG(t, in), decodeJPEG(t, out)
			if got.Bounds() != want.Bounds() || got.Bounds().Dx() != 37 || got.Bounds().Dy() != 21 {
				t.Fatalf("bounds %v, want %v", got.Bounds(), want.Bounds())
			}
			if !reflect.DeepEqual(got, want) {
				t.Error("decoded pixels differ")
			}

			// Stripping again changes nothing.
			again, _, err := Strip(context.Background(), MIMEJPEG, out)
			if err != nil || !bytes.Equal(again, out) {
				t.Errorf("Strip is not idempotent (err %v)", err)
			}
		})
	}
}

func orientationOf(t testing.TB, b []byte) int {
	t.Helper()
	o := 0
	if err := walkJPEG(b, func(m byte, payload, _ []byte) error {
		if tiff, ok := bytes.CutPrefix(payload, []byte(exifHeader)); ok && m == app1 {
			o = exifOrientation(tiff)
		}
		return nil
	}); err != nil {
		t.Fatalf("walkJPEG: %v", err)
	}
	return o
}

func TestStripJPEGWithoutMetadata(t *testing.T) {
	clean := encodeJPEG(t)
	if HasLocation(clean) {
		t.Error("HasLocation(clean) = true")
	}
	out, _, err := Strip(context.Background(), "", clean)
	if err != nil {
		t.Fatalf("Strip: %v", err)
	}
	// Go's encoder writes only what is needed: nothing to remove.
	if !bytes.Equal(out, clean) {
		t.Error("a clean JPEG changed")
	}
	// A normal orientation is not worth an EXIF block.
	in := jpegWithMetadata(t, clean, exifWithGPS(binary.BigEndian, 1))
	out, _, err = Strip(context.Background(), "", in)
	if err != nil {
		t.Fatalf("Strip: %v", err)
	}
	if bytes.Contains(out, []byte("Exif")) {
		t.Error("EXIF block written for orientation 1")
	}
}

func TestStripJPEGKeepsAdobe(t *testing.T) {
	clean := encodeJPEG(t)
	adobe := []byte("Adobe\x00\x64\x00\x00\x00\x00\x01 and more")
	in := append(append(bytes.Clone(clean[:2]), segment(app14, adobe)...), clean[2:]...)
	out, _, err := Strip(context.Background(), "", in)
	if err != nil {
		t.Fatalf("Strip: %v", err)
	}
	if !bytes.Contains(out, segment(app14, adobe[:adobeHeaderLen])) || bytes.Contains(out, []byte("and more")) {
		t.Error("Adobe header not kept as its 12 bytes")
	}
}

// pngChunk builds a chunk with its CRC.
func pngChunk(typ string, data []byte) []byte {
	b := binary.BigEndian.AppendUint32(nil, uint32(len(data)))
	b = append(b, typ...)
	b = append(b, data...)
	return binary.BigEndian.AppendUint32(b, crc32.ChecksumIEEE(b[4:]))
}

func TestStripPNG(t *testing.T) {
	clean := encodePNG(t)
	// After the signature and IHDR (8 + 25 bytes), add metadata chunks and
	// a pHYs, which stays.
	ihdrEnd := len(pngSignature) + 25
	phys := pngChunk("pHYs", []byte{0, 0, 0x0B, 0x13, 0, 0, 0x0B, 0x13, 1})
	var in []byte
	in = append(in, clean[:ihdrEnd]...)
	in = append(in, pngChunk("tEXt", []byte("Author\x00Budi 0812-3456-7890"))...)
	in = append(in, pngChunk("iTXt", []byte("XML:com.adobe.xmp\x00\x00\x00\x00\x00<rdf exif:GPSLatitude='7,39S'/>"))...)
	in = append(in, pngChunk("zTXt", []byte("Comment\x00\x00x\x9c"))...)
	in = append(in, pngChunk("tIME", []byte{0x07, 0xEA, 5, 7, 10, 30, 0})...)
	in = append(in, pngChunk("eXIf", exifWithGPS(binary.BigEndian, 1)[len(exifHeader):])...)
	in = append(in, pngChunk("prVt", []byte("private data"))...)
	in = append(in, phys...)
	in = append(in, clean[ihdrEnd:]...)
	in = append(in, "after IEND"...)

	if !HasLocation(in) {
		t.Error("HasLocation(png input) = false")
	}
	want, err := png.Decode(bytes.NewReader(in))
	if err != nil {
		t.Fatalf("png.Decode(input): %v", err)
	}

	out, mime, err := Strip(context.Background(), "image/png", in)
	if err != nil {
		t.Fatalf("Strip: %v", err)
	}
	if mime != MIMEPNG {
		t.Errorf("mime = %q", mime)
	}
	if HasLocation(out) {
		t.Error("HasLocation(output) = true")
	}
	for _, leak := range []string{"tEXt", "Budi", "iTXt", "zTXt", "tIME", "eXIf", "PhoneMaker", "prVt", "after IEND"} {
		if bytes.Contains(out, []byte(leak)) {
			t.Errorf("output still contains %q", leak)
		}
	}
	if !bytes.Contains(out, phys) {
		t.Error("pHYs chunk dropped")
	}
	got, err := png.Decode(bytes.NewReader(out))
	if err != nil {
		t.Fatalf("png.Decode(output): %v", err)
	}
	if !reflect.DeepEqual(got, want) {
		t.Error("decoded pixels differ")
	}
	// The clean encoding plus pHYs is exactly what remains.
	if wantBytes := append(append(bytes.Clone(clean[:ihdrEnd]), phys...), clean[ihdrEnd:]...); !bytes.Equal(out, wantBytes) {
		t.Error("output is not the original chunks in order")
	}
}

// The format comes from the bytes; a wrong declaration does not matter.
func TestStripFollowsContent(t *testing.T) {
	out, mime, err := Strip(context.Background(), "image/jpeg", encodePNG(t))
	if err != nil || mime != MIMEPNG || out == nil {
		t.Errorf("Strip(declared jpeg, png bytes) = %d bytes, %q, %v", len(out), mime, err)
	}
	out, mime, err = Strip(context.Background(), "image/webp", encodeJPEG(t))
	if err != nil || mime != MIMEJPEG || out == nil {
		t.Errorf("Strip(declared webp, jpeg bytes) = %d bytes, %q, %v", len(out), mime, err)
	}
}

func TestStripUnsupported(t *testing.T) {
	var gifBuf bytes.Buffer
	if err := gif.Encode(&gifBuf, testImage(), nil); err != nil {
		t.Fatal(err)
	}
	jpg := jpegWithMetadata(t, encodeJPEG(t), exifWithGPS(binary.LittleEndian, 6))
	pngb := encodePNG(t)
	badCRC := bytes.Clone(pngb)
	badCRC[len(pngSignature)+25-1] ^= 0xFF // IHDR's CRC

	tests := []struct {
		name, mime string
		data       []byte
	}{
		{"nil", "image/jpeg", nil},
		{"empty", "image/png", []byte{}},
		{"text", "image/jpeg", []byte("hello, this is not an image")},
		{"gif", "image/gif", gifBuf.Bytes()},
		{"webp", "image/webp", []byte("RIFF\x24\x00\x00\x00WEBPVP8 \x18\x00\x00\x00\x30\x01\x00\x9d\x01\x2a\x01\x00\x01\x00")},
		{"heic", "image/heic", []byte("\x00\x00\x00\x18ftypheic\x00\x00\x00\x00mif1heic")},
		{"jpeg header only", "image/jpeg", []byte{0xFF, 0xD8, 0xFF}},
		{"jpeg half", "image/jpeg", jpg[:len(jpg)/2]},
		{"jpeg without EOI", "image/jpeg", encodeJPEG(t)[:len(encodeJPEG(t))-2]},
		{"jpeg with zero length", "image/jpeg", []byte{0xFF, 0xD8, 0xFF, 0xE1, 0x00, 0x00, 0xFF, 0xD9}},
		{"jpeg without image", "image/jpeg", []byte{0xFF, 0xD8, 0xFF, 0xFE, 0x00, 0x03, 'x', 0xFF, 0xD9}},
		{"png signature only", "image/png", []byte(pngSignature)},
		{"png half", "image/png", pngb[:len(pngb)/2]},
		{"png without IEND", "image/png", pngb[:len(pngb)-12]},
		{"png bad crc", "image/png", badCRC},
		{"png unknown critical chunk", "image/png", append(append(bytes.Clone(pngb[:len(pngSignature)+25]), pngChunk("QQQQ", nil)...), pngb[len(pngSignature)+25:]...)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out, mime, err := Strip(context.Background(), tt.mime, tt.data)
			if !errors.Is(err, ErrUnsupported) || out != nil || mime != "" {
				t.Errorf("Strip = %d bytes, %q, %v; want ErrUnsupported", len(out), mime, err)
			}
		})
	}

	// Every truncation of a real file either fails cleanly or yields a
	// decodable image; none panics.
	for _, whole := range [][]byte{jpg, pngb} {
		for n := range len(whole) {
			out, mime, err := Strip(context.Background(), "", whole[:n])
			if err != nil {
				if !errors.Is(err, ErrUnsupported) {
					t.Fatalf("prefix %d: error %v does not wrap ErrUnsupported", n, err)
				}
				continue
			}
			if err := decodes(context.Background(), mime, out); err != nil {
				t.Fatalf("prefix %d: output does not decode: %v", n, err)
			}
		}
	}
}

func TestStripRejectsHugeDimensions(t *testing.T) {
	// A valid IHDR for 30000×30000 pixels with no image data behind it.
	ihdr := binary.BigEndian.AppendUint32(nil, 30000)
	ihdr = binary.BigEndian.AppendUint32(ihdr, 30000)
	ihdr = append(ihdr, 8, 6, 0, 0, 0)
	b := append([]byte(pngSignature), pngChunk("IHDR", ihdr)...)
	b = append(b, pngChunk("IDAT", []byte{0x78, 0x9c, 0x03, 0x00, 0x00, 0x00, 0x00, 0x01})...)
	b = append(b, pngChunk("IEND", nil)...)
	if _, _, err := Strip(context.Background(), "", b); !errors.Is(err, ErrUnsupported) {
		t.Errorf("Strip(huge) = %v, want ErrUnsupported", err)
	}
}

func TestHasLocation(t *testing.T) {
	clean := encodeJPEG(t)
	withAPP1 := func(payload []byte) []byte {
		return append(append(bytes.Clone(clean[:2]), segment(app1, payload)...), clean[2:]...)
	}
	// EXIF without GPS.
	noGPS := newTIFF(binary.LittleEndian)
	noGPS.ifd([]testEntry{{tagOrientation, 3, 1, []byte{6, 0}}}, 0)
	// EXIF whose GPS pointer leads to an empty IFD.
	emptyGPS := newTIFF(binary.BigEndian)
	emptyGPS.ifd([]testEntry{{tagGPSInfo, 4, 1, []byte{0, 0, 0, 26}}}, 0)
	emptyGPS.ifd(nil, 0)
	// EXIF whose GPS pointer leads outside the block.
	brokenGPS := newTIFF(binary.BigEndian)
	brokenGPS.ifd([]testEntry{{tagGPSInfo, 4, 1, []byte{0x7F, 0, 0, 0}}}, 0)
	// An IFD chain that loops on itself, GPS nowhere.
	loop := newTIFF(binary.LittleEndian)
	loop.ifd([]testEntry{{tagOrientation, 3, 1, []byte{1, 0}}}, 8)

	tests := []struct {
		name string
		data []byte
		want bool
	}{
		{"gps little-endian", withAPP1(exifWithGPS(binary.LittleEndian, 1)), true},
		{"gps big-endian", withAPP1(exifWithGPS(binary.BigEndian, 1)), true},
		{"xmp gps", withAPP1([]byte(xmpHeader + "<rdf exif:GPSLongitude='111,20E'/>")), true},
		{"exif without gps", withAPP1(append([]byte(exifHeader), noGPS.buf...)), false},
		{"empty gps ifd", withAPP1(append([]byte(exifHeader), emptyGPS.buf...)), false},
		{"gps pointer outside", withAPP1(append([]byte(exifHeader), brokenGPS.buf...)), true},
		{"ifd loop", withAPP1(append([]byte(exifHeader), loop.buf...)), false},
		{"clean", clean, false},
		{"garbage", []byte("not an image"), false},
		{"nil", nil, false},
		{"truncated after exif", withAPP1(exifWithGPS(binary.LittleEndian, 1))[:300], true},
	}
	for _, tt := range tests {
		if got := HasLocation(tt.data); got != tt.want {
			t.Errorf("HasLocation(%s) = %v, want %v", tt.name, got, tt.want)
		}
	}
}

// tinyJPEG is a hand-made 8×8 grey baseline JPEG of 141 bytes, with
// one-symbol Huffman tables. Fuzzing (and minimising what it finds) is
// quick on inputs this small.
func tinyJPEG() []byte {
	b := []byte{0xFF, soi}
	b = appendSegment(b, dqt, append([]byte{0}, bytes.Repeat([]byte{1}, 64)...))
	b = appendSegment(b, sof0, []byte{8, 0, 8, 0, 8, 1, 1, 0x11, 0})        // 8 bits, 8×8, one component
	b = appendSegment(b, dht, append([]byte{0x00, 1}, make([]byte, 16)...)) // DC: one code of length 1, symbol 0
	b = appendSegment(b, dht, append([]byte{0x10, 1}, make([]byte, 16)...)) // AC: one code of length 1, EOB
	b = appendSegment(b, sos, []byte{1, 1, 0x00, 0, 63, 0})
	b = append(b, 0x3F) // DC difference 0, EOB, padding ones
	return append(b, 0xFF, eoi)
}

func FuzzStrip(f *testing.F) {
	// Keep decoding cheap: the fuzzer is quick to declare huge images.
	defer func(n int) { maxPixels = n }(maxPixels)
	maxPixels = 1 << 16

	tiny := tinyJPEG()
	f.Add(tiny)
	var meta []byte
	meta = append(meta, tiny[:2]...)
	meta = append(meta, segment(app0, []byte("JFIF\x00\x01\x02\x00\x00\x01\x00\x01\x00\x00"))...)
	meta = append(meta, segment(app1, exifWithGPS(binary.LittleEndian, 6))...)
	meta = append(meta, segment(com, []byte("Budi"))...)
	meta = append(meta, tiny[2:]...)
	f.Add(append(meta, "trailer"...))

	var grey bytes.Buffer
	if err := png.Encode(&grey, image.NewGray(image.Rect(0, 0, 2, 2))); err != nil {
		f.Fatal(err)
	}
	pngb := grey.Bytes()
	f.Add(pngb)
	ihdrEnd := len(pngSignature) + 25
	f.Add(append(append(bytes.Clone(pngb[:ihdrEnd]), pngChunk("tEXt", []byte("Author\x00Budi"))...), pngb[ihdrEnd:]...))
	f.Add([]byte{0xFF, 0xD8, 0xFF, 0xD9})
	f.Add([]byte(pngSignature))
	f.Add([]byte("GIF89a"))
	// Bombs for the gate: a few hundred bytes declaring gigabytes.
	f.Add(mediatest.PNG(30000, 30000, mediatest.PNGOptions{ColorType: mediatest.RGBA, Depth: 16, Rows: 1}))
	f.Add(mediatest.JPEG(65535, 65535, mediatest.JPEGOptions{Progressive: true, Blocks: 1}))

	f.Fuzz(func(t *testing.T, data []byte) {
		out, mime, err := Strip(context.Background(), "image/jpeg", data)
		if err != nil {
			if !errors.Is(err, ErrUnsupported) || out != nil || mime != "" {
				t.Fatalf("Strip = %d bytes, %q, %v", len(out), mime, err)
			}
			return
		}
		var derr error
		switch mime {
		case MIMEJPEG:
			_, derr = jpeg.Decode(bytes.NewReader(out))
		case MIMEPNG:
			_, derr = png.Decode(bytes.NewReader(out))
		default:
			t.Fatalf("mime %q", mime)
		}
		if derr != nil {
			t.Fatalf("output does not decode: %v", derr)
		}
		if HasLocation(out) {
			t.Fatal("output has a location")
		}
		again, mime2, err := Strip(context.Background(), "", out)
		if err != nil || mime2 != mime || !bytes.Equal(again, out) {
			t.Fatalf("stripping the output again: %d bytes, %q, %v", len(again), mime2, err)
		}
	})
}
