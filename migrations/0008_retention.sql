-- Retention and hygiene (issue #6): per-model retention policies, the summary of every retention
-- run (cron or admin), and the GC clock of unreferenced blobs.
CREATE TABLE `retention_policies` (
	`model_id` text PRIMARY KEY NOT NULL,
	`keep_last` integer NOT NULL,
	`archive_after_days` integer,
	`purge_after_days` integer,
	`keep_tags` text NOT NULL,
	`updated_at` integer NOT NULL,
	`updated_by` text NOT NULL
);

CREATE TABLE `retention_runs` (
	`id` text PRIMARY KEY NOT NULL,
	`trigger` text NOT NULL,
	`actor` text NOT NULL,
	`dry_run` integer NOT NULL,
	`started_at` integer NOT NULL,
	`finished_at` integer NOT NULL,
	`models_scanned` integer NOT NULL,
	`archived` integer NOT NULL,
	`purged` integer NOT NULL,
	`blobs_deleted` integer NOT NULL,
	`uploads_aborted` integer NOT NULL,
	`failures` integer NOT NULL,
	`bytes_before` integer NOT NULL,
	`bytes_freed` integer NOT NULL,
	`bytes_after` integer NOT NULL,
	`details` text NOT NULL
);

CREATE INDEX `retention_runs_started_idx` ON `retention_runs` (`started_at`);

-- A blob no remaining version references, and since when that is known. Blob GC deletes it after the
-- grace period; a purge writes the row for the digests it drops, a GC run for blobs it first finds
-- unreferenced. Rows of blobs that are referenced again, or gone, are removed.
CREATE TABLE `unreferenced_blobs` (
	`hex` text PRIMARY KEY NOT NULL,
	`size` integer NOT NULL,
	`since` integer NOT NULL
);
