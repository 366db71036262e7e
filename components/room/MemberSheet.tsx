"use client";
import { useTranslations } from "next-intl";
import { useEffect, useId, useRef, type ReactNode } from "react";

/**
 * The member list on screens too narrow for the side column: a modal sheet from the right, so
 * DM, block and group actions work from a phone. Escape or the backdrop closes it.
 */
export function MemberSheet({ onClose, children }: { onClose: () => void; children: ReactNode }) {
  const t = useTranslations("room.members");
  const titleId = useId();
  const closeButton = useRef<HTMLButtonElement>(null);
  useEffect(() => {
    const opener = document.activeElement instanceof HTMLElement ? document.activeElement : null;
    closeButton.current?.focus();
    return () => opener?.focus();
  }, []);
  return (
    <div className="fixed inset-0 z-40 flex justify-end lg:hidden">
      <div className="absolute inset-0 bg-slate-900/40" aria-hidden onClick={onClose} />
      <div
        role="dialog"
        aria-modal="true"
        aria-labelledby={titleId}
        data-testid="member-sheet"
        onKeyDown={(e) => {
          if (e.key === "Escape") {
            e.stopPropagation();
            onClose();
          }
        }}
        className="relative flex h-full w-[85vw] max-w-xs flex-col bg-slate-50 shadow-2xl"
      >
        <div className="flex items-center justify-between border-b border-slate-200 px-4 py-3">
          <h2 id={titleId} className="text-sm font-semibold text-slate-900">
            {t("label")}
          </h2>
          <button ref={closeButton} type="button" data-testid="member-sheet-close" onClick={onClose} aria-label={t("sheetClose")} className="rounded px-2 py-1 text-slate-600 hover:bg-slate-200">
            ✕
          </button>
        </div>
        <div className="flex min-h-0 flex-1 [&>aside]:w-full [&>aside]:border-l-0">{children}</div>
      </div>
    </div>
  );
}
