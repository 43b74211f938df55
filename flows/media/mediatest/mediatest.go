// Package mediatest builds JPEG and PNG files of any declared size for
// tests: whole images of mid-grey or black pixels that cost a few bytes per
// thousand pixels, and decompression bombs, files of a few hundred bytes
// that declare billions of pixels and hold only the first rows or blocks
// (a decoder allocates for all of them before it finds the data missing).
// No encoder of the standard library writes progressive, CMYK or 16-bit
// grey files of a chosen size; these are written field by field from the
// JPEG (ITU T.81) and PNG specifications.
package mediatest

import (
	"bytes"
	"compress/flate"
	"encoding/binary"
	"hash/crc32"
	"sync"
)

// PNG colour types (PNG spec 11.2.2).
const (
	Gray      byte = 0
	RGB       byte = 2
	Paletted  byte = 3
	GrayAlpha byte = 4
	RGBA      byte = 6
)

// PNGOptions says what a PNG holds.
type PNGOptions struct {
	ColorType byte // Gray, RGB, Paletted, GrayAlpha or RGBA
	Depth     byte // bits per sample: 1, 2, 4, 8 or 16 as the colour type allows
	Interlace bool // Adam7
	// Rows is how many rows of pixel data follow the header (of the whole
	// image, or for an interlaced one of its first pass): 0 means all of
	// them, a whole image; fewer make a bomb that ends early.
	Rows int
	// Transparent adds a tRNS chunk (a transparent grey level or colour,
	// or an opaque palette entry).
	Transparent bool
}

// channels is the number of samples per pixel of a colour type.
func channels(colorType byte) int {
	switch colorType {
	case RGB:
		return 3
	case GrayAlpha:
		return 2
	case RGBA:
		return 4
	}
	return 1
}

// adam7 is the origin and step of the seven passes (PNG spec 8.2).
var adam7 = [7][4]int{{0, 0, 8, 8}, {4, 0, 8, 8}, {0, 4, 4, 8}, {2, 0, 4, 4}, {0, 2, 2, 4}, {1, 0, 2, 2}, {0, 1, 1, 2}}

// PNG returns a PNG declaring w×h pixels, all samples zero.
func PNG(w, h int, o PNGOptions) []byte {
	ihdr := binary.BigEndian.AppendUint32(nil, uint32(w))
	ihdr = binary.BigEndian.AppendUint32(ihdr, uint32(h))
	interlace := byte(0)
	if o.Interlace {
		interlace = 1
	}
	ihdr = append(ihdr, o.Depth, o.ColorType, 0, 0, interlace)
	b := append([]byte("\x89PNG\r\n\x1a\n"), chunk("IHDR", ihdr)...)
	if o.ColorType == Paletted {
		b = append(b, chunk("PLTE", []byte{0, 0, 0})...)
	}
	if o.Transparent {
		switch o.ColorType {
		case Gray:
			b = append(b, chunk("tRNS", []byte{0, 1})...)
		case RGB:
			b = append(b, chunk("tRNS", []byte{0, 1, 0, 1, 0, 1})...)
		case Paletted:
			b = append(b, chunk("tRNS", []byte{255})...)
		}
	}

	// The rows of each pass: a filter byte (0, none) and the samples.
	type pass struct{ rows, rowBytes int }
	rowBytes := func(width int) int { return (width*channels(o.ColorType)*int(o.Depth) + 7) / 8 }
	passes := []pass{{h, rowBytes(w)}}
	if o.Interlace {
		passes = passes[:0]
		for _, p := range adam7 {
			pw, ph := (w-p[0]+p[2]-1)/p[2], (h-p[1]+p[3]-1)/p[3]
			if pw > 0 && ph > 0 {
				passes = append(passes, pass{ph, rowBytes(pw)})
			}
		}
	}
	if o.Rows > 0 {
		passes = []pass{{min(o.Rows, passes[0].rows), passes[0].rowBytes}}
	}
	var raw int64 // bytes of the inflated stream: filter bytes and samples, all zero
	for _, p := range passes {
		raw += int64(p.rows) * int64(p.rowBytes+1)
	}
	idat := zlibZeros(raw)
	// IDAT chunks of at most 1 MiB, as encoders write them.
	for data := idat; len(data) > 0; {
		n := min(len(data), 1<<20)
		b = append(b, chunk("IDAT", data[:n])...)
		data = data[n:]
	}
	return append(b, chunk("IEND", nil)...)
}

