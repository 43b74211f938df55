package records

import (
	"os"
	"strings"
	"testing"
)

// whole is a record holding every field, each with a value that cannot
// turn up by accident.
func whole(f Flags) Record {
	lat, lon := -7.61234, 111.45678
	channel := "telegram"
	if f.WalkIn {
		channel = ChannelWalkIn
	}
	return Record{
		TrackingID: "MGT-7K3QFA", Description: "Saluran tersumbat", Title: "judul-laporan", Category: "infrastruktur",
		CategoryName: "Infrastruktur", Anonymous: f.Anonymous, Confidential: f.Confidential,
		Channel: channel, Address: "Jl. Mawar No. 5, rumah Bu Siti", Kecamatan: "Plaosan", Village: "Desa Sidomukti",
		Lat: &lat, Lon: &lon, RatingComment: "komentar-penilaian",
		Reporter: &Reporter{Name: "nama-pelapor", Username: "username-pelapor", Contact: "kontak-pelapor",
			Channel: channel, ChatID: "chat-pelapor"},
		Timeline: []Step{{Kind: "verify", Actor: "Super Admin", Officer: "nama-petugas", Desk: "meja-petugas", Note: "catatan-petugas"}},
		Attachments: []Attachment{
			{ID: 1, Name: "foto_Siti_Rahayu.jpg", MIME: "image/jpeg", Kind: "photo", Thumb: []byte{1}},
			{ID: 2, Name: "KTP_Siti.pdf", MIME: "application/pdf", Kind: "document"},
		},
	}
}

// has says what of field a record shows: the original value, a
// generalised one, or nothing.
func has(rec Record, field Field) Treatment {
	switch field {
	case FieldName, FieldUsername, FieldContact, FieldChatID:
		if rec.Reporter == nil {
			return Withheld
		}
		v := map[Field]string{FieldName: rec.Reporter.Name, FieldUsername: rec.Reporter.Username,
			FieldContact: rec.Reporter.Contact, FieldChatID: rec.Reporter.ChatID}[field]
		if v == "" {
			return Withheld
		}
		return Shown
	case FieldAddress:
		switch rec.Address {
		case "Jl. Mawar No. 5, rumah Bu Siti":
			return Shown
		case "Desa Sidomukti, Kecamatan Plaosan":
			return Generalised
		case "":
			return Withheld
		}
	case FieldPin:
		if rec.Lat == nil && rec.Lon == nil {
			return Withheld
		}
		if *rec.Lat == -7.61234 && *rec.Lon == 111.45678 {
			return Shown
		}
	case FieldFileNames:
		switch {
		case len(rec.Attachments) == 0:
			return Withheld
		case rec.Attachments[0].Name == "foto_Siti_Rahayu.jpg" && rec.Attachments[1].Name == "KTP_Siti.pdf":
			return Shown
		case rec.Attachments[0].Name == "bukti-1.jpg" && rec.Attachments[1].Name == "bukti-2.pdf":
			return Generalised
		}
	case FieldFileContents:
		switch {
		case len(rec.Attachments) == 0:
			return Withheld
		case !rec.Attachments[0].Withheld && len(rec.Attachments[0].Thumb) == 1 && !rec.Attachments[1].Withheld:
			return Shown
		case !rec.Attachments[0].Withheld && rec.Attachments[1].Withheld:
			return Generalised
		}
	case FieldNotes:
		if rec.Timeline[0].Note == "" && rec.RatingComment == "" {
			return Withheld
		}
		if rec.Timeline[0].Note == "catatan-petugas" && rec.RatingComment == "komentar-penilaian" {
			return Shown
		}
	case FieldTitle:
		switch rec.Title {
		case "judul-laporan":
			return Shown
		case "":
			return Withheld
		}
	case FieldCategory:
		switch {
		case rec.Category == "infrastruktur" && rec.CategoryName == "Infrastruktur":
			return Shown
		case rec.Category == "" && rec.CategoryName == "":
			return Withheld
		}
	case FieldOfficers:
		if rec.Timeline[0].Officer == "" && rec.Timeline[0].Desk == "" && !strings.Contains(rec.Timeline[0].Who(), "nama-petugas") {
			return Withheld
		}
		if rec.Timeline[0].Who() == "Super Admin (nama-petugas)" {
			return Shown
		}
	}
	return -1 // something the table has no word for
}

