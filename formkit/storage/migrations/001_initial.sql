-- formkit schema, version 1. Timestamps are ISO 8601 UTC text, as every store keeps
-- them (they sort chronologically and copy between stores unchanged).
CREATE TABLE responses (
    seq           bigserial PRIMARY KEY,          -- stored order
    id            text NOT NULL UNIQUE,
    form_id       text NOT NULL,
    form_version  text NOT NULL,
    locale        text NOT NULL,
    status        text NOT NULL,
    answers       jsonb NOT NULL DEFAULT '{}',
    score         jsonb,
    created       text NOT NULL,
    updated       text NOT NULL,
    submitted     text,
    page          integer NOT NULL DEFAULT 0,
    pending       jsonb NOT NULL DEFAULT '{}',
    key           text,
    resume_hash   text UNIQUE,
    review_status text,
    history       jsonb NOT NULL DEFAULT '[]'
);
-- Idempotent submit across app servers: one response per (form, browser form key).
CREATE UNIQUE INDEX responses_form_key ON responses (form_id, key);
-- What the coordinator views filter and sort on.
CREATE INDEX responses_form_status_submitted ON responses (form_id, status, submitted);
CREATE INDEX responses_form_review ON responses (form_id, review_status);
CREATE INDEX responses_form_locale ON responses (form_id, locale);

CREATE TABLE users (
    id    text PRIMARY KEY,
    email text NOT NULL UNIQUE,
    data  jsonb NOT NULL
);

CREATE TABLE audit (
    seq   bigserial PRIMARY KEY,
    entry jsonb NOT NULL
);

CREATE TABLE counters (
    key   text PRIMARY KEY,
    count integer NOT NULL,
    until double precision NOT NULL
);
