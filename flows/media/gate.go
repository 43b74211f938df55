package media

// The decode gate. Every decode of a citizen's image in the service goes
// through it: Strip's check of its output and Thumbnail. A file of a few
// hundred bytes can declare 30000×30000 pixels (or 65535×65535 in a JPEG),
// and the standard decoders allocate the whole image from the header
// before reading a single pixel: 3.6 GB for an 8-bit RGBA PNG, 7.2 GB for
// a 16-bit one, 64 GB for a progressive 4:4:4 JPEG. So the gate reads the
// header only, works out what the decoder will allocate, refuses an image
// that needs more than MaxImageBytes, and otherwise waits for that much of
// a budget shared by all decodes in the process (a weighted semaphore)
// before it decodes. Eight workers printing, a dispatcher with dozens of
// sends in flight and the command line's print together never hold more
// than decodeBudget of decoded pixels.
//
// What the decoders allocate (Go's image/jpeg and image/png, read from
// their source; TestDecodeEstimates measures each case against the
// runtime's count of allocated bytes):
//
// JPEG (reader.go, scan.go). The image is allocated at the first scan for
// whole MCUs: with hmax×vmax the first component's sampling factors,
// mxx = ⌈W/8hmax⌉ and myy = ⌈H/8vmax⌉ MCUs, component i has
// mxx·myy·hᵢ·vᵢ blocks of 8×8 samples and one byte per sample (a Gray image,
// or YCbCr's three planes, plus a separate black plane for four
// components). A 4:2:0 photo is thus 1.5 bytes a pixel, 4:4:4 is 3.
// Progressive: every block's 64 coefficients are kept as int32 between
// scans (progCoeffs), 256 bytes a block, 4 bytes a sample, on top of the
// image: a progressive 4:2:0 JPEG costs 7.5 bytes a pixel, 4:4:4 costs 15.
// Colour conversion at the end: four components (CMYK, YCCK) and
// three-component RGB (no JFIF header, and an Adobe header saying "no
// transform" or components named R, G, B) get a new 4-byte-a-pixel image
// while the planes are still held.
//
// PNG (reader.go). The whole image is allocated before the first row is
// inflated: 1 byte a pixel for grey of 1–8 bits and for paletted images,
// 2 for 16-bit grey, 4 for 8-bit RGB, grey+alpha and RGBA, 8 for their
// 16-bit forms (RGBA64, NRGBA64); a tRNS chunk turns grey into NRGBA (4
// or 8 bytes). Interlaced (Adam7) images allocate each of the seven passes
// as an image of its own besides the whole one: twice the bytes. Two rows
// of raw samples are kept for unfiltering.
//
// Every decode also holds decodeOverhead of state that does not grow with
// the image (Huffman tables, the inflater's window, buffers).
//
// The numbers. MaxImageBytes = 128 MiB (134 MB) admits what phones
// write, with room: a 50-megapixel baseline 4:2:0 photo (8160×6120) takes
// 75 MB to decode and 80 MB with its thumbnail (thumbnailExtra, under
// 5 MB); baseline 4:2:0 passes up to about 86 megapixels for a thumbnail,
// 4:2:2 up to 64, 4:4:4 up to 43, progressive 4:2:0 up to 17 (a
// 12-megapixel progressive JPEG takes 90 MB); 16-bit PNGs up to 16
// megapixels, 8-bit RGBA ones up to 32. It refuses 108- and 200-megapixel
// camera modes. decodeBudget = 160 MiB lets decodes under 32 MiB (phone
// photos up to about 20 megapixels) run beside one of the largest, while
// two of the largest wait for each other. Measured with the whole service
// (cmd/lapor TestPrintBombPeakRSS, docs/BENCHMARKS.md): while an officer
// prints a report holding the largest images that pass the gate, one of
// them 20 MiB on disk, and the dispatcher cleans the same images for the
// desk, the server's peak RSS stays around 250 MB, under the 300 MB
// target. What the gate does not count is the files' own bytes, which
// their callers hold (a 20 MiB attachment read from the database for a
// send and for a print).

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"image"
	"image/jpeg"
	"image/png"
	"runtime/debug"
	"sync"
	"sync/atomic"

	"golang.org/x/sync/semaphore"
)

