package whatsapp

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/stdlib"
	"github.com/mdp/qrterminal/v3"
	"go.mau.fi/whatsmeow"
	wastore "go.mau.fi/whatsmeow/store"
	"go.mau.fi/whatsmeow/store/sqlstore"
	waLog "go.mau.fi/whatsmeow/util/log"
)

// Schema holds whatsmeow's own tables (whatsmeow_*), which whatsmeow
// migrates itself. One whatsmeow install per database: its migration
// helper looks tables up without a schema filter (reference/whatsmeow.md
// §2.3), so never create whatsmeow_* tables anywhere else in it.
const Schema = "whatsmeow"

// ErrNotLinked means the device store holds no linked WhatsApp account:
// run the login (QR code or pairing code) first.
var ErrNotLinked = errors.New("whatsapp: no linked WhatsApp account; run the WhatsApp login first")

// deviceName is what the phone lists under "Linked devices".
const deviceName = "Lapor"

// OpenStore opens whatsmeow's device store in schema "whatsmeow" of the
// PostgreSQL database at url, through pgx's database/sql driver, creating
// the schema and migrating its tables. Close the container when done.
func OpenStore(ctx context.Context, url string, log *slog.Logger) (*sqlstore.Container, error) {
	cfg, err := pgx.ParseConfig(url)
	if err != nil {
		return nil, fmt.Errorf("whatsapp: database url: %w", err)
	}
	if cfg.RuntimeParams == nil {
		cfg.RuntimeParams = map[string]string{}
	}
	cfg.RuntimeParams["search_path"] = Schema // every connection of this pool
	db := stdlib.OpenDB(*cfg)
	db.SetMaxOpenConns(8)
	// "pgx" is both the driver's name and a Postgres dialect to whatsmeow.
	container := sqlstore.NewWithDB(db, "pgx", logAdapter(log, "Database"))
	if err := migrateLocked(ctx, db, container); err != nil {
		_ = db.Close()
		return nil, err
	}
	return container, nil
}

// migrateLockKey names the advisory lock around whatsmeow's migrations.
const migrateLockKey = "lapor-whatsmeow-migrate"

// migrateLocked creates the schema and runs whatsmeow's migrations while
// holding a session advisory lock: whatsmeow takes none, and replicas that
// start together would otherwise create the same tables at once and fail.
func migrateLocked(ctx context.Context, db *sql.DB, container *sqlstore.Container) error {
	conn, err := db.Conn(ctx)
	if err != nil {
		return fmt.Errorf("whatsapp: device store: %w", err)
	}
	defer conn.Close()
	if _, err := conn.ExecContext(ctx, "SELECT pg_advisory_lock(hashtext($1))", migrateLockKey); err != nil {
		return fmt.Errorf("whatsapp: lock for the device store's migrations: %w", err)
	}
	defer func() {
		uctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
		defer cancel()
		_, _ = conn.ExecContext(uctx, "SELECT pg_advisory_unlock(hashtext($1))", migrateLockKey)
	}()
	if _, err := conn.ExecContext(ctx, "CREATE SCHEMA IF NOT EXISTS "+pgx.Identifier{Schema}.Sanitize()); err != nil {
		return fmt.Errorf("whatsapp: create schema: %w", err)
	}
	if err := container.Upgrade(ctx); err != nil { // NewWithDB does not migrate
		return fmt.Errorf("whatsapp: migrate device store: %w", err)
	}
	return nil
}

// newClient is a client with the settings the channel relies on.
func newClient(ctx context.Context, device *wastore.Device, log *slog.Logger) *whatsmeow.Client {
	cli := whatsmeow.NewClient(device, logAdapter(log, "Client"))
	cli.SynchronousAck = true             // acknowledge only after HandleEvent returned true
	cli.EnableDecryptedEventBuffer = true // a redelivered message is replayed, not decrypted twice
	cli.UseRetryMessageStore = true       // answer retry receipts after a restart
	cli.AutomaticMessageRerequestFromPhone = true
	// Old chats from the phone are not needed, so they are not downloaded;
	// but the phone waits for the receipt of each history-sync notice (and
	// sends it again without one), so whatsmeow still acknowledges them.
	cli.ManualHistorySyncDownload = true
	cli.DisableManualHistorySyncReceipt = false
	cli.InitialAutoReconnect = true
	cli.BackgroundEventCtx = ctx
	return cli
}

