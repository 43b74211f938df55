package flows

import (
	"bytes"
	"cmp"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/lapor-id/lapor/flows/agency"
	"github.com/lapor-id/lapor/flows/hardcopy"
	"github.com/lapor-id/lapor/flows/records"
	"github.com/lapor-id/lapor/store"
)

// A LAPOR! packet is a report as lapor.go.id's complaint form asks for it,
// field by field in the form's order, so that a regency admin can enter a
// report the regency does not handle into the national system ("no wrong
// door": the report is forwarded, not bounced). It goes only to the
// regency's own desks and admins' private chats: its identity is what the
// admin audience may see (records.Admin through Record.For).

// packetTitleWords is how many words of the description make the title.
const packetTitleWords = 8

// packetTitle derives a short title from the description's first words.
func packetTitle(desc string) string {
	words := strings.Fields(desc)
	if len(words) == 0 {
		return "—"
	}
	cut := len(words) > packetTitleWords
	if cut {
		words = words[:packetTitleWords]
	}
	title := strings.TrimRight(strings.Join(words, " "), ".,;:!?")
	title = truncate(title, 100)
	if cut {
		title += "…"
	}
	return title
}

// packetFields are the form's fields for rec, a record made for the admin
// audience; target is the agency or the outside body it goes to.
func (s *Service) packetFields(l Lang, rec records.Record, target string) []hardcopy.Field {
	when := T(l, "unknown.date")
	if !rec.OccurredOn.IsZero() {
		when = FormatDate(l, rec.OccurredOn)
		if rec.OccurredText != "" {
			when += " (" + rec.OccurredText + ")"
		}
	} else if rec.OccurredText != "" {
		when = rec.OccurredText
	}
	var place []string
	if rec.Address != "" {
		place = append(place, rec.Address)
	}
	var area []string
	if rec.Village != "" {
		area = append(area, rec.Village)
	}
	if rec.Kecamatan != "" {
		area = append(area, "Kecamatan "+rec.Kecamatan)
	}
	area = append(area, s.regency.Name())
	place = append(place, strings.Join(area, ", "))
	if rec.Lat != nil && rec.Lon != nil {
		place = append(place, T(l, "pk.coords", *rec.Lat, *rec.Lon))
	}
	files := T(l, "none")
	if len(rec.Attachments) > 0 {
		var names []string
		for i, a := range rec.Attachments {
			name := a.Name
			if a.Withheld || name == "" {
				name = fmt.Sprintf("bukti-%d", i+1)
			}
			names = append(names, fmt.Sprintf("%d. %s", i+1, name))
		}
		files = strings.Join(names, "\n")
	}
	yes := func(b bool) string {
		if b {
			return T(l, "pk.yes")
		}
		return T(l, "pk.no")
	}
	who := T(l, "pk.anon")
	if !rec.Anonymous {
		who = T(l, "pk.noidentity")
		if p := rec.Reporter; p != nil {
			var parts []string
			handle := ""
			if p.Username != "" {
				handle = handleLabel(p.Username)
			}
			for _, f := range []string{strings.TrimSpace(p.Name), handle, p.Contact} {
				if f != "" && !slices.Contains(parts, f) { // WhatsApp: the contact is the number
					parts = append(parts, f)
				}
			}
			if len(parts) > 0 {
				who = strings.Join(parts, "\n")
			}
		}
	}
	return []hardcopy.Field{
		{Label: T(l, "pk.f.title"), Value: cmp.Or(rec.Title, packetTitle(rec.Description))},
		{Label: T(l, "pk.f.category"), Value: cmp.Or(rec.CategoryName, T(l, "category.none"))},
		{Label: T(l, "pk.f.body"), Value: strings.TrimSpace(rec.Description)},
		{Label: T(l, "pk.f.date"), Value: when},
		{Label: T(l, "pk.f.place"), Value: strings.Join(place, "\n")},
		{Label: T(l, "pk.f.target"), Value: target},
		{Label: T(l, "pk.f.files"), Value: files},
		{Label: T(l, "pk.f.anon"), Value: yes(rec.Anonymous)},
		{Label: T(l, "pk.f.secret"), Value: yes(rec.Confidential)},
		{Label: T(l, "pk.f.reporter"), Value: who},
	}
}

// packetTarget is where the report goes in the national system: its agency
// when it was disposed, else the body outside the regency's authority the
// suggester names, else a line asking the admin to choose.
func (c *courier) packetTarget(r *store.Report) (string, error) {
	if r.AgencyCode != "" {
		return c.agencyName(r.AgencyCode), nil
	}
	for _, sg := range agency.Rank(agency.Query{Text: r.Description, KecamatanCode: r.KecamatanCode}, nil,
		agency.OutsideAuthority(), suggestionsShown) {
		if sg.Outside {
			return T(c.lang, "pk.suggested", sg.Name), nil
		}
	}
	return T(c.lang, "pk.choose"), nil
}

// packetText is the packet as one message of plain text.
func packetText(l Lang, trackingID string, fields []hardcopy.Field) string {
	var b strings.Builder
	b.WriteString(T(l, "pk.head", trackingID))
	for _, f := range fields {
		b.WriteString("\n\n" + f.Label + ":\n" + f.Value)
	}
	b.WriteString("\n\n" + T(l, "pk.foot", trackingID))
	return b.String()
}

