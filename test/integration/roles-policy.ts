// The policy roles.test.ts and simulate-roles.test.ts share.
export const ROLES_YAML = `
timezone: UTC
people:
  alice: { name: Alice, slack: U1ALICE }
  bob: { name: Bob, slack: U1BOB }
  carol: { name: Carol, slack: U1CAROL }
  uma: { name: Uma, slack: U1UMA }
  erin: { name: Erin, slack: U1ERIN }
schedules:
  primary: { rotation: weekly, handoff: "mon 09:00", start: "2026-01-05", members: [alice, bob] }
  comms-lead: { rotation: weekly, handoff: "mon 09:00", start: "2026-01-05", members: [uma, carol] }
escalation_policies:
  default: { tiers: [{ targets: [schedule:primary], ack_timeout: 15m }] }
roles:
  commander: schedule:primary
  comms: schedule:comms-lead
  scribe: declarer
  investigator: acknowledger
  liaison: person:erin
role_grace: 10m
severities:
  - id: sev1
    description: Outage
    page: default
    roles: { commander: [declarer, schedule:primary] }
    required_roles: [commander]
  - id: sev2
    description: Degraded
    page: default
    required_roles: [commander]
  - id: sev3
    description: Waits for whoever takes it
    page: default
    roles: { commander: acknowledger }
    required_roles: [commander]
  - id: sev4
    description: Minor, pages nobody
    roles: { commander: acknowledger }
    required_roles: [commander]
    role_grace: 30m
`;
