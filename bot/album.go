package bot

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"github.com/lapor-id/lapor/flows"
	"github.com/lapor-id/lapor/store"
)

// deliverAlbum sends an album (flows.Outbound.Album): its photos cleaned
// as one would be, then in one call on a channel with albums, or one by
// one (each split as the channel splits a message) elsewhere. A photo
// that cannot be shown (its metadata cannot be removed) becomes its text
// line after the album. Parts sent are counted like a split message's,
// so a resumed delivery sends the rest.
func (d *Dispatcher) deliverAlbum(ctx context.Context, m store.Outgoing, msg flows.Outbound, log *slog.Logger) {
	leaseEnd := m.LeaseUntil
	if leaseEnd.IsZero() {
		leaseEnd = d.o.Now().Add(d.o.Lease)
	}
	margin := min(2*time.Second, d.o.Lease/4)
	prep, cancel := context.WithTimeout(ctx, d.o.Lease-margin)
	var photos, lines []Part
	var held []*File
	defer func() {
		for _, f := range held {
			f.release()
		}
	}()
	for _, it := range msg.Album {
		one := flows.Outbound{Text: it.Caption, AttachmentID: it.AttachmentID, FileName: it.FileName, StripMetadata: msg.StripMetadata}
		f, err := d.file(prep, &one, log)
		if err != nil {
			cancel()
			if ctx.Err() == nil && prep.Err() != nil {
				log.Info("album not ready within the lease; the message is given back", "err", err)
				d.record(ctx, d.db.RetryOutgoing(context.WithoutCancel(ctx), m.ID, d.o.Now(), "album not ready within the lease"))
				return
			}
			d.retry(ctx, m, err, log)
			return
		}
		if f == nil {
			lines = append(lines, d.ch.Split(one, nil)...)
			continue
		}
		held = append(held, f)
		photos = append(photos, Part{Text: one.Text, Caption: true, File: f})
	}
	cancel()
	// Each step is one platform call: the album, or each photo and line.
	var steps [][]Part
	if _, ok := d.ch.(AlbumSender); ok && len(photos) >= 2 {
		steps = append(steps, photos)
	} else {
		for _, p := range photos {
			for _, part := range d.ch.Split(flows.Outbound{Text: p.Text}, p.File) {
				steps = append(steps, []Part{part})
			}
		}
	}
	for _, l := range lines {
		steps = append(steps, []Part{l})
	}
	claim := d.renew(ctx, m, log)
	defer claim.stop()
	group := d.ch.IsGroup(m.ChatID)
	for i := m.PartsSent; i < len(steps); i++ {
		if claim.lost.Load() {
			log.Warn("the message's lease was lost (this process stalled); the replica that claimed it sends the rest", "parts_sent", i)
			return
		}
		if until := d.holdNow(); until.After(d.o.Now()) {
			d.record(ctx, d.db.RetryOutgoing(context.WithoutCancel(ctx), m.ID, until, ""))
			return
		}
		for range steps[i] { // an album counts as many messages as it has photos
			at, ok, err := d.pace.wait(ctx, m.ChatID, group, d.o.Now, leaseEnd.Add(-2*time.Second))
			if err != nil {
				d.release(m)
				return
			}
			if !ok {
				d.record(ctx, d.db.RetryOutgoing(context.WithoutCancel(ctx), m.ID, at, ""))
				return
			}
		}
		for j := range steps[i] {
			steps[i][j].Key = fmt.Sprintf("%d.%d.%d", m.ID, i, j)
		}
		var err error
		if len(steps[i]) > 1 {
			err = d.ch.(AlbumSender).SendAlbum(context.WithoutCancel(ctx), m.ChatID, steps[i])
		} else {
			err = d.ch.Send(context.WithoutCancel(ctx), m.ChatID, steps[i][0])
		}
		if err != nil {
			d.failed(ctx, m, err, log)
			return
		}
		if i+1 < len(steps) {
			d.record(ctx, d.db.MarkPartSent(context.WithoutCancel(ctx), m.ID, i+1))
		}
	}
	d.record(ctx, d.db.MarkSent(context.WithoutCancel(ctx), m.ID, d.o.Now()))
}
