CREATE TABLE `alerts` (
	`id` text PRIMARY KEY NOT NULL,
	`kind` text NOT NULL,
	`fingerprint` text NOT NULL,
	`subject` text NOT NULL,
	`status` text NOT NULL,
	`details` text NOT NULL,
	`count` integer NOT NULL,
	`first_seen` text NOT NULL,
	`last_seen` text NOT NULL,
	`acknowledged_at` text,
	`acknowledged_by` text,
	`resolved_at` text,
	`notify` text,
	`notified_at` text
);
--> statement-breakpoint
CREATE UNIQUE INDEX `alerts_live_fingerprint` ON `alerts` (`fingerprint`) WHERE status IN ('open', 'acknowledged');--> statement-breakpoint
CREATE INDEX `alerts_by_first_seen` ON `alerts` (`first_seen`,`id`);--> statement-breakpoint
CREATE INDEX `alerts_by_status` ON `alerts` (`status`,`first_seen`,`id`);--> statement-breakpoint
CREATE INDEX `alerts_by_kind` ON `alerts` (`kind`,`first_seen`,`id`);--> statement-breakpoint
CREATE INDEX `alerts_by_kind_status` ON `alerts` (`kind`,`status`,`first_seen`,`id`);--> statement-breakpoint
CREATE INDEX `alerts_to_notify` ON `alerts` (`notify`) WHERE notify IS NOT NULL;