package main

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/lapor-id/lapor/bot"
	"github.com/lapor-id/lapor/bot/telegram"
	"github.com/lapor-id/lapor/flows"
	"github.com/lapor-id/lapor/store"
)

// maxDuplicateShare is the bound on repeated deliveries.
const maxDuplicateShare = 0.001

// Delivery is the comparison of what lapor stored to say with what the fake
// delivered, over all chats.
type Delivery struct {
	Expected   int // platform messages the outbox rows make (after splitting)
	Delivered  int // send* calls the fake accepted
	Missing    int // expected but never delivered
	Duplicates int // delivered again right after the first delivery
	Unexpected int // delivered but in no outbox row
	Reordered  int // delivered after a message that follows it in the outbox
	// Reorderings by cause: the two messages were written by one
	// transaction, or by two (the later id's transaction committed first:
	// ids are taken at insert, not at commit), in a private chat or a group.
	ReorderedSameTx, ReorderedPrivate, ReorderedGroup int
	Pending                                           int // outbox rows not delivered yet
	Failed                                            int // outbox rows given up on
	// Card edits are not messages of their own: an edit superseded by a
	// newer one is dropped by design. What counts is that each card's
	// message shows the text of its newest edit in the end.
	CardsEdited int // cards with at least one edit in the outbox
	CardsStale  int // of those, cards whose message does not show the newest edit
	Chats       int
	Examples    []string
}

// verifyDelivery compares, chat by chat, the outbox (id order, each row cut
// into the parts telegram.Channel.Split makes of it) with the fake's record
// of accepted send* calls. Delivery is at-least-once and one message per
// chat is in flight, so the record must be the outbox sequence in which a
// message may be repeated right after itself (a send whose success was not
// recorded before a crash). Anything else is a loss, a reordering or an
// unexpected message.
func (r *Rig) verifyDelivery(ctx context.Context) (Delivery, error) {
	var d Delivery
	expected := map[int64][]string{}
	created := map[int64][]time.Time{} // the writing transaction's stamp of each expected message
	type edit struct {
		seq  int64
		text string
	}
	newest := map[int64]edit{} // card id -> its newest edit in the outbox
	err := retryQuery(ctx, func(ctx context.Context) error {
		clear(expected)
		clear(created)
		clear(newest)
		d.Pending, d.Failed = 0, 0
		rows, err := r.pool.Query(ctx, `SELECT chat_id, payload, sent_at IS NULL AND failed_at IS NULL, failed_at IS NOT NULL, created_at
			FROM outbox WHERE channel = 'telegram' ORDER BY id`)
		if err != nil {
			return err
		}
		defer rows.Close()
		ch := telegram.New(telegram.Options{Token: "0:x"})
		for rows.Next() {
			var chat string
			var payload []byte
			var pending, failed bool
			var at time.Time
			if err := rows.Scan(&chat, &payload, &pending, &failed, &at); err != nil {
				return err
			}
			if pending {
				d.Pending++
			}
			if failed {
				d.Failed++
			}
			var msg flows.Outbound
			if err := json.Unmarshal(payload, &msg); err != nil {
				return fmt.Errorf("outbox payload: %w", err)
			}
			if msg.EditCard != 0 {
				if e, ok := newest[msg.EditCard]; !ok || msg.EditSeq >= e.seq {
					// What telegram.Channel.EditCard sends: the first 4096 characters.
					newest[msg.EditCard] = edit{seq: msg.EditSeq, text: bot.SplitText(msg.Text, 4096)[0]}
				}
				continue
			}
			var file *bot.File
			if msg.AttachmentID != 0 || msg.DocumentID != 0 {
				file = &bot.File{}
			}
			id, _ := strconv.ParseInt(chat, 10, 64)
			for _, p := range ch.Split(msg, file) {
				key := p.Text
				if p.File != nil && !p.Caption {
					key = ""
				}
				expected[id] = append(expected[id], key)
				created[id] = append(created[id], at)
			}
		}
		return rows.Err()
	})
	if err != nil {
		return d, err
	}
	delivered := map[int64][]string{}
	type message struct {
		chat int64
		id   int
	}
	shows := map[message]string{} // what each of the bot's messages shows now
	for _, s := range r.fake.AllSent() {
		switch key := (message{s.ChatID, s.MessageID}); s.Method {
		case "sendMessage", "editMessageText":
			shows[key] = s.Text
		case "editMessageReplyMarkup":
		default:
			shows[key] = s.Caption
		}
		if !strings.HasPrefix(s.Method, "send") {
			continue
		}
		key := s.Text
		if s.Method != "sendMessage" {
			key = s.Caption
		}
		delivered[s.ChatID] = append(delivered[s.ChatID], key)
	}
	chats := map[int64]bool{}
	for c := range expected {
		chats[c] = true
	}
	for c := range delivered {
		chats[c] = true
	}
	if len(newest) > 0 {
		err := retryQuery(ctx, func(ctx context.Context) error {
			d.CardsEdited, d.CardsStale = 0, 0
			rows, err := r.pool.Query(ctx, `SELECT id, chat_id, coalesce(message_id, '') FROM report_cards WHERE channel = 'telegram'`)
			if err != nil {
				return err
			}
			defer rows.Close()
			for rows.Next() {
				var card int64
				var chat, msgID string
				if err := rows.Scan(&card, &chat, &msgID); err != nil {
					return err
				}
				e, ok := newest[card]
				if !ok {
					continue
				}
				d.CardsEdited++
				c, _ := strconv.ParseInt(chat, 10, 64)
				m, _ := strconv.Atoi(msgID)
				if got := shows[message{c, m}]; got != e.text {
					d.CardsStale++
					d.example("chat %d: card %d shows %q, its newest edit says %q", c, card, clip(got), clip(e.text))
				}
			}
			return rows.Err()
		})
		if err != nil {
			return d, err
		}
	}
	ids := make([]int64, 0, len(chats))
	for c := range chats {
		ids = append(ids, c)
	}
	slices.Sort(ids)
	d.Chats = len(ids)
	for _, c := range ids {
		e, got := expected[c], delivered[c]
		d.Expected += len(e)
		d.Delivered += len(got)
		cmp := compareChat(e, got)
		d.Duplicates += cmp.Duplicates
		d.Reordered += cmp.Reordered
		for _, pair := range cmp.Overtaken {
			switch late, early := created[c][pair[0]], created[c][pair[1]]; {
			case late.Equal(early):
				d.ReorderedSameTx++
			case c < 0:
				d.ReorderedGroup++
			default:
				d.ReorderedPrivate++
			}
		}
		d.Unexpected += cmp.Unexpected
		d.Missing += cmp.Missing
		for _, x := range cmp.Examples {
			d.example("chat %d: %s", c, x)
		}
	}
	return d, nil
}