// PadPNG returns a copy of b grown to at least n bytes by private
// ancillary chunks ("prVt") after IHDR, which decoders skip and Strip
// drops: a file as large as an upload may be around a small image.
func PadPNG(b []byte, n int) []byte {
	const ihdrEnd = 8 + 12 + 13
	out := append([]byte(nil), b[:ihdrEnd]...)
	for len(out)+len(b)-ihdrEnd < n {
		size := min(n-(len(out)+len(b)-ihdrEnd)-12, 1<<20)
		out = append(out, chunk("prVt", make([]byte, max(size, 0)))...)
	}
	return append(out, b[ihdrEnd:]...)
}

// zlibZeros is a zlib stream of n zero bytes, made without compressing
// them: a deflate block of 1 MiB of zeros starts with a literal and refers
// only to what it wrote itself, so copies of it one after another inflate
// to as many MiB. Adler-32 of n zeros is 1 + 65536·(n mod 65521).
func zlibZeros(n int64) []byte {
	adler := uint32(n%65521)<<16 | 1
	out := []byte{0x78, 0xDA}
	for ; n >= zeroBlock; n -= zeroBlock {
		out = append(out, deflatedMiB()...)
	}
	out = append(out, deflate(int(n), true)...)
	return binary.BigEndian.AppendUint32(out, adler)
}

const zeroBlock = 1 << 20

// deflatedMiB is a non-final deflate block of a MiB of zeros.
var deflatedMiB = sync.OnceValue(func() []byte { return deflate(zeroBlock, false) })

// deflate compresses n zeros; a block that is not final ends on a byte
// boundary (a sync flush) so that another can follow.
func deflate(n int, final bool) []byte {
	var b bytes.Buffer
	fw, _ := flate.NewWriter(&b, flate.BestCompression)
	fw.Write(make([]byte, n))
	if final {
		fw.Close()
	} else {
		fw.Flush()
	}
	return b.Bytes()
}

func chunk(typ string, data []byte) []byte {
	b := binary.BigEndian.AppendUint32(nil, uint32(len(data)))
	b = append(b, typ...)
	b = append(b, data...)
	return binary.BigEndian.AppendUint32(b, crc32.ChecksumIEEE(b[4:]))
}

// JPEG component layouts.
const (
	Gray8   = "gray"  // one component
	YCbCr   = "4:2:0" // luma 2×2, chroma 1×1: what cameras and phones write
	YCbCr44 = "4:4:4" // no chroma subsampling
	RGB8    = "rgb"   // three components named R, G and B, no colour transform
	CMYK    = "cmyk"  // four components with an Adobe APP14 header (YCCK)
	YCbCr22 = "4:2:2" // luma 2×1
	YCbCr40 = "4:4:0" // luma 1×2
	YCbCr41 = "4:1:1" // luma 4×1
	YCbCr10 = "4:1:0" // luma 4×2
)

// JPEGOptions says what a JPEG holds.
type JPEGOptions struct {
	Layout      string // Gray8, YCbCr (default), YCbCr44, RGB8, CMYK, …
	Progressive bool   // SOF2: a DC scan, then one AC scan per component
	// Blocks is how many blocks each scan codes: 0 means all, a whole
	// image; fewer make a bomb whose data ends early.
	Blocks int
}

// component is one of a frame's components: its id and sampling factors.
type component struct{ id, h, v int }

func components(layout string) []component {
	switch layout {
	case Gray8:
		return []component{{1, 1, 1}}
	case YCbCr44:
		return []component{{1, 1, 1}, {2, 1, 1}, {3, 1, 1}}
	case RGB8:
		return []component{{'R', 1, 1}, {'G', 1, 1}, {'B', 1, 1}}
	case CMYK:
		return []component{{1, 1, 1}, {2, 1, 1}, {3, 1, 1}, {4, 1, 1}}
	case YCbCr22:
		return []component{{1, 2, 1}, {2, 1, 1}, {3, 1, 1}}
	case YCbCr40:
		return []component{{1, 1, 2}, {2, 1, 1}, {3, 1, 1}}
	case YCbCr41:
		return []component{{1, 4, 1}, {2, 1, 1}, {3, 1, 1}}
	case YCbCr10:
		return []component{{1, 4, 2}, {2, 1, 1}, {3, 1, 1}}
	}
	return []component{{1, 2, 2}, {2, 1, 1}, {3, 1, 1}}
}

