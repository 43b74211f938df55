package whatsapp

import (
	"context"
	"errors"
	"testing"

	"go.mau.fi/whatsmeow"
	"go.mau.fi/whatsmeow/proto/waAdv"
	"go.mau.fi/whatsmeow/proto/waE2E"
	"go.mau.fi/whatsmeow/types"
	"google.golang.org/protobuf/proto"

	lstore "github.com/lapor-id/lapor/store"
)

func TestOpenStoreInItsOwnSchema(t *testing.T) {
	ctx := context.Background()
	url := pg.NewDatabase(t)
	for i := 0; i < 2; i++ { // opening again migrates nothing and fails nothing
		c, err := OpenStore(ctx, url, nil)
		if err != nil {
			t.Fatal(err)
		}
		dev, err := c.GetFirstDevice(ctx)
		if err != nil || dev.ID != nil {
			t.Fatalf("fresh store: %v %v", dev.ID, err)
		}
		if _, err := Dialer(c, nil)(ctx); !errors.Is(err, ErrNotLinked) {
			t.Fatalf("connect without a linked account: %v", err)
		}
		if err := c.Close(); err != nil {
			t.Fatal(err)
		}
	}
	db, err := lstore.Open(ctx, url, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	// Division by zero unless the count is right.
	if err := db.Exec(ctx, `SELECT 1 / (count(*) FILTER (WHERE table_schema = 'whatsmeow'))::int
		/ (1 - count(*) FILTER (WHERE table_schema <> 'whatsmeow'))::int
		FROM information_schema.tables WHERE table_name = 'whatsmeow_device'`); err != nil {
		t.Fatalf("whatsmeow_device is not (only) in schema whatsmeow: %v", err)
	}
}

// The LID map of the real store resolves a phone-number JID to the LID.
func TestStoreLIDMapResolvesIdentity(t *testing.T) {
	ctx := context.Background()
	c, err := OpenStore(ctx, pg.NewDatabase(t), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	// A linked device's Store.LIDs is this map.
	if err := c.LIDMap.PutLIDMapping(ctx, citizenLID, citizenPN); err != nil {
		t.Fatal(err)
	}
	ch := New(nil, nil, Options{LIDs: c.LIDMap})
	pnDevice := types.JID{User: citizenPN.User, Device: 2, Server: types.DefaultUserServer}
	in := translateOK(t, ch, newMsg(citizenPN, pnDevice, types.JID{}, "L1", &waE2E.Message{Conversation: proto.String("halo")}))
	if in.ChatID != citizenLID.String() || in.Username != citizenPN.String() {
		t.Fatalf("chat %q username %q", in.ChatID, in.Username)
	}
}

func TestCanonicalID(t *testing.T) {
	ctx := context.Background()
	ch := New(nil, nil, Options{LIDs: fakeLIDs{pn2lid: map[types.JID]types.JID{citizenPN: citizenLID}}})
	for in, want := range map[string]string{
		"6281234567890@s.whatsapp.net":   citizenLID.String(),
		"6281234567890:3@s.whatsapp.net": citizenLID.String(),
		"6289999999999@s.whatsapp.net":   "6289999999999@s.whatsapp.net",
		"123456789012345@lid":            citizenLID.String(),
		"120363012345678901@g.us":        officers.String(),
	} {
		if got, err := ch.CanonicalID(ctx, in); err != nil || got != want {
			t.Errorf("%s: %q %v, want %q", in, got, err, want)
		}
	}
}

// A login made by another process (lapor whatsapp-login while serve runs)
// is found by the serving process's Dialer, and a logout (whatsmeow
// deletes the device) is seen too.
func TestDialerSeesLoginsOfOtherProcesses(t *testing.T) {
	ctx := context.Background()
	url := pg.NewDatabase(t)
	serving, err := OpenStore(ctx, url, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer serving.Close()
	open := Dialer(serving, nil)
	if _, err := open(ctx); !errors.Is(err, ErrNotLinked) {
		t.Fatalf("empty store: %v", err)
	}
	login, err := OpenStore(ctx, url, nil) // the other process
	if err != nil {
		t.Fatal(err)
	}
	defer login.Close()
	dev := login.NewDevice()
	id := types.JID{User: "6281234567890", Device: 7, Server: types.DefaultUserServer}
	dev.ID = &id
	dev.Account = &waAdv.ADVSignedDeviceIdentity{Details: []byte("details"), AccountSignature: make([]byte, 64),
		AccountSignatureKey: make([]byte, 32), DeviceSignature: make([]byte, 64)}
	if err := login.PutDevice(ctx, dev); err != nil {
		t.Fatal(err)
	}
	conn, err := open(ctx)
	if err != nil {
		t.Fatalf("after the login: %v", err)
	}
	cli := conn.(*whatsmeow.Client)
	if cli.Store.ID == nil || *cli.Store.ID != id || !cli.SynchronousAck || cli.IsConnected() {
		t.Fatalf("client of %v (synchronous ack %v, connected %v)", cli.Store.ID, cli.SynchronousAck, cli.IsConnected())
	}
	if err := dev.Delete(ctx); err != nil { // what whatsmeow does on LoggedOut
		t.Fatal(err)
	}
	if _, err := open(ctx); !errors.Is(err, ErrNotLinked) {
		t.Fatalf("after the logout: %v", err)
	}
}
