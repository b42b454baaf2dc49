-- Teams' cycles and living responses (docs/teams.md). A team space reads one cycle's
-- rows of team_responses (by cycle), never a scan of every response.
CREATE TABLE cycles (
    id         text PRIMARY KEY,
    team_id    text NOT NULL,
    number     integer NOT NULL,
    label      text NOT NULL,
    started    text NOT NULL,
    started_by text,
    UNIQUE (team_id, number)
);

-- Where a living response belongs; revision is the compare-and-swap counter.
CREATE TABLE team_responses (
    seq         bigserial,
    response_id text PRIMARY KEY REFERENCES responses (id) ON DELETE CASCADE,
    team_id     text NOT NULL,
    cycle_id    text NOT NULL REFERENCES cycles (id),
    form_id     text NOT NULL,
    member_id   text,
    revision    integer NOT NULL DEFAULT 0,
    status      text NOT NULL,
    updated     text NOT NULL,
    updated_by  text,
    submitted   text
);
-- One response per (cycle, form, member); the team's own has no member.
CREATE UNIQUE INDEX team_responses_slot
    ON team_responses (cycle_id, form_id, coalesce(member_id, ''));
CREATE INDEX team_responses_team ON team_responses (team_id, cycle_id);

CREATE TABLE revisions (
    response_id text NOT NULL REFERENCES responses (id) ON DELETE CASCADE,
    number      integer NOT NULL,
    data        jsonb NOT NULL,
    PRIMARY KEY (response_id, number)
);
