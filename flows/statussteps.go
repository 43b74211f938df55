package flows

import "github.com/lapor-id/lapor/store"

// citizenSteps is a report's history as its reporter reads it in /status:
// one line for each step that reached them. A follow-up (flows/followups.go)
// reviewed by an admin is two events, its writing and its passing on
// (fu_approve); the reporter received it once, when it was passed on, so
// it is one line there, in the agency's words. A follow-up still waiting
// for review, sent back to the agency (fu_return) or withdrawn when the
// report left the agency (fu_withdrawn), never reached the reporter and has
// no line. A follow-up the policy sent straight to the
// reporter is its writing event, as it is. fs are the report's follow-ups.
func citizenSteps(events []store.Event, fs []store.Followup) []store.Event {
	type written struct {
		kind string
		at   int64
	}
	straight := map[written]bool{}
	for _, f := range fs {
		if f.Status == fuSent && f.DecidedAt.IsZero() {
			straight[written{f.Kind, f.SubmittedAt.UnixMicro()}] = true
		}
	}
	var out []store.Event
	var waiting []store.Event // written, for review
	for _, e := range events {
		switch Action(e.Kind) {
		case ActFirstResponse, ActProgress:
			if straight[written{e.Kind, e.At.UnixMicro()}] {
				out = append(out, e)
			} else {
				waiting = append(waiting, e)
			}
		case ActFollowupApprove:
			step := e
			for i := len(waiting) - 1; i >= 0; i-- {
				if waiting[i].Note == e.Note {
					// The agency's step, at the moment it reached the reporter.
					step = waiting[i]
					step.At = e.At
					waiting = append(waiting[:i], waiting[i+1:]...)
					break
				}
			}
			out = append(out, step)
		case ActFollowupReturn, ActFollowupWithdrawn:
		default:
			out = append(out, e)
		}
	}
	return out
}
