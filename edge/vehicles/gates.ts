// Vehicle barriers: each frame of a barrier's camera goes to the plate workers
// (dropped when they are behind). Reads of one car are one passage. Once a
// plate has been read with enough confidence on minReads frames the gate
// decides, once per car: a registered plate or a valid visitor pass opens
// the barrier; a watch-listed plate raises an alert and the barrier stays
// shut; any other plate is a stranger, shown to the guard at once. The car's
// one access event (with a crop of the plate) is written when it leaves, so
// that it counts all its frames; a car whose plate was never read
// confidently enough is logged then too, as a stranger.
import type { AccessDecision, AccessEvent } from '../../common/contracts/access.ts';
import type { RaisedAlert } from '../../common/contracts/alert.ts';
import type { ListedVehicle } from '../../common/contracts/vehicle.ts';
import type { Logger } from '../../common/log.ts';
import type { RgbFrame } from '../../models/image.ts';
import { plateCrop } from '../../models/plates/crop.ts';
import type { PlateWorkerPool } from '../../models/plates/pool.ts';
import type { PlateRead, PlateReading } from '../../models/plates/reader.ts';
import { Priority, type Outbox } from '../outbox/outbox.ts';
import type { EdgeVehiclesConfig } from './config.ts';
import { leadingRead, PassageTracker, type Passage } from './passages.ts';
import type { EdgeVehicleList } from './vehicle-list.ts';

/** What a barrier's command topic receives when a vehicle is let in. */
export interface OpenBarrierCommand {
  kind: 'open';
  reason: 'plate';
  plate: string;
  access: 'resident' | 'visitor';
  householdId?: string;
  passId?: string;
  confidence: number;
  time: string;
}

export interface VehicleGateDependencies {
  site: string;
  edgeId: string;
  settings: EdgeVehiclesConfig;
  pool: PlateWorkerPool;
  list: EdgeVehicleList;
  outbox: Outbox;
  /** Publishes on haven/{site}/gate/{gateId}/command. */
  openGate(gateId: string, command: OpenBarrierCommand): Promise<void>;
  log: Logger;
}

interface PassageDetail {
  /** The frame and read with the best well-formed confidence so far. */
  best?: { frame: RgbFrame; read: PlateRead };
  /** What the gate decided, once it has. */
  verdict?: { plate: string; decision: AccessDecision; entry: ListedVehicle | undefined };
}

// Known shortcoming: no vehicle detector; a plate held up on a board is taken for the car.
export class VehicleGates {
  readonly #tracker: PassageTracker<PassageDetail>;
  /** Events still being written (crop encoding), awaited by stop(). */
  readonly #pending = new Set<Promise<void>>();
  readonly counts = { frames: 0, reads: 0, granted: 0, denied: 0, strangers: 0, alerts: 0 };

