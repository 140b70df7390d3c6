CREATE TABLE `incident_spaces` (
	`incident_id` integer NOT NULL,
	`platform` text NOT NULL,
	`channel_id` text NOT NULL,
	`name` text,
	PRIMARY KEY(`incident_id`, `platform`),
	FOREIGN KEY (`incident_id`) REFERENCES `incidents`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `spaces_channel` ON `incident_spaces` (`platform`,`channel_id`);--> statement-breakpoint
CREATE TABLE `incidents` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`title` text NOT NULL,
	`description` text,
	`severity` text NOT NULL,
	`status` text NOT NULL,
	`declared_at` integer NOT NULL,
	`declared_by` text NOT NULL,
	`acknowledged_at` integer,
	`mitigated_at` integer,
	`resolved_at` integer,
	`last_update_at` integer NOT NULL,
	`summary` text,
	`source_link` text,
	`postmortem_due_at` integer,
	`postmortem_url` text,
	`postmortem_done_at` integer,
	`targets_missed` integer DEFAULT 0 NOT NULL
);
--> statement-breakpoint
CREATE INDEX `incidents_status` ON `incidents` (`status`);--> statement-breakpoint
CREATE INDEX `incidents_declared_at` ON `incidents` (`declared_at`);--> statement-breakpoint
CREATE INDEX `incidents_source` ON `incidents` (`source_link`);--> statement-breakpoint
CREATE TABLE `outbox` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`platform` text NOT NULL,
	`kind` text NOT NULL,
	`destination` text NOT NULL,
	`body` text NOT NULL,
	`priority` integer DEFAULT 1 NOT NULL,
	`incident_id` integer,
	`page_id` integer,
	`edit_of` integer,
	`status` text DEFAULT 'pending' NOT NULL,
	`attempts` integer DEFAULT 0 NOT NULL,
	`next_attempt_at` integer NOT NULL,
	`last_error` text,
	`created_at` integer NOT NULL,
	`sent_at` integer,
	`ref_channel` text,
	`ref_id` text,
	FOREIGN KEY (`incident_id`) REFERENCES `incidents`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`page_id`) REFERENCES `pages`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `outbox_pending` ON `outbox` (`status`,`platform`,`id`);--> statement-breakpoint
CREATE INDEX `outbox_ref` ON `outbox` (`platform`,`ref_channel`,`ref_id`);--> statement-breakpoint
CREATE INDEX `outbox_ref_id` ON `outbox` (`platform`,`ref_id`);--> statement-breakpoint
CREATE INDEX `outbox_page` ON `outbox` (`page_id`);--> statement-breakpoint
CREATE TABLE `overrides` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`schedule` text NOT NULL,
	`person` text NOT NULL,
	`start` integer NOT NULL,
	`end` integer NOT NULL,
	`created_by` text NOT NULL,
	`created_at` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `overrides_schedule` ON `overrides` (`schedule`,`end`);--> statement-breakpoint
CREATE TABLE `page_notifications` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`page_id` integer NOT NULL,
	`person` text NOT NULL,
	`tier` integer NOT NULL,
	`cycle` integer NOT NULL,
	`notified_at` integer NOT NULL,
	`due_at` integer NOT NULL,
	FOREIGN KEY (`page_id`) REFERENCES `pages`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `page_notifications_once` ON `page_notifications` (`page_id`,`person`,`tier`,`cycle`);--> statement-breakpoint
CREATE TABLE `pages` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`incident_id` integer NOT NULL,
	`policy` text,
	`target` text NOT NULL,
	`severity` text NOT NULL,
	`status` text NOT NULL,
	`tier` integer DEFAULT 0 NOT NULL,
	`cycle` integer DEFAULT 0 NOT NULL,
	`created_at` integer NOT NULL,
	`acknowledged_at` integer,
	`acknowledged_by` text,
	`closed_at` integer,
	FOREIGN KEY (`incident_id`) REFERENCES `incidents`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `pages_incident` ON `pages` (`incident_id`,`status`);--> statement-breakpoint
CREATE TABLE `processed_events` (
	`platform` text NOT NULL,
	`event_id` text NOT NULL,
	`processed_at` integer NOT NULL,
	PRIMARY KEY(`platform`, `event_id`)
);
--> statement-breakpoint
CREATE TABLE `role_assignments` (
	`incident_id` integer NOT NULL,
	`role` text NOT NULL,
	`person` text NOT NULL,
	`assigned_at` integer NOT NULL,
	PRIMARY KEY(`incident_id`, `role`),
	FOREIGN KEY (`incident_id`) REFERENCES `incidents`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE TABLE `settings` (
	`key` text PRIMARY KEY NOT NULL,
	`value` text NOT NULL,
	`updated_at` integer DEFAULT (unixepoch() * 1000) NOT NULL
);
--> statement-breakpoint
CREATE TABLE `support_replies` (
	`platform` text NOT NULL,
	`channel` text NOT NULL,
	`user` text NOT NULL,
	`replied_at` integer NOT NULL,
	PRIMARY KEY(`platform`, `channel`, `user`)
);
--> statement-breakpoint
CREATE TABLE `timeline_events` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`incident_id` integer NOT NULL,
	`at` integer NOT NULL,
	`kind` text NOT NULL,
	`actor` text,
	`text` text NOT NULL,
	`public` integer DEFAULT false NOT NULL,
	`public_text` text,
	`status` text,
	`severity` text,
	FOREIGN KEY (`incident_id`) REFERENCES `incidents`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `timeline_incident` ON `timeline_events` (`incident_id`,`at`);--> statement-breakpoint
CREATE TABLE `timers` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`kind` text NOT NULL,
	`due_at` integer NOT NULL,
	`status` text DEFAULT 'pending' NOT NULL,
	`incident_id` integer,
	`page_id` integer,
	`key` text,
	`data` text,
	`created_at` integer NOT NULL,
	`fired_at` integer,
	FOREIGN KEY (`incident_id`) REFERENCES `incidents`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`page_id`) REFERENCES `pages`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `timers_due` ON `timers` (`status`,`due_at`);--> statement-breakpoint
CREATE INDEX `timers_key` ON `timers` (`key`);--> statement-breakpoint
CREATE INDEX `timers_incident` ON `timers` (`incident_id`,`status`,`kind`);--> statement-breakpoint
CREATE INDEX `timers_page` ON `timers` (`page_id`,`status`);