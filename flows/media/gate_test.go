package media

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"image/jpeg"
	"image/png"
	"runtime"
	"sync"
	"testing"
	"time"

	"github.com/lapor-id/lapor/flows/media/mediatest"
)

// allocated is what f allocates on the heap, in bytes (the runtime's
// count, not the process's size: it is exact and does not depend on what
// else runs on the machine).
func allocated(f func()) int64 {
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	f()
	runtime.ReadMemStats(&after)
	return int64(after.TotalAlloc - before.TotalAlloc)
}

// bombs are files of at most a few kilobytes that declare images whose
// decode needs gigabytes; none holds more than its first row or blocks.
func bombs() map[string][]byte {
	return map[string][]byte{
		"PNG 30000×30000 8-bit RGBA":     mediatest.PNG(30000, 30000, mediatest.PNGOptions{ColorType: mediatest.RGBA, Depth: 8, Rows: 1}),
		"PNG 30000×30000 16-bit RGBA":    mediatest.PNG(30000, 30000, mediatest.PNGOptions{ColorType: mediatest.RGBA, Depth: 16, Rows: 1}),
		"PNG 8000×8000 16-bit RGBA":      mediatest.PNG(8000, 8000, mediatest.PNGOptions{ColorType: mediatest.RGBA, Depth: 16, Rows: 1}),
		"JPEG 65535×65535 baseline":      mediatest.JPEG(65535, 65535, mediatest.JPEGOptions{Blocks: 1}),
		"JPEG 65535×65535 progressive":   mediatest.JPEG(65535, 65535, mediatest.JPEGOptions{Layout: mediatest.YCbCr44, Progressive: true, Blocks: 1}),
		"JPEG 8000×8000 progressive":     mediatest.JPEG(8000, 8000, mediatest.JPEGOptions{Progressive: true, Blocks: 1}),
		"JPEG 8000×8000 CMYK":            mediatest.JPEG(8000, 8000, mediatest.JPEGOptions{Layout: mediatest.CMYK, Blocks: 1}),
		"PNG 30000×30000 grey with tRNS": mediatest.PNG(30000, 30000, mediatest.PNGOptions{ColorType: mediatest.Gray, Depth: 1, Transparent: true, Rows: 1}),
	}
}

// A bomb is refused from its header: neither Strip nor Thumbnail
// allocates for its pixels, and the refusal says it is too large.
func TestBombsAreRefusedUnread(t *testing.T) {
	for name, b := range bombs() {
		t.Run(name, func(t *testing.T) {
			if len(b) > 64<<10 {
				t.Fatalf("the bomb is %d bytes", len(b))
			}
			var (
				out, thumb []byte
				mime       string
				err, terr  error
			)
			n := allocated(func() {
				out, mime, err = Strip(context.Background(), "image/png", b)
				thumb, terr = Thumbnail(context.Background(), b, 480)
			})
			if !errors.Is(err, ErrUnsupported) || !errors.Is(err, ErrTooLarge) || out != nil || mime != "" {
				t.Errorf("Strip = %d bytes, %q, %v; want ErrUnsupported and ErrTooLarge", len(out), mime, err)
			}
			if !errors.Is(terr, ErrTooLarge) || thumb != nil {
				t.Errorf("Thumbnail = %d bytes, %v; want ErrTooLarge", len(thumb), terr)
			}
			if n > 4<<20 {
				t.Errorf("refusing it allocated %d MiB", n>>20)
			}
		})
	}
}

