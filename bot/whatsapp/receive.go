package whatsapp

import (
	"context"
	"fmt"
	"runtime"
	"runtime/debug"
	"strings"
	"unicode"
	"unicode/utf8"

	"go.mau.fi/whatsmeow/proto/waE2E"
	"go.mau.fi/whatsmeow/types"
	"go.mau.fi/whatsmeow/types/events"
	"google.golang.org/protobuf/proto"

	"github.com/lapor-id/lapor/bot"
	"github.com/lapor-id/lapor/flows"
)

// HandleEvent is the whatsmeow event handler. Register it with
// Client.AddEventHandlerWithSuccessStatus and set Client.SynchronousAck:
// a message is acknowledged to WhatsApp only after it is in the inbox, and
// HandleEvent returns false when it could not be stored, so WhatsApp
// delivers it again. Everything else it ignores or only logs, returning
// true.
//
// A panic while handling an event is recovered here and reported as a
// failure: whatsmeow would recover it too, but count it as success and
// acknowledge a message nobody stored.
func (ch *Channel) HandleEvent(evt any) (ok bool) {
	defer func() {
		if r := recover(); r != nil {
			// The panic's value may quote what a citizen wrote: log its
			// type, and the message only for runtime errors (nil pointer,
			// index out of range), which carry no data.
			what := fmt.Sprintf("%T", r)
			if re, isRuntime := r.(runtime.Error); isRuntime {
				what = re.Error()
			}
			ch.log.Error("event handler panicked; not acknowledged, so WhatsApp delivers the event again",
				"event", fmt.Sprintf("%T", evt), "panic", what, "stack", string(debug.Stack()))
			ok = false
		}
	}()
	return ch.handleEvent(evt)
}

func (ch *Channel) handleEvent(evt any) bool {
	switch e := evt.(type) {
	case *events.Message:
		return ch.handleMessage(e)
	case *events.CallOffer:
		return ch.handleCall(e)
	case *events.MediaRetry:
		ch.deliverMediaRetry(e)
	case *events.UndecryptableMessage:
		// whatsmeow asked for a retry; the real message usually follows.
		ch.log.Warn("undecryptable message", "id", e.Info.ID, "unavailable", e.IsUnavailable)
	case *events.Connected:
		ch.log.Info("connected")
		ch.SetProblem("")
	case *events.Disconnected:
		ch.log.Warn("disconnected; reconnecting")
	case *events.KeepAliveTimeout:
		ch.log.Warn("keep-alive timeout", "errors", e.ErrorCount)
	case events.PermanentDisconnect:
		// LoggedOut, TemporaryBan, ClientOutdated, StreamReplaced,
		// ConnectFailure, CATRefreshError: whatsmeow does not reconnect.
		// Under a Supervisor these do not get here: it answers them.
		ch.log.Error("disconnected, and whatsmeow does not reconnect", "reason", e.PermanentDisconnectDescription())
		ch.SetProblem("WhatsApp disconnected (" + e.PermanentDisconnectDescription() + ")")
	case *events.NotifyAccountReachoutTimelock:
		ch.timelock(e)
	}
	return true
}

func (ch *Channel) handleMessage(evt *events.Message) bool {
	ctx, cancel := context.WithTimeout(context.Background(), ch.o.StoreTimeout)
	defer cancel()
	r, ok, err := ch.translate(ctx, evt)
	if err != nil {
		ch.log.Warn("message not translated; WhatsApp will deliver it again", "id", evt.Info.ID, "err", err)
		return false
	}
	if !ok {
		return true
	}
	return ch.store(ctx, r)
}

func (ch *Channel) store(ctx context.Context, r bot.Received) bool {
	if ch.inbox == nil {
		ch.log.Error("no inbox: message not stored", "id", r.Message.MessageID)
		return false
	}
	n, err := ch.storeMerging(ctx, r) // address.go
	if err != nil {
		ch.log.Warn("inbox store failed; WhatsApp will deliver the message again", "id", r.Message.MessageID, "err", err)
		return false
	}
	if n == 0 {
		ch.log.Debug("message delivered again; already stored", "id", r.Message.MessageID)
	}
	return true
}

