// Face gates: each frame from a gate's camera goes to the inference workers
// (dropped when they are behind); each face found is matched 1:N against the
// local gallery. An active resident over the threshold opens the gate at once;
// a watch-list match raises an alert; anyone else is a stranger. Frames of one
// person within the event window are one sighting, reported as one access
// event with a thumbnail when the sighting ends.
import type { AccessDecision, AccessEvent } from '../../common/contracts/access.ts';
import type { RaisedAlert } from '../../common/contracts/alert.ts';
import type { Logger } from '../../common/log.ts';
import type { RgbFrame } from '../../models/image.ts';
import type { AnalysedFace, FaceAnalysis } from '../../models/faces/analyzer.ts';
import type { FaceWorkerPool } from '../../models/faces/pool.ts';
import { faceThumbnail } from '../../models/photo.ts';
import { Priority, type Outbox } from '../outbox/outbox.ts';
import type { EdgeFacesConfig } from './config.ts';
import type { FaceGallery, GalleryEntry } from './gallery.ts';
import { SightingTracker, type Sighting } from './sightings.ts';

/** What a gate's command topic receives when a resident is let in. */
export interface OpenGateCommand {
  kind: 'open';
  reason: 'face';
  residentId: string;
  score: number;
  time: string;
}

export interface FaceGateDependencies {
  site: string;
  edgeId: string;
  settings: EdgeFacesConfig;
  pool: FaceWorkerPool;
  gallery: FaceGallery;
  outbox: Outbox;
  /** Publishes on haven/{site}/gate/{gateId}/command. */
  openGate(gateId: string, command: OpenGateCommand): Promise<void>;
  log: Logger;
}

interface SightingDetail {
  decision: AccessDecision;
  entry: GalleryEntry | undefined;
  at: string;
  /** Base64 JPEG of the face in the sighting's first frame. */
  thumbnail: Promise<string | undefined>;
}

// Known shortcoming: no liveness check; a printed photo of a resident is taken for them.
export class FaceGates {
  readonly #tracker: SightingTracker<SightingDetail>;
  /** Reports still being written (thumbnail encoding), awaited by stop(). */
  readonly #pending = new Set<Promise<void>>();
  readonly counts = { frames: 0, faces: 0, granted: 0, denied: 0, strangers: 0, alerts: 0 };

