/** Set by server/index.ts on every request (overwriting anything the client sent). */
export const CLIENT_IP_HEADER = "x-confab-client-ip";

export const clientIp = (req: Request) => req.headers.get(CLIENT_IP_HEADER) ?? "unknown";
