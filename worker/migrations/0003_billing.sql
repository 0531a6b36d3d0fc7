CREATE TABLE `subscriptions` (
	`account_id` text PRIMARY KEY NOT NULL,
	`customer_index` text NOT NULL,
	`customer_ciphertext` text NOT NULL,
	`subscription_ciphertext` text,
	`plan_id` text DEFAULT 'free' NOT NULL,
	`status` text,
	`renews_at` integer,
	`cancel_at` integer,
	`event_created` integer DEFAULT 0 NOT NULL,
	`revision` text NOT NULL,
	`updated_at` integer NOT NULL,
	FOREIGN KEY (`account_id`) REFERENCES `accounts`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE UNIQUE INDEX `subscriptions_customer_index_unique` ON `subscriptions` (`customer_index`);--> statement-breakpoint
CREATE TABLE `billing_events` (
	`event_id` text PRIMARY KEY NOT NULL,
	`received_at` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `billing_events_received` ON `billing_events` (`received_at`);--> statement-breakpoint
CREATE TABLE `plan_changes` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`account_id` text NOT NULL,
	`plan_id` text NOT NULL,
	`source` text NOT NULL,
	`reason` text,
	`changed_at` integer NOT NULL,
	FOREIGN KEY (`account_id`) REFERENCES `accounts`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `plan_changes_account` ON `plan_changes` (`account_id`);
