-- Progressive rollouts (issue 18): an alias moved gradually to a canary version, guarded by the
-- health the canary nodes report. Written only by the model's ledger (a rollout is model state).
CREATE TABLE `rollouts` (
	`id` text PRIMARY KEY NOT NULL,
	`model_id` text NOT NULL,
	`alias` text NOT NULL,
	`from_version` integer NOT NULL,
	`version` integer NOT NULL,
	`weight` integer NOT NULL,
	`steps` text NOT NULL,
	`step_interval_s` integer NOT NULL,
	`guards` text NOT NULL,
	`status` text NOT NULL,
	`step_started_at` integer NOT NULL,
	`breach` text,
	`history` text NOT NULL,
	`created_by` text NOT NULL,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	`ended_at` integer
);

-- One active rollout per alias, held by the database too: a stale writer's batch fails as a whole.
CREATE UNIQUE INDEX `rollouts_active_alias_unique` ON `rollouts` (`model_id`,`alias`) WHERE `status` = 'active';
CREATE INDEX `rollouts_model_created_idx` ON `rollouts` (`model_id`,`created_at`);
CREATE INDEX `rollouts_status_idx` ON `rollouts` (`status`,`step_started_at`);

-- Health a serving node reports with its deployment (metric name → number), as of its latest report.
ALTER TABLE `deployments` ADD COLUMN `metrics` text;
