"use client";
import { useCallback, useEffect, useLayoutEffect, useRef, useState, type RefObject } from "react";
import type { Virtualizer } from "@tanstack/react-virtual";
import { landsAtBottom, outOfView } from "./message-list-model";

/** Marks the "new messages" divider in the DOM. */
export const FIRST_UNREAD_ATTR = "data-first-unread";

interface Options {
  virtualizer: Virtualizer<HTMLDivElement, HTMLLIElement>;
  scrollerRef: RefObject<HTMLDivElement | null>;
  /** The list's "reader is at the bottom" flag, kept true to the geometry after a jump. */
  atBottomRef: RefObject<boolean>;
  loaded: boolean;
  /** Changes whenever rows are added or removed, so the divider is looked for again. */
  rows: number;
  /** The divider's row in the list, null when there is none (mounted or not). */
  dividerIndex: number | null;
  /** The seq of the message under the divider. */
  dividerSeq: number | null;
  /** The read cursor when the room was opened (null while unknown or for non-members). */
  readCursor: number | null | undefined;
  /** The room's newest seq when it was opened; a divider above a later (live) message is not landed on. */
  unreadUntil?: number | null;
  /** The newest loaded seq: once it reaches `unreadUntil` the catch-up is over. */
  lastSeq: number | undefined;
}

/**
 * Opening a room with unread messages lands on the first unread one that is loaded (the "new
 * messages" divider) instead of the bottom; while the divider is scrolled out of view,
 * `showJump` offers the way back to it. The divider is found by its index in the virtualized
 * list, so it need not be mounted.
 */
export function useFirstUnread({ virtualizer, scrollerRef, atBottomRef, loaded, rows, dividerIndex, dividerSeq, readCursor, unreadUntil, lastSeq }: Options) {
  const landedRef = useRef(false);
  const [showJump, setShowJump] = useState(false);
  const [dismissed, setDismissed] = useState(false);

  const settled = readCursor !== null && readCursor !== undefined;

  /** Scrolls the divider to the top of the view; returns whether that leaves the reader at the bottom. */
  const scrollToDivider = useCallback((): boolean | null => {
    const el = scrollerRef.current;
    if (!el || dividerIndex === null) return null;
    const row = virtualizer.measurementsCache[dividerIndex];
    if (!row) return null;
    const bottom = landsAtBottom(row.start, virtualizer.getTotalSize(), el.clientHeight);
    if (bottom) virtualizer.scrollToEnd();
    else virtualizer.scrollToIndex(dividerIndex, { align: "start" });
    return bottom;
  }, [scrollerRef, virtualizer, dividerIndex]);

  // Runs after the list's own scroll to the bottom (declared after it), in the same frame. The
  // divider may appear only once the join's replay arrives, and the replay may arrive in several
  // renders: until it has all arrived, while everything unread still fits on screen, each batch
  // lands on the divider again. Never yanks a reader out of older history or off live messages.
  useLayoutEffect(() => {
    if (landedRef.current || !loaded || !settled || dividerSeq === null) return;
    // Unknown at opening (a room previewed before joining): nothing was unread to land on.
    if (!atBottomRef.current || unreadUntil === null || unreadUntil === undefined || dividerSeq > unreadUntil) {
      landedRef.current = true;
      return;
    }
    const bottom = scrollToDivider();
    if (bottom === null) return;
    atBottomRef.current = bottom;
    if (!bottom || (lastSeq ?? 0) >= unreadUntil) landedRef.current = true;
  }, [loaded, settled, rows, dividerSeq, atBottomRef, unreadUntil, lastSeq, scrollToDivider]);

  useEffect(() => {
    const el = scrollerRef.current;
    if (!el) return;
    const update = () => {
      const row = dividerIndex === null ? undefined : virtualizer.measurementsCache[dividerIndex];
      setShowJump(!!row && outOfView(row.start, row.end, el.scrollTop, el.clientHeight));
    };
    const frame = requestAnimationFrame(update);
    el.addEventListener("scroll", update, { passive: true });
    return () => {
      cancelAnimationFrame(frame);
      el.removeEventListener("scroll", update);
    };
  }, [scrollerRef, virtualizer, dividerIndex, rows, loaded]);

  const jump = () => {
    const bottom = scrollToDivider();
    if (bottom !== null) atBottomRef.current = bottom;
  };

  return { showJump: showJump && !dismissed, jump, dismiss: () => setDismissed(true) };
}
