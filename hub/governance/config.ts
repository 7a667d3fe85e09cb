// How long the hub keeps each kind of personal data. The retention job removes
// anything older and reports what it removed.
import { Type, type Static } from '@sinclair/typebox';

const days = (fallback: number, what: string) =>
  Type.Integer({ minimum: 1, maximum: 3650, default: fallback, description: what });

export const RetentionConfig = Type.Object(
  {
    /** Gate snapshots of people not in the gallery. Default 7 days. */
    strangerSnapshotsDays: days(7, 'stranger snapshots'),
    /** Thumbnails kept with access events of enrolled residents. Default 30 days. */
    accessThumbnailsDays: days(30, 'access thumbnails'),
    /** Evidence (snapshots, telemetry windows) of resolved alerts. Default 180 days. */
    alertEvidenceDays: days(180, 'alert evidence'),
    /** Raw wristband telemetry. Default 90 days. */
    telemetryDays: days(90, 'telemetry'),
    /** How often the retention job runs. Default every 60 minutes. */
    purgeEveryMinutes: Type.Integer({ minimum: 1, maximum: 24 * 60, default: 60 }),
  },
  { additionalProperties: false, default: {} },
);
export type RetentionConfig = Static<typeof RetentionConfig>;
