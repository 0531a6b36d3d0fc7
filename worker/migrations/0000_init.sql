CREATE TABLE `accounts` (
	`id` text PRIMARY KEY NOT NULL,
	`username_index` text NOT NULL,
	`email_index` text NOT NULL,
	`username_ciphertext` text NOT NULL,
	`email_ciphertext` text NOT NULL,
	`wrapped_key` text NOT NULL,
	`kdf_salt` text NOT NULL,
	`kdf_iterations` integer NOT NULL,
	`auth_verifier` text NOT NULL,
	`plan_id` text DEFAULT 'free' NOT NULL,
	`telemetry_opt_in` integer DEFAULT false NOT NULL,
	`created_at` integer NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `accounts_username_index_unique` ON `accounts` (`username_index`);--> statement-breakpoint
CREATE UNIQUE INDEX `accounts_email_index_unique` ON `accounts` (`email_index`);--> statement-breakpoint
CREATE TABLE `gateways` (
	`id` text PRIMARY KEY NOT NULL,
	`name` text NOT NULL,
	`country` text NOT NULL,
	`scheme` text NOT NULL,
	`host` text NOT NULL,
	`port` integer NOT NULL,
	`secret_hash` text NOT NULL,
	`load` real DEFAULT 0 NOT NULL,
	`active_sessions` integer DEFAULT 0 NOT NULL,
	`last_heartbeat_at` integer,
	`created_at` integer NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `gateways_secret_hash_unique` ON `gateways` (`secret_hash`);--> statement-breakpoint
CREATE TABLE `refresh_tokens` (
	`token_hash` text PRIMARY KEY NOT NULL,
	`sign_in_id` text NOT NULL,
	`account_id` text NOT NULL,
	`created_at` integer NOT NULL,
	`expires_at` integer NOT NULL,
	`used_at` integer,
	FOREIGN KEY (`sign_in_id`) REFERENCES `sign_ins`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `refresh_tokens_sign_in` ON `refresh_tokens` (`sign_in_id`);--> statement-breakpoint
CREATE TABLE `sign_ins` (
	`id` text PRIMARY KEY NOT NULL,
	`account_id` text NOT NULL,
	`device_id` text NOT NULL,
	`created_at` integer NOT NULL,
	FOREIGN KEY (`account_id`) REFERENCES `accounts`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `sign_ins_account_device` ON `sign_ins` (`account_id`,`device_id`);--> statement-breakpoint
CREATE TABLE `telemetry_events` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`account_id` text NOT NULL,
	`attempt_at` integer NOT NULL,
	`connection_type` text NOT NULL,
	`encryption_type` text NOT NULL,
	`device_type` text NOT NULL,
	`outcome` text NOT NULL,
	`received_at` integer NOT NULL,
	FOREIGN KEY (`account_id`) REFERENCES `accounts`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `telemetry_account` ON `telemetry_events` (`account_id`);--> statement-breakpoint
CREATE INDEX `telemetry_received` ON `telemetry_events` (`received_at`);--> statement-breakpoint
CREATE TABLE `tunnel_sessions` (
	`id` text PRIMARY KEY NOT NULL,
	`account_id` text NOT NULL,
	`device_id` text NOT NULL,
	`gateway_id` text NOT NULL,
	`started_at` integer NOT NULL,
	`ended_at` integer,
	`last_activity_at` integer NOT NULL,
	`bytes_up` integer DEFAULT 0 NOT NULL,
	`bytes_down` integer DEFAULT 0 NOT NULL,
	FOREIGN KEY (`account_id`) REFERENCES `accounts`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `tunnel_sessions_account_started` ON `tunnel_sessions` (`account_id`,`started_at`);--> statement-breakpoint
CREATE INDEX `tunnel_sessions_gateway_ended` ON `tunnel_sessions` (`gateway_id`,`ended_at`);--> statement-breakpoint
CREATE INDEX `tunnel_sessions_open_activity` ON `tunnel_sessions` (`ended_at`,`last_activity_at`);--> statement-breakpoint
CREATE UNIQUE INDEX `tunnel_sessions_one_open_per_device` ON `tunnel_sessions` (`account_id`,`device_id`) WHERE ended_at IS NULL;--> statement-breakpoint
CREATE TABLE `usage_batches` (
	`gateway_id` text NOT NULL,
	`batch_id` text NOT NULL,
	`nonce` text NOT NULL,
	`applied_at` integer NOT NULL,
	PRIMARY KEY(`gateway_id`, `batch_id`)
);
--> statement-breakpoint
CREATE INDEX `usage_batches_applied` ON `usage_batches` (`applied_at`);