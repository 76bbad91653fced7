ALTER TABLE `deliveries` ADD `sequence` integer;--> statement-breakpoint
ALTER TABLE `deliveries` ADD `entity` text;--> statement-breakpoint
ALTER TABLE `deliveries` ADD `sending_until` integer;--> statement-breakpoint
CREATE INDEX `deliveries_in_order` ON `deliveries` (`destination_id`,`entity`,`sequence`) WHERE entity IS NOT NULL;--> statement-breakpoint
CREATE INDEX `deliveries_in_flight` ON `deliveries` (`destination_id`,`sending_until`) WHERE sending_until IS NOT NULL;--> statement-breakpoint
ALTER TABLE `destinations` ADD `ordering` text DEFAULT 'none' NOT NULL;--> statement-breakpoint
ALTER TABLE `destinations` ADD `filter` text;--> statement-breakpoint
ALTER TABLE `destinations` ADD `payload` text DEFAULT 'full' NOT NULL;--> statement-breakpoint
ALTER TABLE `destinations` ADD `max_per_second` integer;--> statement-breakpoint
ALTER TABLE `destinations` ADD `max_in_flight` integer;--> statement-breakpoint
ALTER TABLE `destinations` ADD `pace_tokens` real;--> statement-breakpoint
ALTER TABLE `destinations` ADD `pace_at` integer;