"use client";
/**
 * Voice messages: hold the microphone button to record and let go to stop, or click it (or
 * press Enter/Space on it) to start and click again to stop. The recording is trimmed of
 * leading and trailing silence (lib/files/voice.ts), previewed as a waveform with a player,
 * then uploaded and sent as a `voice` message, or discarded.
 */
import { useTranslations } from "next-intl";
import { useEffect, useRef, useState } from "react";
import type { Attachment } from "@/protocol";
import { formatDuration, uploadFile, type UploadHandle } from "@/lib/files/upload";
import { decodeMono, encodeWav, peaks, trimSilence, type TrimMethod } from "@/lib/files/voice";
import { useFileText } from "./useFileText";

/** A press held at least this long is "hold to record": letting go stops. Shorter is a click. */
const HOLD_MS = 400;
const BARS = 48;

type State =
  | { step: "idle" }
  | { step: "starting" }
  | { step: "recording"; since: number }
  | { step: "processing" }
  | { step: "preview"; wav: Blob; url: string; durationMs: number; bars: number[]; method: TrimMethod }
  | { step: "uploading"; wav: Blob; url: string; durationMs: number; bars: number[]; method: TrimMethod; progress: number }
  | { step: "error"; message: string };

/** Which sentence in `files.voice.microphone` explains why the microphone did not start. */
function microphoneError(err: unknown): "denied" | "missing" | "busy" | "failed" {
  const name = err instanceof DOMException ? err.name : "";
  if (name === "NotAllowedError" || name === "SecurityError") return "denied";
  if (name === "NotFoundError" || name === "OverconstrainedError") return "missing";
  if (name === "NotReadableError") return "busy";
  return "failed";
}