  constructor(private readonly deps: FaceGateDependencies) {
    this.#tracker = new SightingTracker(
      deps.settings.eventWindowMs,
      deps.settings.matchThreshold,
      (sighting) => this.#track(this.#report(sighting)),
    );
  }

  start(): void {
    this.#tracker.start();
  }

  /** Ends the open sightings and waits until their events are in the outbox. */
  async stop(): Promise<void> {
    this.#tracker.stop();
    await Promise.all(this.#pending);
  }

  /** Hands one frame of the gate's camera to recognition; returns at once. */
  onFrame(gateId: string, frame: RgbFrame): void {
    this.#track(this.analyseFrame(gateId, frame).then(() => undefined));
  }

  /** Resolves once the frame was decided on: true, or false when it was dropped. */
  async analyseFrame(gateId: string, frame: RgbFrame): Promise<boolean> {
    const embed = { maxFaces: 3, minFaceSizePx: this.deps.settings.minFaceSizePx };
    let analysis: FaceAnalysis | undefined;
    try {
      analysis = await this.deps.pool.offerFrame(gateId, frame, embed);
    } catch (error) {
      this.deps.log.error({ err: error, gate: gateId }, 'face analysis of a frame failed');
      return false;
    }
    if (!analysis) return false;
    this.#decide(gateId, frame, analysis);
    return true;
  }

  #decide(gateId: string, frame: RgbFrame, analysis: FaceAnalysis): void {
    this.counts.frames++;
    for (const face of analysis.faces) {
      if (!face.embedding) continue;
      this.counts.faces++;
      const match = this.deps.gallery.best(face.embedding);
      const known = match && match.score >= this.deps.settings.matchThreshold ? match : undefined;
      const entry = known?.entry;
      const decision: AccessDecision = !entry ? 'stranger' : entry.active ? 'granted' : 'denied';
      const score = match?.score ?? -1;
      const { sighting, isNew } = this.#tracker.observe(
        gateId,
        entry?.residentId,
        face.embedding,
        score,
        Date.now(),
        () => ({
          decision,
          entry,
          at: new Date(frame.capturedAt).toISOString(),
          thumbnail: this.#thumbnail(frame, face),
        }),
      );
      if (!isNew) continue;
      if (decision === 'granted') this.#open(gateId, entry!, score);
      if (entry?.watchList) this.#track(this.#alert(sighting, score));
    }
  }

  #open(gateId: string, entry: GalleryEntry, score: number): void {
    this.counts.granted++;
    const command: OpenGateCommand = {
      kind: 'open',
      reason: 'face',
      residentId: entry.residentId,
      score: round(score),
      time: new Date().toISOString(),
    };
    this.#track(
      this.deps.openGate(gateId, command).then(
        () => {
          this.deps.log.info(
            { gate: gateId, resident: entry.residentId, score: round(score) },
            'gate opened for a recognised resident',
          );
        },
        (error: unknown) => {
          this.deps.log.error(
            { err: error, gate: gateId, resident: entry.residentId },
            'gate open command could not be published',
          );
        },
      ),
    );
  }

  async #alert(sighting: Sighting<SightingDetail>, score: number): Promise<void> {
    const { site, edgeId } = this.deps;
    const entry = sighting.detail.entry!;
    const snapshot = await sighting.detail.thumbnail;
    const alert: RaisedAlert = {
      type: 'watch_list',
      severity: 'critical',
      site,
      edgeId,
      subject: { kind: 'resident', id: entry.residentId },
      dedupKey: `watch_list:${site}:${entry.residentId}`,
      raisedAt: sighting.detail.at,
      evidence: {
        gateId: sighting.gateId,
        name: entry.name,
        score: round(score),
        ...(snapshot && { snapshot }),
      },
    };
    this.deps.outbox.putNow('alert', alert, Priority.criticalAlert);
    this.counts.alerts++;
    this.deps.log.warn(
      { gate: sighting.gateId, resident: entry.residentId, score: round(score) },
      'watch-list resident seen at a gate',
    );
  }

  async #report(sighting: Sighting<SightingDetail>): Promise<void> {
    const { decision, entry, at } = sighting.detail;
    if (decision === 'stranger') this.counts.strangers++;
    if (decision === 'denied') this.counts.denied++;
    const thumbnail = await sighting.detail.thumbnail;
    const event: AccessEvent = {
      site: this.deps.site,
      deviceKind: 'gate',
      deviceId: sighting.gateId,
      at,
      decision,
      source: 'edge',
      ...(entry && { residentId: entry.residentId, residentName: entry.name }),
      watchList: entry?.watchList ?? false,
      score: round(sighting.bestScore),
      sightings: sighting.frames,
      ...(thumbnail && { thumbnail }),
    };
    this.deps.outbox.putNow('access', event, Priority.event);
    this.deps.log.info(
      {
        gate: sighting.gateId,
        decision,
        resident: entry?.residentId,
        frames: sighting.frames,
        score: round(sighting.bestScore),
      },
      'access event recorded',
    );
  }

  async #thumbnail(frame: RgbFrame, face: AnalysedFace): Promise<string | undefined> {
    try {
      return (await faceThumbnail(frame, face.box)).toString('base64');
    } catch (error) {
      this.deps.log.warn({ err: error }, 'face thumbnail could not be made');
      return undefined;
    }
  }

  #track(work: Promise<void>): void {
    const tracked = work.catch((error: unknown) => {
      this.deps.log.error({ err: error }, 'face gate work failed');
    });
    this.#pending.add(tracked);
    void tracked.finally(() => this.#pending.delete(tracked));
  }
}

function round(score: number): number {
  return Math.round(score * 1000) / 1000;
}
