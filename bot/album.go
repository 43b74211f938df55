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
	for i := range steps {
		for j := range steps[i] {
			steps[i][j].Key = fmt.Sprintf("%d.%d.%d", m.ID, i, j)
		}
	}
	d.sendSteps(ctx, m, leaseEnd, claim, steps, func(_ int, step []Part) error {
		if len(step) > 1 {
			return d.ch.(AlbumSender).SendAlbum(context.WithoutCancel(ctx), m.ChatID, step)
		}
		return d.ch.Send(context.WithoutCancel(ctx), m.ChatID, step[0])
	}, log)
}
