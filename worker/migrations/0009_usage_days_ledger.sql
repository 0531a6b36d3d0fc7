-- Per-day usage totals (issue 17): ended sessions past USAGE_RETENTION_DAYS are folded into one row per account and day, then deleted.
CREATE TABLE `usage_days` (
	`account_id` text NOT NULL,
	`day` integer NOT NULL,
	`sessions` integer NOT NULL,
	`bytes_up` integer NOT NULL,
	`bytes_down` integer NOT NULL,
	PRIMARY KEY(`account_id`, `day`),
	FOREIGN KEY (`account_id`) REFERENCES `accounts`(`id`) ON UPDATE no action ON DELETE cascade
) WITHOUT ROWID;--> statement-breakpoint
-- The cron's refresh-token pruning finds expired tokens by this index.
CREATE INDEX `refresh_tokens_expires` ON `refresh_tokens` (`expires_at`);