// handleCall stores an unsupported "call" message, so flows answers that
// the bot cannot take calls. Group calls are ignored.
func (ch *Channel) handleCall(e *events.CallOffer) bool {
	if !e.GroupJID.IsEmpty() {
		return true
	}
	ctx, cancel := context.WithTimeout(context.Background(), ch.o.StoreTimeout)
	defer cancel()
	id, pn, err := ch.identity(ctx, e.From, e.CallCreator, e.CallCreatorAlt)
	if err != nil {
		ch.log.Warn("call not translated", "call", e.CallID, "err", err)
		return false
	}
	if id.IsEmpty() {
		return true
	}
	chat := id.String()
	in := flows.Inbound{ChatID: chat, UserID: chat, Username: pnString(pn), Kind: flows.KindUnsupported, What: "call",
		MessageID: e.CallID, NumberedMenus: true, At: e.Timestamp.UTC()}
	return ch.store(ctx, bot.Received{ExternalID: chat + "/call/" + e.CallID, Message: in})
}

func pnString(pn types.JID) string {
	if pn.IsEmpty() {
		return ""
	}
	return pn.String()
}

func isUser(j types.JID) bool {
	return j.Server == types.HiddenUserServer || j.Server == types.DefaultUserServer
}

// identity applies the canonical-id rule (see the package comment) to the
// JIDs one person appears under: it returns the LID when known, otherwise
// the phone-number JID, and separately the phone-number JID when known.
// Non-user JIDs (groups, broadcasts) are skipped.
func (ch *Channel) identity(ctx context.Context, jids ...types.JID) (id, pn types.JID, err error) {
	var lid types.JID
	for _, j := range jids {
		switch j.Server {
		case types.HiddenUserServer:
			if lid.IsEmpty() {
				lid = j.ToNonAD()
			}
		case types.DefaultUserServer:
			if pn.IsEmpty() {
				pn = j.ToNonAD()
			}
		}
	}
	if ch.o.LIDs != nil {
		switch {
		case lid.IsEmpty() && !pn.IsEmpty():
			var l types.JID
			if l, err = ch.o.LIDs.GetLIDForPN(ctx, pn); err != nil {
				return types.JID{}, types.JID{}, fmt.Errorf("whatsapp: look up LID: %w", err)
			}
			if l.Server == types.HiddenUserServer {
				lid = l.ToNonAD()
			}
		case pn.IsEmpty() && !lid.IsEmpty():
			var p types.JID
			if p, err = ch.o.LIDs.GetPNForLID(ctx, lid); err != nil {
				return types.JID{}, types.JID{}, fmt.Errorf("whatsapp: look up phone number: %w", err)
			}
			if p.Server == types.DefaultUserServer {
				pn = p.ToNonAD()
			}
		}
	}
	if !lid.IsEmpty() {
		return lid, pn, nil
	}
	return pn, pn, nil
}

// translate turns a message event into a neutral message. ok is false for
// events that are acknowledged and recorded nowhere: our own messages,
// status updates, channels, revokes and other protocol messages.
func (ch *Channel) translate(ctx context.Context, evt *events.Message) (r bot.Received, ok bool, err error) {
	info := evt.Info
	if info.IsFromMe || evt.Message == nil {
		return r, false, nil
	}
	in := flows.Inbound{IsGroup: info.Chat.Server == types.GroupServer, NumberedMenus: true, At: info.Timestamp.UTC()}
	var user, pn types.JID
	switch {
	case in.IsGroup:
		in.ChatID = info.Chat.ToNonAD().String()
		if user, pn, err = ch.identity(ctx, info.Sender, info.SenderAlt); err != nil {
			return r, false, err
		}
		// A reply in a group must name the quoted message's sender.
		in.MessageID = info.ID + "|" + info.Sender.ToNonAD().String()
	case isUser(info.Chat), info.Chat.IsBroadcastList():
		// A broadcast-list message shows in the private chat with its sender.
		jids := []types.JID{info.Sender, info.SenderAlt}
		if isUser(info.Chat) {
			jids = append([]types.JID{info.Chat}, jids...)
		}
		if user, pn, err = ch.identity(ctx, jids...); err != nil {
			return r, false, err
		}
		in.ChatID = user.String()
		in.MessageID = info.ID
	default: // status updates, channels (newsletters), bots
		return r, false, nil
	}
	if user.IsEmpty() || in.ChatID == "" {
		return r, false, nil
	}
	in.UserID, in.Username, in.UserName = user.String(), pnString(pn), info.PushName
	if !content(evt, &in) {
		return r, false, nil
	}
	return bot.Received{ExternalID: in.ChatID + "/" + info.ID, Message: in}, true, nil
}

