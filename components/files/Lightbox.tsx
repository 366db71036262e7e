"use client";
/**
 * An image at full size over the page. Escape closes; Left and Right go through the images
 * it was opened among; Tab stays inside; focus goes back to the thumbnail that opened it.
 */
import { useTranslations } from "next-intl";
import { useEffect, useRef, type KeyboardEvent } from "react";
import { createPortal } from "react-dom";
import type { Attachment } from "@/protocol";

export function Lightbox({ images, index, onIndex, onClose }: { images: readonly Attachment[]; index: number; onIndex: (i: number) => void; onClose: () => void }) {
  const t = useTranslations("files.lightbox");
  const dialog = useRef<HTMLDivElement>(null);
  const closeButton = useRef<HTMLButtonElement>(null);
  const image = images[index];

  useEffect(() => {
    const opener = document.activeElement instanceof HTMLElement ? document.activeElement : null;
    closeButton.current?.focus();
    return () => opener?.focus();
  }, []);

  if (!image) return null;
  const go = (step: number) => onIndex((index + step + images.length) % images.length);

  function onKeyDown(e: KeyboardEvent<HTMLDivElement>) {
    if (e.key === "Escape") {
      e.preventDefault();
      e.stopPropagation();
      onClose();
    } else if (e.key === "ArrowRight" && images.length > 1) {
      e.preventDefault();
      go(1);
    } else if (e.key === "ArrowLeft" && images.length > 1) {
      e.preventDefault();
      go(-1);
    } else if (e.key === "Tab") {
      const focusable = Array.from(dialog.current?.querySelectorAll<HTMLElement>("button, a[href]") ?? []);
      if (focusable.length === 0) return;
      const first = focusable[0]!;
      const last = focusable[focusable.length - 1]!;
      if (e.shiftKey && document.activeElement === first) {
        e.preventDefault();
        last.focus();
      } else if (!e.shiftKey && document.activeElement === last) {
        e.preventDefault();
        first.focus();
      }
    }
  }

  return createPortal(
    <div
      ref={dialog}
      role="dialog"
      aria-modal="true"
      aria-label={t("label", { position: index + 1, total: images.length, name: image.name })}
      data-testid="lightbox"
      data-index={index}
      tabIndex={-1}
      onKeyDown={onKeyDown}
      onClick={(e) => {
        if (e.target === e.currentTarget) onClose();
      }}
      className="fixed inset-0 z-50 flex flex-col items-center justify-center gap-3 bg-slate-900/90 p-6"
    >
      <div className="flex w-full max-w-5xl items-center gap-3 text-sm text-white">
        <span data-testid="lightbox-caption" className="min-w-0 flex-1 truncate">
          {t("caption", { name: image.name, position: index + 1, total: images.length })}
        </span>
        <a href={image.url} download={image.name} className="rounded-md border border-white/50 px-2 py-1 text-xs font-medium hover:bg-white/10">
          {t("download")}
        </a>
        <button ref={closeButton} type="button" data-testid="lightbox-close" onClick={onClose} aria-label={t("close")} className="rounded-md px-2 py-1 text-lg hover:bg-white/10">
          ✕
        </button>
      </div>
      <div className="flex min-h-0 w-full max-w-5xl flex-1 items-center justify-center gap-3">
        {images.length > 1 && (
          <button type="button" data-testid="lightbox-prev" onClick={() => go(-1)} aria-label={t("previous")} className="rounded-full px-3 py-2 text-2xl text-white hover:bg-white/10">
            ‹
          </button>
        )}
        {/* eslint-disable-next-line @next/next/no-img-element -- an authorized same-origin download, not an optimizable asset */}
        <img
          data-testid="lightbox-image"
          src={image.url}
          alt={image.name}
          width={image.width}
          height={image.height}
          className="max-h-full min-h-0 max-w-full object-contain"
        />
        {images.length > 1 && (
          <button type="button" data-testid="lightbox-next" onClick={() => go(1)} aria-label={t("next")} className="rounded-full px-3 py-2 text-2xl text-white hover:bg-white/10">
            ›
          </button>
        )}
      </div>
    </div>,
    document.body,
  );
}
