DROP INDEX `receipts_by_outcome`;--> statement-breakpoint
CREATE INDEX `receipts_by_outcome` ON `receipts` (`outcome`,`received_at`) WHERE outcome <> 'accepted';