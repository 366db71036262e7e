"use client";
import { useTranslations } from "next-intl";
import { useState } from "react";
import { normalizeEmoji } from "@/lib/emoji/shortcodes";
import { EmojiPicker } from "./EmojiPicker";

/** The composer's "editing your message" bar (Up arrow in an empty composer opens it). */
export function EditingBanner({ onCancel }: { onCancel: () => void }) {
  const t = useTranslations("message.composer");
  return (
    <div data-testid="composer-editing" className="mb-2 flex items-center gap-2 rounded-md border-l-2 border-amber-400 bg-amber-50 px-3 py-1.5 text-xs text-amber-900">
      <span className="min-w-0 flex-1 truncate">{t("editing")}</span>
      <button type="button" data-testid="composer-edit-cancel" onClick={onCancel} aria-label={t("cancelEdit")} className="rounded px-1 text-amber-700 hover:bg-amber-100">
        ✕
      </button>
    </div>
  );
}

/** The composer's emoji button and its picker, opening above the input. */
export function ComposerEmojiButton({ onPick, disabled }: { onPick: (emoji: string) => void; disabled?: boolean }) {
  const t = useTranslations("message.composer");
  const [open, setOpen] = useState(false);
  return (
    <span className="relative self-end">
      <button
        type="button"
        data-testid="composer-emoji-open"
        aria-label={t("insertEmoji")}
        aria-expanded={open}
        disabled={disabled}
        onClick={() => setOpen((v) => !v)}
        // The picker closes on any pointer down outside it: this button toggles instead.
        onPointerDown={(e) => e.stopPropagation()}
        className="rounded-md px-1.5 py-1 text-lg leading-6 text-slate-600 hover:bg-slate-100 disabled:opacity-40"
      >
        ☺
      </button>
      {open && (
        <EmojiPicker
          className="absolute right-0 bottom-full mb-2"
          onClose={() => setOpen(false)}
          onPick={(emoji) => {
            onPick(normalizeEmoji(emoji));
            setOpen(false);
          }}
        />
      )}
    </span>
  );
}