// ChatComparison is compareChat's verdict on one chat.
type ChatComparison struct {
	Duplicates, Reordered, Unexpected, Missing int
	// Overtaken pairs each reordered message's index in want with the
	// index of the later message that was delivered before it.
	Overtaken [][2]int
	Examples  []string
}

// compareChat walks what one chat received (got) along what lapor stored
// to say to it (want, in order). A message equal to the one matched just
// before is an at-least-once repeat. One found further down want skips the
// messages in between: each that arrives later is a reordering, each that
// never arrives is missing, like whatever of want is left at the end. A
// message in neither place is unexpected (a stranger, or an old message
// repeated out of turn).
func compareChat(want, got []string) ChatComparison {
	var c ChatComparison
	note := func(format string, args ...any) {
		if len(c.Examples) < 3 {
			c.Examples = append(c.Examples, fmt.Sprintf(format, args...))
		}
	}
	skipped := map[string][][2]int{} // by text: (index, overtaker's index) of messages passed over
	i := 0
	for _, m := range got {
		switch {
		case i < len(want) && m == want[i]:
			i++
		case i > 0 && m == want[i-1]:
			c.Duplicates++
		case len(skipped[m]) > 0:
			c.Overtaken = append(c.Overtaken, skipped[m][0])
			skipped[m] = skipped[m][1:]
			c.Reordered++
			note("%q delivered after later outbox messages", clip(m))
		default:
			k := slices.Index(want[i:], m)
			if k < 0 {
				c.Unexpected++
				note("%q delivered but not in the outbox at that place", clip(m))
				continue
			}
			for j := i; j < i+k; j++ {
				skipped[want[j]] = append(skipped[want[j]], [2]int{j, i + k})
			}
			i += k + 1
		}
	}
	c.Missing = len(want) - i
	for m, left := range skipped {
		c.Missing += len(left)
		if len(left) > 0 {
			note("%q never delivered", clip(m))
		}
	}
	if i < len(want) {
		note("%d outbox message(s) at the end never delivered, first %q", len(want)-i, clip(want[i]))
	}
	return c
}

func (d *Delivery) example(format string, args ...any) {
	if len(d.Examples) < 8 {
		d.Examples = append(d.Examples, fmt.Sprintf(format, args...))
	}
}

func clip(s string) string {
	r := []rune(s)
	if len(r) > 60 {
		return string(r[:60]) + "…"
	}
	return s
}

