"use client";
/**
 * The composer's pending files: each one starts uploading as soon as it is picked, dropped or
 * pasted, shows its progress, can be cancelled (the request is aborted) and, once stored, is
 * sent as one of the message's `attachments`. Uploads go over HTTP, so the message itself can
 * still wait in the outbox offline: it names upload ids that are already on the server.
 */
import { useTranslations } from "next-intl";
import { useCallback, useEffect, useLayoutEffect, useRef, useState } from "react";
import { MAX_ATTACHMENTS, type Attachment } from "@/protocol";
import { uploadFile, type UploadHandle } from "@/lib/files/upload";
import { useFileText } from "./useFileText";

export interface TrayItem {
  key: string;
  name: string;
  size: number;
  /** 0..1 while uploading. */
  progress: number;
  state: "uploading" | "done" | "error";
  error?: string;
  upload?: Attachment;
  /** A local preview for images (an object URL, revoked when the item goes). */
  preview?: string;
}

export interface Uploads {
  items: readonly TrayItem[];
  /** Uploads that finished, in the order they were added. */
  ready: readonly Attachment[];
  /** Something is still uploading: sending waits for it. */
  busy: boolean;
  /** A notice about the tray as a whole (too many files). */
  notice: string | null;
  add: (files: Iterable<File>) => void;
  /** Aborts an upload in flight, or drops a finished or failed one. */
  remove: (key: string) => void;
  /** After a send: the tray empties (the uploads now belong to the message). */
  clear: () => void;
}

export function useUploads(roomId: string): Uploads {
  const t = useTranslations("files.tray");
  const { refusal } = useFileText();
  const [items, setItems] = useState<TrayItem[]>([]);
  const [notice, setNotice] = useState<string | null>(null);
  const handles = useRef(new Map<string, UploadHandle>());
  const count = useRef(0);

  const patch = useCallback((key: string, change: Partial<TrayItem>) => setItems((list) => list.map((i) => (i.key === key ? { ...i, ...change } : i))), []);

  const drop = useCallback((list: readonly TrayItem[]) => {
    for (const item of list) {
      handles.current.get(item.key)?.abort();
      handles.current.delete(item.key);
      if (item.preview) URL.revokeObjectURL(item.preview);
    }
  }, []);

  // A room switch or unmount abandons what was picked for the room it was picked in.
  const itemsRef = useRef(items);
  useLayoutEffect(() => {
    itemsRef.current = items;
  });
  useEffect(
    () => () => {
      drop(itemsRef.current);
      setItems([]);
      setNotice(null);
    },
    [roomId, drop],
  );

  const add = useCallback(
    (files: Iterable<File>) => {
      const picked = [...files];
      if (picked.length === 0) return;
      const room = roomId;
      const free = MAX_ATTACHMENTS - itemsRef.current.length;
      setNotice(picked.length > free ? t("tooMany", { max: MAX_ATTACHMENTS, count: picked.length - Math.max(free, 0) }) : null);
      const accepted = picked.slice(0, Math.max(free, 0));
      const added: TrayItem[] = accepted.map((file) => ({
        key: `u${++count.current}`,
        name: file.name || (file.type.startsWith("image/") ? "pasted-image.png" : "file"),
        size: file.size,
        progress: 0,
        state: "uploading",
        preview: file.type.startsWith("image/") ? URL.createObjectURL(file) : undefined,
      }));
      setItems((list) => [...list, ...added]);
      added.forEach((item, i) => {
        const handle = uploadFile(room, accepted[i]!, item.name, { onProgress: (progress) => patch(item.key, { progress }) });
        handles.current.set(item.key, handle);
        handle.done.then(
          (upload) => {
            handles.current.delete(item.key);
            patch(item.key, { state: "done", progress: 1, upload });
          },
          (err: unknown) => {
            handles.current.delete(item.key);
            if (err instanceof DOMException && err.name === "AbortError") return;
            patch(item.key, { state: "error", error: refusal(err, t("failed")) });
          },
        );
      });
    },
    [roomId, patch, t, refusal],
  );

  const remove = useCallback(
    (key: string) => {
      const item = itemsRef.current.find((i) => i.key === key);
      if (item) drop([item]);
      setItems((list) => list.filter((i) => i.key !== key));
      setNotice(null);
    },
    [drop],
  );

  // Sending waits while anything uploads, so nothing is in flight here.
  const clear = useCallback(() => {
    drop(itemsRef.current);
    setItems([]);
    setNotice(null);
  }, [drop]);

  const ready = items.flatMap((i) => (i.state === "done" && i.upload ? [i.upload] : []));
  return { items, ready, busy: items.some((i) => i.state === "uploading"), notice, add, remove, clear };
}
