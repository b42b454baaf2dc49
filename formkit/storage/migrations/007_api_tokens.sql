-- formkit schema, version 7: tokens of the REST API (only the sha256 of each token is
-- kept; a revoked token stays listed, refused).
CREATE TABLE api_tokens (
    seq         bigserial PRIMARY KEY,
    id          text NOT NULL UNIQUE,
    name        text NOT NULL,
    token_hash  text NOT NULL UNIQUE,
    forms       jsonb NOT NULL DEFAULT '[]',
    all_forms   boolean NOT NULL DEFAULT false,
    write       boolean NOT NULL DEFAULT false,
    expires     text,
    created     text NOT NULL,
    last_used   text,
    revoked     text,
    created_by  text
);
