package main

import (
	"context"
	"fmt"
	"os/exec"
	"regexp"
)

var codeRE = regexp.MustCompile(`: ([34679ACDEFHJKMNPRTUVWXY]{8})\n`)

// registerDesks sets the desks up the way a regency does: the first super
// admin from the command line (`lapor admin add`), the other officers and
// the groups through the bot (/petugas, /kode_grup, /daftar_grup).
func (r *Rig) registerDesks(ctx context.Context, ds []Desk) error {
	env := r.laporEnv("127.0.0.1:0", nil)
	cmd := exec.CommandContext(ctx, r.laporBin, "admin", "add", "--telegram-user", "9001", "--role", "super_admin", "--name", "Sari")
	cmd.Env = childEnv(env)
	if out, err := cmd.CombinedOutput(); err != nil {
		return fmt.Errorf("lapor admin add: %v\n%s", err, out)
	}
	admin := NewPerson("setup", 9001, 9001, r.fake, r.watch, r.setupRec, r.opts.Wait)
	for _, d := range ds {
		switch d.Kind {
		case deskRegency:
			if _, err := admin.Do(ctx, action{"text", fmt.Sprintf("/petugas tambah %d regency_admin Budi", d.User), "Budi"}); err != nil {
				return err
			}
		case deskAgency:
			if _, err := admin.Do(ctx, action{"text", fmt.Sprintf("/petugas tambah %d liaison_officer %s Petugas %s", d.User, d.Agency, d.Agency), fmt.Sprint(d.User)}); err != nil {
				return err
			}
		}
	}
	for _, d := range ds {
		desk := d.Kind
		if d.Kind == deskAgency {
			desk = "agency " + d.Agency
		}
		msg, err := admin.Do(ctx, action{"text", "/kode_grup " + desk, "Kode pendaftaran"})
		if err != nil {
			return err
		}
		m := codeRE.FindStringSubmatch(msg.Text)
		if m == nil {
			return fmt.Errorf("no desk code in %q", msg.Text)
		}
		group := NewPerson("setup", d.Group, d.User, r.fake, r.watch, r.setupRec, r.opts.Wait)
		if _, err := group.Do(ctx, action{"text", "/daftar_grup " + m[1], "terdaftar sebagai grup petugas"}); err != nil {
			return err
		}
	}
	r.log.Info("desks registered", "desks", len(ds))
	return nil
}
