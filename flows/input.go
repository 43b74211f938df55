package flows

import (
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"time"
	"unicode"
)

// cleanText removes what a person cannot see but a program can trip on:
// invalid UTF-8, control characters, zero-width characters and bidirectional
// overrides. Letters of right-to-left scripts stay; so does the zero-width
// joiner inside emoji sequences.
func cleanText(s string) string {
	s = strings.ToValidUTF8(s, "")
	s = strings.Map(func(r rune) rune {
		switch {
		case r == '\n' || r == '\t':
			return r
		case r == '\u200d': // zero-width joiner: part of emoji such as 👨‍👩‍👧
			return r
		case unicode.Is(unicode.Cc, r), unicode.Is(unicode.Cf, r):
			return -1
		}
		return r
	}, s)
	return strings.TrimSpace(s)
}

var monthWords = map[string]time.Month{
	"januari": 1, "jan": 1, "january": 1,
	"februari": 2, "feb": 2, "pebruari": 2, "february": 2,
	"maret": 3, "mar": 3, "march": 3,
	"april": 4, "apr": 4,
	"mei": 5, "may": 5,
	"juni": 6, "jun": 6, "june": 6,
	"juli": 7, "jul": 7, "july": 7,
	"agustus": 8, "agu": 8, "agt": 8, "aug": 8, "august": 8,
	"september": 9, "sep": 9, "sept": 9,
	"oktober": 10, "okt": 10, "oct": 10, "october": 10,
	"november": 11, "nov": 11, "nopember": 11,
	"desember": 12, "des": 12, "dec": 12, "december": 12,
}

var (
	numericDate = regexp.MustCompile(`^(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{2}|\d{4})$`)
	isoDate     = regexp.MustCompile(`^(\d{4})-(\d{1,2})-(\d{1,2})$`)
	wordDate    = regexp.MustCompile(`^(\d{1,2})\s+([a-z]+)\.?\s+(\d{4})$`)
)

// dateAnswer is what a citizen said about when something happened.
type dateAnswer struct {
	date    time.Time // zero when unknown
	unknown bool
}

// parseWhen reads "hari ini", "kemarin", "tidak ingat", 25/11/2026,
// 25-11-26, 2026-11-25 or "25 November 2026" relative to today (a date in
// the regency's time zone). ok is false when it cannot be read.
func parseWhen(s string, today time.Time) (dateAnswer, bool) {
	s = strings.ToLower(strings.Join(strings.Fields(s), " "))
	s = strings.TrimSuffix(s, ".")
	switch s {
	case "hari ini", "today", "sekarang", "tadi":
		return dateAnswer{date: today}, true
	case "kemarin", "yesterday":
		return dateAnswer{date: today.AddDate(0, 0, -1)}, true
	case "tidak ingat", "tidak tahu", "lupa", "tdk ingat", "gak ingat", "nggak ingat", "ga ingat",
		"don't remember", "dont remember", "i don't remember", "unknown", "not sure":
		return dateAnswer{unknown: true}, true
	}
	var y, m, d int
	if g := numericDate.FindStringSubmatch(s); g != nil {
		d, m, y = atoi(g[1]), atoi(g[2]), atoi(g[3])
		if len(g[3]) == 2 {
			y += 2000
		}
	} else if g := isoDate.FindStringSubmatch(s); g != nil {
		y, m, d = atoi(g[1]), atoi(g[2]), atoi(g[3])
	} else if g := wordDate.FindStringSubmatch(s); g != nil {
		mon, ok := monthWords[g[2]]
		if !ok {
			return dateAnswer{}, false
		}
		d, m, y = atoi(g[1]), int(mon), atoi(g[3])
	} else {
		return dateAnswer{}, false
	}
	t := time.Date(y, time.Month(m), d, 0, 0, 0, 0, today.Location())
	if t.Day() != d || int(t.Month()) != m || y < 1945 {
		return dateAnswer{}, false // 31/02, 13th month, nonsense years
	}
	return dateAnswer{date: t}, true
}

func atoi(s string) int {
	n, _ := strconv.Atoi(s)
	return n
}

// parseYesNo reads a typed yes or no.
func parseYesNo(s string) (yes, ok bool) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "ya", "y", "iya", "yes", "ok", "oke", "betul", "benar":
		return true, true
	case "tidak", "tdk", "no", "n", "nggak", "enggak", "gak", "bukan":
		return false, true
	}
	return false, false
}

