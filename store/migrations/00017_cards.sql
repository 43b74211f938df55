-- +goose Up

-- The cards of reports shown in desks: one row per card message, so that
-- when a report moves every card of it is edited in place to its current
-- state. message_id is the platform's id of the message that carries the
-- card's buttons, recorded when the dispatcher sent it; edit_seq numbers
-- the edits enqueued for the card, so an edit superseded by a newer one
-- is dropped instead of sent.
CREATE TABLE report_cards (
    id          bigserial   PRIMARY KEY,
    report_id   bigint      NOT NULL REFERENCES reports (id) ON DELETE CASCADE,
    channel     text        NOT NULL,
    chat_id     text        NOT NULL,
    desk_kind   text        NOT NULL,
    agency_code text        NOT NULL DEFAULT '',
    -- what the card said besides the report (a reason, the answer under
    -- review), kept when the card is drawn again
    extra       text        NOT NULL DEFAULT '',
    -- 'full': the whole report; 'review': the agency's answer first, then
    -- a short summary of the report (what an answer's reviewers get)
    layout      text        NOT NULL DEFAULT 'full',
    message_id  text,
    caption     boolean     NOT NULL DEFAULT false,
    created_at  timestamptz NOT NULL,
    sent_at     timestamptz,
    edit_seq    bigint      NOT NULL DEFAULT 0,
    -- a newer card of the report went to the same chat: this one had a
    -- last edit (no buttons, a pointer to the newer one) and is left
    -- alone since, so a desk's edits per change stay one
    retired     boolean     NOT NULL DEFAULT false
);
CREATE INDEX report_cards_by_report ON report_cards (report_id);

-- +goose Down
DROP TABLE report_cards;
