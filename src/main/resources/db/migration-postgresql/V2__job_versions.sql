-- The content each job id had at the newest sync by any node of a cluster (record.JobVersions):
-- a node whose own content differs is reported at its start.
CREATE TABLE job_versions (
  job_id       VARCHAR(255) PRIMARY KEY,
  content_hash VARCHAR(128) NOT NULL,
  node         VARCHAR(255) NOT NULL,
  updated_at   TIMESTAMP WITH TIME ZONE NOT NULL
);
