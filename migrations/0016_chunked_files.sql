-- Chunked files (issue 16): a file stored as a recipe of chunk blobs. `chunked_files` holds the
-- whole-file digest, its size and whether the server has hashed the assembled file itself
-- (pending → verified | failed); `file_chunks` the ordered chunks (each an ordinary blob).
CREATE TABLE `chunked_files` (
	`hex` text PRIMARY KEY NOT NULL,
	`size` integer NOT NULL,
	`chunk_count` integer NOT NULL,
	`layout` text NOT NULL,
	`status` text NOT NULL CHECK (`status` IN ('pending', 'verified', 'failed')),
	`detail` text,
	`created_by` text NOT NULL,
	`created_at` integer NOT NULL,
	`verified_at` integer
);
CREATE INDEX `chunked_files_status_idx` ON `chunked_files` (`status`, `created_at`);

CREATE TABLE `file_chunks` (
	`file_hex` text NOT NULL REFERENCES `chunked_files`(`hex`) ON DELETE CASCADE,
	`idx` integer NOT NULL,
	`chunk_hex` text NOT NULL,
	`offset` integer NOT NULL,
	`size` integer NOT NULL,
	PRIMARY KEY (`file_hex`, `idx`)
);
CREATE INDEX `file_chunks_chunk_idx` ON `file_chunks` (`chunk_hex`);
