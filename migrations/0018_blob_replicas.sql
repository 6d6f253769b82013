-- Two copies of what serves (issue 16): which objects (chunks and single blobs) the BLOBS_REPLICA
-- bucket holds a verified copy of, and the scrub's rotating cursor over the serving objects.
CREATE TABLE `replica_objects` (
	`hex` text PRIMARY KEY NOT NULL,
	`size` integer NOT NULL,
	`copied_at` integer NOT NULL,
	`checked_at` integer
);

CREATE TABLE `scrub_cursor` (
	`id` integer PRIMARY KEY NOT NULL CHECK (`id` = 1),
	`after_hex` text NOT NULL,
	`updated_at` integer NOT NULL
);
