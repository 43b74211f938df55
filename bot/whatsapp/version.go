package whatsapp

import (
	"context"
	"fmt"
	"net/http"
	"sync"

	"go.mau.fi/whatsmeow"
	"go.mau.fi/whatsmeow/store"
)

// WhatsApp refuses a linked device whose advertised WhatsApp Web version
// is too old (connect failure 405, "client outdated"), every few months.
// whatsmeow advertises the version its commit was built against; lapor
// asks WhatsApp for the current one when it starts and after a 405, and
// advertises the newer of the two, so an old build keeps working until
// the protocol itself changes (then only a whatsmeow update helps: see
// README, "Updating whatsmeow").

// VersionSource tells the WhatsApp Web version WhatsApp serves now, as
// "2.3000.1027069013". WebVersion is the real one; tests use their own.
type VersionSource func(ctx context.Context) (string, error)

// WebVersion reads the current version from WhatsApp's web page, as
// whatsmeow.GetLatestVersion does; a nil client means http.DefaultClient.
func WebVersion(client *http.Client) VersionSource {
	return func(ctx context.Context) (string, error) {
		v, err := whatsmeow.GetLatestVersion(ctx, client)
		if err != nil {
			return "", err
		}
		return v.String(), nil
	}
}

// versionMu guards whatsmeow's version, a package variable whatsmeow reads
// while it connects: lapor changes it only while no client of this
// process is connecting.
var versionMu sync.Mutex

// pinnedVersion is the version of the whatsmeow commit lapor is built with.
var pinnedVersion = store.GetWAVersion()

// PinnedVersion is the WhatsApp Web version the built-in whatsmeow
// advertises.
func PinnedVersion() string { return pinnedVersion.String() }

// CurrentVersion is the WhatsApp Web version this process advertises.
func CurrentVersion() string {
	versionMu.Lock()
	defer versionMu.Unlock()
	return store.GetWAVersion().String()
}

// ParseVersion checks a version as written in LAPOR_WHATSAPP_VERSION.
func ParseVersion(s string) error {
	_, err := parseVersion(s)
	return err
}

func parseVersion(s string) (store.WAVersionContainer, error) {
	v, err := store.ParseVersion(s)
	if err == nil && v.IsZero() {
		err = fmt.Errorf("version %q is zero", s)
	}
	return v, err
}

// AdvertiseVersion chooses the version whatsmeow advertises, before a
// connection: override when set (LAPOR_WHATSAPP_VERSION), otherwise the
// current one from src when it is newer than the built-in one. It returns
// the version advertised; an error means the built-in one stays (the
// caller logs it and goes on).
func AdvertiseVersion(ctx context.Context, override string, src VersionSource) (string, error) {
	if override != "" {
		v, err := parseVersion(override)
		if err != nil {
			return CurrentVersion(), fmt.Errorf("whatsapp: LAPOR_WHATSAPP_VERSION: %w", err)
		}
		setVersion(v)
		return v.String(), nil
	}
	if src == nil {
		return CurrentVersion(), nil
	}
	v, _, err := raiseVersion(ctx, src)
	return v, err
}

// setVersion makes whatsmeow advertise v.
func setVersion(v store.WAVersionContainer) {
	versionMu.Lock()
	defer versionMu.Unlock()
	store.SetWAVersion(v)
}

// raiseVersion asks src for the current version and advertises it when it
// is newer than the one advertised now. It reports the version advertised
// afterwards and whether it changed.
func raiseVersion(ctx context.Context, src VersionSource) (string, bool, error) {
	s, err := src(ctx)
	if err != nil {
		return CurrentVersion(), false, fmt.Errorf("whatsapp: current WhatsApp Web version: %w", err)
	}
	v, err := parseVersion(s)
	if err != nil {
		return CurrentVersion(), false, fmt.Errorf("whatsapp: WhatsApp Web version: %w", err)
	}
	versionMu.Lock()
	defer versionMu.Unlock()
	if !store.GetWAVersion().LessThan(v) {
		return store.GetWAVersion().String(), false, nil
	}
	store.SetWAVersion(v)
	return v.String(), true, nil
}
