// What a camera hands to the vision pipelines: one decoded picture at a time.

/**
 * One decoded video frame.
 *
 * `data` is packed RGB24 (no row padding): byte (y * width + x) * 3 is the red of
 * pixel (x, y), then green, then blue; its length is always width * height * 3.
 * The picture is the camera's image scaled to fit width × height with its aspect
 * ratio kept; any leftover band is black (letterbox) so that faces keep their
 * shape. Each frame owns its memory (`data.byteOffset` is 0 and `data.buffer`
 * holds nothing else), so a consumer may keep it or transfer `data.buffer` to a
 * worker thread without copying.
 */
export interface CameraFrame {
  /** The configured camera id, as in the edge config's `cameras` section. */
  readonly cameraId: string;
  /** Counts up from 0 for the camera's lifetime in this process, across restarts. */
  readonly sequence: number;
  readonly width: number;
  readonly height: number;
  readonly data: Buffer;
  /** When the frame's last byte arrived from the decoder (epoch milliseconds). */
  readonly capturedAt: number;
}

/** Called for every frame; must return quickly (hand heavy work to a worker). */
export type FrameListener = (frame: CameraFrame) => void;

export const bytesPerPixel = 3;

export function frameBytes(width: number, height: number): number {
  return width * height * bytesPerPixel;
}
