// One watch connection: frames in, Haven band messages through the edge's band
// path (validation, rules, outbox), replies out. Every frame ends as handled
// or as a rejection counted by reason. An alarm is answered only after its
// events are committed to the outbox; when that fails the watch gets no answer
// and sends the alarm again.
import type { Logger } from '../../common/log.ts';
import type { DeviceIdentity } from '../../edge/devices/registry.ts';
import type { EdgeCounters } from '../../edge/metrics.ts';
import { bracketToBand, iwToBand, type BandMessages } from './band-messages.ts';
import { decodeBracketFrame } from './bracket-decoder.ts';
import type { WatchDirectory } from './directory.ts';
import { WatchFramer, type FramingResult, type WatchFrame } from './framing.ts';
import { decodeIwFrame } from './iw-decoder.ts';
import { bracketReply, iwReply } from './replies.ts';

/** Where band messages go: the edge's BandIngest (same path as MQTT bands). */
export interface BandSink {
  /** A rejection reason, or undefined when stored. Throws when it could not be stored. */
  accept(band: DeviceIdentity, channel: string, payload: Buffer): string | undefined;
}

export interface WatchSessionOptions {
  maxFrameBytes: number;
  timeZoneHours: number;
}

export type FrameOutcome = 'handled' | 'rejected';

export interface SessionOutput {
  /** Replies to write to the watch, in order. */
  replies: string[];
  /** One entry per frame or rejected run of bytes. */
  outcomes: FrameOutcome[];
  /** Set when the connection should be closed (an unregistered device). */
  close?: string;
}

export const SessionReason = {
  unknownDevice: 'unknown device',
  deviceChanged: 'device id changed on this connection',
  beforeLogin: 'IW frame before login',
  media: 'voice or image upload not supported',
  unused: 'message type not used by Haven',
  notStored: 'band message not stored',
} as const;

export class WatchSession {
  readonly #framer: WatchFramer;
  /** The band this connection speaks for, once its first frame named a registered one. */
  #band: { watchId: string; identity: DeviceIdentity } | undefined;
  /** IW/TRV frames carry no id; the login (AP00) names the device for the rest. */
  #iwLogin: string | undefined;
  #closing = false;

  constructor(
    private readonly bands: BandSink,
    private readonly directory: WatchDirectory,
    private readonly counters: EdgeCounters,
    private readonly log: Logger,
    private readonly options: WatchSessionOptions,
  ) {
    this.#framer = new WatchFramer({ maxFrameBytes: options.maxFrameBytes });
  }

  get deviceId(): string | undefined {
    return this.#band?.identity.id;
  }

  /** Bytes held for a frame not yet complete. */
  get pendingBytes(): number {
    return this.#framer.pendingBytes;
  }

  /** An IW/TRV frame is open with no end seen yet; call quiet() if nothing more comes. */
  get waitingForText(): boolean {
    return this.#framer.hasPendingText;
  }

  receive(chunk: Buffer, receivedAt = new Date()): SessionOutput {
    return this.#handle(this.#framer.push(chunk), receivedAt);
  }

  /** The line went quiet: a TRV frame without '#' is complete. */
  quiet(receivedAt = new Date()): SessionOutput {
    return this.#handle(this.#framer.flushText(), receivedAt);
  }

  /** The connection closed: whatever is left is handled or rejected. */
  end(receivedAt = new Date()): SessionOutput {
    return this.#handle(this.#framer.end(), receivedAt);
  }

  #handle(results: FramingResult[], receivedAt: Date): SessionOutput {
    const output: SessionOutput = { replies: [], outcomes: [] };
    for (const result of results) {
      if (this.#closing) break;
      if ('rejected' in result) {
        this.#reject(output, result.rejected, { bytes: result.byteCount });
        continue;
      }
      this.#frame(result.frame, receivedAt, output);
    }
    return output;
  }

