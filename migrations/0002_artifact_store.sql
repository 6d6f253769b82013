-- Multipart uploads of artifact blobs (issue #3). The blobs themselves live in R2 under
-- blobs/sha256/<hex>; R2 is the truth about which blobs exist. These tables only track uploads in
-- flight: bytes are staged in an R2 multipart upload under uploads/<id> until completion verifies
-- the SHA-256 and publishes them under the content address.
CREATE TABLE `uploads` (
	`id` text PRIMARY KEY NOT NULL,
	`digest` text NOT NULL,
	`size` integer NOT NULL,
	`part_size` integer NOT NULL,
	`part_count` integer NOT NULL,
	`r2_upload_id` text NOT NULL,
	`state` text DEFAULT 'open' NOT NULL,
	`created_by` text NOT NULL,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL
);

CREATE INDEX `uploads_state_idx` ON `uploads` (`state`,`updated_at`);

CREATE TABLE `upload_parts` (
	`upload_id` text NOT NULL,
	`part_number` integer NOT NULL,
	`etag` text NOT NULL,
	`size` integer NOT NULL,
	`uploaded_at` integer NOT NULL,
	PRIMARY KEY(`upload_id`, `part_number`)
);
