CREATE TABLE `entities` (
	`kind` text NOT NULL,
	`key` text NOT NULL,
	`status` text NOT NULL,
	`occurred_at` text NOT NULL,
	`updated_at` text NOT NULL,
	`version` integer NOT NULL,
	`related` text NOT NULL,
	`anomalies` text NOT NULL,
	PRIMARY KEY(`kind`, `key`)
);
--> statement-breakpoint
CREATE INDEX `entities_by_status` ON `entities` (`kind`,`status`,`updated_at`);--> statement-breakpoint
CREATE INDEX `entities_by_updated` ON `entities` (`updated_at`,`kind`,`key`);--> statement-breakpoint
CREATE TABLE `entity_links` (
	`related` text NOT NULL,
	`kind` text NOT NULL,
	`key` text NOT NULL,
	PRIMARY KEY(`related`, `kind`, `key`)
);
--> statement-breakpoint
CREATE INDEX `entity_links_by_entity` ON `entity_links` (`kind`,`key`);--> statement-breakpoint
CREATE TABLE `events` (
	`event_id` text PRIMARY KEY NOT NULL,
	`type` text NOT NULL,
	`entity_kind` text NOT NULL,
	`entity_key` text NOT NULL,
	`status` text NOT NULL,
	`previous_status` text,
	`occurred_at` text NOT NULL,
	`received_at` text NOT NULL,
	`result` text NOT NULL,
	`anomaly` text,
	`signature_scheme` text NOT NULL,
	`binding` text NOT NULL,
	`payload` text NOT NULL
);
--> statement-breakpoint
CREATE INDEX `events_by_entity` ON `events` (`entity_kind`,`entity_key`,`occurred_at`);--> statement-breakpoint
CREATE INDEX `events_by_type` ON `events` (`type`,`received_at`,`event_id`);--> statement-breakpoint
CREATE INDEX `events_by_status` ON `events` (`entity_kind`,`status`,`received_at`,`event_id`);--> statement-breakpoint
CREATE INDEX `events_by_received` ON `events` (`received_at`,`event_id`);--> statement-breakpoint
CREATE TABLE `receipts` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`received_at` text NOT NULL,
	`outcome` text NOT NULL,
	`reason` text,
	`event_id` text,
	`entity` text,
	`body_sha256` text,
	`body_size` integer NOT NULL,
	`client_ip` text,
	`signature_scheme` text,
	`count` integer DEFAULT 1 NOT NULL
);
--> statement-breakpoint
CREATE INDEX `receipts_by_time` ON `receipts` (`received_at`);--> statement-breakpoint
CREATE INDEX `receipts_by_outcome` ON `receipts` (`outcome`,`received_at`);