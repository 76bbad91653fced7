DROP INDEX `entities_by_status`;--> statement-breakpoint
CREATE INDEX `entities_by_kind` ON `entities` (`kind`,`updated_at`,`key`);--> statement-breakpoint
CREATE INDEX `entities_by_status` ON `entities` (`kind`,`status`,`updated_at`,`key`);--> statement-breakpoint
CREATE INDEX `events_by_kind` ON `events` (`entity_kind`,`received_at`,`event_id`);--> statement-breakpoint
CREATE INDEX `events_by_entity_received` ON `events` (`entity_kind`,`entity_key`,`received_at`,`event_id`);--> statement-breakpoint
CREATE INDEX `events_by_result` ON `events` (`result`,`received_at`,`event_id`);