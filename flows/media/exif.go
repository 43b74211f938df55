package media

import (
	"encoding/binary"
)

// EXIF tags read here (EXIF 2.32 / TIFF 6.0).
const (
	tagOrientation = 0x0112
	tagGPSInfo     = 0x8825
	typeShort      = 3
)

// maxIFDs bounds how many IFDs in a chain are read: a hostile file can link
// them in a loop.
const maxIFDs = 8

// tiffData is the TIFF structure inside an EXIF block: a byte-order mark,
// 42, and offsets relative to its start.
type tiffData struct {
	b  []byte
	bo binary.ByteOrder
}

func parseTIFF(b []byte) (t tiffData, ifd0 uint32, ok bool) {
	if len(b) < 8 {
		return t, 0, false
	}
	switch string(b[:2]) {
	case "II":
		t.bo = binary.LittleEndian
	case "MM":
		t.bo = binary.BigEndian
	default:
		return t, 0, false
	}
	if t.bo.Uint16(b[2:]) != 42 {
		return t, 0, false
	}
	t.b = b
	return t, t.bo.Uint32(b[4:]), true
}

// entry is one 12-byte IFD entry; value holds the value itself when it
// fits in four bytes, else its offset.
type entry struct {
	tag, typ uint16
	count    uint32
	value    []byte // 4 bytes
}

// ifd returns the entries of the IFD at off and the offset of the next IFD
// (0 for none). ok is false when the IFD does not fit in the data.
func (t tiffData) ifd(off uint32) (es []entry, next uint32, ok bool) {
	if uint64(off)+2 > uint64(len(t.b)) {
		return nil, 0, false
	}
	n := int(t.bo.Uint16(t.b[off:]))
	start := int(off) + 2
	if start+12*n+4 > len(t.b) {
		return nil, 0, false
	}
	es = make([]entry, n)
	for i := range es {
		p := t.b[start+12*i:]
		es[i] = entry{tag: t.bo.Uint16(p), typ: t.bo.Uint16(p[2:]), count: t.bo.Uint32(p[4:]), value: p[8:12]}
	}
	return es, t.bo.Uint32(t.b[start+12*n:]), true
}

// exifHasGPS reports whether the EXIF data (a TIFF structure) has a GPSInfo
// pointer in any of its main IFDs that leads to a non-empty GPS IFD or
// cannot be followed: for an audit, a pointer that claims a position counts.
func exifHasGPS(b []byte) bool {
	t, off, ok := parseTIFF(b)
	if !ok {
		return false
	}
	for range maxIFDs {
		if off == 0 {
			return false
		}
		es, next, ok := t.ifd(off)
		if !ok {
			return false
		}
		for _, e := range es {
			if e.tag != tagGPSInfo {
				continue
			}
			gps, _, ok := t.ifd(t.bo.Uint32(e.value))
			return !ok || len(gps) > 0
		}
		off = next
	}
	return false
}

// exifOrientation returns the orientation tag of IFD0 (1–8), or 0 when
// there is none or it is malformed.
func exifOrientation(b []byte) int {
	t, off, ok := parseTIFF(b)
	if !ok {
		return 0
	}
	es, _, ok := t.ifd(off)
	if !ok {
		return 0
	}
	for _, e := range es {
		if e.tag == tagOrientation && e.typ == typeShort && e.count == 1 {
			if v := int(t.bo.Uint16(e.value)); v >= 1 && v <= 8 {
				return v
			}
		}
	}
	return 0
}

// orientationEXIF builds an APP1 payload holding only an orientation tag.
func orientationEXIF(orientation int) []byte {
	b := []byte(exifHeader)
	b = append(b, 'M', 'M', 0, 42, 0, 0, 0, 8) // big-endian TIFF, IFD0 at 8
	b = append(b, 0, 1)                        // one entry
	b = append(b, tagOrientation>>8, tagOrientation&0xFF, 0, typeShort, 0, 0, 0, 1, 0, byte(orientation), 0, 0)
	return append(b, 0, 0, 0, 0) // no next IFD
}
