-- Governance (issue #4): release policies, approval requests and their votes, the rollback target,
-- and the database-level backstop for invariant 6 (at most one Production version per model).
CREATE TABLE `policies` (
	`model_id` text PRIMARY KEY NOT NULL,
	`gates` text NOT NULL,
	`require` text NOT NULL,
	`required_approvals` integer DEFAULT 1 NOT NULL,
	`protected_aliases` text NOT NULL,
	`updated_at` integer NOT NULL,
	`updated_by` text NOT NULL
);

CREATE TABLE `approval_requests` (
	`id` text PRIMARY KEY NOT NULL,
	`model_id` text NOT NULL,
	`version` integer NOT NULL,
	`to_stage` text NOT NULL,
	`requested_by` text NOT NULL,
	`requester_id` text NOT NULL,
	`comment` text DEFAULT '' NOT NULL,
	`status` text DEFAULT 'pending' NOT NULL,
	`required_approvals` integer NOT NULL,
	`created_at` integer NOT NULL,
	`decided_at` integer
);

CREATE INDEX `approval_requests_status_idx` ON `approval_requests` (`status`,`created_at`);

CREATE INDEX `approval_requests_version_idx` ON `approval_requests` (`model_id`,`version`);

-- One open request per version: a second one would split the votes.
CREATE UNIQUE INDEX `approval_requests_one_pending` ON `approval_requests` (`model_id`,`version`) WHERE `status` = 'pending';

CREATE TABLE `approvals` (
	`request_id` text NOT NULL,
	`approver_id` text NOT NULL,
	`approver` text NOT NULL,
	`decision` text NOT NULL,
	`comment` text DEFAULT '' NOT NULL,
	`created_at` integer NOT NULL,
	PRIMARY KEY(`request_id`, `approver_id`)
);

ALTER TABLE `models` ADD `previous_production_version` integer;

-- Invariant 6 backstop: the ledger archives the old Production version in the same batch as it
-- promotes the new one; if anything ever tried otherwise, the whole batch fails here.
CREATE UNIQUE INDEX `model_versions_one_production` ON `model_versions` (`model_id`) WHERE `stage` = 'Production';
