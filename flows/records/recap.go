package records

import (
	"cmp"
	"slices"
	"time"
)

// Recap is the numbers of a period, as a regency reports them every month.
type Recap struct {
	Regency     string // "Kabupaten Magetan"
	Unit        string // the unit that keeps the records
	Period      string // "November 2026", in the output's language
	From, To    time.Time
	GeneratedAt time.Time
	Total       int // reports submitted in the period
	Open        int // of those, still open at GeneratedAt

	ByType      []Count
	ByStage     []Count
	ByAgency    []Count
	ByKecamatan []Count
	ByCategory  []Count // by LAPOR! category; key "" is the reports without one

	StageCompliance  []Compliance // per stage with a deadline
	AgencyCompliance []Compliance // the agency stage, per agency
	MedianDays       []Median     // working days per stage

	Oldest []OpenItem // the oldest reports still open at GeneratedAt (any period)
	// Workload is what each agency holds at GeneratedAt, from any period,
	// beside the period's compliance (workload.go).
	Workload []Load
}

// Count is one bar of a breakdown.
type Count struct {
	Key   string
	Label string
	N     int
}

// Compliance counts the stays in a stage (or at an agency) that kept
// their deadline, missed it, or are still running and not yet late.
type Compliance struct {
	Key     string
	Label   string
	Met     int
	Missed  int
	Running int
}

// Rate is the share of finished or late stays that kept the deadline, 0..1;
// -1 when there are none.
func (c Compliance) Rate() float64 {
	if c.Met+c.Missed == 0 {
		return -1
	}
	return float64(c.Met) / float64(c.Met+c.Missed)
}

// Median is the median working days reports spent in a stage.
type Median struct {
	Key   string
	Label string
	Days  float64
	N     int
}

// OpenItem is a report still open.
type OpenItem struct {
	TrackingID string
	StageName  string
	Agency     string
	Submitted  time.Time
	Days       float64 // working days since submission
}

// Builder adds up records into a Recap, one record at a time, so a period
// of any size is read once and not kept.
type Builder struct {
	r         Recap
	now       time.Time
	counts    [5]map[string]*Count
	stage     map[string]*Compliance
	agency    map[string]*Compliance
	durations map[string][]float64
	labels    map[string]string // stage key -> name
	order     []string          // stage keys in the order first seen in the workflow
}

// NewBuilder starts a recap; stageOrder lists the stages with deadlines in
// workflow order, so the per-stage tables follow the SOP.
func NewBuilder(r Recap, stageOrder []string) *Builder {
	b := &Builder{r: r, now: r.GeneratedAt, stage: map[string]*Compliance{}, agency: map[string]*Compliance{},
		durations: map[string][]float64{}, labels: map[string]string{}, order: stageOrder}
	for i := range b.counts {
		b.counts[i] = map[string]*Count{}
	}
	return b
}

func bump(m map[string]*Count, key, label string) {
	c, ok := m[key]
	if !ok {
		c = &Count{Key: key, Label: label}
		m[key] = c
	}
	c.N++
}

// Add counts one report of the period.
func (b *Builder) Add(rec Record) {
	b.r.Total++
	if rec.Open {
		b.r.Open++
	}
	bump(b.counts[0], rec.Type, rec.TypeName)
	bump(b.counts[1], rec.Stage, rec.StageName)
	bump(b.counts[2], rec.AgencyCode, rec.Agency)
	bump(b.counts[3], rec.KecamatanCode, rec.Kecamatan)
	bump(b.counts[4], rec.Category, rec.CategoryName)
	for _, s := range rec.Stints {
		b.labels[s.Stage] = s.StageName
		met, ok := s.Met(b.now)
		add := func(m map[string]*Compliance, key, label string) {
			c, found := m[key]
			if !found {
				c = &Compliance{Key: key, Label: label}
				m[key] = c
			}
			switch {
			case !ok:
				c.Running++
			case met:
				c.Met++
			default:
				c.Missed++
			}
		}
		add(b.stage, s.Stage, s.StageName)
		if s.Stage == "at_agency" && rec.AgencyCode != "" {
			add(b.agency, rec.AgencyCode, rec.Agency)
		}
		if !s.Left.IsZero() {
			b.durations[s.Stage] = append(b.durations[s.Stage], s.Days)
		}
	}
}

// AddOldest lists a report still open among the oldest (the caller gives
// them oldest first).
func (b *Builder) AddOldest(item OpenItem) { b.r.Oldest = append(b.r.Oldest, item) }

// Recap returns the totals: breakdowns largest first, stages in workflow
// order, agencies by compliance (worst first).
func (b *Builder) Recap() Recap {
	r := b.r
	sorted := func(m map[string]*Count) []Count {
		out := make([]Count, 0, len(m))
		for _, c := range m {
			out = append(out, *c)
		}
		slices.SortFunc(out, func(x, y Count) int {
			return cmp.Or(cmp.Compare(y.N, x.N), cmp.Compare(x.Label, y.Label))
		})
		return out
	}
	r.ByType, r.ByStage, r.ByAgency, r.ByKecamatan = sorted(b.counts[0]), sorted(b.counts[1]), sorted(b.counts[2]), sorted(b.counts[3])
	r.ByCategory = sorted(b.counts[4])
	rank := func(stage string) int {
		if i := slices.Index(b.order, stage); i >= 0 {
			return i
		}
		return len(b.order)
	}
	for _, c := range b.stage {
		r.StageCompliance = append(r.StageCompliance, *c)
	}
	slices.SortFunc(r.StageCompliance, func(x, y Compliance) int {
		return cmp.Or(cmp.Compare(rank(x.Key), rank(y.Key)), cmp.Compare(x.Key, y.Key))
	})
	for _, c := range b.agency {
		r.AgencyCompliance = append(r.AgencyCompliance, *c)
	}
	slices.SortFunc(r.AgencyCompliance, func(x, y Compliance) int {
		return cmp.Or(cmp.Compare(x.Rate(), y.Rate()), cmp.Compare(y.Missed, x.Missed), cmp.Compare(x.Label, y.Label))
	})
	for stage, ds := range b.durations {
		r.MedianDays = append(r.MedianDays, Median{Key: stage, Label: b.labels[stage], Days: median(ds), N: len(ds)})
	}
	slices.SortFunc(r.MedianDays, func(x, y Median) int {
		return cmp.Or(cmp.Compare(rank(x.Key), rank(y.Key)), cmp.Compare(x.Key, y.Key))
	})
	return r
}

func median(xs []float64) float64 {
	if len(xs) == 0 {
		return 0
	}
	s := slices.Clone(xs)
	slices.Sort(s)
	n := len(s)
	if n%2 == 1 {
		return s[n/2]
	}
	return (s[n/2-1] + s[n/2]) / 2
}
