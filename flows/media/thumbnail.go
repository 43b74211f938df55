package media

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"image"
	"image/color"
	"image/draw"
	"image/jpeg"
)

// Thumbnail scales a JPEG or PNG to fit size×size and encodes it as a
// JPEG, which by construction carries no EXIF or GPS. The decode goes
// through the gate (gate.go): an image too large to decode is refused with
// an error wrapping ErrTooLarge; anything else that is not a readable JPEG
// or PNG (GIF, WebP, a damaged file) with one wrapping ErrUnsupported.
// Thumbnail waits, until ctx ends, while other decodes hold the process's
// decode budget.
func Thumbnail(ctx context.Context, data []byte, size int) ([]byte, error) {
	if size <= 0 {
		return nil, errors.New("media: thumbnail size must be positive")
	}
	h, err := readHeader(data)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrUnsupported, err)
	}
	src, release, err := decodeGate.decode(ctx, data, h, thumbnailExtra(size))
	if errors.Is(err, ErrTooLarge) || ctx.Err() != nil {
		return nil, err
	}
	if err != nil {
		return nil, fmt.Errorf("%w: %s: %w", ErrUnsupported, h.kind, err)
	}
	defer release()

	b := src.Bounds()
	w, ht := b.Dx(), b.Dy()
	if k := max(w, ht) / size; k >= 2 {
		src = boxShrink(src, k)
		b = src.Bounds()
		w, ht = b.Dx(), b.Dy()
	}
	scale := min(1, float64(size)/float64(max(w, ht)))
	dw, dh := max(1, int(float64(w)*scale)), max(1, int(float64(ht)*scale))
	var dst *image.RGBA
	if dw == w && dh == ht {
		dst = image.NewRGBA(image.Rect(0, 0, w, ht))
		draw.Draw(dst, dst.Bounds(), src, b.Min, draw.Src)
	} else {
		dst = areaScale(src, dw, dh)
	}
	var out bytes.Buffer
	if err := jpeg.Encode(&out, dst, &jpeg.Options{Quality: 80}); err != nil {
		return nil, fmt.Errorf("media: encoding a thumbnail: %w", err)
	}
	return out.Bytes(), nil
}

// ThumbnailBytes is the memory Thumbnail reserves to make a thumbnail of
// data that fits size×size, worked out from the header alone: what the
// decoder will allocate and what the scaling adds. Thumbnail refuses an
// image for which it exceeds MaxImageBytes.
func ThumbnailBytes(data []byte, size int) (int64, error) {
	h, err := readHeader(data)
	if err != nil {
		return 0, fmt.Errorf("%w: %w", ErrUnsupported, err)
	}
	return h.decodeBytes + thumbnailExtra(size), nil
}

// thumbnailExtra bounds what Thumbnail allocates besides the decoded image
// for a thumbnail of at most size×size: the box filter's copy (under
// 1.5·size+1 pixels on its longer side, 4 bytes a pixel: about 9·size²),
// the result (4·size²), its JPEG (less than the result, but a growing
// buffer may hold twice: 4·size²), and the area filter's few rows. For
// 480 pixels: 20·size² ≈ 4.4 MiB.
func thumbnailExtra(size int) int64 {
	s := int64(size)
	return 20*s*s + decodeOverhead
}

// boxShrink averages each k×k block of src into one pixel of an RGBA image
// (⌈w/k⌉×⌈h/k⌉, premultiplied as RGBA64At gives colours). It is the cheap
// first step of a large reduction (integer sums, one pass). A kernel
// filter (x/image/draw's Catmull-Rom) would keep 32 bytes for every pixel
// of the thumbnail's width times the photo's height (100 MB for a
// 50-megapixel photo); sampling every k-th pixel would alias fine stripes
// into moiré.
func boxShrink(src image.Image, k int) *image.RGBA {
	switch m := src.(type) {
	case *image.YCbCr:
		return boxShrinkYCbCr(m, k)
	case *image.Gray:
		return boxShrinkGray(m, k)
	}
	b := src.Bounds()
	w, h := b.Dx(), b.Dy()
	dw, dh := (w+k-1)/k, (h+k-1)/k
	dst := image.NewRGBA(image.Rect(0, 0, dw, dh))
	at := rgba64At(src)
	sums := make([]uint64, 4*dw)
	for dy := range dh {
		clear(sums)
		y0, y1 := b.Min.Y+dy*k, b.Min.Y+min((dy+1)*k, h)
		for y := y0; y < y1; y++ {
			x := b.Min.X
			for dx := range dw {
				s := sums[4*dx : 4*dx+4]
				for end := min(x+k, b.Max.X); x < end; x++ {
					c := at(x, y)
					s[0] += uint64(c.R)
					s[1] += uint64(c.G)
					s[2] += uint64(c.B)
					s[3] += uint64(c.A)
				}
			}
		}
		row := dst.Pix[dy*dst.Stride:]
		for dx := range dw {
			n := uint64(y1-y0) * uint64(min(k, w-dx*k))
			for c := range 4 {
				row[4*dx+c] = uint8(sums[4*dx+c] / n >> 8)
			}
		}
	}
	return dst
}

