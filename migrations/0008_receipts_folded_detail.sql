ALTER TABLE `receipts` ADD `client_ips` text;--> statement-breakpoint
ALTER TABLE `receipts` ADD `body_digests` text;