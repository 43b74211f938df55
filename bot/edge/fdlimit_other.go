//go:build !unix

package edge

// fdLimit is a modest guess where the limit cannot be read.
func fdLimit() int { return 1024 }
