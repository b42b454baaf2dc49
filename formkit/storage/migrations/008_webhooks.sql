-- formkit schema, version 8: webhook subscriptions (a form's events POSTed, signed, to a
-- URL) and each one's latest delivery attempts. The secret is kept as given: the worker
-- needs it to sign each delivery.
CREATE TABLE webhooks (
    seq      bigserial PRIMARY KEY,
    id       text NOT NULL UNIQUE,
    form_id  text NOT NULL,
    url      text NOT NULL,
    events   jsonb NOT NULL,
    secret   text NOT NULL,
    active   boolean NOT NULL DEFAULT true,
    created  text NOT NULL
);
CREATE INDEX webhooks_form ON webhooks (form_id);
CREATE TABLE webhook_attempts (
    seq         bigserial PRIMARY KEY,
    webhook_id  text NOT NULL REFERENCES webhooks (id) ON DELETE CASCADE,
    entry       jsonb NOT NULL
);
CREATE INDEX webhook_attempts_latest ON webhook_attempts (webhook_id, seq DESC);
