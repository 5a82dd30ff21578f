-- Durable pauses (POST /api/jobs/{id}/pause): one row per paused job, read by every node at start
-- and at each cluster check-in; resume deletes the row. Portable SQL for H2 and PostgreSQL.
CREATE TABLE paused_jobs (
  job_id    VARCHAR(255) PRIMARY KEY,
  paused_at TIMESTAMP WITH TIME ZONE NOT NULL,
  paused_by VARCHAR(255) NOT NULL,
  node      VARCHAR(255) NOT NULL
);

-- Why a run ended as it did when its status alone does not say: for a SKIPPED run, what skipped it
-- ("paused by API at 2026-... on node-1", "overlap: skip; the previous run is still going").
ALTER TABLE runs ADD COLUMN reason VARCHAR(255);
