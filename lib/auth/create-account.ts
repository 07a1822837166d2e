import "server-only";
import { db } from "@/lib/db/client";
import { AppError } from "@/lib/http/errors";
import { hashPassword } from "./password";
import type { Role } from "./session-token";

export async function createAccount(input: { email: string; password: string; name: string; role?: Role }) {
  const passwordHash = await hashPassword(input.password);
  try {
    return await db.user.create({
      data: { email: input.email, name: input.name, passwordHash, role: input.role ?? "user" },
      select: { id: true, email: true, name: true },
    });
  } catch (e) {
    if (typeof e === "object" && e !== null && (e as { code?: string }).code === "P2002") {
      throw new AppError("conflict", "An account with this email already exists.", {
        fields: { email: "An account with this email already exists." },
      });
    }
    throw e;
  }
}
