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
		for _, st := range Stages {
			if st.Final() {
				f.Stages = append(f.Stages, string(st))
			}
		}
	}
	var out []records.Record
	err := d.s.db.InTx(ctx, func(tx *store.Tx) error {
		return d.s.eachRecord(ctx, tx, f, PublicReaders, d.lang, func(rec records.Record) error {
			out = append(out, publicRecord(rec, d.lang))
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
		rec = publicRecord(rec, d.lang)
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

// publicRecord names the record's stages by their national LAPOR! status
// (flows/publicstatus.go): open data shows "Tindak Lanjut", never the
// internal stage. The stage keys stay, for Open311's own open/closed.
func publicRecord(rec records.Record, lang Lang) records.Record {
	if rec.TrackingID == "" {
		return rec
	}
	rec.StageName = publicStatusName(lang, rec.Stage)
	byName := map[string]string{}
	for _, st := range Stages {
		byName[stageName(lang, st)] = st.Public().Name(lang)
	}
	rec.Timeline = append([]records.Step(nil), rec.Timeline...)
	for i, s := range rec.Timeline {
		if s.From != "" {
			rec.Timeline[i].From = byName[s.From]
		}
		if s.To != "" {
			rec.Timeline[i].To = byName[s.To]
		}
	}
	rec.Stints = append([]records.Stint(nil), rec.Stints...)
	for i, s := range rec.Stints {
		rec.Stints[i].StageName = publicStatusName(lang, s.Stage)
	}
	return rec
}
