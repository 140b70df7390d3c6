CREATE TABLE `alert_deliveries` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`integration` text NOT NULL,
	`sha256` text NOT NULL,
	`received_at` integer NOT NULL,
	`bytes` integer NOT NULL,
	`body` text NOT NULL,
	`incident_id` integer,
	`outcome` text NOT NULL,
	FOREIGN KEY (`incident_id`) REFERENCES `incidents`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `alert_deliveries_body` ON `alert_deliveries` (`integration`,`sha256`);--> statement-breakpoint
CREATE INDEX `alert_deliveries_at` ON `alert_deliveries` (`received_at`);--> statement-breakpoint
CREATE TABLE `incident_alerts` (
	`incident_id` integer NOT NULL,
	`fingerprint` text NOT NULL,
	`name` text NOT NULL,
	`status` text NOT NULL,
	`first_at` integer NOT NULL,
	`last_at` integer NOT NULL,
	PRIMARY KEY(`incident_id`, `fingerprint`),
	FOREIGN KEY (`incident_id`) REFERENCES `incidents`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `incident_alerts_firing` ON `incident_alerts` (`incident_id`,`status`);--> statement-breakpoint
ALTER TABLE `incidents` ADD `integration` text;--> statement-breakpoint
ALTER TABLE `incidents` ADD `alert_group` text;--> statement-breakpoint
CREATE UNIQUE INDEX `incidents_open_alert_group` ON `incidents` (`integration`,`alert_group`) WHERE "incidents"."status" <> 'resolved' and "incidents"."integration" is not null;