// verifyInbound checks that every update the people sent is in the inbox
// and was handled, and none failed for good.
func (r *Rig) verifyInbound(ctx context.Context, updates []int) (missing, unhandled, failed int, err error) {
	state := map[string]string{}
	err = retryQuery(ctx, func(ctx context.Context) error {
		clear(state)
		rows, err := r.pool.Query(ctx, `SELECT external_id, CASE WHEN processed_at IS NULL THEN 'pending' ELSE coalesce(outcome, '') END
			FROM inbox WHERE channel = 'telegram'`)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var id, s string
			if err := rows.Scan(&id, &s); err != nil {
				return err
			}
			state[id] = s
		}
		return rows.Err()
	})
	for _, u := range updates {
		s, ok := state[strconv.Itoa(u)]
		switch {
		case !ok:
			missing++
		case s == "pending":
			unhandled++
		case strings.HasPrefix(s, "failed"):
			failed++
		}
	}
	return missing, unhandled, failed, err
}

// verifyReports checks every citizen's reports: one per "Kirim" press, the
// tracking numbers the citizen was told are exactly those in the database,
// and each report kept its evidence photo.
func (r *Rig) verifyReports(ctx context.Context, citizens []*Citizen) (lost, duplicated, withoutEvidence int, examples []string, err error) {
	type row struct {
		tracking string
		files    int
	}
	byChat := map[string][]row{}
	err = retryQuery(ctx, func(ctx context.Context) error {
		clear(byChat)
		rows, err := r.pool.Query(ctx, `SELECT r.chat_id, r.tracking_id, (SELECT count(*) FROM attachments a WHERE a.report_id = r.id)
			FROM reports r WHERE r.channel = 'telegram' AND r.tracking_id NOT LIKE 'LOAD-%'`)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var chat string
			var x row
			if err := rows.Scan(&chat, &x.tracking, &x.files); err != nil {
				return err
			}
			byChat[chat] = append(byChat[chat], x)
		}
		return rows.Err()
	})
	if err != nil {
		return
	}
	note := func(format string, args ...any) {
		if len(examples) < 8 {
			examples = append(examples, fmt.Sprintf(format, args...))
		}
	}
	for _, c := range citizens {
		db := byChat[strconv.FormatInt(c.Chat, 10)]
		told := map[string]bool{}
		for _, m := range c.log.Messages() {
			for _, t := range trackingRE.FindAllStringSubmatch(m.Text, -1) {
				told[t[1]] = true
			}
		}
		inDB := map[string]bool{}
		for _, x := range db {
			inDB[x.tracking] = true
			if x.files != 1 {
				withoutEvidence++
				note("chat %d: report %s has %d attachments, want 1", c.Chat, x.tracking, x.files)
			}
			if !told[x.tracking] {
				note("chat %d: report %s was never announced to the citizen", c.Chat, x.tracking)
			}
		}
		for t := range told {
			if !inDB[t] {
				lost++
				note("chat %d: the citizen was told %s but it is not in the database", c.Chat, t)
			}
		}
		switch {
		case len(db) > c.Presses:
			duplicated += len(db) - c.Presses
			note("chat %d: %d reports for %d presses of Kirim", c.Chat, len(db), c.Presses)
		case len(db) < c.Presses:
			lost += c.Presses - len(db)
			note("chat %d: %d reports for %d presses of Kirim", c.Chat, len(db), c.Presses)
		}
	}
	return lost, duplicated, withoutEvidence, examples, nil
}

// unexplainedOutbox counts outbox rows that no single handling explains.
// Everything lapor says is written in the transaction that decided it, and
// that transaction stamps its inbox row (processed_at), its sweep marks,
// digests or draft reminders with the same instant as the outbox rows
// (created_at). A message handled twice would leave rows stamped with an
// instant its inbox row no longer carries.
func (r *Rig) unexplainedOutbox(ctx context.Context) (int, error) {
	return r.count(ctx, `SELECT count(*) FROM outbox o
		WHERE NOT EXISTS (SELECT 1 FROM inbox i WHERE i.processed_at = o.created_at)
		  AND NOT EXISTS (SELECT 1 FROM sweep_marks m WHERE m.at = o.created_at)
		  AND NOT EXISTS (SELECT 1 FROM digests_sent g WHERE g.at = o.created_at)
		  AND NOT EXISTS (SELECT 1 FROM conversations c WHERE c.reminded_at = o.created_at)
		  AND NOT EXISTS (SELECT 1 FROM expired_drafts x WHERE x.expired_at = o.created_at)`)
}

