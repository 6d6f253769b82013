-- Web console sessions (issue 14). A session is a browser's stand-in for a token: the cookie holds
-- a random secret, this table only its SHA-256. `token_hash` is the SHA-256 the tokens table (or the
-- bootstrap ADMIN_TOKEN) is looked up by, so every request re-resolves the identity through the
-- same function as the API: a revoked token ends its sessions at once.
CREATE TABLE `console_sessions` (
	`id_hash` text PRIMARY KEY NOT NULL,
	`token_id` text NOT NULL,
	`token_hash` text NOT NULL,
	`actor_name` text NOT NULL,
	`csrf_token` text NOT NULL,
	`created_at` integer NOT NULL,
	`expires_at` integer NOT NULL
);

CREATE INDEX `console_sessions_token_idx` ON `console_sessions` (`token_id`);
CREATE INDEX `console_sessions_expires_idx` ON `console_sessions` (`expires_at`);

-- One-time sign-in links (`npm start` prints one for the admin): the code's SHA-256, whose token
-- the session will act as, and when the link dies. Used links are deleted.
CREATE TABLE `console_sign_in_links` (
	`code_hash` text PRIMARY KEY NOT NULL,
	`token_id` text NOT NULL,
	`token_hash` text NOT NULL,
	`actor_name` text NOT NULL,
	`expires_at` integer NOT NULL
);
