-- formkit schema, version 5: the outbox, durable messages a worker delivers (emails;
-- webhooks later). Times to compare are epoch seconds; record times ISO 8601 UTC text.
CREATE TABLE outbox (
    seq           bigserial PRIMARY KEY,
    id            text NOT NULL UNIQUE,       -- the idempotency id
    kind          text NOT NULL,
    payload       jsonb NOT NULL,
    status        text NOT NULL,
    attempts      integer NOT NULL DEFAULT 0,
    next_at       double precision NOT NULL DEFAULT 0,
    lease_until   double precision NOT NULL DEFAULT 0,
    after_submit  text,
    recipient     text,
    form_id       text,
    response_id   text,
    created       text NOT NULL,
    sent          text,
    last_error    text
);
-- What a worker claims: queued messages that are due, oldest first.
CREATE INDEX outbox_due ON outbox (status, next_at, seq);
CREATE INDEX outbox_recipient ON outbox (recipient);
