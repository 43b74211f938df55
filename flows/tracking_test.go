package flows_test

import (
	"testing"

	"github.com/lapor-id/lapor/flows"
)

// A deployment's prefix may be made of tracking letters: a bare number that
// starts with them is still read whole.
func TestTrackingIDWithPrefixOfTrackingLetters(t *testing.T) {
	for typed, want := range map[string]string{
		"MAD4CE": "MAD-MAD4CE", "mad-mad4ce": "MAD-MAD4CE", "MADMAD4CE": "MAD-MAD4CE", "7K3XFA": "MAD-7K3XFA", "MAD-7K3XFA": "MAD-7K3XFA",
	} {
		if got, ok := flows.ParseTrackingID(typed, "MAD"); !ok || got != want {
			t.Errorf("%q with prefix MAD: %q, %v; want %q", typed, got, ok, want)
		}
	}
	if got, ok := flows.ParseTrackingID("MAD4C", "MAD"); ok {
		t.Errorf("a five-letter number was read as %q", got)
	}
}
