CREATE TABLE `deliveries` (
	`event_id` text NOT NULL,
	`destination_id` text NOT NULL,
	`attempts` integer DEFAULT 0 NOT NULL,
	`last_status_code` integer,
	`last_error` text,
	`next_attempt_at` text,
	`outcome` text NOT NULL,
	`created_at` text NOT NULL,
	`updated_at` text NOT NULL,
	`delivered_at` text,
	PRIMARY KEY(`event_id`, `destination_id`)
);
--> statement-breakpoint
CREATE INDEX `deliveries_by_destination` ON `deliveries` (`destination_id`,`outcome`,`created_at`);--> statement-breakpoint
CREATE TABLE `destinations` (
	`id` text PRIMARY KEY NOT NULL,
	`url` text NOT NULL,
	`event_types` text NOT NULL,
	`kinds` text,
	`enabled` integer NOT NULL,
	`include_stale` integer NOT NULL,
	`secret` text NOT NULL,
	`created_at` text NOT NULL,
	`updated_at` text NOT NULL,
	`disabled_reason` text,
	`last_success_at` text,
	`last_failure_at` text,
	`last_failure` text,
	`consecutive_failures` integer DEFAULT 0 NOT NULL,
	`failing_since` text
);
