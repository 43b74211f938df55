-- +goose Up

-- A desk code is either for registering a group chat as a desk (the
-- officer must already be known) or for signing a browser in to the desk's
-- web room (the code makes its holder that desk's officer, so it names
-- them).
ALTER TABLE desk_codes
    ADD COLUMN purpose      text NOT NULL DEFAULT 'group' CHECK (purpose IN ('group', 'room')),
    ADD COLUMN officer_name text NOT NULL DEFAULT '';

-- The desk room a signed-in officer's browser shows; NULL for a citizen.
ALTER TABLE webchat_sessions ADD COLUMN room text;

-- +goose Down
ALTER TABLE webchat_sessions DROP COLUMN room;
ALTER TABLE desk_codes DROP COLUMN officer_name, DROP COLUMN purpose;
