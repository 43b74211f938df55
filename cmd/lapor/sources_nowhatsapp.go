//go:build nowhatsapp

package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
)

// optionalSources: this binary was built without WhatsApp (the nowhatsapp
// build tag), which keeps it free of GPL-3.0 code.
func optionalSources(cfg Config, log *slog.Logger) []sourceFactory {
	if cfg.WhatsApp {
		log.Warn("LAPOR_WHATSAPP is set, but this binary was built without WhatsApp (tag nowhatsapp)")
	}
	return nil
}

func whatsappLogin(ctx context.Context, cfg Config, log *slog.Logger, args []string, stdout, stderr io.Writer) int {
	fmt.Fprintln(stderr, "lapor: this binary was built without WhatsApp (tag nowhatsapp)")
	return 2
}
