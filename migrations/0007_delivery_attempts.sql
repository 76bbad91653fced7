CREATE TABLE `delivery_attempts` (
	`event_id` text NOT NULL,
	`destination_id` text NOT NULL,
	`attempt` integer NOT NULL,
	`at` text NOT NULL,
	`outcome` text NOT NULL,
	`status` integer,
	`error` text,
	`duration_ms` integer NOT NULL,
	PRIMARY KEY(`event_id`, `destination_id`, `attempt`)
);
--> statement-breakpoint
CREATE INDEX `delivery_attempts_by_time` ON `delivery_attempts` (`at`);