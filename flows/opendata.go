package flows

import (
	"context"
	"errors"
	"strings"

	"github.com/lapor-id/lapor/flows/open311"
	"github.com/lapor-id/lapor/flows/records"
	"github.com/lapor-id/lapor/store"
)

// openData serves Open311 from the database: public records only (no
// confidential report, no identity, blurred pins of anonymous reports).
type openData struct {
	s    *Service
	lang Lang
}

// OpenData is the service's open data for the Open311 endpoints.
func (s *Service) OpenData(lang Lang) open311.Source { return openData{s, lang} }

func (d openData) Services(ctx context.Context) ([]open311.Service, error) {
	var out []open311.Service
	for _, t := range reportTypes {
		out = append(out, open311.Service{Code: t, Name: T(d.lang, "type."+t), Description: T(d.lang, "open311."+t),
			Group: "LAPOR! SP4N", Keywords: strings.Fields(T(d.lang, "open311.keywords."+t))})
	}
	return out, nil
}

func (d openData) Requests(ctx context.Context, q open311.Query) ([]records.Record, error) {
	f := store.HistoryFilter{TrackingIDs: upper(q.IDs), Types: q.ServiceCodes, NewestFirst: true, Limit: q.Limit}
	if !q.Start.IsZero() {
		f.From = q.Start
	}
	if !q.End.IsZero() {
		f.To = q.End.Add(1) // the query's end is inclusive
	}
	switch q.Status {
	case "open":
		for _, st := range Stages {
			if !st.Final() {
				f.Stages = append(f.Stages, string(st))
			}
		}
	case "closed":
		f.Stages = []string{string(StageClosed), string(StageArchived)}
	}
	var out []records.Record
	err := d.s.db.InTx(ctx, func(tx *store.Tx) error {
		return d.s.eachRecord(ctx, tx, f, PublicReaders, d.lang, func(rec records.Record) error {
			out = append(out, rec)
			return nil
		})
	})
	return out, err
}

func (d openData) Request(ctx context.Context, id string) (records.Record, error) {
	var rec records.Record
	err := d.s.db.InTx(ctx, func(tx *store.Tx) error {
		var err error
		rec, err = d.s.record(ctx, tx, strings.ToUpper(id), PublicReaders, d.lang, false)
		return err
	})
	if errors.Is(err, ErrNoReport) {
		return rec, open311.ErrNotFound
	}
	return rec, err
}

func upper(ids []string) []string {
	out := make([]string, len(ids))
	for i, s := range ids {
		out[i] = strings.ToUpper(s)
	}
	return out
}
