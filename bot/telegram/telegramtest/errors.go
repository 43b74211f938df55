package telegramtest

import (
	"fmt"
	"net/http"
)

// apiError is an unsuccessful Bot API answer.
type apiError struct {
	code        int
	description string
	retryAfter  int
}

func (e *apiError) envelope() envelope {
	env := envelope{ErrorCode: e.code, Description: e.description}
	if e.retryAfter > 0 {
		env.Parameters = &responseParameters{RetryAfter: e.retryAfter}
	}
	return env
}

func badRequest(description string) *apiError {
	return &apiError{code: http.StatusBadRequest, description: "Bad Request: " + description}
}

func forbidden(description string) *apiError {
	return &apiError{code: http.StatusForbidden, description: "Forbidden: " + description}
}

func tooManyRequests(retryAfter int) *apiError {
	return &apiError{
		code:        http.StatusTooManyRequests,
		description: fmt.Sprintf("Too Many Requests: retry after %d", retryAfter),
		retryAfter:  retryAfter,
	}
}

// The errors below use Telegram's own descriptions.
var (
	errUnauthorized     = &apiError{code: http.StatusUnauthorized, description: "Unauthorized"}
	errNotFound         = &apiError{code: http.StatusNotFound, description: "Not Found"}
	errTooLarge         = &apiError{code: http.StatusRequestEntityTooLarge, description: "Request Entity Too Large"}
	errConflict         = &apiError{code: http.StatusConflict, description: "Conflict: terminated by other getUpdates request; make sure that only one bot instance is running"}
	errChatIDEmpty      = badRequest("chat_id is empty")
	errChatNotFound     = badRequest("chat not found")
	errCantInitiate     = forbidden("bot can't initiate conversation with a user")
	errBlocked          = forbidden("bot was blocked by the user")
	errKickedGroup      = forbidden("bot was kicked from the group chat")
	errKickedSupergroup = forbidden("bot was kicked from the supergroup chat")
	errTextEmpty        = badRequest("message text is empty")
	errTextTooLong      = badRequest("message is too long")
	errCaptionTooLong   = badRequest("message caption is too long")
	errNotUTF8          = badRequest("text must be encoded in UTF-8")
	errMarkupJSON       = badRequest("can't parse reply keyboard markup JSON object")
	errButtonData       = badRequest("BUTTON_DATA_INVALID")
	errTextButton       = badRequest("can't parse inline keyboard button: Text buttons are unallowed in the inline keyboard")
	errReplyNotFound    = badRequest("message to be replied not found")
	errNoMessageID      = badRequest("message identifier is not specified")
	errEditNotFound     = badRequest("message to edit not found")
	errCantEdit         = badRequest("message can't be edited")
	errNoTextToEdit     = badRequest("there is no text in the message to edit")
	errNoCaptionToEdit  = badRequest("there is no caption in the message to edit")
	errNotModified      = badRequest("message is not modified: specified new message content and reply markup are exactly the same as a current content and reply markup of the message")
	errQueryTooOld      = badRequest("query is too old and response timeout expired or query ID is invalid")
	errWrongAction      = badRequest("wrong parameter action in request")
	errInvalidFileID    = badRequest("invalid file_id")
	errFileTooBig       = badRequest("file is too big")
	errWrongFileID      = badRequest("wrong file identifier/HTTP URL specified")
	errBadJSON          = badRequest("can't parse JSON object")
	errBadMultipart     = badRequest("can't parse multipart/form-data")
	errReadBody         = badRequest("can't read request body")
)

func errNoFile(field string) *apiError {
	return badRequest("there is no " + field + " in the request")
}
