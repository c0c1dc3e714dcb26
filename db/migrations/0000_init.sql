CREATE TABLE `audit_log` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`at` integer NOT NULL,
	`actor` text NOT NULL,
	`role` text NOT NULL,
	`action` text NOT NULL,
	`session_id` text,
	`outcome` text NOT NULL,
	`detail` text
);
--> statement-breakpoint
CREATE INDEX `audit_log_session_idx` ON `audit_log` (`session_id`);--> statement-breakpoint
CREATE TABLE `escrows` (
	`key_id` text NOT NULL,
	`participant` text NOT NULL,
	`blob` text NOT NULL,
	`created_at` integer NOT NULL,
	FOREIGN KEY (`key_id`) REFERENCES `keys`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `escrows_key_participant_idx` ON `escrows` (`key_id`,`participant`);--> statement-breakpoint
CREATE TABLE `keys` (
	`id` text PRIMARY KEY NOT NULL,
	`scheme` text NOT NULL,
	`group_public_key` text NOT NULL,
	`threshold` integer NOT NULL,
	`participants` text NOT NULL,
	`verifying_shares` text NOT NULL,
	`address` text,
	`keygen_session_id` text NOT NULL,
	`coordinator` text NOT NULL,
	`created_at` integer NOT NULL,
	FOREIGN KEY (`keygen_session_id`) REFERENCES `sessions`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE TABLE `nonce_commitments` (
	`commitment` text PRIMARY KEY NOT NULL,
	`participant` text NOT NULL,
	`session_id` text NOT NULL,
	`created_at` integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE `participants` (
	`name` text PRIMARY KEY NOT NULL,
	`identity_key` text NOT NULL,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE `session_events` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`session_id` text NOT NULL,
	`type` text NOT NULL,
	`recipient` text,
	`payload` text NOT NULL,
	`created_at` integer NOT NULL,
	FOREIGN KEY (`session_id`) REFERENCES `sessions`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `session_events_session_idx` ON `session_events` (`session_id`,`id`);--> statement-breakpoint
CREATE INDEX `session_events_recipient_idx` ON `session_events` (`recipient`,`id`);--> statement-breakpoint
CREATE TABLE `sessions` (
	`id` text PRIMARY KEY NOT NULL,
	`kind` text NOT NULL,
	`state` text NOT NULL,
	`scheme` text NOT NULL,
	`threshold` integer NOT NULL,
	`participants` text NOT NULL,
	`coordinator` text NOT NULL,
	`label` text,
	`key_id` text,
	`message` text,
	`deadline` integer,
	`waiting_for` text NOT NULL,
	`result` text,
	`error` text,
	`snapshot` text NOT NULL,
	`request_hash` text NOT NULL,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `sessions_state_idx` ON `sessions` (`state`);--> statement-breakpoint
CREATE INDEX `sessions_coordinator_idx` ON `sessions` (`coordinator`);