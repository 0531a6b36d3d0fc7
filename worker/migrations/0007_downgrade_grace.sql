-- After a plan goes down (issue 20, item 6): until when the devices above the new limit keep their slots; the cron trigger then signs out all but the most recently used ones.
ALTER TABLE `accounts` ADD `downgrade_grace_until` integer;--> statement-breakpoint
CREATE INDEX `accounts_downgrade_grace_until` ON `accounts` (`downgrade_grace_until`) WHERE `downgrade_grace_until` IS NOT NULL;
