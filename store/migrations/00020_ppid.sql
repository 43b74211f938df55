-- +goose Up

-- Issue 16 §4: information requests (UU 14/2008) go to the PPID, whose
-- superior decides objections: two roles and two desk kinds join the
-- chain's. (The PPID's stages need nothing here: a clock runs wherever a
-- stage deadline is set, 00022.)
ALTER TABLE officers DROP CONSTRAINT officers_role_check;
ALTER TABLE officers ADD CONSTRAINT officers_role_check
    CHECK (role IN ('super_admin', 'regency_admin', 'liaison_officer', 'ombudsman', 'ppid', 'ppid_superior'));
ALTER TABLE officer_invitations DROP CONSTRAINT officer_invitations_role_check;
ALTER TABLE officer_invitations ADD CONSTRAINT officer_invitations_role_check
    CHECK (role IN ('super_admin', 'regency_admin', 'liaison_officer', 'ombudsman', 'ppid', 'ppid_superior'));
ALTER TABLE desks DROP CONSTRAINT desks_kind_check;
ALTER TABLE desks ADD CONSTRAINT desks_kind_check
    CHECK (kind IN ('super_admin', 'regency_admin', 'agency', 'ombudsman', 'ppid', 'ppid_superior'));

-- +goose Down
ALTER TABLE desks DROP CONSTRAINT desks_kind_check;
ALTER TABLE desks ADD CONSTRAINT desks_kind_check CHECK (kind IN ('super_admin', 'regency_admin', 'agency', 'ombudsman'));
ALTER TABLE officer_invitations DROP CONSTRAINT officer_invitations_role_check;
ALTER TABLE officer_invitations ADD CONSTRAINT officer_invitations_role_check
    CHECK (role IN ('super_admin', 'regency_admin', 'liaison_officer', 'ombudsman'));
ALTER TABLE officers DROP CONSTRAINT officers_role_check;
ALTER TABLE officers ADD CONSTRAINT officers_role_check
    CHECK (role IN ('super_admin', 'regency_admin', 'liaison_officer', 'ombudsman'));