// The gate's estimate of each decode is what Go's decoders allocate, a
// little over and never under: measured for every layout Go decodes.
func TestDecodeEstimates(t *testing.T) {
	// Not multiples of any MCU; enough pixels that an error of one byte a
	// pixel (272,000) exceeds the overhead the estimate allows for.
	const w, h = 603, 451
	files := map[string][]byte{}
	for _, layout := range []string{mediatest.Gray8, mediatest.YCbCr, mediatest.YCbCr44, mediatest.RGB8, mediatest.CMYK,
		mediatest.YCbCr22, mediatest.YCbCr40, mediatest.YCbCr41, mediatest.YCbCr10} {
		for _, progressive := range []bool{false, true} {
			files[fmt.Sprintf("JPEG %s progressive=%v", layout, progressive)] =
				mediatest.JPEG(w, h, mediatest.JPEGOptions{Layout: layout, Progressive: progressive})
		}
	}
	for _, o := range []mediatest.PNGOptions{
		{ColorType: mediatest.Gray, Depth: 1}, {ColorType: mediatest.Gray, Depth: 8},
		{ColorType: mediatest.Gray, Depth: 8, Transparent: true}, {ColorType: mediatest.Gray, Depth: 16},
		{ColorType: mediatest.Gray, Depth: 16, Transparent: true}, {ColorType: mediatest.RGB, Depth: 8},
		{ColorType: mediatest.RGB, Depth: 16, Transparent: true}, {ColorType: mediatest.Paletted, Depth: 4, Transparent: true},
		{ColorType: mediatest.GrayAlpha, Depth: 8}, {ColorType: mediatest.GrayAlpha, Depth: 16},
		{ColorType: mediatest.RGBA, Depth: 8}, {ColorType: mediatest.RGBA, Depth: 8, Interlace: true},
		{ColorType: mediatest.RGBA, Depth: 16}, {ColorType: mediatest.RGBA, Depth: 16, Interlace: true},
	} {
		files[fmt.Sprintf("PNG %+v", o)] = mediatest.PNG(w, h, o)
	}
	// A JFIF header makes three components YCbCr whatever their names;
	// a later APP0 without it makes them RGB again.
	rgb := mediatest.JPEG(w, h, mediatest.JPEGOptions{Layout: mediatest.RGB8})
	jfif := segment(app0, []byte("JFIF\x00\x01\x02\x00\x00\x01\x00\x01\x00\x00"))
	files["JPEG rgb with JFIF"] = append(append(bytes.Clone(rgb[:2]), jfif...), rgb[2:]...)
	files["JPEG rgb with JFIF, then another APP0"] = append(append(append(bytes.Clone(rgb[:2]), jfif...),
		segment(app0, []byte("AVI1\x00"))...), rgb[2:]...)

	for name, b := range files {
		t.Run(name, func(t *testing.T) {
			hd, err := readHeader(b)
			if err != nil {
				t.Fatal(err)
			}
			var derr error
			n := allocated(func() {
				if hd.kind == MIMEJPEG {
					_, derr = jpeg.Decode(bytes.NewReader(b))
				} else {
					_, derr = png.Decode(bytes.NewReader(b))
				}
			})
			if derr != nil {
				t.Fatal(derr)
			}
			if n > hd.decodeBytes || hd.decodeBytes-n > decodeOverhead {
				t.Errorf("%s: estimated %d bytes, the decoder allocated %d", hd.form, hd.decodeBytes, n)
			}
		})
	}
}

// Thumbnail allocates no more than its reservation: the decode and
// thumbnailExtra.
func TestThumbnailWithinReservation(t *testing.T) {
	for name, b := range map[string][]byte{
		"4:2:0 JPEG 2000×1500":     mediatest.JPEG(2000, 1500, mediatest.JPEGOptions{}),
		"grey JPEG 200×9000":       mediatest.JPEG(200, 9000, mediatest.JPEGOptions{Layout: mediatest.Gray8}),
		"16-bit PNG 1500×1000":     mediatest.PNG(1500, 1000, mediatest.PNGOptions{ColorType: mediatest.RGBA, Depth: 16}),
		"paletted PNG 900×700":     mediatest.PNG(900, 700, mediatest.PNGOptions{ColorType: mediatest.Paletted, Depth: 8}),
		"small JPEG 37×21":         encodeJPEG(t),
		"PNG 700×500 (k = 1)":      mediatest.PNG(700, 500, mediatest.PNGOptions{ColorType: mediatest.RGB, Depth: 8}),
		"progressive JPEG 961×961": mediatest.JPEG(961, 961, mediatest.JPEGOptions{Progressive: true}),
	} {
		t.Run(name, func(t *testing.T) {
			hd, err := readHeader(b)
			if err != nil {
				t.Fatal(err)
			}
			var thumb []byte
			n := allocated(func() { thumb, err = Thumbnail(context.Background(), b, 480) })
			if err != nil {
				t.Fatal(err)
			}
			cfg, err := jpeg.DecodeConfig(bytes.NewReader(thumb))
			if err != nil || max(cfg.Width, cfg.Height) > 480 || min(cfg.Width, cfg.Height) < 1 ||
				hd.width >= 480 && hd.height >= 480 && max(cfg.Width, cfg.Height) < 470 {
				t.Fatalf("thumbnail %dx%d of %dx%d: %v", cfg.Width, cfg.Height, hd.width, hd.height, err)
			}
			if limit := hd.decodeBytes + thumbnailExtra(480); n > limit {
				t.Errorf("Thumbnail allocated %d bytes, reserved %d", n, limit)
			}
		})
	}
}

// withGate runs the test with a gate of its own limits.
func withGate(t *testing.T, perImage, budget int64) *gate {
	old := decodeGate
	decodeGate = newGate(perImage, budget)
	t.Cleanup(func() { decodeGate = old })
	return decodeGate
}