// packet makes the packet of r: its text, its PDF and the record it was
// made from (for the attachments), all for the admin audience.
func (c *courier) packet(r *store.Report, by string) (string, []byte, records.Record, error) {
	rec, err := c.view(r, AdminReaders)
	if err != nil {
		return "", nil, rec, err
	}
	target, err := c.packetTarget(r)
	if err != nil {
		return "", nil, rec, err
	}
	fields := c.s.packetFields(c.lang, rec, target)
	h := c.s.PrintHeader(c.lang, by)
	h.PrintedAt = c.now
	var buf bytes.Buffer
	if err := hardcopy.Packet(&buf, r.TrackingID, fields, h, string(c.lang)); err != nil {
		return "", nil, rec, err
	}
	return packetText(c.lang, r.TrackingID, fields), buf.Bytes(), rec, nil
}

// packetMessages stores the packet's PDF for a chat and returns what goes
// there: the text, the PDF, then the report's files without metadata.
func (c *courier) packetMessages(r *store.Report, channel, chatID, by, madeBy string) ([]Outbound, error) {
	text, pdf, rec, err := c.packet(r, by)
	if err != nil {
		return nil, err
	}
	if len(pdf) > maxChatFile {
		return nil, fmt.Errorf("packet of %s: PDF of %d bytes is too large", r.TrackingID, len(pdf))
	}
	doc, err := c.tx.AddDocument(c.ctx, store.Document{Channel: channel, ChatID: chatID, Kind: "document",
		Name: "paket-lapor-" + r.TrackingID + ".pdf", MIME: "application/pdf", MadeBy: madeBy}, pdf, c.now)
	if err != nil {
		return nil, err
	}
	out := []Outbound{{Text: text}, {Text: T(c.lang, "pk.pdf", r.TrackingID), DocumentID: doc}}
	n := len(rec.Attachments)
	for i, a := range rec.Attachments {
		if a.Withheld {
			out = append(out, Outbound{Text: T(c.lang, "card.attachment.withheld", r.TrackingID, i+1, n)})
			continue
		}
		out = append(out, Outbound{Text: T(c.lang, "card.attachment", r.TrackingID, i+1, n),
			AttachmentID: a.ID, FileName: a.Name, StripMetadata: true})
	}
	return out, nil
}

// packetToRegency sends the ready packet to every regency admin desk, for
// a report forwarded to the national LAPOR!.
func (c *courier) packetToRegency(r *store.Report) error {
	desks, err := c.tx.DesksOf(c.ctx, DeskRegency, "")
	if err != nil {
		return err
	}
	if len(desks) == 0 {
		c.s.log.Warn("no group is registered for a desk; the LAPOR! packet waits for /paket", "desk", DeskRegency)
	}
	for _, d := range desks {
		msgs, err := c.packetMessages(r, d.Channel, d.ChatID, roleName(c.lang, RoleSystem), "system")
		if err != nil {
			return err
		}
		msgs[0].Text = T(c.lang, "pk.forwarded", r.TrackingID) + "\n\n" + msgs[0].Text
		msgs[0].Buttons = c.buttons(r, DeskRegency) // record the national number once entered
		for _, m := range msgs {
			if err := c.send(d.Channel, d.ChatID, m); err != nil {
				return err
			}
		}
	}
	return nil
}

// packetCmd is /paket <ID>: the LAPOR! packet of any report, for the
// regency's admins in their desks or private chats.
func (o *office) packetCmd(args string) error {
	id := strings.TrimSpace(args)
	if tid, ok := ParseTrackingID(id, o.s.cfg.TrackingPrefix); ok {
		id = tid
	}
	if id == "" || strings.ContainsAny(id, " \n\t") || utf8Len(id) > 40 {
		return refuse(o.lang, "wf.usage", officerCommands["paket"])
	}
	if o.readers().Audience != records.Admin {
		if err := o.audit("/paket", 0, false, "not for this chat's readers ("+o.readers().Audience.String()+")"); err != nil {
			return err
		}
		return refuse(o.lang, "wf.notallowed", id)
	}
	r, err := o.tx.ReportByAnyID(o.ctx, id)
	if errors.Is(err, store.ErrNotFound) {
		return refuse(o.lang, "wf.notfound", id)
	}
	if err != nil {
		return err
	}
	by := roleName(o.lang, Role(o.a.officer.Role))
	if o.a.officer.Name != "" {
		by += " (" + o.a.officer.Name + ")"
	}
	msgs, err := o.c.packetMessages(&r, o.in.Channel, o.in.ChatID, by, o.msg.UserID)
	if err != nil {
		return err
	}
	if err := o.audit("packet", r.ID, true, o.readers().Audience.String()); err != nil {
		return err
	}
	for i, m := range msgs {
		if i == 0 {
			m.ReplyTo = o.msg.MessageID
		}
		if err := o.c.send(o.in.Channel, o.in.ChatID, m); err != nil {
			return err
		}
	}
	return nil
}
