/**
 * Voice notes in the browser: decode what MediaRecorder captured, cut the silence before the
 * first and after the last word with the Silero voice-activity model from @ricky0123/vad-web
 * (run by onnxruntime-web's WASM backend, both served from our own origin under /vad/, so it
 * works offline and asks no CDN), and encode the rest as a small WAV to upload.
 */

/** Everything is processed, and stored, at the model's rate: mono 16 kHz. */
export const VOICE_RATE = 16_000;
/** The Silero legacy model's frame: 96 ms at 16 kHz. */
const FRAME = 1536;
const SPEECH_THRESHOLD = 0.5;
/** Kept around the speech so the first and last syllables are not clipped. */
const PAD_BEFORE_MS = 200;
const PAD_AFTER_MS = 300;

export type TrimMethod = "vad" | "energy";

export interface Trimmed {
  samples: Float32Array;
  durationMs: number;
  /** Which detector decided: the VAD, or the energy fallback if the model could not run. */
  method: TrimMethod;
  /** No speech was found at all. */
  silent: boolean;
}

/** The recording as mono samples at VOICE_RATE (decodeAudioData resamples to its context's rate). */
export async function decodeMono(blob: Blob): Promise<Float32Array> {
  const context = new OfflineAudioContext(1, 1, VOICE_RATE);
  const audio = await context.decodeAudioData(await blob.arrayBuffer());
  if (audio.numberOfChannels === 1) return audio.getChannelData(0).slice();
  const mixed = new Float32Array(audio.length);
  for (let c = 0; c < audio.numberOfChannels; c++) {
    const data = audio.getChannelData(c);
    for (let i = 0; i < data.length; i++) mixed[i]! += data[i]! / audio.numberOfChannels;
  }
  return mixed;
}

type Detector = (samples: Float32Array) => Promise<boolean[]>;
let vadDetector: Promise<Detector> | null = null;

/** Loads the model once per page; a failure is not cached, so a later note tries again. */
function loadVad(): Promise<Detector> {
  vadDetector ??= (async () => {
    const [ort, { SileroLegacy }] = await Promise.all([import("onnxruntime-web/wasm"), import("@ricky0123/vad-web/dist/models/legacy")]);
    ort.env.wasm.wasmPaths = "/vad/";
    // One thread: threads need cross-origin isolation, and a short note does not need them.
    ort.env.wasm.numThreads = 1;
    ort.env.wasm.proxy = false;
    const model = await SileroLegacy.new(ort, async () => {
      const res = await fetch("/vad/silero_vad_legacy.onnx");
      if (!res.ok) throw new Error(`VAD model: HTTP ${res.status}`);
      return res.arrayBuffer();
    });
    return async (samples: Float32Array) => {
      model.reset_state();
      const speech: boolean[] = [];
      for (let at = 0; at + FRAME <= samples.length; at += FRAME) {
        const { isSpeech } = await model.process(samples.subarray(at, at + FRAME));
        speech.push(isSpeech >= SPEECH_THRESHOLD);
      }
      return speech;
    };
  })();
  vadDetector.catch(() => {
    vadDetector = null;
  });
  return vadDetector;
}

/** Per-frame loudness against the recording's own noise floor: the fallback when the model cannot load. */
function energyDetector(samples: Float32Array): boolean[] {
  const rms: number[] = [];
  for (let at = 0; at + FRAME <= samples.length; at += FRAME) {
    let sum = 0;
    for (let i = at; i < at + FRAME; i++) sum += samples[i]! * samples[i]!;
    rms.push(Math.sqrt(sum / FRAME));
  }
  const floor = [...rms].sort((a, b) => a - b)[Math.floor(rms.length * 0.1)] ?? 0;
  const threshold = Math.max(0.01, floor * 4);
  return rms.map((r) => r > threshold);
}

/** Cuts leading and trailing silence. Pauses inside the note stay: they are part of speech. */
export async function trimSilence(samples: Float32Array): Promise<Trimmed> {
  let method: TrimMethod = "vad";
  let speech: boolean[];
  try {
    speech = await (await loadVad())(samples);
  } catch (err) {
    console.warn("voice activity detector unavailable, trimming by loudness", err);
    method = "energy";
    speech = energyDetector(samples);
  }
  const first = speech.indexOf(true);
  const last = speech.lastIndexOf(true);
  if (first === -1) return { samples, durationMs: (samples.length / VOICE_RATE) * 1000, method, silent: true };
  const start = Math.max(0, first * FRAME - (PAD_BEFORE_MS * VOICE_RATE) / 1000);
  const end = Math.min(samples.length, (last + 1) * FRAME + (PAD_AFTER_MS * VOICE_RATE) / 1000);
  const cut = samples.slice(start, end);
  return { samples: cut, durationMs: Math.round((cut.length / VOICE_RATE) * 1000), method, silent: false };
}

/** 16-bit PCM WAV, mono, VOICE_RATE: every browser plays it and the server sniffs it as audio. */
export function encodeWav(samples: Float32Array): Blob {
  const bytes = new ArrayBuffer(44 + samples.length * 2);
  const view = new DataView(bytes);
  const text = (at: number, s: string) => [...s].forEach((ch, i) => view.setUint8(at + i, ch.charCodeAt(0)));
  text(0, "RIFF");
  view.setUint32(4, 36 + samples.length * 2, true);
  text(8, "WAVE");
  text(12, "fmt ");
  view.setUint32(16, 16, true);
  view.setUint16(20, 1, true); // PCM
  view.setUint16(22, 1, true); // mono
  view.setUint32(24, VOICE_RATE, true);
  view.setUint32(28, VOICE_RATE * 2, true);
  view.setUint16(32, 2, true);
  view.setUint16(34, 16, true);
  text(36, "data");
  view.setUint32(40, samples.length * 2, true);
  for (let i = 0; i < samples.length; i++) {
    const s = Math.max(-1, Math.min(1, samples[i]!));
    view.setInt16(44 + i * 2, s < 0 ? s * 0x8000 : s * 0x7fff, true);
  }
  return new Blob([bytes], { type: "audio/wav" });
}

/** The loudest sample of each of `bars` slices, 0..1, for the waveform. */
export function peaks(samples: Float32Array, bars: number): number[] {
  const out: number[] = [];
  const size = Math.max(1, Math.floor(samples.length / bars));
  for (let b = 0; b < bars && b * size < samples.length; b++) {
    let max = 0;
    for (let i = b * size; i < Math.min(samples.length, (b + 1) * size); i++) max = Math.max(max, Math.abs(samples[i]!));
    out.push(max);
  }
  const top = Math.max(...out, 1e-6);
  return out.map((p) => p / top);
}
