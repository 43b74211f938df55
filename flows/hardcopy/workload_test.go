package hardcopy

import (
	"testing"

	"github.com/lapor-id/lapor/flows/records"
)

// The recap shows what each agency holds now beside the period's
// compliance, and nothing of the kind when no agency holds a report.
func TestRecapWorkload(t *testing.T) {
	t.Parallel()
	r := recap(12)
	r.Workload = []records.Load{{Key: "pupr", Label: "Dinas Pekerjaan Umum dan Penataan Ruang", Open: 17, Overdue: 9},
		{Key: "dinkes", Label: "Dinas Kesehatan", Open: 4, Overdue: 0}}
	_, _, text := renderRecap(t, r, header, "id")
	contains(t, text, "Laporan yang sedang ditangani perangkat daerah", "Sedang ditangani", "Lewat batas waktu",
		"1 Dinas Pekerjaan Umum dan Penataan Ruang 17 9", "2 Dinas Kesehatan 4 0", "dari bulan mana pun")
	r.Workload = nil
	_, _, text = renderRecap(t, r, header, "id")
	lacks(t, text, "Laporan yang sedang ditangani perangkat daerah")
}
