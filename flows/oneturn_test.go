package flows_test

import (
	"testing"

	"github.com/lapor-id/lapor/flows"
)

// One message per turn: every step of the intake, a photo, a pin and the
// choices included, is answered by exactly one message, which carries
// both the acknowledgement and the next question.
func TestIntakeOneMessagePerTurn(t *testing.T) {
	h := newHarness(t)
	const chat = "7777"
	h.files["photo-9"] = []byte("\xff\xd8\xff\xe0 fake jpeg bytes")
	steps := []flows.Inbound{cmd("start", ""), press("menu:new"), press("type:pengaduan"),
		text("Jalan desa di Dusun Krajan rusak parah sejak Oktober, banyak lubang."), press("what:next"), press("when:yesterday"),
		{Kind: flows.KindLocation, Location: &flows.Location{Lat: -7.7204, Lon: 111.2503}}, press("kec:35.20.01"),
		{Kind: flows.KindPhoto, Text: "lubangnya", File: &flows.FileRef{ID: "photo-9", Name: "lubang.jpg", MIME: "image/jpeg", Size: 20}},
		press("ev:done"), press("anon:yes"), press("conf:skip"), press("sum:send")}
	for i, m := range steps {
		if out := h.send(chat, m); len(out) != 1 {
			texts := []string{}
			for _, o := range out {
				texts = append(texts, o.Text)
			}
			t.Errorf("step %d (%s%s) was answered by %d messages: %q", i, m.Text, m.Button, len(out), texts)
		}
	}
}
