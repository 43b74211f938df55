// Package migrations holds the numbered SQL migrations of the lapor schema,
// embedded into the binary and applied by store.Migrate.
package migrations

import "embed"

// FS holds the migration files.
//
//go:embed *.sql
var FS embed.FS
