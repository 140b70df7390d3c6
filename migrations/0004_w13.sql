ALTER TABLE `incidents` ADD `eta` text;--> statement-breakpoint
ALTER TABLE `incidents` ADD `root_cause` text;