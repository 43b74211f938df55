package main

import (
	"errors"
	"fmt"
	"net"
	"net/url"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/lapor-id/lapor/bot/edge"
	"github.com/lapor-id/lapor/flows"
	"github.com/lapor-id/lapor/flows/calendar"
	"github.com/lapor-id/lapor/flows/hardcopy"
)

// Config is every setting of lapor. Defaults first, then the environment
// (LAPOR_…; secrets may come from a file named by LAPOR_…_FILE), then
// validation that names the offending variable.
type Config struct {
	DatabaseURL          string // secret: contains the password
	DataDir              string
	PGBin                string
	HTTPAddr             string
	AdminAddr            string // metrics, readiness per channel, healthcheck; "" is off (adminhttp.go)
	PublicURL            string // where people reach the web chat; "" is http://HTTPAddr
	TrustedProxies       edge.Proxies
	HTTPTimeout          time.Duration
	HTTPIdleTimeout      time.Duration
	HTTPMinRate          int // bytes per second
	HTTPMaxConns         int // 0: from the file-descriptor limit
	HTTPConnsPerAddress  int
	WebSessionIdle       time.Duration
	Open311Jurisdiction  string
	Open311PerMinute     int
	TelegramToken        string // secret
	TelegramAPIEndpoint  string
	TelegramFileEndpoint string
	TelegramPollTimeout  time.Duration
	TelegramPerChat      float64 // messages per second to one chat
	TelegramPerGroup     int     // messages per minute to one group
	TelegramGlobal       float64 // messages per second in all
	Lang                 string
	TrackingPrefix       string
	MaxFileMB            int
	MaxAttachments       int
	DraftReminderAfter   time.Duration
	InviteTTL            time.Duration // how long an officer invitation may wait to be used
	Zone                 calendar.Zone // the regency's time zone
	KeepMessages         time.Duration // handled inbound and delivered outbound rows are kept this long
	Workers              int
	FloodPerMinute       int
	OutboxLease          time.Duration
	LogLevel             string
	LogFormat            string
	PolicyFile           string
	SweepEvery           time.Duration
	WhatsApp             bool
	WhatsAppRatePerChat  float64
	WhatsAppRateGlobal   float64
	WhatsAppVersion      string
	// The printed documents' letterhead and the recap's signatory.
	Letterhead     string // lines joined by "|"
	LetterheadLogo string // a PNG or JPEG file
	SignPlace      string
	SignerName     string
	SignerPosition string
	SignerNIP      string
}

// WebURL is the address people open the web chat at.
func (c Config) WebURL() string {
	if c.PublicURL != "" {
		return c.PublicURL
	}
	return "http://" + c.HTTPAddr
}

// setting describes one environment variable.
type setting struct {
	name   string
	secret bool // may come from NAME_FILE; never printed
	help   string
	def    string
	set    func(c *Config, v string) error
}

