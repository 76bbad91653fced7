CREATE TABLE `api_keys` (
	`id` text PRIMARY KEY NOT NULL,
	`label` text NOT NULL,
	`role` text NOT NULL,
	`kinds` text,
	`payloads` integer NOT NULL,
	`digest` text NOT NULL,
	`prefix` text NOT NULL,
	`created_at` text NOT NULL,
	`created_by` text NOT NULL,
	`expires_at` text,
	`revoked_at` text,
	`last_used_at` text
);
--> statement-breakpoint
CREATE UNIQUE INDEX `api_keys_by_digest` ON `api_keys` (`digest`);--> statement-breakpoint
CREATE INDEX `api_keys_by_created` ON `api_keys` (`created_at`,`id`);