-- Governance and lineage, complete (issue #19): signature compatibility and registration gates in
-- the release policy, the dataset catalogue, input examples, the compatibility report an approval
-- request was opened with.
ALTER TABLE `policies` ADD `signature_compatibility` text DEFAULT 'any' NOT NULL;
ALTER TABLE `policies` ADD `registration_gates` text;
ALTER TABLE `policies` ADD `require_registered_datasets` integer DEFAULT 0 NOT NULL;

ALTER TABLE `model_versions` ADD `input_example` text;

ALTER TABLE `approval_requests` ADD `compatibility` text;
CREATE INDEX `approval_requests_requester_idx` ON `approval_requests` (`requester_id`,`created_at`);


CREATE TABLE `datasets` (
	`id` text PRIMARY KEY NOT NULL,
	`uri` text NOT NULL,
	`version` text DEFAULT '' NOT NULL,
	`digest` text,
	`description` text DEFAULT '' NOT NULL,
	`schema` text,
	`owner` text NOT NULL,
	`tags` text NOT NULL,
	`created_by` text NOT NULL,
	`created_at` integer NOT NULL
);
CREATE UNIQUE INDEX `datasets_uri_version_unique` ON `datasets` (`uri`,`version`);
CREATE INDEX `datasets_digest_idx` ON `datasets` (`digest`);
