"use client";
import { useEffect, useLayoutEffect, useRef, useState, type RefObject } from "react";

/** Marks the "new messages" divider in the DOM, for scrolling to it. */
export const FIRST_UNREAD_ATTR = "data-first-unread";

interface Options {
  scrollerRef: RefObject<HTMLDivElement | null>;
  /** The list's "reader is at the bottom" flag, kept true to the geometry after a jump. */
  atBottomRef: RefObject<boolean>;
  loaded: boolean;
  /** Changes whenever rows are added or removed, so the divider is looked for again. */
  rows: number;
  /** The read cursor when the room was opened (null while unknown or for non-members). */
  readCursor: number | null | undefined;
  /** The room's newest seq when it was opened; a divider above a later (live) message is not landed on. */
  unreadUntil?: number | null;
  /** The newest loaded seq: once it reaches `unreadUntil` the catch-up is over. */
  lastSeq: number | undefined;
}

const dividerIn = (scroller: HTMLElement) => scroller.querySelector<HTMLElement>(`[${FIRST_UNREAD_ATTR}]`);

/** The seq of the message under the divider (the row right after it), if any. */
function dividerSeq(scroller: HTMLElement): number | null {
  const row = dividerIn(scroller)?.nextElementSibling;
  const seq = row instanceof HTMLElement ? Number(row.dataset.seq) : NaN;
  return Number.isFinite(seq) ? seq : null;
}

/** Whether the divider is rendered but scrolled out of the scroller's view. */
function dividerOutOfView(scroller: HTMLElement): boolean {
  const line = dividerIn(scroller);
  if (!line) return false;
  const view = scroller.getBoundingClientRect();
  const at = line.getBoundingClientRect();
  return at.bottom < view.top || at.top > view.bottom;
}

/** Scrolls the divider to the top of the view; returns whether that left the reader at the bottom. */
function scrollToDivider(scroller: HTMLElement): boolean | null {
  const line = dividerIn(scroller);
  if (!line) return null;
  scroller.scrollTop += line.getBoundingClientRect().top - scroller.getBoundingClientRect().top;
  return scroller.scrollHeight - scroller.scrollTop - scroller.clientHeight <= 48;
}

/**
 * Opening a room with unread messages lands on the first unread one that is loaded (the "new
 * messages" divider) instead of the bottom; while the divider is scrolled out of view,
 * `showJump` offers the way back to it.
 */
export function useFirstUnread({ scrollerRef, atBottomRef, loaded, rows, readCursor, unreadUntil, lastSeq }: Options) {
  const landedRef = useRef(false);
  const [showJump, setShowJump] = useState(false);
  const [dismissed, setDismissed] = useState(false);

  const settled = readCursor !== null && readCursor !== undefined;

  // Runs after the list's own scroll to the bottom (declared after it), in the same frame. The
  // divider may appear only once the join's replay arrives, and the replay may arrive in several
  // renders: until it has all arrived, while everything unread still fits on screen, each batch
  // lands on the divider again. Never yanks a reader out of older history or off live messages.
  useLayoutEffect(() => {
    const el = scrollerRef.current;
    if (landedRef.current || !loaded || !settled || !el) return;
    const seq = dividerSeq(el);
    if (seq === null) return;
    // Unknown at opening (a room previewed before joining): nothing was unread to land on.
    if (!atBottomRef.current || unreadUntil === null || unreadUntil === undefined || seq > unreadUntil) {
      landedRef.current = true;
      return;
    }
    const bottom = scrollToDivider(el);
    if (bottom === null) return;
    atBottomRef.current = bottom;
    if (!bottom || (lastSeq ?? 0) >= unreadUntil) landedRef.current = true;
  }, [loaded, settled, rows, scrollerRef, atBottomRef, unreadUntil, lastSeq]);

  useEffect(() => {
    const el = scrollerRef.current;
    if (!el) return;
    const update = () => setShowJump(dividerOutOfView(el));
    const frame = requestAnimationFrame(update);
    el.addEventListener("scroll", update, { passive: true });
    return () => {
      cancelAnimationFrame(frame);
      el.removeEventListener("scroll", update);
    };
  }, [scrollerRef, rows, loaded]);

  const jump = () => {
    const el = scrollerRef.current;
    const bottom = el ? scrollToDivider(el) : null;
    if (bottom !== null) atBottomRef.current = bottom;
  };

  return { showJump: showJump && !dismissed, jump, dismiss: () => setDismissed(true) };
}
