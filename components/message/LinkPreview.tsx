"use client";
import { useTranslations } from "next-intl";
import { useState } from "react";
import { useErrorMessage } from "@/hooks/useErrorMessage";
import { ApiError, apiFetch } from "@/lib/api";
import type { LinkPreview as Preview } from "@/protocol";

/** Removes the preview from the viewer's own message; the room (this tab too) gets `message_updated`. */
export async function removeLinkPreview(room: string, message: string): Promise<void> {
  await apiFetch(`/api/rooms/${encodeURIComponent(room)}/messages/${encodeURIComponent(message)}/preview`, { method: "DELETE" });
}

const isWebUrl = (url: string) => /^https?:\/\//i.test(url);

/**
 * The card under a message whose first link the server previewed: site name, the title as a
 * link (new tab, no referrer, no follow), the description clamped to three lines. Text only:
 * the server never passes on a page's image, so nothing here loads from a third party.
 */
export function LinkPreview({ preview, onRemove }: { preview: Preview; onRemove?: () => Promise<void> }) {
  const t = useTranslations("message.linkPreview");
  const errorMessage = useErrorMessage();
  const [error, setError] = useState<string | null>(null);
  const [removing, setRemoving] = useState(false);
  if (!isWebUrl(preview.url)) return null;
  const remove = async () => {
    if (!onRemove) return;
    setRemoving(true);
    setError(null);
    try {
      await onRemove();
    } catch (err) {
      setError(err instanceof ApiError ? errorMessage(err) : t("removeFailed"));
    } finally {
      setRemoving(false);
    }
  };
  return (
    <div data-testid="link-preview" className="relative mt-1 max-w-lg rounded-md border border-slate-200 border-l-4 border-l-indigo-300 bg-slate-50 py-2 pr-8 pl-3">
      {preview.site_name && (
        <p data-testid="link-preview-site" className="text-[11px] font-medium uppercase tracking-wide text-slate-600">
          {preview.site_name}
        </p>
      )}
      <a
        data-testid="link-preview-title"
        href={preview.url}
        target="_blank"
        rel="noopener noreferrer nofollow"
        className="block break-words text-sm font-semibold text-indigo-700 hover:underline"
      >
        {preview.title}
      </a>
      {preview.description && (
        <p data-testid="link-preview-description" className="mt-0.5 line-clamp-3 break-words text-xs leading-5 text-slate-700">
          {preview.description}
        </p>
      )}
      {onRemove && (
        <button
          type="button"
          data-testid="link-preview-remove"
          aria-label={t("remove")}
          title={t("remove")}
          disabled={removing}
          onClick={() => void remove()}
          className="absolute top-1 right-1 rounded px-1.5 text-sm leading-5 text-slate-600 hover:bg-slate-200 hover:text-slate-800 disabled:opacity-50"
        >
          ×
        </button>
      )}
      {error && (
        <p role="alert" className="mt-1 text-[11px] text-rose-700">
          {error}
        </p>
      )}
    </div>
  );
}
