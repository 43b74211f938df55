-- +goose Up

-- Issue 16 §4: information requests (UU 14/2008) go to the PPID, whose
-- superior decides objections. Two roles and two desk kinds join the
-- chain's, and the PPID's stages have deadlines the sweep looks for (the
-- index's list matches store.ReportsDueBy's, so the planner uses it).
ALTER TABLE officers DROP CONSTRAINT officers_role_check;
ALTER TABLE officers ADD CONSTRAINT officers_role_check
    CHECK (role IN ('super_admin', 'regency_admin', 'liaison_officer', 'ombudsman', 'ppid', 'ppid_superior'));
ALTER TABLE officer_invitations DROP CONSTRAINT officer_invitations_role_check;
ALTER TABLE officer_invitations ADD CONSTRAINT officer_invitations_role_check
    CHECK (role IN ('super_admin', 'regency_admin', 'liaison_officer', 'ombudsman', 'ppid', 'ppid_superior'));
ALTER TABLE desks DROP CONSTRAINT desks_kind_check;
ALTER TABLE desks ADD CONSTRAINT desks_kind_check
    CHECK (kind IN ('super_admin', 'regency_admin', 'agency', 'ombudsman', 'ppid', 'ppid_superior'));

DROP INDEX reports_open_by_deadline;
CREATE INDEX reports_open_by_deadline ON reports (stage_deadline)
    WHERE stage IN ('submitted', 'at_regency', 'at_agency', 'answer_review', 'answered', 'at_ppid', 'info_answered', 'objection');

-- +goose Down
DROP INDEX reports_open_by_deadline;
CREATE INDEX reports_open_by_deadline ON reports (stage_deadline)
    WHERE stage IN ('submitted', 'at_regency', 'at_agency', 'answer_review', 'answered');
ALTER TABLE desks DROP CONSTRAINT desks_kind_check;
ALTER TABLE desks ADD CONSTRAINT desks_kind_check CHECK (kind IN ('super_admin', 'regency_admin', 'agency', 'ombudsman'));
ALTER TABLE officer_invitations DROP CONSTRAINT officer_invitations_role_check;
ALTER TABLE officer_invitations ADD CONSTRAINT officer_invitations_role_check
    CHECK (role IN ('super_admin', 'regency_admin', 'liaison_officer', 'ombudsman'));
ALTER TABLE officers DROP CONSTRAINT officers_role_check;
ALTER TABLE officers ADD CONSTRAINT officers_role_check
    CHECK (role IN ('super_admin', 'regency_admin', 'liaison_officer', 'ombudsman'));
