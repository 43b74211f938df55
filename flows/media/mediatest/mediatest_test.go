package mediatest

import (
	"bytes"
	"fmt"
	"image/jpeg"
	"image/png"
	"testing"
)

// Every whole image these build decodes with Go's decoders, padded too, to
// the size declared; every bomb fails to decode.
func TestImagesDecode(t *testing.T) {
	for _, layout := range []string{Gray8, YCbCr, YCbCr44, RGB8, CMYK, YCbCr22, YCbCr40, YCbCr41, YCbCr10} {
		for _, progressive := range []bool{false, true} {
			o := JPEGOptions{Layout: layout, Progressive: progressive}
			b := JPEG(333, 201, o)
			for _, f := range [][]byte{b, PadJPEG(b, 100_000)} {
				img, err := jpeg.Decode(bytes.NewReader(f))
				if err != nil || img.Bounds().Dx() != 333 || img.Bounds().Dy() != 201 {
					t.Errorf("JPEG %+v (%d bytes): %v", o, len(f), err)
				}
			}
			o.Blocks = 3
			if _, err := jpeg.Decode(bytes.NewReader(JPEG(333, 201, o))); err == nil {
				t.Errorf("the bomb %+v decodes", o)
			}
		}
	}
	for _, o := range []PNGOptions{{ColorType: Gray, Depth: 1}, {ColorType: Gray, Depth: 8, Transparent: true},
		{ColorType: Gray, Depth: 16}, {ColorType: RGB, Depth: 8}, {ColorType: RGB, Depth: 16, Transparent: true},
		{ColorType: Paletted, Depth: 4, Transparent: true}, {ColorType: GrayAlpha, Depth: 16},
		{ColorType: RGBA, Depth: 8, Interlace: true}, {ColorType: RGBA, Depth: 16}} {
		b := PNG(333, 201, o)
		for _, f := range [][]byte{b, PadPNG(b, 300_000)} {
			img, err := png.Decode(bytes.NewReader(f))
			if err != nil || img.Bounds().Dx() != 333 || img.Bounds().Dy() != 201 {
				t.Errorf("PNG %+v (%d bytes): %v", o, len(f), err)
			}
			if len(f) > len(b) && len(f) < 300_000 {
				t.Errorf("padded to %d bytes", len(f))
			}
		}
		o.Rows = 3
		if _, err := png.Decode(bytes.NewReader(PNG(333, 201, o))); err == nil {
			t.Errorf("the bomb %s decodes", fmt.Sprintf("%+v", o))
		}
	}
}
