CREATE TABLE `action_runs` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`incident_id` integer NOT NULL,
	`name` text NOT NULL,
	`target` text NOT NULL,
	`actor_name` text NOT NULL,
	`status` text NOT NULL,
	`started_at` integer NOT NULL,
	`finished_at` integer,
	`outcome` text,
	FOREIGN KEY (`incident_id`) REFERENCES `incidents`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `action_runs_pending` ON `action_runs` (`status`);--> statement-breakpoint
ALTER TABLE `incidents` ADD `components` text;--> statement-breakpoint
ALTER TABLE `incidents` ADD `labels` text;