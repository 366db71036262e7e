"use client";
import { useTranslations } from "next-intl";
import { useRouter } from "next/navigation";
import { useState } from "react";
import { useChat } from "@/hooks/useChatSocket";
import { useErrorMessage, useFieldErrorMessage, useLocalizedError } from "@/hooks/useErrorMessage";
import { ApiError, api, sentence } from "@/lib/api";
import { CreateRoomBody } from "@/protocol/rest";
import { FieldError } from "@/components/ui/FieldError";

/** Creates a room (the creator becomes its owner) and opens it. */
export function CreateRoomForm({ onDone }: { onDone: () => void }) {
  const t = useTranslations("shell.createRoom");
  const common = useTranslations("common");
  const errorMessage = useErrorMessage();
  const fieldError = useFieldErrorMessage();
  const say = useLocalizedError();
  const router = useRouter();
  const { directory } = useChat();
  const [name, setName] = useState("");
  const [topic, setTopic] = useState("");
  const [visibility, setVisibility] = useState<"public" | "private">("public");
  const [error, setError] = useState<string | null>(null);
  /** An error about the name (taken in its scope, too long…), shown at the field. */
  const [nameError, setNameError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  async function submit(event: React.FormEvent) {
    event.preventDefault();
    const parsed = CreateRoomBody.safeParse({ name, visibility, topic: topic.trim() || undefined });
    setError(null);
    setNameError(null);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      // The schema's words are the server's; the form has its own sentence for each case.
      const specific = issue?.path[0] !== "name" ? t("checkForm") : name.trim() === "" ? t("nameRequired") : t("nameTooLong");
      const message = say({ english: sentence(issue?.message ?? "Check the form"), specific });
      if (issue?.path[0] === "name") setNameError(message);
      else setError(message);
      return;
    }
    setBusy(true);
    try {
      const room = await api.createRoom(parsed.data);
      directory.upsert({ ...room, unread: 0 });
      void directory.refresh();
      setName("");
      setTopic("");
      onDone();
      router.push(`/rooms/${room.id}`);
    } catch (err) {
      if (err instanceof ApiError && err.field === "name") setNameError(fieldError(err));
      else setError(errorMessage(err, t("failed")));
    } finally {
      setBusy(false);
    }
  }

  return (
    <form
      onSubmit={submit}
      onKeyDown={(e) => {
        if (e.key === "Escape") {
          e.stopPropagation();
          onDone();
        }
      }}
      data-testid="create-room-form"
      className="space-y-2 rounded-lg border border-slate-200 bg-white p-3 shadow-sm"
      noValidate
    >
      <label className="block text-xs font-medium text-slate-600">
        {t("name")}
        <input
          data-testid="create-room-name"
          value={name}
          onChange={(e) => {
            setName(e.target.value);
            setNameError(null);
          }}
          maxLength={80}
          required
          autoFocus
          aria-invalid={nameError ? true : undefined}
          aria-describedby={nameError ? "create-room-name-error" : undefined}
          className="mt-1 block w-full rounded-md border border-slate-300 px-2 py-1.5 text-sm text-slate-900 focus:border-indigo-500 focus:outline-none focus:ring-1 focus:ring-indigo-500"
          placeholder={t("namePlaceholder")}
        />
        <FieldError id="create-room-name-error" testId="create-room-name-error" message={nameError} />
      </label>
      <label className="block text-xs font-medium text-slate-600">
        {t.rich("topic", { optional: (chunks) => <span className="font-normal text-slate-600">{chunks}</span> })}
        <input
          data-testid="create-room-topic"
          value={topic}
          onChange={(e) => setTopic(e.target.value)}
          maxLength={500}
          className="mt-1 block w-full rounded-md border border-slate-300 px-2 py-1.5 text-sm text-slate-900 focus:border-indigo-500 focus:outline-none focus:ring-1 focus:ring-indigo-500"
          placeholder={t("topicPlaceholder")}
        />
      </label>
      <fieldset className="flex gap-4 text-xs text-slate-700">
        <legend className="sr-only">{t("visibility")}</legend>
        {(["public", "private"] as const).map((v) => (
          <label key={v} className="flex items-center gap-1.5">
            <input
              type="radio"
              name="visibility"
              value={v}
              data-testid={`create-room-${v}`}
              checked={visibility === v}
              onChange={() => setVisibility(v)}
              className="accent-indigo-600"
            />
            {t(v)}
          </label>
        ))}
      </fieldset>
      {error && (
        <p role="alert" data-testid="create-room-error" className="text-xs text-rose-700">
          {error}
        </p>
      )}
      <div className="flex justify-end gap-2">
        <button type="button" onClick={onDone} className="rounded-md px-2.5 py-1.5 text-xs font-medium text-slate-600 hover:bg-slate-100">
          {common("cancel")}
        </button>
        <button
          type="submit"
          data-testid="create-room-submit"
          disabled={busy}
          className="rounded-md bg-indigo-600 px-3 py-1.5 text-xs font-semibold text-white hover:bg-indigo-500 disabled:opacity-50"
        >
          {busy ? t("creating") : t("submit")}
        </button>
      </div>
    </form>
  );
}
