package store_test

import (
	"context"
	"errors"
	"testing"

	"github.com/lapor-id/lapor/store"
)

// Titles are unique per owner whatever their case; a clash leaves the
// transaction usable; deleting is scoped to the owner.
func TestTemplatesPerOwner(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db := pg.NewDB(t)
	var pupr, regency store.Template
	err := db.InTx(ctx, func(tx *store.Tx) error {
		for _, code := range []string{"pupr", "dinkes"} {
			if err := tx.PutAgency(ctx, store.Agency{Code: code, Name: code, Active: true}, t0); err != nil {
				return err
			}
		}
		pupr = store.Template{AgencyCode: "pupr", Title: "Jalan", Body: "isi {nomor}", CreatedBy: "1 Rina", CreatedAt: t0}
		if err := tx.AddTemplate(ctx, &pupr); err != nil {
			return err
		}
		if err := tx.AddTemplate(ctx, &store.Template{AgencyCode: "pupr", Title: "JALAN", Body: "lain", CreatedAt: t0}); !errors.Is(err, store.ErrConflict) {
			t.Errorf("same title, other case: %v, want a conflict", err)
		}
		// The transaction goes on after the clash.
		regency = store.Template{Title: "Jalan", Body: "kabupaten", CreatedAt: t0}
		if err := tx.AddTemplate(ctx, &regency); err != nil {
			return err
		}
		if err := tx.AddTemplate(ctx, &store.Template{Title: "jalan", Body: "lagi", CreatedAt: t0}); !errors.Is(err, store.ErrConflict) {
			t.Errorf("regency title twice: %v, want a conflict", err)
		}
		return tx.AddTemplate(ctx, &store.Template{AgencyCode: "dinkes", Title: "Jalan", Body: "dinkes", CreatedAt: t0})
	})
	if err != nil {
		t.Fatal(err)
	}
	err = db.InTx(ctx, func(tx *store.Tx) error {
		list, err := tx.Templates(ctx, "pupr", "")
		if err != nil {
			return err
		}
		if len(list) != 2 || list[0].ID != pupr.ID || list[1].ID != regency.ID || list[1].AgencyCode != "" || list[0].Body != "isi {nomor}" {
			t.Errorf("pupr sees %+v", list)
		}
		if err := tx.DeleteTemplate(ctx, pupr.ID, "dinkes"); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("dinkes deleting pupr's: %v", err)
		}
		if err := tx.DeleteTemplate(ctx, regency.ID, "pupr"); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("pupr deleting the regency's: %v", err)
		}
		if err := tx.DeleteTemplate(ctx, pupr.ID, "pupr"); err != nil {
			return err
		}
		if _, err := tx.TemplateByID(ctx, pupr.ID); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("deleted template: %v", err)
		}
		got, err := tx.TemplateByID(ctx, regency.ID)
		if err != nil || got.Title != "Jalan" || got.AgencyCode != "" || got.CreatedAt.IsZero() {
			t.Errorf("regency template %+v %v", got, err)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}
