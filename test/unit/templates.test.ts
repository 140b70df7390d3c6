import { describe, expect, it } from 'vitest';
import { DEFAULT_TEMPLATES, KNOWN_PLACEHOLDERS, placeholdersIn, renderTemplate, TEMPLATE_NAMES } from '../../src/domain/templates.js';

describe('DEFAULT_TEMPLATES', () => {
  it('has every template name and nothing else', () => {
    expect(Object.keys(DEFAULT_TEMPLATES).sort()).toEqual([...TEMPLATE_NAMES].sort());
    expect(TEMPLATE_NAMES).toHaveLength(10);
  });

  it('follows runbook 003 for the initial alert', () => {
    expect(DEFAULT_TEMPLATES.declared).toBe(
      '🚨 INCIDENT: {severity} - {title}\nDetected: {declared_at}\nImpact: {description}\nAssigned: {commander}\nIncident: #{number}\nStatus: {status}',
    );
    expect(DEFAULT_TEMPLATES.update).toMatch(/^📊 UPDATE: \{severity\} - \{title\}\nCurrent Status: \{status\}/);
    expect(DEFAULT_TEMPLATES.resolved).toMatch(/^✅ RESOLVED: \{severity\} - \{title\}\nResolution: \{summary\}\nDuration: \{duration\}/);
  });

  it('only uses known placeholders', () => {
    for (const tpl of Object.values(DEFAULT_TEMPLATES)) {
      for (const name of placeholdersIn(tpl)) expect(KNOWN_PLACEHOLDERS).toContain(name);
    }
  });

  it('support replies give hours and the issue link but promise no resolution time', () => {
    for (const tpl of [DEFAULT_TEMPLATES.support_in_hours, DEFAULT_TEMPLATES.support_out_of_hours]) {
      expect(placeholdersIn(tpl)).toEqual(expect.arrayContaining(['support_hours', 'issue_url']));
      expect(tpl).not.toMatch(/\bwithin\b|\bresolve[ds]? (in|by)\b|\bhours? to\b/i);
    }
  });
});

describe('renderTemplate', () => {
  it('fills the declared alert', () => {
    const out = renderTemplate(DEFAULT_TEMPLATES.declared, {
      severity: 'SEV1', title: 'API down', declared_at: '2026-03-02 10:00 GMT', description: 'All requests fail',
      commander: 'Alice', number: 12, status: 'Investigating',
    });
    expect(out).toBe('🚨 INCIDENT: SEV1 - API down\nDetected: 2026-03-02 10:00 GMT\nImpact: All requests fail\nAssigned: Alice\nIncident: #12\nStatus: Investigating');
  });

  it('writes an em dash for missing, empty or unknown variables beside given ones', () => {
    expect(renderTemplate('{title}|{commander}|{nonsense}', { title: 'X', commander: '' })).toBe('X|—|—');
  });

  it('leaves out a line whose every field is empty, instead of printing "ETA: —"', () => {
    const tpl = 'UPDATE: {title}\nETA: {eta}\nRoot Cause: {root_cause}\nNext Update: {next_update}';
    expect(renderTemplate(tpl, { title: 'API down', eta: '', next_update: '11:00' })).toBe('UPDATE: API down\nNext Update: 11:00');
    expect(renderTemplate(tpl, { title: 'API down', eta: '12:30 GMT', root_cause: 'bad deploy', next_update: '11:00' })).toBe(
      'UPDATE: API down\nETA: 12:30 GMT\nRoot Cause: bad deploy\nNext Update: 11:00',
    );
    // A synonym still fills it: runbook 003 writes {estimate} and {brief_cause}.
    expect(renderTemplate('ETA: {estimate}\nRoot Cause: {brief_cause}', { eta: '2h' })).toBe('ETA: 2h');
  });

  it('renders numbers, including zero', () => {
    expect(renderTemplate('tier {tier} of #{number}', { tier: 0, number: 7 })).toBe('tier 0 of #7');
  });

  it("falls back to a synonym so runbook 003's own wording works", () => {
    const tpl = 'Assigned: @{engineer} Siren ID: {incident_id} Progress: {details} ETA: {estimate} Duration: {total_time} Next: {time}';
    expect(renderTemplate(tpl, { commander: 'Omar', number: 4, text: 'rolled back', eta: '10m', duration: '1h 5m', next_update: '11:00' })).toBe(
      'Assigned: @Omar Siren ID: 4 Progress: rolled back ETA: 10m Duration: 1h 5m Next: 11:00',
    );
    // The exact name wins over its synonym.
    expect(renderTemplate('{engineer}', { engineer: 'Pia', commander: 'Omar' })).toBe('Pia');
  });

  it('leaves non-placeholder braces alone and does not read inherited keys', () => {
    expect(renderTemplate('{title} {"a": 1} {scheduled/not_required} {constructor}', { title: 'X' })).toBe('X {"a": 1} {scheduled/not_required} —');
  });
});

describe('placeholdersIn', () => {
  it('lists names in order of first appearance without duplicates', () => {
    expect(placeholdersIn('{b} {a} {b} {{c}} {not a name} {d_1}')).toEqual(['b', 'a', 'c', 'd_1']);
    expect(placeholdersIn('no placeholders')).toEqual([]);
  });
});
