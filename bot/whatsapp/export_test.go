package whatsapp

// SetVersionForTest makes whatsmeow advertise v ("2.3000.1"); tests that
// change the version put the built-in one back with it.
func SetVersionForTest(v string) {
	parsed, err := parseVersion(v)
	if err != nil {
		panic(err)
	}
	setVersion(parsed)
}