// ErrTooLarge is returned (wrapped, with the dimensions and the estimate)
// for an image whose decode would need more memory than one image may use.
// Strip's errors that wrap it also wrap ErrUnsupported.
var ErrTooLarge = errors.New("media: image too large to decode")

const (
	// MaxImageBytes is the most one decode may allocate, with what the
	// caller builds from the image (a thumbnail's scaling); an image that
	// needs more is refused with ErrTooLarge.
	MaxImageBytes = 128 << 20
	// decodeBudget is the most all decodes in the process may hold at
	// once. It must not be less than MaxImageBytes, or the largest
	// admitted image would wait for ever.
	decodeBudget = 160 << 20
	// decodeOverhead is a decoder's state that does not depend on the
	// image's size.
	decodeOverhead = 128 << 10
	// collectAbove: before a reservation of at least this much the gate
	// collects garbage and returns free memory to the operating system
	// (debug.FreeOSMemory), so that the decode's pixels are not added to
	// the resident set beside what earlier decodes, uploads and sends left
	// behind. The collector's pacing (GOGC) lets the heap grow to twice
	// what was live at the last collection, which during a large decode
	// includes that decode's image; and a large image needs one run of
	// contiguous pages, which freed but fragmented memory may not offer.
	// Measured (TestPrintBombPeakRSS): a peak of 263–308 MB with a plain
	// collection, 246–265 MB with this. It costs tens of milliseconds
	// (20–55 ms to return 130 MB on the shared 2-core machine) before
	// decodes that take a second or more; smaller ones (phone photos up to
	// about 20 megapixels) skip it.
	collectAbove = 32 << 20
)

// gate bounds the memory of image decodes; see the comment at the top.
type gate struct {
	perImage int64
	sem      *semaphore.Weighted
	budget   int64

	inUse, peak atomic.Int64 // bytes reserved now, and the most at any time

	// onReserve, when set (by tests), runs while a reservation is held,
	// before the decode.
	onReserve func()
}

func newGate(perImage, budget int64) *gate {
	if perImage > budget {
		panic("media: the per-image limit exceeds the decode budget")
	}
	return &gate{perImage: perImage, sem: semaphore.NewWeighted(budget), budget: budget}
}

// decodeGate is the process's gate. Tests replace it to lower the limits.
var decodeGate = newGate(MaxImageBytes, decodeBudget)

// imageHeader is what the gate learns of an image without decoding it.
type imageHeader struct {
	kind          string // MIMEJPEG or MIMEPNG
	width, height int
	form          string // "progressive YCbCr 2×2 JPEG", "16-bit RGBA PNG": for messages
	decodeBytes   int64  // what the standard decoder allocates for it
}

// readHeader reads the header of a JPEG or PNG (the format taken from the
// bytes) and estimates its decode. It reads no pixel data, so it is cheap
// on any file.
func readHeader(data []byte) (imageHeader, error) {
	var (
		h   imageHeader
		err error
	)
	switch {
	case bytes.HasPrefix(data, []byte{0xFF, soi, 0xFF}):
		h, err = jpegHeader(data)
	case bytes.HasPrefix(data, []byte(pngSignature)):
		h, err = pngHeader(data)
	default:
		return h, errors.New("content is not JPEG or PNG")
	}
	if err != nil {
		return h, err
	}
	if h.width <= 0 || h.height <= 0 {
		return h, fmt.Errorf("%d×%d pixels: an empty image", h.width, h.height)
	}
	return h, nil
}

