// Who is told about an alert, in which tiers, how often they are reminded,
// and how the webhook and Web Push channels reach phones.
import { Type, type Static } from '@sinclair/typebox';
import { Severity } from '../../common/contracts/alert.ts';

/** Who a tier notifies: people linked to the subject, or staff with a duty. */
export const EscalationTarget = Type.Union([
  Type.Literal('grid_worker'),
  Type.Literal('family'),
  Type.Literal('doctor'),
  Type.Literal('neighbour'),
  Type.Literal('building_head'),
  Type.Literal('duty_officer'),
  Type.Literal('leader'),
]);
export type EscalationTarget = Static<typeof EscalationTarget>;

export const EscalationTier = Type.Object(
  {
    /** Time after the alert arrived, if nobody has acknowledged it by then. */
    afterMs: Type.Integer({ minimum: 0 }),
    notify: Type.Array(EscalationTarget, { minItems: 1 }),
  },
  { additionalProperties: false },
);
export type EscalationTier = Static<typeof EscalationTier>;

export const EscalationPolicy = Type.Object(
  {
    name: Type.String({ pattern: '^[a-z0-9_-]{1,32}$' }),
    /** Alert types this policy covers; empty covers every type. */
    types: Type.Array(Type.String({ maxLength: 64 }), { default: [] }),
    /** Severities this policy covers; empty covers every severity. */
    severities: Type.Array(Severity, { default: [] }),
    /** In order of afterMs; the first usually has afterMs 0. */
    tiers: Type.Array(EscalationTier, { minItems: 1 }),
    /** Everyone told so far is told again this often until someone acknowledges; 0 never. */
    reminderEveryMs: Type.Integer({ minimum: 0, default: 60_000 }),
  },
  { additionalProperties: false },
);
export type EscalationPolicy = Static<typeof EscalationPolicy>;

const minute = 60_000;

/**
 * SOS and falls: family and grid worker at once, the duty officer after 2
 * minutes, then the community leader.
 */
export const defaultPolicies: EscalationPolicy[] = [
  {
    name: 'alarm',
    types: ['sos', 'fall'],
    severities: [],
    tiers: [
      { afterMs: 0, notify: ['family', 'grid_worker'] },
      { afterMs: 2 * minute, notify: ['duty_officer'] },
      { afterMs: 5 * minute, notify: ['leader'] },
    ],
    reminderEveryMs: minute,
  },
  {
    name: 'critical',
    types: [],
    severities: ['critical'],
    tiers: [
      { afterMs: 0, notify: ['grid_worker', 'family', 'doctor'] },
      { afterMs: 2 * minute, notify: ['duty_officer'] },
      { afterMs: 10 * minute, notify: ['leader'] },
    ],
    reminderEveryMs: 2 * minute,
  },
  {
    name: 'warning',
    types: [],
    severities: ['warning'],
    tiers: [
      { afterMs: 0, notify: ['grid_worker', 'family'] },
      { afterMs: 30 * minute, notify: ['duty_officer'] },
    ],
    reminderEveryMs: 15 * minute,
  },
  {
    name: 'notice',
    types: [],
    severities: ['info'],
    tiers: [{ afterMs: 0, notify: ['family', 'grid_worker'] }],
    reminderEveryMs: 0,
  },
];

export const NotifyConfig = Type.Object(
  {
    /** First match wins, by type then severity. Default: defaultPolicies. */
    policies: Type.Array(EscalationPolicy, { default: defaultPolicies }),
    /** An SMS/phone gateway that takes signed JSON posts. */
    webhook: Type.Optional(
      Type.Object(
        {
          url: Type.String({ pattern: '^https?://' }),
          /** HMAC-SHA256 key for X-Haven-Signature, usually "${HAVEN_WEBHOOK_SECRET}". */
          secret: Type.String({ minLength: 16 }),
          /** Attempts per message before the channel gives up. Default 5. */
          maxAttempts: Type.Integer({ minimum: 1, maximum: 20, default: 5 }),
          /** Wait before the first retry; doubles each time. Default 1000 ms. */
          firstRetryMs: Type.Integer({ minimum: 1, default: 1000 }),
          /** Longest wait between retries. Default 60000 ms. */
          maxRetryMs: Type.Integer({ minimum: 1, default: 60_000 }),
          /** Per-request timeout. Default 5000 ms. */
          timeoutMs: Type.Integer({ minimum: 100, default: 5000 }),
        },
        { additionalProperties: false },
      ),
    ),
    /** Web Push (VAPID) to phones and browsers that subscribed. */
    webPush: Type.Optional(
      Type.Object(
        {
          /** A mailto: or https: contact for the push service. */
          subject: Type.String({ pattern: '^(mailto:|https://)' }),
          publicKey: Type.String({ minLength: 80 }),
          privateKey: Type.String({ minLength: 40 }),
          /** Extra CA certificate (PEM file) for an on-premises push service. */
          caFile: Type.Optional(Type.String()),
          /** Per-request timeout. Default 5000 ms. */
          timeoutMs: Type.Integer({ minimum: 100, default: 5000 }),
        },
        { additionalProperties: false },
      ),
    ),
  },
  { additionalProperties: false, default: {} },
);
export type NotifyConfig = Static<typeof NotifyConfig>;
