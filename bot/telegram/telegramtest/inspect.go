package telegramtest

import (
	"context"
	"maps"
	"slices"
	"time"
)

// Sent is one message the bot delivered (send*) or changed (edit*).
// Rejected calls (4xx, 429, faults) are never recorded.
type Sent struct {
	Method      string // "sendMessage", "sendPhoto", "editMessageText", ...
	ChatID      int64
	MessageID   int    // the new message, or the edited one
	Text        string // text as the bot sent it, markup included
	Caption     string
	ParseMode   string
	Keyboard    [][]Button // the inline keyboard; nil if none
	ReplyTo     int        // id of the message replied to; 0 if none
	ForceReply  bool       // reply_markup was force_reply
	Selective   bool       // ... with selective set
	FileID      string     // the file sent (uploaded or re-sent by file_id)
	FileName    string     // an upload's multipart file name
	ContentType string     // an upload's multipart Content-Type
	FileData    []byte     // the file's bytes; shared, do not modify
	At          time.Time  // Options.Now at delivery
}

// Button is an inline keyboard button: its label and its callback data or
// URL.
type Button struct {
	Text, Data, URL string
}

// Stats counts what happened on the server.
type Stats struct {
	Delivered         int            // recorded Sent entries
	RateLimited       int            // 429 answers from flood control
	Errors            map[string]int // error answers by description, 429 from flood control included
	Faults            map[Fault]int  // injected faults by kind
	GetUpdatesCalls   int
	AnsweredCallbacks int
	ChatActions       int
	// Withheld counts members' group messages (new or edited) the bot
	// did not receive because of privacy mode.
	Withheld int
}

func newStats() Stats {
	return Stats{Errors: map[string]int{}, Faults: map[Fault]int{}}
}

// CallbackAnswer is how the bot answered a callback query.
type CallbackAnswer struct {
	Text      string
	ShowAlert bool
	URL       string
}

type callbackState struct {
	answered bool
	answer   CallbackAnswer
}

func (s *Server) recordLocked(sent Sent) {
	s.sent = append(s.sent, sent)
	s.stats.Delivered++
	s.broadcastLocked()
}

// Sent returns what was delivered to the chat, in order.
func (s *Server) Sent(chatID int64) []Sent {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.sentToLocked(chatID)
}

func (s *Server) sentToLocked(chatID int64) []Sent {
	var out []Sent
	for _, m := range s.sent {
		if m.ChatID == chatID {
			out = append(out, m)
		}
	}
	return out
}

// AllSent returns everything delivered, in order.
func (s *Server) AllSent() []Sent {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.sent)
}

// WaitSent blocks until at least n entries were delivered to the chat and
// returns them all. On ctx's end or Close it returns what there is and the
// error.
func (s *Server) WaitSent(ctx context.Context, chatID int64, n int) ([]Sent, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for {
		sent := s.sentToLocked(chatID)
		if len(sent) >= n {
			return sent, nil
		}
		if err := s.waitChange(ctx); err != nil {
			return sent, err
		}
	}
}

// Stats returns a copy of the counters.
func (s *Server) Stats() Stats {
	s.mu.Lock()
	defer s.mu.Unlock()
	st := s.stats
	st.Errors = maps.Clone(s.stats.Errors)
	st.Faults = maps.Clone(s.stats.Faults)
	return st
}

// CallbackAnswer reports how the bot answered the callback query, and
// whether it did.
func (s *Server) CallbackAnswer(queryID string) (CallbackAnswer, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	cb := s.callbacks[queryID]
	if cb == nil || !cb.answered {
		return CallbackAnswer{}, false
	}
	return cb.answer, true
}
