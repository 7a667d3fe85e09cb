// People (or vehicles) in zones: each frame of a watched camera is checked for
// motion inside its armed zones and, where something moved (or a count is
// going), handed to the object detector in a worker. An object whose foot
// point stands inside an armed zone for dwellFrames analysed frames in a row
// raises one intrusion alert, with a snapshot that shows its box, linked to
// the camera so that the dashboard opens its live view. The intrusion stays
// one alert until the zone has been empty for clearAfterMs (or is disarmed),
// when the condition clears.
import type { RaisedAlert } from '../../common/contracts/alert.ts';
import type { Logger } from '../../common/log.ts';
import type { RgbFrame } from '../../models/image.ts';
import { defaultObjectModelSettings, verifyObjectModels } from '../../models/people/detector.ts';
import { footPoint, type DetectedObject, type ObjectClass } from '../../models/people/objects.ts';
import { ObjectWorkerPool } from '../../models/people/pool.ts';
import { Priority, type Outbox } from '../outbox/outbox.ts';
import { StandingConditions } from '../rules/conditions.ts';
import type { EdgeDatabase } from '../store/database.ts';
import type { EdgeIntrusionConfig, IntrusionZone } from './config.ts';
import { MotionDetector } from './motion.ts';
import { checkSchedule, isArmed } from './schedule.ts';
import { intrusionSnapshot } from './snapshot.ts';
import { bounds, insidePolygon, type NormalisedBounds } from './zones.ts';

export interface IntrusionContext {
  site: string;
  edgeId: string;
  settings: EdgeIntrusionConfig;
  database: EdgeDatabase;
  outbox: Outbox;
  /** Ids of the cameras configured on this edge; zones may be drawn only on those. */
  cameraIds: string[];
  log: Logger;
}

interface ZoneState {
  zone: IntrusionZone;
  bounds: NormalisedBounds;
  dedupKey: string;
  /** Analysed frames in a row with an object of the zone's classes inside. */
  dwell: number;
  /** When an object was last seen inside (ms). */
  lastOccupiedMs: number;
}

interface CameraWatch {
  cameraId: string;
  zones: ZoneState[];
  motion: MotionDetector;
}

/** What happened to one frame. */
export type FrameOutcome = 'disarmed' | 'still' | 'dropped' | 'analysed';

export const intrusionAlert = 'intrusion';

export class IntrusionWatch {
  readonly pool: ObjectWorkerPool;
  /** camera id → its zones and motion state */
  readonly #cameras = new Map<string, CameraWatch>();
  readonly #conditions: StandingConditions;
  readonly #pending = new Set<Promise<void>>();
  #timer: NodeJS.Timeout | undefined;
  readonly counts = {
    frames: 0,
    disarmed: 0,
    still: 0,
    dropped: 0,
    analysed: 0,
    objectsInZones: 0,
    alerts: 0,
    cleared: 0,
  };

