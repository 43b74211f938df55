package flows

import (
	"context"
	"fmt"
	"time"

	"github.com/lapor-id/lapor/store"
)

// A follow-up waits for review only while its report is in the agency's
// hands (at the agency, or its final answer in review): an admin can pass
// it on or send it back only there (the workflow table). When the report
// leaves (its answer approved, returned as not the agency's authority,
// archived, ...), a follow-up still waiting is settled: withdrawn, with an
// event, so that it no longer waits forever, and its review buttons say
// what became of it.

// ActFollowupWithdrawn is the event of a follow-up withdrawn unreviewed
// because its report left the agency; its note is the follow-up's id.
const ActFollowupWithdrawn Action = "fu_withdrawn"

// followupWithdrawer is the decided_by of a withdrawn follow-up. It is
// stored as returned (the statuses of the followups table are fixed by
// its migration) by this decider, which no officer's id can be.
const followupWithdrawer = "system:withdrawn"

// withdrawn says whether a follow-up was withdrawn unreviewed.
func withdrawn(f store.Followup) bool {
	return f.Status == fuReturned && f.DecidedBy == followupWithdrawer
}

// settleFollowups withdraws the report's follow-ups waiting for review once
// the report moved to a stage where none can be reviewed (called by
// followupClock, in the move's transaction).
func (s *Service) settleFollowups(ctx context.Context, tx *store.Tx, r *store.Report, to Stage, now time.Time) error {
	if to == StageAtAgency || to == StageAnswerReview {
		return nil
	}
	fs, err := tx.Followups(ctx, r.ID)
	if err != nil {
		return err
	}
	for _, f := range fs {
		if f.Status != fuPending {
			continue
		}
		f.Status, f.DecidedAt, f.DecidedBy = fuReturned, now, followupWithdrawer
		if err := tx.SaveFollowup(ctx, f); err != nil {
			return err
		}
		if err := tx.AppendEvent(ctx, store.Event{ReportID: r.ID, At: now, Kind: string(ActFollowupWithdrawn), StageFrom: string(to),
			StageTo: string(to), ActorRole: string(RoleSystem), Note: fmt.Sprint(f.ID)}); err != nil {
			return err
		}
	}
	return nil
}

// refuseWithdrawn is the answer to a review of a withdrawn follow-up.
func (o *office) refuseWithdrawn(r *store.Report, f store.Followup, act Action) error {
	if err := o.audit(string(act), r.ID, false, "withdrawn"); err != nil {
		return err
	}
	return refuse(o.lang, "fu.withdrawn", capitalize(T(o.lang, "fu.kind."+f.Kind)), r.TrackingID,
		stageName(o.lang, Stage(r.Stage)))
}