func settings() []setting {
	str := func(f func(*Config) *string) func(*Config, string) error {
		return func(c *Config, v string) error { *f(c) = v; return nil }
	}
	dur := func(f func(*Config) *time.Duration) func(*Config, string) error {
		return func(c *Config, v string) error {
			d, err := time.ParseDuration(v)
			if err != nil || d <= 0 {
				return fmt.Errorf("must be a positive duration such as 30s or 24h, got %q", v)
			}
			*f(c) = d
			return nil
		}
	}
	posInt := func(f func(*Config) *int) func(*Config, string) error {
		return func(c *Config, v string) error {
			n, err := strconv.Atoi(v)
			if err != nil || n <= 0 {
				return fmt.Errorf("must be a positive whole number, got %q", v)
			}
			*f(c) = n
			return nil
		}
	}
	posFloat := func(f func(*Config) *float64) func(*Config, string) error {
		return func(c *Config, v string) error {
			n, err := strconv.ParseFloat(v, 64)
			if err != nil || !(n >= 0.001 && n <= 1e6) { // also refuses NaN and Inf
				return fmt.Errorf("must be a number from 0.001 to 1000000, got %q", v)
			}
			*f(c) = n
			return nil
		}
	}
	return []setting{
		{"LAPOR_DATABASE_URL", true, "PostgreSQL URL; empty runs a private cluster in LAPOR_DATA_DIR", "",
			func(c *Config, v string) error {
				if v == "" {
					return nil
				}
				u, err := url.Parse(v)
				if err != nil || (u.Scheme != "postgres" && u.Scheme != "postgresql") {
					return errors.New("must be a postgres:// URL") // never echo it: it holds a password
				}
				c.DatabaseURL = v
				return nil
			}},
		{"LAPOR_DATA_DIR", false, "folder of the private database cluster", "./lapor-data", str(func(c *Config) *string { return &c.DataDir })},
		{"LAPOR_PG_BIN", false, "folder with initdb and postgres for the private cluster; empty looks them up", "", str(func(c *Config) *string { return &c.PGBin })},
		{"LAPOR_HTTP_ADDR", false, "address of the web chat and the health endpoints", "127.0.0.1:8080",
			func(c *Config, v string) error {
				if _, _, err := net.SplitHostPort(v); err != nil {
					return fmt.Errorf("must be host:port, got %q", v)
				}
				c.HTTPAddr = v
				return nil
			}},
		{"LAPOR_ADMIN_ADDR", false, "address of the admin listener: /metrics, /readyz per channel, /healthz; keep it off the public network; off turns it off", defaultAdminAddr,
			func(c *Config, v string) error {
				if v == "off" {
					c.AdminAddr = ""
					return nil
				}
				if _, _, err := net.SplitHostPort(v); err != nil {
					return fmt.Errorf("must be host:port or off, got %q", v)
				}
				c.AdminAddr = v
				return nil
			}},
		{"LAPOR_PUBLIC_URL", false, "address people open the web chat at (for sign-in links; its origin counts as the page's own in the cross-origin check); empty is http://LAPOR_HTTP_ADDR", "",
			func(c *Config, v string) error {
				if v == "" {
					return nil
				}
				u, err := url.Parse(v)
				if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
					return fmt.Errorf("must be an http:// or https:// address, got %q", v)
				}
				c.PublicURL = strings.TrimRight(v, "/")
				return nil
			}},
		{"LAPOR_TRUSTED_PROXIES", false, "reverse proxies whose X-Forwarded-For, X-Forwarded-Proto and Forwarded headers are believed: comma-separated CIDRs such as 127.0.0.1/32,10.0.0.0/8; empty believes no one", "",
			func(c *Config, v string) error {
				p, err := edge.ParseProxies(v)
				if err != nil {
					return err
				}
				c.TrustedProxies = p
				return nil
			}},
		{"LAPOR_HTTP_TIMEOUT", false, "time to read a request and to write an answer; a long upload or download also gets the time LAPOR_HTTP_MIN_RATE allows for its bytes", "30s",
			dur(func(c *Config) *time.Duration { return &c.HTTPTimeout })},
		{"LAPOR_HTTP_IDLE_TIMEOUT", false, "how long an idle keep-alive connection stays open", "60s",
			dur(func(c *Config) *time.Duration { return &c.HTTPIdleTimeout })},
		{"LAPOR_HTTP_MIN_RATE", false, "slowest transfer, in bytes per second, that an upload or a download may keep up (a 20 MB file at 1024 may take 5.7 hours)", "1024",
			posInt(func(c *Config) *int { return &c.HTTPMinRate })},
		{"LAPOR_HTTP_MAX_CONNS", false, "open HTTP connections in all; auto is 3/4 of the file-descriptor limit, at most 10000 (the idle ones are closed first when it is reached)", "auto",
			func(c *Config, v string) error {
				if v == "auto" {
					c.HTTPMaxConns = 0
					return nil
				}
				n, err := strconv.Atoi(v)
				if err != nil || n < 8 {
					return fmt.Errorf("must be auto or a whole number of at least 8, got %q", v)
				}
				c.HTTPMaxConns = n
				return nil
			}},
		{"LAPOR_HTTP_CONNS_PER_ADDRESS", false, "open HTTP connections from one client address (trusted proxies excepted); half of them may be web chat event streams", "100",
			func(c *Config, v string) error {
				n, err := strconv.Atoi(v)
				if err != nil || n < 2 {
					return fmt.Errorf("must be a whole number of at least 2, got %q", v)
				}
				c.HTTPConnsPerAddress = n
				return nil
			}},
		{"LAPOR_WEB_SESSION_IDLE", false, "a web chat session unused this long is deleted, with its transcript and files when no report came of it; never while its chat has an open report or a report that changed within this time", "720h",
			dur(func(c *Config) *time.Duration { return &c.WebSessionIdle })},
		{"LAPOR_OPEN311_JURISDICTION", false, "jurisdiction_id of the Open311 open data endpoints", "magetankab.go.id",
			str(func(c *Config) *string { return &c.Open311Jurisdiction })},
		{"LAPOR_OPEN311_PER_MINUTE", false, "open data requests one client may make in any minute; more get 429", "120",
			posInt(func(c *Config) *int { return &c.Open311PerMinute })},
		{"LAPOR_TELEGRAM_TOKEN", true, "Telegram bot token from @BotFather; empty turns Telegram off", "",
			func(c *Config, v string) error {
				if v != "" && (!strings.Contains(v, ":") || strings.ContainsAny(v, " /\n")) {
					return errors.New("does not look like a bot token (digits, a colon, then letters)")
				}
				c.TelegramToken = v
				return nil
			}},
		{"LAPOR_TELEGRAM_API_ENDPOINT", false, "Bot API URL format with two %s (token, method)", "https://api.telegram.org/bot%s/%s", endpoint(func(c *Config) *string { return &c.TelegramAPIEndpoint })},
		{"LAPOR_TELEGRAM_FILE_ENDPOINT", false, "file URL format with two %s (token, path)", "https://api.telegram.org/file/bot%s/%s", endpoint(func(c *Config) *string { return &c.TelegramFileEndpoint })},
		{"LAPOR_TELEGRAM_POLL_TIMEOUT", false, "long-poll wait of getUpdates (with 2 s grace it bounds how soon the bot hears chats again after an outage)", "5s", dur(func(c *Config) *time.Duration { return &c.TelegramPollTimeout })},
		{"LAPOR_TELEGRAM_RATE_PER_CHAT", false, "messages per second to one chat", "1", posFloat(func(c *Config) *float64 { return &c.TelegramPerChat })},
		{"LAPOR_TELEGRAM_GROUP_PER_MINUTE", false, "messages per minute to one group", "20", posInt(func(c *Config) *int { return &c.TelegramPerGroup })},
		{"LAPOR_TELEGRAM_RATE_GLOBAL", false, "messages per second in all", "30", posFloat(func(c *Config) *float64 { return &c.TelegramGlobal })},
		{"LAPOR_LANG", false, "default language of new chats: id or en", "id",
			func(c *Config, v string) error {
				if v != "id" && v != "en" {
					return fmt.Errorf("must be id or en, got %q", v)
				}
				c.Lang = v
				return nil
			}},
		{"LAPOR_TIMEZONE", false, "the regency's time zone, in which working days, deadlines and every printed time are counted: Asia/Jakarta (WIB), Asia/Pontianak (WIB), Asia/Makassar (WITA) or Asia/Jayapura (WIT)", "Asia/Jakarta",
			func(c *Config, v string) error {
				z, err := calendar.ParseZone(v)
				if err != nil {
					return err
				}
				c.Zone = z
				return nil
			}},
		{"LAPOR_TRACKING_PREFIX", false, "prefix of tracking numbers", "MGT",
			func(c *Config, v string) error {
				if len(v) < 2 || len(v) > 5 || strings.ToUpper(v) != v || strings.Trim(v, "ABCDEFGHIJKLMNOPQRSTUVWXYZ") != "" {
					return fmt.Errorf("must be 2 to 5 capital letters, got %q", v)
				}
				c.TrackingPrefix = v
				return nil
			}},
		{"LAPOR_MAX_FILE_MB", false, "largest evidence file in MB (Telegram bots cannot download more than 20)", "20",
			func(c *Config, v string) error {
				n, err := strconv.Atoi(v)
				if err != nil || n <= 0 || n > 20 {
					return fmt.Errorf("must be a whole number from 1 to 20, got %q", v)
				}
				c.MaxFileMB = n
				return nil
			}},
		{"LAPOR_MAX_ATTACHMENTS", false, "evidence files per report", "10", posInt(func(c *Config) *int { return &c.MaxAttachments })},
		{"LAPOR_DRAFT_REMINDER", false, "idle time before a draft's single reminder", "24h", dur(func(c *Config) *time.Duration { return &c.DraftReminderAfter })},
		{"LAPOR_KEEP_MESSAGES", false, "how long a handled inbound message and a delivered outbound one are kept in the queues (at least 24h; reports, their history and files are never deleted)", "720h",
			func(c *Config, v string) error {
				d, err := time.ParseDuration(v)
				if err != nil || d < 24*time.Hour {
					return fmt.Errorf("must be a duration of at least 24h, got %q", v)
				}
				c.KeepMessages = d
				return nil
			}},
		{"LAPOR_INVITE_TTL", false, "how long an officer invitation (/petugas undang) may wait to be used", "72h", dur(func(c *Config) *time.Duration { return &c.InviteTTL })},
		{"LAPOR_WORKERS", false, "chats handled at once (at most this minus 2 downloading files)", "8", posInt(func(c *Config) *int { return &c.Workers })},
		{"LAPOR_FLOOD_PER_MINUTE", false, "messages one private chat may send per minute; more are refused with one notice (a web chat browser, in its chat or a desk room: with 429 and the same advice)", "30",
			posInt(func(c *Config) *int { return &c.FloodPerMinute })},
		{"LAPOR_OUTBOX_LEASE", false, "time a replica owns a message it is sending", "30s", dur(func(c *Config) *time.Duration { return &c.OutboxLease })},
		{"LAPOR_WHATSAPP", false, "1 connects the paired WhatsApp session (see lapor whatsapp-login)", "0",
			func(c *Config, v string) error {
				switch v {
				case "1", "true", "yes":
					c.WhatsApp = true
				case "0", "false", "no", "":
				default:
					return fmt.Errorf("must be 1 or 0, got %q", v)
				}
				return nil
			}},
		{"LAPOR_WHATSAPP_RATE_PER_CHAT", false, "WhatsApp messages per second to one chat", "1", posFloat(func(c *Config) *float64 { return &c.WhatsAppRatePerChat })},
		{"LAPOR_WHATSAPP_RATE_GLOBAL", false, "WhatsApp messages per second in all (a number's limits are its own, see README)", "1", posFloat(func(c *Config) *float64 { return &c.WhatsAppRateGlobal })},
		{"LAPOR_WHATSAPP_VERSION", false, "WhatsApp Web version to advertise, e.g. 2.3000.1027069013; empty asks WhatsApp for the current one at start and after a 405 \"client outdated\"", "",
			func(c *Config, v string) error {
				if v != "" && !isWebVersion(v) {
					return fmt.Errorf("must be three numbers joined by dots, like 2.3000.1027069013, got %q", v)
				}
				c.WhatsAppVersion = v
				return nil
			}},
		{"LAPOR_POLICY_FILE", false, "YAML file with the SOP's time limits; empty uses the embedded policy.yaml", "", str(func(c *Config) *string { return &c.PolicyFile })},
		{"LAPOR_LETTERHEAD", false, "the printed documents' letterhead, its lines joined by |: the government, the office, its address; empty: \"Pemerintah Kabupaten <regency>|Pengelola LAPOR! SP4N\"", "", str(func(c *Config) *string { return &c.Letterhead })},
		{"LAPOR_LETTERHEAD_LOGO", false, "a PNG or JPEG file of the regency's emblem for the letterhead; empty: none", "",
			func(c *Config, v string) error {
				if v == "" {
					return nil
				}
				b, err := os.ReadFile(v)
				if err != nil {
					return err
				}
				if err := hardcopy.CheckLogo(b); err != nil { // a bad file is refused now, not at the first print
					return fmt.Errorf("%s is not a PNG or JPEG image: %w", v, err)
				}
				c.LetterheadLogo = v
				return nil
			}},
		{"LAPOR_SIGN_PLACE", false, "the place on the recap's signature line", "Magetan", str(func(c *Config) *string { return &c.SignPlace })},
		{"LAPOR_SIGNER_NAME", false, "the name of the official who signs the monthly recap; empty: a dotted line to sign by hand", "", str(func(c *Config) *string { return &c.SignerName })},
		{"LAPOR_SIGNER_POSITION", false, "that official's position (jabatan)", "", str(func(c *Config) *string { return &c.SignerPosition })},
		{"LAPOR_SIGNER_NIP", false, "that official's NIP", "", str(func(c *Config) *string { return &c.SignerNIP })},
		{"LAPOR_SWEEP_EVERY", false, "how often the deadline sweep runs", "1m", dur(func(c *Config) *time.Duration { return &c.SweepEvery })},
		{"LAPOR_LOG_LEVEL", false, "debug, info, warn or error", "info",
			func(c *Config, v string) error {
				switch v {
				case "debug", "info", "warn", "error":
					c.LogLevel = v
					return nil
				}
				return fmt.Errorf("must be debug, info, warn or error, got %q", v)
			}},
		{"LAPOR_LOG_FORMAT", false, "text or json", "text",
			func(c *Config, v string) error {
				if v != "text" && v != "json" {
					return fmt.Errorf("must be text or json, got %q", v)
				}
				c.LogFormat = v
				return nil
			}},
	}
}

