-- Failed console logins per account (the lower-cased e-mail typed, whether or
-- not a user has it, so a lock tells nothing about which accounts exist).
-- Same dialect rules as 0001.
CREATE TABLE login_attempts (
    account TEXT PRIMARY KEY,
    failures BIGINT NOT NULL,
    window_start BIGINT NOT NULL,
    locked_until BIGINT NOT NULL
);
