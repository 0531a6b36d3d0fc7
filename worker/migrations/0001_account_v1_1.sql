ALTER TABLE `accounts` ADD `email_verified` integer DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE `accounts` ADD `notify_new_device` integer DEFAULT true NOT NULL;