CREATE TABLE `exports` (
	`day` text NOT NULL,
	`kind` text NOT NULL,
	`status` text NOT NULL,
	`upload_id` text,
	`parts` text DEFAULT '[]' NOT NULL,
	`position` text,
	`crc` integer DEFAULT 0 NOT NULL,
	`raw_bytes` integer DEFAULT 0 NOT NULL,
	`rows` integer DEFAULT 0 NOT NULL,
	`carry_key` text,
	`bytes` integer,
	`started_at` text NOT NULL,
	`updated_at` text NOT NULL,
	`finished_at` text,
	PRIMARY KEY(`day`, `kind`)
);
--> statement-breakpoint
CREATE INDEX `exports_by_kind` ON `exports` (`kind`,`day`);--> statement-breakpoint
CREATE TABLE `history_jobs` (
	`name` text PRIMARY KEY NOT NULL,
	`position` text NOT NULL,
	`updated_at` text NOT NULL
);
--> statement-breakpoint
ALTER TABLE `events` ADD `payload_key` text;--> statement-breakpoint
ALTER TABLE `events` ADD `payload_offset` integer;--> statement-breakpoint
ALTER TABLE `events` ADD `payload_length` integer;--> statement-breakpoint
ALTER TABLE `events` ADD `payload_expired_at` text;--> statement-breakpoint
CREATE INDEX `deliveries_by_created` ON `deliveries` (`created_at`);