// boxShrinkYCbCr is boxShrink for what JPEG photos decode to: it averages
// the luma and chroma samples straight from their planes and converts
// each average once, which is the same as averaging the converted colours
// (the conversion is affine) and several times faster than converting
// every pixel of a 50-megapixel photo.
func boxShrinkYCbCr(src *image.YCbCr, k int) *image.RGBA {
	b := src.Bounds()
	w, h := b.Dx(), b.Dy()
	dw, dh := (w+k-1)/k, (h+k-1)/k
	dst := image.NewRGBA(image.Rect(0, 0, dw, dh))
	sums := make([]uint32, 3*dw) // at most 136²·255 each: ⌈65535/480⌉ = 137 > k
	for dy := range dh {
		clear(sums)
		y0, y1 := b.Min.Y+dy*k, b.Min.Y+min((dy+1)*k, h)
		for y := y0; y < y1; y++ {
			x := b.Min.X
			for dx := range dw {
				s := sums[3*dx : 3*dx+3]
				for end := min(x+k, b.Max.X); x < end; x++ {
					ci := src.COffset(x, y)
					s[0] += uint32(src.Y[src.YOffset(x, y)])
					s[1] += uint32(src.Cb[ci])
					s[2] += uint32(src.Cr[ci])
				}
			}
		}
		row := dst.Pix[dy*dst.Stride:]
		for dx := range dw {
			n := uint32(y1-y0) * uint32(min(k, w-dx*k))
			s := sums[3*dx : 3*dx+3]
			r, g, bl := color.YCbCrToRGB(uint8((s[0]+n/2)/n), uint8((s[1]+n/2)/n), uint8((s[2]+n/2)/n))
			row[4*dx], row[4*dx+1], row[4*dx+2], row[4*dx+3] = r, g, bl, 255
		}
	}
	return dst
}

// boxShrinkGray is boxShrink for grey JPEGs and PNGs, from the bytes.
func boxShrinkGray(src *image.Gray, k int) *image.RGBA {
	b := src.Bounds()
	w, h := b.Dx(), b.Dy()
	dw, dh := (w+k-1)/k, (h+k-1)/k
	dst := image.NewRGBA(image.Rect(0, 0, dw, dh))
	sums := make([]uint32, dw)
	for dy := range dh {
		clear(sums)
		y0, y1 := b.Min.Y+dy*k, b.Min.Y+min((dy+1)*k, h)
		for y := y0; y < y1; y++ {
			pix := src.Pix[src.PixOffset(b.Min.X, y):]
			for dx := range dw {
				for _, v := range pix[dx*k : min((dx+1)*k, w)] {
					sums[dx] += uint32(v)
				}
			}
		}
		row := dst.Pix[dy*dst.Stride:]
		for dx := range dw {
			n := uint32(y1-y0) * uint32(min(k, w-dx*k))
			v := uint8((sums[dx] + n/2) / n)
			row[4*dx], row[4*dx+1], row[4*dx+2], row[4*dx+3] = v, v, v, 255
		}
	}
	return dst
}

// rgba64At reads pixels without allocating a color.Color for each (every
// image type of the standard library implements image.RGBA64Image).
func rgba64At(src image.Image) func(x, y int) color.RGBA64 {
	if m, ok := src.(image.RGBA64Image); ok {
		return m.RGBA64At
	}
	return func(x, y int) color.RGBA64 {
		r, g, b, a := src.At(x, y).RGBA()
		return color.RGBA64{R: uint16(r), G: uint16(g), B: uint16(b), A: uint16(a)}
	}
}

// areaScale resamples src to dw×dh, neither larger than src's, by area
// averaging: each source pixel adds to the one or two destination columns
// and rows its extent overlaps, in proportion to the overlap. Like
// boxShrink it needs a few rows of sums, not a buffer the size of the
// image.
func areaScale(src image.Image, dw, dh int) *image.RGBA {
	b := src.Bounds()
	sw, sh := b.Dx(), b.Dy()
	dst := image.NewRGBA(image.Rect(0, 0, dw, dh))
	cols, rows := areaShares(sw, dw), areaShares(sh, dh)
	at := rgba64At(src)
	line := make([]float64, 4*dw)                                 // one source row, summed into destination columns
	cur := make([]float64, 4*dw)                                  // destination row r
	next := make([]float64, 4*dw)                                 // destination row r+1
	area := float64(sw) / float64(dw) * float64(sh) / float64(dh) // source pixels in one destination pixel
	r := 0
	emit := func() {
		row := dst.Pix[r*dst.Stride:]
		for i, v := range cur {
			row[i] = uint8(min(65535, v/area+0.5) / 257)
		}
		cur, next = next, cur
		clear(next)
		r++
	}
	for y := range sh {
		clear(line)
		for x := range sw {
			c := at(b.Min.X+x, b.Min.Y+y)
			v := [4]float64{float64(c.R), float64(c.G), float64(c.B), float64(c.A)}
			s := cols[x]
			for i := range 4 {
				line[4*s.idx+i] += v[i] * s.frac
			}
			if s.frac < 1 {
				for i := range 4 {
					line[4*s.idx+4+i] += v[i] * (1 - s.frac)
				}
			}
		}
		s := rows[y]
		for r < s.idx {
			emit()
		}
		for i, v := range line {
			cur[i] += v * s.frac
		}
		if s.frac < 1 {
			for i, v := range line {
				next[i] += v * (1 - s.frac)
			}
		}
	}
	for r < dh {
		emit()
	}
	return dst
}

// areaShare says where a source column (or row) goes: wholly into
// destination index idx, or straddling idx and idx+1, frac of it in idx.
type areaShare struct {
	idx  int
	frac float64
}

// areaShares maps s source cells onto d ≤ s destination cells: a source
// cell is d/s ≤ 1 destination cells wide, so it overlaps one or two.
func areaShares(s, d int) []areaShare {
	out := make([]areaShare, s)
	for i := range s {
		lo, hi := float64(i)*float64(d)/float64(s), float64(i+1)*float64(d)/float64(s)
		k := int(lo)
		if edge := float64(k + 1); edge < hi && k+1 < d {
			out[i] = areaShare{k, (edge - lo) / (hi - lo)}
		} else {
			out[i] = areaShare{k, 1}
		}
	}
	return out
}
