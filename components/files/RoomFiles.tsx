"use client";
/**
 * Everything the room needs for files, built once in RoomView and handed to the composer: the
 * tray, the attach and voice buttons, paste and drag-and-drop. When the room's "File sharing"
 * setting is off (kept live by `room_updated`) the buttons are gone and drops and pastes are
 * ignored; the server refuses uploads there anyway.
 */
import { useTranslations } from "next-intl";
import { useRef, useState, type ClipboardEvent, type DragEvent, type ReactNode } from "react";
import type { Attachment } from "@/protocol";
import type { OutgoingFiles } from "@/lib/sync/outbox";
import { UploadTray } from "./UploadTray";
import { useUploads } from "./useUploads";
import { VoiceRecorder } from "./VoiceRecorder";

/** What the composer gets: pieces to place and the files ready to send. */
export interface ComposerFiles {
  tray: ReactNode;
  buttons: ReactNode;
  onPaste: (e: ClipboardEvent<HTMLTextAreaElement>) => void;
  ready: readonly Attachment[];
  busy: boolean;
  clear: () => void;
}

export interface RoomFiles {
  composer: ComposerFiles;
  /** Spread on the element files can be dropped onto. */
  dropProps: {
    onDragEnter: (e: DragEvent<HTMLElement>) => void;
    onDragOver: (e: DragEvent<HTMLElement>) => void;
    onDragLeave: (e: DragEvent<HTMLElement>) => void;
    onDrop: (e: DragEvent<HTMLElement>) => void;
  };
  /** Place inside that element (it must be `relative`). */
  dropOverlay: ReactNode;
}

const carriesFiles = (e: DragEvent<HTMLElement>) => Array.from(e.dataTransfer?.types ?? []).includes("Files");

export function useRoomFiles(roomId: string, allowed: boolean, send: (content: string, files: OutgoingFiles) => void): RoomFiles {
  const t = useTranslations("files.room");
  const uploads = useUploads(roomId);
  const input = useRef<HTMLInputElement>(null);
  const [dragging, setDragging] = useState(false);
  // dragenter/dragleave fire for every child crossed: count them to know when the pointer left.
  const depth = useRef(0);

  const buttons = allowed ? (
    <>
      <input
        ref={input}
        type="file"
        multiple
        hidden
        data-testid="attach-input"
        onChange={(e) => {
          if (e.target.files) uploads.add(e.target.files);
          e.target.value = "";
        }}
      />
      <button
        type="button"
        data-testid="attach-button"
        onClick={() => input.current?.click()}
        aria-label={t("attach")}
        title={t("attach")}
        className="rounded-md px-1.5 py-1 text-base text-slate-600 hover:bg-slate-100"
      >
        📎
      </button>
      <VoiceRecorder roomId={roomId} onSend={(upload) => send("", { attachments: [upload], kind: "voice" })} />
    </>
  ) : null;

  return {
    composer: {
      tray: <UploadTray uploads={uploads} />,
      buttons,
      onPaste: (e) => {
        if (!allowed) return;
        const files = Array.from(e.clipboardData?.files ?? []);
        if (files.length === 0) return;
        // A pasted screenshot becomes an attachment, not text.
        e.preventDefault();
        uploads.add(files);
      },
      ready: uploads.ready,
      busy: uploads.busy,
      clear: uploads.clear,
    },
    dropProps: {
      onDragEnter: (e) => {
        if (!allowed || !carriesFiles(e)) return;
        e.preventDefault();
        depth.current++;
        setDragging(true);
      },
      onDragOver: (e) => {
        if (!allowed || !carriesFiles(e)) return;
        e.preventDefault();
        e.dataTransfer.dropEffect = "copy";
      },
      onDragLeave: (e) => {
        if (!allowed || !carriesFiles(e)) return;
        depth.current = Math.max(0, depth.current - 1);
        if (depth.current === 0) setDragging(false);
      },
      onDrop: (e) => {
        depth.current = 0;
        setDragging(false);
        if (!allowed || !carriesFiles(e)) return;
        e.preventDefault();
        uploads.add(Array.from(e.dataTransfer.files));
      },
    },
    dropOverlay:
      allowed && dragging ? (
        <div
          data-testid="drop-overlay"
          aria-hidden
          className="pointer-events-none absolute inset-2 z-30 flex items-center justify-center rounded-xl border-2 border-dashed border-indigo-500 bg-white/90 text-base font-semibold text-indigo-700"
        >
          {t("drop")}
        </div>
      ) : null,
  };
}
