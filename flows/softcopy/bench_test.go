package softcopy

import (
	"os"
	"path/filepath"
	"runtime"
	"sync"
	"testing"
	"time"

	"github.com/lapor-id/lapor/flows/records"
)

// peakMemory samples the runtime's memory statistics until stopped and
// reports the highest heap in use and the memory obtained from the OS.
type peakMemory struct {
	stop     chan struct{}
	done     sync.WaitGroup
	heap, os uint64
}

func watchMemory(every time.Duration) *peakMemory {
	p := &peakMemory{stop: make(chan struct{})}
	p.done.Go(func() {
		t := time.NewTicker(every)
		defer t.Stop()
		var m runtime.MemStats
		for {
			runtime.ReadMemStats(&m)
			p.heap = max(p.heap, m.HeapInuse)
			p.os = max(p.os, m.Sys-m.HeapReleased)
			select {
			case <-p.stop:
				return
			case <-t.C:
			}
		}
	})
	return p
}

// Stop ends the sampling and returns the peaks in MB.
func (p *peakMemory) Stop() (heapMB, osMB float64) {
	close(p.stop)
	p.done.Wait()
	return float64(p.heap) / (1 << 20), float64(p.os) / (1 << 20)
}

// benchExport streams 100,000 synthetic reports (six timeline steps and
// three stints each) into a file per iteration, and reports the peak heap
// in use (peak-MB), the peak memory held from the OS (peak-sys-MB) and the
// size of the file.
func benchExport(b *testing.B, name string, write func(*os.File, records.Seq, Options) (int, error)) {
	const reports = 100_000
	dir := b.TempDir()
	b.ReportAllocs()
	runtime.GC()
	watch := watchMemory(20 * time.Millisecond)
	var size int64
	for i := 0; b.Loop(); i++ {
		path := filepath.Join(dir, name)
		f, err := os.Create(path)
		if err != nil {
			b.Fatal(err)
		}
		n, err := write(f, synthetic(reports, records.Admin), Options{Audience: records.Admin, Now: now})
		if err != nil || n != reports {
			b.Fatalf("wrote %d reports: %v", n, err)
		}
		if err := f.Close(); err != nil {
			b.Fatal(err)
		}
		fi, err := os.Stat(path)
		if err != nil {
			b.Fatal(err)
		}
		size = fi.Size()
	}
	heapMB, osMB := watch.Stop()
	b.ReportMetric(heapMB, "peak-MB")
	b.ReportMetric(osMB, "peak-sys-MB")
	b.ReportMetric(float64(size)/(1<<20), "file-MB")
}

func BenchmarkXLSX100k(b *testing.B) {
	benchExport(b, "laporan.xlsx", func(f *os.File, s records.Seq, o Options) (int, error) { return XLSX(f, s, o) })
}

func BenchmarkCSV100k(b *testing.B) {
	benchExport(b, "laporan.csv", func(f *os.File, s records.Seq, o Options) (int, error) { return CSV(f, s, o) })
}
