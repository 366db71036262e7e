/** An error shown right under the field it is about; the field points at it with aria-describedby. */
export function FieldError({ id, message, testId }: { id: string; message: string | null; testId: string }) {
  if (!message) return null;
  return (
    <p id={id} role="alert" data-testid={testId} className="mt-1 text-xs font-normal text-rose-700">
      {message}
    </p>
  );
}
