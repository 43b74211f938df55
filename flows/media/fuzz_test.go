package media

import (
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"image"
	"image/jpeg"
	"testing"
)

// FuzzStripJPEG checks what FuzzStrip does not: reading the bytes of a
// cleaned JPEG with a walker of its own, it finds no metadata segment at
// all (the only APP1 left is the orientation-only EXIF block Strip writes
// itself, the only APP0 a bare JFIF header, the only APP14 a bare Adobe
// header; no COM, nothing after EOI), and when the original decoded, the
// cleaned image decodes to the very same pixels.
func FuzzStripJPEG(f *testing.F) {
	defer func(n int) { maxPixels = n }(maxPixels)
	maxPixels = 1 << 16

	tiny := tinyJPEG()
	f.Add(tiny)
	insert := func(segs ...[]byte) []byte {
		b := bytes.Clone(tiny[:2])
		for _, s := range segs {
			b = append(b, s...)
		}
		return append(b, tiny[2:]...)
	}
	f.Add(insert(segment(app0, []byte("JFIF\x00\x01\x02\x01\x00\x48\x00\x48\x01\x01\xAA\xBB\xCC")),
		segment(app1, exifWithGPS(binary.LittleEndian, 6)), segment(com, []byte("pelapor: Budi 0812-3456-7890"))))
	f.Add(insert(segment(app1, exifWithGPS(binary.BigEndian, 1)),
		segment(app1, []byte(xmpHeader+`<rdf:Description exif:GPSLatitude="7,39.175S"/>`)),
		segment(0xE2, []byte("ICC_PROFILE\x00\x01\x01 Model X1")), segment(0xED, []byte("Photoshop 3.0\x008BIM\x04\x04 Budi"))))
	f.Add(insert(segment(app14, []byte("Adobe\x00\x64\x00\x00\x00\x00\x01 extra"))))
	f.Add(insert(segment(app0, []byte("JFIF\x00\x01"))))
	f.Add(append(bytes.Clone(tiny), "MotionPhoto_Data trailer"...))
	f.Add(encodeJPEG(f))
	f.Add(jpegWithMetadata(f, encodeJPEG(f), exifWithGPS(binary.LittleEndian, 8)))

	f.Fuzz(func(t *testing.T, data []byte) {
		out, mime, err := Strip(context.Background(), "image/jpeg", data)
		if err != nil || mime != MIMEJPEG {
			return // refusals and PNG are FuzzStrip's
		}
		if err := onlyDecodingSegments(out); err != nil {
			t.Fatalf("cleaned JPEG: %v", err)
		}
		before, ok := decodeSmall(data)
		if !ok {
			return
		}
		after, err := jpeg.Decode(bytes.NewReader(out))
		if err != nil {
			t.Fatalf("the original decodes, the cleaned copy does not: %v", err)
		}
		if err := samePixels(before, after); err != nil {
			t.Fatalf("cleaning changed the image: %v", err)
		}
	})
}

// onlyDecodingSegments walks a JPEG the simple way (segments after SOI, the
// entropy-coded data after each SOS up to the next real marker) and
// refuses every segment that can carry metadata.
func onlyDecodingSegments(b []byte) error {
	if !bytes.HasPrefix(b, []byte{0xFF, soi}) {
		return errors.New("no SOI")
	}
	i := 2
	for {
		if i+1 >= len(b) || b[i] != 0xFF {
			return fmt.Errorf("no marker at offset %d", i)
		}
		m := b[i+1]
		i += 2
		if m == eoi {
			if i != len(b) {
				return fmt.Errorf("%d bytes after EOI", len(b)-i)
			}
			return nil
		}
		if i+2 > len(b) {
			return fmt.Errorf("marker %#x without a length", m)
		}
		n := int(binary.BigEndian.Uint16(b[i:]))
		if n < 2 || i+n > len(b) {
			return fmt.Errorf("marker %#x: length %d past the end", m, n)
		}
		p := b[i+2 : i+n]
		i += n
		switch {
		case m == app0:
			if len(p) != jfifHeaderLen || !bytes.HasPrefix(p, []byte("JFIF\x00")) || p[12] != 0 || p[13] != 0 {
				return fmt.Errorf("APP0 is not a bare JFIF header: %q", p)
			}
		case m == app1:
			if o := exifOrientation(bytes.TrimPrefix(p, []byte(exifHeader))); o < 2 || !bytes.Equal(p, orientationEXIF(o)) {
				return fmt.Errorf("APP1 is not an orientation-only EXIF block: %q", p)
			}
		case m == app14:
			if len(p) != adobeHeaderLen || !bytes.HasPrefix(p, []byte("Adobe")) {
				return fmt.Errorf("APP14 is not a bare Adobe header: %q", p)
			}
		case m >= app0 && m <= app15 || m == com:
			return fmt.Errorf("metadata segment %#x kept: %q", m, p)
		case m == sos:
			for {
				k := bytes.IndexByte(b[i:], 0xFF)
				if k < 0 || i+k+1 >= len(b) {
					return errors.New("scan data runs to the end")
				}
				i += k
				if next := b[i+1]; next == 0 || next >= rst0 && next <= rst7 {
					i += 2
					continue
				}
				break
			}
		}
	}
}

// decodeSmall decodes a JPEG that declares at most maxPixels.
func decodeSmall(b []byte) (image.Image, bool) {
	cfg, err := jpeg.DecodeConfig(bytes.NewReader(b))
	if err != nil || cfg.Width*cfg.Height > maxPixels {
		return nil, false
	}
	img, err := jpeg.Decode(bytes.NewReader(b))
	return img, err == nil
}

func samePixels(a, b image.Image) error {
	if a.Bounds() != b.Bounds() {
		return fmt.Errorf("bounds %v, now %v", a.Bounds(), b.Bounds())
	}
	r := a.Bounds()
	for y := r.Min.Y; y < r.Max.Y; y++ {
		for x := r.Min.X; x < r.Max.X; x++ {
			r1, g1, b1, a1 := a.At(x, y).RGBA()
			r2, g2, b2, a2 := b.At(x, y).RGBA()
			if r1 != r2 || g1 != g2 || b1 != b2 || a1 != a2 {
				return fmt.Errorf("pixel (%d,%d) was %v (%T), now %v (%T)", x, y, a.At(x, y), a, b.At(x, y), b)
			}
		}
	}
	return nil
}
