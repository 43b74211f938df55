package flows

import (
	"bytes"
	_ "embed"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"go.yaml.in/yaml/v3"

	"github.com/lapor-id/lapor/flows/calendar"
)

//go:embed policy.yaml
var defaultPolicy []byte

// Policy is the SOP's time limits and what the sweeps do about them, read
// from one YAML file (the embedded policy.yaml, or LAPOR_POLICY_FILE).
type Policy struct {
	Stages              map[Stage]int     `yaml:"stages"`
	RemindBefore        []int             `yaml:"remind_before"`
	CitizenRemindBefore int               `yaml:"citizen_remind_before"`
	OmbudsmanAfter      int               `yaml:"ombudsman_after"`
	PPIDExtension       int               `yaml:"ppid_extension"`         // the PPID's one extension, working days (flows/ppid.go)
	InformationDispute  int               `yaml:"komisi_informasi_after"` // working days to apply to the Komisi Informasi
	TundaRemindAfter    int               `yaml:"tunda_remind_after"`
	TundaExpireAfter    int               `yaml:"tunda_expire_after"`
	DraftExpireAfter    int               `yaml:"draft_expire_after"`
	WorkingHoursFrom    string            `yaml:"working_hours_from"`
	WorkingHoursUntil   string            `yaml:"working_hours_until"`
	Supervisor          map[string]string `yaml:"supervisor"`
	// FirstResponse is the working days from disposition an agency has for
	// its first response (respon awal); 0: none is required (followups.go).
	FirstResponse int `yaml:"first_response"`
	// FollowupsReviewed: a first response or progress update waits for an
	// admin's approval before it reaches the citizen; unset means true.
	FollowupsReviewed *bool `yaml:"followups_reviewed"`
	// MultiAgencyAnswers: how a report with several agencies answers the
	// citizen (flows/multiagency.go): "combined" (or unset), one answer when
	// all have answered; "each", also every part as an admin passes it on.
	MultiAgencyAnswers string `yaml:"multi_agency_answers"`
	Calendar           struct {
		CountStartDay        bool `yaml:"count_start_day"`
		CutiBersamaIsHoliday bool `yaml:"cuti_bersama_is_holiday"`
	} `yaml:"calendar"`
	fromMinutes  int // WorkingHoursFrom in minutes after midnight
	untilMinutes int // WorkingHoursUntil in minutes after midnight
}

// laterStages are the clock stages added after the first policy files
// were copied out (to_lapor: issue 16).
var laterStages = []Stage{StageToLapor, StageAtPPID, StageInfoAnswered, StageObjection}

// defaultWorkingHoursUntil ends the working hours of a policy file that
// does not say (one written before working_hours_until existed).
const defaultWorkingHoursUntil = "16:00"

// DefaultPolicy returns the embedded policy.
func DefaultPolicy() Policy {
	p, err := ParsePolicy(defaultPolicy)
	if err != nil {
		panic("flows: embedded policy.yaml: " + err.Error())
	}
	return p
}

