package store

import (
	"context"
	"time"
)

// Card is one card of a report in a desk chat (report_cards).
type Card struct {
	ID         int64
	ReportID   int64
	Channel    string
	ChatID     string
	DeskKind   string
	AgencyCode string
	Extra      string // what the card said besides the report, kept for its edits
	Layout     string // "full" (the whole report) or "review" (an answer, then a summary)
	// MessageID is the platform's id of the message that carries the
	// card's buttons; "" until the card was sent.
	MessageID string
	Caption   bool // the card is the caption of a file
	SentAt    time.Time
	EditSeq   int64 // the newest edit enqueued for the card
	// Retired: a newer card of the report is in the same chat; this one
	// had its last edit.
	Retired bool
}

// AddCard registers a card about to be enqueued in the transaction and
// returns its id, which the outbound message carries.
func (tx *Tx) AddCard(ctx context.Context, c Card, now time.Time) (int64, error) {
	var id int64
	err := tx.tx.QueryRow(ctx, `
		INSERT INTO report_cards (report_id, channel, chat_id, desk_kind, agency_code, extra, layout, created_at)
		VALUES ($1, $2, $3, $4, $5, $6, coalesce(nullif($7, ''), 'full'), $8) RETURNING id`,
		c.ReportID, c.Channel, c.ChatID, c.DeskKind, c.AgencyCode, c.Extra, c.Layout, now).Scan(&id)
	return id, mapErr(err)
}

// CardsOf lists a report's cards, oldest first.
func (tx *Tx) CardsOf(ctx context.Context, reportID int64) ([]Card, error) {
	rows, err := tx.tx.Query(ctx, `
		SELECT id, report_id, channel, chat_id, desk_kind, agency_code, extra, layout, coalesce(message_id, ''), caption,
			coalesce(sent_at, 'epoch'::timestamptz), edit_seq, retired
		FROM report_cards WHERE report_id = $1 ORDER BY id`, reportID)
	if err != nil {
		return nil, mapErr(err)
	}
	defer rows.Close()
	var out []Card
	for rows.Next() {
		c, err := scanCard(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	return out, mapErr(rows.Err())
}

// NextCardEdit numbers a new edit of a card: an edit whose number is
// lower than the card's newest when it is sent is superseded.
func (tx *Tx) NextCardEdit(ctx context.Context, cardID int64) (int64, error) {
	var seq int64
	err := tx.tx.QueryRow(ctx, `UPDATE report_cards SET edit_seq = edit_seq + 1 WHERE id = $1 RETURNING edit_seq`, cardID).Scan(&seq)
	return seq, mapErr(err)
}

// RetireCard marks a card that had its last edit.
func (tx *Tx) RetireCard(ctx context.Context, cardID int64) error {
	_, err := tx.tx.Exec(ctx, `UPDATE report_cards SET retired = true WHERE id = $1`, cardID)
	return mapErr(err)
}

// Card returns one card.
func (db *DB) Card(ctx context.Context, id int64) (Card, error) {
	row := db.pool.QueryRow(ctx, `
		SELECT id, report_id, channel, chat_id, desk_kind, agency_code, extra, layout, coalesce(message_id, ''), caption,
			coalesce(sent_at, 'epoch'::timestamptz), edit_seq, retired
		FROM report_cards WHERE id = $1`, id)
	return scanCard(row)
}

// CardSent records the platform's id of a card's message once it is sent.
func (db *DB) CardSent(ctx context.Context, id int64, messageID string, caption bool, at time.Time) error {
	_, err := db.marks.Exec(ctx, `UPDATE report_cards SET message_id = $2, caption = $3, sent_at = $4 WHERE id = $1`,
		id, messageID, caption, at)
	return mapErr(err)
}

type cardRow interface{ Scan(...any) error }

func scanCard(row cardRow) (Card, error) {
	var c Card
	err := row.Scan(&c.ID, &c.ReportID, &c.Channel, &c.ChatID, &c.DeskKind, &c.AgencyCode, &c.Extra, &c.Layout, &c.MessageID, &c.Caption,
		&c.SentAt, &c.EditSeq, &c.Retired)
	if err != nil {
		return Card{}, mapErr(err)
	}
	if c.SentAt.Unix() == 0 {
		c.SentAt = time.Time{}
	}
	return c, nil
}

// ReplaceWebMessage changes a line of a web chat's transcript to payload,
// so a reload shows it changed, and appends line (which names the one it
// replaces) so open streams, which read only new lines, change it too. It
// returns the new line's seq; a line that is not the chat's is ErrNotFound.
func (db *DB) ReplaceWebMessage(ctx context.Context, chatID string, seq int64, payload []byte, line WebMessage) (int64, error) {
	var added int64
	err := db.InTx(ctx, func(tx *Tx) error {
		tag, err := tx.tx.Exec(ctx, `UPDATE webchat_messages SET payload = $3 WHERE chat_id = $1 AND seq = $2`, chatID, seq, payload)
		if err != nil {
			return mapErr(err)
		}
		if tag.RowsAffected() != 1 {
			return ErrNotFound
		}
		added, err = tx.AddWebMessage(ctx, line)
		return err
	})
	return added, err
}
