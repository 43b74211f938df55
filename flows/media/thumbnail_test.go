package media

import (
	"bytes"
	"context"
	"image"
	"image/color"
	"image/jpeg"
	"image/png"
	"testing"
)

// The thumbnail is the picture, smaller: quadrants keep their colours,
// and a pattern finer than the thumbnail's pixels averages to grey
// instead of aliasing into stripes (box and area filters, not sampling).
func TestThumbnailPicture(t *testing.T) {
	quadrants := []color.NRGBA{{200, 30, 30, 255}, {30, 200, 30, 255}, {30, 30, 200, 255}, {240, 240, 240, 255}}
	for _, size := range [][2]int{{1000, 800}, {700, 500}, {1501, 999}, {480, 300}} {
		w, h := size[0], size[1]
		img := image.NewNRGBA(image.Rect(0, 0, w, h))
		for y := range h {
			for x := range w {
				q := 0
				if x >= w/2 {
					q++
				}
				if y >= h/2 {
					q += 2
				}
				c := quadrants[q]
				// The bottom-right quadrant is a 1-pixel checkerboard of
				// black and white instead.
				if q == 3 {
					c = color.NRGBA{0, 0, 0, 255}
					if (x+y)%2 == 0 {
						c = color.NRGBA{255, 255, 255, 255}
					}
				}
				img.SetNRGBA(x, y, c)
			}
		}
		// PNG decodes to NRGBA (boxShrink's general path), JPEG to YCbCr
		// (its fast path), grey JPEG to Gray (the other).
		var pngb, jpg, grey bytes.Buffer
		if err := (&png.Encoder{CompressionLevel: png.NoCompression}).Encode(&pngb, img); err != nil {
			t.Fatal(err)
		}
		if err := jpeg.Encode(&jpg, img, &jpeg.Options{Quality: 100}); err != nil {
			t.Fatal(err)
		}
		g := image.NewGray(img.Bounds())
		for i := range g.Pix {
			g.Pix[i] = img.Pix[4*i] // the red channel: quadrants 200, 30, 30; black or white
		}
		if err := jpeg.Encode(&grey, g, &jpeg.Options{Quality: 100}); err != nil {
			t.Fatal(err)
		}
		for _, enc := range []struct {
			name string
			data []byte
			grey bool
		}{{"PNG", pngb.Bytes(), false}, {"JPEG", jpg.Bytes(), false}, {"grey JPEG", grey.Bytes(), true}} {
			thumb, err := Thumbnail(context.Background(), enc.data, 480)
			if err != nil {
				t.Fatal(err)
			}
			out, err := jpeg.Decode(bytes.NewReader(thumb))
			if err != nil {
				t.Fatal(err)
			}
			ob := out.Bounds()
			wantW, wantH := min(w, 480), min(w, 480)*h/w
			if ob.Dx() != wantW || ob.Dy() < wantH-1 || ob.Dy() > wantH+1 {
				t.Errorf("%s %dx%d: thumbnail %v, want %dx%d", enc.name, w, h, ob, wantW, wantH)
			}
			near := func(x, y int, want color.NRGBA) {
				if enc.grey {
					want.G, want.B = want.R, want.R
				}
				r, g, b, _ := out.At(x, y).RGBA()
				got := [3]int{int(r >> 8), int(g >> 8), int(b >> 8)}
				// JPEG's loss; and an area of 1.46×1.46 pixels (700 to 480)
				// holds a checkerboard's two colours only roughly half and half.
				tolerance := 16
				if want.R == 128 {
					tolerance = 40
				}
				for i, v := range [3]int{int(want.R), int(want.G), int(want.B)} {
					if d := got[i] - v; d < -tolerance || d > tolerance {
						t.Errorf("%s %dx%d: pixel (%d,%d) is %v, want about %v", enc.name, w, h, x, y, got, want)
						return
					}
				}
			}
			qw, qh := ob.Dx()/4, ob.Dy()/4
			near(qw, qh, quadrants[0])
			near(3*qw, qh, quadrants[1])
			near(qw, 3*qh, quadrants[2])
			if w > 480 { // scaled: the checkerboard is grey everywhere
				for _, p := range [][2]int{{3 * qw, 3 * qh}, {3*qw + 1, 3 * qh}, {3 * qw, 3*qh + 1}, {5 * qw / 2, 5 * qh / 2}} {
					near(p[0], p[1], color.NRGBA{128, 128, 128, 255})
				}
			}
		}
	}
}

// areaScale's weights: every destination pixel gets exactly its area.
func TestAreaShares(t *testing.T) {
	for _, c := range [][2]int{{10, 10}, {10, 3}, {7, 5}, {1000, 480}, {961, 480}, {5, 1}} {
		s, d := c[0], c[1]
		got := make([]float64, d)
		for _, sh := range areaShares(s, d) {
			got[sh.idx] += sh.frac
			if sh.frac < 1 {
				got[sh.idx+1] += 1 - sh.frac
			}
		}
		for i, v := range got {
			if want := float64(s) / float64(d); v < want-1e-9 || v > want+1e-9 {
				t.Errorf("%d→%d: cell %d gets %v, want %v", s, d, i, v, want)
			}
		}
	}
}
