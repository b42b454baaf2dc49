-- formkit schema, version 6: invitations to a form, each with a personal link (only the
-- hash of its token is kept) and the reminders to send to those who have not answered.
CREATE TABLE invitations (
    seq             bigserial PRIMARY KEY,
    id              text NOT NULL UNIQUE,
    form_id         text NOT NULL,
    email           text NOT NULL,
    name            text NOT NULL,
    locale          text NOT NULL,
    token_hash      text NOT NULL UNIQUE,
    reminders       jsonb NOT NULL DEFAULT '[]',
    reminders_sent  integer NOT NULL DEFAULT 0,
    response_id     text,
    answered        text,
    opted_out       text,
    created         text NOT NULL,
    invited_by      text,
    UNIQUE (form_id, email)
);
CREATE INDEX invitations_response ON invitations (response_id);
CREATE INDEX invitations_email ON invitations (email);
-- What the daily reminder job reads: those still waiting with reminders left.
CREATE INDEX invitations_waiting ON invitations (seq)
    WHERE answered IS NULL AND opted_out IS NULL;
