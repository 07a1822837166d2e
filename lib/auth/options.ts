import "server-only";
import type { NextAuthOptions } from "next-auth";
import CredentialsProvider from "next-auth/providers/credentials";
import { db } from "@/lib/db/client";
import { authSecret } from "@/lib/env";
import { clientIp } from "@/lib/http/client-ip";
import { isLimited, limiter } from "@/lib/http/rate-limit";
import { verifyPassword } from "./password";
import { credentialsSchema } from "./schemas";
import { ROLES, type Role } from "./session-token";

/** Failed sign-ins allowed per window before further attempts are refused. */
export const LOGIN_FAILURES_PER_EMAIL = 10;
export const LOGIN_FAILURES_PER_IP = 100;
const WINDOW_SECONDS = 15 * 60;

/** The message next-auth passes back to the login page when attempts are being refused. */
export const RATE_LIMITED_ERROR = "rate_limited";

function asRole(r: string): Role {
  return (ROLES as readonly string[]).includes(r) ? (r as Role) : "user";
}

export function authOptions(): NextAuthOptions {
  return {
    secret: authSecret(),
    session: { strategy: "jwt", maxAge: 30 * 24 * 60 * 60 },
    pages: { signIn: "/login", error: "/login" },
    providers: [
      CredentialsProvider({
        id: "credentials",
        name: "Email",
        credentials: { email: { label: "Email", type: "email" }, password: { label: "Password", type: "password" } },
        async authorize(raw, req) {
          const parsed = credentialsSchema.safeParse(raw ?? {});
          if (!parsed.success) return null;
          const { email, password } = parsed.data;
          const ip = clientIp(req.headers ?? {});
          const byEmail = limiter("login-email", LOGIN_FAILURES_PER_EMAIL, WINDOW_SECONDS);
          const byIp = limiter("login-ip", LOGIN_FAILURES_PER_IP, WINDOW_SECONDS);
          if ((await isLimited(byEmail, email)) || (await isLimited(byIp, ip))) throw new Error(RATE_LIMITED_ERROR);

          const user = await db.user.findUnique({ where: { email }, omit: { passwordHash: false } });
          const ok = await verifyPassword(password, user?.passwordHash);
          if (!user || !ok) {
            await Promise.all([byEmail.penalty(email, 1), byIp.penalty(ip, 1)]);
            return null;
          }
          await byEmail.delete(email);
          return { id: user.id, email: user.email, name: user.name, role: asRole(user.role) };
        },
      }),
    ],
    callbacks: {
      jwt({ token, user }) {
        if (user) {
          token.uid = user.id;
          token.role = (user as { role?: Role }).role ?? "user";
        }
        return token;
      },
      session({ session, token }) {
        if (session.user) {
          session.user.id = String(token.uid ?? "");
          session.user.role = (token.role as Role | undefined) ?? "user";
        }
        return session;
      },
    },
    logger: {
      // next-auth logs a stack for every failed credentials sign-in; keep only real errors.
      error(code, metadata) {
        // Expected outcomes, or things any visitor can trigger (a forged cookie): not server errors.
        if (code === "CREDENTIALS_SIGNIN_FAILED" || code === "CLIENT_FETCH_ERROR" || code === "JWT_SESSION_ERROR") return;
        console.error("[auth]", code, metadata instanceof Error ? metadata.message : "");
      },
      warn() {},
      debug() {},
    },
  };
}
