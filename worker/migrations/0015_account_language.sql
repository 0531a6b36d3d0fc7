-- The account's language (issue 19 item 5): its mails and account pages are written in it. One of shared/src/languages.ts; accounts made before this read 'en', the language every mail was in until now.
ALTER TABLE `accounts` ADD `language` text DEFAULT 'en' NOT NULL;
