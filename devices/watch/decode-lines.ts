// `haven decode watch|iw`: frames in, one per line; for each frame, one JSON
// object with the device id and the Haven band messages it becomes (with the
// reply the gateway would send), or {"error": reason}. For installers who
// debug a new watch: nothing is stored and nothing is sent.
import { BandEvent, BandTelemetry } from '../../common/contracts/band.ts';
import { Validator } from '../../common/contracts/validator.ts';
import { bracketToBand, iwToBand, type BandMessages } from './band-messages.ts';
import { decodeBracketFrame } from './bracket-decoder.ts';
import { FramingReason, WatchFramer, type WatchFamily } from './framing.ts';
import { decodeIwFrame } from './iw-decoder.ts';
import { bracketReply, iwReply } from './replies.ts';

export type DecodeFamily = 'watch' | 'iw';

export interface DecodeOptions {
  /** Lines are hexadecimal bytes (for binary frames captured with tcpdump). */
  hex?: boolean;
  /** IW/TRV: the device id until a login line names one. */
  deviceId?: string;
  timeZoneHours?: number;
}

export type DecodedLine =
  | {
      deviceId: string | null;
      type: string;
      kind: string;
      messages: { channel: 'event' | 'telemetry'; body: BandEvent | BandTelemetry }[];
      reply?: string;
    }
  | { error: string; deviceId?: string };

const familyOf: Record<DecodeFamily, WatchFamily> = { watch: 'bracket', iw: 'iw' };
const unsupported: Record<DecodeFamily, string> = {
  watch: 'unsupported: not a bracket frame [VENDOR*ID*LEN*TYPE,...]',
  iw: 'unsupported: not an IW/TRV frame (IWAPxx... or TRVxPxx...)',
};
const otherFamily: Record<DecodeFamily, string> = {
  watch: 'unsupported: an IW/TRV frame; use haven decode iw',
  iw: 'unsupported: a bracket frame; use haven decode watch',
};

const telemetryValidator = new Validator(BandTelemetry);
const eventValidator = new Validator(BandEvent);

/** Decodes lines in order; an IW login line names the device for the lines after it. */
export class LineDecoder {
  #iwDeviceId: string | undefined;

  constructor(
    private readonly family: DecodeFamily,
    private readonly options: DecodeOptions = {},
  ) {
    this.#iwDeviceId = options.deviceId;
  }

  decode(line: string, now = new Date()): DecodedLine[] {
    const bytes = this.options.hex
      ? Buffer.from(line.replace(/\s+/g, ''), 'hex')
      : Buffer.from(line, 'utf8');
    const framer = new WatchFramer();
    const results = [...framer.push(bytes), ...framer.end()];
    const frames = results.filter((result) => 'frame' in result);

    return results.map((result): DecodedLine => {
      if ('rejected' in result) {
        const wholeLine = frames.length === 0 && result.rejected === FramingReason.garbage;
        return { error: wholeLine ? unsupported[this.family] : result.rejected };
      }
      const { frame } = result;
      if (frame.family !== familyOf[this.family]) return { error: otherFamily[this.family] };
      return frame.family === 'bracket'
        ? this.#bracket(frame.bytes, now)
        : this.#iw(frame.bytes, now);
    });
  }

  #bracket(bytes: Buffer, now: Date): DecodedLine {
    const decoded = decodeBracketFrame(bytes);
    if (!decoded.ok) {
      return {
        error: errorText(decoded.reason, decoded.detail),
        ...(decoded.deviceId !== undefined && { deviceId: decoded.deviceId }),
      };
    }
    const { message } = decoded;
    const messages = bracketToBand(message, { receivedAt: now, deviceClock: 'always' });
    return output(message.deviceId, message.type, message.kind, messages, bracketReply(message));
  }

  #iw(bytes: Buffer, now: Date): DecodedLine {
    const decoded = decodeIwFrame(bytes);
    if (!decoded.ok) return { error: errorText(decoded.reason, decoded.detail) };
    const { message } = decoded;
    if (message.kind === 'login') this.#iwDeviceId = message.imei;
    const messages = iwToBand(message, { receivedAt: now, deviceClock: 'always' });
    const reply = iwReply(message, {
      now,
      ...(this.options.timeZoneHours !== undefined && {
        timeZoneHours: this.options.timeZoneHours,
      }),
    });
    return output(this.#iwDeviceId ?? null, message.type, message.kind, messages, reply);
  }
}

function output(
  deviceId: string | null,
  type: string,
  kind: string,
  messages: BandMessages,
  reply: string | undefined,
): DecodedLine {
  for (const event of messages.events) {
    const check = eventValidator.validate(event);
    if (!check.ok)
      return { error: `event invalid: ${check.reason}`, ...(deviceId && { deviceId }) };
  }
  if (messages.telemetry) {
    const check = telemetryValidator.validate(messages.telemetry);
    if (!check.ok) {
      return { error: `telemetry invalid: ${check.reason}`, ...(deviceId && { deviceId }) };
    }
  }
  return {
    deviceId,
    type,
    kind,
    messages: [
      ...messages.events.map((body) => ({ channel: 'event' as const, body })),
      ...(messages.telemetry ? [{ channel: 'telemetry' as const, body: messages.telemetry }] : []),
    ],
    ...(reply !== undefined && { reply }),
  };
}

function errorText(reason: string, detail: string | undefined): string {
  return detail === undefined ? reason : `${reason}: ${detail}`;
}