// dangerousExtensions are file types a citizen's evidence never needs and
// an officer must never be tempted to open.
var dangerousExtensions = map[string]bool{
	"exe": true, "msi": true, "bat": true, "cmd": true, "com": true, "scr": true, "pif": true,
	"vbs": true, "vbe": true, "js": true, "jse": true, "wsf": true, "wsh": true, "ps1": true,
	"sh": true, "apk": true, "xapk": true, "jar": true, "dll": true, "lnk": true, "hta": true,
	"cpl": true, "reg": true, "iso": true, "img": true, "dmg": true, "app": true, "deb": true, "rpm": true,
	"elf": true, "bin": true, "run": true, "docm": true, "xlsm": true, "pptm": true,
}

var dangerousMIME = map[string]bool{
	"application/x-msdownload": true, "application/x-dosexec": true, "application/x-executable": true,
	"application/vnd.android.package-archive": true, "application/x-sh": true,
	"application/x-msdos-program": true, "application/java-archive": true, "application/x-elf": true,
}

// dangerousFile reports whether a file looks like a program, by its name,
// its declared type, or its first bytes (a name can lie).
// claimedKinds are the kinds of content a file name's extension promises.
var claimedKinds = map[string]string{
	"jpg": "image", "jpeg": "image", "png": "image", "gif": "image", "webp": "image", "bmp": "image",
	"pdf": "pdf", "mp4": "video", "mov": "video", "webm": "video", "3gp": "video",
	"mp3": "audio", "ogg": "audio", "oga": "audio", "opus": "audio", "wav": "audio", "m4a": "audio",
	"doc": "office", "docx": "office", "xls": "office", "xlsx": "office", "ppt": "office", "pptx": "office",
	"txt": "text", "csv": "text",
}

// fileTypeLie reports a file whose bytes are recognisably something other
// than its name says (a ZIP or a web page named photo.jpg): such files are
// refused, because desks open them by their name. Bytes that are not
// recognised (HEIC photos, many office files) are not a lie.
func fileTypeLie(name string, data []byte) (claimed, actual string, lie bool) {
	i := strings.LastIndexByte(name, '.')
	if i < 0 {
		return "", "", false
	}
	ext := strings.ToLower(name[i+1:])
	want, ok := claimedKinds[ext]
	if !ok {
		return "", "", false
	}
	sniffed := http.DetectContentType(data)
	var got string
	switch {
	case strings.HasPrefix(sniffed, "image/"):
		got = "image"
	case sniffed == "application/pdf":
		got = "pdf"
	case strings.HasPrefix(sniffed, "video/"):
		got = "video"
	case strings.HasPrefix(sniffed, "audio/") || sniffed == "application/ogg":
		got = "audio"
	case sniffed == "application/zip" || sniffed == "application/x-rar-compressed" || sniffed == "application/x-gzip":
		got = "archive"
	case strings.HasPrefix(sniffed, "text/html") || strings.HasPrefix(sniffed, "text/xml"):
		got = "web page"
	default:
		return "", "", false // not recognised: no claim to contradict
	}
	switch {
	case got == want,
		want == "office" && (got == "archive" || got == "web page"),          // docx/xlsx are ZIPs; old Office HTML exports
		want == "video" && got == "audio", want == "audio" && got == "video", // one container, two uses
		want == "text" && got == "web page":
		return "", "", false
	}
	return "." + ext, got, true
}

func dangerousFile(name, mime string, head []byte) (bool, string) {
	if i := strings.LastIndexByte(name, '.'); i >= 0 {
		if ext := strings.ToLower(name[i+1:]); dangerousExtensions[ext] {
			return true, "." + ext
		}
	}
	if dangerousMIME[strings.ToLower(mime)] {
		return true, mime
	}
	switch {
	case len(head) >= 2 && head[0] == 'M' && head[1] == 'Z':
		return true, "Windows program"
	case len(head) >= 4 && string(head[:4]) == "\x7fELF":
		return true, "Linux program"
	case len(head) >= 2 && head[0] == '#' && head[1] == '!':
		return true, "script"
	case len(head) >= 4 && (string(head[:4]) == "\xca\xfe\xba\xbe" || string(head[:4]) == "\xcf\xfa\xed\xfe"):
		return true, "macOS program"
	}
	return false, ""
}
