package telegramtest

import (
	"crypto/sha512"
	"encoding/base64"
	"fmt"
	"io"
	"net/http"
	"path"
	"strings"
)

// maxDownload is getFile's limit: bots cannot download larger files.
const maxDownload = 20 << 20

type fileKind string

const (
	kindPhoto    fileKind = "photo"
	kindDocument fileKind = "document"
	kindVideo    fileKind = "video"
	kindAudio    fileKind = "audio"
	kindVoice    fileKind = "voice"
	kindSticker  fileKind = "sticker"
)

// kindInfo gives a kind's file_path directory and default extension and the
// prefix of its file ids, as Telegram shapes them.
var kindInfo = map[fileKind]struct{ dir, ext, idPrefix string }{
	kindPhoto:    {"photos", ".jpg", "AgACAgIAAxkBAAI"},
	kindDocument: {"documents", "", "BQACAgIAAxkBAAI"},
	kindVideo:    {"videos", ".mp4", "BAACAgIAAxkBAAI"},
	kindAudio:    {"music", ".mp3", "CQACAgIAAxkBAAI"},
	kindVoice:    {"voice", ".oga", "AwACAgIAAxkBAAI"},
	kindSticker:  {"stickers", ".webp", "CAACAgIAAxkBAAI"},
}

// storedFile is a file known to the server: sent by a citizen or uploaded
// by the bot.
type storedFile struct {
	id, uniqueID string
	kind         fileKind
	name, mime   string
	size         int64
	data         []byte
	generated    bool   // content is LargeFileByte(i), never stored
	path         string // file_path, assigned by the first getFile
}

func (f *storedFile) wire() wireFile {
	return wireFile{FileID: f.id, FileUniqueID: f.uniqueID, FileSize: f.size, FileName: f.name, MimeType: f.mime}
}

func (f *storedFile) wirePtr() *wireFile {
	w := f.wire()
	return &w
}

// LargeFileByte is byte i of a file created by SendLargeDocument.
func LargeFileByte(i int64) byte { return byte(i % 251) }

// generatedContent streams LargeFileByte(offset), LargeFileByte(offset+1)...
type generatedContent struct{ offset int64 }

func (g *generatedContent) Read(p []byte) (int, error) {
	for i := range p {
		p[i] = LargeFileByte(g.offset + int64(i))
	}
	g.offset += int64(len(p))
	return len(p), nil
}

func (s *Server) addFileLocked(kind fileKind, name, mimeType string, data []byte) *storedFile {
	f := s.newFileLocked(kind, name, mimeType, int64(len(data)))
	f.data = data
	return f
}

func (s *Server) addGeneratedFileLocked(kind fileKind, name, mimeType string, size int64) *storedFile {
	f := s.newFileLocked(kind, name, mimeType, size)
	f.generated = true
	return f
}

func (s *Server) newFileLocked(kind fileKind, name, mimeType string, size int64) *storedFile {
	s.fileSeq++
	// Real file ids are opaque and about 80 characters long: too long, for
	// instance, to fit in a button's 64-byte callback_data.
	sum := sha512.Sum512([]byte(fmt.Sprintf("%s/%d", kind, s.fileSeq)))
	f := &storedFile{
		id:       kindInfo[kind].idPrefix + base64.RawURLEncoding.EncodeToString(sum[:48]),
		uniqueID: "AQAD" + base64.RawURLEncoding.EncodeToString(sum[48:57]),
		kind:     kind,
		name:     name,
		mime:     mimeType,
		size:     size,
	}
	s.files[f.id] = f
	return f
}

// photoSizesLocked stores a photo as Telegram presents it: a thumbnail and
// the full size, largest last.
func (s *Server) photoSizesLocked(data []byte) []wireFile {
	thumb := s.addFileLocked(kindPhoto, "", "", data[:min(len(data), 1024)]).wire()
	thumb.Width, thumb.Height = 90, 67
	full := s.addFileLocked(kindPhoto, "", "", data).wire()
	full.Width, full.Height = 1280, 960
	return []wireFile{thumb, full}
}

func (s *Server) getFile(rq *request) (any, *apiError) {
	s.mu.Lock()
	defer s.mu.Unlock()
	f := s.files[rq.str("file_id")]
	switch {
	case f == nil:
		return nil, errInvalidFileID
	case f.size > maxDownload:
		return nil, errFileTooBig
	}
	if f.path == "" {
		info := kindInfo[f.kind]
		ext := path.Ext(f.name)
		if ext == "" {
			ext = info.ext
		}
		f.path = fmt.Sprintf("%s/file_%d%s", info.dir, len(s.filePaths), ext)
		s.filePaths[f.path] = f
	}
	return wireFile{FileID: f.id, FileUniqueID: f.uniqueID, FileSize: f.size, FilePath: f.path}, nil
}

// serveFile answers GET /file/bot<token>/<file_path>.
func (s *Server) serveFile(w http.ResponseWriter, r *http.Request, rest string) {
	token, filePath, _ := strings.Cut(rest, "/")
	if token != s.opts.Token {
		s.replyError(w, r, errUnauthorized)
		return
	}
	s.mu.Lock()
	f := s.filePaths[filePath]
	s.mu.Unlock()
	if f == nil {
		s.replyError(w, r, errNotFound)
		return
	}
	contentType := f.mime
	if contentType == "" {
		contentType = "application/octet-stream"
	}
	w.Header().Set("Content-Type", contentType)
	w.Header().Set("Content-Length", fmt.Sprint(f.size))
	if f.generated {
		_, _ = io.CopyN(w, &generatedContent{}, f.size)
		return
	}
	_, _ = w.Write(f.data)
}
