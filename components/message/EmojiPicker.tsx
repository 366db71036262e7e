"use client";
import { EmojiPicker as Picker } from "frimousse";
import { useLocale, useTranslations } from "next-intl";
import { useEffect, useRef } from "react";

/** Where the picker loads Emojibase data: our own origin (app/emojibase), never a CDN. */
export const EMOJIBASE_URL = "/emojibase";

/**
 * The full emoji picker (frimousse) in a popover: search, categories, keyboard navigation.
 * Closes on Escape and on a click outside it; `onPick` gets the emoji character.
 */
export function EmojiPicker({ onPick, onClose, className, testId = "emoji-picker" }: { onPick: (emoji: string) => void; onClose: () => void; className?: string; testId?: string }) {
  const t = useTranslations("message.emojiPicker");
  const locale = useLocale();
  const box = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const outside = (e: PointerEvent) => {
      if (box.current && e.target instanceof Node && !box.current.contains(e.target)) onClose();
    };
    document.addEventListener("pointerdown", outside);
    return () => document.removeEventListener("pointerdown", outside);
  }, [onClose]);

  return (
    <div ref={box} className={`z-30 rounded-lg border border-slate-200 bg-white shadow-lg ${className ?? ""}`}>
      <Picker.Root
        data-testid={testId}
        emojibaseUrl={EMOJIBASE_URL}
        // Emoji names and categories in the reader's language (app/emojibase serves en and de).
        locale={locale}
        columns={8}
        onEmojiSelect={({ emoji }) => onPick(emoji)}
        onKeyDown={(e) => {
          if (e.key === "Escape") {
            e.stopPropagation();
            onClose();
          }
        }}
        className="isolate flex h-80 w-[18.5rem] flex-col"
      >
        <Picker.Search data-testid={`${testId}-search`} autoFocus placeholder={t("searchPlaceholder")} aria-label={t("search")} className="z-10 mx-2 mt-2 appearance-none rounded-md border border-slate-200 bg-slate-50 px-2.5 py-1.5 text-sm focus:outline-none focus:ring-1 focus:ring-indigo-500" />
        <Picker.Viewport className="relative flex-1 outline-none">
          <Picker.Loading className="absolute inset-0 flex items-center justify-center text-sm text-slate-600">{t("loading")}</Picker.Loading>
          <Picker.Empty className="absolute inset-0 flex items-center justify-center text-sm text-slate-600">{t("empty")}</Picker.Empty>
          <Picker.List
            className="select-none pb-1.5"
            components={{
              CategoryHeader: ({ category, ...props }) => (
                <div {...props} className="bg-white px-3 pt-2 pb-1 text-xs font-medium text-slate-600">
                  {category.label}
                </div>
              ),
              Row: ({ children, ...props }) => (
                <div {...props} className="scroll-my-1.5 px-1.5">
                  {children}
                </div>
              ),
              Emoji: ({ emoji, ...props }) => (
                <button {...props} type="button" data-testid="emoji-option" aria-label={emoji.label} className="flex size-8 items-center justify-center rounded-md text-lg data-[active]:bg-slate-100">
                  {emoji.emoji}
                </button>
              ),
            }}
          />
        </Picker.Viewport>
      </Picker.Root>
    </div>
  );
}