// JPEG returns a JPEG declaring w×h pixels (each at most 65535) whose every
// coefficient is zero: a mid-grey picture. Its Huffman tables have one code
// each, a single 0 bit (DC difference 0; end of block), so a whole image
// costs one or two bits per 8×8 block.
func JPEG(w, h int, o JPEGOptions) []byte {
	comps := components(o.Layout)
	if len(comps) == 1 {
		comps[0].h, comps[0].v = 1, 1
	}
	hmax, vmax := comps[0].h, comps[0].v
	mcusX, mcusY := (w+8*hmax-1)/(8*hmax), (h+8*vmax-1)/(8*vmax)

	b := []byte{0xFF, 0xD8}
	if o.Layout == CMYK {
		b = segment(b, 0xEE, []byte("Adobe\x00\x64\x00\x00\x00\x00\x02")) // transform 2: YCCK
	}
	b = segment(b, 0xDB, append([]byte{0}, bytes.Repeat([]byte{1}, 64)...))
	sof := []byte{8, byte(h >> 8), byte(h), byte(w >> 8), byte(w), byte(len(comps))}
	for _, c := range comps {
		sof = append(sof, byte(c.id), byte(c.h<<4|c.v), 0)
	}
	marker := byte(0xC0)
	if o.Progressive {
		marker = 0xC2
	}
	b = segment(b, marker, sof)
	b = segment(b, 0xC4, append([]byte{0x00, 1}, make([]byte, 16)...)) // DC table 0: one code of length 1, category 0
	b = segment(b, 0xC4, append([]byte{0x10, 1}, make([]byte, 16)...)) // AC table 0: one code of length 1, EOB

	// An interleaved scan codes every block of every MCU; a scan of one
	// component only the blocks that touch the image.
	interleaved := 0
	for _, c := range comps {
		interleaved += c.h * c.v
	}
	interleaved *= mcusX * mcusY
	scanHeader := func(cs []component, ss, se byte) []byte {
		p := []byte{byte(len(cs))}
		for _, c := range cs {
			p = append(p, byte(c.id), 0x00)
		}
		return append(p, ss, se, 0)
	}
	data := func(blocks, bitsPerBlock int) []byte {
		if o.Blocks > 0 {
			blocks = min(blocks, o.Blocks)
		}
		bits := blocks * bitsPerBlock
		d := make([]byte, (bits+7)/8)
		if bits%8 != 0 {
			d[len(d)-1] = byte(1<<(8-bits%8)) - 1 // pad with ones
		}
		return d
	}
	if !o.Progressive {
		b = segment(b, 0xDA, scanHeader(comps, 0, 63))
		b = append(b, data(interleaved, 2)...)
	} else {
		b = segment(b, 0xDA, scanHeader(comps, 0, 0))
		b = append(b, data(interleaved, 1)...)
		for _, c := range comps {
			cw, ch := (w*c.h+hmax-1)/hmax, (h*c.v+vmax-1)/vmax
			b = segment(b, 0xDA, scanHeader([]component{c}, 1, 63))
			b = append(b, data(((cw+7)/8)*((ch+7)/8), 1)...)
		}
	}
	return append(b, 0xFF, 0xD9)
}

// PadJPEG returns a copy of b grown to at least n bytes by comment
// segments after SOI, which decoders skip and Strip drops.
func PadJPEG(b []byte, n int) []byte {
	out := append([]byte(nil), b[:2]...)
	for len(out)+len(b)-2 < n {
		size := min(n-(len(out)+len(b)-2)-4, 65533)
		out = segment(out, 0xFE, make([]byte, max(size, 0)))
	}
	return append(out, b[2:]...)
}

func segment(b []byte, marker byte, payload []byte) []byte {
	n := len(payload) + 2
	return append(append(b, 0xFF, marker, byte(n>>8), byte(n)), payload...)
}
