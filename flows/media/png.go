package media

import (
	"encoding/binary"
	"errors"
	"fmt"
)

const pngSignature = "\x89PNG\r\n\x1a\n"

// pngKeep lists the chunks Strip keeps: the critical ones and the ancillary
// ones that change how the image looks. None carries text except iCCP's
// profile name, which is a colour space name.
var pngKeep = map[string]bool{
	"IHDR": true, "PLTE": true, "IDAT": true, "IEND": true,
	"tRNS": true, "gAMA": true, "cHRM": true, "sRGB": true, "iCCP": true,
	"sBIT": true, "cICP": true, "mDCv": true, "cLLi": true, "bKGD": true, "pHYs": true,
}

// walkPNG calls fn for each chunk of a PNG (the whole chunk: length, type,
// data and CRC) up to and including IEND. It stops at the first error fn
// returns or at anything malformed: a first chunk other than IHDR, a type
// that is not four ASCII letters, a length past the end, a missing IEND.
// CRCs are left to the decoder.
func walkPNG(b []byte, fn func(typ string, chunk []byte) error) error {
	if len(b) < len(pngSignature) || string(b[:len(pngSignature)]) != pngSignature {
		return errors.New("no PNG signature")
	}
	for i := len(pngSignature); ; {
		if len(b)-i < 12 {
			return errors.New("truncated: no IEND chunk")
		}
		n := binary.BigEndian.Uint32(b[i:])
		typ := string(b[i+4 : i+8])
		if n > 1<<31-1 || uint64(len(b)-i-12) < uint64(n) {
			return fmt.Errorf("chunk %q at offset %d: length %d runs past the end", typ, i, n)
		}
		for _, c := range []byte(typ) {
			if !(c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z') {
				return fmt.Errorf("chunk type %q at offset %d is not four letters", typ, i)
			}
		}
		if i == len(pngSignature) && typ != "IHDR" {
			return fmt.Errorf("first chunk is %q, not IHDR", typ)
		}
		end := i + 12 + int(n)
		if err := fn(typ, b[i:end]); err != nil {
			return err
		}
		if typ == "IEND" {
			return nil
		}
		i = end
	}
}

// stripPNG copies the chunks in pngKeep, in order, and drops the rest and
// anything after IEND; see Strip. The copy is sized in a first pass: a
// file can be mostly dropped chunks, and Strip holds the copy while it
// decodes it.
func stripPNG(b []byte) ([]byte, error) {
	n := len(pngSignature)
	err := walkPNG(b, func(typ string, chunk []byte) error {
		switch {
		case pngKeep[typ]:
			n += len(chunk)
		case typ[0] >= 'A' && typ[0] <= 'Z':
			// An unknown critical chunk: the image may not be
			// drawable without it (PNG spec 5.4).
			return fmt.Errorf("unknown critical chunk %q", typ)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	out := make([]byte, 0, n)
	out = append(out, pngSignature...)
	_ = walkPNG(b, func(typ string, chunk []byte) error {
		if pngKeep[typ] {
			out = append(out, chunk...)
		}
		return nil
	})
	return out, nil
}
