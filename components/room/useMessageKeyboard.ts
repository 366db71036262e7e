"use client";
import { useEffect, useRef, type RefObject } from "react";

/** Every message row the list renders (chat and system lines) carries its id in this attribute. */
export const MESSAGE_ROW = "[data-message-id]";
/** The button in a row that opens its actions menu; the keyboard opens the menu through it. */
export const MESSAGE_MENU_BUTTON = '[data-testid="message-more"]';

export type RowTarget = "previous" | "next" | "first" | "last";

export interface MessageKeyboardOptions {
  /**
   * Asks the list to mount the row next to `from` (or the first/last loaded one) when it is not
   * in the DOM, e.g. by scrolling a virtualized list. The hook looks for it again on the
   * following frames.
   */
  reveal?: (from: string | null, target: RowTarget) => void;
}

/** Frames to wait for a row the list was asked to reveal (a virtualized list mounts it on scroll). */
const REVEAL_FRAMES = 30;

function rowsIn(container: HTMLElement): HTMLElement[] {
  return [...container.querySelectorAll<HTMLElement>(MESSAGE_ROW)];
}

/**
 * Roving tabindex over the message rows inside `container`: one row is in the Tab order (the
 * last one focused, else the newest), Up/Down/Home/End move between rows, and Enter,
 * Shift+F10 or the context-menu key open the focused row's actions menu.
 *
 * It works on the DOM rather than on the message array so rows can mount and unmount under it
 * (a virtualized list): tabindex is reapplied whenever rows change.
 */
export function useMessageKeyboard(container: RefObject<HTMLElement | null>, options: MessageKeyboardOptions = {}): void {
  const active = useRef<string | null>(null);
  const reveal = useRef(options.reveal);
  useEffect(() => {
    reveal.current = options.reveal;
  });

  useEffect(() => {
    const el = container.current;
    if (!el) return;

    const apply = () => {
      const rows = rowsIn(el);
      if (rows.length === 0) return;
      const current = (active.current ? rows.find((r) => r.dataset.messageId === active.current) : undefined) ?? rows.at(-1)!;
      for (const row of rows) {
        const want = row === current ? "0" : "-1";
        if (row.getAttribute("tabindex") !== want) row.setAttribute("tabindex", want);
      }
    };

    const focusRow = (row: HTMLElement) => {
      active.current = row.dataset.messageId ?? null;
      apply();
      row.focus({ preventScroll: true });
      row.scrollIntoView({ block: "nearest" });
    };

    const pick = (rows: HTMLElement[], from: HTMLElement, target: RowTarget): HTMLElement | undefined => {
      const at = rows.indexOf(from);
      if (target === "first") return rows[0];
      if (target === "last") return rows.at(-1);
      return rows[target === "next" ? at + 1 : at - 1];
    };

    // Each key press supersedes the ones before: a reveal still waiting for its row gives up, so
    // keys pressed faster than rows mount are applied in order, from where focus is now.
    let presses = 0;
    const move = (from: HTMLElement, target: RowTarget) => {
      const press = ++presses;
      const found = pick(rowsIn(el), from, target);
      // Home/End always ask as well: the first or last loaded message may not be mounted.
      const edge = target === "first" || target === "last";
      if (found && found !== from && !edge) return focusRow(found);
      // The edge row as mounted now, at once (the next key moves from it); the loaded edge follows.
      if (edge && found) focusRow(found);
      if (!reveal.current) return found && focusRow(found);
      const fromId = from.dataset.messageId ?? null;
      reveal.current(fromId, target);
      let frames = 0;
      const retry = () => {
        if (press !== presses) return;
        const rows = rowsIn(el);
        const anchor = rows.find((r) => r.dataset.messageId === fromId) ?? from;
        const next = pick(rows, anchor, target);
        if (next && (next !== anchor || edge)) focusRow(next);
        else if (++frames < REVEAL_FRAMES) requestAnimationFrame(retry);
      };
      requestAnimationFrame(retry);
    };

    const onKeyDown = (e: KeyboardEvent) => {
      const row = e.target instanceof HTMLElement && e.target.matches(MESSAGE_ROW) ? e.target : null;
      if (!row) return;
      const plain = !e.altKey && !e.ctrlKey && !e.metaKey;
      let target: RowTarget | null = null;
      if (plain && !e.shiftKey && e.key === "ArrowUp") target = "previous";
      else if (plain && !e.shiftKey && e.key === "ArrowDown") target = "next";
      else if (plain && !e.shiftKey && e.key === "Home") target = "first";
      else if (plain && !e.shiftKey && e.key === "End") target = "last";
      if (target) {
        e.preventDefault();
        move(row, target);
        return;
      }
      const opensMenu = (plain && !e.shiftKey && e.key === "Enter") || (plain && e.shiftKey && e.key === "F10") || e.key === "ContextMenu";
      if (opensMenu) {
        const button = row.querySelector<HTMLElement>(MESSAGE_MENU_BUTTON);
        if (!button) return;
        e.preventDefault();
        button.click();
      }
    };

    const onFocusIn = (e: FocusEvent) => {
      const row = e.target instanceof HTMLElement ? e.target.closest<HTMLElement>(MESSAGE_ROW) : null;
      if (!row || !el.contains(row) || row.dataset.messageId === active.current) return;
      active.current = row.dataset.messageId ?? null;
      apply();
    };

    apply();
    const observer = new MutationObserver(apply);
    observer.observe(el, { childList: true, subtree: true });
    el.addEventListener("keydown", onKeyDown);
    el.addEventListener("focusin", onFocusIn);
    return () => {
      observer.disconnect();
      el.removeEventListener("keydown", onKeyDown);
      el.removeEventListener("focusin", onFocusIn);
    };
  }, [container]);
}

/** Focuses the message list's tabbable row (the skip link and the help dialog use it); false when the list is empty. */
export function focusMessageList(): boolean {
  const row = document.querySelector<HTMLElement>(`${MESSAGE_ROW}[tabindex="0"]`);
  if (!row) return false;
  row.focus();
  return true;
}
