package flows

import (
	"context"
	"errors"
	"fmt"

	"github.com/lapor-id/lapor/flows/media"
	"github.com/lapor-id/lapor/flows/records"
	"github.com/lapor-id/lapor/store"
)

// Documents a regency signs and keeps (issue 17 §2): a printed report
// carries the agencies' answers and follow-ups whole, with their photos.

// responses are a report's answers and follow-ups as a record holds them
// (whole: Record.For takes away what the audience may not see).
func (m *recordMaker) responses(in []store.Response) []records.Response {
	if len(in) == 0 {
		return nil
	}
	l := m.lang
	out := make([]records.Response, len(in))
	for i, r := range in {
		rsp := records.Response{Kind: r.Kind, KindName: textOr(l, "doc.kind."+r.Kind, r.Kind), Round: r.Round,
			Agency: m.agencyName(r.AgencyCode), Officer: r.AuthorName, At: r.SubmittedAt, Status: r.Status,
			Reason: r.Reason, Body: r.Body}
		if r.Status != "" {
			rsp.StatusName = textOr(l, "doc.fu."+r.Status, r.Status)
		}
		for _, f := range r.Files {
			rsp.Attachments = append(rsp.Attachments, records.Attachment{ID: f.ID, Name: f.OriginalName, MIME: f.MIMEType,
				Kind: f.Kind, Size: f.Size})
		}
		out[i] = rsp
	}
	return out
}

// thumbnails gives the images of a printed record — the evidence and the
// agencies' files — their thumbnails (re-encoded, so without metadata), one
// image in memory at a time; an image too large to decode safely is marked
// so. Withheld files get none.
func (s *Service) thumbnails(ctx context.Context, tx *store.Tx, rec *records.Record) error {
	var atts []*records.Attachment
	for i := range rec.Attachments {
		atts = append(atts, &rec.Attachments[i])
	}
	for i := range rec.Responses {
		for j := range rec.Responses[i].Attachments {
			atts = append(atts, &rec.Responses[i].Attachments[j])
		}
	}
	var ids []int64
	for _, a := range atts {
		if a.IsImage() && !a.Withheld {
			ids = append(ids, a.ID)
		}
	}
	if len(ids) == 0 {
		return nil
	}
	blobs, err := tx.AttachmentBlobs(ctx, ids)
	if err != nil {
		return err
	}
	for _, a := range atts {
		blob := blobs[a.ID]
		if blob == 0 || !a.IsImage() || a.Withheld {
			continue
		}
		data, err := tx.ReadBlob(ctx, blob)
		if err != nil {
			return err
		}
		thumb, err := media.Thumbnail(ctx, data, 480)
		switch {
		case err == nil:
			a.Thumb = thumb
		case errors.Is(err, media.ErrTooLarge):
			a.TooLarge = true
		case ctx.Err() != nil:
			return ctx.Err()
		}
	}
	return nil
}

// ExportName is an export's file name: its period, who it is for, and for
// an agency's own export which agency ("lapor-20261101-20261130-agency-pupr.xlsx").
func ExportName(p Period, rd Readers, format string) string {
	who := rd.Audience.String()
	if rd.Audience == records.Agency && rd.Agency != "" {
		who += "-" + rd.Agency
	}
	return fmt.Sprintf("lapor-%s-%s-%s.%s", p.From.Format("20060102"), p.To.AddDate(0, 0, -1).Format("20060102"), who, format)
}
