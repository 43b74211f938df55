-- +goose Up

-- An answer's and a follow-up's files are looked up by answer and by
-- follow-up (the desks' review, the printed report): without these, each
-- lookup read the whole attachments table (26 ms per printed report with
-- 300,000 files, growing with every file ever received). Partial: most
-- files are citizens' evidence, with neither.
CREATE INDEX attachments_by_answer ON attachments (answer_id) WHERE answer_id IS NOT NULL;
CREATE INDEX attachments_by_followup ON attachments (followup_id) WHERE followup_id IS NOT NULL;

-- +goose Down
DROP INDEX attachments_by_followup;
DROP INDEX attachments_by_answer;
