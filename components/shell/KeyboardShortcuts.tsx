"use client";
import { useTranslations } from "next-intl";
import { useRouter } from "next/navigation";
import { useEffect, useId, useRef, useState } from "react";
import { focusMessageList } from "@/components/room/useMessageKeyboard";

/** Every shortcut of the app, in the order the `?` dialog lists them (keys and words in `shell.shortcuts.list`). */
export const SHORTCUTS = ["switcher", "rooms", "unread", "messages", "ends", "actions", "escape", "editLast", "send", "help"] as const;

/** The sidebar's room links (my rooms, then direct messages), in the order shown. */
const ROOM_LINKS = '[data-testid="room-link"], [data-testid="dm-link"]';

/** Whether a key press is going into a text field (shortcuts made of plain characters must not fire there). */
function typingInto(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) return false;
  return target.isContentEditable || target.matches("input, textarea, select");
}

/** The room `step` links away from the current one (wrapping), optionally only rooms with unread messages. */
function roomHref(step: 1 | -1, unreadOnly: boolean): string | null {
  const links = [...document.querySelectorAll<HTMLAnchorElement>(ROOM_LINKS)];
  if (links.length === 0) return null;
  const at = links.findIndex((l) => l.getAttribute("aria-current") === "page");
  for (let i = 1; i <= links.length; i++) {
    const link = links[(((at === -1 && step === -1 ? 0 : at) + step * i) % links.length + links.length) % links.length]!;
    if (link.getAttribute("aria-current") === "page") continue;
    if (unreadOnly && !link.querySelector('[data-testid="unread-count"], [data-testid="mention-count"]')) continue;
    return link.getAttribute("href");
  }
  return null;
}

/**
 * App-wide shortcuts (Alt+↑/↓ between rooms, Alt+Shift+↑/↓ to unread rooms, `?` for help; Ctrl/Cmd+K
 * lives with the search button), and the skip links at the top of the page.
 */
export function KeyboardShortcuts() {
  const t = useTranslations("shell.shortcuts");
  const router = useRouter();
  const [help, setHelp] = useState(false);
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.defaultPrevented) return;
      if (e.altKey && !e.ctrlKey && !e.metaKey && (e.key === "ArrowUp" || e.key === "ArrowDown")) {
        const href = roomHref(e.key === "ArrowDown" ? 1 : -1, e.shiftKey);
        e.preventDefault();
        if (href) router.push(href);
        return;
      }
      if (e.key === "?" && !e.ctrlKey && !e.metaKey && !e.altKey && !typingInto(e.target)) {
        e.preventDefault();
        setHelp(true);
      }
    };
    window.addEventListener("keydown", onKey);
    return () => window.removeEventListener("keydown", onKey);
  }, [router]);

  return (
    <>
      <div className="sr-only focus-within:not-sr-only focus-within:fixed focus-within:top-2 focus-within:left-2 focus-within:z-50 focus-within:flex focus-within:gap-2">
        <a
          href="#message-composer"
          data-testid="skip-to-composer"
          onClick={(e) => {
            e.preventDefault();
            document.getElementById("message-composer")?.focus();
          }}
          className="rounded-md bg-indigo-700 px-3 py-2 text-sm font-semibold text-white shadow-lg"
        >
          {t("skipToComposer")}
        </a>
        <a
          href="#messages"
          data-testid="skip-to-messages"
          onClick={(e) => {
            e.preventDefault();
            focusMessageList();
          }}
          className="rounded-md bg-indigo-700 px-3 py-2 text-sm font-semibold text-white shadow-lg"
        >
          {t("skipToMessages")}
        </a>
      </div>
      {help && <ShortcutHelp onClose={() => setHelp(false)} />}
    </>
  );
}

function ShortcutHelp({ onClose }: { onClose: () => void }) {
  const t = useTranslations("shell.shortcuts");
  const common = useTranslations("common");
  const titleId = useId();
  const close = useRef<HTMLButtonElement>(null);
  useEffect(() => {
    const opener = document.activeElement instanceof HTMLElement ? document.activeElement : null;
    close.current?.focus();
    return () => opener?.focus();
  }, []);
  return (
    <div
      className="fixed inset-0 z-50 flex items-start justify-center bg-slate-900/40 px-4 pt-[10vh]"
      onMouseDown={(e) => {
        if (e.target === e.currentTarget) onClose();
      }}
    >
      <div
        role="dialog"
        aria-modal="true"
        aria-labelledby={titleId}
        data-testid="shortcut-help"
        onKeyDown={(e) => {
          if (e.key === "Escape") {
            e.stopPropagation();
            onClose();
          }
        }}
        className="w-full max-w-lg rounded-lg bg-white p-5 shadow-2xl"
      >
        <div className="mb-3 flex items-center justify-between">
          <h2 id={titleId} className="text-base font-semibold text-slate-900">
            {t("title")}
          </h2>
          <button ref={close} type="button" data-testid="shortcut-help-close" onClick={onClose} aria-label={common("close")} className="rounded px-2 py-1 text-slate-600 hover:bg-slate-100">
            ✕
          </button>
        </div>
        <dl className="grid grid-cols-[auto_1fr] gap-x-4 gap-y-2 text-sm">
          {SHORTCUTS.map((s) => (
            <div key={s} className="contents" data-testid="shortcut">
              <dt className="font-mono text-xs whitespace-nowrap text-slate-800">{t(`list.${s}.keys`)}</dt>
              <dd className="text-slate-700">{t(`list.${s}.what`)}</dd>
            </div>
          ))}
        </dl>
      </div>
    </div>
  );
}