// verifyZeroLoss drains the service and runs every loss, duplicate and
// order check, adding them to the report.
func (r *Rig) verifyZeroLoss(ctx context.Context, citizens []*Citizen) error {
	rep := r.rep
	drained, err := r.drain(ctx, r.opts.Drain)
	rep.AddDuration("drain after load", drained)
	rep.Check("backlog drained", err == nil, "%s", errText(err, fmt.Sprintf("in %s", drained.Round(1e6))))

	_, _, _, _, updates := r.rec.Snapshot()
	_, _, _, _, setup := r.setupRec.Snapshot()
	updates = append(updates, setup...)
	missing, unhandled, failed, err := r.verifyInbound(ctx, updates)
	if err != nil {
		return err
	}
	rep.Add("inbound updates sent", float64(len(updates)), "updates")
	rep.Check("no lost inbound messages", missing == 0 && unhandled == 0 && failed == 0,
		"%d updates: %d not in the inbox, %d not handled, %d given up", len(updates), missing, unhandled, failed)

	lost, dupReports, noEvidence, examples, err := r.verifyReports(ctx, citizens)
	if err != nil {
		return err
	}
	presses, told := 0, 0
	for _, c := range citizens {
		presses += c.Presses
		told += len(c.Tracking)
	}
	rep.Add("reports filed (Kirim presses)", float64(presses), "reports")
	// A script that no longer matches the bot (a new intake question) has
	// every citizen stuck at the same step, files nothing, and every check
	// below would pass on nothing: the same step unanswered for half the
	// citizens or more is that, not a fault's scattered timeouts.
	_, errs, _, _, _ := r.rec.Snapshot()
	worst, worstStep := 0, ""
	for k, v := range errs {
		if strings.HasPrefix(k, "no answer to ") && v > worst {
			worst, worstStep = v, k
		}
	}
	rep.Check("the citizens' script matches the bot", len(citizens) == 0 || worst < (len(citizens)+1)/2,
		"the step answered least: %q unanswered %d times for %d citizens", worstStep, worst, len(citizens))
	rep.Check("no lost reports", lost == 0, "%d lost of %d filed (%d answered in time)", lost, presses, told)
	rep.Check("no duplicate reports", dupReports == 0, "%d duplicates", dupReports)
	rep.Check("every report kept its evidence", noEvidence == 0, "%d reports without exactly one photo", noEvidence)
	for _, e := range examples {
		rep.Note("reports: %s", e)
	}

	d, err := r.verifyDelivery(ctx)
	if err != nil {
		return err
	}
	share := 0.0
	if d.Expected > 0 {
		share = float64(d.Duplicates) / float64(d.Expected)
	}
	rep.Add("outbound messages expected (outbox parts)", float64(d.Expected), "messages")
	rep.Add("outbound messages delivered", float64(d.Delivered), "messages")
	rep.Add("duplicate deliveries", share*100, "%").Want("≤ 0.1%", share <= maxDuplicateShare)
	rep.Check("no lost outbound messages", d.Missing == 0 && d.Pending == 0 && d.Failed == 0,
		"%d never delivered, %d still pending, %d failed (of %d in %d chats)", d.Missing, d.Pending, d.Failed, d.Expected, d.Chats)
	rep.Check("every card shows its report's latest state", d.CardsStale == 0,
		"%d of %d edited cards do not show their newest edit", d.CardsStale, d.CardsEdited)
	rep.Check("duplicates at most 0.1%", share <= maxDuplicateShare, "%d repeated deliveries = %.3f%%", d.Duplicates, share*100)
	rep.Check("per-chat order kept", d.Reordered == 0 && d.Unexpected == 0,
		"%d reordered (%d within one transaction; between two transactions, the later id committed first: %d in citizens' chats, %d in desk groups), %d unexpected",
		d.Reordered, d.ReorderedSameTx, d.ReorderedPrivate, d.ReorderedGroup, d.Unexpected)
	for _, e := range d.Examples {
		rep.Note("delivery: %s", e)
	}
	// store.Tally, lapor's own counts for these runs, beside the checks.
	if db, err := store.Open(ctx, r.dbURL, nil); err == nil {
		if t, err := db.Tally(ctx); err == nil {
			rep.Note("store.Tally: %+v (RepliesRepeated counts identical replies in one chat, e.g. the same intake prompts for each report a citizen files)", t)
		}
		db.Close()
	}
	unexplained, err := r.unexplainedOutbox(ctx)
	if err != nil {
		return err
	}
	rep.Check("no message handled twice", unexplained == 0,
		"%d outbox rows not stamped like any inbox row, sweep mark, digest or reminder", unexplained)
	return nil
}

func errText(err error, ok string) string {
	if err != nil {
		return err.Error()
	}
	return ok
}

// sortedKeys returns the keys of m in order.
func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
