"use client";
/**
 * `@` autocomplete for the composer: a listbox of matching room members (plus @here and, for
 * moderators where the room allows it, @room). The textarea keeps focus; arrows move the active
 * option (aria-activedescendant), Enter or Tab picks, Escape closes.
 */
import { useTranslations } from "next-intl";
import { useId, useMemo, useState } from "react";
import { activeMention, applyMention, mentionOptions, type CandidateMember, type MentionOption } from "@/lib/mention-autocomplete";

export interface MentionSource {
  members: readonly CandidateMember[];
  meId?: string;
  canMentionRoom: boolean;
}

/** State and key handling for one textarea; render `listbox` above it and spread `inputProps` on it. */
export function useMentionAutocomplete(
  source: MentionSource | undefined,
  value: string,
  caret: number,
  onChange: (next: { value: string; caret: number }) => void,
) {
  const t = useTranslations("room.mentions");
  const listId = useId();
  /** The token (start and text) the user closed the list on; typing on opens it again. */
  const [dismissed, setDismissed] = useState<string | null>(null);
  const [activeIndex, setActiveIndex] = useState(0);
  const active = source ? activeMention(value, caret) : null;
  const options = useMemo(
    () => (active && source ? mentionOptions(source.members, active.query, { meId: source.meId, canMentionRoom: source.canMentionRoom }) : []),
    [active?.query, active?.start, source], // eslint-disable-line react-hooks/exhaustive-deps
  );
  const open = active !== null && options.length > 0 && dismissed !== `${active.start}:${active.query}`;
  const index = Math.min(activeIndex, Math.max(0, options.length - 1));

  const pick = (option: MentionOption) => {
    if (!active) return;
    onChange(applyMention(value, caret, active, option.username));
    setActiveIndex(0);
  };

  /** Handles the key when the list is open; true when the composer must not act on it. */
  const onKeyDown = (e: React.KeyboardEvent): boolean => {
    if (!open) return false;
    switch (e.key) {
      case "ArrowDown":
        setActiveIndex((index + 1) % options.length);
        break;
      case "ArrowUp":
        setActiveIndex((index - 1 + options.length) % options.length);
        break;
      case "Enter":
      case "Tab":
        if (e.shiftKey || e.nativeEvent.isComposing) return false;
        pick(options[index]!);
        break;
      case "Escape":
        setDismissed(`${active.start}:${active.query}`);
        break;
      default:
        return false;
    }
    e.preventDefault();
    return true;
  };

  const optionId = (i: number) => `${listId}-option-${i}`;
  const inputProps = {
    "aria-autocomplete": "list" as const,
    "aria-controls": open ? listId : undefined,
    "aria-activedescendant": open ? optionId(index) : undefined,
  };

  const listbox = open ? (
    <ul
      id={listId}
      role="listbox"
      aria-label={t("label")}
      data-testid="mention-listbox"
      className="absolute bottom-full left-0 z-30 mb-1 max-h-64 w-72 overflow-y-auto rounded-md border border-slate-200 bg-white py-1 shadow-lg"
    >
      {options.map((option, i) => (
        <li
          key={option.kind === "user" ? option.id : option.kind}
          id={optionId(i)}
          role="option"
          aria-selected={i === index}
          data-testid="mention-option"
          data-username={option.username}
          // Keeps the textarea focused: the pick happens on mouse down.
          onMouseDown={(e) => {
            e.preventDefault();
            pick(option);
          }}
          onMouseEnter={() => setActiveIndex(i)}
          className={`flex cursor-pointer items-baseline gap-2 px-3 py-1.5 text-sm ${i === index ? "bg-indigo-600 text-white" : "text-slate-800"}`}
        >
          <span className="font-semibold">@{option.username}</span>
          <span className={`truncate text-xs ${i === index ? "text-white" : "text-slate-600"}`}>
            {option.kind === "user" ? (option.displayName ?? "") : t(option.kind)}
          </span>
        </li>
      ))}
    </ul>
  ) : null;

  return { open, onKeyDown, inputProps, listbox };
}
