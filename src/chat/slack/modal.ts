// The declare form: `/incident declare` with no text opens it, submitting it declares.
import { defaultSeverity, type Policy, type Severity } from '../../config/policy/index.js';

export const DECLARE_VIEW = 'klaxon_declare';
export const BLOCK = { title: 'title', severity: 'severity', description: 'description' } as const;
const ACTION = 'value';
const MAX_TITLE = 200;

export type DeclareMeta = { channel?: string; responseUrl?: string };

const plain = (text: string, max = 75) => ({ type: 'plain_text' as const, text: text.length <= max ? text : `${text.slice(0, max - 1)}…`, emoji: true });

function option(s: Severity) {
  const label = s.name && s.name !== s.id ? `${s.name} (${s.id})` : s.id;
  return { text: plain(label), value: s.id, ...(s.description ? { description: plain(s.description) } : {}) };
}

export function declareView(policy: Policy, meta: DeclareMeta): Record<string, unknown> {
  const options = policy.severities.slice(0, 100).map(option);
  const initial = options.find((o) => o.value === defaultSeverity(policy).id) ?? options[options.length - 1];
  return {
    type: 'modal',
    callback_id: DECLARE_VIEW,
    title: plain('Declare an incident', 24),
    submit: plain('Declare', 24),
    close: plain('Cancel', 24),
    private_metadata: JSON.stringify(meta),
    blocks: [
      {
        type: 'input',
        block_id: BLOCK.title,
        label: plain('What is happening?'),
        element: { type: 'plain_text_input', action_id: ACTION, max_length: MAX_TITLE, placeholder: plain('Checkout is failing for EU customers') },
      },
      {
        type: 'input',
        block_id: BLOCK.severity,
        label: plain('Severity'),
        element: { type: 'static_select', action_id: ACTION, options, initial_option: initial },
      },
      {
        type: 'input',
        block_id: BLOCK.description,
        optional: true,
        label: plain('Details'),
        element: { type: 'plain_text_input', action_id: ACTION, multiline: true, max_length: 3000 },
      },
    ],
  };
}

type StateValues = Record<string, Record<string, { value?: string | null; selected_option?: { value?: string } | null }>>;

export type DeclareForm = { title: string; severity?: string; description?: string; meta: DeclareMeta };

export function readDeclareView(view: { state?: { values?: unknown }; private_metadata?: string }): DeclareForm {
  const values = (view.state?.values ?? {}) as StateValues;
  const get = (block: string) => values[block]?.[ACTION];
  let meta: DeclareMeta = {};
  try {
    meta = JSON.parse(view.private_metadata || '{}') as DeclareMeta;
  } catch {
    // A view opened by an older build: no way back to the channel, declaring still works.
  }
  return {
    title: (get(BLOCK.title)?.value ?? '').trim(),
    severity: get(BLOCK.severity)?.selected_option?.value || undefined,
    description: get(BLOCK.description)?.value?.trim() || undefined,
    meta,
  };
}
