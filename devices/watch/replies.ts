// What a watch expects back. A watch that gets no acknowledgement of an alarm
// keeps re-sending it, and some stop reporting until they are answered.
//   bracket: LK → [V*ID*0002*LK], AL* → [V*ID*0002*AL], TKQ → echoed; ZJ adds its sequence
//   IW/TRV:  APxx → IWBPxx#, YPxx → ZPxx#, CPxx → DPxx#; IW login adds time and zone
import type { BracketMessage } from './bracket-decoder.ts';
import type { IwMessage } from './iw-decoder.ts';

export function bracketReply(message: BracketMessage): string | undefined {
  switch (message.kind) {
    case 'heartbeat':
      return bracketFrame(message, 'LK');
    case 'alarm':
      return bracketFrame(message, 'AL');
    case 'voiceQueryAck':
      return bracketFrame(message, message.type);
    default:
      return undefined;
  }
}

/** `[VENDOR*ID*(SEQ*)LEN*content]` with LEN the content's byte length in 4 hex digits. */
export function bracketFrame(
  header: Pick<BracketMessage, 'vendor' | 'deviceId' | 'sequence'>,
  content: string,
): string {
  const length = Buffer.byteLength(content).toString(16).toUpperCase().padStart(4, '0');
  const sequence = header.sequence === undefined ? '' : `${header.sequence}*`;
  return `[${header.vendor}*${header.deviceId}*${sequence}${length}*${content}]`;
}

/** Types the device sends on its own and waits an answer for; others are its answers to us. */
const answeredTypes = new Set([
  'AP00',
  'AP01',
  'AP02',
  'AP03',
  'AP10',
  'AP49',
  'APHT',
  'APHP',
  'AP50',
  'YP03',
  'YP14',
  'CP01',
]);

export interface IwReplyOptions {
  /** Now, for the login answer's clock. */
  now: Date;
  /** Whole hours east of UTC sent with the login answer. Default 8 (Asia/Shanghai). */
  timeZoneHours?: number;
}

export function iwReply(message: IwMessage, options: IwReplyOptions): string | undefined {
  if (!answeredTypes.has(message.type)) return undefined;
  const answerType = String.fromCharCode(message.type.charCodeAt(0) + 1) + message.type.slice(1);
  if (message.kind === 'login' && message.header === 'IW') {
    const zone = options.timeZoneHours ?? 8;
    return `IW${answerType},${clock(options.now)},${zone}#`;
  }
  return `${message.header}${answerType}#`;
}

/** yyyyMMddHHmmss in UTC; the watch applies the zone sent beside it. */
function clock(now: Date): string {
  return now
    .toISOString()
    .replace(/\.\d+Z$/, '')
    .replace(/[-:T]/g, '');
}
