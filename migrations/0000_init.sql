CREATE TABLE `aliases` (
	`model_id` text NOT NULL,
	`alias` text NOT NULL,
	`version` integer NOT NULL,
	`updated_at` integer NOT NULL,
	`updated_by` text NOT NULL,
	PRIMARY KEY(`model_id`, `alias`)
);

CREATE INDEX `aliases_version_idx` ON `aliases` (`model_id`,`version`);
CREATE TABLE `audit_log` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`chain` text NOT NULL,
	`seq` integer NOT NULL,
	`model_name` text,
	`action` text NOT NULL,
	`actor` text NOT NULL,
	`target` text NOT NULL,
	`before` text,
	`after` text,
	`reason` text,
	`request_id` text NOT NULL,
	`created_at` integer NOT NULL,
	`prev_hash` text NOT NULL,
	`hash` text NOT NULL
);

CREATE UNIQUE INDEX `audit_chain_seq_unique` ON `audit_log` (`chain`,`seq`);
CREATE INDEX `audit_model_idx` ON `audit_log` (`model_name`,`id`);
CREATE INDEX `audit_created_idx` ON `audit_log` (`created_at`);
CREATE TABLE `idempotency_keys` (
	`key` text PRIMARY KEY NOT NULL,
	`request_hash` text NOT NULL,
	`status` integer NOT NULL,
	`response` text NOT NULL,
	`created_at` integer NOT NULL
);

CREATE TABLE `model_tags` (
	`model_id` text NOT NULL,
	`key` text NOT NULL,
	`value` text NOT NULL,
	PRIMARY KEY(`model_id`, `key`)
);

CREATE TABLE `model_versions` (
	`id` text PRIMARY KEY NOT NULL,
	`model_id` text NOT NULL,
	`version` integer NOT NULL,
	`description` text DEFAULT '' NOT NULL,
	`stage` text DEFAULT 'None' NOT NULL,
	`status` text DEFAULT 'READY' NOT NULL,
	`created_by` text NOT NULL,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	`needs_review` integer DEFAULT false NOT NULL,
	`run_id` text,
	`source_uri` text,
	`params` text NOT NULL,
	`metrics` text NOT NULL,
	`slices` text NOT NULL,
	`datasets` text NOT NULL,
	`provenance` text NOT NULL,
	`parent_model` text,
	`parent_version` integer,
	`signature` text,
	`model_card` text,
	`files` text NOT NULL,
	`manifest_digest` text NOT NULL,
	`total_size` integer DEFAULT 0 NOT NULL
);

CREATE UNIQUE INDEX `model_versions_model_version_unique` ON `model_versions` (`model_id`,`version`);
CREATE INDEX `model_versions_stage_idx` ON `model_versions` (`model_id`,`stage`);
CREATE INDEX `model_versions_parent_idx` ON `model_versions` (`parent_model`,`parent_version`);
CREATE INDEX `model_versions_created_idx` ON `model_versions` (`created_at`);
CREATE TABLE `models` (
	`id` text PRIMARY KEY NOT NULL,
	`name` text NOT NULL,
	`description` text DEFAULT '' NOT NULL,
	`owner` text NOT NULL,
	`last_version` integer DEFAULT 0 NOT NULL,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL
);

CREATE UNIQUE INDEX `models_name_unique` ON `models` (`name`);
CREATE INDEX `models_updated_idx` ON `models` (`updated_at`,`name`);
CREATE TABLE `outbox_events` (
	`id` text PRIMARY KEY NOT NULL,
	`model_id` text NOT NULL,
	`model_name` text NOT NULL,
	`sequence` integer NOT NULL,
	`type` text NOT NULL,
	`envelope` text NOT NULL,
	`created_at` integer NOT NULL,
	`sent_at` integer
);

CREATE UNIQUE INDEX `outbox_model_sequence_unique` ON `outbox_events` (`model_id`,`sequence`);
CREATE INDEX `outbox_unsent_idx` ON `outbox_events` (`sent_at`,`created_at`);
CREATE TABLE `tokens` (
	`id` text PRIMARY KEY NOT NULL,
	`name` text NOT NULL,
	`role` text NOT NULL,
	`scopes` text,
	`token_hash` text NOT NULL,
	`created_by` text NOT NULL,
	`created_at` integer NOT NULL,
	`expires_at` integer,
	`revoked_at` integer
);

CREATE UNIQUE INDEX `tokens_hash_unique` ON `tokens` (`token_hash`);
CREATE TABLE `version_tags` (
	`version_id` text NOT NULL,
	`key` text NOT NULL,
	`value` text NOT NULL,
	PRIMARY KEY(`version_id`, `key`)
);
