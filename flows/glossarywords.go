package flows

import "strings"

// The keys a report holds for its channel and for why it ended are never
// words a person reads (docs/GLOSSARY.md): outputs render them here.

// channelLabel names a report's channel in lang; "" for a channel this
// service does not know, so an output falls back to its own word.
func channelLabel(lang Lang, channel string) string {
	key := "gl.channel." + strings.ToLower(strings.TrimSpace(channel))
	if !hasText(key) {
		return ""
	}
	return T(lang, key)
}

// closedReasonKeys are the reasons the sweep and the archive buttons store
// as keys; an officer's own reason is stored as typed.
var closedReasonKeys = map[string]string{
	"umum":      "reason.umum",
	"bukan":     "reason.bukan",
	"spam":      "reason.spam",
	"no reply":  "gl.reason.noreply",
	"no answer": "gl.reason.noanswer",
}

// eventNote is an event's note as an output shows it: the reason a report
// ended in words, anything else as written.
func eventNote(lang Lang, kind, note string) string {
	switch Action(kind) {
	case ActArchive, ActAutoClose, ActExpire:
		return archiveReason(lang, note)
	}
	return note
}
