-- Discovery: index tables that make metric, param and dataset filters fast at 100,000+ versions.
-- The JSON columns of model_versions stay the record; these rows are written by the ModelLedger in
-- the same batch as the version, so they never disagree with it.
CREATE TABLE `version_metrics` (
	`version_id` text NOT NULL,
	`model_id` text NOT NULL,
	`slice` text DEFAULT '' NOT NULL,
	`name` text NOT NULL,
	`value` real NOT NULL,
	PRIMARY KEY(`version_id`, `slice`, `name`)
);

CREATE INDEX `version_metrics_name_value_idx` ON `version_metrics` (`name`,`slice`,`value`);

CREATE TABLE `version_params` (
	`version_id` text NOT NULL,
	`key` text NOT NULL,
	`value` text NOT NULL,
	PRIMARY KEY(`version_id`, `key`)
);

CREATE INDEX `version_params_key_value_idx` ON `version_params` (`key`,`value`);

CREATE TABLE `version_datasets` (
	`version_id` text NOT NULL,
	`model_id` text NOT NULL,
	`position` integer NOT NULL,
	`uri` text NOT NULL,
	`version` text,
	`digest` text,
	`role` text,
	PRIMARY KEY(`version_id`, `position`)
);

CREATE INDEX `version_datasets_digest_idx` ON `version_datasets` (`digest`);

CREATE INDEX `version_datasets_uri_idx` ON `version_datasets` (`uri`,`version`);

CREATE INDEX `version_tags_key_value_idx` ON `version_tags` (`key`,`value`);

CREATE INDEX `model_versions_run_idx` ON `model_versions` (`run_id`);

CREATE INDEX `model_versions_stage_created_idx` ON `model_versions` (`stage`,`created_at`);
