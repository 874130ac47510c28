-- The temporary password a consented action sets: kept as a salted PBKDF2 hash, so that the user can sign in with
-- what was e-mailed (the password itself is in the e-mails only).
ALTER TABLE dir_user ADD COLUMN password_hash VARCHAR(200);
