-- Journals replayed into the outcome tables (record/Journal): the replay of a journal and its row
-- here commit together, so a journal is never written twice, even when the process dies between
-- the commit and the deletion of the file. Numbered 2.1 to stay clear of other V2 migrations.
CREATE TABLE journal_replays (
  journal_id  VARCHAR(64) PRIMARY KEY,
  writes      INT NOT NULL,
  replayed_at TIMESTAMP WITH TIME ZONE NOT NULL
);
