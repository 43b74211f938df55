package flows

import (
	"context"
	"strings"

	"github.com/lapor-id/lapor/flows/calendar"
	"github.com/lapor-id/lapor/flows/records"
	"github.com/lapor-id/lapor/store"
)

// A card is the report's current state (issue 15 §1): every card of a
// report that a desk holds is registered (store.Card) when it is enqueued,
// and whenever the report moves the courier enqueues an edit of each, so
// every desk sees the new state line and only the buttons still valid for
// it. The dispatcher records the platform's id of each card when it sends
// it and applies the edits in the chat's order.

// deskCard is a card as it should look now in the desk it was sent to; a
// retired one (a newer card of the report is in the same chat) shows the
// state without buttons and points to the newer card.
func (c *courier) deskCard(r *store.Report, card store.Card, retired bool) (Outbound, error) {
	rec, err := c.view(r, deskReaders(card.DeskKind, card.AgencyCode))
	if err != nil {
		return Outbound{}, err
	}
	// Buttons only where the report is now: the desk that holds it (an
	// agency's only while it is that agency's).
	kind := card.DeskKind
	if retired || kind != stageUnit(Stage(r.Stage)) || kind == DeskAgency && !involved(r, card.AgencyCode) {
		kind = "" // nothing to do on this card (any more)
	}
	var o Outbound
	if card.Layout == layoutReview {
		o = Outbound{Text: c.reviewText(rec, card.Extra), Buttons: c.buttons(r, kind)}
	} else {
		var extra []string
		if card.Extra != "" {
			extra = append(extra, card.Extra)
		}
		o = c.cardOf(r, rec, kind, extra...)
		if err := c.addDuplicates(r, kind, &o); err != nil { // flows/duplicates.go
			return Outbound{}, err
		}
	}
	state, err := c.stateLine(r)
	if err != nil {
		return Outbound{}, err
	}
	if retired {
		state = strings.TrimSpace(state + "\n" + T(c.lang, "live.newer"))
	}
	if state != "" {
		o.Text = state + "\n\n" + o.Text
	}
	return o, nil
}

// stateLine says what last happened to the report, by whom and when:
// "✅ Diverifikasi oleh Sari, 7 Desember 2026 10.12 WIB". "" for a report
// nothing has happened to since it came in.
func (c *courier) stateLine(r *store.Report) (string, error) {
	return stateLine(c.ctx, c.tx, c.lang, r, c.agencyName)
}

func stateLine(ctx context.Context, tx *store.Tx, l Lang, r *store.Report, agencyName func(string) string) (string, error) {
	events, err := tx.Events(ctx, r.ID)
	if err != nil {
		return "", err
	}
	// The newest event that moved the report or marked it (not, say, an
	// admin viewing the reporter's identity).
	for i := len(events) - 1; i >= 0; i-- {
		e := events[i]
		key := "live.state." + e.Kind
		if _, ok := texts[key]; !ok {
			continue
		}
		what := T(l, key)
		if e.Kind == string(ActDispose) && e.Note != "" {
			what = T(l, "live.state.dispose.to", agencyName(e.Note))
		}
		if e.Kind == string(ActAddAgency) || e.Kind == string(ActAnswerPart) || e.Kind == string(ActApprovePart) { // flows/multiagency.go
			what = T(l, key, agencyName(eventAgency(e)))
		}
		when := FormatDateTime(l, e.At.In(calendar.Local()))
		if e.ActorRole == string(RoleCitizen) || e.ActorRole == string(RoleSystem) || e.ActorRole == "" {
			return T(l, "live.state.at", what, when), nil
		}
		who := strings.TrimSpace(e.ActorID)
		if i := strings.IndexByte(who, ' '); i >= 0 {
			who = strings.TrimSpace(who[i+1:])
		} else {
			who = "" // an id without a name tells a desk nothing
		}
		if who == "" {
			who = roleName(l, Role(e.ActorRole))
		}
		return T(l, "live.state.by", what, who, when), nil
	}
	return "", nil
}

// staleButton explains to someone who pressed a card's button after the
// report moved on what happened to it, in a whole sentence.
func staleButton(ctx context.Context, tx *store.Tx, r *store.Report, lang Lang) error {
	agencies := map[string]string{}
	if all, err := tx.Agencies(ctx, true); err == nil {
		for _, a := range all {
			agencies[a.Code] = a.Name
		}
	}
	state, err := stateLine(ctx, tx, lang, r, func(code string) string {
		if n, ok := agencies[code]; ok {
			return n
		}
		return code
	})
	if err != nil {
		return err
	}
	now := stageName(lang, Stage(r.Stage))
	if state == "" {
		return &refusal{text: T(lang, "live.stale.changed", r.TrackingID, now)}
	}
	return &refusal{text: T(lang, "live.stale", r.TrackingID, state, now)}
}

// layoutReview is the card an answer's reviewers get: the agency's answer
// first, then a short summary of the report, replying to the desk's full
// card of it.
const layoutReview = "review"

// reviewText is a review card's text: the answer, then the summary.
func (c *courier) reviewText(rec records.Record, answer string) string {
	l := c.lang
	kec := rec.Kecamatan
	if kec == "" {
		kec = "—"
	}
	desc := strings.Join(strings.Fields(rec.Description), " ")
	return answer + "\n\n" + T(l, "live.review.summary", rec.TrackingID, T(l, "type."+rec.Type), kec,
		stageName(l, Stage(rec.Stage)), truncate(desc, 200), rec.TrackingID)
}

