package flows

import "strings"

// webChannel is the web chat's channel name (bot/webchat.Name).
const webChannel = "web"

// whereAsk is the location step's question. The chat apps share a pin
// from their attach menu (📎); the web chat's 📎 attaches files only, and
// its page has a button of its own for the pin, so there the question
// names that button.
func (t *turn) whereAsk() string {
	text := T(t.lang, "where.ask")
	if t.in.Channel != webChannel {
		return text
	}
	return strings.Replace(text, T(t.lang, "where.pin.apps"), T(t.lang, "where.pin.web"), 1)
}
