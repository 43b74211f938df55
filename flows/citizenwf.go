package flows

import (
	"errors"
	"strconv"
	"strings"

	"github.com/lapor-id/lapor/store"
)

// Steps of the citizen's side of the workflow.
const (
	StepRejectReason  Step = "reject_reason"  // waiting for why the citizen rejects an answer
	StepRatingComment Step = "rating_comment" // waiting for an optional comment on the handling
)

func (t *turn) citizen() actor {
	return actor{channel: t.in.Channel, chatID: t.in.ChatID, userID: t.msg.UserID, name: t.msg.UserName}
}

func (t *turn) courier() *courier {
	return &courier{ctx: t.ctx, s: t.s, tx: t.tx, now: t.now, lang: t.s.cfg.DefaultLang}
}

// citizenAct runs a citizen's workflow action on one of their reports.
func (t *turn) citizenAct(id string, version int, act Action, arg string) error {
	r, err := t.tx.LockReport(t.ctx, id)
	if errors.Is(err, store.ErrNotFound) || (err == nil && (r.Channel != t.in.Channel || r.ChatID != t.in.ChatID)) {
		return t.say("status.notfound", id)
	}
	if err != nil {
		return err
	}
	if version != 0 && version != r.Version {
		return t.stale()
	}
	_, err = t.s.transition(t.ctx, t.tx, t.citizen(), &r, act, arg, t.now, t.lang)
	var ref *refusal
	if errors.As(err, &ref) {
		return t.stale()
	}
	if err != nil {
		return err
	}
	return t.courier().announce(&r, act, arg)
}

// workflowButton handles the citizen's buttons about a filed report:
// c|accept|ID|v, c|reject|ID|v and rate|ID|n.
func (t *turn) workflowButton() (bool, error) {
	parts := strings.Split(t.msg.Button, "|")
	switch {
	case len(parts) == 4 && parts[0] == "c":
		if t.step.inDraft() {
			return true, t.say("wf.finish.draft")
		}
		v, _ := strconv.Atoi(parts[3])
		switch Action(parts[1]) {
		case ActAccept:
			return true, t.citizenAct(parts[2], v, ActAccept, "")
		case ActReject:
			r, err := t.tx.ReportByTrackingID(t.ctx, parts[2])
			if err != nil || r.Version != v || r.ChatID != t.in.ChatID || Stage(r.Stage) != StageAnswered {
				return true, t.stale()
			}
			t.step, t.d = StepRejectReason, draft{Pending: r.TrackingID}
			return true, t.say("wf.reject.ask", r.TrackingID)
		case ActObject: // flows/ppid.go
			return true, t.askObjection(parts[2], v)
		}
	case len(parts) == 3 && parts[0] == "rate":
		n, err := strconv.Atoi(parts[2])
		if err != nil || n < 1 || n > 5 {
			return true, t.stale()
		}
		r, err := t.tx.LockReport(t.ctx, parts[1])
		if err != nil || r.ChatID != t.in.ChatID || r.Channel != t.in.Channel || Stage(r.Stage) != StageClosed || r.Rating != 0 {
			return true, t.stale()
		}
		r.Rating, r.UpdatedAt = n, t.now
		if err := t.tx.UpdateReport(t.ctx, &r); err != nil {
			return true, err
		}
		if !t.step.inDraft() {
			t.step, t.d = StepRatingComment, draft{Pending: r.TrackingID}
		}
		return true, t.sayButtons(T(t.lang, "wf.rated", n), []Button{t.btn("btn.skip", "comment:skip")})
	}
	return false, nil
}

func (t *turn) onRejectReason() error {
	if t.msg.Kind != KindText {
		return t.refuse()
	}
	id := t.d.Pending
	t.step, t.d = StepIdle, draft{}
	return t.citizenAct(id, 0, objectionInstead(t.ctx, t.tx, id), t.msg.Text)
}

func (t *turn) onRatingComment() error {
	id := t.d.Pending
	t.step, t.d = StepIdle, draft{}
	if t.msg.Button == "comment:skip" {
		return t.menu("welcome", t.s.regency.Name())
	}
	if t.msg.Kind != KindText {
		return t.onIdle()
	}
	r, err := t.tx.LockReport(t.ctx, id)
	if err != nil {
		return err
	}
	r.RatingComment, r.UpdatedAt = truncate(t.msg.Text, 2000), t.now
	if err := t.tx.UpdateReport(t.ctx, &r); err != nil {
		return err
	}
	return t.say("wf.comment.saved")
}

// tundaAnswer takes a citizen's text as the answer to an open Tunda
// question: when it quotes the question, or when the chat has exactly one
// report waiting and no draft in progress.
func (t *turn) tundaAnswer() (bool, error) {
	if t.msg.Kind != KindText || t.step.inDraft() && t.msg.ReplyToText == "" {
		return false, nil
	}
	id := trackingInText.FindString(t.msg.ReplyToText)
	if id == "" {
		if t.step != StepIdle && t.step != StepFirstConfirm { // an unconfirmed first text is no draft yet
			return false, nil
		}
		waiting, err := t.tx.FindReports(t.ctx, store.ReportFilter{Stages: []string{string(StageWaitingCitizen)}, Limit: 500})
		if err != nil {
			return false, err
		}
		for _, r := range waiting {
			if r.Channel == t.in.Channel && r.ChatID == t.in.ChatID {
				if id != "" {
					return false, nil // two questions open: the citizen must reply to one
				}
				id = r.TrackingID
			}
		}
	}
	if id == "" {
		return false, nil
	}
	r, err := t.tx.ReportByTrackingID(t.ctx, id)
	if err != nil || r.Channel != t.in.Channel || r.ChatID != t.in.ChatID || Stage(r.Stage) != StageWaitingCitizen {
		return false, nil
	}
	return true, t.citizenAct(id, 0, ActInfo, t.msg.Text)
}
