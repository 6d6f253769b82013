-- Principals (issue 15): the person or service account a token belongs to. `actor` in audit entries
-- and events, `created_by`, and separation of duties name the principal, so one person holding two
-- tokens is still one person. Existing tokens each become their own service principal (same name,
-- same scopes), so nothing that worked before changes meaning; the bootstrap admin is a person.
CREATE TABLE `principals` (
	`id` text PRIMARY KEY NOT NULL,
	`name` text NOT NULL,
	`kind` text NOT NULL CHECK (`kind` IN ('person', 'service')),
	`scopes` text,
	`created_by` text NOT NULL,
	`created_at` integer NOT NULL
);

CREATE INDEX `principals_name_idx` ON `principals` (`name`);

ALTER TABLE `tokens` ADD `principal_id` text;

INSERT INTO `principals` (`id`, `name`, `kind`, `scopes`, `created_by`, `created_at`)
VALUES ('bootstrap-admin', 'admin', 'person', NULL, 'system', 0);

INSERT INTO `principals` (`id`, `name`, `kind`, `scopes`, `created_by`, `created_at`)
SELECT 'prn_' || substr(`id`, 5), `name`, 'service', `scopes`, `created_by`, `created_at` FROM `tokens`;

UPDATE `tokens` SET `principal_id` = 'prn_' || substr(`id`, 5);

-- Separation of duties compared token ids; from now on it compares principals.
UPDATE `approval_requests` SET `requester_id` = 'prn_' || substr(`requester_id`, 5)
WHERE `requester_id` LIKE 'tok!_%' ESCAPE '!';

UPDATE `approvals` SET `approver_id` = 'prn_' || substr(`approver_id`, 5)
WHERE `approver_id` LIKE 'tok!_%' ESCAPE '!';

-- Uploads belong to the principal that started them.
UPDATE `uploads` SET `created_by` = 'prn_' || substr(`created_by`, 5)
WHERE `created_by` LIKE 'tok!_%' ESCAPE '!';
