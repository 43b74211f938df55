package media

import (
	"bytes"
	"errors"
	"fmt"
)

// JPEG markers (ITU T.81 table B.1).
const (
	sof0  = 0xC0 // SOF0–SOF15 are 0xC0–0xCF except DHT, JPG and DAC
	sof2  = 0xC2 // progressive, Huffman-coded: the only progressive frame Go decodes
	dht   = 0xC4
	jpg   = 0xC8
	dac   = 0xCC
	rst0  = 0xD0
	rst7  = 0xD7
	soi   = 0xD8
	eoi   = 0xD9
	sos   = 0xDA
	dqt   = 0xDB
	dnl   = 0xDC
	dri   = 0xDD
	app0  = 0xE0
	app1  = 0xE1
	app14 = 0xEE
	app15 = 0xEF
	com   = 0xFE
)

func isSOF(m byte) bool { return m >= sof0 && m <= 0xCF && m != dht && m != jpg && m != dac }

// Fixed-size headers Strip keeps: JFIF APP0 is "JFIF\0", version (2),
// units (1), densities (2+2) and thumbnail size (1+1), then the thumbnail;
// Adobe APP14 is "Adobe", version (2), flags (2+2) and transform (1).
const (
	jfifHeaderLen  = 14
	adobeHeaderLen = 12
)

// walkJPEG calls fn for each marker segment of a JPEG, from after SOI up to
// EOI, in file order, with the segment's payload (after the length) and, for
// SOS, the entropy-coded data that follows it up to the next marker. Fill
// bytes (0xFF runs) before a marker and stray restart markers are skipped,
// as decoders do. It stops at EOI, at the first error fn returns, or at
// anything that is not a well-formed segment: bytes between segments, a
// length running past the end, a missing EOI.
func walkJPEG(b []byte, fn func(marker byte, payload, scan []byte) error) error {
	if len(b) < 2 || b[0] != 0xFF || b[1] != soi {
		return errors.New("no start-of-image marker")
	}
	i := 2
	for {
		if i >= len(b) {
			return errors.New("truncated: no end-of-image marker")
		}
		if b[i] != 0xFF {
			return fmt.Errorf("byte %#02x at offset %d where a marker should be", b[i], i)
		}
		for i < len(b) && b[i] == 0xFF {
			i++
		}
		if i >= len(b) {
			return errors.New("truncated after a fill byte")
		}
		m := b[i]
		i++
		switch {
		case m == eoi:
			return nil
		case m >= rst0 && m <= rst7:
			continue // a restart marker outside a scan: no payload, decoders ignore it
		case m == 0x00 || m == 0x01 || m == soi:
			return fmt.Errorf("unexpected marker %#02x at offset %d", m, i-1)
		}
		if i+2 > len(b) {
			return fmt.Errorf("truncated in the length of marker %#02x", m)
		}
		n := int(b[i])<<8 | int(b[i+1])
		if n < 2 || i+n > len(b) {
			return fmt.Errorf("marker %#02x at offset %d: length %d runs past the end", m, i-1, n)
		}
		payload := b[i+2 : i+n]
		i += n
		var scan []byte
		if m == sos {
			// Entropy-coded data runs to the next 0xFF that is not a
			// stuffed 0xFF00 or a restart marker.
			j := i
			for {
				k := bytes.IndexByte(b[j:], 0xFF)
				if k < 0 || j+k+1 >= len(b) {
					return errors.New("truncated in scan data")
				}
				j += k
				if next := b[j+1]; next == 0x00 || next >= rst0 && next <= rst7 {
					j += 2
					continue
				}
				break
			}
			scan = b[i:j]
			i = j
		}
		if err := fn(m, payload, scan); err != nil {
			return err
		}
	}
}

// stripJPEG rewrites a JPEG with only the segments a decoder needs; see
// Strip. Tables, frame and scan segments keep their order; the JFIF header
// and an orientation-only EXIF block go first, where viewers look for them.
func stripJPEG(b []byte) ([]byte, error) {
	var (
		jfif        []byte
		orientation int
		sawSOF      bool
		scans       int
		body        = make([]byte, 0, len(b))
	)
	err := walkJPEG(b, func(m byte, payload, scan []byte) error {
		switch {
		case m == app0:
			if jfif == nil && len(payload) >= jfifHeaderLen && bytes.HasPrefix(payload, []byte("JFIF\x00")) {
				p := bytes.Clone(payload[:jfifHeaderLen])
				p[12], p[13] = 0, 0 // no thumbnail: it may show what was cropped out
				jfif = appendSegment(nil, app0, p)
			}
		case m == app1:
			if tiff, ok := bytes.CutPrefix(payload, []byte(exifHeader)); ok && orientation == 0 {
				orientation = exifOrientation(tiff)
			}
		case m == app14:
			// The Adobe header tells decoders whether the channels are
			// YCbCr or RGB (YCCK or CMYK); without it colours change.
			if len(payload) >= adobeHeaderLen && bytes.HasPrefix(payload, []byte("Adobe")) {
				body = appendSegment(body, m, payload[:adobeHeaderLen])
			}
		case m > app0 && m <= app15 || m == com:
			// metadata: dropped
		case isSOF(m):
			if sawSOF {
				return errors.New("a second frame header")
			}
			sawSOF = true
			body = appendSegment(body, m, payload)
		case m == dqt || m == dht || m == dac || m == dri || m == dnl:
			body = appendSegment(body, m, payload)
		case m == sos:
			if !sawSOF {
				return errors.New("scan before the frame header")
			}
			scans++
			body = appendSegment(body, m, payload)
			body = append(body, scan...)
		default:
			return fmt.Errorf("unsupported marker %#02x", m)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	if scans == 0 {
		return nil, errors.New("no image data")
	}
	out := make([]byte, 0, 2+len(jfif)+64+len(body)+2)
	out = append(out, 0xFF, soi)
	out = append(out, jfif...)
	if orientation > 1 {
		out = appendSegment(out, app1, orientationEXIF(orientation))
	}
	out = append(out, body...)
	return append(out, 0xFF, eoi), nil
}

// appendSegment appends a marker segment. payload comes from a segment of
// the input or is shorter, so its length fits.
func appendSegment(b []byte, marker byte, payload []byte) []byte {
	n := len(payload) + 2
	return append(append(b, 0xFF, marker, byte(n>>8), byte(n)), payload...)
}
