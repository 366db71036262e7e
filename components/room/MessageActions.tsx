"use client";
import { useTranslations } from "next-intl";
import { useEffect, useRef, useSyncExternalStore, type PointerEvent as ReactPointerEvent } from "react";
import { createPortal } from "react-dom";
import type { RoomTranslator } from "./i18n";

/** A press held this long on a touch screen opens the message's actions. */
export const LONG_PRESS_MS = 500;
/** A finger that moves further than this is scrolling, not pressing. */
const LONG_PRESS_SLOP_PX = 10;

export interface MenuItem {
  key: string;
  label: string;
  /** Shown instead of the label (emoji); the label stays the accessible name. */
  glyph?: string;
  testId?: string;
  danger?: boolean;
  onSelect: () => void;
}

/**
 * A message's actions as an ARIA menu: focus starts on the first item, arrows, Home and End
 * move, Escape (or Tab) closes and gives focus back to the message. On phones (`sheet`) it is a
 * bottom sheet over a backdrop; elsewhere a dropdown at the row's top right.
 */
export function MessageActionsMenu({ items, reactions, sheet, onClose }: { items: readonly MenuItem[]; reactions: readonly MenuItem[]; sheet: boolean; onClose: (restoreFocus: boolean) => void }) {
  const t = useTranslations("room.actions");
  const menu = useRef<HTMLDivElement>(null);
  const close = useRef(onClose);
  useEffect(() => {
    close.current = onClose;
  });

  const menuItems = () => [...(menu.current?.querySelectorAll<HTMLElement>('[role="menuitem"]') ?? [])];

  useEffect(() => {
    menuItems()[0]?.focus();
    const outside = (e: PointerEvent) => {
      if (menu.current && e.target instanceof Node && !menu.current.contains(e.target)) close.current(false);
    };
    document.addEventListener("pointerdown", outside, true);
    return () => document.removeEventListener("pointerdown", outside, true);
  }, []);

  const onKeyDown = (e: React.KeyboardEvent) => {
    const all = menuItems();
    const at = all.indexOf(document.activeElement as HTMLElement);
    let next: number | null = null;
    if (e.key === "ArrowDown" || e.key === "ArrowRight") next = (at + 1) % all.length;
    else if (e.key === "ArrowUp" || e.key === "ArrowLeft") next = (at - 1 + all.length) % all.length;
    else if (e.key === "Home") next = 0;
    else if (e.key === "End") next = all.length - 1;
    else if (e.key === "Escape") {
      e.preventDefault();
      e.stopPropagation();
      onClose(true);
      return;
    } else if (e.key === "Tab") {
      onClose(false);
      return;
    }
    if (next !== null) {
      e.preventDefault();
      e.stopPropagation();
      all[next]?.focus();
    }
  };

  const itemClass = (danger?: boolean) =>
    `block w-full rounded px-3 py-2 text-left text-sm focus:outline-none ${danger ? "text-rose-700 hover:bg-rose-50 focus:bg-rose-50" : "text-slate-800 hover:bg-slate-100 focus:bg-slate-100"} sm:py-1.5`;

  const body = (
    <div
      ref={menu}
      role="menu"
      aria-label={t("menu")}
      data-testid="message-menu"
      data-sheet={sheet ? "true" : undefined}
      onKeyDown={onKeyDown}
      className={
        sheet
          ? "fixed inset-x-0 bottom-0 z-50 max-h-[70vh] overflow-y-auto rounded-t-2xl border-t border-slate-200 bg-white p-3 pb-6 shadow-2xl"
          : "absolute top-6 right-4 z-30 w-52 rounded-md border border-slate-200 bg-white p-1 shadow-lg"
      }
    >
      <div className="flex justify-between gap-1 px-1 pb-1" role="group" aria-label={t("reactions")}>
        {reactions.map((r) => (
          <button key={r.key} type="button" role="menuitem" tabIndex={-1} aria-label={r.label} data-testid={r.testId} onClick={r.onSelect} className="flex-1 rounded py-1.5 text-lg hover:bg-slate-100 focus:bg-slate-100 focus:outline-none">
            {r.glyph}
          </button>
        ))}
      </div>
      {items.map((item) => (
        <button key={item.key} type="button" role="menuitem" tabIndex={-1} data-testid={item.testId} onClick={item.onSelect} className={itemClass(item.danger)}>
          {item.label}
        </button>
      ))}
    </div>
  );
  if (!sheet) return body;
  // In the body: the message list moves its rows with a transform, and `fixed` inside a
  // transformed element is fixed to that element, so the sheet hung from the row, under the header.
  return createPortal(
    <>
      <div className="fixed inset-0 z-40 bg-slate-900/40" aria-hidden onClick={() => onClose(false)} />
      {body}
    </>,
    document.body,
  );
}