// reviewTo sends the answer's review card to the regency desk: the answer
// leads, the report is summed up, and the card replies to the desk's
// newest full card of the report, which holds the rest (and its evidence).
func (c *courier) reviewTo(r *store.Report, answer string) error {
	rec, err := c.view(r, deskReaders(DeskRegency, ""))
	if err != nil {
		return err
	}
	state, err := c.stateLine(r)
	if err != nil {
		return err
	}
	card := Outbound{Text: c.reviewText(rec, answer), Buttons: c.buttons(r, DeskRegency)}
	if state != "" {
		card.Text = state + "\n\n" + card.Text
	}
	cards, err := c.tx.CardsOf(c.ctx, r.ID)
	if err != nil {
		return err
	}
	desks, err := c.tx.DesksOf(c.ctx, DeskRegency, "")
	if err != nil {
		return err
	}
	if len(desks) == 0 {
		c.s.log.Warn("no group is registered for a desk; the report waits in its queue", "desk", DeskRegency)
	}
	for _, d := range desks {
		id, err := c.tx.AddCard(c.ctx, store.Card{ReportID: r.ID, Channel: d.Channel, ChatID: d.ChatID,
			DeskKind: DeskRegency, Extra: answer, Layout: layoutReview}, c.now)
		if err != nil {
			return err
		}
		c.markFresh(id)
		m := card
		m.Card = id
		for _, old := range cards { // the newest full card of the report in this chat
			if old.Channel == d.Channel && old.ChatID == d.ChatID && old.Layout != layoutReview {
				m.ReplyToCard = old.ID
			}
		}
		if err := c.send(d.Channel, d.ChatID, m); err != nil {
			return err
		}
	}
	return nil
}

func (c *courier) markFresh(id int64) {
	if c.fresh == nil {
		c.fresh = map[int64]bool{}
	}
	c.fresh[id] = true
}

// registerCard records a card about to be sent to a desk chat and returns
// the message that carries it.
func (c *courier) registerCard(r *store.Report, d store.Desk, deskKind, agencyCode, extra string, card Outbound) (Outbound, error) {
	id, err := c.tx.AddCard(c.ctx, store.Card{ReportID: r.ID, Channel: d.Channel, ChatID: d.ChatID,
		DeskKind: deskKind, AgencyCode: agencyCode, Extra: extra}, c.now)
	if err != nil {
		return Outbound{}, err
	}
	card.Card = id
	c.markFresh(id)
	return card, nil
}

// refreshCards enqueues an edit of every card of the report, in every
// desk that holds one, to show its current state and valid buttons. Call
// it after a report changed (its version did: the old buttons are stale).
// Only the newest card of a report in a chat is live: an older one gets a
// last edit (the state, no buttons, a pointer to the newer card) and is
// left alone since, so each change costs a desk one edit, not one per
// card it ever got (a group takes 20 messages a minute, edits included).
// Cards sent in this transaction are current already.
func (c *courier) refreshCards(r *store.Report) error {
	cards, err := c.tx.CardsOf(c.ctx, r.ID)
	if err != nil {
		return err
	}
	newest := map[[2]string]int64{}
	for _, card := range cards { // oldest first
		newest[[2]string{card.Channel, card.ChatID}] = card.ID
	}
	for _, card := range cards {
		if card.Retired || c.fresh[card.ID] {
			continue
		}
		retire := newest[[2]string{card.Channel, card.ChatID}] != card.ID
		o, err := c.deskCard(r, card, retire)
		if err != nil {
			return err
		}
		seq, err := c.tx.NextCardEdit(c.ctx, card.ID)
		if err != nil {
			return err
		}
		if retire {
			if err := c.tx.RetireCard(c.ctx, card.ID); err != nil {
				return err
			}
		}
		edit := Outbound{Text: o.Text, Buttons: o.Buttons, EditCard: card.ID, EditSeq: seq}
		// An edit offers no new list at the chat's end: a numbered-menu
		// chat's last menu stays what it was.
		if err := enqueue(c.ctx, c.tx, card.Channel, card.ChatID, edit, c.now, false); err != nil {
			return err
		}
	}
	return nil
}

// isPhoto reports whether an attachment is a picture, shown before its
// report's card.
func isPhoto(a records.Attachment) bool {
	return a.Kind == string(KindPhoto) || strings.HasPrefix(a.MIME, "image/")
}

// albums gathers photo messages into albums of at most ten (Telegram's
// limit); a single photo, or one left over, stays a message of its own.
func albums(photos []Outbound) []Outbound {
	var out []Outbound
	for len(photos) > 0 {
		n := min(len(photos), 10)
		if len(photos)-n == 1 { // never leave one alone when two groups can share
			n--
		}
		chunk := photos[:n]
		photos = photos[n:]
		if len(chunk) < 2 {
			out = append(out, chunk...)
			continue
		}
		album := Outbound{StripMetadata: true}
		for _, p := range chunk {
			album.Album = append(album.Album, AlbumItem{AttachmentID: p.AttachmentID, FileName: p.FileName, Caption: p.Text})
		}
		out = append(out, album)
	}
	return out
}
