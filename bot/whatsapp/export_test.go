package whatsapp

import (
	"testing"

	"github.com/lapor-id/lapor/flows"
)

// SetVersionForTest makes whatsmeow advertise v ("2.3000.1"); tests that
// change the version put the built-in one back with it.
func SetVersionForTest(v string) {
	parsed, err := parseVersion(v)
	if err != nil {
		panic(err)
	}
	setVersion(parsed)
}

// DocInboundForTest is a private document message of ch, as the workers
// read it from the inbox.
func DocInboundForTest(t *testing.T, ch *Channel) flows.Inbound {
	return docEvent(t, ch, "/v/t62/doc", 2000)
}