// ParsePolicy reads a policy file strictly and checks it, naming every
// problem.
func ParsePolicy(b []byte) (Policy, error) {
	var p Policy
	dec := yaml.NewDecoder(bytes.NewReader(b))
	dec.KnownFields(true)
	if err := dec.Decode(&p); err != nil {
		return p, fmt.Errorf("policy: %w", err)
	}
	var errs []error
	p.ppidDefaults() // a policy file written before information requests had their path
	// A policy file copied before a stage existed keeps working: the new
	// stage takes this version's default limit.
	var defaults struct {
		Stages map[Stage]int `yaml:"stages"`
	}
	if err := yaml.Unmarshal(defaultPolicy, &defaults); err != nil {
		return p, fmt.Errorf("policy: the embedded default: %w", err)
	}
	for _, st := range laterStages {
		if _, set := p.Stages[st]; !set && p.Stages != nil {
			p.Stages[st] = defaults.Stages[st]
		}
	}
	for _, st := range ClockStages {
		if p.Stages[st] < 1 || p.Stages[st] > 365 {
			errs = append(errs, fmt.Errorf("stages.%s: must be 1 to 365 working days, got %d", st, p.Stages[st]))
		}
	}
	for st := range p.Stages {
		if !slices.Contains(ClockStages, st) {
			errs = append(errs, fmt.Errorf("stages.%s: no such stage with a deadline", st))
		}
	}
	for _, d := range p.RemindBefore {
		if d < 0 || d > 30 {
			errs = append(errs, fmt.Errorf("remind_before: %d is not 0 to 30", d))
		}
	}
	for name, v := range map[string]int{"citizen_remind_before": p.CitizenRemindBefore, "ombudsman_after": p.OmbudsmanAfter,
		"tunda_remind_after": p.TundaRemindAfter, "tunda_expire_after": p.TundaExpireAfter, "draft_expire_after": p.DraftExpireAfter,
		"ppid_extension": p.PPIDExtension} {
		if v < 0 || v > 400 {
			errs = append(errs, fmt.Errorf("%s: %d is out of range", name, v))
		}
	}
	if p.TundaExpireAfter <= p.TundaRemindAfter {
		errs = append(errs, errors.New("tunda_expire_after must be later than tunda_remind_after"))
	}
	if t, err := time.Parse("15:04", p.WorkingHoursFrom); err != nil {
		errs = append(errs, fmt.Errorf("working_hours_from: want HH:MM, got %q", p.WorkingHoursFrom))
	} else {
		p.fromMinutes = t.Hour()*60 + t.Minute()
	}
	if p.WorkingHoursUntil == "" {
		// Policy files copied before the key existed keep working.
		p.WorkingHoursUntil = defaultWorkingHoursUntil
	}
	if t, err := time.Parse("15:04", p.WorkingHoursUntil); err != nil {
		errs = append(errs, fmt.Errorf("working_hours_until: want HH:MM, got %q", p.WorkingHoursUntil))
	} else if p.untilMinutes = t.Hour()*60 + t.Minute(); p.untilMinutes <= p.fromMinutes {
		errs = append(errs, fmt.Errorf("working_hours_until: %s is not later than working_hours_from %s", p.WorkingHoursUntil, p.WorkingHoursFrom))
	}
	if p.FirstResponse < 0 || p.FirstResponse > p.Stages[StageAtAgency] {
		errs = append(errs, fmt.Errorf("first_response: must be 0 to stages.at_agency (%d) working days, got %d", p.Stages[StageAtAgency], p.FirstResponse))
	}
	for _, desk := range []string{DeskAgency, DeskRegency, DeskSuperAdmin} {
		sup := p.Supervisor[desk]
		if sup != DeskRegency && sup != DeskSuperAdmin {
			errs = append(errs, fmt.Errorf("supervisor.%s: must be regency_admin or super_admin, got %q", desk, sup))
		}
	}
	errs = append(errs, p.checkPPIDSupervisors()...)
	if m := p.MultiAgencyAnswers; m != "" && m != multiCombined && m != multiEach {
		errs = append(errs, fmt.Errorf("multi_agency_answers: must be combined or each, got %q", m))
	}
	return p, errors.Join(errs...)
}

// Describe renders the policy for /sla.
func (p Policy) Describe(lang Lang) string {
	var b strings.Builder
	b.WriteString(T(lang, "sla.head"))
	for _, st := range ClockStages {
		fmt.Fprintf(&b, "\n• %s: %d %s", stageName(lang, st), p.Stages[st], T(lang, "sla.days"))
	}
	fmt.Fprintf(&b, "\n"+T(lang, "sla.rest"), p.OmbudsmanAfter, strings.Trim(fmt.Sprint(p.RemindBefore), "[]"),
		p.TundaRemindAfter, p.TundaExpireAfter, p.WorkingHoursFrom, p.WorkingHoursUntil, calendar.Abbr())
	b.WriteString("\n" + p.describeFollowups(lang))                 // flows/followups_sweep.go
	b.WriteString("\n" + T(lang, "ma.sla."+p.multiAgencyAnswers())) // flows/multiagency.go
	b.WriteString(p.describePPID(lang))                             // flows/ppid.go
	return b.String()
}
