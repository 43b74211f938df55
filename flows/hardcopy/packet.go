package hardcopy

import (
	"io"
	"strings"
)

// Field is one field of a form, as the form labels it.
type Field struct {
	Label string
	Value string
}

// Packet prints a LAPOR! packet: the fields of lapor.go.id's complaint
// form, in the form's order, each label above its value so an officer can
// copy them one by one. ref is the report's tracking number. What the
// fields hold was decided by the caller for the packet's readers; Packet
// prints them and nothing else.
func Packet(w io.Writer, ref string, fields []Field, h Header, lang string) error {
	d := newDoc(h, lang, ref, "title.packet")
	d.pdf.AddPage()
	d.title(d.h.Title, ref)
	d.note(d.t("packet.hint"))
	for _, f := range fields {
		d.section(f.Label)
		if strings.TrimSpace(f.Value) == "" {
			d.note("—")
			continue
		}
		d.para(f.Value)
	}
	return d.finish(w)
}
