package media

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"image"
	"image/color"
	"image/jpeg"

	"golang.org/x/image/draw"
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
	dst := image.NewRGBA(image.Rect(0, 0, max(1, int(float64(w)*scale)), max(1, int(float64(ht)*scale))))
	draw.CatmullRom.Scale(dst, dst.Bounds(), src, b, draw.Src, nil)
	var out bytes.Buffer
	if err := jpeg.Encode(&out, dst, &jpeg.Options{Quality: 80}); err != nil {
		return nil, fmt.Errorf("media: encoding a thumbnail: %w", err)
	}
	return out.Bytes(), nil
}

// thumbnailExtra bounds what Thumbnail allocates besides the decoded image
// for a thumbnail of at most size×size. The box filter's copy is under
// 1.5·size+1 pixels on its longer side, 4 bytes a pixel (< 16·size²); the
// Catmull-Rom scaler (x/image/draw) keeps a buffer of four float64 for
// every pixel of the destination's width times the source's height (at
// most size × 2·size × 32 bytes = 64·size²); then the result (4·size²) and
// its JPEG (less than the result, but a growing buffer may hold twice).
// For 480 pixels: 88·size² ≈ 19 MiB.
func thumbnailExtra(size int) int64 {
	s := int64(size)
	return 88*s*s + decodeOverhead
}

// boxShrink averages each k×k block of src into one pixel of an RGBA image
// (⌈w/k⌉×⌈h/k⌉, premultiplied as RGBA64At gives colours). Scaling a
// decoded photo straight to a thumbnail with a kernel filter would cost
// 32 bytes for every pixel of the thumbnail's width times the photo's
// height (100 MB for a 50-megapixel photo); sampling every k-th pixel
// would alias fine stripes into moiré. Averaging is exact and costs
// nothing but the small result.
func boxShrink(src image.Image, k int) *image.RGBA {
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
