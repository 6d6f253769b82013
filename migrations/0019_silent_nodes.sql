-- Silent nodes (issue #19): a node that stops reporting opens a `stale` drift episode, raised once
-- by the cron and closed when the node reports again. `stale_since` is that episode's state (null =
-- none open), written only by the model's ledger, so the next cron tick does not raise it again.
ALTER TABLE `deployments` ADD `stale_since` integer;

-- The cron's question, across every model: which nodes are silent and not yet flagged?
CREATE INDEX `deployments_silent_idx` ON `deployments` (`reported_at`) WHERE `stale_since` IS NULL;
