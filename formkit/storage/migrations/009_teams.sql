-- formkit schema, version 9: community teams, their members, one-time sign-in links of
-- members, and an index that lists a team's audit entries without reading the log.
CREATE TABLE teams (
    seq            bigserial PRIMARY KEY,
    id             text NOT NULL UNIQUE,
    slug           text NOT NULL UNIQUE,        -- the team's name in URLs: /t/<slug>/
    name           text NOT NULL,
    community      text NOT NULL DEFAULT '',
    region         text NOT NULL DEFAULT '',
    created        text NOT NULL,
    current_cycle  text,
    listed         boolean NOT NULL DEFAULT false
);

CREATE TABLE members (
    seq      bigserial PRIMARY KEY,
    id       text NOT NULL UNIQUE,
    team_id  text NOT NULL REFERENCES teams (id) ON DELETE CASCADE,
    email    text NOT NULL,                     -- lower case: the person
    name     text NOT NULL,
    role     text NOT NULL,
    added    text NOT NULL,
    removed  text                               -- kept after removal: names stay attributed
);
-- One active membership per person and team; a person's teams; a team's people.
CREATE UNIQUE INDEX members_team_email_active ON members (team_id, email)
    WHERE removed IS NULL;
CREATE INDEX members_email ON members (email) WHERE removed IS NULL;
CREATE INDEX members_team ON members (team_id);

CREATE TABLE signin_links (
    id       text PRIMARY KEY,                  -- sha256 of the link's token
    email    text NOT NULL,
    team_id  text,
    expires  double precision NOT NULL,
    created  text NOT NULL,
    used     text
);
CREATE INDEX signin_links_expires ON signin_links (expires);

-- A team's recent activity: entries written with a team id, newest first.
CREATE INDEX audit_team ON audit ((entry->>'team_id'), seq) WHERE entry ? 'team_id';