// An image whose decode fits the per-image limit decodes (Strip cleans
// it, Thumbnail scales it); one a row taller is refused. The limit is
// lowered to keep the test quick; the same arithmetic holds at 128 MiB.
func TestGateLimit(t *testing.T) {
	const limit, size = 8 << 20, 64
	g := withGate(t, limit, limit)
	o := mediatest.PNGOptions{ColorType: mediatest.RGBA, Depth: 16}
	const w = 1000
	// The tallest 16-bit image whose thumbnail fits: 8 bytes a pixel.
	h := int((limit - thumbnailExtra(size) - decodeOverhead - 2*(1+8*w)) / (8 * w))
	fits, over := mediatest.PNG(w, h, o), mediatest.PNG(w, h+1, o)
	if hd, _ := readHeader(fits); hd.decodeBytes+thumbnailExtra(size) > limit {
		t.Fatalf("%d×%d needs %d", w, h, hd.decodeBytes+thumbnailExtra(size))
	}

	thumb, err := Thumbnail(context.Background(), fits, size)
	if err != nil {
		t.Fatalf("Thumbnail of %d×%d: %v", w, h, err)
	}
	if cfg, err := jpeg.DecodeConfig(bytes.NewReader(thumb)); err != nil || max(cfg.Width, cfg.Height) != size {
		t.Fatalf("thumbnail %+v, %v", cfg, err)
	}
	if peak := g.peak.Load(); peak > limit || peak < limit-8*w {
		t.Errorf("the thumbnail reserved %d of %d", peak, limit)
	}
	if _, err := Thumbnail(context.Background(), over, size); !errors.Is(err, ErrTooLarge) {
		t.Errorf("Thumbnail of %d×%d: %v, want ErrTooLarge", w, h+1, err)
	}
	if out, mime, err := Strip(context.Background(), "", fits); err != nil || mime != MIMEPNG || len(out) == 0 {
		t.Errorf("Strip of %d×%d: %v", w, h, err)
	}
	// Strip has no thumbnail to make: the tallest image it cleans is
	// taller by thumbnailExtra's worth of rows.
	h2 := int((limit - decodeOverhead - 2*(1+8*w)) / (8 * w))
	if _, _, err := Strip(context.Background(), "", mediatest.PNG(w, h2, o)); err != nil {
		t.Errorf("Strip of %d×%d: %v", w, h2, err)
	}
	if _, _, err := Strip(context.Background(), "", mediatest.PNG(w, h2+1, o)); !errors.Is(err, ErrTooLarge) {
		t.Errorf("Strip of %d×%d: %v, want ErrTooLarge", w, h2+1, err)
	}
	if g.inUse.Load() != 0 {
		t.Errorf("%d bytes still reserved", g.inUse.Load())
	}
}

// Eight decodes at once (workers printing, the dispatcher sending) hold no
// more than the budget together: with room for two, the gate's own count
// of reserved bytes reaches two decodes and never three. The decodes wait
// inside the gate until two are in, so the test does not depend on timing:
// without the semaphore all eight would be in.
func TestGateBoundsConcurrentDecodes(t *testing.T) {
	img := mediatest.PNG(300, 200, mediatest.PNGOptions{ColorType: mediatest.RGBA, Depth: 8})
	hd, err := readHeader(img)
	if err != nil {
		t.Fatal(err)
	}
	const size = 32
	one := hd.decodeBytes + thumbnailExtra(size)
	budget := 2*one + one/2
	g := withGate(t, one, budget)
	open := make(chan struct{})
	g.onReserve = func() { <-open }

	var wg sync.WaitGroup
	errs := make(chan error, 8)
	for i := range 8 {
		wg.Go(func() {
			var err error
			if i%2 == 0 {
				_, err = Thumbnail(context.Background(), img, size)
			} else {
				// Strip reserves less: its decodes fit beside others more
				// often, and must still stay within the budget.
				_, _, err = Strip(context.Background(), "", img)
			}
			errs <- err
		})
	}
	for deadline := time.Now().Add(20 * time.Second); g.inUse.Load() < 2*hd.decodeBytes; time.Sleep(time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("the decodes never got in: %d bytes reserved", g.inUse.Load())
		}
	}
	close(open)
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Error(err)
		}
	}
	if peak := g.peak.Load(); peak > budget || peak < 2*hd.decodeBytes {
		t.Errorf("at most %d bytes were reserved at once; the budget is %d, one decode %d", peak, budget, hd.decodeBytes)
	}
	if g.inUse.Load() != 0 {
		t.Errorf("%d bytes still reserved", g.inUse.Load())
	}
}

