DROP INDEX `incident_alerts_firing`;--> statement-breakpoint
CREATE INDEX `incident_alerts_firing` ON `incident_alerts` (`incident_id`,`status`,`first_at`);