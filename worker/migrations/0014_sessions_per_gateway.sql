-- Per-site locations (issue 19, item 3): a device may hold one open tunnel session per gateway (its main location plus the locations its site rules name), at most MAX_OPEN_SESSIONS_PER_DEVICE in all (enforced by the start statement); device slots still count devices.
DROP INDEX IF EXISTS `tunnel_sessions_one_open_per_device`;--> statement-breakpoint
CREATE UNIQUE INDEX `tunnel_sessions_one_open_per_device_gateway` ON `tunnel_sessions` (`account_id`,`device_id`,`gateway_id`) WHERE ended_at IS NULL;