// A wait for the budget ends with the caller's context.
func TestThumbnailWaitEndsWithContext(t *testing.T) {
	img := encodePNG(t)
	hd, _ := readHeader(img)
	g := withGate(t, hd.decodeBytes+thumbnailExtra(16), hd.decodeBytes+thumbnailExtra(16))
	release, err := g.reserve(context.Background(), g.budget)
	if err != nil {
		t.Fatal(err)
	}
	defer release()
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	if _, err := Thumbnail(ctx, img, 16); !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("Thumbnail while the budget is held: %v", err)
	}
}

// Only JPEG and PNG are decoded: GIF, WebP and the rest are refused
// without reaching image.Decode's registry.
func TestThumbnailUnsupported(t *testing.T) {
	for name, b := range map[string][]byte{
		"gif":              []byte("GIF89a\x01\x00\x01\x00\x00\x00\x00;"),
		"webp":             []byte("RIFF\x24\x00\x00\x00WEBPVP8 \x18\x00\x00\x00\x30\x01\x00\x9d\x01\x2a\x01\x00\x01\x00"),
		"text":             []byte("not an image"),
		"nil":              nil,
		"png without data": mediatest.PNG(10, 10, mediatest.PNGOptions{ColorType: mediatest.RGB, Depth: 8, Rows: 1}),
	} {
		if thumb, err := Thumbnail(context.Background(), b, 480); !errors.Is(err, ErrUnsupported) || errors.Is(err, ErrTooLarge) || thumb != nil {
			t.Errorf("%s: %d bytes, %v; want ErrUnsupported", name, len(thumb), err)
		}
	}
}

// FuzzThumbnail: whatever the bytes, Thumbnail returns a JPEG that fits
// the size, or refuses with ErrTooLarge or ErrUnsupported; it never
// panics and gives back every byte it reserved.
func FuzzThumbnail(f *testing.F) {
	// Keep decoding cheap: the fuzzer is quick to declare huge images.
	defer func(n int) { maxPixels = n }(maxPixels)
	maxPixels = 1 << 16

	f.Add(tinyJPEG())
	f.Add(encodePNG(f))
	f.Add(mediatest.JPEG(40, 30, mediatest.JPEGOptions{Layout: mediatest.CMYK, Progressive: true}))
	f.Add(mediatest.PNG(30, 40, mediatest.PNGOptions{ColorType: mediatest.Gray, Depth: 16, Interlace: true}))
	f.Add(mediatest.PNG(30000, 30000, mediatest.PNGOptions{ColorType: mediatest.RGBA, Depth: 8, Rows: 1}))
	f.Add(mediatest.JPEG(65535, 65535, mediatest.JPEGOptions{Layout: mediatest.YCbCr44, Progressive: true, Blocks: 1}))

	f.Fuzz(func(t *testing.T, data []byte) {
		thumb, err := Thumbnail(context.Background(), data, 16)
		if err != nil {
			if thumb != nil || !errors.Is(err, ErrTooLarge) && !errors.Is(err, ErrUnsupported) {
				t.Fatalf("Thumbnail = %d bytes, %v", len(thumb), err)
			}
		} else if cfg, err := jpeg.DecodeConfig(bytes.NewReader(thumb)); err != nil || max(cfg.Width, cfg.Height) > 16 {
			t.Fatalf("thumbnail %+v: %v", cfg, err)
		}
		if n := decodeGate.inUse.Load(); n != 0 {
			t.Fatalf("%d bytes still reserved", n)
		}
	})
}

// A Strip that waits for the decode budget gives up when its context ends,
// and says so with the context's error, not as an image it cannot clean
// (the dispatcher then tries again instead of withholding the image).
func TestStripWaitEndsWithItsContext(t *testing.T) {
	g := withGate(t, 1<<20, 1<<20)
	release, err := g.reserve(context.Background(), 1<<20)
	if err != nil {
		t.Fatal(err)
	}
	img := mediatest.PNG(64, 64, mediatest.PNGOptions{ColorType: mediatest.RGB, Depth: 8})
	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	if out, _, err := Strip(ctx, "image/png", img); !errors.Is(err, context.DeadlineExceeded) || errors.Is(err, ErrUnsupported) || out != nil {
		t.Fatalf("Strip while the budget is held: %d bytes, %v; want the context's deadline", len(out), err)
	}
	release()
	if out, _, err := Strip(context.Background(), "image/png", img); err != nil || len(out) == 0 {
		t.Fatalf("Strip once the budget is free: %v", err)
	}
}
