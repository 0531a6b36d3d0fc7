-- At most one open Stripe Checkout per account (issue 20, item 5): until when the account's checkout is held, and that checkout (plan, interval and URL, sealed with the account's key).
ALTER TABLE `subscriptions` ADD `checkout_until` integer;--> statement-breakpoint
ALTER TABLE `subscriptions` ADD `checkout_ciphertext` text;
