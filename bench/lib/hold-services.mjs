// Runs under scripts/with-services.sh: reports the throwaway Postgres + Redis to the bench on
// stdout, then holds them until the bench closes our stdin (or dies, which closes it too).
process.stdout.write(`${JSON.stringify({ services: { DATABASE_URL: process.env.DATABASE_URL, REDIS_URL: process.env.REDIS_URL } })}\n`);
process.stdin.resume();
process.stdin.on("end", () => process.exit(0));
process.stdin.on("close", () => process.exit(0));
process.on("SIGTERM", () => process.exit(0));
