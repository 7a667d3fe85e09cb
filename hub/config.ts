// The hub's config file: where it listens, its data, the edges it trusts and
// the staff accounts it starts with.
import { Type, type Static } from '@sinclair/typebox';
import { duplicates } from '../common/config.ts';
import { HubFacesConfig } from './faces/config.ts';
import { RetentionConfig } from './governance/config.ts';
import { NotifyConfig } from './notify/config.ts';
import { PatrolConfig } from './patrol/config.ts';
import { InfluxConfig } from './telemetry/config.ts';

export const StaffRole = Type.Union([
  Type.Literal('viewer'),
  Type.Literal('operator'),
  Type.Literal('admin'),
  // Limited to part of the community (hub/scopes/scope.ts).
  Type.Literal('grid_worker'),
  Type.Literal('family'),
  Type.Literal('doctor'),
  // Patrol guards post scans and read their own rounds, nothing else (hub/auth/plugin.ts).
  Type.Literal('guard'),
]);
export type StaffRole = Static<typeof StaffRole>;

export const HubConfig = Type.Object(
  {
    listen: Type.Object(
      {
        host: Type.String({ default: '127.0.0.1' }),
        port: Type.Integer({ minimum: 0, maximum: 65535, default: 8080 }),
      },
      { additionalProperties: false, default: {} },
    ),
    /** Folder for the hub's SQLite store. */
    dataDir: Type.String({ default: '.data/hub' }),
    edges: Type.Array(
      Type.Object(
        {
          id: Type.String({ pattern: '^[A-Za-z0-9_.-]{1,64}$' }),
          site: Type.String({ pattern: '^[A-Za-z0-9_-]{1,64}$' }),
          /** The edge's token, usually "${HAVEN_EDGE_TOKEN}"; kept only as a digest. */
          token: Type.String({ minLength: 16 }),
        },
        { additionalProperties: false },
      ),
      { default: [] },
    ),
    staff: Type.Array(
      Type.Object(
        {
          username: Type.String({ pattern: '^[A-Za-z0-9_.-]{1,64}$' }),
          displayName: Type.Optional(Type.String({ maxLength: 64 })),
          role: StaffRole,
          /** A scrypt hash, or a plain password from the environment ("${VAR}"). */
          password: Type.String({ minLength: 8 }),
        },
        { additionalProperties: false },
      ),
      { default: [] },
    ),
    sessionHours: Type.Integer({ minimum: 1, maximum: 24 * 30, default: 12 }),
    /** Login attempts per client address per minute. Default 10. */
    loginAttemptsPerMinute: Type.Integer({ minimum: 1, default: 10 }),
    /** Set when the hub is served over HTTPS, so session cookies are Secure. */
    secureCookies: Type.Boolean({ default: false }),
    /** Message the band shows when the police room acknowledges its SOS. */
    helpComingMessage: Type.String({ default: '警务室已收到求助，工作人员正在赶来' }),
    /** Face enrolment: photo checks and whether photos are kept (hub/faces/config.ts). */
    faces: HubFacesConfig,
    /** How patrol rounds are judged (hub/patrol/config.ts). */
    patrol: PatrolConfig,
    /** Escalation policies and notification channels (hub/notify/config.ts). */
    notify: NotifyConfig,
    /** Live video relay from cameras to the dashboard (hub/video). */
    video: Type.Object(
      {
        ffmpegPath: Type.String({ default: 'ffmpeg' }),
        /** How long a camera's stream keeps running after its last viewer leaves. */
        lingerMs: Type.Integer({ minimum: 0, maximum: 600_000, default: 2_000 }),
      },
      { additionalProperties: false, default: {} },
    ),
    /** Retention of personal data per kind (hub/governance/config.ts). */
    retention: RetentionConfig,
    /** Band telemetry series in InfluxDB; without it they stay in SQLite (hub/telemetry). */
    influx: Type.Optional(InfluxConfig),
  },
  { additionalProperties: false },
);
export type HubConfig = Static<typeof HubConfig>;

/** Edge ids, edge tokens and staff names must each be unique. */
export function checkHubConfig(config: HubConfig): string[] {
  return [
    ...duplicates(
      config.edges.map((edge) => edge.id),
      (i) => `/edges/${i}/id`,
      'edge id',
    ),
    ...duplicates(
      config.edges.map((edge) => edge.token),
      (i) => `/edges/${i}/token`,
      'token',
    ),
    ...duplicates(
      config.staff.map((member) => member.username),
      (i) => `/staff/${i}/username`,
      'username',
    ),
  ];
}