// jpegHeader reads the frame header of a JPEG and the segments that decide
// its decoded colour model. The whole file is walked (without decoding
// the scans' data) because an APP0 or APP14 segment after the first scan
// still changes what Go's decoder allocates at the end.
func jpegHeader(data []byte) (imageHeader, error) {
	h := imageHeader{kind: MIMEJPEG}
	cfg, err := jpeg.DecodeConfig(bytes.NewReader(data))
	if err != nil {
		return h, fmt.Errorf("reading the header: %w", err)
	}
	var (
		sof            []byte
		progressive    bool
		jfif, adobe    bool
		adobeTransform byte
		converted      bool
	)
	err = walkJPEG(data, func(m byte, payload, _ []byte) error {
		switch {
		case isSOF(m):
			if sof != nil {
				return errors.New("a second frame header")
			}
			sof, progressive = payload, m == sof2
		case m == app0 && len(payload) >= 5:
			// As Go's decoder: each APP0 long enough says anew
			// whether the file is JFIF.
			jfif = bytes.HasPrefix(payload, []byte("JFIF\x00"))
		case m == app14 && len(payload) >= adobeHeaderLen && bytes.HasPrefix(payload, []byte("Adobe")):
			adobe, adobeTransform = true, payload[11]
		}
		return nil
	})
	if err != nil {
		return h, err
	}
	if len(sof) < 6 || sof[0] != 8 {
		return h, errors.New("no 8-bit frame header")
	}
	n := int(sof[5])
	if n != 1 && n != 3 && n != 4 || len(sof) != 6+3*n {
		return h, fmt.Errorf("a frame of %d components", n)
	}
	h.height, h.width = int(sof[1])<<8|int(sof[2]), int(sof[3])<<8|int(sof[4])
	if h.width != cfg.Width || h.height != cfg.Height {
		return h, fmt.Errorf("frame header says %d×%d, the decoder %d×%d", h.width, h.height, cfg.Width, cfg.Height)
	}
	sampling := make([][2]int, n)
	for i := range n {
		sampling[i] = [2]int{int(sof[7+3*i] >> 4), int(sof[7+3*i] & 0x0F)}
		if sampling[i][0] < 1 || sampling[i][1] < 1 {
			return h, errors.New("a sampling factor of 0")
		}
	}
	if n == 1 {
		sampling[0] = [2]int{1, 1} // one component is never interleaved (T.81 A.2)
	}
	switch n {
	case 4:
		converted = true
	case 3:
		// Go's decoder.isRGB.
		ids := string([]byte{sof[6], sof[9], sof[12]})
		converted = !jfif && (adobe && adobeTransform == 0 || ids == "RGB")
	}
	h.decodeBytes = jpegDecodeBytes(h.width, h.height, sampling, progressive, converted)
	h.form = jpegForm(n, sampling, progressive, converted)
	return h, nil
}

// jpegDecodeBytes is what Go's JPEG decoder allocates for a frame; see the
// comment at the top.
func jpegDecodeBytes(w, h int, sampling [][2]int, progressive, converted bool) int64 {
	h0, v0 := int64(sampling[0][0]), int64(sampling[0][1])
	mxx, myy := (int64(w)+8*h0-1)/(8*h0), (int64(h)+8*v0-1)/(8*v0)
	var blocks int64
	for _, s := range sampling {
		blocks += mxx * myy * int64(s[0]) * int64(s[1])
	}
	n := 64 * blocks // one byte a sample
	if progressive {
		n += 256 * blocks // 64 int32 coefficients a block
	}
	if converted {
		n += 4 * int64(w) * int64(h)
	}
	return n + decodeOverhead
}

func jpegForm(n int, sampling [][2]int, progressive, converted bool) string {
	form := "baseline"
	if progressive {
		form = "progressive"
	}
	switch {
	case n == 1:
		return form + " grey JPEG"
	case n == 4:
		return form + " CMYK JPEG"
	case converted:
		return form + " RGB JPEG"
	}
	return fmt.Sprintf("%s YCbCr %d×%d JPEG", form, sampling[0][0], sampling[0][1])
}

// PNG colour types (PNG spec 11.2.2).
const (
	pngGray      = 0
	pngRGB       = 2
	pngPaletted  = 3
	pngGrayAlpha = 4
	pngRGBA      = 6
)

