-- Keys that rotate: the DATA_KEK version of each wrapped data key, and a gateway's previous secret during its overlap window.
ALTER TABLE `accounts` ADD `kek_version` integer DEFAULT 1 NOT NULL;--> statement-breakpoint
ALTER TABLE `gateways` ADD `previous_secret_hash` text;--> statement-breakpoint
ALTER TABLE `gateways` ADD `previous_secret_expires_at` integer;--> statement-breakpoint
CREATE UNIQUE INDEX `gateways_previous_secret_hash_unique` ON `gateways` (`previous_secret_hash`);
