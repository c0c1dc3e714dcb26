ALTER TABLE `keys` ADD `epoch` integer DEFAULT 1 NOT NULL;--> statement-breakpoint
ALTER TABLE `keys` ADD `status` text DEFAULT 'active' NOT NULL;--> statement-breakpoint
CREATE INDEX `sessions_key_idx` ON `sessions` (`key_id`,`created_at`);