"use client";
/**
 * A message's files: images as thumbnails (sized from the wire's width/height before they
 * load, so history never jumps) that open a lightbox, audio as a player, anything else as a
 * card with a download link.
 */
import { useTranslations } from "next-intl";
import { useState } from "react";
import type { Attachment, MessageKind } from "@/protocol";
import { isAudio, isImage } from "@/lib/files/upload";
import { AudioAttachment, FileCard } from "./FileCard";
import { Lightbox } from "./Lightbox";

const MAX_W = 320;
const MAX_H = 240;

/** The thumbnail's box: the image's shape within MAX_W x MAX_H (never upscaled). */
export function thumbBox(a: Pick<Attachment, "width" | "height">): { width: number; height: number } {
  if (!a.width || !a.height) return { width: MAX_W * 0.75, height: MAX_H * 0.75 };
  const scale = Math.min(1, MAX_W / a.width, MAX_H / a.height);
  return { width: Math.max(1, Math.round(a.width * scale)), height: Math.max(1, Math.round(a.height * scale)) };
}

export function Attachments({ attachments, kind }: { attachments: readonly Attachment[]; kind?: MessageKind }) {
  const t = useTranslations("files.attachments");
  const [open, setOpen] = useState<number | null>(null);
  if (attachments.length === 0) return null;
  const images = attachments.filter(isImage);
  const others = attachments.filter((a) => !isImage(a));
  return (
    <div data-testid="attachments" className="mt-1 flex flex-col gap-2">
      {images.length > 0 && (
        <div className="flex flex-wrap gap-2">
          {images.map((img, i) => {
            const box = thumbBox(img);
            return (
              <button
                key={img.id}
                type="button"
                data-testid="attachment-image"
                onClick={() => setOpen(i)}
                aria-label={t("openImage", { name: img.name })}
                className="overflow-hidden rounded-lg border border-slate-200 bg-slate-100 focus:outline-none focus-visible:ring-2 focus-visible:ring-indigo-500"
                style={{ width: box.width, height: box.height }}
              >
                {/* eslint-disable-next-line @next/next/no-img-element -- authorized same-origin thumbnails with known sizes */}
                <img src={img.thumb_url ?? img.url} alt={img.name} width={box.width} height={box.height} loading="lazy" decoding="async" className="h-full w-full object-cover" />
              </button>
            );
          })}
        </div>
      )}
      {others.map((file) =>
        isAudio(file) ? <AudioAttachment key={file.id} file={file} voice={kind === "voice"} /> : <FileCard key={file.id} file={file} />,
      )}
      {open !== null && <Lightbox images={images} index={open} onIndex={setOpen} onClose={() => setOpen(null)} />}
    </div>
  );
}
