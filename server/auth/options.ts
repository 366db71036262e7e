/**
 * next-auth configuration, defined once and imported by the auth route handler and by the
 * server components that read the session. Credentials require JWT sessions.
 */
import type { NextAuthOptions } from "next-auth";
import CredentialsProvider from "next-auth/providers/credentials";
import { TokenBody } from "@/protocol/rest";
import { verifyCredentials } from "@/server/chat/users";
import { CLIENT_IP_HEADER } from "@/server/http/client-ip";
import { getRuntime } from "@/server/runtime";

export const SESSION_MAX_AGE_S = 30 * 24 * 3600;

export const authOptions: NextAuthOptions = {
  session: { strategy: "jwt", maxAge: SESSION_MAX_AGE_S },
  pages: { signIn: "/signin" },
  providers: [
    CredentialsProvider({
      name: "Username and password",
      credentials: { username: { label: "Username", type: "text" }, password: { label: "Password", type: "password" } },
      async authorize(credentials, req) {
        const runtime = getRuntime();
        const ip = req.headers?.[CLIENT_IP_HEADER];
        await runtime.limits.consume("auth", typeof ip === "string" ? ip : "unknown").catch(() => {
          throw new Error("Too many sign-in attempts; wait a minute and try again");
        });
        const parsed = TokenBody.safeParse({ username: credentials?.username, password: credentials?.password });
        if (!parsed.success) return null;
        const user = await verifyCredentials(runtime.db, parsed.data);
        return user ? { id: user.id, name: user.username } : null;
      },
    }),
  ],
  callbacks: {
    jwt({ token, user }) {
      if (user) {
        token.sub = user.id;
        token.name = user.name;
      }
      return token;
    },
    session({ session, token }) {
      session.user = { id: token.sub ?? "", name: token.name ?? "" };
      return session;
    },
  },
};
