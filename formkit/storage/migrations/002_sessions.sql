-- formkit schema, version 2: coordinators' sessions kept on the server, so signing
-- out ends a session wherever its cookie was copied. Times are epoch seconds.
CREATE TABLE sessions (
    id       text PRIMARY KEY,          -- sha256 of the random id in the cookie
    user_id  text NOT NULL,
    created  double precision NOT NULL,
    seen     double precision NOT NULL,
    expires  double precision NOT NULL
);
CREATE INDEX sessions_user ON sessions (user_id);
CREATE INDEX sessions_expires ON sessions (expires);
