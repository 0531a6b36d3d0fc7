-- Usage batch ids live in each account's usage ledger since issue 17 (its own `batches` table, forgotten after 24 h); nothing writes or reads this table any more.
DROP TABLE `usage_batches`;