// TestForHoldsTheTable walks every audience, every combination of flags
// and every field: what Record.For leaves is what the table says.
func TestForHoldsTheTable(t *testing.T) {
	t.Parallel()
	for _, a := range Audiences() {
		for bits := range 8 {
			f := Flags{Anonymous: bits&1 != 0, Confidential: bits&2 != 0, WalkIn: bits&4 != 0}
			rec := whole(f).For(a)
			for _, field := range Fields() {
				want := Treat(a, f, field)
				if want == OnRequest {
					want = Withheld // in no output
				}
				if got := has(rec, field); got != want {
					t.Errorf("%s %+v %s: the record shows %v, the table says %v", a, f, field, got, want)
				}
			}
			// For is idempotent: renderers apply it again.
			if again := rec.For(a); has(again, FieldAddress) != has(rec, FieldAddress) ||
				has(again, FieldFileNames) != has(rec, FieldFileNames) {
				t.Errorf("%s %+v: For applied twice differs", a, f)
			}
		}
	}
}

// TestTableInvariants checks what the law and the SOP fix, whatever the
// table's other cells: an anonymous reporter's identity reaches no
// output; the public sees no identity, no evidence and no notes; only
// admins see contact details.
func TestTableInvariants(t *testing.T) {
	t.Parallel()
	identity := []Field{FieldName, FieldUsername, FieldContact, FieldChatID}
	for _, a := range Audiences() {
		for _, field := range identity {
			if got := Treat(a, Flags{Anonymous: true}, field); got != Withheld && got != OnRequest {
				t.Errorf("%s sees an anonymous reporter's %s: %v", a, field, got)
			}
			if a != Admin && field != FieldName {
				if got := Treat(a, Flags{}, field); got != Withheld {
					t.Errorf("%s sees a reporter's %s: %v", a, field, got)
				}
			}
		}
		if got := Treat(a, Flags{WalkIn: true}, FieldContact); a != Admin && got != Withheld {
			t.Errorf("%s sees a walk-in's contact: %v", a, got)
		}
	}
	for _, field := range append(identity, FieldFileNames, FieldFileContents, FieldNotes, FieldOfficers) {
		if got := Treat(Public, Flags{}, field); got != Withheld {
			t.Errorf("the public sees %s: %v", field, got)
		}
	}
	// A confidential report's title is its content in a few words.
	if Treat(Public, Flags{Confidential: true}, FieldTitle) != Withheld {
		t.Error("the public sees a confidential report's title")
	}
	if Treat(Public, Flags{Anonymous: true}, FieldAddress) == Shown || Treat(Public, Flags{Anonymous: true}, FieldPin) == Shown {
		t.Error("the public sees where an anonymous reporter's place is")
	}
}

func TestVisible(t *testing.T) {
	t.Parallel()
	at := Scope{Verified: true, AgencyCode: "pupr"}
	for _, c := range []struct {
		a      Audience
		agency string
		rep    Scope
		want   bool
	}{
		{Admin, "", Scope{}, true},
		{Agency, "pupr", at, true},
		{Agency, "dinkes", at, false},
		{Agency, "", Scope{}, false}, // an agency with no code sees nothing
		{Ombudsman, "", at, false},
		{Ombudsman, "", Scope{Ombudsman: true}, true},
		{Public, "", at, true},
		{Public, "", Scope{Verified: false}, false},
		{Public, "", Scope{Verified: true, Confidential: true}, false},
	} {
		if got := Visible(c.a, c.agency, c.rep); got != c.want {
			t.Errorf("Visible(%s, %q, %+v) = %v", c.a, c.agency, c.rep, got)
		}
	}
}

func TestNeutralFileName(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		n          int
		mime, name string
		want       string
	}{
		{1, "image/jpeg", "foto_Siti_Rahayu_Wulandari_Jl_Mawar_5.jpg", "bukti-1.jpg"},
		{2, "application/pdf", "KTP_3520.pdf", "bukti-2.pdf"},
		{3, "image/png; charset=x", "a.png", "bukti-3.png"},
		{4, "application/octet-stream", "rekaman.M4A", "bukti-4.m4a"},
		{5, "", "Siti Rahayu", "bukti-5"},
		{6, "image/jpeg", "x.Siti_Rahayu", "bukti-6.jpg"},
		{7, "video/mp4", "rekaman", "bukti-7.mp4"},
	} {
		if got := NeutralFileName(c.n, c.mime, c.name); got != c.want {
			t.Errorf("NeutralFileName(%d, %q, %q) = %q, want %q", c.n, c.mime, c.name, got, c.want)
		}
	}
}

// TestREADMEShowsTheTable keeps the README's privacy table the code's.
func TestREADMEShowsTheTable(t *testing.T) {
	t.Parallel()
	readme, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(readme), Markdown()) {
		t.Errorf("README.md does not show the privacy table as it is; it should hold:\n%s", Markdown())
	}
}