func endpoint(f func(*Config) *string) func(*Config, string) error {
	return func(c *Config, v string) error {
		// Exactly two verbs, both %s (a literal percent is written %%):
		// any other verb would put "%!d(MISSING)" into every request URL.
		verbs := strings.ReplaceAll(v, "%%", "")
		if strings.Count(verbs, "%") != 2 || strings.Count(verbs, "%s") != 2 ||
			!(strings.HasPrefix(v, "http://") || strings.HasPrefix(v, "https://")) {
			return fmt.Errorf("must be an http(s) URL format with two %%s and no other %% verb, got %q", v)
		}
		*f(c) = v
		return nil
	}
}

// LoadConfig reads the configuration from getenv. Every problem is reported,
// each with the variable's name.
func LoadConfig(getenv func(string) string) (Config, error) {
	var c Config
	var errs []error
	for _, s := range settings() {
		v, src, err := lookup(s, getenv)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		if v == "" {
			v = s.def
		}
		if err := s.set(&c, v); err != nil {
			errs = append(errs, fmt.Errorf("%s%s: %w", s.name, src, err))
		}
	}
	return c, errors.Join(errs...)
}

// lookup reads NAME, or the file named by NAME_FILE for secrets.
func lookup(s setting, getenv func(string) string) (value, source string, err error) {
	v := getenv(s.name)
	if !s.secret {
		return strings.TrimSpace(v), "", nil
	}
	path := getenv(s.name + "_FILE")
	switch {
	case path == "":
		return strings.TrimSpace(v), "", nil
	case v != "":
		return "", "", fmt.Errorf("%s and %s_FILE are both set: keep one", s.name, s.name)
	}
	b, err := os.ReadFile(path)
	if err != nil {
		return "", "", fmt.Errorf("%s_FILE: cannot read %s: %w", s.name, path, errors.Unwrap(err))
	}
	return strings.TrimSpace(string(b)), " (from " + s.name + "_FILE)", nil
}

