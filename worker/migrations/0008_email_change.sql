-- An email change waits for the new address to confirm it, and the old address can undo it for a few days (issue 20, item 3). Both addresses as the account keeps its own: a blind index and the ciphertext under the account's key.
CREATE TABLE `email_changes` (
	`id` text PRIMARY KEY NOT NULL,
	`account_id` text NOT NULL,
	`status` text NOT NULL,
	`new_email_index` text NOT NULL,
	`new_email_ciphertext` text NOT NULL,
	`old_email_index` text NOT NULL,
	`old_email_ciphertext` text NOT NULL,
	`created_at` integer NOT NULL,
	`undo_until` integer NOT NULL,
	FOREIGN KEY (`account_id`) REFERENCES `accounts`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `email_changes_account` ON `email_changes` (`account_id`);--> statement-breakpoint
CREATE INDEX `email_changes_undo_until` ON `email_changes` (`undo_until`);
