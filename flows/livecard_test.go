package flows_test

import (
	"strings"
	"testing"

	"github.com/lapor-id/lapor/flows"
)

// The deadline sweeps move reports too: when a citizen stays silent and
// the report closes by itself, every desk's card of it is edited to say
// so, without buttons.
func TestSilentCloseEditsEveryCard(t *testing.T) {
	h := chainHarness(t)
	id := h.fileReport("880001", "anon:no", "conf:no")
	expect(t, h.send(gSuper, groupCmd(uSuper, "verifikasi", id)), "✅ "+id)
	expect(t, h.send(gRegency, groupCmd(uRegency, "disposisi", id+" pupr")), "✅ "+id)
	expect(t, h.send(gPupr, groupCmd(uPupr, "tanggapi", id+" Lubang sudah ditambal.")), "dicatat")
	expect(t, h.send(gPupr, groupCmd(uPupr, "tanggapi", id+" selesai")), "✅ "+id)
	expect(t, h.send(gRegency, groupCmd(uRegency, "setujui", id)), "✅ "+id)
	h.drainAll()

	start := h.now
	var sent map[string][]flows.Outbound
	for day := 1; day <= 40; day++ {
		h.now = start.AddDate(0, 0, day)
		res, err := h.svc.Sweep(h.ctx)
		if err != nil {
			t.Fatal(err)
		}
		sent = h.drainAll()
		if res.AutoClosed > 0 {
			break
		}
	}
	for _, desk := range []string{gSuper, gRegency, gPupr} {
		edited := false
		for _, o := range sent[desk] {
			if o.EditCard != 0 && strings.HasPrefix(o.Text, "🏁 Selesai: pelapor tidak membalas dalam batas waktu") &&
				strings.Contains(o.Text, "📋 "+id) && len(o.Buttons) == 0 {
				edited = true
			}
		}
		if !edited {
			t.Errorf("desk %s: no edit of the card to the closed state: %+v", desk, sent[desk])
		}
	}
	if msgs := sent[gDinkes]; len(msgs) != 0 {
		t.Errorf("a desk that never held the report heard of it: %+v", msgs)
	}
}
