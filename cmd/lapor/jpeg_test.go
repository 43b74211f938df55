package main

import (
	"bytes"
	"encoding/binary"
	"image"
	"image/color"
	"image/jpeg"
	"testing"
)

// jpegWithGPS is a small JPEG carrying an EXIF block with a GPS position,
// like a phone photo.
func jpegWithGPS(t *testing.T) []byte {
	img := image.NewRGBA(image.Rect(0, 0, 16, 16))
	for i := range img.Pix {
		img.Pix[i] = byte(i)
	}
	img.Set(1, 1, color.White)
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, img, nil); err != nil {
		t.Fatal(err)
	}
	// TIFF (little endian): IFD0 with one entry, GPSInfo (0x8825) -> GPS IFD
	// with one entry, GPSLatitudeRef (0x0001) = "S".
	tiff := new(bytes.Buffer)
	tiff.WriteString("II*\x00")
	binary.Write(tiff, binary.LittleEndian, uint32(8))
	binary.Write(tiff, binary.LittleEndian, uint16(1))
	binary.Write(tiff, binary.LittleEndian, []uint16{0x8825, 4})
	binary.Write(tiff, binary.LittleEndian, []uint32{1, 26})
	binary.Write(tiff, binary.LittleEndian, uint32(0))
	binary.Write(tiff, binary.LittleEndian, uint16(1))
	binary.Write(tiff, binary.LittleEndian, []uint16{0x0001, 2})
	binary.Write(tiff, binary.LittleEndian, uint32(2))
	tiff.WriteString("S\x00\x00\x00")
	binary.Write(tiff, binary.LittleEndian, uint32(0))
	app1 := append([]byte("Exif\x00\x00"), tiff.Bytes()...)
	seg := []byte{0xFF, 0xE1, byte((len(app1) + 2) >> 8), byte(len(app1) + 2)}
	seg = append(seg, app1...)
	out := append([]byte{}, buf.Bytes()[:2]...) // SOI
	out = append(out, seg...)
	out = append(out, buf.Bytes()[2:]...)
	if !hasGPS(out) {
		t.Fatal("test image has no GPS marker")
	}
	return out
}

// hasGPS looks for the GPSInfo tag of an EXIF block anywhere in the file.
func hasGPS(b []byte) bool {
	return bytes.Contains(b, []byte("Exif\x00\x00")) && bytes.Contains(b, []byte{0x25, 0x88, 0x04, 0x00})
}
