// Package media owns what happens to a citizen's images before officers see
// them: removing the metadata (EXIF with GPS position, camera serials, XMP,
// IPTC, comments, text chunks) that could identify the reporter, as the
// privacy rules require for images forwarded to agency groups. Cleaning never
// re-encodes: the compressed pixel data is copied byte for byte, so there is
// no loss of quality, and anything it cannot rewrite with certainty is refused
// rather than passed through. The package also makes the thumbnails
// printouts show (Thumbnail, re-encoded as JPEG). Every decode of a citizen's image goes through one gate
// (gate.go) that reads the header first and bounds the memory decodes
// take, whatever size a file declares.
package media

import (
	"bytes"
	"context"
	"errors"
	"fmt"
)

// ErrUnsupported is returned (wrapped, with the reason) when Strip cannot
// produce a clean copy: the format is not JPEG or PNG (WebP, GIF, HEIC, …),
// the file does not parse or decode, or it is too large to check. The caller
// must then not forward the original as an image; it may send it as a
// document only where showing its metadata is acceptable, or not at all.
var ErrUnsupported = errors.New("media: image format not supported or file unreadable")

// MIME types of the images Strip returns.
const (
	MIMEJPEG = "image/jpeg"
	MIMEPNG  = "image/png"
)

// maxPixels bounds the dimensions of any image decoded, whatever its
// estimated decode (see gate.go, which bounds the memory): 64 Mi pixels
// covers 50-megapixel phone photos. A variable so the fuzz tests can lower
// it.
var maxPixels = 64 << 20

// Strip returns the image without metadata, and the MIME type of the result.
//
// The format is taken from the bytes, not from mime (what the sender
// declared, which can be wrong), so the returned type may differ from mime.
//
// JPEG: the file is rewritten keeping only the segments needed to decode it:
// quantisation and Huffman tables, frame and scan headers with their
// compressed data (copied byte for byte), restart intervals, the APP0 JFIF
// header (its embedded thumbnail dropped) and the APP14 Adobe colour
// transform. APP1 EXIF and XMP, APP2 ICC and FlashPix, APP13 IPTC, COM
// comments, every other APPn and anything after the end-of-image marker
// (appended videos and second images) are dropped. An EXIF orientation other
// than "normal" is kept, alone in a new EXIF block, so that phone photos are
// not shown sideways.
//
// PNG: the chunks that draw the image are kept (IHDR, PLTE, IDAT, IEND,
// tRNS) with those that set its colours or pixel size (gAMA, cHRM, sRGB,
// iCCP, sBIT, cICP, mDCv, cLLi, bKGD, pHYs). Text (tEXt, zTXt, iTXt), eXIf,
// tIME, animation chunks (an animated PNG becomes its still image) and any
// other chunk, private ones included, are dropped: an unknown chunk can carry
// anything.
//
// The result is decoded before it is returned, so a nil error means the
// image is sound. The decode goes through the gate (gate.go): an image
// whose decode would need too much memory is refused with an error that
// wraps ErrTooLarge, and Strip may wait while other decodes hold the
// process's decode budget, until ctx ends (then it returns ctx's error as
// it is). Any other error wraps ErrUnsupported, and then the returned
// bytes are nil: Strip never hands back the original claiming it is clean.
func Strip(ctx context.Context, mime string, data []byte) ([]byte, string, error) {
	var (
		out  []byte
		kind string
		err  error
	)
	switch {
	case bytes.HasPrefix(data, []byte{0xFF, 0xD8, 0xFF}):
		kind = MIMEJPEG
		out, err = stripJPEG(data)
	case bytes.HasPrefix(data, []byte(pngSignature)):
		kind = MIMEPNG
		out, err = stripPNG(data)
	default:
		return nil, "", fmt.Errorf("%w: content is not JPEG or PNG (declared %q)", ErrUnsupported, mime)
	}
	if err == nil {
		err = decodes(ctx, kind, out)
	}
	if err != nil && ctx.Err() != nil {
		return nil, "", ctx.Err()
	}
	if err != nil {
		return nil, "", fmt.Errorf("%w: %s: %w", ErrUnsupported, kind, err)
	}
	return out, kind, nil
}

// HasLocation reports whether an image carries a position: a JPEG whose EXIF
// has GPS tags (a GPSInfo pointer to a non-empty GPS IFD, or one that cannot
// be followed) or whose XMP names a GPS latitude or longitude; a PNG with
// the same in an eXIf or uncompressed text chunk. It is for tests and audits
// and reads what it can of a damaged file.
func HasLocation(data []byte) bool {
	switch {
	case bytes.HasPrefix(data, []byte{0xFF, 0xD8}):
		found := false
		_ = walkJPEG(data, func(marker byte, payload, _ []byte) error {
			if marker == app1 && payloadHasLocation(payload) {
				found = true
				return errStop
			}
			return nil
		})
		return found
	case bytes.HasPrefix(data, []byte(pngSignature)):
		found := false
		_ = walkPNG(data, func(typ string, chunk []byte) error {
			body := chunk[8 : len(chunk)-4]
			if typ == "eXIf" && exifHasGPS(body) ||
				(typ == "iTXt" || typ == "tEXt") && xmpHasGPS(body) {
				found = true
				return errStop
			}
			return nil
		})
		return found
	}
	return false
}

// errStop ends a walk early without an error.
var errStop = errors.New("stop")

// payloadHasLocation looks for a position in a JPEG APP1 payload, EXIF or XMP.
func payloadHasLocation(p []byte) bool {
	if tiff, ok := bytes.CutPrefix(p, []byte(exifHeader)); ok {
		return exifHasGPS(tiff)
	}
	return (bytes.HasPrefix(p, []byte(xmpHeader)) || bytes.HasPrefix(p, []byte(xmpExtendedHeader))) && xmpHasGPS(p)
}

// APP1 payload prefixes.
const (
	exifHeader        = "Exif\x00\x00"
	xmpHeader         = "http://ns.adobe.com/xap/1.0/\x00"
	xmpExtendedHeader = "http://ns.adobe.com/xmp/extension/\x00"
)

// xmpHasGPS looks for the EXIF GPS properties in XMP (exif:GPSLatitude, as
// an attribute or an element).
func xmpHasGPS(p []byte) bool {
	return bytes.Contains(p, []byte("GPSLatitude")) || bytes.Contains(p, []byte("GPSLongitude"))
}

// decodes checks that b is a whole image of the kind Strip made, of a
// size the gate admits.
func decodes(ctx context.Context, kind string, b []byte) error {
	h, err := readHeader(b)
	if err != nil {
		return fmt.Errorf("the result: %w", err)
	}
	if h.kind != kind {
		return fmt.Errorf("the result is %s, not %s", h.kind, kind)
	}
	_, release, err := decodeGate.decode(ctx, b, h, 0)
	if err != nil {
		return fmt.Errorf("the result: %w", err)
	}
	release()
	return nil
}
