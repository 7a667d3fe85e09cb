// The JSMpeg player ships no types; this is the part the dashboard uses.
declare module '@cycjimmy/jsmpeg-player' {
  interface PlayerOptions {
    canvas: HTMLCanvasElement;
    audio?: boolean;
    disableGl?: boolean;
    reconnectInterval?: number;
    onVideoDecode?: () => void;
  }
  const JSMpeg: {
    Player: new (url: string, options: PlayerOptions) => { destroy(): void };
  };
  export default JSMpeg;
}
