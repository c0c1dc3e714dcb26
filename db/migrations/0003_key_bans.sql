CREATE TABLE `key_bans` (
	`key_id` text NOT NULL,
	`participant` text NOT NULL,
	`session_id` text NOT NULL,
	`code` text NOT NULL,
	`created_at` integer NOT NULL,
	FOREIGN KEY (`key_id`) REFERENCES `keys`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `key_bans_key_participant_idx` ON `key_bans` (`key_id`,`participant`);