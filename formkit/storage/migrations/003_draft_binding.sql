-- Drafts are bound to the browser that continues them (a hash of its id), and
-- `formkit store vacuum` looks for old empty drafts by their last change.
ALTER TABLE responses ADD COLUMN browser text;
CREATE INDEX responses_drafts_updated ON responses (updated) WHERE status = 'draft';