  constructor(private readonly deps: VehicleGateDependencies) {
    this.#tracker = new PassageTracker(
      deps.settings.passageEndMs,
      deps.settings.minConfidence,
      (passage) => this.#ended(passage),
    );
  }

  start(): void {
    this.#tracker.start();
  }

  /** Ends the open passages and waits until their events are in the outbox. */
  async stop(): Promise<void> {
    this.#tracker.stop();
    await Promise.all(this.#pending);
  }

  /** Hands one frame of the barrier's camera to plate reading; returns at once. */
  onFrame(gateId: string, frame: RgbFrame): void {
    this.#track(this.readFrame(gateId, frame).then(() => undefined));
  }

  /** Resolves once the frame was decided on: true, or false when it was dropped. */
  async readFrame(gateId: string, frame: RgbFrame): Promise<boolean> {
    let reading: PlateReading | undefined;
    try {
      reading = await this.deps.pool.offerFrame(gateId, frame, { mode: 'scene', maxPlates: 2 });
    } catch (error) {
      this.deps.log.error({ err: error, gate: gateId }, 'plate reading of a frame failed');
      return false;
    }
    if (!reading) return false;
    this.counts.frames++;
    for (const read of reading.plates) {
      if (read.text === '') continue;
      this.counts.reads++;
      const passage = this.#tracker.observe(gateId, read, frame.capturedAt, () => ({}));
      if (read.wellFormed && read.confidence > (passage.detail.best?.read.confidence ?? -1)) {
        passage.detail.best = { frame, read };
      }
      const leading = leadingRead(passage);
      if (!passage.decided && leading && leading.reads >= this.deps.settings.minReads) {
        passage.decided = true;
        this.#decide(passage, leading.text);
      }
    }
    return true;
  }

  #decide(passage: Passage<PassageDetail>, plate: string): void {
    const { decision, entry } = this.deps.list.verdict(plate, Date.now());
    passage.detail.verdict = { plate, decision, entry };
    this.deps.log.info(
      { gate: passage.gateId, plate, decision, access: entry?.access },
      'vehicle plate decided',
    );
    if (decision === 'granted') this.#open(passage, plate, entry!);
    else if (entry?.access === 'watch') {
      this.#track(
        this.#alert('vehicle_watch_list', 'critical', passage, plate, {
          reason: entry.reason ?? '',
        }),
      );
    } else {
      // The guard at the barrier decides on a car the list does not let in.
      this.#track(
        this.#alert('vehicle_not_admitted', 'info', passage, plate, {
          decision,
          ...(entry?.visitorName && { visitorName: entry.visitorName }),
        }),
      );
    }
  }

  #open(passage: Passage<PassageDetail>, plate: string, entry: ListedVehicle): void {
    this.counts.granted++;
    const confidence = round(passage.detail.best?.read.confidence ?? 0);
    const command: OpenBarrierCommand = {
      kind: 'open',
      reason: 'plate',
      plate,
      access: entry.access === 'visitor' ? 'visitor' : 'resident',
      ...(entry.householdId && { householdId: entry.householdId }),
      ...(entry.passId && { passId: entry.passId }),
      confidence,
      time: new Date().toISOString(),
    };
    this.#track(
      this.deps.openGate(passage.gateId, command).then(
        () => {
          this.deps.log.info(
            { gate: passage.gateId, plate, access: command.access, confidence },
            'barrier opened for a listed vehicle',
          );
        },
        (error: unknown) => {
          this.deps.log.error(
            { err: error, gate: passage.gateId, plate },
            'barrier open command could not be published',
          );
        },
      ),
    );
  }

  /** The car's one access event, written when it has left. */
  async #record(
    passage: Passage<PassageDetail>,
    plate: string,
    decision: AccessDecision,
    entry: ListedVehicle | undefined,
  ): Promise<void> {
    const best = passage.detail.best;
    const crop = best ? await this.#crop(best.frame, best.read) : undefined;
    const confidence = round(best?.read.confidence ?? 0);
    const event: AccessEvent = {
      site: this.deps.site,
      deviceKind: 'gate',
      deviceId: passage.gateId,
      kind: 'vehicle',
      at: new Date(passage.firstSeenMs).toISOString(),
      decision,
      source: 'edge',
      watchList: entry?.access === 'watch',
      sightings: passage.frames,
      ...(crop && { thumbnail: crop }),
      vehicle: {
        plate,
        colour: best?.read.colour ?? 'blue',
        confidence,
        ...(entry && { access: entry.access }),
        ...(entry?.householdId && { householdId: entry.householdId }),
        ...(entry?.passId && { passId: entry.passId }),
        ...(entry?.visitorName && { visitorName: entry.visitorName }),
      },
    };
    this.deps.outbox.putNow('access', event, Priority.event);
    if (decision === 'stranger') this.counts.strangers++;
    if (decision === 'denied') this.counts.denied++;
    this.deps.log.info(
      { gate: passage.gateId, plate, decision, frames: passage.frames, confidence },
      'vehicle access event recorded',
    );
  }

  async #alert(
    type: string,
    severity: RaisedAlert['severity'],
    passage: Passage<PassageDetail>,
    plate: string,
    facts: Record<string, string>,
  ): Promise<void> {
    const { site, edgeId } = this.deps;
    const best = passage.detail.best;
    const crop = best ? await this.#crop(best.frame, best.read) : undefined;
    const alert: RaisedAlert = {
      type,
      severity,
      site,
      edgeId,
      subject: { kind: 'gate', id: passage.gateId },
      dedupKey: `${type}:${site}:${passage.gateId}:${plate}:${passage.firstSeenMs}`,
      raisedAt: new Date(passage.firstSeenMs).toISOString(),
      evidence: {
        gateId: passage.gateId,
        plate,
        ...facts,
        ...(crop && { snapshot: `data:image/jpeg;base64,${crop}` }),
      },
    };
    this.deps.outbox.putNow(
      'alert',
      alert,
      severity === 'critical' ? Priority.criticalAlert : Priority.alert,
    );
    this.counts.alerts++;
    this.deps.log.warn({ gate: passage.gateId, plate, alert: type }, 'vehicle alert raised');
  }

  /** A car has left: its access event; unread plates are logged as seen, as strangers. */
  #ended(passage: Passage<PassageDetail>): void {
    const verdict = passage.detail.verdict;
    if (verdict) {
      this.#track(this.#record(passage, verdict.plate, verdict.decision, verdict.entry));
      return;
    }
    if (!passage.bestRead) return;
    this.#track(this.#record(passage, passage.bestRead.text, 'stranger', undefined));
  }

  async #crop(frame: RgbFrame, read: PlateRead): Promise<string | undefined> {
    try {
      return (await plateCrop(frame, read.box)).toString('base64');
    } catch (error) {
      this.deps.log.warn({ err: error }, 'plate crop could not be made');
      return undefined;
    }
  }

  #track(work: Promise<void>): void {
    const tracked = work.catch((error: unknown) => {
      this.deps.log.error({ err: error }, 'vehicle gate work failed');
    });
    this.#pending.add(tracked);
    void tracked.finally(() => this.#pending.delete(tracked));
  }
}

function round(value: number): number {
  return Math.round(value * 1000) / 1000;
}
