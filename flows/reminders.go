package flows

import (
	"context"

	"github.com/lapor-id/lapor/store"
)

// RemindIdleDrafts reminds, once, every citizen whose draft report has been
// idle for DraftReminderAfter, offering to continue or discard it. The draft
// is kept either way. It is safe to run on several replicas at once: each
// conversation is locked while it is reminded. It returns how many were
// reminded.
func (s *Service) RemindIdleDrafts(ctx context.Context) (int, error) {
	now := s.now()
	n := 0
	err := s.db.InTx(ctx, func(tx *store.Tx) error {
		convs, err := tx.IdleDrafts(ctx, now.Add(-s.cfg.DraftReminderAfter), 500, []string{string(StepStatusAsk)})
		if err != nil {
			return err
		}
		for _, c := range convs {
			lang := Lang(c.Lang)
			o := s.outboxTo(ctx, tx, c.Channel, c.ChatID, lang, now)
			if err := o.say(T(lang, "draft.reminder"), []Button{
				{Label: T(lang, "btn.resume"), Data: "draft:resume"},
				{Label: T(lang, "btn.canceldraft"), Data: "draft:cancel"},
			}); err != nil {
				return err
			}
			if err := tx.MarkReminded(ctx, c.Channel, c.ChatID, now); err != nil {
				return err
			}
			n++
		}
		return nil
	})
	return n, err
}
