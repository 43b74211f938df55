package flows

import (
	"strings"

	"github.com/lapor-id/lapor/store"
)

// Citizens read their report's history and who holds it in plain words
// that name the agency, never the desks' jargon ("Super Admin", "OPD",
// "disposisi"). Officers keep the detailed words (event.*, unit.*).

// citizenHolder says who is working on r now, for its reporter.
func (c *courier) citizenHolder(l Lang, r *store.Report) string {
	switch Stage(r.Stage) {
	case StageSubmitted:
		return T(l, "cw.holder.check")
	case StageAtRegency:
		return T(l, "cw.holder.route")
	case StageAtAgency:
		return c.involvedNames(l, r) // flows/multiagency.go
	case StageAnswerReview:
		return T(l, "cw.holder.review", c.involvedNames(l, r))
	case StageAnswered, StageWaitingCitizen, StageInfoAnswered:
		return T(l, "cw.holder.you")
	case StageToLapor:
		return T(l, "cw.holder.tolapor")
	case StageInLapor:
		return T(l, "cw.holder.inlapor")
	case StageAtPPID:
		return T(l, "cw.holder.ppid")
	case StageObjection:
		return T(l, "cw.holder.superior")
	}
	return "—"
}

// citizenEvent is a history line for the reporter: the event in plain
// words, naming the agency where one acted.
func (c *courier) citizenEvent(l Lang, e store.Event) string {
	agency := ""
	if code, ok := strings.CutPrefix(e.Desk, DeskAgency+":"); ok {
		agency = c.agencyName(code)
	}
	switch {
	case e.Kind == string(ActDispose) && e.Note != "":
		return T(l, "cw.dispose", c.agencyName(e.Note))
	case e.Kind == string(ActAddAgency), e.Kind == string(ActApprovePart): // flows/multiagency.go
		return T(l, "cw."+e.Kind, c.agencyName(e.Note))
	case agency != "" && hasText("cw."+e.Kind):
		return T(l, "cw."+e.Kind, agency)
	}
	return eventName(l, e.Kind)
}

func hasText(key string) bool { _, ok := texts[key]; return ok }