// content fills in what the message carries; false means nothing worth
// recording (a revoke, a key distribution, an emptied reaction).
func content(evt *events.Message, in *flows.Inbound) bool {
	m, id := evt.Message, evt.Info.ID
	var ci *waE2E.ContextInfo
	unsupported := func(what string) bool {
		in.Kind, in.What = flows.KindUnsupported, what
		return true
	}
	if pm := m.GetProtocolMessage(); pm != nil {
		if pm.GetType() != waE2E.ProtocolMessage_MESSAGE_EDIT {
			return false // revokes, disappearing-timer changes, key shares, history notices
		}
		in.Kind, in.Text = flows.KindEdited, textOf(pm.GetEditedMessage())
		return true
	}
	if evt.IsEdit {
		in.Kind, in.Text = flows.KindEdited, textOf(m)
		return true
	}
	if evt.IsViewOnce {
		return unsupported("view_once")
	}
	switch {
	case m.Conversation != nil:
		in.Kind, in.Text = flows.KindText, m.GetConversation()
	case m.ExtendedTextMessage != nil:
		in.Kind, in.Text = flows.KindText, m.GetExtendedTextMessage().GetText()
		ci = m.GetExtendedTextMessage().GetContextInfo()
	case m.ImageMessage != nil:
		im := m.GetImageMessage()
		in.Kind, in.Text, ci = flows.KindPhoto, im.GetCaption(), im.GetContextInfo()
		mime := or(im.GetMimetype(), "image/jpeg")
		in.File = fileRef(evt, &waE2E.Message{ImageMessage: im}, "foto-"+id+ext(mime, ".jpg"), mime, im.GetFileLength())
	case m.VideoMessage != nil || m.PtvMessage != nil:
		vm := m.GetVideoMessage()
		if vm == nil {
			vm = m.GetPtvMessage()
		}
		if vm.GetGifPlayback() {
			return unsupported("animation")
		}
		in.Kind, in.Text, ci = flows.KindVideo, vm.GetCaption(), vm.GetContextInfo()
		mime := or(vm.GetMimetype(), "video/mp4")
		in.File = fileRef(evt, &waE2E.Message{VideoMessage: vm}, "video-"+id+ext(mime, ".mp4"), mime, vm.GetFileLength())
	case m.DocumentMessage != nil:
		dm := m.GetDocumentMessage()
		in.Kind, in.Text, ci = flows.KindDocument, dm.GetCaption(), dm.GetContextInfo()
		mime := or(dm.GetMimetype(), "application/octet-stream")
		name := or(dm.GetFileName(), or(dm.GetTitle(), "dokumen-"+id+ext(mime, "")))
		in.File = fileRef(evt, &waE2E.Message{DocumentMessage: dm}, name, mime, dm.GetFileLength())
	case m.AudioMessage != nil:
		am := m.GetAudioMessage()
		ci = am.GetContextInfo()
		if am.GetPTT() {
			mime := or(am.GetMimetype(), "audio/ogg; codecs=opus")
			in.Kind = flows.KindVoice
			in.File = fileRef(evt, &waE2E.Message{AudioMessage: am}, "suara-"+id+ext(mime, ".ogg"), mime, am.GetFileLength())
		} else {
			mime := or(am.GetMimetype(), "audio/mpeg")
			in.Kind = flows.KindAudio
			in.File = fileRef(evt, &waE2E.Message{AudioMessage: am}, "audio-"+id+ext(mime, ""), mime, am.GetFileLength())
		}
	case m.LocationMessage != nil:
		lm := m.GetLocationMessage()
		in.Kind, in.Text, ci = flows.KindLocation, lm.GetComment(), lm.GetContextInfo()
		in.Location = &flows.Location{Lat: lm.GetDegreesLatitude(), Lon: lm.GetDegreesLongitude()}
	case m.LiveLocationMessage != nil:
		ll := m.GetLiveLocationMessage()
		in.Kind, in.Text, ci = flows.KindLocation, ll.GetCaption(), ll.GetContextInfo()
		in.Location = &flows.Location{Lat: ll.GetDegreesLatitude(), Lon: ll.GetDegreesLongitude()}
	case m.StickerMessage != nil, m.StickerPackMessage != nil, evt.IsLottieSticker:
		return unsupported("sticker")
	case m.PollCreationMessage != nil, m.PollCreationMessageV2 != nil, m.PollCreationMessageV3 != nil,
		m.PollCreationMessageV4 != nil, m.PollCreationMessageV5 != nil, m.PollCreationMessageV6 != nil,
		m.PollUpdateMessage != nil:
		return unsupported("poll")
	case m.ReactionMessage != nil:
		if m.GetReactionMessage().GetText() == "" {
			return false // a reaction taken back
		}
		return unsupported("reaction")
	case m.EncReactionMessage != nil:
		return unsupported("reaction")
	case m.ContactMessage != nil, m.ContactsArrayMessage != nil:
		return unsupported("contact")
	default:
		if empty(m) {
			return false
		}
		return unsupported("other")
	}
	if in.Kind == flows.KindText {
		command(in)
	}
	if q := ci.GetQuotedMessage(); q != nil {
		in.ReplyToText = textOf(q)
	}
	return true
}

