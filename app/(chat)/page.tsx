export default function Home() {
  return (
    <div className="m-auto max-w-md p-8 text-center">
      <h1 className="text-xl font-semibold text-slate-900">Welcome to Confab</h1>
      <p className="mt-2 text-sm text-slate-600">
        Pick a room on the left, browse public rooms, or create a new one to start talking.
      </p>
    </div>
  );
}
