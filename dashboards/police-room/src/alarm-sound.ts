// The alarm for unacknowledged critical alerts: a two-tone beep made with Web
// Audio (no sound file to download), repeated until nobody needs to hear it.
// Browsers start audio only after a click or key press on the page; until then
// the state is "blocked" and the header asks the operator to click.

export type SoundState = 'quiet' | 'sounding' | 'blocked';

const repeatMs = 1_600;
const tones = [
  { frequencyHz: 880, startS: 0, lengthS: 0.18 },
  { frequencyHz: 660, startS: 0.24, lengthS: 0.18 },
];

export class AlarmSound {
  #context: AudioContext | undefined;
  #timer: ReturnType<typeof setInterval> | undefined;
  #wanted = false;
  #beeps = 0;
  state: SoundState = 'quiet';

  constructor(private readonly onState: (state: SoundState) => void) {}

  /** Beeps played so far, for the page's own status and tests. */
  get beeps(): number {
    return this.#beeps;
  }

  /** Call from a user gesture (login, a click): lets the browser play sound. */
  unlock(): void {
    this.#context ??= new AudioContext();
    void this.#context.resume().then(() => this.#update());
  }

  /** Sound while at least one critical alert waits for acknowledgement. */
  setWanted(wanted: boolean): void {
    this.#wanted = wanted;
    this.#update();
  }

  stop(): void {
    this.#wanted = false;
    clearInterval(this.#timer);
    this.#timer = undefined;
    void this.#context?.close();
    this.#context = undefined;
    this.#setState('quiet');
  }

  #update(): void {
    const running = this.#context?.state === 'running';
    if (this.#wanted && running) {
      if (!this.#timer) {
        this.#beep();
        this.#timer = setInterval(() => this.#beep(), repeatMs);
      }
      this.#setState('sounding');
      return;
    }
    clearInterval(this.#timer);
    this.#timer = undefined;
    this.#setState(this.#wanted ? 'blocked' : 'quiet');
  }

  #beep(): void {
    const context = this.#context;
    if (!context || context.state !== 'running') return this.#update();
    const start = context.currentTime + 0.02;
    for (const tone of tones) {
      const oscillator = context.createOscillator();
      const gain = context.createGain();
      oscillator.type = 'sine';
      oscillator.frequency.value = tone.frequencyHz;
      const at = start + tone.startS;
      // Soft edges: a click-free envelope is less harsh over a long night.
      gain.gain.setValueAtTime(0.0001, at);
      gain.gain.exponentialRampToValueAtTime(0.35, at + 0.02);
      gain.gain.exponentialRampToValueAtTime(0.0001, at + tone.lengthS);
      oscillator.connect(gain).connect(context.destination);
      oscillator.start(at);
      oscillator.stop(at + tone.lengthS + 0.02);
    }
    this.#beeps++;
  }

  #setState(state: SoundState): void {
    if (state === this.state) return;
    this.state = state;
    this.onState(state);
  }
}
