-- Receipts, entities and their links kept in their primary key's B-tree (WITHOUT ROWID): the key
-- is no longer an index beside the table, one billed row written less per new row; receipts are
-- keyed by (received_at, id), so receipts_by_time goes too. Written by hand after drizzle-kit's
-- rebuild of receipts: drizzle-kit does not model WITHOUT ROWID (src/storage/schema.ts).
CREATE TABLE `__new_receipts` (
	`id` integer DEFAULT (abs(random() >> 11)) NOT NULL,
	`received_at` text NOT NULL,
	`outcome` text NOT NULL,
	`reason` text,
	`event_id` text,
	`entity` text,
	`body_sha256` text,
	`body_size` integer NOT NULL,
	`client_ip` text,
	`signature_scheme` text,
	`count` integer DEFAULT 1 NOT NULL,
	`client_ips` text,
	`body_digests` text,
	PRIMARY KEY(`received_at`, `id`)
) WITHOUT ROWID;
--> statement-breakpoint
INSERT INTO `__new_receipts`("id", "received_at", "outcome", "reason", "event_id", "entity", "body_sha256", "body_size", "client_ip", "signature_scheme", "count", "client_ips", "body_digests") SELECT "id", "received_at", "outcome", "reason", "event_id", "entity", "body_sha256", "body_size", "client_ip", "signature_scheme", "count", "client_ips", "body_digests" FROM `receipts`;--> statement-breakpoint
DROP TABLE `receipts`;--> statement-breakpoint
ALTER TABLE `__new_receipts` RENAME TO `receipts`;--> statement-breakpoint
CREATE INDEX `receipts_by_outcome` ON `receipts` (`outcome`,`received_at`) WHERE outcome <> 'accepted';--> statement-breakpoint
CREATE INDEX `receipts_duplicates` ON `receipts` (`event_id`) WHERE outcome = 'duplicate';--> statement-breakpoint
CREATE TABLE `__new_entities` (
	`kind` text NOT NULL,
	`key` text NOT NULL,
	`status` text NOT NULL,
	`occurred_at` text NOT NULL,
	`updated_at` text NOT NULL,
	`version` integer NOT NULL,
	`related` text NOT NULL,
	`anomalies` text NOT NULL,
	PRIMARY KEY(`kind`, `key`)
) WITHOUT ROWID;
--> statement-breakpoint
INSERT INTO `__new_entities`("kind", "key", "status", "occurred_at", "updated_at", "version", "related", "anomalies") SELECT "kind", "key", "status", "occurred_at", "updated_at", "version", "related", "anomalies" FROM `entities`;--> statement-breakpoint
DROP TABLE `entities`;--> statement-breakpoint
ALTER TABLE `__new_entities` RENAME TO `entities`;--> statement-breakpoint
CREATE INDEX `entities_by_status` ON `entities` (`kind`,`status`,`updated_at`,`key`);--> statement-breakpoint
CREATE INDEX `entities_by_kind` ON `entities` (`kind`,`updated_at`,`key`);--> statement-breakpoint
CREATE TABLE `__new_entity_links` (
	`related` text NOT NULL,
	`kind` text NOT NULL,
	`key` text NOT NULL,
	PRIMARY KEY(`related`, `kind`, `key`)
) WITHOUT ROWID;
--> statement-breakpoint
INSERT INTO `__new_entity_links`("related", "kind", "key") SELECT "related", "kind", "key" FROM `entity_links`;--> statement-breakpoint
DROP TABLE `entity_links`;--> statement-breakpoint
ALTER TABLE `__new_entity_links` RENAME TO `entity_links`;--> statement-breakpoint
CREATE INDEX `entity_links_by_entity` ON `entity_links` (`kind`,`key`);