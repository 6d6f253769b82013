-- What each serving node reports it runs, one row per (model, node): the latest report wins.
-- Heartbeat columns are upserted by the report route; the drift_* columns are written only by the
-- model's ledger (a drift episode starting or ending is a model change: audited, announced).
CREATE TABLE `deployments` (
	`model_id` text NOT NULL,
	`node_id` text NOT NULL,
	`environment` text NOT NULL,
	`alias` text NOT NULL,
	`version` integer NOT NULL,
	`manifest_digest` text NOT NULL,
	`status` text NOT NULL,
	`loaded_at` integer NOT NULL,
	`reported_at` integer NOT NULL,
	`reported_by` text NOT NULL,
	`running_since` integer NOT NULL,
	`previous_version` integer,
	`previous_manifest_digest` text,
	`drift` text,
	`drift_since` integer,
	`drift_episodes` integer DEFAULT 0 NOT NULL,
	PRIMARY KEY(`model_id`, `node_id`)
);

CREATE INDEX `deployments_reported_idx` ON `deployments` (`model_id`,`reported_at`);
