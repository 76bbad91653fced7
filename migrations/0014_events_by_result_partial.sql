DROP INDEX `events_by_result`;--> statement-breakpoint
CREATE INDEX `events_by_result` ON `events` (`result`,`received_at`,`event_id`) WHERE result <> 'accepted';