const COARSE = "(pointer: coarse)";
const subscribeCoarse = (onChange: () => void) => {
  const query = window.matchMedia(COARSE);
  query.addEventListener("change", onChange);
  return () => query.removeEventListener("change", onChange);
};

/** True on devices whose main pointer is a finger: the "⋯" button is always shown there. */
export function useCoarsePointer(): boolean {
  return useSyncExternalStore(
    subscribeCoarse,
    () => window.matchMedia(COARSE).matches,
    () => false,
  );
}

/** Phones get the menu as a bottom sheet; decided when it opens. */
export const prefersSheet = () => window.matchMedia("(max-width: 639px)").matches;

/**
 * Pointer handlers that call `onLongPress` after a touch held still for LONG_PRESS_MS. The
 * context menu the browser raises for the same press is suppressed.
 */
export function useLongPress(onLongPress: () => void, enabled: boolean) {
  const timer = useRef<ReturnType<typeof setTimeout> | null>(null);
  const start = useRef<{ x: number; y: number } | null>(null);
  const fired = useRef(false);
  const cancel = () => {
    if (timer.current) clearTimeout(timer.current);
    timer.current = null;
    start.current = null;
  };
  useEffect(() => cancel, []);
  if (!enabled) return {};
  return {
    onPointerDown: (e: ReactPointerEvent) => {
      if (e.pointerType !== "touch") return;
      cancel();
      fired.current = false;
      start.current = { x: e.clientX, y: e.clientY };
      timer.current = setTimeout(() => {
        timer.current = null;
        fired.current = true;
        onLongPress();
      }, LONG_PRESS_MS);
    },
    onPointerMove: (e: ReactPointerEvent) => {
      if (start.current && Math.hypot(e.clientX - start.current.x, e.clientY - start.current.y) > LONG_PRESS_SLOP_PX) cancel();
    },
    onPointerUp: cancel,
    onPointerCancel: cancel,
    onContextMenu: (e: React.MouseEvent) => {
      if (fired.current || timer.current) e.preventDefault();
    },
  };
}

/**
 * "alice, bob and 3 others reacted with 👍". `you`: the first name is the viewer's own word
 * ("You", `reactions.youWord`), which some languages conjugate the verb for.
 */
export function reactionLabel(t: RoomTranslator, names: readonly string[], count: number, emoji: string, you = false): string {
  const total = Math.max(count, names.length);
  // Up to three people are all named; beyond that two, and the rest counted.
  const listed = names.slice(0, total <= 3 ? 3 : 2);
  const others = total - listed.length;
  if (listed.length === 0) return t("reactions.people", { count: total, emoji });
  if (others > 0) return t(you ? "reactions.othersYou" : "reactions.others", { names: listed.join(", "), others, emoji });
  if (listed.length === 1) return you ? t("reactions.you", { emoji }) : t("reactions.one", { name: listed[0]!, emoji });
  return t(you ? "reactions.listYou" : "reactions.list", { names: listed.slice(0, -1).join(", "), last: listed.at(-1)!, emoji });
}