export function VoiceRecorder({ roomId, onSend }: { roomId: string; onSend: (upload: Attachment) => void }) {
  const t = useTranslations("files.voice");
  const { refusal } = useFileText();
  const [state, setState] = useState<State>({ step: "idle" });
  const [now, setNow] = useState(0);
  const recorder = useRef<MediaRecorder | null>(null);
  const pressedAt = useRef<number | null>(null);
  const upload = useRef<UploadHandle | null>(null);
  const urlRef = useRef<string | null>(null);

  const recording = state.step === "recording";
  useEffect(() => {
    if (!recording) return;
    const timer = setInterval(() => setNow(Date.now()), 250);
    return () => clearInterval(timer);
  }, [recording]);

  // Leaving the room stops the microphone and forgets the note.
  useEffect(
    () => () => {
      const r = recorder.current;
      if (r && r.state !== "inactive") {
        r.ondataavailable = null;
        r.onstop = null;
        r.stop();
        r.stream.getTracks().forEach((t) => t.stop());
      }
      upload.current?.abort();
      if (urlRef.current) URL.revokeObjectURL(urlRef.current);
    },
    [],
  );

  async function start() {
    if (typeof navigator === "undefined" || !navigator.mediaDevices?.getUserMedia || typeof MediaRecorder === "undefined") {
      setState({ step: "error", message: t("unsupported") });
      return;
    }
    setState({ step: "starting" });
    let stream: MediaStream;
    try {
      stream = await navigator.mediaDevices.getUserMedia({ audio: { echoCancellation: true, noiseSuppression: true } });
    } catch (err) {
      pressedAt.current = null;
      setState({ step: "error", message: t(`microphone.${microphoneError(err)}`) });
      return;
    }
    const chunks: Blob[] = [];
    const r = new MediaRecorder(stream);
    recorder.current = r;
    r.ondataavailable = (e) => {
      if (e.data.size > 0) chunks.push(e.data);
    };
    r.onstop = () => {
      stream.getTracks().forEach((t) => t.stop());
      recorder.current = null;
      void process(new Blob(chunks, { type: r.mimeType }));
    };
    r.onstart = () => {
      const since = Date.now();
      setNow(since);
      setState({ step: "recording", since });
    };
    r.start();
  }

  function stop() {
    pressedAt.current = null;
    if (recorder.current?.state === "recording") {
      setState({ step: "processing" });
      recorder.current.stop();
    }
  }

  async function process(blob: Blob) {
    try {
      const trimmed = await trimSilence(await decodeMono(blob));
      if (trimmed.silent) {
        setState({ step: "error", message: t("silent") });
        return;
      }
      const wav = encodeWav(trimmed.samples);
      const url = URL.createObjectURL(wav);
      urlRef.current = url;
      setState({ step: "preview", wav, url, durationMs: trimmed.durationMs, bars: peaks(trimmed.samples, BARS), method: trimmed.method });
    } catch (err) {
      console.warn("voice note could not be processed", err);
      setState({ step: "error", message: t("processFailed") });
    }
  }

  function discard() {
    upload.current?.abort();
    upload.current = null;
    if (urlRef.current) URL.revokeObjectURL(urlRef.current);
    urlRef.current = null;
    setState({ step: "idle" });
  }

  async function send() {
    if (state.step !== "preview") return;
    const note = state;
    setState({ ...note, step: "uploading", progress: 0 });
    const handle = uploadFile(roomId, note.wav, `voice-${new Date().toISOString().replace(/[:.]/g, "-")}.wav`, {
      durationMs: note.durationMs,
      onProgress: (progress) => setState((s) => (s.step === "uploading" ? { ...s, progress } : s)),
    });
    upload.current = handle;
    try {
      const stored = await handle.done;
      upload.current = null;
      onSend(stored);
      discard();
    } catch (err) {
      upload.current = null;
      if (err instanceof DOMException && err.name === "AbortError") return;
      setState({ step: "error", message: refusal(err, t("uploadFailed")) });
    }
  }

  const busy = state.step === "starting" || state.step === "processing" || state.step === "uploading";
  const note = state.step === "preview" || state.step === "uploading" ? state : null;
  return (
    <>
      <button
        type="button"
        data-testid="voice-record"
        data-state={state.step}
        aria-pressed={recording}
        aria-label={recording ? t("stopRecording") : t("recordLabel")}
        title={recording ? t("stopRecording") : t("recordTitle")}
        disabled={busy || !!note}
        onPointerDown={(e) => {
          if (e.button !== 0) return;
          if (state.step === "recording") return stop();
          if (state.step === "idle" || state.step === "error") {
            // The release ends a hold even if the pointer has slid off the button meanwhile.
            e.currentTarget.setPointerCapture(e.pointerId);
            pressedAt.current = Date.now();
            void start();
          }
        }}
        onPointerUp={() => {
          // Held long enough: releasing ends the note. A quick click keeps recording until the next one.
          if (pressedAt.current !== null && Date.now() - pressedAt.current >= HOLD_MS) stop();
          pressedAt.current = null;
        }}
        onClick={(e) => {
          // Keyboard activation (no pointer): toggle.
          if (e.detail !== 0) return;
          if (state.step === "recording") stop();
          else if (state.step === "idle" || state.step === "error") void start();
        }}
        className={`rounded-md px-1.5 py-1 text-base hover:bg-slate-100 disabled:opacity-40 ${recording ? "bg-rose-100 text-rose-700" : "text-slate-600"}`}
      >
        🎤
      </button>
      {state.step !== "idle" && (
        <div data-testid="voice-panel" className="absolute bottom-full right-0 z-20 mb-2 w-80 rounded-lg border border-slate-200 bg-white p-3 text-sm text-slate-800 shadow-lg">
          {state.step === "starting" && <p>{t("starting")}</p>}
          {state.step === "recording" && (
            <div className="flex items-center gap-2">
              <span aria-hidden className="h-2.5 w-2.5 animate-pulse rounded-full bg-rose-600" />
              <span role="status">
                {t.rich("recording", { elapsed: formatDuration(now - state.since), time: (chunks) => <span data-testid="voice-elapsed">{chunks}</span> })}
              </span>
              <button type="button" data-testid="voice-stop" onClick={stop} className="ml-auto rounded-md bg-rose-600 px-2 py-1 text-xs font-semibold text-white hover:bg-rose-500">
                {t("stop")}
              </button>
            </div>
          )}
          {state.step === "processing" && <p role="status">{t("processing")}</p>}
          {note && (
            <div data-testid="voice-preview" data-trim={note.method} data-duration-ms={note.durationMs} className="flex flex-col gap-2">
              <Waveform bars={note.bars} />
              <div className="flex items-center gap-2">
                <span data-testid="voice-duration" className="text-xs text-slate-600">
                  {formatDuration(note.durationMs)}
                </span>
                <audio src={note.url} controls className="h-8 min-w-0 flex-1" aria-label={t("preview")} />
              </div>
              {state.step === "uploading" ? (
                <div
                  role="progressbar"
                  aria-label={t("uploading")}
                  aria-valuemin={0}
                  aria-valuemax={100}
                  aria-valuenow={Math.round(state.progress * 100)}
                  className="h-1.5 overflow-hidden rounded bg-slate-200"
                >
                  <div className="h-full bg-indigo-600" style={{ width: `${Math.round(state.progress * 100)}%` }} />
                </div>
              ) : null}
              <div className="flex justify-end gap-2">
                <button type="button" data-testid="voice-discard" onClick={discard} className="rounded-md border border-slate-300 px-2 py-1 text-xs font-medium text-slate-700 hover:bg-slate-100">
                  {t("discard")}
                </button>
                <button
                  type="button"
                  data-testid="voice-send"
                  disabled={state.step === "uploading"}
                  onClick={() => void send()}
                  className="rounded-md bg-indigo-600 px-2 py-1 text-xs font-semibold text-white hover:bg-indigo-500 disabled:opacity-40"
                >
                  {t("send")}
                </button>
              </div>
            </div>
          )}
          {state.step === "error" && (
            <div className="flex items-start gap-2">
              <p role="alert" data-testid="voice-error" className="flex-1 text-rose-700">
                {state.message}
              </p>
              <button type="button" onClick={() => setState({ step: "idle" })} aria-label={t("dismiss")} className="rounded px-1 text-slate-600 hover:bg-slate-100">
                ✕
              </button>
            </div>
          )}
        </div>
      )}
    </>
  );
}

/** The note's loudness over time, drawn before it is sent. */
export function Waveform({ bars }: { bars: readonly number[] }) {
  const t = useTranslations("files.voice");
  const width = bars.length * 4;
  return (
    <svg data-testid="voice-waveform" viewBox={`0 0 ${width} 32`} preserveAspectRatio="none" className="h-8 w-full text-indigo-600" role="img" aria-label={t("waveform")}>
      {bars.map((p, i) => {
        const h = Math.max(2, p * 30);
        return <rect key={i} x={i * 4} y={(32 - h) / 2} width={3} height={h} rx={1} fill="currentColor" />;
      })}
    </svg>
  );
}
