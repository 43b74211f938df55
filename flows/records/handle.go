package records

import "strings"

// ReadableHandle is how a reporter's platform handle reads in outputs. A
// WhatsApp account is known by its phone-number JID
// ("6281234567890@s.whatsapp.net"), which officers should read as the
// number they would dial: "+62 812-3456-7890". Anything else (a Telegram
// username) is returned as it is. Whether the handle is shown at all is
// the privacy table's decision (FieldUsername), not this function's.
func ReadableHandle(username string) string {
	number, ok := strings.CutSuffix(username, "@s.whatsapp.net")
	if !ok || number == "" || strings.Trim(number, "0123456789") != "" {
		return username
	}
	if rest, ok := strings.CutPrefix(number, "62"); ok && len(rest) >= 8 {
		// Indonesian mobile numbers: +62 8xx-xxxx-xxxx.
		return "+62 " + rest[:3] + "-" + rest[3:7] + "-" + rest[7:]
	}
	return "+" + number
}

// IsPhoneHandle reports whether a readable handle is a phone number (no
// "@" in front of it when shown).
func IsPhoneHandle(handle string) bool { return strings.HasPrefix(handle, "+") }