// pngHeader reads IHDR and whether a tRNS chunk comes before the image
// data (where Go's decoder must see it to change the colour model).
func pngHeader(data []byte) (imageHeader, error) {
	h := imageHeader{kind: MIMEPNG}
	cfg, err := png.DecodeConfig(bytes.NewReader(data))
	if err != nil {
		return h, fmt.Errorf("reading the header: %w", err)
	}
	var ihdr []byte
	transparent := false
	err = walkPNG(data, func(typ string, chunk []byte) error {
		switch typ {
		case "IHDR":
			ihdr = chunk[8 : len(chunk)-4]
		case "tRNS":
			transparent = true
		case "IDAT":
			return errStop
		}
		return nil
	})
	if err != nil && !errors.Is(err, errStop) {
		return h, err
	}
	if len(ihdr) != 13 {
		return h, errors.New("IHDR is not 13 bytes")
	}
	h.width, h.height = cfg.Width, cfg.Height
	depth, colorType, interlaced := int64(ihdr[8]), ihdr[9], ihdr[12] == 1
	channels := map[byte]int64{pngGray: 1, pngRGB: 3, pngPaletted: 1, pngGrayAlpha: 2, pngRGBA: 4}[colorType]
	var perPixel int64 // bytes a pixel of the decoded image
	switch {
	case colorType == pngPaletted:
		perPixel = 1
	case colorType == pngGray && !transparent:
		perPixel = max(1, depth/8) // Gray or Gray16
	case depth == 16:
		perPixel = 8 // RGBA64 or NRGBA64
	default:
		perPixel = 4 // RGBA or NRGBA
	}
	pixels := int64(h.width) * int64(h.height)
	n := pixels * perPixel
	rows := int64(2)
	if interlaced {
		n *= 2
		rows = 6 // two rows of each pass; the passes' widths add up to 2.5 rows
	}
	n += rows * (1 + (channels*depth*int64(h.width)+7)/8)
	h.decodeBytes = n + decodeOverhead
	form := fmt.Sprintf("%d-bit %s PNG", depth, map[byte]string{pngGray: "grey", pngRGB: "RGB", pngPaletted: "paletted",
		pngGrayAlpha: "grey+alpha", pngRGBA: "RGBA"}[colorType])
	if interlaced {
		form = "interlaced " + form
	}
	h.form = form
	return h, nil
}

// decode decodes data, whose header h says, once extra (what the caller
// will build from the image while it holds it) and the decode fit the
// limits. It refuses with ErrTooLarge an image over maxPixels or whose
// decode and extra exceed the per-image limit, and otherwise waits
// (until ctx ends) for that much of the budget. release gives it back;
// call it when done with the image and whatever was made from it.
func (g *gate) decode(ctx context.Context, data []byte, h imageHeader, extra int64) (img image.Image, release func(), err error) {
	need := h.decodeBytes + extra
	if px := int64(h.width) * int64(h.height); px > int64(maxPixels) || need > g.perImage {
		return nil, nil, fmt.Errorf("%w: %d×%d %s needs %d MiB to decode, over the limit of %d MiB",
			ErrTooLarge, h.width, h.height, h.form, (need+1<<20-1)>>20, g.perImage>>20)
	}
	if release, err = g.reserve(ctx, need); err != nil {
		return nil, nil, err
	}
	if h.kind == MIMEJPEG {
		img, err = jpeg.Decode(bytes.NewReader(data))
	} else {
		img, err = png.Decode(bytes.NewReader(data))
	}
	if err == nil {
		if r := img.Bounds(); r.Dx() != h.width || r.Dy() != h.height {
			err = fmt.Errorf("decoded %v, header says %d×%d", r, h.width, h.height)
		}
	}
	if err != nil {
		release()
		return nil, nil, fmt.Errorf("decoding: %w", err)
	}
	return img, release, nil
}

// reserve waits for n bytes of the budget.
func (g *gate) reserve(ctx context.Context, n int64) (release func(), err error) {
	if err := g.sem.Acquire(ctx, n); err != nil {
		return nil, err
	}
	if n >= collectAbove {
		debug.FreeOSMemory()
	}
	now := g.inUse.Add(n)
	for {
		p := g.peak.Load()
		if now <= p || g.peak.CompareAndSwap(p, now) {
			break
		}
	}
	if g.onReserve != nil {
		g.onReserve()
	}
	var once sync.Once
	return func() {
		once.Do(func() {
			g.inUse.Add(-n)
			g.sem.Release(n)
		})
	}, nil
}
