package store

import (
	"context"
	"encoding/json"
	"time"
)

// Response is what an agency sent on a report, as a printout shows it:
// a submitted answer (tanggapan) or a follow-up that left its draft (respon
// awal, tindak lanjut), with the files the liaison officer attached.
type Response struct {
	Kind        string // answer, first_response, progress
	ID          int64  // the answer's or the follow-up's id
	Round       int
	AgencyCode  string
	AuthorName  string
	Body        string
	Status      string // a follow-up's: pending, sent, returned; "" for an answer
	Reason      string // why an admin sent a follow-up back
	SubmittedAt time.Time
	Files       []Attachment // without their bytes; BlobID set
}

// responsesColumn is EachHistory's column of a report's responses: its
// submitted answers and its follow-ups past the draft, oldest first, each
// with its files. Answer and follow-up files have no report_id (they are
// bound by answer_id and followup_id).
const responsesColumn = `(SELECT coalesce(json_agg(x ORDER BY x.at, x.kind, x.id), '[]') FROM (
		SELECT 'answer' AS kind, a.id, a.round, a.agency_code AS agency, a.author_name AS author, a.body,
			'' AS status, '' AS reason, a.submitted_at AS at,
			(SELECT coalesce(json_agg(json_build_object('id', f.id, 'kind', f.kind, 'name', f.original_name,
				'mime', f.mime_type, 'size', f.size_bytes, 'blob', f.blob_id) ORDER BY f.id), '[]')
			 FROM attachments f WHERE f.answer_id = a.id) AS files
		FROM answers a WHERE a.report_id = r.id AND a.submitted_at IS NOT NULL
		UNION ALL
		SELECT u.kind, u.id, u.round, u.agency_code, u.author_name, u.body, u.status, u.reason, u.submitted_at,
			(SELECT coalesce(json_agg(json_build_object('id', f.id, 'kind', f.kind, 'name', f.original_name,
				'mime', f.mime_type, 'size', f.size_bytes, 'blob', f.blob_id) ORDER BY f.id), '[]')
			 FROM attachments f WHERE f.followup_id = u.id)
		FROM followups u WHERE u.report_id = r.id AND u.status <> 'draft') x)`

func decodeResponses(reportID int64, b []byte) ([]Response, error) {
	var raw []struct {
		Kind                                 string
		ID                                   int64
		Round                                int
		Agency, Author, Body, Status, Reason string
		At                                   jsonTime
		Files                                []struct {
			ID               int64
			Kind, Name, MIME string
			Size, Blob       int64
		}
	}
	if err := json.Unmarshal(b, &raw); err != nil {
		return nil, err
	}
	out := make([]Response, len(raw))
	for i, r := range raw {
		out[i] = Response{Kind: r.Kind, ID: r.ID, Round: r.Round, AgencyCode: r.Agency, AuthorName: r.Author, Body: r.Body,
			Status: r.Status, Reason: r.Reason, SubmittedAt: r.At.Time}
		for _, f := range r.Files {
			out[i].Files = append(out[i].Files, Attachment{ID: f.ID, Kind: f.Kind, OriginalName: f.Name, MIMEType: f.MIME,
				Size: f.Size, BlobID: f.Blob})
		}
	}
	return out, nil
}

// AttachmentBlobs maps attachment ids to their blobs' ids (to read the
// bytes of the files a printout shows).
func (tx *Tx) AttachmentBlobs(ctx context.Context, ids []int64) (map[int64]int64, error) {
	rows, err := tx.tx.Query(ctx, `SELECT id, blob_id FROM attachments WHERE id = ANY($1)`, ids)
	if err != nil {
		return nil, mapErr(err)
	}
	defer rows.Close()
	out := make(map[int64]int64, len(ids))
	for rows.Next() {
		var id, blob int64
		if err := rows.Scan(&id, &blob); err != nil {
			return nil, mapErr(err)
		}
		out[id] = blob
	}
	return out, mapErr(rows.Err())
}
