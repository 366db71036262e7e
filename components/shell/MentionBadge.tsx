import { useTranslations } from "next-intl";

/** The sidebar's mention badge: unread messages that mention the user, apart from the unread count. */
export function MentionBadge({ count }: { count: number }) {
  const t = useTranslations("shell");
  if (count <= 0) return null;
  const label = t("mentions", { count });
  return (
    <span data-testid="mention-count" aria-label={label} title={label} className="rounded-full bg-rose-600 px-1.5 py-0.5 text-[10px] font-bold leading-none text-white">
      @{count > 99 ? "99+" : count}
    </span>
  );
}