// Redacted returns what may be logged about the configuration.
func (c Config) Redacted() []any {
	db := "private cluster in " + c.DataDir
	if c.DatabaseURL != "" {
		if u, err := url.Parse(c.DatabaseURL); err == nil {
			u.User, u.RawQuery = nil, "" // the query may hold user= and password=
			db = u.Redacted()
		}
	}
	tg := "off"
	if c.TelegramToken != "" {
		tg = "on"
	}
	return []any{"database", db, "http", c.HTTPAddr, "telegram", tg, "lang", c.Lang}
}

// loadPolicy reads LAPOR_POLICY_FILE, or returns the embedded policy.
func loadPolicy(cfg Config) (flows.Policy, error) {
	if cfg.PolicyFile == "" {
		return flows.DefaultPolicy(), nil
	}
	b, err := os.ReadFile(cfg.PolicyFile)
	if err != nil {
		return flows.Policy{}, fmt.Errorf("LAPOR_POLICY_FILE: %w", err)
	}
	p, err := flows.ParsePolicy(b)
	if err != nil {
		return p, fmt.Errorf("LAPOR_POLICY_FILE %s: %w", cfg.PolicyFile, err)
	}
	return p, nil
}

// isWebVersion reports whether v reads as a WhatsApp Web version: three
// numbers (each fits 32 bits) joined by dots, the last not zero.
func isWebVersion(v string) bool {
	parts := strings.Split(v, ".")
	if len(parts) != 3 {
		return false
	}
	for i, p := range parts {
		n, err := strconv.ParseUint(p, 10, 32)
		if err != nil || (i == 2 && n == 0) {
			return false
		}
	}
	return true
}
