package flows

import (
	"fmt"
	"slices"

	"github.com/lapor-id/lapor/store"
)

// Never tell a person something that did not happen: every notification a
// citizen may be sent names the event it tells of, and is sent only when
// that event was recorded for the report in the same turn (the same
// transaction, at the same instant). A notification that tells of no
// action (a reminder before a deadline) says so with noAction; the news
// relayed to the reporters of merged duplicates was checked at its source.
const (
	noAction    = "-"
	noticeRelay = "relay"
)

// notices is the one table of citizen notifications and the events they
// report. A key missing here cannot be sent (TestEveryNoticeNamesItsEvent
// finds every key the code sends).
var notices = map[string]string{
	"n.verify":    string(ActVerify),
	"n.return":    string(ActReturn),
	"n.dispose":   string(ActDispose),
	"n.not_ours":  string(ActNotOurs),
	"n.submit":    string(ActSubmitAnswer),
	"n.revise":    string(ActRevise),
	"n.answer":    string(ActApprove),
	"n.reject":    string(ActReject),
	"n.accept":    string(ActAccept),
	"n.tunda":     string(ActDefer),
	"n.info":      string(ActInfo),
	"n.archive":   string(ActArchive),
	"n.central":   string(ActCentral),
	"n.laporid":   string(ActLaporID),
	"n.autoclose": string(ActAutoClose),
	// the same close, with the rating buttons
	"n.autoclose.rate": string(ActAutoClose),
	"n.tunda.expire":   string(ActExpire),
	"n.tunda.remind":   noAction, // asks again; nothing happened yet
	"n.citizen.remind": noAction, // the silent close is near; nothing happened yet
	"n.omb.limit":      EventOmbudsmanLimit,
	"n.omb.forwarded":  EventOmbudsmanForwarded,
	"n.omb.sent":       EventOmbudsmanSent,
	"n.omb.result":     EventOmbudsmanResult,
	"dup.n.merged":     "merge", // told of the original the report was merged into
	"dup.n.follow":     noticeRelay,
}

// NoticeKeys lists the notification keys of the table, for tests.
func NoticeKeys() []string {
	out := make([]string, 0, len(notices))
	for k := range notices {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}

// vouch checks that the notification key may be sent about report r now:
// it is in the table, and the event it tells of was recorded for r in this
// turn. Its error is a programming error, never the citizen's.
func (c *courier) vouch(r *store.Report, key string) error {
	kind, ok := notices[key]
	if !ok {
		return fmt.Errorf("notification %q is not in the notices table (flows/notices.go)", key)
	}
	if kind == noAction || kind == noticeRelay {
		return nil
	}
	recorded, err := c.tx.HasEventAt(c.ctx, r.ID, kind, c.now)
	if err != nil || recorded {
		return err
	}
	return fmt.Errorf("notification %q about %s tells of a %q event that was not recorded in this turn", key, r.TrackingID, kind)
}