// Dialer is the Opener of the account linked in container. Each call reads
// the device store again, so an account linked after a logout, by this
// process or another one (lapor whatsapp-login), is found. Wiring (run the
// supervisor in one process per number, under a Postgres advisory lock):
//
//	ch := whatsapp.New(nil, inbox, whatsapp.Options{LIDs: container.LIDMap, …})
//	sup := whatsapp.NewSupervisor(ch, whatsapp.SupervisorOptions{
//		Open: whatsapp.Dialer(container, log), Versions: whatsapp.WebVersion(nil)})
//	err := sup.Run(ctx)
func Dialer(container *sqlstore.Container, log *slog.Logger) Opener {
	return func(ctx context.Context) (Conn, error) {
		device, err := container.GetFirstDevice(ctx)
		if err != nil {
			return nil, fmt.Errorf("whatsapp: load device: %w", err)
		}
		if device.ID == nil {
			return nil, ErrNotLinked
		}
		return newClient(ctx, device, log), nil
	}
}

// Login links a WhatsApp account to the store: it draws QR codes on w
// until one is scanned (WhatsApp > Linked devices > Link a device), or,
// when phone is set (international digits, e.g. 6281234567890), prints a
// pairing code to enter on that phone instead. An account already linked
// is left as it is.
func Login(ctx context.Context, container *sqlstore.Container, w io.Writer, phone string, log *slog.Logger) error {
	wastore.SetOSInfo(deviceName, [3]uint32{1, 0, 0})
	device, err := container.GetFirstDevice(ctx)
	if err != nil {
		return fmt.Errorf("whatsapp: load device: %w", err)
	}
	if device.ID != nil {
		fmt.Fprintln(w, "WhatsApp is already linked; to link another account, unlink this device on the phone first.")
		return nil
	}
	cli := newClient(ctx, device, log)
	cli.InitialAutoReconnect = false
	qr, err := cli.GetQRChannel(ctx) // before Connect
	if err != nil {
		return fmt.Errorf("whatsapp: login: %w", err)
	}
	if err := cli.ConnectContext(ctx); err != nil {
		return fmt.Errorf("whatsapp: connect: %w", err)
	}
	defer cli.Disconnect()
	requested := false
	for item := range qr {
		switch {
		case item.Event == whatsmeow.QRChannelEventCode && phone != "":
			if requested {
				continue
			}
			requested = true // the first QR event means the socket is ready
			code, err := cli.PairPhone(ctx, phone, true, whatsmeow.PairClientChrome, "Chrome (Linux)")
			if err != nil {
				return fmt.Errorf("whatsapp: pairing code: %w", err)
			}
			fmt.Fprintf(w, "On the phone: WhatsApp > Linked devices > Link with phone number, enter: %s\n", code)
		case item.Event == whatsmeow.QRChannelEventCode:
			qrterminal.GenerateHalfBlock(item.Code, qrterminal.L, w)
			fmt.Fprintf(w, "Scan with WhatsApp > Linked devices > Link a device (expires in %s)\n", item.Timeout)
		case item == whatsmeow.QRChannelSuccess:
			fmt.Fprintln(w, "WhatsApp linked.")
			return nil
		case item.Event == whatsmeow.QRChannelEventError:
			return fmt.Errorf("whatsapp: login: %w", item.Error)
		default:
			return fmt.Errorf("whatsapp: login ended: %s", item.Event)
		}
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	return errors.New("whatsapp: login ended without linking")
}

// logAdapter passes whatsmeow's log to slog. whatsmeow's info lines name
// chats and users, so they go to debug: phone numbers stay out of the info
// log.
func logAdapter(log *slog.Logger, module string) waLog.Logger {
	if log == nil {
		return waLog.Noop
	}
	return slogLogger{log.With("module", "whatsmeow/"+module)}
}

type slogLogger struct{ l *slog.Logger }

func (s slogLogger) Errorf(msg string, args ...any) { s.l.Error(fmt.Sprintf(msg, args...)) }
func (s slogLogger) Warnf(msg string, args ...any)  { s.l.Warn(fmt.Sprintf(msg, args...)) }
func (s slogLogger) Infof(msg string, args ...any)  { s.l.Debug(fmt.Sprintf(msg, args...)) }
func (s slogLogger) Debugf(msg string, args ...any) {
	if s.l.Enabled(context.Background(), slog.LevelDebug) {
		s.l.Debug(fmt.Sprintf(msg, args...))
	}
}
func (s slogLogger) Sub(module string) waLog.Logger { return slogLogger{s.l.With("sub", module)} }

var _ LIDResolver = (wastore.LIDStore)(nil)
