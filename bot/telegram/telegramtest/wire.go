package telegramtest

import (
	"encoding/json"
	"fmt"
)

// The wire types below are the JSON the Bot API sends. They are kept apart
// from tgbotapi's types because those encode absent objects as null, which
// Telegram never does.

type wireUser struct {
	ID        int64  `json:"id"`
	IsBot     bool   `json:"is_bot"`
	FirstName string `json:"first_name"`
	Username  string `json:"username,omitempty"`
}

// wireBot is the result of getMe.
type wireBot struct {
	wireUser
	CanJoinGroups           bool `json:"can_join_groups"`
	CanReadAllGroupMessages bool `json:"can_read_all_group_messages"`
	SupportsInlineQueries   bool `json:"supports_inline_queries"`
}

// citizen is the user with the given id. Names are derived from the id so
// that tests can predict them: "Citizen 42" / "citizen42".
func citizen(userID int64) wireUser {
	return wireUser{ID: userID, FirstName: fmt.Sprintf("Citizen %d", userID), Username: fmt.Sprintf("citizen%d", userID)}
}

type wireChat struct {
	ID        int64  `json:"id"`
	Type      string `json:"type"`
	Title     string `json:"title,omitempty"`
	FirstName string `json:"first_name,omitempty"`
	Username  string `json:"username,omitempty"`
}

type wireEntity struct {
	Type   string `json:"type"`
	Offset int    `json:"offset"`
	Length int    `json:"length"`
}

// wireFile covers File, PhotoSize, Document, Video, Audio and Voice: every
// field that is not common to all of them is optional.
type wireFile struct {
	FileID       string `json:"file_id"`
	FileUniqueID string `json:"file_unique_id"`
	FileSize     int64  `json:"file_size,omitempty"`
	FilePath     string `json:"file_path,omitempty"`
	FileName     string `json:"file_name,omitempty"`
	MimeType     string `json:"mime_type,omitempty"`
	Width        int    `json:"width,omitempty"`
	Height       int    `json:"height,omitempty"`
	Duration     int    `json:"duration,omitempty"`
}

type wireSticker struct {
	wireFile
	Type       string `json:"type"`
	IsAnimated bool   `json:"is_animated"`
	IsVideo    bool   `json:"is_video"`
	Emoji      string `json:"emoji,omitempty"`
}

type wireLocation struct {
	Latitude  float64 `json:"latitude"`
	Longitude float64 `json:"longitude"`
}

type wireContact struct {
	PhoneNumber string `json:"phone_number"`
	FirstName   string `json:"first_name"`
	UserID      int64  `json:"user_id,omitempty"`
}

type wirePollOption struct {
	Text       string `json:"text"`
	VoterCount int    `json:"voter_count"`
}

type wirePoll struct {
	ID                    string           `json:"id"`
	Question              string           `json:"question"`
	Options               []wirePollOption `json:"options"`
	TotalVoterCount       int              `json:"total_voter_count"`
	IsClosed              bool             `json:"is_closed"`
	IsAnonymous           bool             `json:"is_anonymous"`
	Type                  string           `json:"type"`
	AllowsMultipleAnswers bool             `json:"allows_multiple_answers"`
}

type wireMessage struct {
	MessageID      int             `json:"message_id"`
	From           *wireUser       `json:"from,omitempty"`
	Date           int64           `json:"date"`
	Chat           wireChat        `json:"chat"`
	EditDate       int64           `json:"edit_date,omitempty"`
	MediaGroupID   string          `json:"media_group_id,omitempty"`
	ReplyToMessage *wireMessage    `json:"reply_to_message,omitempty"`
	Text           string          `json:"text,omitempty"`
	Entities       []wireEntity    `json:"entities,omitempty"`
	Caption        string          `json:"caption,omitempty"`
	Photo          []wireFile      `json:"photo,omitempty"`
	Document       *wireFile       `json:"document,omitempty"`
	Video          *wireFile       `json:"video,omitempty"`
	Audio          *wireFile       `json:"audio,omitempty"`
	Voice          *wireFile       `json:"voice,omitempty"`
	Sticker        *wireSticker    `json:"sticker,omitempty"`
	Location       *wireLocation   `json:"location,omitempty"`
	Contact        *wireContact    `json:"contact,omitempty"`
	Poll           *wirePoll       `json:"poll,omitempty"`
	ReplyMarkup    *inlineKeyboard `json:"reply_markup,omitempty"`
}

// quoted is m as it appears in another message's reply_to_message: Telegram
// does not nest replies further.
func (m *wireMessage) quoted() *wireMessage {
	q := *m
	q.ReplyToMessage = nil
	return &q
}

type wireCallbackQuery struct {
	ID           string       `json:"id"`
	From         wireUser     `json:"from"`
	Message      *wireMessage `json:"message,omitempty"`
	ChatInstance string       `json:"chat_instance"`
	Data         string       `json:"data,omitempty"`
}

type wireChatMember struct {
	User   wireUser `json:"user"`
	Status string   `json:"status"`
}

type wireChatMemberUpdated struct {
	Chat          wireChat       `json:"chat"`
	From          wireUser       `json:"from"`
	Date          int64          `json:"date"`
	OldChatMember wireChatMember `json:"old_chat_member"`
	NewChatMember wireChatMember `json:"new_chat_member"`
}

type wireUpdate struct {
	UpdateID      int                    `json:"update_id"`
	Message       *wireMessage           `json:"message,omitempty"`
	EditedMessage *wireMessage           `json:"edited_message,omitempty"`
	CallbackQuery *wireCallbackQuery     `json:"callback_query,omitempty"`
	MyChatMember  *wireChatMemberUpdated `json:"my_chat_member,omitempty"`
}

// inlineKeyboard is an InlineKeyboardMarkup as the bot sent it; it is echoed
// back in the message's reply_markup.
type inlineKeyboard struct {
	InlineKeyboard [][]inlineButton `json:"inline_keyboard"`
}

type inlineButton struct {
	Text                         string          `json:"text"`
	URL                          *string         `json:"url,omitempty"`
	CallbackData                 *string         `json:"callback_data,omitempty"`
	LoginURL                     json.RawMessage `json:"login_url,omitempty"`
	WebApp                       json.RawMessage `json:"web_app,omitempty"`
	SwitchInlineQuery            *string         `json:"switch_inline_query,omitempty"`
	SwitchInlineQueryCurrentChat *string         `json:"switch_inline_query_current_chat,omitempty"`
	CallbackGame                 json.RawMessage `json:"callback_game,omitempty"`
	Pay                          bool            `json:"pay,omitempty"`
}

// hasAction reports whether the button does something; a bare text button
// is not allowed in an inline keyboard.
func (b inlineButton) hasAction() bool {
	return b.URL != nil || b.CallbackData != nil || b.LoginURL != nil || b.WebApp != nil ||
		b.SwitchInlineQuery != nil || b.SwitchInlineQueryCurrentChat != nil || b.CallbackGame != nil || b.Pay
}
