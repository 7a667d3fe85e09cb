// The edge config's `cameras` section: each camera the edge pulls video from.
import { Type, type Static } from '@sinclair/typebox';

export const CameraOnvifSettings = Type.Object(
  {
    /** The camera's device service, e.g. "http://192.168.1.20/onvif/device_service". */
    deviceUrl: Type.String({ pattern: '^https?://' }),
    username: Type.Optional(Type.String({ maxLength: 128 })),
    /** Usually "${CAMERA_PASSWORD}", so that it stays out of the file. */
    password: Type.Optional(Type.String({ maxLength: 256 })),
    /** The profile whose stream is pulled. Default: the first profile with video. */
    profileToken: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })),
    /** Default "auto": Media2 when the camera lists it. */
    mediaService: Type.Union(
      [Type.Literal('auto'), Type.Literal('media1'), Type.Literal('media2')],
      { default: 'auto' },
    ),
  },
  { additionalProperties: false },
);
export type CameraOnvifSettings = Static<typeof CameraOnvifSettings>;

export const CameraSettings = Type.Object(
  {
    id: Type.String({ pattern: '^[A-Za-z0-9_.-]{1,64}$' }),
    /**
     * An rtsp:// URL (credentials through "${NAME}" variables), or a local video
     * file replayed in a loop. Without it the stream address is asked over ONVIF.
     */
    source: Type.Optional(Type.String({ minLength: 1, maxLength: 2048 })),
    onvif: Type.Optional(CameraOnvifSettings),
    /** What the camera watches ("north gate"), shown with its alerts. */
    location: Type.Optional(Type.String({ maxLength: 128 })),
    /** Frames decoded per second for vision. Default 5. */
    framesPerSecond: Type.Number({ exclusiveMinimum: 0, maximum: 30, default: 5 }),
    /** Frame size handed to vision; the picture is letterboxed to keep its shape. */
    width: Type.Integer({ minimum: 16, maximum: 3840, default: 640 }),
    height: Type.Integer({ minimum: 16, maximum: 2160, default: 360 }),
    /** No frame for this long restarts the stream. Default 10 s. */
    stallTimeoutMs: Type.Integer({ minimum: 500, default: 10_000 }),
    /** A camera down this long raises camera_offline. Default 60 s. */
    offlineAlertAfterMs: Type.Integer({ minimum: 0, default: 60_000 }),
    /** First wait before a restart; doubles after each failed one. Default 1 s. */
    restartDelayMs: Type.Integer({ minimum: 50, default: 1_000 }),
    /** Longest wait between restarts. Default 30 s. */
    maxRestartDelayMs: Type.Integer({ minimum: 50, default: 30_000 }),
  },
  { additionalProperties: false },
);
export type CameraSettings = Static<typeof CameraSettings>;

export const CamerasConfig = Type.Array(CameraSettings, { default: [] });