  constructor(private readonly context: IntrusionContext) {
    const { settings, site, log } = context;
    for (const camera of settings.cameras) {
      if (!context.cameraIds.includes(camera.cameraId)) {
        throw new Error(
          `intrusion.cameras names ${camera.cameraId}, which is not in the cameras section`,
        );
      }
      if (this.#cameras.has(camera.cameraId)) {
        throw new Error(`intrusion.cameras lists camera ${camera.cameraId} twice`);
      }
      const zones = camera.zones.map((zone) => {
        if (zone.schedule) checkSchedule(zone.id, zone.schedule);
        return {
          zone,
          bounds: bounds(zone.polygon),
          dedupKey: `${intrusionAlert}:${site}:${camera.cameraId}:${zone.id}`,
          dwell: 0,
          lastOccupiedMs: Date.now(),
        };
      });
      this.#cameras.set(camera.cameraId, {
        cameraId: camera.cameraId,
        zones,
        motion: new MotionDetector(),
      });
    }
    this.#conditions = new StandingConditions(context.database);
    const poolSettings = {
      ...defaultObjectModelSettings,
      detector: settings.detector,
      threads: settings.threadsPerWorker,
      workers: settings.workers,
      maxWaiting: settings.maxWaitingFrames,
      ...(settings.modelsFolder && { modelsFolder: settings.modelsFolder }),
    };
    verifyObjectModels(poolSettings);
    this.pool = new ObjectWorkerPool(poolSettings, log.child({ feature: 'object-workers' }));
  }

  get cameraIds(): string[] {
    return [...this.#cameras.keys()];
  }

  /** Loads the detector (a bad weights file stops the edge, named), then watches. */
  async start(): Promise<void> {
    await this.pool.start();
    this.#timer = setInterval(() => this.clearEmptyZones(Date.now()), 1000);
    const zones = [...this.#cameras.values()].flatMap((camera) =>
      camera.zones.map((state) => `${camera.cameraId}/${state.zone.id}`),
    );
    this.context.log.info({ zones }, 'intrusion watch started');
  }

  async stop(): Promise<void> {
    clearInterval(this.#timer);
    this.#timer = undefined;
    await Promise.all(this.#pending);
    await this.pool.stop();
  }

  /** A frame from any camera; those without zones are ignored. Returns at once. */
  onCameraFrame(frame: RgbFrame & { cameraId: string }): void {
    if (!this.#cameras.has(frame.cameraId)) return;
    this.#track(this.watchFrame(frame.cameraId, frame).then(() => undefined));
  }

  /** Decides on one frame of a watched camera; resolves with what became of it. */
  async watchFrame(cameraId: string, frame: RgbFrame): Promise<FrameOutcome> {
    const camera = this.#cameras.get(cameraId);
    if (!camera) throw new Error(`camera ${cameraId} has no intrusion zones`);
    this.counts.frames++;
    const atMs = frame.capturedAt;
    const armed = camera.zones.filter((state) => isArmed(state.zone.schedule, atMs));
    for (const state of camera.zones) if (!armed.includes(state)) state.dwell = 0;
    const moved = camera.motion.moved(
      frame,
      armed.map((state) => state.bounds),
    );
    if (armed.length === 0) return this.#outcome('disarmed');
    const counting = armed.some((state) => state.dwell > 0);
    if (this.context.settings.motionGate && !moved && !counting) return this.#outcome('still');

    const classes = [...new Set(armed.flatMap((state) => state.zone.classes))];
    let detection;
    try {
      detection = await this.pool.offerFrame(cameraId, frame, {
        classes,
        minScore: this.context.settings.minScore,
      });
    } catch (error) {
      this.context.log.error({ err: error, camera: cameraId }, 'object detection failed');
      return this.#outcome('dropped');
    }
    if (!detection) return this.#outcome('dropped');
    for (const state of armed) this.#judge(camera, state, frame, detection.objects);
    return this.#outcome('analysed');
  }

  /** Clears intrusions whose zone has been empty for clearAfterMs, or is disarmed. */
  clearEmptyZones(nowMs: number): void {
    for (const camera of this.#cameras.values()) {
      for (const state of camera.zones) {
        if (!this.#conditions.isRaised(state.dedupKey)) continue;
        const empty = nowMs - state.lastOccupiedMs > state.zone.clearAfterMs;
        if (!empty && isArmed(state.zone.schedule, nowMs)) continue;
        if (!this.#conditions.clear(state.dedupKey)) continue;
        const { site, edgeId } = this.context;
        this.context.outbox.putNow(
          'clear',
          { site, edgeId, dedupKey: state.dedupKey, clearedAt: new Date(nowMs).toISOString() },
          Priority.alert,
        );
        this.counts.cleared++;
        this.context.log.info(
          { camera: camera.cameraId, zone: state.zone.id },
          'intrusion zone empty again; condition cleared',
        );
      }
    }
  }

  #judge(
    camera: CameraWatch,
    state: ZoneState,
    frame: RgbFrame,
    objects: readonly DetectedObject[],
  ): void {
    const wanted = new Set<ObjectClass>(state.zone.classes);
    const intruders = objects.filter((object) => {
      if (!wanted.has(object.objectClass)) return false;
      const [x, y] = footPoint(object.box);
      return insidePolygon([x / frame.width, y / frame.height], state.zone.polygon);
    });
    if (intruders.length === 0) {
      state.dwell = 0;
      return;
    }
    this.counts.objectsInZones += intruders.length;
    state.dwell++;
    state.lastOccupiedMs = frame.capturedAt;
    if (state.dwell < state.zone.dwellFrames) return;
    if (!this.#conditions.raise(state.dedupKey, frame.capturedAt)) return;
    this.#track(this.#alert(camera, state, frame, intruders, state.dwell));
  }

  async #alert(
    camera: CameraWatch,
    state: ZoneState,
    frame: RgbFrame,
    intruders: DetectedObject[],
    frames: number,
  ): Promise<void> {
    const { site, edgeId, log } = this.context;
    let snapshot: string | undefined;
    try {
      const jpeg = await intrusionSnapshot(frame, state.zone.polygon, intruders);
      snapshot = `data:image/jpeg;base64,${jpeg.toString('base64')}`;
    } catch (error) {
      log.warn({ err: error, camera: camera.cameraId }, 'intrusion snapshot could not be made');
    }
    const best = intruders.reduce((a, b) => (b.score > a.score ? b : a));
    const alert: RaisedAlert = {
      type: intrusionAlert,
      severity: state.zone.severity,
      site,
      edgeId,
      // The camera is the subject, so that the alert opens the camera's live view.
      subject: { kind: 'camera', id: camera.cameraId },
      dedupKey: state.dedupKey,
      raisedAt: new Date(frame.capturedAt).toISOString(),
      evidence: {
        cameraId: camera.cameraId,
        zoneId: state.zone.id,
        zoneName: state.zone.name,
        objectClass: best.objectClass,
        score: Math.round(best.score * 100) / 100,
        objects: intruders.length,
        frames,
        /** The best intruder's box in the frame's pixels (the snapshot's size). */
        box: {
          x: Math.round(best.box.x),
          y: Math.round(best.box.y),
          width: Math.round(best.box.width),
          height: Math.round(best.box.height),
        },
        frameWidth: frame.width,
        frameHeight: frame.height,
        liveView: `/api/video/${encodeURIComponent(camera.cameraId)}`,
        ...(snapshot && { snapshot }),
      },
    };
    this.context.outbox.putNow(
      'alert',
      alert,
      state.zone.severity === 'critical' ? Priority.criticalAlert : Priority.alert,
    );
    this.counts.alerts++;
    log.warn(
      {
        camera: camera.cameraId,
        zone: state.zone.id,
        objectClass: best.objectClass,
        score: alert.evidence!.score,
        frames,
      },
      'intrusion in an armed zone',
    );
  }

  #outcome(outcome: FrameOutcome): FrameOutcome {
    this.counts[outcome]++;
    return outcome;
  }

  #track(work: Promise<void>): void {
    const tracked = work.catch((error: unknown) => {
      this.context.log.error({ err: error }, 'intrusion watch work failed');
    });
    this.#pending.add(tracked);
    void tracked.finally(() => this.#pending.delete(tracked));
  }

  /** Resolves when every alert in progress (snapshot encoding) is in the outbox. */
  async settled(): Promise<void> {
    await Promise.all(this.#pending);
  }
}