  #frame(frame: WatchFrame, receivedAt: Date, output: SessionOutput): void {
    const clock = { receivedAt, deviceClock: 'recent' } as const;
    if (frame.family === 'bracket') {
      const decoded = decodeBracketFrame(frame.bytes);
      if (!decoded.ok) {
        this.#reject(output, decoded.reason, { watchId: decoded.deviceId, detail: decoded.detail });
        return;
      }
      const { message } = decoded;
      const band = this.#bind(message.deviceId, output);
      if (!band) return;
      // Known shortcoming: voice and image uploads are not kept, so not answered either.
      if (message.kind === 'media') return this.#reject(output, SessionReason.media, {});
      this.#deliver(
        band,
        message.type,
        bracketToBand(message, clock),
        bracketReply(message),
        output,
      );
      return;
    }

    const decoded = decodeIwFrame(frame.bytes);
    if (!decoded.ok) {
      this.#reject(output, decoded.reason, { detail: decoded.detail });
      return;
    }
    const { message } = decoded;
    if (message.kind === 'login') this.#iwLogin = message.imei;
    if (this.#iwLogin === undefined) return this.#reject(output, SessionReason.beforeLogin, {});
    const band = this.#bind(this.#iwLogin, output);
    if (!band) return;
    const reply = iwReply(message, { now: receivedAt, timeZoneHours: this.options.timeZoneHours });
    if (message.kind === 'ignored') {
      this.#reject(output, SessionReason.unused, { type: message.type });
      return;
    }
    this.#deliver(band, message.type, iwToBand(message, clock), reply, output);
  }

  /** The registered band behind a watch id; the first one binds the connection. */
  #bind(watchId: string, output: SessionOutput): DeviceIdentity | undefined {
    if (this.#band) {
      if (this.#band.watchId === watchId) return this.#band.identity;
      this.#reject(output, SessionReason.deviceChanged, { watchId });
      return undefined;
    }
    const identity = this.directory.identity(watchId);
    if (!identity) {
      this.#reject(output, SessionReason.unknownDevice, { watchId });
      this.log.warn({ watchId }, 'watch refused: not a registered band; closing its connection');
      this.#closing = true;
      output.close = SessionReason.unknownDevice;
      return undefined;
    }
    this.#band = { watchId, identity };
    this.log.info({ device: identity.id, watchId }, 'watch connected');
    return identity;
  }

  #deliver(
    band: DeviceIdentity,
    type: string,
    messages: BandMessages,
    reply: string | undefined,
    output: SessionOutput,
  ): void {
    const pieces: [channel: string, body: unknown][] = [
      ...messages.events.map((event): [string, unknown] => ['event', event]),
      ...(messages.telemetry ? [['telemetry', messages.telemetry] as [string, unknown]] : []),
    ];
    if (pieces.length === 0 && reply === undefined) {
      this.#reject(output, SessionReason.unused, { device: band.id, type });
      return;
    }

    let stored = true;
    for (const [channel, body] of pieces) {
      const reason = this.#store(band, channel, body);
      if (reason === undefined) continue;
      stored = false;
      this.#count(reason, { device: band.id, type, channel });
      // An alarm not stored is not answered: the watch will send it again.
      if (channel === 'event') {
        output.outcomes.push('rejected');
        return;
      }
    }
    if (reply !== undefined) output.replies.push(reply);
    output.outcomes.push(stored ? 'handled' : 'rejected');
  }

  #store(band: DeviceIdentity, channel: string, body: unknown): string | undefined {
    try {
      return this.bands.accept(band, channel, Buffer.from(JSON.stringify(body)));
    } catch (error) {
      this.log.error({ err: error, device: band.id, channel }, 'watch message could not be stored');
      return SessionReason.notStored;
    }
  }

  #reject(output: SessionOutput, reason: string, context: Record<string, unknown>): void {
    this.#count(reason, context);
    output.outcomes.push('rejected');
  }

  /** Counted by the reason's fixed part (before any ':'), logged in full. */
  #count(reason: string, context: Record<string, unknown>): void {
    this.counters.reject(`watch: ${reason.split(':')[0]!}`);
    this.log.debug({ device: this.#band?.identity.id, reason, ...context }, 'watch frame rejected');
  }
}
