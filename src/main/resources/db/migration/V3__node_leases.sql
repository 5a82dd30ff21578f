-- Leases on the database (record/NodeLease): one row per thing only one live process may be.
-- lease_key 'single' is a standalone engine's hold on the whole database; 'node:NAME' is a cluster
-- node's hold on its name. A process takes a row that is absent, expired or left by a dead process
-- on its own host, and renews it; renewed_at and expires_at are the database's clock
-- (CURRENT_TIMESTAMP), started_at is the holder's process start on its own clock.
CREATE TABLE node_leases (
  lease_key  VARCHAR(300) PRIMARY KEY,
  node       VARCHAR(255) NOT NULL,
  pid        BIGINT NOT NULL,
  host       VARCHAR(255) NOT NULL,
  pid_ns     VARCHAR(64),
  token      VARCHAR(64) NOT NULL,
  epoch      BIGINT NOT NULL,
  started_at TIMESTAMP WITH TIME ZONE NOT NULL,
  renewed_at TIMESTAMP WITH TIME ZONE NOT NULL,
  expires_at TIMESTAMP WITH TIME ZONE NOT NULL
);
