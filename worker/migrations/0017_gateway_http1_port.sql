-- A gateway's second TLS port that offers only HTTP/1.1 (issue 22): the extension sends Firefox there, whose tunnels over an HTTP/2 proxy stall on large downloads; Chromium keeps h2 on `port`. Null: every browser uses `port`.
ALTER TABLE `gateways` ADD `http1_port` integer;
