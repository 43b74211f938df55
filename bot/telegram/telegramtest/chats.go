package telegramtest

import (
	"fmt"
	"strconv"
	"time"
)

// chatState is one chat as Telegram sees it. Message ids are one sequence
// per chat, shared by the citizens' and the bot's messages.
type chatState struct {
	id            int64
	known         bool // the bot may write here: a citizen wrote first, or AllowChat
	blocked       bool
	botAdmin      bool // the bot administers the group: it reads everything
	otherBotLast  bool // another bot wrote after this one (AnotherBotWrote)
	lastMessageID int
	messages      map[int]*wireMessage
	bucket        *gcra   // per-chat flood control
	window        *window // per-group flood control; nil for private chats
}

// supergroupBase is where supergroup (and channel) ids start: -100xxxxxxxxxx.
const supergroupBase = -1_000_000_000_000

func (c *chatState) wire() wireChat {
	switch {
	case c.id > 0:
		u := citizen(c.id)
		return wireChat{ID: c.id, Type: "private", FirstName: u.FirstName, Username: u.Username}
	case c.id <= supergroupBase:
		return wireChat{ID: c.id, Type: "supergroup", Title: fmt.Sprintf("Group %d", c.id)}
	default:
		return wireChat{ID: c.id, Type: "group", Title: fmt.Sprintf("Group %d", c.id)}
	}
}

// chatLocked returns the chat with the given id, creating it unknown.
func (s *Server) chatLocked(id int64) *chatState {
	c := s.chats[id]
	if c == nil {
		c = &chatState{
			id:       id,
			messages: map[int]*wireMessage{},
			bucket:   newGCRA(s.opts.PerChatRate, s.opts.PerChatBurst),
		}
		if id < 0 {
			c.window = newWindow(s.opts.PerGroupPerMinute, time.Minute)
		}
		s.chats[id] = c
	}
	return c
}

// targetLocked resolves the chat_id of a bot call that writes into a chat.
func (s *Server) targetLocked(ref string) (*chatState, *apiError) {
	if ref == "" {
		return nil, errChatIDEmpty
	}
	id, err := strconv.ParseInt(ref, 10, 64)
	if err != nil { // "@channelusername": no such channel here
		return nil, errChatNotFound
	}
	c := s.chats[id]
	switch {
	case (c == nil || !c.known) && id > 0:
		return nil, errCantInitiate
	case c == nil || !c.known:
		return nil, errChatNotFound
	case c.blocked:
		return nil, c.blockedError()
	}
	return c, nil
}

func (c *chatState) blockedError() *apiError {
	switch {
	case c.id > 0:
		return errBlocked
	case c.id <= supergroupBase:
		return errKickedSupergroup
	default:
		return errKickedGroup
	}
}

// newMessageLocked appends a new message from "from" to the chat.
func (s *Server) newMessageLocked(c *chatState, from wireUser) *wireMessage {
	c.lastMessageID++
	m := &wireMessage{MessageID: c.lastMessageID, From: &from, Date: s.now().Unix(), Chat: c.wire()}
	c.messages[m.MessageID] = m
	return m
}

func (s *Server) fromBot(m *wireMessage) bool { return m.From != nil && m.From.ID == s.bot.ID }

// AllowChat marks a chat as one the bot may write to, as if its citizen
// had written first (or, for a group, as if the bot had been added to it).
func (s *Server) AllowChat(chatID int64) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.chatLocked(chatID).known = true
}

// Block makes every send and edit into the chat fail with 403: "bot was
// blocked by the user" for private chats, "bot was kicked from the group
// chat" (or supergroup chat) for groups. For a private chat it also queues
// the my_chat_member update (status "kicked") Telegram sends on a block.
func (s *Server) Block(chatID int64) {
	s.setBlocked(chatID, true)
}

// Unblock undoes Block; for a private chat it queues the my_chat_member
// update (status "member") Telegram sends when the user restarts the bot.
func (s *Server) Unblock(chatID int64) {
	s.setBlocked(chatID, false)
}

func (s *Server) setBlocked(chatID int64, blocked bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	c := s.chatLocked(chatID)
	if c.blocked == blocked {
		return
	}
	c.blocked = blocked
	c.known = true
	if chatID < 0 {
		return
	}
	old, status := "member", "kicked"
	if !blocked {
		old, status = status, old
	}
	s.enqueueLocked(wireUpdate{MyChatMember: &wireChatMemberUpdated{
		Chat:          c.wire(),
		From:          citizen(chatID),
		Date:          s.now().Unix(),
		OldChatMember: wireChatMember{User: s.bot, Status: old},
		NewChatMember: wireChatMember{User: s.bot, Status: status},
	}})
}

func (s *Server) getChat(rq *request) (any, *apiError) {
	s.mu.Lock()
	defer s.mu.Unlock()
	id, err := strconv.ParseInt(rq.str("chat_id"), 10, 64)
	if c := s.chats[id]; err == nil && c != nil && c.known {
		return c.wire(), nil
	}
	return nil, errChatNotFound
}
