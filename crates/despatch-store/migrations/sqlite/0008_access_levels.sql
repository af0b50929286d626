-- HOCS access levels (shared/reference/hocs.md §4): each membership of a team gives its user a
-- level per case type (SUMMARY, READ, WRITE, OWNER or CASE_ADMIN). Units and users can be
-- deactivated; an account can be marked to choose a new password at its next sign-in (one-time
-- passwords from `despatch admin create-user` and an administrator's "reset password").
ALTER TABLE units ADD COLUMN active BIGINT NOT NULL DEFAULT 1;
ALTER TABLE users ADD COLUMN active BIGINT NOT NULL DEFAULT 1;
ALTER TABLE accounts ADD COLUMN must_change_password BIGINT NOT NULL DEFAULT 0;
CREATE TABLE membership_levels (
    user_name TEXT NOT NULL,
    team TEXT NOT NULL,
    case_type TEXT NOT NULL,
    level TEXT NOT NULL,
    PRIMARY KEY (user_name, team, case_type)
);
-- Before levels, a member could do everything with the cases of the case types in use; keep
-- that as WRITE for the memberships that exist, for each case type named by a topic link or a case.
INSERT INTO membership_levels (user_name, team, case_type, level)
    SELECT m.user_name, m.team, t.case_type, 'WRITE'
    FROM memberships m, (SELECT case_type FROM topic_links UNION SELECT case_type FROM cases) t;
