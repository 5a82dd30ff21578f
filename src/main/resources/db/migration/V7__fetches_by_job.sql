-- The status page reads fetches per job over a window (chart buckets, the first fetch of the
-- window) for one page of jobs at a time; without this index each read scans every fetch.
-- Portable SQL for H2 and PostgreSQL.
CREATE INDEX fetches_by_job ON fetches (job_id, started_at);
