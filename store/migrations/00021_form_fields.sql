-- +goose Up

-- Issue 16 §5: what the national LAPOR! form has. A report gets a short
-- title and a LAPOR! category (a code of flows/category's list), both
-- suggested at intake and editable by the admins. The reporter's contact
-- (phone or e-mail) given at intake goes into the existing contact column,
-- which so far held only a walk-in citizen's contact.
ALTER TABLE reports
    ADD COLUMN title    text NOT NULL DEFAULT '',
    ADD COLUMN category text NOT NULL DEFAULT '';

-- +goose Down
ALTER TABLE reports DROP COLUMN title, DROP COLUMN category;