// command turns "/perintah argumen" into a command, as on Telegram.
func command(in *flows.Inbound) {
	t := strings.TrimSpace(in.Text)
	if len(t) < 2 || t[0] != '/' {
		return
	}
	if first, _ := utf8.DecodeRuneInString(t[1:]); !unicode.IsLetter(first) {
		return // "/ x", "/1", "/" followed by a no-break space: text, not a command
	}
	word, rest := t[1:], ""
	if i := strings.IndexFunc(word, unicode.IsSpace); i >= 0 {
		word, rest = word[:i], word[i:]
	}
	word, _, _ = strings.Cut(word, "@")
	in.Kind, in.Command, in.Text = flows.KindCommand, strings.ToLower(word), strings.TrimSpace(rest)
}

// textOf is a message's text or caption (a quoted card, an edited text).
func textOf(m *waE2E.Message) string {
	switch {
	case m == nil:
		return ""
	case m.Conversation != nil:
		return m.GetConversation()
	case m.ExtendedTextMessage != nil:
		return m.GetExtendedTextMessage().GetText()
	case m.ImageMessage != nil:
		return m.GetImageMessage().GetCaption()
	case m.VideoMessage != nil:
		return m.GetVideoMessage().GetCaption()
	case m.DocumentMessage != nil:
		return m.GetDocumentMessage().GetCaption()
	case m.DocumentWithCaptionMessage != nil:
		return m.GetDocumentWithCaptionMessage().GetMessage().GetDocumentMessage().GetCaption()
	case m.EphemeralMessage != nil:
		return textOf(m.GetEphemeralMessage().GetMessage())
	}
	return ""
}

// empty reports whether a message carries nothing a person sent: only
// encryption keys or metadata.
func empty(m *waE2E.Message) bool {
	c := proto.Clone(m).(*waE2E.Message)
	c.SenderKeyDistributionMessage, c.FastRatchetKeySenderKeyDistributionMessage, c.MessageContextInfo = nil, nil, nil
	return proto.Size(c) == 0
}

func or(s, fallback string) string {
	if s != "" {
		return s
	}
	return fallback
}

// ext is a file-name extension for a MIME type.
func ext(mime, fallback string) string {
	base, _, _ := strings.Cut(mime, ";")
	switch strings.TrimSpace(strings.ToLower(base)) {
	case "image/jpeg":
		return ".jpg"
	case "image/png":
		return ".png"
	case "image/webp":
		return ".webp"
	case "video/mp4":
		return ".mp4"
	case "video/3gpp":
		return ".3gp"
	case "audio/ogg":
		return ".ogg"
	case "audio/mpeg":
		return ".mp3"
	case "audio/mp4", "audio/aac":
		return ".m4a"
	case "application/pdf":
		return ".pdf"
	}
	return fallback
}

// CanonicalID applies the canonical-id rule to a JID written elsewhere (an
// admin registering an officer by phone number): the LID when the LID map
// knows it, otherwise the JID itself without device part. A number whose
// LID is not known yet stays a phone-number JID until a message shows the
// number with its LID: then what was registered under the number becomes
// the LID's (mergeAddresses, address.go).
func (ch *Channel) CanonicalID(ctx context.Context, jid string) (string, error) {
	j, err := types.ParseJID(jid)
	if err != nil {
		return "", fmt.Errorf("whatsapp: %w", err)
	}
	if j.User == "" || strings.ContainsAny(j.User, ":@") {
		// "@s.whatsapp.net", ":10.0@0": no account or group is named.
		return "", fmt.Errorf("whatsapp: %q names no account or group", jid)
	}
	if !isUser(j) {
		// Whatever is returned must read back as itself (":.0@0" would
		// come out as ":@0", which is no JID at all).
		out := j.ToNonAD().String()
		if back, err := types.ParseJID(out); err != nil || back.String() != out || back.User != j.User {
			return "", fmt.Errorf("whatsapp: %q is not a WhatsApp id", jid)
		}
		return out, nil
	}
	id, _, err := ch.identity(ctx, j)
	if err != nil {
		return "", err
	}
	return id.String(), nil
}
