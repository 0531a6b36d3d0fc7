-- Usage intakes (issue 17, cost): a gateway's usage reaches D1 from its intake object, summed over the fold interval, one statement for all its sessions. `usage_fold` is the last intake fold a session's bytes came from: a fold retried after a crash skips the sessions it already counted. `last_activity_at` leaves the open-sessions index (which now holds `ended_at` only), so a fold writes one row per session instead of two; the idle scan reads the open sessions through it.
ALTER TABLE `tunnel_sessions` ADD `usage_fold` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
DROP INDEX IF EXISTS `tunnel_sessions_open_activity`;--> statement-breakpoint
CREATE INDEX `tunnel_sessions_ended` ON `tunnel_sessions` (`ended_at`);
