DROP INDEX `events_by_kind`;--> statement-breakpoint
CREATE INDEX `events_unclassified` ON `events` (`entity_kind`,`received_at`,`event_id`) WHERE entity_kind = 'unclassified';