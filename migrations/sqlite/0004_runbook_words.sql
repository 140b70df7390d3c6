CREATE TABLE `checklist_items` (
	`incident_id` integer NOT NULL,
	`n` integer NOT NULL,
	`phase` text NOT NULL,
	`text` text NOT NULL,
	`checked_at` integer,
	`checked_by` text,
	PRIMARY KEY(`incident_id`, `n`),
	FOREIGN KEY (`incident_id`) REFERENCES `incidents`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
ALTER TABLE `incidents` ADD `eta` text;--> statement-breakpoint
ALTER TABLE `incidents` ADD `root_cause` text;